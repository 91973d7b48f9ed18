using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Text;

namespace RealCode;

/// <summary>Compiles each project (its own files, its restored references, its referenced projects as CompilationReferences)
/// and runs the analyzers on it.</summary>
public static class Analyze
{
    private static readonly string[] BaseUsings = { "System", "System.Collections.Generic", "System.IO", "System.Linq", "System.Net.Http", "System.Threading", "System.Threading.Tasks" };
    private static readonly string[] WebUsings = { "System.Net.Http.Json", "Microsoft.AspNetCore.Builder", "Microsoft.AspNetCore.Hosting", "Microsoft.AspNetCore.Http", "Microsoft.AspNetCore.Routing", "Microsoft.Extensions.Configuration", "Microsoft.Extensions.DependencyInjection", "Microsoft.Extensions.Hosting", "Microsoft.Extensions.Logging" };
    private static readonly string[] WorkerUsings = { "Microsoft.Extensions.Configuration", "Microsoft.Extensions.DependencyInjection", "Microsoft.Extensions.Hosting", "Microsoft.Extensions.Logging" };

    private static readonly ConcurrentDictionary<string, MetadataReference> MetadataCache = new(StringComparer.Ordinal);

    public static async Task RepoAsync(RepoStats st, List<ProjectInfo> projects, Restore.Result restore, ImmutableArray<string> packs,
        ImmutableArray<DiagnosticAnalyzer> analyzers, List<Finding> findings, ConcurrentQueue<string> exceptions, TextWriter log)
    {
        st.ProjectsFound = projects.Count + st.Skipped;
        var byPath = projects.ToDictionary(p => p.Path, StringComparer.Ordinal);
        var compilations = new Dictionary<string, Compilation>(StringComparer.Ordinal);
        foreach (var p in TopologicalOrder(projects, byPath))
        {
            if (p.Files.Count == 0)
            {
                continue;
            }

            var sw = Stopwatch.StartNew();
            var parse = ParseOptions(p);
            var trees = new List<SyntaxTree>();
            foreach (var file in p.Files)
            {
                var text = SourceText.From(File.ReadAllText(file), Encoding.UTF8);
                trees.Add(CSharpSyntaxTree.ParseText(text, parse, file));
            }

            var lines = trees.Sum(t => (long)t.GetText().Lines.Count);
            st.Lines += lines;
            if (!p.IsTest)
            {
                st.ProductionLines += lines;
            }

            st.Files += trees.Count;
            var extra = GeneratedText(p);
            if (extra.Length > 0)
            {
                trees.Add(CSharpSyntaxTree.ParseText(SourceText.From(extra, Encoding.UTF8), parse, Path.Combine(p.Dir, "obj", p.Name + ".RealCode.g.cs")));
            }

            var references = new List<MetadataReference>();
            if (restore.References.TryGetValue(p.Path, out var dlls) && dlls.Count > 0)
            {
                references.AddRange(dlls.Select(Metadata));
            }
            else
            {
                st.ProjectsWithoutRestore++;
                references.AddRange(packs.Select(Metadata));
            }

            // Packages flow through ProjectReferences: add the referenced projects' restored assemblies this one lacks.
            var names = new HashSet<string>(references.Select(r => Path.GetFileName(r.Display ?? "")), StringComparer.OrdinalIgnoreCase);
            foreach (var dep in Closure(p, byPath))
            {
                if (restore.References.TryGetValue(dep.Path, out var depDlls))
                {
                    foreach (var dll in depDlls)
                    {
                        if (names.Add(Path.GetFileName(dll)))
                        {
                            references.Add(Metadata(dll));
                        }
                    }
                }
            }

            foreach (var dep in Closure(p, byPath))
            {
                if (compilations.TryGetValue(dep.Path, out var c))
                {
                    references.Add(c.ToMetadataReference());
                }
            }

            var options = new CSharpCompilationOptions(
                    IsExe(p) ? OutputKind.ConsoleApplication : OutputKind.DynamicallyLinkedLibrary,
                    nullableContextOptions: Nullable(p),
                    allowUnsafe: True(p, "AllowUnsafeBlocks"),
                    concurrentBuild: false)
                .WithSpecificDiagnosticOptions(new Dictionary<string, ReportDiagnostic> { ["CS1701"] = ReportDiagnostic.Suppress, ["CS1702"] = ReportDiagnostic.Suppress });
            var compilation = CSharpCompilation.Create(p.AssemblyName, trees, references, options);
            compilations[p.Path] = compilation;

            // The compiler's own time: every compiler diagnostic, without analyzers.
            var compile = Stopwatch.StartNew();
            var compilerDiagnostics = compilation.GetDiagnostics();
            compile.Stop();
            st.CompilerTime += compile.Elapsed;
            var errors = compilerDiagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
            st.CompilerErrors += errors.Count;
            foreach (var e in errors)
            {
                st.ErrorIds[e.Id] = st.ErrorIds.GetValueOrDefault(e.Id) + 1;
            }

            var withAnalyzers = compilation.WithAnalyzers(analyzers, new CompilationWithAnalyzersOptions(
                new AnalyzerOptions(ImmutableArray<AdditionalText>.Empty),
                onAnalyzerException: (ex, analyzer, diag) => exceptions.Enqueue($"AD0001 in {st.Repo}/{p.RelativePath}: {analyzer.GetType().FullName}: {diag.GetMessage(CultureInfo.InvariantCulture)}\n{ex}"),
                concurrentAnalysis: false,
                logAnalyzerExecutionTime: true,
                reportSuppressedDiagnostics: true));
            // Analyzer diagnostics first (the execution times are logged by this pass), then all diagnostics for the
            // compiler's CS4014 with the suppressors applied (the analyzer results are cached by then).
            await withAnalyzers.GetAnalyzerDiagnosticsAsync(CancellationToken.None);
            foreach (var a in analyzers)
            {
                var telemetry = await withAnalyzers.GetAnalyzerTelemetryInfoAsync(a, CancellationToken.None);
                var label = Program.Label(a);
                st.AnalyzerTime[label] = st.AnalyzerTime.GetValueOrDefault(label) + telemetry.ExecutionTime;
            }

            var all = await withAnalyzers.GetAllDiagnosticsAsync();

            var kind = p.IsTest ? "test" : "production";
            var sfLines = new HashSet<string>(StringComparer.Ordinal);
            var csLines = new HashSet<string>(StringComparer.Ordinal);
            foreach (var d in all)
            {
                if (d.Id is "AD0001" or "AD0002")
                {
                    exceptions.Enqueue($"{d.Id} in {st.Repo}/{p.RelativePath}: {d.GetMessage(CultureInfo.InvariantCulture)}");
                    continue;
                }

                var isSf = d.Id.StartsWith("SF", StringComparison.Ordinal);
                if (!isSf && d.Id != "CS4014")
                {
                    continue;
                }

                if (d.IsSuppressed)
                {
                    var info = d.GetSuppressionInfo(withAnalyzers.Compilation);
                    var by = info is not null && info.ProgrammaticSuppressions.Length > 0 ? "suppressor " + string.Join("/", info.ProgrammaticSuppressions.Select(s => s.Descriptor.Id).Distinct()) : "in source";
                    var key = $"{d.Id} ({by})";
                    st.Suppressed[key] = st.Suppressed.GetValueOrDefault(key) + 1;
                    continue;
                }

                if (!d.Location.IsInSource || d.Location.SourceTree is null)
                {
                    if (isSf)
                    {
                        findings.Add(new Finding { Repo = st.Repo, Project = p.RelativePath, Kind = kind, Rule = d.Id, File = "", Line = 0, Message = d.GetMessage(CultureInfo.InvariantCulture), Source = "" });
                    }

                    continue;
                }

                var span = d.Location.GetLineSpan();
                var rel = Path.GetRelativePath(p.RepoRoot, d.Location.SourceTree.FilePath).Replace('\\', '/');
                var lineNo = span.StartLinePosition.Line;
                if (d.Id == "CS4014")
                {
                    st.Cs4014++;
                    csLines.Add(rel + ":" + lineNo);
                    continue;
                }

                sfLines.Add(d.Id + "|" + rel + ":" + lineNo);
                var textLines = d.Location.SourceTree.GetText().Lines;
                var src = lineNo < textLines.Count ? textLines[lineNo].ToString().Trim() : "";
                if (src.Length > 240)
                {
                    src = src.Substring(0, 240) + "…";
                }

                findings.Add(new Finding
                {
                    Repo = st.Repo, Project = p.RelativePath, Kind = kind, Rule = d.Id, File = rel, Line = lineNo + 1, Column = span.StartLinePosition.Character + 1,
                    Message = d.GetMessage(CultureInfo.InvariantCulture), Source = src,
                });
            }

            st.Cs4014AndSf1001 += sfLines.Count(s => s.StartsWith("SF1001|", StringComparison.Ordinal) && csLines.Contains(s.Substring("SF1001|".Length)));
            st.ProjectsCompiled++;
            if (p.IsTest)
            {
                st.TestProjects++;
            }

            log.WriteLine($"  {p.RelativePath} [{kind}]: {trees.Count} files, {lines:N0} lines, {errors.Count} compiler errors, compile {compile.Elapsed.TotalSeconds:F1}s, total {sw.Elapsed.TotalSeconds:F1}s");
        }
    }

    private static MetadataReference Metadata(string path) => MetadataCache.GetOrAdd(path, p => MetadataReference.CreateFromFile(p));

    private static IEnumerable<ProjectInfo> TopologicalOrder(List<ProjectInfo> projects, Dictionary<string, ProjectInfo> byPath)
    {
        var done = new HashSet<string>(StringComparer.Ordinal);
        var visiting = new HashSet<string>(StringComparer.Ordinal);
        var order = new List<ProjectInfo>();
        void Visit(ProjectInfo p)
        {
            if (done.Contains(p.Path) || !visiting.Add(p.Path))
            {
                return;
            }

            foreach (var r in p.ProjectReferences)
            {
                if (byPath.TryGetValue(r, out var dep))
                {
                    Visit(dep);
                }
            }

            visiting.Remove(p.Path);
            done.Add(p.Path);
            order.Add(p);
        }

        foreach (var p in projects)
        {
            Visit(p);
        }

        return order;
    }

    /// <summary>The projects referenced directly or through others (ProjectReferences flow on in SDK projects).</summary>
    private static List<ProjectInfo> Closure(ProjectInfo p, Dictionary<string, ProjectInfo> byPath)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal) { p.Path };
        var list = new List<ProjectInfo>();
        var stack = new Stack<ProjectInfo>();
        stack.Push(p);
        while (stack.Count > 0)
        {
            foreach (var r in stack.Pop().ProjectReferences)
            {
                if (byPath.TryGetValue(r, out var dep) && seen.Add(r))
                {
                    list.Add(dep);
                    stack.Push(dep);
                }
            }
        }

        return list;
    }

    private static bool True(ProjectInfo p, string prop) => p.Properties.TryGetValue(prop, out var v) && v.Equals("true", StringComparison.OrdinalIgnoreCase);

    private static bool IsExe(ProjectInfo p) =>
        p.Properties.TryGetValue("OutputType", out var t) ? t.Equals("Exe", StringComparison.OrdinalIgnoreCase) || t.Equals("WinExe", StringComparison.OrdinalIgnoreCase)
        : p.Sdk.Contains("Web", StringComparison.OrdinalIgnoreCase) || p.Sdk.Contains("Worker", StringComparison.OrdinalIgnoreCase);

    private static NullableContextOptions Nullable(ProjectInfo p) =>
        p.Properties.TryGetValue("Nullable", out var v) ? v.ToLowerInvariant() switch
        {
            "enable" => NullableContextOptions.Enable,
            "warnings" => NullableContextOptions.Warnings,
            "annotations" => NullableContextOptions.Annotations,
            _ => NullableContextOptions.Disable,
        } : NullableContextOptions.Disable;

    /// <summary>The project's LangVersion if it names one (else latest), its plain DefineConstants plus the symbols of a
    /// net10.0 Release build.</summary>
    private static CSharpParseOptions ParseOptions(ProjectInfo p)
    {
        var lang = LanguageVersion.Latest;
        if (p.Properties.TryGetValue("LangVersion", out var lv) && ProjectInfo.IsPlain(lv) && LanguageVersionFacts.TryParse(lv, out var parsed))
        {
            lang = parsed;
        }

        var symbols = new List<string> { "NET", "NETCOREAPP", "NET10_0", "RELEASE", "TRACE" };
        for (var v = 5; v <= 10; v++)
        {
            symbols.Add($"NET{v}_0_OR_GREATER");
        }

        symbols.AddRange(new[] { "NETCOREAPP1_0_OR_GREATER", "NETCOREAPP1_1_OR_GREATER", "NETCOREAPP2_0_OR_GREATER", "NETCOREAPP2_1_OR_GREATER", "NETCOREAPP2_2_OR_GREATER", "NETCOREAPP3_0_OR_GREATER", "NETCOREAPP3_1_OR_GREATER" });
        if (p.Properties.TryGetValue("DefineConstants", out var dc))
        {
            symbols.AddRange(dc.Split(';', StringSplitOptions.RemoveEmptyEntries));
        }

        return new CSharpParseOptions(lang, DocumentationMode.Parse, SourceCodeKind.Regular, symbols.Distinct());
    }

    /// <summary>What the SDK would generate: implicit global usings, &lt;Using&gt; items, InternalsVisibleTo items.</summary>
    private static string GeneratedText(ProjectInfo p)
    {
        var sb = new StringBuilder();
        if (p.Properties.TryGetValue("ImplicitUsings", out var iu) && (iu.Equals("enable", StringComparison.OrdinalIgnoreCase) || iu.Equals("true", StringComparison.OrdinalIgnoreCase)))
        {
            var names = BaseUsings.AsEnumerable();
            if (p.Sdk.Contains("Web", StringComparison.OrdinalIgnoreCase) || p.Sdk.Contains("Razor", StringComparison.OrdinalIgnoreCase) || p.Sdk.Contains("Blazor", StringComparison.OrdinalIgnoreCase))
            {
                names = names.Concat(WebUsings);
            }
            else if (p.Sdk.Contains("Worker", StringComparison.OrdinalIgnoreCase))
            {
                names = names.Concat(WorkerUsings);
            }

            foreach (var n in names)
            {
                sb.Append("global using global::").Append(n).Append(";\n");
            }
        }

        foreach (var (name, alias, isStatic) in p.Usings)
        {
            sb.Append("global using ").Append(isStatic ? "static " : "").Append(alias is null ? "" : alias + " = ").Append("global::").Append(name).Append(";\n");
        }

        foreach (var ivt in p.InternalsVisibleTo)
        {
            sb.Append("[assembly: System.Runtime.CompilerServices.InternalsVisibleTo(\"").Append(ivt).Append("\")]\n");
        }

        return sb.ToString();
    }
}
