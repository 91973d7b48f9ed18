using System.Collections.Generic;
using System.Collections.Immutable;
using System.Composition;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Formatting;
using Microsoft.CodeAnalysis.Simplification;
using Microsoft.CodeAnalysis.Operations;
using Steadfast.Analyzers;
using Steadfast.Analyzers.Internal;
using Steadfast.Analyzers.Rules;
using Steadfast.Analyzers.Rules.SF6002;
using Steadfast.CodeFixes.Internal;

namespace Steadfast.CodeFixes.Rules
{
    /// <summary>
    /// SF6002 fixes, one per mistake: "Reject with 429" (sets <c>RejectionStatusCode = StatusCodes.Status429TooManyRequests</c>,
    /// or replaces the wrong constant), "Write Retry-After" (sets <c>OnRejected = RateLimitRejection.WriteRetryAfter(window)</c>
    /// with the policy's window, offered only where Steadfast.AspNetCore is referenced and no <c>OnRejected</c> of the
    /// author's would be replaced), "Add UseRateLimiter" (adds <c>app.UseRateLimiter();</c> after routing, in a file
    /// that builds the app).
    /// </summary>
    [ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(SF6002RateLimiterRejectsBadlyCodeFix)), Shared]
    public sealed class SF6002RateLimiterRejectsBadlyCodeFix : PlannedCodeFixProvider
    {
        public const string RejectWith429Key = "SF6002.RejectWith429";
        public const string WriteRetryAfterKey = "SF6002.WriteRetryAfter";
        public const string UseRateLimiterKey = "SF6002.UseRateLimiter";

        private static readonly (string Key, string Title)[] StatusCodeFixes = { (RejectWith429Key, "Reject with 429 Too Many Requests") };
        private static readonly (string Key, string Title)[] RetryAfterFixes = { (WriteRetryAfterKey, "Write Retry-After when rejecting (RateLimitRejection)") };
        private static readonly (string Key, string Title)[] MiddlewareFixes = { (UseRateLimiterKey, "Add app.UseRateLimiter()") };

        public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(DiagnosticIds.RateLimiterRejectsBadly);

        protected override IEnumerable<(string Key, string Title)> Fixes(Diagnostic diagnostic) =>
            diagnostic.Properties.TryGetValue(SF6002RateLimiterRejectsBadlyAnalyzer.KindProperty, out var kind) ? kind switch
            {
                SF6002RateLimiterRejectsBadlyAnalyzer.StatusCodeKind => StatusCodeFixes,
                SF6002RateLimiterRejectsBadlyAnalyzer.RetryAfterKind => RetryAfterFixes,
                SF6002RateLimiterRejectsBadlyAnalyzer.MiddlewareKind => MiddlewareFixes,
                _ => System.Array.Empty<(string, string)>(),
            }
            : System.Array.Empty<(string, string)>();

        protected override async Task<(SyntaxNode Target, SyntaxNode Replacement)?> PlanAsync(
            Document document, SyntaxNode node, Diagnostic diagnostic, string key, bool verify, CancellationToken cancellationToken)
        {
            var model = await document.GetSemanticModelAsync(cancellationToken).ConfigureAwait(false);
            var root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
            if (model is null || root is null)
            {
                return null;
            }

            var symbols = SF6002Symbols.GetOrCreate(model.Compilation);
            (SyntaxNode Target, SyntaxNode Replacement)? plan = key switch
            {
                RejectWith429Key => PlanStatusCode(model, node, symbols, cancellationToken),
                WriteRetryAfterKey => PlanRetryAfter(model, node, symbols, cancellationToken),
                UseRateLimiterKey => PlanMiddleware(model, root, cancellationToken),
                _ => null,
            };

            if (plan is { } planned && verify && !await FixVerifier.AddsNoErrorAsync(document, planned.Target, planned.Replacement, cancellationToken).ConfigureAwait(false))
            {
                return null;
            }

            return plan;
        }

        /// <summary>The wrong constant replaced, or the assignment added to the options lambda.</summary>
        private static (SyntaxNode, SyntaxNode)? PlanStatusCode(SemanticModel model, SyntaxNode node, SF6002Symbols symbols, CancellationToken cancellationToken)
        {
            if (symbols.StatusCodes is null)
            {
                return null;
            }

            var status = SyntaxFactory.ParseExpression("global::Microsoft.AspNetCore.Http.StatusCodes.Status429TooManyRequests")
                .WithAdditionalAnnotations(Simplifier.Annotation, Simplifier.AddImportsAnnotation);
            if (node is ExpressionSyntax value && node.Parent is AssignmentExpressionSyntax assignment && assignment.Right == node)
            {
                return (value, status.WithTriviaFrom(value));
            }

            return ConfigureLambda(model, node, symbols, cancellationToken) is { } configure
                ? AddToLambda(configure.Lambda, configure.Parameter, "RejectionStatusCode", status)
                : null;
        }

        /// <summary><c>options.OnRejected = RateLimitRejection.WriteRetryAfter(window);</c> at the end of the options lambda, where it has no OnRejected.</summary>
        private static (SyntaxNode, SyntaxNode)? PlanRetryAfter(SemanticModel model, SyntaxNode node, SF6002Symbols symbols, CancellationToken cancellationToken)
        {
            if (symbols.SteadfastRateLimitRejection is null || node.Parent is AssignmentExpressionSyntax { Left: var left } && left == node)
            {
                return null; // no runtime, or an OnRejected of the author's that this would throw away
            }

            if (ConfigureLambda(model, node, symbols, cancellationToken) is not { } configure)
            {
                return null;
            }

            // The policy's window, copied; else one minute (only a fallback: windowed leases carry their own RetryAfter).
            ExpressionSyntax window = model.GetOperation(configure.Lambda, cancellationToken) is IAnonymousFunctionOperation function &&
                SF6002RateLimiterRejectsBadlyAnalyzer.CopyableWindow(function, symbols)?.Syntax is ExpressionSyntax copied
                    ? copied.WithoutTrivia()
                    : SyntaxFactory.InvocationExpression(
                        SyntaxFactory.MemberAccessExpression(
                            SyntaxKind.SimpleMemberAccessExpression,
                            SyntaxFactory.ParseExpression("global::System.TimeSpan").WithAdditionalAnnotations(Simplifier.Annotation, Simplifier.AddImportsAnnotation),
                            SyntaxFactory.IdentifierName("FromMinutes")),
                        SyntaxFactory.ArgumentList(SyntaxFactory.SingletonSeparatedList(SyntaxFactory.Argument(
                            SyntaxFactory.LiteralExpression(SyntaxKind.NumericLiteralExpression, SyntaxFactory.Literal(1))))));

            var writer = SyntaxFactory.InvocationExpression(
                SyntaxFactory.MemberAccessExpression(
                    SyntaxKind.SimpleMemberAccessExpression,
                    ImportHelper.SteadfastTypeExpression(model, configure.Lambda.SpanStart, "RateLimitRejection"),
                    SyntaxFactory.IdentifierName("WriteRetryAfter")),
                SyntaxFactory.ArgumentList(SyntaxFactory.SingletonSeparatedList(SyntaxFactory.Argument(window))));
            return AddToLambda(configure.Lambda, configure.Parameter, "OnRejected", writer);
        }

        /// <summary><c>app.UseRateLimiter();</c> after routing, in the file that builds the app, unless the file already has it.</summary>
        private static (SyntaxNode, SyntaxNode)? PlanMiddleware(SemanticModel model, SyntaxNode root, CancellationToken cancellationToken)
        {
            var types = KnownTypes.GetOrCreate(model.Compilation);
            if (AppPipeline.Calls(model, root, "UseRateLimiter", types.RateLimiterApplicationBuilderExtensions, cancellationToken) ||
                AppPipeline.UseRateLimiterAnchor(model, root, types, cancellationToken) is not { } anchor)
            {
                return null;
            }

            var receiverType = model.GetSpeculativeTypeInfo(anchor.After.Span.End, SyntaxFactory.IdentifierName(anchor.Receiver), SpeculativeBindingOption.BindAsExpression).Type;
            if (!AppPipeline.CanCall(model, anchor.After.Span.End, receiverType, "UseRateLimiter"))
            {
                return null;
            }

            var after = AppPipeline.InList(anchor.After);
            var container = after.Parent!;
            var statement = AppPipeline.CallStatement(SyntaxFactory.IdentifierName(anchor.Receiver), "UseRateLimiter");
            return (container, container.InsertNodesAfter(after, new[] { AppPipeline.Beside(statement, after) }));
        }

        /// <summary>
        /// The lambda given to <c>AddRateLimiter</c> that holds <paramref name="node"/> (or whose call's name it is), with
        /// its one parameter's name.
        /// </summary>
        private static (LambdaExpressionSyntax Lambda, string Parameter)? ConfigureLambda(SemanticModel model, SyntaxNode node, SF6002Symbols symbols, CancellationToken cancellationToken)
        {
            (LambdaExpressionSyntax, string)? found = null;
            for (var current = node; current is not null; current = current.Parent)
            {
                if (current is InvocationExpressionSyntax invocation &&
                    model.GetSymbolInfo(invocation, cancellationToken).Symbol is IMethodSymbol { Name: "AddRateLimiter" } method &&
                    KnownTypes.Is(method.ContainingType, symbols.ServiceCollectionExtensions))
                {
                    foreach (var argument in invocation.ArgumentList.Arguments)
                    {
                        var parameter = argument.Expression switch
                        {
                            SimpleLambdaExpressionSyntax simple => simple.Parameter,
                            ParenthesizedLambdaExpressionSyntax { ParameterList.Parameters.Count: 1 } parenthesized => parenthesized.ParameterList.Parameters[0],
                            _ => null,
                        };
                        if (parameter is not null && argument.Expression is LambdaExpressionSyntax lambda && !parameter.Identifier.IsMissing && parameter.Identifier.ValueText != "_")
                        {
                            found = (lambda, parameter.Identifier.ValueText);
                        }
                    }

                    return found;
                }
            }

            return null;
        }

        /// <summary>The lambda with <c>parameter.Property = value;</c> as its last statement (an expression body becomes a block).</summary>
        private static (SyntaxNode, SyntaxNode)? AddToLambda(LambdaExpressionSyntax lambda, string parameter, string property, ExpressionSyntax value)
        {
            var assignment = SyntaxFactory.ExpressionStatement(SyntaxFactory.AssignmentExpression(
                    SyntaxKind.SimpleAssignmentExpression,
                    SyntaxFactory.MemberAccessExpression(SyntaxKind.SimpleMemberAccessExpression, SyntaxFactory.IdentifierName(parameter), SyntaxFactory.IdentifierName(property)),
                    value.WithoutTrivia()))
                .WithAdditionalAnnotations(Formatter.Annotation);

            BlockSyntax block;
            if (lambda.Block is { } existing)
            {
                var statements = existing.Statements;
                var at = statements.Count > 0 && statements[statements.Count - 1] is ReturnStatementSyntax ? statements.Count - 1 : statements.Count;
                block = existing.WithStatements(statements.Insert(at, assignment));
            }
            else if (lambda.ExpressionBody is InvocationExpressionSyntax or AssignmentExpressionSyntax)
            {
                // Explicit lines, indented from the line the lambda starts on (the formatter keeps a lambda block on one
                // line unless its text breaks it, and does not indent a brace the fix puts on a line of its own).
                var newLine = AppPipeline.NewLine(lambda);
                var line = lambda.SyntaxTree.GetText().Lines.GetLineFromPosition(lambda.SpanStart).ToString();
                var indent = line.Substring(0, line.Length - line.TrimStart().Length);
                var inner = SyntaxFactory.Whitespace(indent + "    ");
                block = SyntaxFactory.Block(
                    SyntaxFactory.Token(SyntaxKind.OpenBraceToken).WithLeadingTrivia(newLine, SyntaxFactory.Whitespace(indent)).WithTrailingTrivia(newLine),
                    SyntaxFactory.List(new StatementSyntax[]
                    {
                        SyntaxFactory.ExpressionStatement(lambda.ExpressionBody.WithoutTrivia()).WithLeadingTrivia(inner).WithTrailingTrivia(newLine),
                        assignment.WithoutAnnotations(Formatter.Annotation).NormalizeWhitespace().WithLeadingTrivia(inner).WithTrailingTrivia(newLine),
                    }),
                    SyntaxFactory.Token(SyntaxKind.CloseBraceToken).WithLeadingTrivia(SyntaxFactory.Whitespace(indent)));
            }
            else
            {
                return null;
            }

            LambdaExpressionSyntax replacement = lambda switch
            {
                _ when lambda.Block is not null => lambda.WithBlock(block),
                SimpleLambdaExpressionSyntax simple => simple.WithExpressionBody(null).WithBlock(block).WithArrowToken(simple.ArrowToken.WithTrailingTrivia()),
                ParenthesizedLambdaExpressionSyntax parenthesized => parenthesized.WithExpressionBody(null).WithBlock(block).WithArrowToken(parenthesized.ArrowToken.WithTrailingTrivia()),
                _ => lambda,
            };

            return (lambda, replacement.WithTriviaFrom(lambda));
        }
    }
}
