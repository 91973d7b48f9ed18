using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;
using Steadfast.Analyzers.Internal;

namespace Steadfast.Analyzers.Rules.Database
{
    /// <summary>
    /// What SF3002 and SF3003 share about EF Core queries: whether an <c>IQueryable</c> is built on a <c>DbSet</c>, the
    /// <c>DbSet</c> expression at its root, and the value a local was declared with.
    /// </summary>
    internal static class QueryOrigin
    {
        /// <summary>True for <c>IQueryable&lt;T&gt;</c> and the types that implement it.</summary>
        public static bool IsQueryable(ITypeSymbol? type, INamedTypeSymbol? queryableOfT) => KnownTypes.IsOrImplements(type, queryableOfT);

        /// <summary>
        /// True when the query is built on a <c>DbSet</c> (a context's property, <c>Set&lt;T&gt;()</c>, <c>FromSql…</c>),
        /// through query operators and through locals initialised with such a query. A parameter or a method's result is of
        /// unknown origin (it may be LINQ to objects' <c>AsQueryable()</c>): not known to come from a context.
        /// </summary>
        public static bool ComesFromDbContext(IOperation operation, INamedTypeSymbol? dbSet, INamedTypeSymbol? queryableOfT) =>
            DbSetRoot(operation, dbSet, queryableOfT) is not null;

        /// <summary>The <c>DbSet</c> expression the query is built on (see <see cref="ComesFromDbContext"/>), or null.</summary>
        public static IOperation? DbSetRoot(IOperation operation, INamedTypeSymbol? dbSet, INamedTypeSymbol? queryableOfT) =>
            DbSetRoot(operation, dbSet, queryableOfT, 0);

        private static IOperation? DbSetRoot(IOperation operation, INamedTypeSymbol? dbSet, INamedTypeSymbol? queryableOfT, int depth)
        {
            for (var i = 0; i < 32; i++)
            {
                operation = OperationHelpers.SkipConversions(operation);
                if (KnownTypes.DerivesFrom(operation.Type, dbSet))
                {
                    return operation;
                }

                switch (operation)
                {
                    case IInvocationOperation { TargetMethod.IsStatic: true, Arguments.Length: > 0 } chained
                        when IsQueryable(operation.Type, queryableOfT) && IsQueryable(OperationHelpers.SkipConversions(chained.Arguments[0].Value).Type, queryableOfT):
                        operation = chained.Arguments[0].Value;
                        continue;
                    case ITranslatedQueryOperation query:
                        operation = query.Operation; // query syntax: from l in db.Leads where … select …
                        continue;
                    case ILocalReferenceOperation local when depth < 4 && InitialValue(local.Local, operation) is { } initial:
                        return DbSetRoot(initial, dbSet, queryableOfT, depth + 1);
                    default:
                        return null;
                }
            }

            return null;
        }

        /// <summary>The value a local was declared with (null when it has none, or it is assigned again).</summary>
        public static IOperation? InitialValue(ILocalSymbol local, IOperation use)
        {
            if (use.SemanticModel is not { } model || local.DeclaringSyntaxReferences.Length != 1 ||
                local.DeclaringSyntaxReferences[0].GetSyntax() is not VariableDeclaratorSyntax declarator ||
                declarator.SyntaxTree != model.SyntaxTree ||
                model.GetOperation(declarator) is not IVariableDeclaratorOperation declared ||
                OperationHelpers.InitialValue(declared) is not { } initial)
            {
                return null;
            }

            foreach (var operation in OperationHelpers.Root(use).Descendants())
            {
                if (operation is IAssignmentOperation { Target: ILocalReferenceOperation target } && SymbolEqualityComparer.Default.Equals(target.Local, local))
                {
                    return null;
                }
            }

            return initial;
        }
    }
}
