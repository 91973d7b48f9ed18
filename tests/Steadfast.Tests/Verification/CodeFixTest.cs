using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.Diagnostics;
using Xunit;

namespace Steadfast.Tests.Verification
{
    /// <summary>
    /// Verifies a code fix after roslyn-sdk's CodeFixTest: the fix chosen by equivalence key, applied one diagnostic
    /// at a time, gives <see cref="FixedSources"/>; so does FixAll in document, project and solution scope, in one pass;
    /// the fixed code has no compiler error the input did not have, and its tree equals a reparse of its text.
    /// With no <see cref="FixedSources"/>, verifies that the key is offered for no diagnostic.
    /// </summary>
    public sealed class CodeFixTest<TAnalyzer, TCodeFix> : AnalyzerTest<TAnalyzer>
        where TAnalyzer : DiagnosticAnalyzer, new()
        where TCodeFix : CodeFixProvider, new()
    {
        private static readonly TCodeFix Fix = new TCodeFix();

        /// <summary>The sources after the fix; markup marks the diagnostics expected to remain.</summary>
        public List<string> FixedSources { get; } = new List<string>();

        public string FixedCode
        {
            set => FixedSources.Add(value);
        }

        public string? CodeActionEquivalenceKey { get; set; }

        /// <summary>False when nested diagnostics need more than one FixAll pass (the test says why).</summary>
        public bool CheckFixAll { get; set; } = true;

        public override async Task RunAsync()
        {
            await base.RunAsync();
            var key = CodeActionEquivalenceKey ?? throw new InvalidOperationException("Set CodeActionEquivalenceKey.");
            var (texts, _) = Prepare(Sources, ExpectedDiagnostics);
            var original = CreateSolution(texts);
            var (_, originalErrors) = await TestProject.AnalyzeAsync(original.Projects.Single(), Analyzers);

            if (FixedSources.Count == 0)
            {
                var offered = await FindFirstActionAsync(original, key);
                if (offered is not null)
                {
                    Assert.Fail($"Expected no fix '{key}', but it is offered for {Format(offered.Value.Diagnostic)}.");
                }

                return;
            }

            if (FixedSources.Count != Sources.Count)
            {
                throw new InvalidOperationException("Give one fixed source per source.");
            }

            var (fixedTexts, remaining) = Prepare(FixedSources, Array.Empty<DiagnosticResult>());

            // One diagnostic at a time, re-analysing after each fix.
            var initial = (await DiagnosticsAsync(original)).Length;
            var solution = original;
            for (var iteration = 0; ; iteration++)
            {
                var action = await FindFirstActionAsync(solution, key);
                if (action is null)
                {
                    if (iteration == 0)
                    {
                        Assert.Fail($"No diagnostic offers the fix '{key}'.");
                    }

                    break;
                }

                if (iteration >= initial)
                {
                    Assert.Fail($"The fix '{key}' did not converge after {initial} iterations (it keeps offering itself).");
                }

                solution = await ApplyAsync(action.Value.Action, solution);
            }

            await AssertFixedAsync(solution, fixedTexts, remaining, originalErrors, "fix '" + key + "'");

            if (!CheckFixAll)
            {
                return;
            }

            foreach (var scope in new[] { FixAllScope.Document, FixAllScope.Project, FixAllScope.Solution })
            {
                var trigger = await FindFirstActionAsync(original, key);
                var document = original.GetDocument(trigger!.Value.Diagnostic.Location.SourceTree)!;
                var provider = Fix.GetFixAllProvider() ?? throw new InvalidOperationException($"{typeof(TCodeFix).Name} has no FixAll provider.");
                Assert.Contains(scope, provider.GetSupportedFixAllScopes());
                var context = scope == FixAllScope.Project
                    ? new FixAllContext(document.Project, Fix, scope, key, Fix.FixableDiagnosticIds, new DiagnosticProvider(this), CancellationToken.None)
                    : new FixAllContext(document, Fix, scope, key, Fix.FixableDiagnosticIds, new DiagnosticProvider(this), CancellationToken.None);
                var fixAll = await provider.GetFixAsync(context) ?? throw new InvalidOperationException($"FixAll ({scope}) returned no action.");
                var fixedSolution = await ApplyAsync(fixAll, original);

                if (scope == FixAllScope.Document)
                {
                    // Only the triggering document changes.
                    var index = original.Projects.Single().Documents.ToList().FindIndex(d => d.Id == document.Id);
                    var expectedTexts = texts.Select((t, i) => i == index ? fixedTexts[i] : t).ToList();
                    await AssertTextsAsync(fixedSolution, expectedTexts, $"FixAll ({scope})");
                    await AssertCompilesAsync(fixedSolution, originalErrors, $"FixAll ({scope})");
                }
                else
                {
                    await AssertFixedAsync(fixedSolution, fixedTexts, remaining, originalErrors, $"FixAll ({scope})");
                }
            }
        }

        private static ImmutableArray<DiagnosticAnalyzer> Analyzers { get; } = ImmutableArray.Create<DiagnosticAnalyzer>(Analyzer);

        private async Task AssertFixedAsync(Solution solution, List<string> fixedTexts, List<DiagnosticResult> remaining, ImmutableArray<Diagnostic> originalErrors, string what)
        {
            await AssertTextsAsync(solution, fixedTexts, what);
            var (actual, _) = await TestProject.AnalyzeAsync(solution.Projects.Single(), Analyzers);
            AssertDiagnostics(remaining, actual, fixedTexts, "code after " + what);
            await AssertCompilesAsync(solution, originalErrors, what);
        }

        private static async Task AssertTextsAsync(Solution solution, List<string> expectedTexts, string what)
        {
            var documents = solution.Projects.Single().Documents.OrderBy(d => d.FilePath, StringComparer.Ordinal).ToList();
            for (var i = 0; i < expectedTexts.Count; i++)
            {
                var actual = (await documents[i].GetTextAsync()).ToString();
                Assert.True(
                    Normalize(expectedTexts[i]) == Normalize(actual),
                    $"Text of {documents[i].FilePath} after {what} differs.\n--- expected ---\n{expectedTexts[i]}\n--- actual ---\n{actual}\n--- end ---");
            }
        }

        private async Task AssertCompilesAsync(Solution solution, ImmutableArray<Diagnostic> originalErrors, string what)
        {
            var project = solution.Projects.Single();
            var compilation = (await project.GetCompilationAsync())!;
            var before = originalErrors.Select(e => e.Id + ": " + e.GetMessage()).ToList();
            var introduced = new List<string>();
            foreach (var error in compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error))
            {
                var key = error.Id + ": " + error.GetMessage();
                if (!before.Remove(key))
                {
                    introduced.Add(error.ToString());
                }
            }

            Assert.True(introduced.Count == 0, $"{what} introduced compiler errors:\n" + string.Join("\n", introduced));

            foreach (var document in project.Documents)
            {
                var root = (await document.GetSyntaxRootAsync())!;
                SyntaxStructure.AssertEqualsReparse(root, TestProject.ParseOptions, document.FilePath!);
            }
        }

        private async Task<ImmutableArray<Diagnostic>> DiagnosticsAsync(Solution solution)
        {
            var (actual, _) = await TestProject.AnalyzeAsync(solution.Projects.Single(), Analyzers);
            return actual.Where(d => Fix.FixableDiagnosticIds.Contains(d.Id)).ToImmutableArray();
        }

        /// <summary>The first diagnostic, in source order, that offers the key, and its action; fails on a duplicated key.</summary>
        private async Task<(Diagnostic Diagnostic, CodeAction Action)?> FindFirstActionAsync(Solution solution, string key)
        {
            foreach (var diagnostic in await DiagnosticsAsync(solution))
            {
                var document = solution.GetDocument(diagnostic.Location.SourceTree)!;
                var actions = new List<CodeAction>();
                var context = new CodeFixContext(document, diagnostic, (a, _) => actions.Add(a), CancellationToken.None);
                await Fix.RegisterCodeFixesAsync(context);
                var matching = actions.Where(a => a.EquivalenceKey == key).ToList();
                if (matching.Count > 1)
                {
                    Assert.Fail($"The fix key '{key}' is registered {matching.Count} times for {Format(diagnostic)}.");
                }

                if (matching.Count == 1)
                {
                    return (diagnostic, matching[0]);
                }
            }

            return null;
        }

        private static async Task<Solution> ApplyAsync(CodeAction action, Solution solution)
        {
            var operations = await action.GetOperationsAsync(CancellationToken.None);
            var apply = operations.OfType<ApplyChangesOperation>().SingleOrDefault()
                ?? throw new InvalidOperationException($"Code action '{action.Title}' made no change.");
            return apply.ChangedSolution;
        }

        private static string Normalize(string text) => text.Replace("\r\n", "\n", StringComparison.Ordinal);

        private sealed class DiagnosticProvider : FixAllContext.DiagnosticProvider
        {
            private readonly CodeFixTest<TAnalyzer, TCodeFix> _test;

            public DiagnosticProvider(CodeFixTest<TAnalyzer, TCodeFix> test) => _test = test;

            public override async Task<IEnumerable<Diagnostic>> GetAllDiagnosticsAsync(Project project, CancellationToken cancellationToken) =>
                await _test.DiagnosticsAsync(project.Solution);

            public override async Task<IEnumerable<Diagnostic>> GetDocumentDiagnosticsAsync(Document document, CancellationToken cancellationToken)
            {
                var tree = await document.GetSyntaxTreeAsync(cancellationToken);
                return (await _test.DiagnosticsAsync(document.Project.Solution)).Where(d => d.Location.SourceTree == tree);
            }

            public override async Task<IEnumerable<Diagnostic>> GetProjectDiagnosticsAsync(Project project, CancellationToken cancellationToken) =>
                (await _test.DiagnosticsAsync(project.Solution)).Where(d => !d.Location.IsInSource);
        }
    }
}
