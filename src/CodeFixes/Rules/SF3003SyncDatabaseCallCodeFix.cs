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
using Microsoft.CodeAnalysis.Operations;
using Steadfast.Analyzers;
using Steadfast.Analyzers.Internal;
using Steadfast.Analyzers.Rules.SF3003;
using Steadfast.CodeFixes.Internal;

namespace Steadfast.CodeFixes.Rules
{
    /// <summary>
    /// SF3003 fix, "Use the async call": the call's <c>…Async</c> counterpart, awaited (in parentheses where the result is
    /// used further, <c>(await q.ToListAsync()).Count</c>), with the <c>CancellationToken</c> in scope (a parameter of the
    /// enclosing function or a local declared before the call) when the counterpart takes one. For an EF Core query
    /// operator, <c>EntityFrameworkQueryableExtensions</c>' form, with <c>using Microsoft.EntityFrameworkCore;</c> added
    /// where it is missing. Offered only where the rewrite binds to a counterpart whose awaited result has the call's type,
    /// and (when chosen) adds no compiler error; not inside a catch filter or unsafe code (no await there), nor for an EF
    /// operator called in static form (<c>Queryable.First(q)</c>).
    /// </summary>
    [ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(SF3003SyncDatabaseCallCodeFix)), Shared]
    public sealed class SF3003SyncDatabaseCallCodeFix : PlannedCodeFixProvider
    {
        public const string UseAsyncKey = "SF3003.UseAsync";

        private const string EfNamespace = "Microsoft.EntityFrameworkCore";

        private static readonly (string Key, string Title)[] Offered = { (UseAsyncKey, "Use the async call") };

        public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(DiagnosticIds.SyncDatabaseCallInAsync);

        protected override IEnumerable<(string Key, string Title)> Fixes(Diagnostic diagnostic) => Offered;

        protected override async Task<(SyntaxNode Target, SyntaxNode Replacement)?> PlanAsync(
            Document document, SyntaxNode node, Diagnostic diagnostic, string key, bool verify, CancellationToken cancellationToken)
        {
            var invocation = node.DescendantNodesAndSelf().OfType<InvocationExpressionSyntax>().FirstOrDefault(n => n.Span == node.Span);
            var model = await document.GetSemanticModelAsync(cancellationToken).ConfigureAwait(false);
            if (key != UseAsyncKey || invocation is null || model is null || !AwaitAllowed(invocation) ||
                model.GetOperation(invocation, cancellationToken) is not IInvocationOperation call)
            {
                return null;
            }

            var symbols = SF3003Symbols.GetOrCreate(model.Compilation);
            var api = DatabaseCalls.Classify(call, symbols);
            var function = model.GetEnclosingSymbol(invocation.SpanStart, cancellationToken);
            if (api == DatabaseApi.None || function is null || DatabaseCalls.AsyncFunction(call, function) is null)
            {
                return null;
            }

            var token = Token(model, call, invocation.SpanStart, symbols, cancellationToken);
            var counterpart = DatabaseCalls.Counterpart(call, api, symbols, token is not null, out var tokenParameter);
            if (counterpart is null)
            {
                return null;
            }

            // The new call: the same receiver, type arguments and arguments, the async name, and the token.
            var reduced = call.TargetMethod.IsExtensionMethod && call.Arguments.Length > 0 && call.Arguments[0].Syntax is not ArgumentSyntax;
            var arguments = invocation.ArgumentList;
            if (tokenParameter is not null && token is not null)
            {
                var position = tokenParameter.Ordinal - (reduced ? 1 : 0);
                var argument = SyntaxFactory.Argument(SyntaxFactory.IdentifierName(token.Name));
                if (position != arguments.Arguments.Count || arguments.Arguments.Any(a => a.NameColon is not null))
                {
                    argument = argument.WithNameColon(SyntaxFactory.NameColon(tokenParameter.Name));
                }

                arguments = arguments.WithArguments(arguments.Arguments.Add(argument));
            }

            ExpressionSyntax? callee = invocation.Expression switch
            {
                MemberAccessExpressionSyntax access => access.WithName(Renamed(access.Name, counterpart.Name)),
                IdentifierNameSyntax or GenericNameSyntax when api != DatabaseApi.EfQuery => Renamed((SimpleNameSyntax)invocation.Expression, counterpart.Name),
                _ => null,
            };

            if (callee is null || (api == DatabaseApi.EfQuery && (invocation.Expression is not MemberAccessExpressionSyntax || !reduced)))
            {
                return null; // an EF operator in static form: Queryable.First(q) has no reduced form to rename
            }

            var newCall = SyntaxFactory.InvocationExpression(callee, arguments);

            // It must bind to a counterpart whose awaited result is what the call gave (for an EF operator, checked in static form, needing no using).
            var check = api == DatabaseApi.EfQuery
                ? SyntaxFactory.InvocationExpression(
                    SyntaxFactory.MemberAccessExpression(
                        SyntaxKind.SimpleMemberAccessExpression,
                        SyntaxFactory.ParseExpression("global::" + EfNamespace + ".EntityFrameworkQueryableExtensions"),
                        Renamed(((MemberAccessExpressionSyntax)invocation.Expression).Name, counterpart.Name)),
                    arguments.WithArguments(arguments.Arguments.Insert(0, SyntaxFactory.Argument(((MemberAccessExpressionSyntax)invocation.Expression).Expression.WithoutTrivia()))))
                : newCall;
            if (model.GetSpeculativeSymbolInfo(invocation.SpanStart, check, SpeculativeBindingOption.BindAsExpression).Symbol is not IMethodSymbol bound ||
                bound.Name != counterpart.Name || !SameResult(call, bound, symbols))
            {
                return null;
            }

            // Tokens without elastic trivia: the statement keeps its own indentation.
            ExpressionSyntax awaited = SyntaxFactory.AwaitExpression(
                SyntaxFactory.Token(SyntaxTriviaList.Empty, SyntaxKind.AwaitKeyword, SyntaxFactory.TriviaList(SyntaxFactory.Space)),
                newCall.WithoutTrivia());
            if (NeedsParentheses(invocation))
            {
                awaited = SyntaxFactory.ParenthesizedExpression(
                    SyntaxFactory.Token(SyntaxTriviaList.Empty, SyntaxKind.OpenParenToken, SyntaxTriviaList.Empty),
                    awaited,
                    SyntaxFactory.Token(SyntaxTriviaList.Empty, SyntaxKind.CloseParenToken, SyntaxTriviaList.Empty));
            }

            awaited = awaited.WithTriviaFrom(invocation);

            SyntaxNode target = invocation;
            SyntaxNode replacement = awaited;
            if (api == DatabaseApi.EfQuery && !ExtensionInScope(model, call, invocation, counterpart.Name, symbols))
            {
                if (invocation.SyntaxTree.GetRoot(cancellationToken) is not CompilationUnitSyntax unit)
                {
                    return null;
                }

                var newLine = unit.DescendantTrivia().FirstOrDefault(t => t.IsKind(SyntaxKind.EndOfLineTrivia));
                var import = SyntaxFactory.UsingDirective(SyntaxFactory.ParseName(EfNamespace))
                    .WithTrailingTrivia(newLine.IsKind(SyntaxKind.EndOfLineTrivia) ? newLine : SyntaxFactory.LineFeed);
                target = unit;
                replacement = unit.ReplaceNode(invocation, awaited).AddUsings(import);
            }

            if (verify && !await FixVerifier.AddsNoErrorAsync(document, target, replacement, cancellationToken).ConfigureAwait(false))
            {
                return null;
            }

            return (target, replacement);
        }

        private static SimpleNameSyntax Renamed(SimpleNameSyntax name, string newName) => name switch
        {
            GenericNameSyntax generic => generic.WithIdentifier(SyntaxFactory.Identifier(newName).WithTriviaFrom(generic.Identifier)),
            _ => SyntaxFactory.IdentifierName(SyntaxFactory.Identifier(newName).WithTriviaFrom(name.Identifier)),
        };

        /// <summary>The awaited result of the counterpart has the call's type (nothing, for a call that returns nothing).</summary>
        private static bool SameResult(IInvocationOperation call, IMethodSymbol counterpart, SF3003Symbols symbols)
        {
            var awaited = symbols.AwaitedType(counterpart.ReturnType);
            if (call.Type is null || call.Type.SpecialType == SpecialType.System_Void)
            {
                return awaited is null && symbols.IsAwaitable(counterpart.ReturnType);
            }

            return awaited is not null && SymbolEqualityComparer.Default.Equals(awaited, call.Type);
        }

        /// <summary>Where the awaited call is used further (a member, an element, a call, a null-forgiving <c>!</c>), <c>await</c> needs parentheses.</summary>
        private static bool NeedsParentheses(InvocationExpressionSyntax invocation) => invocation.Parent switch
        {
            MemberAccessExpressionSyntax access => access.Expression == invocation,
            ConditionalAccessExpressionSyntax conditional => conditional.Expression == invocation,
            ElementAccessExpressionSyntax element => element.Expression == invocation,
            InvocationExpressionSyntax outer => outer.Expression == invocation,
            PostfixUnaryExpressionSyntax => true,
            _ => false,
        };

        /// <summary>No await in a catch filter or unsafe code.</summary>
        private static bool AwaitAllowed(SyntaxNode node)
        {
            foreach (var ancestor in node.Ancestors())
            {
                switch (ancestor)
                {
                    case CatchFilterClauseSyntax or UnsafeStatementSyntax:
                        return false;
                    case MemberDeclarationSyntax member when member.Modifiers.Any(SyntaxKind.UnsafeKeyword):
                        return false;
                    case AnonymousFunctionExpressionSyntax or LocalFunctionStatementSyntax:
                        return true;
                }
            }

            return true;
        }

        /// <summary>The counterpart already binds as an extension of the query here (its namespace is imported).</summary>
        private static bool ExtensionInScope(SemanticModel model, IInvocationOperation call, InvocationExpressionSyntax invocation, string name, SF3003Symbols symbols)
        {
            var receiverType = DatabaseCalls.Source(call).Type;
            if (receiverType is null)
            {
                return false;
            }

            foreach (var symbol in model.LookupSymbols(invocation.SpanStart, container: receiverType, name: name, includeReducedExtensionMethods: true))
            {
                if (symbol is IMethodSymbol method && KnownTypes.Is((method.ReducedFrom ?? method).ContainingType, symbols.EfQueryableExtensions))
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>
        /// The <c>CancellationToken</c> in scope: a parameter of the innermost enclosing function, else a local declared
        /// before the call in an enclosing block, else a parameter of an outer function; the name must bind to it here.
        /// </summary>
        private static ISymbol? Token(SemanticModel model, IInvocationOperation call, int position, SF3003Symbols symbols, CancellationToken cancellationToken)
        {
            var candidates = new List<ISymbol>();
            var innermost = model.GetEnclosingSymbol(position, cancellationToken) as IMethodSymbol;
            if (innermost is not null)
            {
                candidates.AddRange(innermost.Parameters.Where(p => KnownTypes.Is(p.Type, symbols.CancellationToken)));
            }

            for (var parent = call.Parent; parent is not null; parent = parent.Parent)
            {
                if (parent is IBlockOperation block)
                {
                    foreach (var local in block.Locals)
                    {
                        if (KnownTypes.Is(local.Type, symbols.CancellationToken) &&
                            local.DeclaringSyntaxReferences.Length == 1 && local.DeclaringSyntaxReferences[0].Span.End < position)
                        {
                            candidates.Add(local);
                        }
                    }
                }
            }

            for (var outer = innermost?.ContainingSymbol as IMethodSymbol; outer is not null; outer = outer.ContainingSymbol as IMethodSymbol)
            {
                candidates.AddRange(outer.Parameters.Where(p => KnownTypes.Is(p.Type, symbols.CancellationToken)));
            }

            foreach (var candidate in candidates)
            {
                if (NameLookup.Bind(model, position, candidate.Name).FirstOrDefault() is { } bound && SymbolEqualityComparer.Default.Equals(bound, candidate))
                {
                    return candidate;
                }
            }

            return null;
        }
    }
}
