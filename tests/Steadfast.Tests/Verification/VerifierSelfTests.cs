using System;
using System.Collections.Immutable;
using System.Composition;
using System.Linq;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Testing;
using Xunit;

namespace Steadfast.Tests.Verification
{
    /// <summary>
    /// The verifier must fail when expectations are wrong; a verifier that cannot fail proves nothing. These run our thin
    /// layer (<see cref="SteadfastAnalyzerTest{TAnalyzer}"/>, <see cref="SteadfastCodeFixTest{TAnalyzer, TCodeFix}"/>) over
    /// Microsoft.CodeAnalysis.Testing with test-only analyzers and fixes, so they prove that the framework's checks are on.
    /// </summary>
    public sealed class VerifierSelfTests
    {
        private const string Flagged = "class C { void M() { int [|flagged|] = 1; } }";

        [Fact]
        public Task Passes_OnCorrectExpectations() =>
            new SteadfastAnalyzerTest<FlagLocalsNamedFlagged> { TestCode = Flagged }.RunAsync();

        [Fact]
        public Task Fails_OnMissingDiagnostic() =>
            AssertFailsAsync(new SteadfastAnalyzerTest<FlagLocalsNamedFlagged> { TestCode = "class C { void M() { int flagged = 1; } }" }.RunAsync(), "Mismatch between number of diagnostics");

        [Fact]
        public Task Fails_OnExtraDiagnostic() =>
            AssertFailsAsync(new SteadfastAnalyzerTest<FlagLocalsNamedFlagged> { TestCode = "class C { void M() { int [|flagged|] = 1; } void N() { int flagged = 2; } }" }.RunAsync(), "Mismatch between number of diagnostics");

        [Fact]
        public Task Fails_OnWrongSpan() =>
            AssertFailsAsync(new SteadfastAnalyzerTest<FlagLocalsNamedFlagged> { TestCode = "class C { void M() { int [|flagged = 1|]; } }" }.RunAsync(), "Expected diagnostic to");

        [Fact]
        public async Task Fails_OnWrongMessage_PassesOnRightOne()
        {
            await new SteadfastAnalyzerTest<FlagLocalsNamedFlagged>
            {
                TestCode = "class C { void M() { int {|#0:flagged|} = 1; } }",
                ExpectedDiagnostics = { new DiagnosticResult(FlagLocalsNamedFlagged.Rule).WithLocation(0).WithMessage("Local 'flagged' is flagged") },
            }.RunAsync();
            await AssertFailsAsync(
                new SteadfastAnalyzerTest<FlagLocalsNamedFlagged>
                {
                    TestCode = "class C { void M() { int {|#0:flagged|} = 1; } }",
                    ExpectedDiagnostics = { new DiagnosticResult(FlagLocalsNamedFlagged.Rule).WithLocation(0).WithMessage("something else") },
                }.RunAsync(),
                "message");
        }

        [Fact]
        public Task Fails_OnWrongSeverity() =>
            AssertFailsAsync(
                new SteadfastAnalyzerTest<FlagLocalsNamedFlagged>
                {
                    TestCode = "class C { void M() { int {|#0:flagged|} = 1; } }",
                    ExpectedDiagnostics = { new DiagnosticResult(FlagLocalsNamedFlagged.Rule).WithLocation(0).WithSeverity(DiagnosticSeverity.Error) },
                }.RunAsync(),
                "severity");

        [Fact]
        public Task Fails_OnUndeclaredCompilerError() =>
            AssertFailsAsync(new SteadfastAnalyzerTest<FlagLocalsNamedFlagged> { TestCode = "class C { void M() { int [|flagged|] = \"text\"; } }" }.RunAsync(), "CS0029");

        [Fact]
        public Task Fails_WhenTheAnalyzerReportsInGeneratedCode() =>
            AssertFailsAsync(new SteadfastAnalyzerTest<FlagLocalsEvenInGeneratedCode> { TestCode = Flagged }.RunAsync(), "auto-generated");

        [Fact]
        public Task Fails_WhenAnalyzerThrows() =>
            AssertFailsAsync(new SteadfastAnalyzerTest<ThrowsOnLocals> { TestCode = "class C { void M() { int x = 1; } }", CheckRobustness = false }.RunAsync(), "AD0001");

        [Fact]
        public Task Robustness_FailsWhenAnAnalyzerThrowsOnACutOfTheInput() =>
            AssertFailsAsync(Robustness.CheckAsync("class C\n{\n    void M() { }\n}\n", OutputKind.DynamicallyLinkedLibrary, TestReferences.All, new DiagnosticAnalyzer[] { new ThrowsOnBrokenCode() }), "ThrowsOnBrokenCode threw");

        [Fact]
        public Task Fix_Passes_OnCorrectText() => new SteadfastCodeFixTest<FlagLocalsNamedFlagged, RenameFix>
        {
            TestCode = Flagged,
            FixedCode = "class C { void M() { int renamed = 1; } }",
            CodeActionEquivalenceKey = RenameFix.Key,
        }.RunAsync();

        [Fact]
        public Task Fix_Fails_OnWrongText() => AssertFailsAsync(
            new SteadfastCodeFixTest<FlagLocalsNamedFlagged, RenameFix>
            {
                TestCode = Flagged,
                FixedCode = "class C { void M() { int other = 1; } }",
                CodeActionEquivalenceKey = RenameFix.Key,
            }.RunAsync(),
            "renamed");

        [Fact]
        public Task Fix_Fails_OnUnknownKey() => AssertFailsAsync(
            new SteadfastCodeFixTest<FlagLocalsNamedFlagged, RenameFix>
            {
                TestCode = Flagged,
                FixedCode = "class C { void M() { int renamed = 1; } }",
                CodeActionEquivalenceKey = "TEST0001.Other",
            }.RunAsync(),
            null);

        [Fact]
        public Task Fix_NoFixExpected_FailsWhenTheKeyChangesTheCode() => AssertFailsAsync(
            new SteadfastCodeFixTest<FlagLocalsNamedFlagged, RenameFix> { TestCode = Flagged, CodeActionEquivalenceKey = RenameFix.Key }.RunAsync(),
            null);

        [Fact]
        public Task Fix_Fails_WhenItBreaksCompilation() => AssertFailsAsync(
            new SteadfastCodeFixTest<FlagLocalsNamedFlagged, BreakingFix>
            {
                TestCode = Flagged,
                FixedCode = "class C { void M() { int renamed = 1;  undefined();} }",
                CodeActionEquivalenceKey = BreakingFix.Key,
            }.RunAsync(),
            "CS0103");

        [Fact]
        public Task Fix_Fails_WhenTreeDiffersFromItsReparse() => AssertFailsAsync(
            new SteadfastCodeFixTest<FlagLocalsNamedFlagged, MisshapenFix>
            {
                TestCode = Flagged,
                FixedCode = "class C { void M() { int renamed = --1; } }",
                CodeActionEquivalenceKey = MisshapenFix.Key,
            }.RunAsync(),
            null);

        [Fact]
        public Task Fix_Fails_WhenFixAllDiffersFromOneByOne() => AssertFailsAsync(
            new SteadfastCodeFixTest<FlagLocalsNamedFlagged, FirstOnlyInFixAll>
            {
                TestCode = "class C { void M() { int [|flagged|] = 1; } void N() { int [|flagged|] = 2; } }",
                FixedCode = "class C { void M() { int renamed = 1; } void N() { int renamed = 2; } }",
                CodeActionEquivalenceKey = FirstOnlyInFixAll.Key,
            }.RunAsync(),
            null);

        /// <summary>
        /// Rule and fix tests run the analyzers on Roslyn 4.8, the oldest host they support (.NET 8 SDK, VS 17.8); the
        /// package smoke test builds a project with the SDK's own, newer compiler. Together they show both ends load them.
        /// </summary>
        [Fact]
        public void RuleTests_RunOnRoslyn48_TheOldestSupportedHost()
        {
            Assert.Equal(new Version(4, 8, 0, 0), typeof(Compilation).Assembly.GetName().Version);
            Assert.Equal(new Version(4, 8, 0, 0), typeof(Microsoft.CodeAnalysis.CodeFixes.CodeFixProvider).Assembly.GetName().Version);
            Assert.Equal(LanguageVersion.CSharp12, LanguageVersion.Latest.MapSpecifiedToEffectiveVersion());
        }

        [Fact]
        public Task References_CoverServiceCode() => new SteadfastAnalyzerTest<FlagLocalsNamedFlagged>
        {
            TestCode = """
                using System.Net.Http;
                using System.Net.Http.Json;
                using System.Threading.Tasks;
                using Dapper;
                using Microsoft.AspNetCore.Builder;
                using Microsoft.Data.Sqlite;
                using Microsoft.Extensions.DependencyInjection;
                using Microsoft.Extensions.Hosting;
                using Microsoft.Extensions.Logging;
                using Polly;
                using Steadfast;

                class Service
                {
                    async Task M(HttpClient http, SqliteConnection db, ILogger<Service> log)
                    {
                        var builder = WebApplication.CreateBuilder();
                        builder.Services.AddHttpClient("api");
                        builder.Services.AddBackgroundTaskTracking();
                        var lead = await http.GetFromJsonAsync<Lead>("/lead");
                        var rows = await db.QueryAsync<Lead>("select id from leads");
                        var pipeline = new ResiliencePipelineBuilder().Build();
                        await pipeline.ExecuteAsync(async ct => await http.GetAsync("/", ct));
                        BackgroundTasks.Track(Task.CompletedTask, "x");
                        log.LogInformation("{Count}", rows.AsList().Count);
                    }
                    record Lead(long Id);
                }
                """,
        }.RunAsync();

        /// <summary>The run must fail, and (when given) say <paramref name="expected"/>: a failure for another reason proves nothing.</summary>
        private static async Task AssertFailsAsync(Task run, string? expected)
        {
            var e = await Assert.ThrowsAnyAsync<Exception>(() => run);
            Assert.IsNotType<NullReferenceException>(e);
            if (expected is not null)
            {
                Assert.True(e.Message.Contains(expected, StringComparison.OrdinalIgnoreCase), $"The verifier failed, but not for the expected reason ('{expected}'):\n{e.Message}");
            }
        }

        /// <summary>Flags locals named "flagged".</summary>
        [DiagnosticAnalyzer(LanguageNames.CSharp)]
        public sealed class FlagLocalsNamedFlagged : DiagnosticAnalyzer
        {
#pragma warning disable RS2008 // test-only descriptor
            internal static readonly DiagnosticDescriptor Rule = new DiagnosticDescriptor("TEST0001", "t", "Local '{0}' is flagged", "Test", DiagnosticSeverity.Warning, true);
#pragma warning restore RS2008

            public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics => ImmutableArray.Create(Rule);

            public override void Initialize(AnalysisContext context)
            {
                context.EnableConcurrentExecution();
                context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
                context.RegisterSyntaxNodeAction(
                    c =>
                    {
                        var v = (VariableDeclaratorSyntax)c.Node;
                        if (v.Identifier.ValueText == "flagged")
                        {
                            c.ReportDiagnostic(Diagnostic.Create(Rule, v.Identifier.GetLocation(), v.Identifier.ValueText));
                        }
                    },
                    SyntaxKind.VariableDeclarator);
            }
        }

        [DiagnosticAnalyzer(LanguageNames.CSharp)]
        public sealed class ThrowsOnLocals : DiagnosticAnalyzer
        {
            public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics => ImmutableArray.Create(FlagLocalsNamedFlagged.Rule);

            public override void Initialize(AnalysisContext context)
            {
                context.EnableConcurrentExecution();
                context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
                context.RegisterSyntaxNodeAction(_ => throw new InvalidOperationException("boom"), SyntaxKind.VariableDeclarator);
            }
        }

        public abstract class TestFix : CodeFixProvider
        {
            public override ImmutableArray<string> FixableDiagnosticIds => ImmutableArray.Create("TEST0001");

            public override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

            protected abstract string KeyValue { get; }

            protected internal abstract SyntaxNode Rewrite(SyntaxNode root, SyntaxToken identifier);

            public override async Task RegisterCodeFixesAsync(CodeFixContext context)
            {
                var root = (await context.Document.GetSyntaxRootAsync(context.CancellationToken))!;
                var token = root.FindToken(context.Span.Start);
                context.RegisterCodeFix(
                    CodeAction.Create("fix", _ => Task.FromResult(context.Document.WithSyntaxRoot(Rewrite(root, token))), KeyValue),
                    context.Diagnostics);
            }
        }

        [ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(RenameFix)), Shared]
        public sealed class RenameFix : TestFix
        {
            public const string Key = "TEST0001.Rename";

            protected override string KeyValue => Key;

            protected internal override SyntaxNode Rewrite(SyntaxNode root, SyntaxToken identifier) =>
                root.ReplaceToken(identifier, SyntaxFactory.Identifier(identifier.LeadingTrivia, "renamed", identifier.TrailingTrivia));
        }

        [ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(BreakingFix)), Shared]
        public sealed class BreakingFix : TestFix
        {
            public const string Key = "TEST0001.Break";

            protected override string KeyValue => Key;

            protected internal override SyntaxNode Rewrite(SyntaxNode root, SyntaxToken identifier)
            {
                var renamed = root.ReplaceToken(identifier, SyntaxFactory.Identifier(identifier.LeadingTrivia, "renamed", identifier.TrailingTrivia));
                var statement = renamed.DescendantNodes().OfType<LocalDeclarationStatementSyntax>().First();
                return renamed.InsertNodesAfter(statement, new[] { SyntaxFactory.ParseStatement(" undefined();") });
            }
        }

        [ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(MisshapenFix)), Shared]
        public sealed class MisshapenFix : TestFix
        {
            public const string Key = "TEST0001.Misshapen";

            protected override string KeyValue => Key;

            // The value `- -1` built as two unary minus nodes with no space between: it prints as `--1`, which
            // compiles as built but parses as a decrement. Only the structural check can catch it.
            protected internal override SyntaxNode Rewrite(SyntaxNode root, SyntaxToken identifier)
            {
                var renamed = root.ReplaceToken(identifier, SyntaxFactory.Identifier(identifier.LeadingTrivia, "renamed", identifier.TrailingTrivia));
                var value = renamed.DescendantNodes().OfType<EqualsValueClauseSyntax>().First().Value;
                var minus = SyntaxFactory.Token(SyntaxTriviaList.Empty, SyntaxKind.MinusToken, SyntaxTriviaList.Empty);
                var negated = SyntaxFactory.PrefixUnaryExpression(
                    SyntaxKind.UnaryMinusExpression,
                    minus,
                    SyntaxFactory.PrefixUnaryExpression(SyntaxKind.UnaryMinusExpression, minus, value.WithoutTrivia()));
                return renamed.ReplaceNode(value, negated.WithTriviaFrom(value));
            }
        }

        /// <summary>Ignores <c>ConfigureGeneratedCodeAnalysis(None)</c>: reports in generated code too.</summary>
        [DiagnosticAnalyzer(LanguageNames.CSharp)]
        public sealed class FlagLocalsEvenInGeneratedCode : DiagnosticAnalyzer
        {
            public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics => ImmutableArray.Create(FlagLocalsNamedFlagged.Rule);

            public override void Initialize(AnalysisContext context)
            {
                context.EnableConcurrentExecution();
                context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.Analyze | GeneratedCodeAnalysisFlags.ReportDiagnostics);
                context.RegisterSyntaxNodeAction(
                    c =>
                    {
                        var v = (VariableDeclaratorSyntax)c.Node;
                        if (v.Identifier.ValueText == "flagged")
                        {
                            c.ReportDiagnostic(Diagnostic.Create(FlagLocalsNamedFlagged.Rule, v.Identifier.GetLocation(), v.Identifier.ValueText));
                        }
                    },
                    SyntaxKind.VariableDeclarator);
            }
        }

        /// <summary>Works on whole code and throws on broken code: only the robustness check's cuts can catch it.</summary>
        [DiagnosticAnalyzer(LanguageNames.CSharp)]
        public sealed class ThrowsOnBrokenCode : DiagnosticAnalyzer
        {
            public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics => ImmutableArray.Create(FlagLocalsNamedFlagged.Rule);

            public override void Initialize(AnalysisContext context)
            {
                context.EnableConcurrentExecution();
                context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
                context.RegisterSyntaxTreeAction(c =>
                {
                    if (c.Tree.GetDiagnostics(c.CancellationToken).Any())
                    {
                        throw new InvalidOperationException("broken code");
                    }
                });
            }
        }

        /// <summary>Fixes one diagnostic at a time correctly, but its Fix All fixes only the first: the Fix All check must catch it.</summary>
        [ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(FirstOnlyInFixAll)), Shared]
        public sealed class FirstOnlyInFixAll : TestFix
        {
            public const string Key = "TEST0001.FirstOnly";

            protected override string KeyValue => Key;

            public override FixAllProvider GetFixAllProvider() => new FirstOnly(this);

            protected internal override SyntaxNode Rewrite(SyntaxNode root, SyntaxToken identifier) =>
                root.ReplaceToken(identifier, SyntaxFactory.Identifier(identifier.LeadingTrivia, "renamed", identifier.TrailingTrivia));

            private sealed class FirstOnly : FixAllProvider
            {
                private readonly FirstOnlyInFixAll _fix;

                public FirstOnly(FirstOnlyInFixAll fix) => _fix = fix;

                public override async Task<CodeAction?> GetFixAsync(FixAllContext fixAllContext)
                {
                    var document = fixAllContext.Document!;
                    var diagnostics = await fixAllContext.GetDocumentDiagnosticsAsync(document);
                    var first = diagnostics.OrderBy(d => d.Location.SourceSpan.Start).First();
                    var root = (await document.GetSyntaxRootAsync())!;
                    var token = root.FindToken(first.Location.SourceSpan.Start);
                    return CodeAction.Create("fix all", _ => Task.FromResult(document.Project.Solution.WithDocumentSyntaxRoot(document.Id, _fix.Rewrite(root, token))), Key);
                }
            }
        }
    }
}
