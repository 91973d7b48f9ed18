using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Reflection;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;

namespace Steadfast.Tests.Verification
{
    /// <summary>
    /// Runs analyzers over a compilation the way a build does (concurrently, every descriptor on), for the checks the
    /// testing framework does not make: robustness on broken input and repeatability. Any analyzer exception fails.
    /// </summary>
    public static class AnalyzerRunner
    {
        /// <summary>
        /// Every analyzer Steadfast ships: each <see cref="DiagnosticAnalyzer"/> of Steadfast.Analyzers marked for C#,
        /// less the suppressors (<see cref="AllSuppressors"/>: they report no diagnostic of their own).
        /// </summary>
        public static ImmutableArray<DiagnosticAnalyzer> AllAnalyzers { get; } = typeof(Steadfast.Analyzers.Descriptors).Assembly.GetTypes()
            .Where(t => !t.IsAbstract && typeof(DiagnosticAnalyzer).IsAssignableFrom(t) && !typeof(DiagnosticSuppressor).IsAssignableFrom(t) &&
                        t.GetCustomAttributes<DiagnosticAnalyzerAttribute>().Any(a => a.Languages.Contains(LanguageNames.CSharp)))
            .OrderBy(t => t.FullName, StringComparer.Ordinal)
            .Select(t => (DiagnosticAnalyzer)Activator.CreateInstance(t)!)
            .ToImmutableArray();

        /// <summary>Every diagnostic suppressor Steadfast ships (each silences a compiler warning where a rule of ours speaks instead).</summary>
        public static ImmutableArray<DiagnosticSuppressor> AllSuppressors { get; } = typeof(Steadfast.Analyzers.Descriptors).Assembly.GetTypes()
            .Where(t => !t.IsAbstract && typeof(DiagnosticSuppressor).IsAssignableFrom(t) && t.GetCustomAttributes<DiagnosticAnalyzerAttribute>().Any(a => a.Languages.Contains(LanguageNames.CSharp)))
            .OrderBy(t => t.FullName, StringComparer.Ordinal)
            .Select(t => (DiagnosticSuppressor)Activator.CreateInstance(t)!)
            .ToImmutableArray();

        public static CSharpParseOptions ParseOptions { get; } = new CSharpParseOptions(LanguageVersion.Latest);

        public static CSharpCompilation Compile(IEnumerable<SyntaxTree> trees, OutputKind outputKind, ImmutableArray<MetadataReference> references, string name = "TestProject") =>
            CSharpCompilation.Create(name, trees, references, new CSharpCompilationOptions(outputKind, nullableContextOptions: NullableContextOptions.Enable, allowUnsafe: true));

        /// <summary>An in-memory project of <paramref name="sources"/> (/0/Test0.cs, …) and an optional /0/.editorconfig, for tests that call a code fix provider directly.</summary>
        public static Project CreateProject(
            IReadOnlyList<string> sources,
            string? editorConfig = null,
            ImmutableArray<MetadataReference> references = default,
            OutputKind outputKind = OutputKind.DynamicallyLinkedLibrary,
            IReadOnlyList<(string Path, string Text)>? additionalFiles = null)
        {
            var workspace = new AdhocWorkspace();
            var projectId = ProjectId.CreateNewId("TestProject");
            var solution = workspace.CurrentSolution.AddProject(ProjectInfo.Create(
                projectId,
                VersionStamp.Default,
                name: "TestProject",
                assemblyName: "TestProject",
                language: LanguageNames.CSharp,
                filePath: "/0/TestProject.csproj",
                compilationOptions: new CSharpCompilationOptions(outputKind, nullableContextOptions: NullableContextOptions.Enable, allowUnsafe: true),
                parseOptions: ParseOptions,
                metadataReferences: references.IsDefault ? TestReferences.All : references));
            for (var i = 0; i < sources.Count; i++)
            {
                solution = solution.AddDocument(DocumentId.CreateNewId(projectId), "Test" + i + ".cs", sources[i], filePath: "/0/Test" + i + ".cs");
            }

            if (editorConfig is not null)
            {
                var text = editorConfig.Contains("root = true", StringComparison.Ordinal) ? editorConfig : "root = true\n" + editorConfig;
                solution = solution.AddAnalyzerConfigDocument(DocumentId.CreateNewId(projectId), ".editorconfig", Microsoft.CodeAnalysis.Text.SourceText.From(text), filePath: "/0/.editorconfig");
            }

            foreach (var (path, text) in additionalFiles ?? Array.Empty<(string, string)>())
            {
                solution = solution.AddAdditionalDocument(DocumentId.CreateNewId(projectId), System.IO.Path.GetFileName(path), Microsoft.CodeAnalysis.Text.SourceText.From(text), filePath: path);
            }

            return solution.GetProject(projectId)!;
        }

        /// <summary>Compiles <paramref name="project"/> and runs <paramref name="analyzers"/> with its options; fails on compiler errors.</summary>
        public static async Task<ImmutableArray<Diagnostic>> RunAsync(Project project, params DiagnosticAnalyzer[] analyzers)
        {
            var compilation = (await project.GetCompilationAsync().ConfigureAwait(false))!;
            var errors = compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
            if (errors.Count > 0)
            {
                throw new InvalidOperationException("The test project does not compile:\n" + string.Join("\n", errors));
            }

            return await RunAsync(compilation, analyzers.ToImmutableArray(), project.AnalyzerOptions).ConfigureAwait(false);
        }

        /// <summary>The analyzers' diagnostics in a stable order (path, span, ID); throws <see cref="AnalyzerExceptionException"/> on AD0001.</summary>
        public static async Task<ImmutableArray<Diagnostic>> RunAsync(
            Compilation compilation, ImmutableArray<DiagnosticAnalyzer> analyzers, AnalyzerOptions? options = null, CancellationToken cancellationToken = default)
        {
            var exceptions = new ConcurrentQueue<string>();
            var withAnalyzers = compilation.WithAnalyzers(analyzers, new CompilationWithAnalyzersOptions(
                options ?? new AnalyzerOptions(ImmutableArray<AdditionalText>.Empty),
                onAnalyzerException: (exception, analyzer, diagnostic) => exceptions.Enqueue($"{analyzer.GetType().Name} threw {exception}"),
                concurrentAnalysis: true,
                logAnalyzerExecutionTime: false,
                reportSuppressedDiagnostics: false));
            var diagnostics = await withAnalyzers.GetAnalyzerDiagnosticsAsync(cancellationToken).ConfigureAwait(false);
            foreach (var diagnostic in diagnostics)
            {
                if (diagnostic.Id == "AD0001")
                {
                    exceptions.Enqueue(diagnostic.ToString());
                }
            }

            if (!exceptions.IsEmpty)
            {
                throw new AnalyzerExceptionException("An analyzer threw (AD0001):\n" + string.Join("\n", exceptions));
            }

            return diagnostics.Sort(Compare);
        }

        /// <summary>One line per diagnostic (path, position, ID, message, properties), to compare runs.</summary>
        public static string Describe(Diagnostic d)
        {
            var span = d.Location.GetLineSpan();
            var properties = string.Join(",", d.Properties.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => p.Key + "=" + p.Value));
            return $"{span.Path}({span.StartLinePosition.Line + 1},{span.StartLinePosition.Character + 1}) {d.Id}: {d.GetMessage(System.Globalization.CultureInfo.InvariantCulture)} [{properties}]";
        }

        private static int Compare(Diagnostic a, Diagnostic b)
        {
            var c = string.CompareOrdinal(a.Location.SourceTree?.FilePath ?? string.Empty, b.Location.SourceTree?.FilePath ?? string.Empty);
            if (c != 0)
            {
                return c;
            }

            c = a.Location.SourceSpan.Start.CompareTo(b.Location.SourceSpan.Start);
            if (c != 0)
            {
                return c;
            }

            c = a.Location.SourceSpan.End.CompareTo(b.Location.SourceSpan.End);
            return c != 0 ? c : string.CompareOrdinal(a.Id, b.Id);
        }
    }

    public sealed class AnalyzerExceptionException : Exception
    {
        public AnalyzerExceptionException(string message)
            : base(message)
        {
        }
    }
}
