using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Diagnostics;
using System.Linq;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Text;
using Steadfast.Analyzers.Rules;
using Steadfast.CodeFixes.Rules;

namespace Steadfast.Benchmarks
{
    /// <summary>
    /// What a code fix costs in the IDE. <c>fixes [--lines N] [--runs N] [--only SFxxxx]</c>:
    /// the lightbulb (one <c>RegisterCodeFixesAsync</c> for one diagnostic in an N-line document, median of the runs, after
    /// one warm-up), and Fix All of a document with 50 and with 500 findings (the ratio shows whether it is linear).
    /// </summary>
    public static class FixCost
    {
        public static async Task<int> RunAsync(string[] args)
        {
            var lines = 2_000;
            var runs = 20;
            string? only = null;
            var counts = new[] { 50, 500 };
            var repeat = 3;
            for (var i = 0; i < args.Length - 1; i++)
            {
                if (args[i] == "--lines") lines = int.Parse(args[i + 1], System.Globalization.CultureInfo.InvariantCulture);
                if (args[i] == "--runs") runs = int.Parse(args[i + 1], System.Globalization.CultureInfo.InvariantCulture);
                if (args[i] == "--only") only = args[i + 1];
                if (args[i] == "--repeat") repeat = int.Parse(args[i + 1], System.Globalization.CultureInfo.InvariantCulture);
                if (args[i] == "--counts") counts = args[i + 1].Split(',').Select(c => int.Parse(c, System.Globalization.CultureInfo.InvariantCulture)).ToArray();
            }

            if (!args.Contains("--no-lightbulb"))
            {
            Console.WriteLine($"Lightbulb: one RegisterCodeFixesAsync for one diagnostic in a {lines:N0}-line document, median of {runs} (ms)");
            Console.WriteLine();
            Console.WriteLine("| rule | fix offered | median ms | min ms | max ms |");
            Console.WriteLine("|---|---|---:|---:|---:|");
            foreach (var (analyzer, fix, flagged) in Cases().Where(c => only is null || c.Analyzer.SupportedDiagnostics[0].Id == only))
            {
                var document = Document(Filler(lines) + flagged.Replace("{0}", "0", StringComparison.Ordinal));
                var diagnostic = (await DiagnosticsAsync(document, analyzer)).First();
                var times = new List<double>();
                var offered = new List<string>();
                for (var run = 0; run <= runs; run++)
                {
                    offered.Clear();
                    var watch = Stopwatch.StartNew();
                    await fix.RegisterCodeFixesAsync(new CodeFixContext(document, diagnostic, (a, _) => offered.Add(a.EquivalenceKey ?? "?"), CancellationToken.None));
                    watch.Stop();
                    if (run > 0)
                    {
                        times.Add(watch.Elapsed.TotalMilliseconds);
                    }
                }

                times.Sort();
                Console.WriteLine($"| {diagnostic.Id} | {string.Join(", ", offered)} | {times[times.Count / 2]:0.0} | {times[0]:0.0} | {times[^1]:0.0} |");
            }

            }

            Console.WriteLine();
            Console.WriteLine($"Fix All (document scope) of the preferred fix, after one warm-up Fix All; time to the fixed document, median of {repeat} (ms)");
            Console.WriteLine();
            Console.WriteLine("| rule | " + string.Join(" | ", counts.Select(c => $"{c} findings")) + $" | ratio {counts[^1]}/{counts[0]} |");
            Console.WriteLine("|---|" + string.Concat(counts.Select(_ => "---:|")) + "---:|");
            foreach (var (analyzer, fix, flagged) in Cases().Where(c => only is null || c.Analyzer.SupportedDiagnostics[0].Id == only))
            {
                _ = await FixAllAsync(analyzer, fix, flagged, counts[0]); // warm-up: the first Fix All of a rule pays for JIT and caches
                // Each size --repeat times, the sizes interleaved, and the median of each: one Fix All of 50 findings takes a
                // few hundred milliseconds, so a single run's ratio moves by a third with a collection or a busy neighbour.
                var samples = counts.Select(_ => new List<double>()).ToArray();
                for (var r = 0; r < repeat; r++)
                {
                    for (var c = 0; c < counts.Length; c++)
                    {
                        samples[c].Add(await FixAllAsync(analyzer, fix, flagged, counts[c]));
                    }
                }

                var times = samples.Select(m => m.OrderBy(t => t).ElementAt(m.Count / 2)).ToList();

                Console.WriteLine($"| {analyzer.SupportedDiagnostics[0].Id} | " + string.Join(" | ", times.Select(t => t.ToString("0", System.Globalization.CultureInfo.InvariantCulture))) + $" | {times[^1] / times[0]:0.0}x |");
            }

            return 0;
        }

        /// <summary>
        /// One flagged shape per rule with a fix: <c>{0}</c> makes each copy's names unique. SF6002 and SF6003 are left out:
        /// they report once per application (at compilation end), so a document holds at most a handful of their findings.
        /// </summary>
        private static IEnumerable<(DiagnosticAnalyzer Analyzer, CodeFixProvider Fix, string Flagged)> Cases()
        {
            yield return (new SF1001FireAndForgetAnalyzer(), new SF1001FireAndForgetCodeFix(), "public static class Flagged{0} { public static async Task M(Func<Task> send) { send(); await Task.Yield(); } }\n");
            yield return (new SF1002BackgroundLoopAnalyzer(), new SF1002BackgroundLoopCodeFix(), "public sealed class Flagged{0} : Microsoft.Extensions.Hosting.BackgroundService { protected override async Task ExecuteAsync(CancellationToken ct) { while (!ct.IsCancellationRequested) { await Task.Delay(1000, ct); Console.WriteLine(\"tick\"); } } }\n");
            yield return (new SF1003UnboundedFanOutAnalyzer(), new SF1003UnboundedFanOutCodeFix(), "public class Flagged{0} { private Task SendAsync(int i) => Task.CompletedTask; public async Task RunAsync(List<int> items) { await Task.WhenAll(items.Select(i => SendAsync(i))); } }\n");
            yield return (new SF2001HttpCallWithoutRetryAnalyzer(), new SF2001HttpCallWithoutRetryCodeFix(), "public static class Flagged{0} { private static readonly HttpClient C = new HttpClient(); public static Task<string> M() => C.GetStringAsync(\"https://x\"); }\n");
            yield return (new SF2002HttpClientPerCallAnalyzer(), new SF2002HttpClientPerCallCodeFix(), "public class Flagged{0} { public async Task<string> M() { using var c = new HttpClient(); return await c.GetStringAsync(\"https://x\"); } }\n");
            yield return (new SF3002QueryInLoopAnalyzer(), new SF3002KeyLookupCodeFix(), "public class Lead{0} { public long Id { get; set; } public string Name { get; set; } = \"\"; } public class Flagged{0} { public List<Lead{0}> M(IDbConnection c, List<long> ids) { var found = new List<Lead{0}>(); foreach (var id in ids) { var lead = c.QuerySingle<Lead{0}>(\"SELECT id, name FROM leads WHERE id = @id\", new { id }); found.Add(lead); } return found; } }\n");
            yield return (new SF3003SyncDatabaseCallAnalyzer(), new SF3003SyncDatabaseCallCodeFix(), "public class Flagged{0} { public async Task<int> M(System.Data.Common.DbCommand c) { await Task.Yield(); return c.ExecuteNonQuery(); } }\n");
            yield return (new SF4001UnboundedCacheAnalyzer(), new SF4001UnboundedCacheCodeFix(), "public class Flagged{0} { private readonly Dictionary<string, string> _cache = new(); public string M(Microsoft.AspNetCore.Http.HttpRequest request) { var key = request.Path.Value ?? \"\"; if (!_cache.TryGetValue(key, out var v)) { v = key.ToUpperInvariant(); _cache[key] = v; } return v; } }\n");
            yield return (new SF4002UnboundedQueueAnalyzer(), new SF4002UnboundedQueueCodeFix(), "public class Flagged{0} { private readonly List<string> _log = new(); public void M(Microsoft.AspNetCore.Http.HttpRequest request) => _log.Add(request.Path.Value ?? \"\"); public int Count => _log.Count; }\n");
            yield return (new SF5001RepeatedFileReadAnalyzer(), new SF5001RepeatedFileReadCodeFix(), "public class Flagged{0} { public string M() => File.ReadAllText(\"playbook.md\"); }\n");
            yield return (new SF6001DevelopmentOnlyAnalyzer(), new SF6001DevelopmentOnlyCodeFix(), "internal static class Flagged{0} { internal static void UseTools{0}(WebApplication app) { app.UseDeveloperExceptionPage(); app.UseRouting(); } }\n");
        }

        private static string Usings => "using System; using System.Collections.Generic; using System.Data; using System.IO; using System.Linq; using System.Net.Http; using System.Threading; using System.Threading.Tasks; using Dapper; using Microsoft.AspNetCore.Builder;\n";

        /// <summary>A document of about <paramref name="lines"/> lines of ordinary code with nothing to flag.</summary>
        private static string Filler(int lines)
        {
            var text = new StringBuilder(Usings);
            for (var i = 0; text.Length < lines * 40; i++)
            {
                text.Append("public class Filler").Append(i).Append("\n{\n");
                for (var m = 0; m < 5; m++)
                {
                    text.Append("    public int M").Append(m).Append("(int a, string b)\n    {\n        var total = a;\n        foreach (var c in b) { total += c; }\n        return total * ").Append(m + 1).Append(";\n    }\n");
                }

                text.Append("}\n");
            }

            return text.ToString();
        }

        private static Document Document(string text)
        {
            var workspace = new AdhocWorkspace();
            var project = workspace.CurrentSolution.AddProject("Bench", "Bench", LanguageNames.CSharp)
                .WithCompilationOptions(new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary))
                .WithParseOptions(new CSharpParseOptions(LanguageVersion.Latest))
                .WithMetadataReferences(AnalyzerCost.ReferencePacks().Add(MetadataReference.CreateFromFile(typeof(Dapper.SqlMapper).Assembly.Location)));
            return project.AddDocument("Test.cs", SourceText.From(text), filePath: "/bench/Test.cs");
        }

        private static async Task<ImmutableArray<Diagnostic>> DiagnosticsAsync(Document document, DiagnosticAnalyzer analyzer)
        {
            var compilation = (await document.Project.GetCompilationAsync())!;
            return (await compilation.WithAnalyzers(ImmutableArray.Create(analyzer), document.Project.AnalyzerOptions).GetAnalyzerDiagnosticsAsync())
                .OrderBy(d => d.Location.SourceSpan.Start).ToImmutableArray();
        }

        private static async Task<double> FixAllAsync(DiagnosticAnalyzer analyzer, CodeFixProvider fix, string flagged, int count)
        {
            var text = new StringBuilder(Usings);
            for (var i = 0; i < count; i++)
            {
                text.Append(flagged.Replace("{0}", i.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal));
            }

            var document = Document(text.ToString());
            var diagnostics = await DiagnosticsAsync(document, analyzer);
            if (diagnostics.Length != count)
            {
                throw new InvalidOperationException($"{analyzer.GetType().Name}: expected {count} findings, got {diagnostics.Length}");
            }

            var key = Steadfast.CodeFixes.Internal.PlannedCodeFixProvider.PreferredKey(diagnostics[0].Id);
            var watch = Stopwatch.StartNew();
            var context = new FixAllContext(document, fix, FixAllScope.Document, key, fix.FixableDiagnosticIds, new Provider(diagnostics), CancellationToken.None);
            var action = await fix.GetFixAllProvider()!.GetFixAsync(context) ?? throw new InvalidOperationException("no Fix All action");
            var operations = await action.GetOperationsAsync(CancellationToken.None);
            var changed = operations.OfType<ApplyChangesOperation>().Single().ChangedSolution;
            _ = await changed.GetDocument(document.Id)!.GetTextAsync();
            watch.Stop();
            return watch.Elapsed.TotalMilliseconds;
        }

        private sealed class Provider : FixAllContext.DiagnosticProvider
        {
            private readonly ImmutableArray<Diagnostic> _diagnostics;

            public Provider(ImmutableArray<Diagnostic> diagnostics) => _diagnostics = diagnostics;

            public override Task<IEnumerable<Diagnostic>> GetAllDiagnosticsAsync(Project project, CancellationToken cancellationToken) => Task.FromResult<IEnumerable<Diagnostic>>(_diagnostics);

            public override Task<IEnumerable<Diagnostic>> GetDocumentDiagnosticsAsync(Document document, CancellationToken cancellationToken) => Task.FromResult<IEnumerable<Diagnostic>>(_diagnostics);

            public override Task<IEnumerable<Diagnostic>> GetProjectDiagnosticsAsync(Project project, CancellationToken cancellationToken) => Task.FromResult(Enumerable.Empty<Diagnostic>());
        }
    }
}
