using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;

namespace Steadfast.Benchmarks
{
    /// <summary>
    /// The IDE's cost for one document: <c>CompilationWithAnalyzers.GetAnalyzerSemanticDiagnosticsAsync(model, filterSpan: null, …)</c>
    /// on a fresh <see cref="CompilationWithAnalyzers"/> each time (median of several), in a small and a large project that
    /// both contain the document, for all Steadfast analyzers together and for the floor (one do-nothing analyzer per
    /// Steadfast analyzer with the same registrations), and per rule from the driver's telemetry. A rule whose cost grows
    /// with the project's size, for the same document, is scanning the compilation.
    /// </summary>
    /// <remarks>
    /// The projects are loose-file compiles against the .NET and ASP.NET Core reference packs (as <see cref="AnalyzerCost"/>):
    /// the document and the files nearest to it in the folder tree (same folder first), so the small project is a subset
    /// of the large one. Package types are unresolved, as in the issue's measurement.
    /// </remarks>
    public static class IdeCost
    {
        public static async Task<int> RunAsync(string[] args)
        {
            var paths = new List<string>();
            var documents = new List<string>();
            var sizes = new[] { 200, 2000 };
            // --analyzers DLL (repeatable): another build measured next to this one in the same run.
            var runs = 7;
            var assemblies = new List<string>();
            var whole = false;
            string[]? only = null;
            for (var i = 0; i < args.Length; i++)
            {
                switch (args[i])
                {
                    case "--path": paths.Add(Path.GetFullPath(args[++i])); break;
                    case "--document": documents.Add(Path.GetFullPath(args[++i])); break;
                    case "--sizes": sizes = args[++i].Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToArray(); break;
                    case "--runs": runs = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                    case "--analyzers": assemblies.Add(Path.GetFullPath(args[++i])); break;
                    case "--whole": whole = true; break;
                    case "--rules": only = args[++i].Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries); break;
                    default: Console.Error.WriteLine("unknown option " + args[i]); return 2;
                }
            }

            if (paths.Count == 0 || (documents.Count == 0 && !whole))
            {
                Console.Error.WriteLine("usage: ide --path DIR [--path DIR …] --document FILE [--document FILE …] [--sizes 200,2000] [--runs 7] [--analyzers OTHER/Steadfast.Analyzers.dll …] [--rules SF4001,SF4002] [--whole]");
                return 2;
            }

            var files = paths
                .SelectMany(p => Directory.EnumerateFiles(p, "*.cs", SearchOption.AllDirectories))
                .Where(f => !f.Contains(Path.DirectorySeparatorChar + "obj" + Path.DirectorySeparatorChar, StringComparison.Ordinal) &&
                            !f.Contains(Path.DirectorySeparatorChar + "bin" + Path.DirectorySeparatorChar, StringComparison.Ordinal))
                .Distinct(StringComparer.Ordinal)
                .OrderBy(f => f, StringComparer.Ordinal)
                .ToList();
            var options = new CSharpParseOptions(LanguageVersion.Latest);
            var parsed = new Dictionary<string, SyntaxTree>(StringComparer.Ordinal);
            SyntaxTree Parse(string file)
            {
                if (!parsed.TryGetValue(file, out var tree))
                {
                    parsed[file] = tree = CSharpSyntaxTree.ParseText(File.ReadAllText(file), options, file);
                }

                return tree;
            }

            var references = AnalyzerCost.ReferencePacks();
            var steadfast = AnalyzerCost.SteadfastAnalyzers();
            var floor = steadfast.Select(a => (DiagnosticAnalyzer)new AnalyzerCost.EmptyAnalyzer(a)).ToImmutableArray();

            // The sets measured side by side in one run: this build's analyzers, then each --analyzers assembly (another
            // build of Steadfast.Analyzers, e.g. the one before a change), each in its own load context.
            var sets = new List<(string Label, ImmutableArray<DiagnosticAnalyzer> Analyzers)> { ("this build", steadfast) };
            foreach (var assembly in assemblies)
            {
                sets.Add((Path.GetFileName(Path.GetDirectoryName(assembly)!) + "/" + Path.GetFileName(assembly), LoadAnalyzers(assembly)));
            }

            var enable = steadfast.SelectMany(a => a.SupportedDiagnostics.Select(d => d.Id)).ToImmutableArray();
            Console.WriteLine($"{files.Count} .cs files under {string.Join(", ", paths)}; {references.Length} reference assemblies; median of {runs} runs after one warm-up");
            var exceptions = new List<string>();
            if (only is not null)
            {
                // Only these rules, in every set (the floor follows this build's).
                for (var k = 0; k < sets.Count; k++)
                {
                    sets[k] = (sets[k].Label, sets[k].Analyzers.Where(a => only.Contains(a.SupportedDiagnostics[0].Id, StringComparer.OrdinalIgnoreCase)).ToImmutableArray());
                }

                floor = sets[0].Analyzers.Select(a => (DiagnosticAnalyzer)new AnalyzerCost.EmptyAnalyzer(a)).ToImmutableArray();
            }

            if (whole)
            {
                return await WholeAsync(files.Select(Parse).ToImmutableArray(), references, sets, runs, exceptions);
            }

            foreach (var document in documents)
            {
                if (!files.Contains(document, StringComparer.Ordinal))
                {
                    Console.Error.WriteLine("the document is not under the paths: " + document);
                    return 2;
                }

                var perRule = new Dictionary<(int Size, int Set), Dictionary<string, double>>();
                var rows = new List<string>();
                foreach (var size in sizes)
                {
                    var chosen = Nearest(files, document, size);
                    var trees = chosen.Select(Parse).ToImmutableArray();
                    var tree = Parse(document);
                    var lines = trees.Sum(t => t.GetText().Lines.Count);
                    var compilation = AnalyzerCost.Compile(trees, references, enable);
                    compilation.GetDeclarationDiagnostics(); // the declarations, as an IDE has them before the user types

                    var times = sets.Select(_ => new List<double>()).ToList();
                    var empty = new List<double>();
                    var rules = sets.Select(_ => new Dictionary<string, List<double>>()).ToList();
                    var findings = new int[sets.Count];
                    for (var run = 0; run <= runs; run++)
                    {
                        // Rotating order (the floor, then each set): whatever one run leaves warm falls on each alike.
                        for (var k = 0; k <= sets.Count; k++)
                        {
                            var which = (k + run) % (sets.Count + 1) - 1; // -1: the floor
                            var analyzers = which < 0 ? floor : sets[which].Analyzers;
                            var withAnalyzers = compilation.WithAnalyzers(
                                analyzers,
                                new CompilationWithAnalyzersOptions(
                                    new AnalyzerOptions(ImmutableArray<AdditionalText>.Empty),
                                    (e, a, d) => { lock (exceptions) { exceptions.Add($"{a.GetType().Name}: {e}"); } },
                                    concurrentAnalysis: false,
                                    logAnalyzerExecutionTime: true,
                                    reportSuppressedDiagnostics: false));
                            var model = withAnalyzers.Compilation.GetSemanticModel(tree);
                            var sw = Stopwatch.StartNew();
                            var diagnostics = await withAnalyzers.GetAnalyzerSemanticDiagnosticsAsync(model, null, CancellationToken.None);
                            var ms = sw.Elapsed.TotalMilliseconds;
                            exceptions.AddRange(diagnostics.Where(d => d.Id == "AD0001").Select(d => d.ToString()));
                            if (run == 0)
                            {
                                continue; // warm-up
                            }

                            if (which < 0)
                            {
                                empty.Add(ms);
                                continue;
                            }

                            times[which].Add(ms);
                            findings[which] = diagnostics.Count(d => d.Id.StartsWith("SF", StringComparison.Ordinal));
                            foreach (var analyzer in analyzers)
                            {
                                var telemetry = await withAnalyzers.GetAnalyzerTelemetryInfoAsync(analyzer, CancellationToken.None);
                                var id = analyzer.SupportedDiagnostics[0].Id;
                                if (!rules[which].TryGetValue(id, out var list))
                                {
                                    rules[which][id] = list = new List<double>();
                                }

                                list.Add(telemetry.ExecutionTime.TotalMilliseconds);
                            }
                        }
                    }

                    if (exceptions.Count > 0)
                    {
                        Console.Error.WriteLine("AD0001: an analyzer threw:\n" + string.Join("\n", exceptions));
                        return 1;
                    }

                    var f = Median(empty);
                    for (var k = 0; k < sets.Count; k++)
                    {
                        var a = Median(times[k]);
                        rows.Add($"| {sets[k].Label} | {chosen.Count:N0} | {lines:N0} | {findings[k]} | {a:F1} | {f:F1} | {a - f:F1} | {Range(times[k])} | {Range(empty)} |");
                        perRule[(size, k)] = rules[k].ToDictionary(p => p.Key, p => Median(p.Value));
                    }
                }

                Console.WriteLine();
                Console.WriteLine($"document: {document}");
                Console.WriteLine("| analyzers | files | lines | findings in it | Steadfast ms | floor ms | above floor ms | Steadfast range | floor range |");
                Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|---|---|");
                foreach (var row in rows)
                {
                    Console.WriteLine(row);
                }

                Console.WriteLine();
                Console.WriteLine("Per rule, the driver's execution time (median ms) in the Steadfast run:");
                var columns = sizes.SelectMany(size => Enumerable.Range(0, sets.Count).Select(k => (size, k))).ToList();
                Console.WriteLine("| rule | " + string.Join(" | ", columns.Select(c => $"{c.size:N0} files, {sets[c.k].Label}")) + " |");
                Console.WriteLine("|---|" + string.Concat(columns.Select(_ => "---:|")));
                foreach (var id in perRule[columns[0]].Keys.OrderBy(k => k, StringComparer.Ordinal))
                {
                    Console.WriteLine($"| {id} | " + string.Join(" | ", columns.Select(c => perRule[c].TryGetValue(id, out var v) ? v.ToString("F2", CultureInfo.InvariantCulture) : "")) + " |");
                }
            }

            return 0;
        }

        /// <summary>
        /// <c>--whole</c>: the whole folder as one compilation, each set of analyzers on a fresh compilation in rotating
        /// order (a build's cost, per rule, from the driver's telemetry), so that two builds of Steadfast are compared in
        /// one process on a busy machine. Prints each rule's median and the findings of each set (they must be equal).
        /// </summary>
        private static async Task<int> WholeAsync(
            ImmutableArray<SyntaxTree> trees, ImmutableArray<MetadataReference> references, List<(string Label, ImmutableArray<DiagnosticAnalyzer> Analyzers)> sets, int runs, List<string> exceptions)
        {
            var enable = sets[0].Analyzers.SelectMany(a => a.SupportedDiagnostics.Select(d => d.Id)).ToImmutableArray();
            var lines = trees.Sum(t => t.GetText().Lines.Count);
            var perRule = sets.Select(_ => new Dictionary<string, List<double>>()).ToList();
            var totals = sets.Select(_ => new List<double>()).ToList();
            var compiler = new List<double>();
            var findings = sets.Select(_ => new Dictionary<string, int>()).ToList();
            for (var run = 0; run < runs; run++)
            {
                var sw = Stopwatch.StartNew();
                AnalyzerCost.Compile(trees, references, enable).GetDiagnostics();
                compiler.Add(sw.Elapsed.TotalMilliseconds);
                for (var k = 0; k < sets.Count; k++)
                {
                    var which = (k + run) % sets.Count;
                    var analyzers = sets[which].Analyzers;
                    var withAnalyzers = AnalyzerCost.Compile(trees, references, enable).WithAnalyzers(
                        analyzers,
                        new CompilationWithAnalyzersOptions(
                            new AnalyzerOptions(ImmutableArray<AdditionalText>.Empty),
                            (e, a, d) => { lock (exceptions) { exceptions.Add($"{a.GetType().Name}: {e}"); } },
                            concurrentAnalysis: false,
                            logAnalyzerExecutionTime: true,
                            reportSuppressedDiagnostics: false));
                    var diagnostics = await withAnalyzers.GetAnalyzerDiagnosticsAsync(CancellationToken.None);
                    exceptions.AddRange(diagnostics.Where(d => d.Id == "AD0001").Select(d => d.ToString()));
                    double total = 0;
                    foreach (var analyzer in analyzers)
                    {
                        var id = analyzer.SupportedDiagnostics[0].Id;
                        var ms = (await withAnalyzers.GetAnalyzerTelemetryInfoAsync(analyzer, CancellationToken.None)).ExecutionTime.TotalMilliseconds;
                        total += ms;
                        if (!perRule[which].TryGetValue(id, out var list))
                        {
                            perRule[which][id] = list = new List<double>();
                        }

                        list.Add(ms);
                        findings[which][id] = diagnostics.Count(d => analyzer.SupportedDiagnostics.Any(s => s.Id == d.Id));
                    }

                    totals[which].Add(total);
                    Console.Error.WriteLine($"run {run}: {sets[which].Label}: {total:F0} ms");
                }
            }

            if (exceptions.Count > 0)
            {
                Console.Error.WriteLine("AD0001: an analyzer threw:\n" + string.Join("\n", exceptions));
                return 1;
            }

            var c = Median(compiler);
            Console.WriteLine($"{trees.Length:N0} files, {lines:N0} lines; compiler (GetDiagnostics) {c:F0} ms, median of {runs}");
            Console.WriteLine("| rule | " + string.Join(" | ", sets.Select(x => $"{x.Label} ms (% of compiler) [findings]")) + " |");
            Console.WriteLine("|---|" + string.Concat(sets.Select(_ => "---:|")));
            foreach (var id in perRule[0].Keys.OrderBy(k => k, StringComparer.Ordinal))
            {
                Console.WriteLine($"| {id} | " + string.Join(" | ", Enumerable.Range(0, sets.Count).Select(k =>
                {
                    var m = perRule[k].TryGetValue(id, out var list) ? Median(list) : 0;
                    return $"{m:F0} ({100 * m / c:F2}%) [{(findings[k].TryGetValue(id, out var n) ? n : 0)}]";
                })) + " |");
            }

            Console.WriteLine("| all | " + string.Join(" | ", totals.Select(t => $"{Median(t):F0} ({100 * Median(t) / c:F1}%) [{Range(t)}]")) + " |");
            return 0;
        }

        /// <summary>Every analyzer (not suppressor) in another build of Steadfast.Analyzers, loaded in its own context (Roslyn comes from this process).</summary>
        private static ImmutableArray<DiagnosticAnalyzer> LoadAnalyzers(string path)
        {
            var context = new System.Runtime.Loader.AssemblyLoadContext(path);
            var assembly = context.LoadFromAssemblyPath(path);
            return assembly.GetTypes()
                .Where(t => !t.IsAbstract && typeof(DiagnosticAnalyzer).IsAssignableFrom(t) && !typeof(DiagnosticSuppressor).IsAssignableFrom(t) &&
                            t.GetCustomAttributes(typeof(DiagnosticAnalyzerAttribute), false).Length > 0)
                .OrderBy(t => t.Name, StringComparer.Ordinal)
                .Select(t => (DiagnosticAnalyzer)Activator.CreateInstance(t)!)
                .ToImmutableArray();
        }

        /// <summary>The document and the files nearest to it in the folder tree (the longest common folder first), <paramref name="count"/> in all.</summary>
        internal static List<string> Nearest(List<string> files, string document, int count)
        {
            var folders = Path.GetDirectoryName(document)!.Split(Path.DirectorySeparatorChar);
            int Shared(string file)
            {
                var parts = Path.GetDirectoryName(file)!.Split(Path.DirectorySeparatorChar);
                var n = 0;
                while (n < parts.Length && n < folders.Length && parts[n] == folders[n])
                {
                    n++;
                }

                return n;
            }

            var chosen = new List<string> { document };
            chosen.AddRange(files.Where(f => f != document).OrderByDescending(Shared).ThenBy(f => f, StringComparer.Ordinal).Take(count - 1));
            return chosen;
        }

        private static double Median(List<double> values)
        {
            var sorted = values.OrderBy(v => v).ToList();
            return sorted.Count == 0 ? 0 : sorted[sorted.Count / 2];
        }

        private static string Range(List<double> values) =>
            values.Count == 0 ? string.Empty : $"{values.Min():F0}–{values.Max():F0}";
    }
}
