using System.Collections.Generic;
using System.Collections.Immutable;
using System.Composition;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Formatting;
using Microsoft.CodeAnalysis.Operations;
using Microsoft.CodeAnalysis.Simplification;
using Steadfast.Analyzers;
using Steadfast.Analyzers.Internal;
using Steadfast.Analyzers.Rules;
using Steadfast.CodeFixes.Internal;

namespace Steadfast.CodeFixes.Rules
{
    /// <summary>
    /// SF1002 fix, "Keep the loop alive": a <c>Steadfast.BackgroundLoop</c> made before the loop, and the loop's body in a
    /// try whose catch reports the failure and backs off (<c>FailedAsync</c>, or <c>Failed</c> in a synchronous loop), with
    /// <c>Succeeded()</c> at the end of the iteration to reset the back-off. The catch lets cancellation through when a
    /// cancellation token is in reach (<c>when (!token.IsCancellationRequested)</c>), so shutdown still ends the loop.
    /// </summary>
    [ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(SF1002BackgroundLoopCodeFix)), Shared]
    public sealed class SF1002BackgroundLoopCodeFix : PlannedCodeFixProvider
    {
        public const string KeepAliveKey = "SF1002.KeepAlive";

        private static readonly (string Key, string Title)[] Offered = { (KeepAliveKey, "Keep the loop alive") };

        public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(DiagnosticIds.BackgroundLoopWithoutBoundary);

        protected override IEnumerable<(string Key, string Title)> Fixes(Diagnostic diagnostic) => Offered;

        protected override async Task<(SyntaxNode Target, SyntaxNode Replacement)?> PlanAsync(
            Document document, SyntaxNode node, Diagnostic diagnostic, string key, bool verify, CancellationToken cancellationToken)
        {
            var model = await document.GetSemanticModelAsync(cancellationToken).ConfigureAwait(false);
            if (key != KeepAliveKey || model is null || node is not StatementSyntax loop || loop.Parent is not BlockSyntax block ||
                Body(loop) is not { } body || SF1002Symbols.GetOrCreate(model.Compilation) is not { SteadfastBackgroundLoop: not null } types ||
                !diagnostic.Properties.TryGetValue(SF1002BackgroundLoopAnalyzer.LoopNameProperty, out var loopName) || loopName is null)
            {
                return null;
            }

            var function = EnclosingFunction(model, loop, cancellationToken);
            if (function is null)
            {
                return null;
            }

            var declared = NameLookup.DeclaredIn(function.Value.Syntax);
            var guard = NameLookup.Free(model, loop.SpanStart, declared, "loop");
            var exception = NameLookup.Free(model, loop.SpanStart, declared.Add(guard), "ex");
            var token = Token(model, loop, function.Value.Symbol, types, cancellationToken);

            // var loop = new BackgroundLoop("Type.Member");
            var creation = SyntaxFactory.ObjectCreationExpression(ImportHelper.SteadfastTypeName(model, loop.SpanStart, "BackgroundLoop"))
                .WithArgumentList(SyntaxFactory.ArgumentList(SyntaxFactory.SingletonSeparatedList(SyntaxFactory.Argument(
                    SyntaxFactory.LiteralExpression(SyntaxKind.StringLiteralExpression, SyntaxFactory.Literal(loopName))))));
            var declaration = SyntaxFactory.LocalDeclarationStatement(SyntaxFactory.VariableDeclaration(
                    SyntaxFactory.IdentifierName("var"),
                    SyntaxFactory.SingletonSeparatedList(SyntaxFactory.VariableDeclarator(guard).WithInitializer(SyntaxFactory.EqualsValueClause(creation)))))
                .WithLeadingTrivia(loop.GetLeadingTrivia())
                .WithAdditionalAnnotations(Formatter.Annotation);

            // try { <body>; loop.Succeeded(); } catch (Exception ex) when (!token.IsCancellationRequested) { await loop.FailedAsync(ex, token); }
            var statements = body.ToList();
            var succeeded = SyntaxFactory.ExpressionStatement(SyntaxFactory.InvocationExpression(Member(guard, "Succeeded")));
            var at = statements.Count > 0 && statements[statements.Count - 1] is ContinueStatementSyntax or BreakStatementSyntax or ReturnStatementSyntax or ThrowStatementSyntax or GotoStatementSyntax
                ? statements.Count - 1
                : statements.Count;
            statements.Insert(at, succeeded);

            var failedArguments = new List<ArgumentSyntax> { SyntaxFactory.Argument(SyntaxFactory.IdentifierName(exception)) };
            if (token is not null)
            {
                failedArguments.Add(SyntaxFactory.Argument(token.WithoutTrivia()));
            }

            ExpressionSyntax failed = SyntaxFactory.InvocationExpression(Member(guard, function.Value.Symbol.IsAsync ? "FailedAsync" : "Failed"), SyntaxFactory.ArgumentList(SyntaxFactory.SeparatedList(failedArguments)));
            if (function.Value.Symbol.IsAsync)
            {
                failed = SyntaxFactory.AwaitExpression(failed);
            }

            var @catch = SyntaxFactory.CatchClause(
                SyntaxFactory.CatchDeclaration(
                    SyntaxFactory.ParseTypeName("global::System.Exception").WithAdditionalAnnotations(Simplifier.Annotation),
                    SyntaxFactory.Identifier(exception)),
                token is null
                    ? null
                    : SyntaxFactory.CatchFilterClause(SyntaxFactory.PrefixUnaryExpression(
                        SyntaxKind.LogicalNotExpression,
                        SyntaxFactory.MemberAccessExpression(SyntaxKind.SimpleMemberAccessExpression, token.WithoutTrivia(), SyntaxFactory.IdentifierName("IsCancellationRequested")))),
                SyntaxFactory.Block(SyntaxFactory.ExpressionStatement(failed)));
            var @try = SyntaxFactory.TryStatement(SyntaxFactory.Block(statements), SyntaxFactory.SingletonList(@catch), null);
            var newBody = SyntaxFactory.Block(@try).WithAdditionalAnnotations(Formatter.Annotation);
            var rewritten = WithBody(loop, newBody).WithLeadingTrivia(SyntaxFactory.ElasticMarker).WithAdditionalAnnotations(Formatter.Annotation);

            var index = block.Statements.IndexOf(loop);
            var replacement = block.WithStatements(block.Statements.RemoveAt(index).InsertRange(index, new StatementSyntax[] { declaration, rewritten }));
            if (verify && !await FixVerifier.AddsNoErrorAsync(document, block, replacement, cancellationToken).ConfigureAwait(false))
            {
                return null;
            }

            return (block, replacement);
        }

        private static MemberAccessExpressionSyntax Member(string receiver, string name) =>
            SyntaxFactory.MemberAccessExpression(SyntaxKind.SimpleMemberAccessExpression, SyntaxFactory.IdentifierName(receiver), SyntaxFactory.IdentifierName(name));

        private static SyntaxList<StatementSyntax>? Body(StatementSyntax loop)
        {
            var statement = loop switch
            {
                WhileStatementSyntax w => w.Statement,
                DoStatementSyntax d => d.Statement,
                ForStatementSyntax f => f.Statement,
                CommonForEachStatementSyntax e => e.Statement,
                _ => null,
            };

            return statement switch
            {
                null => null,
                BlockSyntax b => b.Statements,
                EmptyStatementSyntax => default(SyntaxList<StatementSyntax>),
                _ => SyntaxFactory.SingletonList(statement.WithoutLeadingTrivia()),
            };
        }

        private static StatementSyntax WithBody(StatementSyntax loop, BlockSyntax body) => loop switch
        {
            WhileStatementSyntax w => w.WithStatement(body),
            DoStatementSyntax d => d.WithStatement(body),
            ForStatementSyntax f => f.WithStatement(body),
            CommonForEachStatementSyntax e => e.WithStatement(body),
            _ => loop,
        };

        /// <summary>The method, lambda or local function the loop is in: its symbol (is it async?) and its syntax (the names it declares).</summary>
        private static (IMethodSymbol Symbol, SyntaxNode Syntax)? EnclosingFunction(SemanticModel model, SyntaxNode loop, CancellationToken cancellationToken)
        {
            for (var node = loop.Parent; node is not null; node = node.Parent)
            {
                switch (node)
                {
                    case AnonymousFunctionExpressionSyntax lambda when model.GetSymbolInfo(lambda, cancellationToken).Symbol is IMethodSymbol symbol:
                        return (symbol, lambda);
                    case LocalFunctionStatementSyntax or BaseMethodDeclarationSyntax or AccessorDeclarationSyntax when model.GetDeclaredSymbol(node, cancellationToken) is IMethodSymbol symbol:
                        return (symbol, node);
                    case MemberDeclarationSyntax:
                        return null;
                }
            }

            return null;
        }

        /// <summary>The token that ends the loop: the one its condition checks, else the CancellationToken parameter of the function or of one it is nested in; null when there is none.</summary>
        private static ExpressionSyntax? Token(SemanticModel model, StatementSyntax loop, IMethodSymbol function, SF1002Symbols types, CancellationToken cancellationToken)
        {
            var condition = loop switch
            {
                WhileStatementSyntax w => w.Condition,
                DoStatementSyntax d => d.Condition,
                _ => null,
            };

            foreach (var access in condition?.DescendantNodesAndSelf().OfType<MemberAccessExpressionSyntax>() ?? Enumerable.Empty<MemberAccessExpressionSyntax>())
            {
                if (access.Name.Identifier.ValueText == "IsCancellationRequested" && access.Expression is IdentifierNameSyntax or MemberAccessExpressionSyntax { Expression: ThisExpressionSyntax or IdentifierNameSyntax } &&
                    KnownTypes.Is(model.GetTypeInfo(access.Expression, cancellationToken).Type, types.CancellationToken))
                {
                    return access.Expression;
                }
            }

            // The innermost function's token parameter, else one an enclosing function's lambda captures.
            for (var current = function; current is not null; current = current.ContainingSymbol as IMethodSymbol)
            {
                var parameter = current.Parameters.FirstOrDefault(p => KnownTypes.Is(p.Type, types.CancellationToken));
                if (parameter is not null)
                {
                    return NameLookup.Bind(model, loop.SpanStart, parameter.Name).FirstOrDefault() is IParameterSymbol bound && SymbolEqualityComparer.Default.Equals(bound, parameter)
                        ? SyntaxFactory.IdentifierName(parameter.Name)
                        : null;
                }
            }

            return null;
        }
    }
}
