using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;
using Steadfast.Analyzers.Internal;
using Steadfast.Analyzers.Rules.Database;

namespace Steadfast.Analyzers.Rules.SF3003
{
    /// <summary>Which database API a synchronous call belongs to.</summary>
    internal enum DatabaseApi
    {
        None,

        /// <summary>Dapper's <c>SqlMapper</c> extension methods on a connection.</summary>
        Dapper,

        /// <summary>ADO.NET: <c>DbConnection</c>, <c>DbCommand</c>, <c>DbDataReader</c>, <c>DbTransaction</c> and their providers' types.</summary>
        AdoNet,

        /// <summary>EF Core's <c>DbContext.SaveChanges</c> and <c>Find</c> (on the context or a <c>DbSet</c>).</summary>
        EfContext,

        /// <summary>A LINQ operator that runs an EF Core query (<c>ToList</c>, <c>First</c>, <c>Count</c>…) on an <c>IQueryable</c> from a <c>DbContext</c>.</summary>
        EfQuery,
    }

    /// <summary>
    /// Finds, by symbol, the synchronous database calls SF3003 knows, and the async counterpart each can be replaced with:
    /// a method named <c>…Async</c> (on the same type or a base type, on Dapper's <c>SqlMapper</c>, or for a LINQ operator
    /// on EF Core's <c>EntityFrameworkQueryableExtensions</c>) that takes every argument the call passes, in the same place
    /// and of the same type, returns a task, and needs nothing else but a <c>CancellationToken</c>.
    /// </summary>
    internal static class DatabaseCalls
    {
        private static readonly ImmutableHashSet<string> DapperMethods = ImmutableHashSet.Create(
            "Query", "QueryFirst", "QueryFirstOrDefault", "QuerySingle", "QuerySingleOrDefault", "Execute", "ExecuteScalar", "QueryMultiple", "ExecuteReader");

        private static readonly ImmutableHashSet<string> ConnectionMethods = ImmutableHashSet.Create("Open");

        private static readonly ImmutableHashSet<string> CommandMethods = ImmutableHashSet.Create("ExecuteReader", "ExecuteNonQuery", "ExecuteScalar");

        private static readonly ImmutableHashSet<string> ReaderMethods = ImmutableHashSet.Create("Read", "NextResult");

        private static readonly ImmutableHashSet<string> TransactionMethods = ImmutableHashSet.Create("Commit", "Rollback");

        private static readonly ImmutableHashSet<string> ContextMethods = ImmutableHashSet.Create("SaveChanges", "Find");

        /// <summary>The <c>Queryable</c> operators that run the query.</summary>
        private static readonly ImmutableHashSet<string> QueryOperators = ImmutableHashSet.Create(
            "First", "FirstOrDefault", "Single", "SingleOrDefault", "Last", "LastOrDefault", "Any", "All", "Count", "LongCount",
            "Min", "Max", "Sum", "Average", "Contains");

        /// <summary>The <c>Enumerable</c> operators that materialise an <c>IQueryable</c> (there is no <c>Queryable.ToList</c>).</summary>
        private static readonly ImmutableHashSet<string> MaterialisingOperators = ImmutableHashSet.Create("ToList", "ToArray", "ToDictionary", "ToHashSet");

        /// <summary>The API <paramref name="call"/> belongs to, or <see cref="DatabaseApi.None"/>. Cheap: a name, then the containing type.</summary>
        public static DatabaseApi Classify(IInvocationOperation call, SF3003Symbols symbols)
        {
            var method = call.TargetMethod;
            var type = method.ContainingType;
            if (type is null)
            {
                return DatabaseApi.None;
            }

            var name = method.Name;
            if (method.IsStatic)
            {
                if (DapperMethods.Contains(name) && KnownTypes.Is(type, symbols.DapperSqlMapper))
                {
                    return DatabaseApi.Dapper;
                }

                if ((QueryOperators.Contains(name) && KnownTypes.Is(type, symbols.Queryable)) ||
                    (MaterialisingOperators.Contains(name) && KnownTypes.Is(type, symbols.Enumerable)))
                {
                    return call.Arguments.Length > 0 && IsQueryable(Source(call), symbols) && ComesFromDbContext(Source(call), symbols)
                        ? DatabaseApi.EfQuery
                        : DatabaseApi.None;
                }

                return DatabaseApi.None;
            }

            if ((ConnectionMethods.Contains(name) && KnownTypes.DerivesFrom(type, symbols.DbConnection)) ||
                (CommandMethods.Contains(name) && KnownTypes.DerivesFrom(type, symbols.DbCommand)) ||
                (ReaderMethods.Contains(name) && KnownTypes.DerivesFrom(type, symbols.DbDataReader)) ||
                (TransactionMethods.Contains(name) && KnownTypes.DerivesFrom(type, symbols.DbTransaction)))
            {
                return DatabaseApi.AdoNet;
            }

            if (ContextMethods.Contains(name) &&
                (KnownTypes.DerivesFrom(type, symbols.EfDbContext) || (name == "Find" && KnownTypes.DerivesFrom(type, symbols.EfDbSet))))
            {
                return DatabaseApi.EfContext;
            }

            return DatabaseApi.None;
        }

        /// <summary>The query an EF operator runs: its first argument, under the conversion to <c>IEnumerable</c>.</summary>
        public static IOperation Source(IInvocationOperation call) => OperationHelpers.SkipConversions(call.Arguments[0].Value);

        private static bool IsQueryable(IOperation source, SF3003Symbols symbols) => QueryOrigin.IsQueryable(source.Type, symbols.QueryableOfT);

        private static bool ComesFromDbContext(IOperation operation, SF3003Symbols symbols) => QueryOrigin.ComesFromDbContext(operation, symbols.EfDbSet, symbols.QueryableOfT);

        /// <summary>The value a local was declared with (null when it has none, or it is assigned again).</summary>
        public static IOperation? InitialValue(ILocalSymbol local, IOperation use) => QueryOrigin.InitialValue(local, use);

        /// <summary>
        /// The expression whose runtime type says which ADO.NET provider runs the call: the connection Dapper is called on,
        /// or the instance of an ADO.NET call; null for EF Core.
        /// </summary>
        public static IOperation? ProviderOperand(IInvocationOperation call, DatabaseApi api) => api switch
        {
            DatabaseApi.Dapper when call.Arguments.Length > 0 => OperationHelpers.SkipConversions(call.Arguments[0].Value),
            DatabaseApi.AdoNet when call.Instance is not null => OperationHelpers.SkipConversions(call.Instance),
            _ => null,
        };

        /// <summary>True when the provider is SQLite as far as the code shows: the operand's type, or the type of the value a local was declared with.</summary>
        public static bool IsSqlite(IOperation operand, SF3003Symbols symbols)
        {
            if (symbols.IsSqliteType(operand.Type))
            {
                return true;
            }

            return operand is ILocalReferenceOperation local && InitialValue(local.Local, operand) is { } initial &&
                symbols.IsSqliteType(OperationHelpers.SkipConversions(initial).Type);
        }

        /// <summary>
        /// The async counterpart <paramref name="call"/> can be replaced with, or null. With <paramref name="tokenAvailable"/>,
        /// one that takes a <c>CancellationToken</c> is preferred (and one that requires it is allowed);
        /// <paramref name="tokenParameter"/> is the parameter the token goes to.
        /// </summary>
        public static IMethodSymbol? Counterpart(IInvocationOperation call, DatabaseApi api, SF3003Symbols symbols, bool tokenAvailable, out IParameterSymbol? tokenParameter)
        {
            tokenParameter = null;
            var method = call.TargetMethod;
            var name = method.Name + "Async";
            IMethodSymbol? fallback = null;
            switch (api)
            {
                case DatabaseApi.Dapper:
                    return Pick(symbols.DapperSqlMapper, name, call, api, symbols, tokenAvailable, ref fallback, out tokenParameter) ?? fallback;
                case DatabaseApi.EfQuery:
                    return Pick(symbols.EfQueryableExtensions, name, call, api, symbols, tokenAvailable, ref fallback, out tokenParameter) ?? fallback;
                case DatabaseApi.AdoNet or DatabaseApi.EfContext:
                    for (var type = method.ContainingType; type is not null; type = type.BaseType)
                    {
                        if (Pick(type, name, call, api, symbols, tokenAvailable, ref fallback, out tokenParameter) is { } found)
                        {
                            return found;
                        }
                    }

                    return fallback;
                default:
                    return null;
            }
        }

        /// <summary>The first counterpart on <paramref name="type"/> that takes the token (when one is available), remembering the first that fits without it.</summary>
        private static IMethodSymbol? Pick(
            INamedTypeSymbol? type, string name, IInvocationOperation call, DatabaseApi api, SF3003Symbols symbols, bool tokenAvailable, ref IMethodSymbol? fallback, out IParameterSymbol? tokenParameter)
        {
            tokenParameter = null;
            if (type is null)
            {
                return null;
            }

            foreach (var member in type.GetMembers(name))
            {
                if (member is not IMethodSymbol candidate || candidate.DeclaredAccessibility != Accessibility.Public ||
                    !Fits(call, api, candidate, symbols, tokenAvailable, out var token))
                {
                    continue;
                }

                if (token is not null && tokenAvailable)
                {
                    tokenParameter = token;
                    return candidate;
                }

                if (token is null || token.IsOptional)
                {
                    fallback ??= candidate;
                }
            }

            return null;
        }

        private static bool Fits(IInvocationOperation call, DatabaseApi api, IMethodSymbol candidate, SF3003Symbols symbols, bool tokenAvailable, out IParameterSymbol? token)
        {
            token = null;
            var original = call.TargetMethod.OriginalDefinition;
            if (candidate.IsStatic != original.IsStatic || candidate.TypeParameters.Length != original.TypeParameters.Length ||
                !symbols.IsAwaitable(candidate.ReturnType))
            {
                return false;
            }

            var matched = new bool[candidate.Parameters.Length];
            foreach (var argument in call.Arguments)
            {
                if (argument.ArgumentKind == ArgumentKind.DefaultValue || argument.Parameter is not { } parameter)
                {
                    continue; // an optional parameter the call leaves out
                }

                var declared = original.Parameters[parameter.Ordinal];
                var named = argument.Syntax is ArgumentSyntax { NameColon: not null };
                var found = -1;
                for (var i = 0; i < candidate.Parameters.Length; i++)
                {
                    if (candidate.Parameters[i].Name == declared.Name)
                    {
                        found = i;
                        break;
                    }
                }

                if (found < 0 || (!named && found != declared.Ordinal))
                {
                    return false;
                }

                var counterpart = candidate.Parameters[found];
                var sourceOfQuery = api == DatabaseApi.EfQuery && declared.Ordinal == 0; // IEnumerable<T> (Enumerable.ToList) against IQueryable<T>
                if (counterpart.RefKind != declared.RefKind || (!sourceOfQuery && !SameType(declared.Type, counterpart.Type)) ||
                    (argument.ArgumentKind == ArgumentKind.ParamArray && !counterpart.IsParams))
                {
                    return false;
                }

                matched[found] = true;
            }

            for (var i = 0; i < candidate.Parameters.Length; i++)
            {
                if (matched[i])
                {
                    continue;
                }

                var parameter = candidate.Parameters[i];
                if (KnownTypes.Is(parameter.Type, symbols.CancellationToken) && token is null)
                {
                    if (!parameter.IsOptional && !tokenAvailable)
                    {
                        return false;
                    }

                    token = parameter;
                    continue;
                }

                if (!parameter.IsOptional && !parameter.IsParams)
                {
                    return false;
                }
            }

            return true;
        }

        /// <summary>Equal types, a method's type parameters compared by position (<c>Query&lt;T&gt;</c>'s T is <c>QueryAsync&lt;T&gt;</c>'s).</summary>
        private static bool SameType(ITypeSymbol left, ITypeSymbol right)
        {
            if (left is ITypeParameterSymbol { TypeParameterKind: TypeParameterKind.Method } l && right is ITypeParameterSymbol { TypeParameterKind: TypeParameterKind.Method } r)
            {
                return l.Ordinal == r.Ordinal;
            }

            if (left is IArrayTypeSymbol leftArray && right is IArrayTypeSymbol rightArray)
            {
                return leftArray.Rank == rightArray.Rank && SameType(leftArray.ElementType, rightArray.ElementType);
            }

            if (left is INamedTypeSymbol { IsGenericType: true } leftNamed && right is INamedTypeSymbol { IsGenericType: true } rightNamed)
            {
                if (!SymbolEqualityComparer.Default.Equals(leftNamed.OriginalDefinition, rightNamed.OriginalDefinition) ||
                    leftNamed.TypeArguments.Length != rightNamed.TypeArguments.Length)
                {
                    return false;
                }

                for (var i = 0; i < leftNamed.TypeArguments.Length; i++)
                {
                    if (!SameType(leftNamed.TypeArguments[i], rightNamed.TypeArguments[i]))
                    {
                        return false;
                    }
                }

                return true;
            }

            return SymbolEqualityComparer.Default.Equals(left, right);
        }

        /// <summary>
        /// The async method, lambda or local function <paramref name="call"/> runs in, or null when it runs in a synchronous
        /// one or inside a <c>lock</c> (no await is allowed there, and holding a lock across one is its own mistake).
        /// </summary>
        public static IMethodSymbol? AsyncFunction(IOperation call, ISymbol containingSymbol)
        {
            for (var parent = call.Parent; parent is not null; parent = parent.Parent)
            {
                switch (parent)
                {
                    case ILockOperation:
                        return null;
                    case IAnonymousFunctionOperation lambda:
                        return lambda.Symbol.IsAsync ? lambda.Symbol : null;
                    case ILocalFunctionOperation local:
                        return local.Symbol.IsAsync ? local.Symbol : null;
                }
            }

            return containingSymbol is IMethodSymbol { IsAsync: true } method ? method : null;
        }
    }
}
