using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.Diagnostics;
using Steadfast.Benchmarks;
using Steadfast.Tests.Catalog;
using Steadfast.Tests.Support;
using Steadfast.Tests.Verification;
using Xunit;

namespace Steadfast.Tests.Determinism
{
    /// <summary>
    /// The same input gives the same result, every time: the analyzers under concurrent execution, an analysis that was
    /// cancelled midway, and Fix All whichever diagnostic it starts from (what <c>dotnet format</c> does: it starts from the
    /// first diagnostic the driver lists, in an order that varies between runs, and uses that diagnostic's first fix).
    /// </summary>
    public sealed class RepeatabilityTests
    {
        private const int Runs = 20;

        private int _total;

        /// <summary>What the Web SDK's implicit usings give samples/ReliableBot.</summary>
        private const string WebImplicitUsings = """
            global using System;
            global using System.Collections.Generic;
            global using System.IO;
            global using System.Linq;
            global using System.Net.Http;
            global using System.Net.Http.Json;
            global using System.Threading;
            global using System.Threading.Tasks;
            global using Microsoft.AspNetCore.Builder;
            global using Microsoft.AspNetCore.Hosting;
            global using Microsoft.AspNetCore.Http;
            global using Microsoft.AspNetCore.Routing;
            global using Microsoft.Extensions.Configuration;
            global using Microsoft.Extensions.DependencyInjection;
            global using Microsoft.Extensions.Hosting;
            global using Microsoft.Extensions.Logging;
            """;

        /// <summary>The code fixes of the rules samples/ReliableBot shows.</summary>
        private static readonly CodeFixProvider[] Fixes = RuleCatalog.FixProviders
            .Where(p => RuleCatalog.ReliableBotRules.Contains(p.Id))
            .Select(p => (CodeFixProvider)Activator.CreateInstance(p.Provider)!)
            .ToArray();

        /// <summary>samples/ReliableBot/Before as an in-memory project: its sources, schema, .editorconfig and references.</summary>
        private static Project ReliableBotBefore()
        {
            var folder = Path.Combine(DotNetCli.RepositoryRoot, "samples", "ReliableBot", "Before");
            var sources = Directory.GetFiles(folder, "*.cs").OrderBy(f => f, StringComparer.Ordinal).Select(File.ReadAllText).Append(WebImplicitUsings).ToList();
            var schema = Directory.GetFiles(Path.Combine(folder, "db"), "*.sql").Select(f => ("/0/db/" + Path.GetFileName(f), File.ReadAllText(f))).ToList();
            return AnalyzerRunner.CreateProject(sources, File.ReadAllText(Path.Combine(folder, ".editorconfig")), outputKind: OutputKind.ConsoleApplication, additionalFiles: schema);
        }

        private static async Task<Compilation> CompileAsync(Project project)
        {
            var compilation = (await project.GetCompilationAsync())!;
            Assert.Empty(compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error));
            return compilation;
        }

        private static async Task<List<string>> AnalyzeAsync(Compilation compilation, AnalyzerOptions options) =>
            (await AnalyzerRunner.RunAsync(compilation, AnalyzerRunner.AllAnalyzers, options)).Select(AnalyzerRunner.Describe).ToList();

        [Fact]
        public async Task ReliableBotBefore_TwentyConcurrentRuns_GiveIdenticalDiagnostics()
        {
            var project = ReliableBotBefore();
            var compilation = await CompileAsync(project);
            var first = await AnalyzeAsync(compilation, project.AnalyzerOptions);

            // The README lists sixteen warnings on Before; with them come SF6003's three infos (PUT /api/leads/{id},
            // /webhook, /broadcast: Info is not printed by the build); every rule the bot shows is among them.
            Assert.True(first.Count == 19, string.Join("\n", first));
            Assert.Equal(3, first.Count(d => d.Contains(" SF6003:", StringComparison.Ordinal)));
            foreach (var id in RuleCatalog.ReliableBotRules)
            {
                Assert.Contains(first, d => d.Contains(" " + id + ":", StringComparison.Ordinal));
            }

            for (var run = 1; run < Runs; run++)
            {
                // A fresh compilation each time: nothing cached from the previous run.
                var again = await AnalyzeAsync(await CompileAsync(ReliableBotBefore()), project.AnalyzerOptions);
                Assert.Equal(first, again);
            }
        }

        [Fact]
        public async Task SyntheticCorpus_TwentyConcurrentRuns_GiveIdenticalDiagnostics()
        {
            var trees = AnalyzerCost.Corpus(12 * SyntheticCorpus.LinesPerFile);
            var options = new AnalyzerOptions(ImmutableArray<AdditionalText>.Empty);
            var first = await AnalyzeAsync(AnalyzerCost.Compile(trees, AnalyzerCost.ReferencePacks()), options);
            Assert.Equal(12 * SyntheticCorpus.SF1001PerFile, first.Count(d => d.Contains(" SF1001:", StringComparison.Ordinal)));
            Assert.Equal(12 * SyntheticCorpus.SF2001PerFile, first.Count(d => d.Contains(" SF2001:", StringComparison.Ordinal)));
            for (var run = 1; run < Runs; run++)
            {
                Assert.Equal(first, await AnalyzeAsync(AnalyzerCost.Compile(trees, AnalyzerCost.ReferencePacks()), options));
            }
        }

        /// <summary>
        /// One <see cref="CompilationWithAnalyzers"/> keeps a compilation's start actions (and what they captured, such
        /// as SF2001's registration scan) across requests, as the IDE's does: a request cancelled at any point must not
        /// leave the next one with less.
        /// </summary>
        [Theory]
        [InlineData(0)]
        [InlineData(25)]
        [InlineData(50)]
        [InlineData(75)]
        public async Task AnalysisCancelledMidway_ThenRunAgain_GivesTheFullResult(int percentDone)
        {
            var project = ReliableBotBefore();
            var compilation = await CompileAsync(project);
            var expected = await AnalyzeAsync(compilation, project.AnalyzerOptions);

            // How many callbacks a whole analysis makes, to cancel at a share of them.
            using (var never = new CancellationTokenSource())
            {
                var counter = new CancelAfter(int.MaxValue, never);
                await compilation.WithAnalyzers(AnalyzerRunner.AllAnalyzers.Add(counter), project.AnalyzerOptions).GetAnalyzerDiagnosticsAsync();
                Assert.True(counter.Seen > 100, $"only {counter.Seen} callbacks");
                _total = counter.Seen;
            }

            using var cancellation = new CancellationTokenSource();
            var canceller = new CancelAfter(Math.Max(1, _total * percentDone / 100), cancellation);
            var analyzers = AnalyzerRunner.AllAnalyzers.Add(canceller);
            var exceptions = new List<string>();
            var withAnalyzers = compilation.WithAnalyzers(analyzers, new CompilationWithAnalyzersOptions(
                project.AnalyzerOptions, (e, a, _) => { lock (exceptions) { exceptions.Add(a.GetType().Name + ": " + e); } }, concurrentAnalysis: true, logAnalyzerExecutionTime: false));

            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => withAnalyzers.GetAnalyzerDiagnosticsAsync(cancellation.Token));
            Assert.True(canceller.Cancelled, "the analysis ended before it could be cancelled");

            var after = await withAnalyzers.GetAnalyzerDiagnosticsAsync(CancellationToken.None);
            Assert.Empty(exceptions);
            Assert.DoesNotContain(after, d => d.Id == "AD0001");
            Assert.Equal(expected, after.Where(d => d.Id.StartsWith("SF", StringComparison.Ordinal)).OrderBy(d => d.Location.SourceTree?.FilePath, StringComparer.Ordinal).ThenBy(d => d.Location.SourceSpan.Start).Select(AnalyzerRunner.Describe).ToList());
        }

        /// <summary>
        /// The timing bug: <c>dotnet format</c> fixed SF2001 from whichever diagnostic the driver listed first. From the
        /// per-call client's diagnostic (which offers no fix: SF2002 owns it) it passed no key, and the shared
        /// <c>Enrichment</c> client stayed unfixed. Now every starting diagnostic, and no key, give one result.
        /// </summary>
        [Fact]
        public async Task FixAll_GivesOneResult_WhicheverDiagnosticItStartsFrom()
        {
            var project = ReliableBotBefore();
            var compilation = await CompileAsync(project);
            var diagnostics = await AnalyzerRunner.RunAsync(compilation, AnalyzerRunner.AllAnalyzers, project.AnalyzerOptions);
            var original = string.Join("\n//----\n", await Task.WhenAll(project.Documents.OrderBy(d => d.FilePath, StringComparer.Ordinal).Select(async d => (await d.GetTextAsync()).ToString())));
            var changedByRule = new Dictionary<string, bool>();
            foreach (var fix in Fixes)
            {
                var id = fix.FixableDiagnosticIds.Single();
                var own = diagnostics.Where(d => d.Id == id).ToImmutableArray();
                Assert.NotEmpty(own);

                var results = new Dictionary<string, string>();
                var startingKeys = new List<string?> { null };
                foreach (var diagnostic in own)
                {
                    var document = project.GetDocument(diagnostic.Location.SourceTree)!;
                    CodeAction? first = null;
                    await fix.RegisterCodeFixesAsync(new CodeFixContext(document, diagnostic, (a, _) => first ??= a, CancellationToken.None));
                    startingKeys.Add(first?.EquivalenceKey);
                }

                foreach (var key in startingKeys.Distinct())
                {
                    var document = project.GetDocument(own[0].Location.SourceTree)!;
                    var context = new FixAllContext(document, fix, FixAllScope.Solution, key!, new[] { id }, new FixedDiagnostics(own), CancellationToken.None);
                    var action = await fix.GetFixAllProvider()!.GetFixAsync(context);
                    var changed = action is null ? project.Solution : (await action.GetOperationsAsync(CancellationToken.None)).OfType<ApplyChangesOperation>().Single().ChangedSolution;
                    var texts = new List<string>();
                    foreach (var doc in changed.GetProject(project.Id)!.Documents.OrderBy(d => d.FilePath, StringComparer.Ordinal))
                    {
                        texts.Add((await doc.GetTextAsync()).ToString());
                    }

                    results[key ?? "(no key)"] = string.Join("\n//----\n", texts);
                }

                var distinct = results.Values.Distinct().Count();
                Assert.True(distinct == 1, $"{id}: Fix All gives {distinct} different results depending on the diagnostic it starts from (keys: {string.Join(", ", results.Keys)})");
                changedByRule[id] = (changedByRule.TryGetValue(id, out var already) && already) || results.Values.First() != original;
            }

            // Each rule's fixes change the bot; a rule with several fix providers (SF3002: the key look-up's and
            // SaveChanges') needs only one of them to find something in it.
            foreach (var (rule, fixedSomething) in changedByRule)
            {
                Assert.True(fixedSomething, $"{rule}: no fix of it changes samples/ReliableBot/Before");
            }
        }

        private sealed class FixedDiagnostics : FixAllContext.DiagnosticProvider
        {
            private readonly ImmutableArray<Diagnostic> _diagnostics;

            public FixedDiagnostics(ImmutableArray<Diagnostic> diagnostics) => _diagnostics = diagnostics;

            public override Task<IEnumerable<Diagnostic>> GetAllDiagnosticsAsync(Project project, CancellationToken cancellationToken) => Task.FromResult<IEnumerable<Diagnostic>>(_diagnostics);

            public override async Task<IEnumerable<Diagnostic>> GetDocumentDiagnosticsAsync(Document document, CancellationToken cancellationToken)
            {
                var tree = await document.GetSyntaxTreeAsync(cancellationToken);
                return _diagnostics.Where(d => d.Location.SourceTree == tree);
            }

            public override Task<IEnumerable<Diagnostic>> GetProjectDiagnosticsAsync(Project project, CancellationToken cancellationToken) => Task.FromResult(Enumerable.Empty<Diagnostic>());
        }

        /// <summary>Cancels the analysis after a number of operation callbacks, wherever the other analyzers are then.</summary>
        [DiagnosticAnalyzer(LanguageNames.CSharp)]
        private sealed class CancelAfter : DiagnosticAnalyzer
        {
            public int Seen => Volatile.Read(ref _seen);

            private readonly int _callbacks;
            private readonly CancellationTokenSource _cancellation;
            private int _seen;

            public CancelAfter(int callbacks, CancellationTokenSource cancellation)
            {
                _callbacks = callbacks;
                _cancellation = cancellation;
            }

            public bool Cancelled => _cancellation.IsCancellationRequested;

#pragma warning disable RS2008 // test-only descriptor
            private static readonly DiagnosticDescriptor Rule = new DiagnosticDescriptor("CANCEL01", "t", "t", "Test", DiagnosticSeverity.Hidden, true);
#pragma warning restore RS2008

            public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics => ImmutableArray.Create(Rule);

            public override void Initialize(AnalysisContext context)
            {
                context.EnableConcurrentExecution();
                context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
                context.RegisterOperationAction(
                    _ =>
                    {
                        if (Interlocked.Increment(ref _seen) == _callbacks)
                        {
                            _cancellation.Cancel();
                        }
                    },
                    OperationKind.Invocation,
                    OperationKind.Literal,
                    OperationKind.FieldInitializer);
            }
        }
    }
}
