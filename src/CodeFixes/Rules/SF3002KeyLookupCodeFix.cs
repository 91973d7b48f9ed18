using System;
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
using Steadfast.Analyzers;
using Steadfast.Analyzers.Internal;
using Steadfast.Analyzers.Rules;
using Steadfast.CodeFixes.Internal;
using Steadfast.CodeFixes.Rules.SF3002;

namespace Steadfast.CodeFixes.Rules
{
    /// <summary>
    /// SF3002 fix "Load all keys in one query", for a key look-up per item of a <c>foreach</c> (the analyzer's shape
    /// <c>KeyLookup</c>): one <c>KeyedRows.Load</c> (or <c>LoadAsync</c>) before the loop that runs the query for all the
    /// items' keys, in chunks of 1,000, and a look-up inside the loop that answers as the per-item query did
    /// (<c>Single</c>/<c>First</c> throw <c>InvalidOperationException</c> on a missing key, <c>…OrDefault</c> gives
    /// <c>default</c>, <c>Single…</c> throws on two rows, <c>Query</c> gives the key's rows, none for a missing key).
    /// </summary>
    /// <remarks>
    /// <para>
    /// Dapper: <c>cnn.QuerySingle&lt;T&gt;/QuerySingleOrDefault/QueryFirst/QueryFirstOrDefault/Query</c> (and their
    /// <c>…Async</c> forms, awaited directly) with a constant SQL text <c>SELECT … FROM t WHERE col = @p [ORDER BY …]</c>
    /// (<see cref="KeyLookupSql"/>) and <c>new { p = item.Key }</c>; the query's other arguments (transaction, timeout,
    /// command type) are passed along. EF Core: <c>set.First/FirstOrDefault/Single/SingleOrDefault(e =&gt; e.Key == item.Key)</c>
    /// and their <c>…Async</c> forms on a <c>DbSet</c>. <c>Find</c> is not rewritten: it answers from the change tracker
    /// first, including entities added and not yet saved, which no query sees.
    /// </para>
    /// <para>
    /// Offered only where every one of these holds, each checked from syntax and symbols: the loop is a plain
    /// <c>foreach</c> (not <c>await foreach</c>) directly in a block, over a local, parameter or field that is a collection
    /// (an array or an <c>ICollection&lt;T&gt;</c>/<c>IReadOnlyCollection&lt;T&gt;</c>, so enumerating it twice gives the same
    /// items) and that the loop never names; the key is the loop variable or one of its fields or properties, of an integral
    /// type (string keys are left alone: the database's collation may match what .NET's equality does not), never assigned
    /// in the loop; the row type has exactly one member the key column maps to, of the key's type; the connection or context
    /// is a local, parameter or field declared outside the loop and not assigned in it, and the loop does nothing else with
    /// it but read (no other Dapper or ADO.NET command, no <c>SaveChanges</c>); the query is not inside a lambda, a local
    /// function or a <c>try</c> within the loop, and the loop yields nothing.
    /// </para>
    /// </remarks>
    [ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(SF3002KeyLookupCodeFix)), Shared]
    public sealed class SF3002KeyLookupCodeFix : PlannedCodeFixProvider
    {
        public const string LoadAllKeysKey = "SF3002.LoadAllKeys";

        private static readonly (string Key, string Title)[] Offered = { (LoadAllKeysKey, "Load all keys in one query") };

        public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(DiagnosticIds.QueryInLoop);

        /// <summary>
        /// Offered for the analyzer's <c>KeyLookup</c> shape, and for <c>Other</c>: the analyzer calls a look-up whose
        /// <c>WHERE col = @p</c> is followed by an <c>ORDER BY</c> "Other", and this fix proves every look-up it rewrites
        /// itself (<see cref="PlanAsync"/> trusts no property). Never for <c>SaveChanges</c> (the other SF3002 fix's).
        /// </summary>
        protected override IEnumerable<(string Key, string Title)> Fixes(Diagnostic diagnostic) =>
            diagnostic.Properties.TryGetValue(SF3002QueryInLoopAnalyzer.ShapeProperty, out var shape) &&
            (shape == SF3002QueryInLoopAnalyzer.ShapeKeyLookup || shape == SF3002QueryInLoopAnalyzer.ShapeOther)
                ? Offered
                : Array.Empty<(string, string)>();

        protected override async Task<(SyntaxNode Target, SyntaxNode Replacement)?> PlanAsync(
            Document document, SyntaxNode node, Diagnostic diagnostic, string key, bool verify, CancellationToken cancellationToken)
        {
            if (key != LoadAllKeysKey || node is not InvocationExpressionSyntax invocation || diagnostic.AdditionalLocations.Count == 0)
            {
                return null;
            }

            var root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
            var model = await document.GetSemanticModelAsync(cancellationToken).ConfigureAwait(false);
            if (root is null || model is null)
            {
                return null;
            }

            // The loop, as the analyzer located it; in a Fix All, where earlier edits moved it, the innermost foreach around
            // the query whose variable the query uses. The query must be in its body.
            var loopSpan = diagnostic.AdditionalLocations[0].SourceSpan;
            var loops = invocation.Ancestors().TakeWhile(a => a is not (AnonymousFunctionExpressionSyntax or LocalFunctionStatementSyntax or MemberDeclarationSyntax))
                .OfType<ForEachStatementSyntax>().ToList();
            var loop = loops.FirstOrDefault(f => f.Span == loopSpan) ??
                loops.FirstOrDefault(f => invocation.DescendantNodes().OfType<IdentifierNameSyntax>().Any(i => i.Identifier.ValueText == f.Identifier.ValueText));
            if (loop is null || loop.AwaitKeyword.IsKind(SyntaxKind.AwaitKeyword) || loop.Parent is not BlockSyntax block ||
                !loop.Statement.Span.Contains(invocation.Span) || !PathIsPlain(invocation, loop) ||
                loop.Statement.DescendantNodesAndSelf().OfType<YieldStatementSyntax>().Any())
            {
                return null;
            }

            if (model.GetDeclaredSymbol(loop, cancellationToken) is not ILocalSymbol item ||
                model.GetForEachStatementInfo(loop) is not { ElementType: { } elementType } info ||
                !info.ElementConversion.IsIdentity || !SymbolEqualityComparer.Default.Equals(elementType, item.Type) ||
                !StableCollection(model, loop, cancellationToken))
            {
                return null;
            }

            if (model.GetOperation(invocation, cancellationToken) is not IInvocationOperation call)
            {
                return null;
            }

            var types = KnownTypes.GetOrCreate(model.Compilation);
            var plan = (KeyLookupPlan?)DapperPlan.Create(call, invocation, item, loop, model, types, cancellationToken) ??
                EfCorePlan.Create(call, invocation, item, loop, model, types, cancellationToken);
            if (plan is null)
            {
                return null;
            }

            // KeyedRows must be there to call (Steadfast.Runtime referenced).
            var position = loop.SpanStart;
            if (model.GetSpeculativeTypeInfo(position, SyntaxFactory.ParseTypeName("global::Steadfast.KeyedRows"), SpeculativeBindingOption.BindAsTypeOrNamespace).Type is not INamedTypeSymbol { TypeKind: not TypeKind.Error })
            {
                return null;
            }

            // The names the fix introduces: free here, and the new local nowhere declared in the block (a nested declaration
            // of the same name would not compile); a lambda's parameters may repeat other lambdas' (sibling scopes).
            var declared = new HashSet<string>(StringComparer.Ordinal);
            var declaredOutsideLambdas = new HashSet<string>(StringComparer.Ordinal);
            foreach (var descendant in block.DescendantNodes())
            {
                if (DeclaredName(descendant) is { } declaredName)
                {
                    declared.Add(declaredName);
                    if (descendant is not ParameterSyntax { Parent: SimpleLambdaExpressionSyntax or ParameterListSyntax { Parent: ParenthesizedLambdaExpressionSyntax } })
                    {
                        declaredOutsideLambdas.Add(declaredName);
                    }
                }
            }

            string Free(string name, HashSet<string> taken)
            {
                var candidate = name;
                for (var n = 2; taken.Contains(candidate) || NameLookup.IsTaken(model, position, candidate); n++)
                {
                    candidate = name + n;
                }

                return candidate;
            }

            var lookupName = Free(Camel(plan.RowType.Name) + "By" + plan.KeyMember.Name, declared);
            declaredOutsideLambdas.Add(lookupName);
            var chunkName = new[] { plan.ChunkName, "keys", "chunk" }.FirstOrDefault(n => !declaredOutsideLambdas.Contains(n) && !NameLookup.IsTaken(model, position, n))
                ?? Free(plan.ChunkName, declaredOutsideLambdas);
            var rowName = Free("row", declaredOutsideLambdas);
            if (rowName == chunkName)
            {
                rowName = Free("row", new HashSet<string>(declaredOutsideLambdas) { chunkName });
            }

            // The batched query, built from the original's pieces.
            if (plan.BatchedQuery(chunkName) is not { } batched)
            {
                return null;
            }

            var keyedRows = ImportHelper.SteadfastTypeExpression(model, position, "KeyedRows");
            var arguments = new List<ArgumentSyntax> { SyntaxFactory.Argument(((ExpressionSyntax)loop.Expression.WithoutTrivia())) };
            if (!plan.KeyIsItem)
            {
                arguments.Add(SyntaxFactory.Argument(SyntaxFactory.SimpleLambdaExpression(
                    SyntaxFactory.Parameter(SyntaxFactory.Identifier(item.Name)), plan.KeySyntax.WithoutTrivia())));
            }

            arguments.Add(SyntaxFactory.Argument(SyntaxFactory.SimpleLambdaExpression(SyntaxFactory.Parameter(SyntaxFactory.Identifier(chunkName)), batched)));
            arguments.Add(SyntaxFactory.Argument(SyntaxFactory.SimpleLambdaExpression(
                SyntaxFactory.Parameter(SyntaxFactory.Identifier(rowName)),
                SyntaxFactory.MemberAccessExpression(SyntaxKind.SimpleMemberAccessExpression, SyntaxFactory.IdentifierName(rowName), SyntaxFactory.IdentifierName(plan.KeyMember.Name)))));

            ExpressionSyntax load = SyntaxFactory.InvocationExpression(
                SyntaxFactory.MemberAccessExpression(SyntaxKind.SimpleMemberAccessExpression, keyedRows, SyntaxFactory.IdentifierName(plan.Async ? "LoadAsync" : "Load")),
                SyntaxFactory.ArgumentList(SyntaxFactory.SeparatedList(arguments)));
            if (plan.Async)
            {
                load = SyntaxFactory.AwaitExpression(load);
            }

            var indentation = loop.GetLeadingTrivia().LastOrDefault(t => t.IsKind(SyntaxKind.WhitespaceTrivia));
            var declaration = SyntaxFactory.LocalDeclarationStatement(
                SyntaxFactory.VariableDeclaration(
                    SyntaxFactory.IdentifierName(SyntaxFactory.Identifier(SyntaxTriviaList.Empty, SyntaxKind.IdentifierToken, "var", "var", SyntaxFactory.TriviaList(SyntaxFactory.Space))),
                    SyntaxFactory.SingletonSeparatedList(SyntaxFactory.VariableDeclarator(SyntaxFactory.Identifier(lookupName)).WithInitializer(SyntaxFactory.EqualsValueClause(load)))))
                .WithLeadingTrivia(indentation.IsKind(SyntaxKind.WhitespaceTrivia) ? SyntaxFactory.TriviaList(indentation) : SyntaxTriviaList.Empty)
                .WithTrailingTrivia(loop.DescendantTrivia().FirstOrDefault(t => t.IsKind(SyntaxKind.EndOfLineTrivia)) is { } newLine && newLine.IsKind(SyntaxKind.EndOfLineTrivia)
                    ? newLine
                    : SyntaxFactory.ElasticCarriageReturnLineFeed)
                .WithAdditionalAnnotations(Formatter.Annotation);

            // Inside the loop: the look-up, where the query (and its await) was.
            var replaced = plan.Replaced;
            var lookup = SyntaxFactory.InvocationExpression(
                    SyntaxFactory.MemberAccessExpression(SyntaxKind.SimpleMemberAccessExpression, SyntaxFactory.IdentifierName(lookupName), SyntaxFactory.IdentifierName(plan.LookupMethod)),
                    SyntaxFactory.ArgumentList(SyntaxFactory.SingletonSeparatedList(SyntaxFactory.Argument(plan.KeySyntax.WithoutTrivia()))))
                .WithTriviaFrom(replaced);

            var newLoop = loop.ReplaceNode(replaced, lookup);
            var statements = block.Statements;
            var index = statements.IndexOf(loop);
            var newBlock = block.WithStatements(statements.Replace(loop, newLoop).Insert(index, declaration));

            if (verify && !await FixVerifier.AddsNoErrorAsync(document, block, newBlock, cancellationToken).ConfigureAwait(false))
            {
                return null;
            }

            return (block, newBlock);
        }

        private static string? DeclaredName(SyntaxNode node) => node switch
        {
            VariableDeclaratorSyntax v => v.Identifier.ValueText,
            ParameterSyntax p => p.Identifier.ValueText,
            ForEachStatementSyntax f => f.Identifier.ValueText,
            SingleVariableDesignationSyntax d => d.Identifier.ValueText,
            LocalFunctionStatementSyntax l => l.Identifier.ValueText,
            CatchDeclarationSyntax c => c.Identifier.ValueText,
            _ => null,
        };

        private static string Camel(string name) => name.Length == 0 ? "rows" : char.ToLowerInvariant(name[0]) + name.Substring(1);

        /// <summary>Between the query and the loop: no lambda, local function, query expression or try (where a missing key may be handled).</summary>
        private static bool PathIsPlain(SyntaxNode query, ForEachStatementSyntax loop)
        {
            for (var node = query.Parent; node is not null && node != loop; node = node.Parent)
            {
                if (node is AnonymousFunctionExpressionSyntax or LocalFunctionStatementSyntax or QueryExpressionSyntax or TryStatementSyntax or CatchClauseSyntax or FinallyClauseSyntax)
                {
                    return false;
                }
            }

            return true;
        }

        /// <summary>
        /// The loop's collection: a local, parameter or field, an array or an <c>ICollection&lt;T&gt;</c>/<c>IReadOnlyCollection&lt;T&gt;</c>
        /// (enumerated again it gives the same items), that the loop body never names (so it cannot change it).
        /// </summary>
        private static bool StableCollection(SemanticModel model, ForEachStatementSyntax loop, CancellationToken cancellationToken)
        {
            if (loop.Expression is not IdentifierNameSyntax name)
            {
                return false;
            }

            var symbol = model.GetSymbolInfo(name, cancellationToken).Symbol;
            var type = symbol switch
            {
                ILocalSymbol local => local.Type,
                IParameterSymbol parameter => parameter.Type,
                IFieldSymbol field => field.Type,
                _ => null,
            };

            if (type is null || !(type is IArrayTypeSymbol || IsCollection(type)))
            {
                return false;
            }

            foreach (var identifier in loop.Statement.DescendantNodesAndSelf().OfType<IdentifierNameSyntax>())
            {
                if (identifier.Identifier.ValueText == name.Identifier.ValueText &&
                    SymbolEqualityComparer.Default.Equals(model.GetSymbolInfo(identifier, cancellationToken).Symbol, symbol))
                {
                    return false;
                }
            }

            return true;
        }

        private static bool IsCollection(ITypeSymbol type)
        {
            foreach (var candidate in new[] { type }.Concat(type.AllInterfaces))
            {
                if (candidate.OriginalDefinition.SpecialType is SpecialType.System_Collections_Generic_ICollection_T or SpecialType.System_Collections_Generic_IReadOnlyCollection_T
                    or SpecialType.System_Collections_Generic_IList_T or SpecialType.System_Collections_Generic_IReadOnlyList_T)
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>Integral keys only: their equality in .NET is the database's.</summary>
        internal static bool IsKeyType(ITypeSymbol? type) => type?.SpecialType is
            SpecialType.System_Int32 or SpecialType.System_Int64 or SpecialType.System_Int16 or SpecialType.System_Byte or
            SpecialType.System_SByte or SpecialType.System_UInt16 or SpecialType.System_UInt32 or SpecialType.System_UInt64;

        /// <summary>A local, parameter or field declared outside the loop and never assigned (or passed by reference) in it.</summary>
        internal static bool InvariantSymbol(ISymbol? symbol, ForEachStatementSyntax loop, SemanticModel model, CancellationToken cancellationToken)
        {
            switch (symbol)
            {
                case ILocalSymbol local when local.DeclaringSyntaxReferences.All(r => !loop.Span.Contains(r.Span)):
                case IParameterSymbol:
                case IFieldSymbol { IsConst: false }:
                    return !Written(symbol, loop.Statement, model, cancellationToken);
                case IFieldSymbol { IsConst: true }:
                    return true;
                default:
                    return false;
            }
        }

        /// <summary>True when <paramref name="symbol"/> is assigned, incremented or passed by reference anywhere in <paramref name="scope"/>.</summary>
        internal static bool Written(ISymbol symbol, SyntaxNode scope, SemanticModel model, CancellationToken cancellationToken)
        {
            foreach (var node in scope.DescendantNodesAndSelf())
            {
                ExpressionSyntax? target = node switch
                {
                    AssignmentExpressionSyntax assignment => assignment.Left,
                    PrefixUnaryExpressionSyntax { RawKind: (int)SyntaxKind.PreIncrementExpression or (int)SyntaxKind.PreDecrementExpression } prefix => prefix.Operand,
                    PostfixUnaryExpressionSyntax { RawKind: (int)SyntaxKind.PostIncrementExpression or (int)SyntaxKind.PostDecrementExpression } postfix => postfix.Operand,
                    ArgumentSyntax { RefKindKeyword.RawKind: not (int)SyntaxKind.None } argument => argument.Expression,
                    _ => null,
                };

                if (target is null)
                {
                    continue;
                }

                foreach (var part in target.DescendantNodesAndSelf().OfType<SimpleNameSyntax>())
                {
                    if (SymbolEqualityComparer.Default.Equals(model.GetSymbolInfo(part, cancellationToken).Symbol, symbol))
                    {
                        return true;
                    }
                }
            }

            return false;
        }
    }
}
