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
using Xunit;
using Xunit.Sdk;

namespace Steadfast.Tests.Verification
{
    /// <summary>The verifier must fail when expectations are wrong; a verifier that cannot fail proves nothing.</summary>
    public sealed class VerifierSelfTests
    {
        private const string Flagged = "class C { void M() { int [|flagged|] = 1; } }";

        [Fact]
        public Task Passes_OnCorrectExpectations() =>
            new AnalyzerTest<FlagLocalsNamedFlagged> { TestCode = Flagged }.RunAsync();

        [Fact]
        public Task Fails_OnMissingDiagnostic() =>
            Assert.ThrowsAnyAsync<XunitException>(() => new AnalyzerTest<FlagLocalsNamedFlagged> { TestCode = "class C { void M() { int flagged = 1; } }" }.RunAsync());

        [Fact]
        public Task Fails_OnExtraDiagnostic() =>
            Assert.ThrowsAnyAsync<XunitException>(() => new AnalyzerTest<FlagLocalsNamedFlagged> { TestCode = "class C { void M() { int [|flagged|] = 1; } void N() { int flagged = 2; } }" }.RunAsync());

        [Fact]
        public Task Fails_OnWrongSpan() =>
            Assert.ThrowsAnyAsync<XunitException>(() => new AnalyzerTest<FlagLocalsNamedFlagged> { TestCode = "class C { void M() { int [|flagged = 1|]; } }" }.RunAsync());

        [Fact]
        public async Task Fails_OnWrongMessage_PassesOnRightOne()
        {
            await new AnalyzerTest<FlagLocalsNamedFlagged>
            {
                TestCode = "class C { void M() { int {|#0:flagged|} = 1; } }",
                ExpectedDiagnostics = { DiagnosticResult.Diagnostic("TEST0001").WithLocation(0).WithMessage("Local 'flagged' is flagged") },
            }.RunAsync();
            await Assert.ThrowsAnyAsync<XunitException>(() => new AnalyzerTest<FlagLocalsNamedFlagged>
            {
                TestCode = "class C { void M() { int {|#0:flagged|} = 1; } }",
                ExpectedDiagnostics = { DiagnosticResult.Diagnostic("TEST0001").WithLocation(0).WithMessage("something else") },
            }.RunAsync());
        }

        [Fact]
        public Task Fails_OnUndeclaredCompilerError() =>
            Assert.ThrowsAnyAsync<XunitException>(() => new AnalyzerTest<FlagLocalsNamedFlagged> { TestCode = "class C { void M() { int [|flagged|] = \"text\"; } }" }.RunAsync());

        [Fact]
        public async Task Fails_WhenAnalyzerThrows()
        {
            var e = await Assert.ThrowsAsync<AnalyzerExceptionException>(() => new AnalyzerTest<ThrowsOnLocals> { TestCode = "class C { void M() { int x = 1; } }", CheckRobustness = false }.RunAsync());
            Assert.Contains("AD0001", e.Message, StringComparison.Ordinal);
        }

        [Fact]
        public Task Fix_Passes_OnCorrectText() => new CodeFixTest<FlagLocalsNamedFlagged, RenameFix>
        {
            TestCode = Flagged,
            FixedCode = "class C { void M() { int renamed = 1; } }",
            CodeActionEquivalenceKey = RenameFix.Key,
        }.RunAsync();

        [Fact]
        public Task Fix_Fails_OnWrongText() => Assert.ThrowsAnyAsync<XunitException>(() => new CodeFixTest<FlagLocalsNamedFlagged, RenameFix>
        {
            TestCode = Flagged,
            FixedCode = "class C { void M() { int other = 1; } }",
            CodeActionEquivalenceKey = RenameFix.Key,
        }.RunAsync());

        [Fact]
        public Task Fix_Fails_OnUnknownKey() => Assert.ThrowsAnyAsync<XunitException>(() => new CodeFixTest<FlagLocalsNamedFlagged, RenameFix>
        {
            TestCode = Flagged,
            FixedCode = "class C { void M() { int renamed = 1; } }",
            CodeActionEquivalenceKey = "TEST0001.Other",
        }.RunAsync());

        [Fact]
        public async Task Fix_Fails_WhenItBreaksCompilation()
        {
            var e = await Assert.ThrowsAnyAsync<XunitException>(() => new CodeFixTest<FlagLocalsNamedFlagged, BreakingFix>
            {
                TestCode = Flagged,
                FixedCode = "class C { void M() { int renamed = 1;  undefined();} }",
                CodeActionEquivalenceKey = BreakingFix.Key,
            }.RunAsync());
            Assert.True(e.Message.Contains("introduced compiler errors", StringComparison.Ordinal), e.Message);
        }

        [Fact]
        public async Task Fix_Fails_WhenTreeDiffersFromItsReparse()
        {
            var e = await Assert.ThrowsAnyAsync<XunitException>(() => new CodeFixTest<FlagLocalsNamedFlagged, MisshapenFix>
            {
                TestCode = Flagged,
                FixedCode = "class C { void M() { int renamed = --1; } }",
                CodeActionEquivalenceKey = MisshapenFix.Key,
            }.RunAsync());
            Assert.True(e.Message.Contains("reparse", StringComparison.Ordinal), e.Message);
        }

        [Fact]
        public void Markup_ParsesNestedAndNamedSpans()
        {
            var (text, spans) = Markup.Parse("a[|b{|X1:c|}d|]e{|#3:f|}");
            Assert.Equal("abcdef", text);
            Assert.Equal(3, spans.Count);
            Assert.Contains(spans, s => s.Id is null && s.Key is null && s.Span.Start == 1 && s.Span.End == 4);
            Assert.Contains(spans, s => s.Id == "X1" && s.Span.Start == 2 && s.Span.End == 3);
            Assert.Contains(spans, s => s.Key == 3 && s.Span.Start == 5 && s.Span.End == 6);
            Assert.Throws<FormatException>(() => Markup.Parse("a[|b"));
            Assert.Throws<FormatException>(() => Markup.Parse("a|]b"));
        }

        [Fact]
        public Task References_CoverServiceCode() => new AnalyzerTest<FlagLocalsNamedFlagged>
        {
            TestCode = @"using System.Net.Http;
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
        builder.Services.AddHttpClient(""api"");
        builder.Services.AddBackgroundTaskTracking();
        var lead = await http.GetFromJsonAsync<Lead>(""/lead"");
        var rows = await db.QueryAsync<Lead>(""select id from leads"");
        var pipeline = new ResiliencePipelineBuilder().Build();
        await pipeline.ExecuteAsync(async ct => await http.GetAsync(""/"", ct));
        BackgroundTasks.Track(Task.CompletedTask, ""x"");
        log.LogInformation(""{Count}"", rows.AsList().Count);
    }
    record Lead(long Id);
}",
        }.RunAsync();

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

            protected abstract SyntaxNode Rewrite(SyntaxNode root, SyntaxToken identifier);

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

            protected override SyntaxNode Rewrite(SyntaxNode root, SyntaxToken identifier) =>
                root.ReplaceToken(identifier, SyntaxFactory.Identifier(identifier.LeadingTrivia, "renamed", identifier.TrailingTrivia));
        }

        [ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(BreakingFix)), Shared]
        public sealed class BreakingFix : TestFix
        {
            public const string Key = "TEST0001.Break";

            protected override string KeyValue => Key;

            protected override SyntaxNode Rewrite(SyntaxNode root, SyntaxToken identifier)
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
            protected override SyntaxNode Rewrite(SyntaxNode root, SyntaxToken identifier)
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
    }
}
