using System.Collections.Generic;
using System.Collections.Immutable;
using System.Text;
using System.Text.RegularExpressions;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;
using Microsoft.CodeAnalysis.Text;
using Steadfast.Analyzers.Internal;
using Steadfast.Analyzers.Rules.Database;

namespace Steadfast.Analyzers.Rules.SF3002
{
    /// <summary>Which database API a call in a loop belongs to.</summary>
    internal enum QueryApi
    {
        None,

        /// <summary>Dapper's <c>SqlMapper</c> query and execute methods (sync and async).</summary>
        Dapper,

        /// <summary>ADO.NET: <c>ExecuteReader</c>/<c>ExecuteNonQuery</c>/<c>ExecuteScalar</c> (and async) on a command.</summary>
        AdoNet,

        /// <summary>EF Core's <c>Find</c>/<c>FindAsync</c> on a context or a <c>DbSet</c>.</summary>
        EfFind,

        /// <summary>A LINQ or EF Core operator that runs a query built on a <c>DbSet</c>.</summary>
        EfQuery,

        /// <summary>EF Core's <c>SaveChanges</c>/<c>SaveChangesAsync</c>.</summary>
        EfSave,
    }

    /// <summary>One finding: the loop the query runs once per item of, its display text, and the shape.</summary>
    internal sealed class QueryInLoop
    {
        public QueryInLoop(SyntaxNode loop, string loopText, string shape)
        {
            Loop = loop;
            LoopText = loopText;
            Shape = shape;
        }

        /// <summary>The loop statement, or the lambda of a <c>Select</c>/<c>ForEach</c>.</summary>
        public SyntaxNode Loop { get; }

        public string LoopText { get; }

        public string Shape { get; }
    }

    /// <summary>
    /// Finds database calls that run once per item of a loop. A loop is a <c>foreach</c> (and <c>await foreach</c>),
    /// <c>for</c>, <c>while</c> or <c>do</c> statement, or the lambda of <c>Enumerable.Select</c>/<c>SelectMany</c>,
    /// <c>List&lt;T&gt;.ForEach</c>, <c>Array.ForEach</c> and <c>Parallel.For</c>/<c>ForEach</c>/<c>ForEachAsync</c>; a lambda
    /// of any other kind (an expression tree that EF Core translates into one query, a callback registered for later) ends
    /// the search. The values that change per iteration are the loop's variables, the locals the loop assigns, and
    /// (for <c>while</c>/<c>do</c>) what the condition advances (<c>reader.Read()</c>), followed through the locals
    /// declared or assigned from them. A call depends on the loop when its arguments (Dapper's parameter object or SQL,
    /// ADO.NET's command text or parameters, EF's key or predicate) use such a value as a single item: a collection used
    /// whole (<c>new { ids = batch }</c>, <c>batch.Contains(e.Id)</c> in a <c>Chunk</c> loop) is the batched form.
    /// Not flagged: a loop over a fixed handful of items, a query on a connection or context that is itself per item
    /// (one query per tenant database is the point), paging loops whose condition or exit depends on the query's result,
    /// and code that runs once (migrations, <c>OnModelCreating</c>, the methods and types of the option).
    /// </summary>
    internal static class QueryLoops
    {
        private static readonly ImmutableHashSet<string> DapperMethods = ImmutableHashSet.Create(
            "Query", "QueryFirst", "QueryFirstOrDefault", "QuerySingle", "QuerySingleOrDefault", "Execute", "ExecuteScalar", "QueryMultiple", "ExecuteReader",
            "QueryAsync", "QueryFirstAsync", "QueryFirstOrDefaultAsync", "QuerySingleAsync", "QuerySingleOrDefaultAsync", "ExecuteAsync", "ExecuteScalarAsync",
            "QueryMultipleAsync", "ExecuteReaderAsync", "QueryUnbufferedAsync");

        private static readonly ImmutableHashSet<string> DapperKeyLookups = ImmutableHashSet.Create(
            "Query", "QueryFirst", "QueryFirstOrDefault", "QuerySingle", "QuerySingleOrDefault",
            "QueryAsync", "QueryFirstAsync", "QueryFirstOrDefaultAsync", "QuerySingleAsync", "QuerySingleOrDefaultAsync");

        private static readonly ImmutableHashSet<string> CommandMethods = ImmutableHashSet.Create(
            "ExecuteReader", "ExecuteNonQuery", "ExecuteScalar", "ExecuteReaderAsync", "ExecuteNonQueryAsync", "ExecuteScalarAsync");

        /// <summary>The <c>Queryable</c> operators that run the query.</summary>
        private static readonly ImmutableHashSet<string> QueryOperators = ImmutableHashSet.Create(
            "First", "FirstOrDefault", "Single", "SingleOrDefault", "Last", "LastOrDefault", "Any", "All", "Count", "LongCount",
            "Min", "Max", "Sum", "Average", "Contains", "ElementAt", "ElementAtOrDefault");

        /// <summary>The <c>Enumerable</c> operators that materialise an <c>IQueryable</c>.</summary>
        private static readonly ImmutableHashSet<string> MaterialisingOperators = ImmutableHashSet.Create("ToList", "ToArray", "ToDictionary", "ToHashSet", "ToLookup");

        /// <summary>EF Core's async operators (on <c>EntityFrameworkQueryableExtensions</c>) that run the query.</summary>
        private static readonly ImmutableHashSet<string> AsyncOperators = ImmutableHashSet.Create(
            "ToListAsync", "ToArrayAsync", "ToDictionaryAsync", "ToHashSetAsync", "FirstAsync", "FirstOrDefaultAsync", "SingleAsync", "SingleOrDefaultAsync",
            "LastAsync", "LastOrDefaultAsync", "AnyAsync", "AllAsync", "CountAsync", "LongCountAsync", "MinAsync", "MaxAsync", "SumAsync", "AverageAsync",
            "ContainsAsync", "ElementAtAsync", "ElementAtOrDefaultAsync", "Load", "LoadAsync", "ForEachAsync");

        /// <summary>The operators whose result is one row or one group of rows, for the key look-up shape.</summary>
        private static readonly ImmutableHashSet<string> LookupOperators = ImmutableHashSet.Create(
            "First", "FirstOrDefault", "Single", "SingleOrDefault", "FirstAsync", "FirstOrDefaultAsync", "SingleAsync", "SingleOrDefaultAsync");

        private static readonly ImmutableHashSet<string> GroupOperators = ImmutableHashSet.Create("ToList", "ToArray", "ToListAsync", "ToArrayAsync");

        /// <summary>The context and set methods that add, change or remove entities.</summary>
        private static readonly ImmutableHashSet<string> ChangeMethods = ImmutableHashSet.Create(
            "Add", "AddAsync", "AddRange", "AddRangeAsync", "Update", "UpdateRange", "Remove", "RemoveRange", "Attach", "AttachRange");

        /// <summary>The operators whose lambda runs once per item.</summary>
        private static readonly ImmutableHashSet<string> LoopLambdaMethods = ImmutableHashSet.Create("Select", "SelectMany", "ForEach", "ForEachAsync", "For");

        /// <summary><c>WHERE col = @p</c> as the whole filter, at the end of the statement or before an <c>ORDER BY</c> (but not a limit: a per-key <c>LIMIT</c> is not one query for all keys).</summary>
        private static readonly Regex KeyFilter = new Regex(
            @"\bwhere\s+[\w\.\[\]""`]+\s*=\s*@(?<p>\w+)(?:\s+order\s+by\s+(?![\s\S]*\b(?:limit|offset|fetch|rows)\b)[\w\.\[\]""`,\s]+?)?\s*;?\s*$",
            RegexOptions.IgnoreCase | RegexOptions.CultureInvariant | RegexOptions.Compiled);

        /// <summary>The largest number of items written out in the code that still counts as a fixed handful.</summary>
        public const int DefaultHandful = 10;

        public static QueryApi Classify(IInvocationOperation call, SF3002Symbols symbols)
        {
            var method = call.TargetMethod;
            var type = method.ContainingType;
            if (type is null)
            {
                return QueryApi.None;
            }

            var name = method.Name;
            if (method.IsStatic)
            {
                if (DapperMethods.Contains(name) && KnownTypes.Is(type, symbols.DapperSqlMapper))
                {
                    return QueryApi.Dapper;
                }

                if ((QueryOperators.Contains(name) && KnownTypes.Is(type, symbols.Queryable)) ||
                    (MaterialisingOperators.Contains(name) && KnownTypes.Is(type, symbols.Enumerable)) ||
                    (AsyncOperators.Contains(name) && KnownTypes.Is(type, symbols.EfQueryableExtensions)))
                {
                    return call.Arguments.Length > 0 && DbSetRoot(call, symbols) is not null ? QueryApi.EfQuery : QueryApi.None;
                }

                return QueryApi.None;
            }

            if (CommandMethods.Contains(name) && (KnownTypes.DerivesFrom(type, symbols.DbCommand) || KnownTypes.IsOrImplements(type, symbols.DbCommandInterface)))
            {
                return QueryApi.AdoNet;
            }

            if ((name == "Find" || name == "FindAsync") && (KnownTypes.DerivesFrom(type, symbols.EfDbContext) || KnownTypes.DerivesFrom(type, symbols.EfDbSet)))
            {
                return QueryApi.EfFind;
            }

            if ((name == "SaveChanges" || name == "SaveChangesAsync") && KnownTypes.DerivesFrom(type, symbols.EfDbContext))
            {
                return QueryApi.EfSave;
            }

            return QueryApi.None;
        }

        /// <summary>The <c>DbSet</c> an EF operator's query is built on.</summary>
        private static IOperation? DbSetRoot(IInvocationOperation call, SF3002Symbols symbols) =>
            call.Arguments.Length == 0 ? null : QueryOrigin.DbSetRoot(call.Arguments[0].Value, symbols.EfDbSet, symbols.QueryableOfT);

        /// <summary>The loop <paramref name="call"/> runs once per item of, or null.</summary>
        public static QueryInLoop? Find(IInvocationOperation call, SF3002Symbols symbols, int handful, CancellationToken cancellationToken)
        {
            var api = Classify(call, symbols);
            if (api == QueryApi.None)
            {
                return null;
            }

            for (var parent = call.Parent; parent is not null; parent = parent.Parent)
            {
                cancellationToken.ThrowIfCancellationRequested();
                Frame frame;
                switch (parent)
                {
                    case ILoopOperation loop when loop.Syntax is StatementSyntax:
                        frame = new Frame(loop, null);
                        break;
                    case IAnonymousFunctionOperation lambda when LoopLambda(lambda, symbols) is { } source:
                        frame = new Frame(lambda, source);
                        break;
                    case IAnonymousFunctionOperation or ILocalFunctionOperation:
                        return null; // runs when called, not per item here
                    default:
                        continue;
                }

                if (IsFixedHandful(frame, handful, symbols))
                {
                    continue;
                }

                var taint = Taint(frame, symbols, cancellationToken);
                switch (Depends(call, api, frame, taint, symbols))
                {
                    case Dependence.PerDatabase:
                        return null;
                    case Dependence.None:
                        continue;
                }

                if (api != QueryApi.EfSave && frame.Operation is IWhileLoopOperation or IForLoopOperation && IsPaging(call, frame, taint, symbols))
                {
                    continue;
                }

                return new QueryInLoop(frame.Syntax, LoopText(frame), Shape(call, api, taint, symbols));
            }

            return null;
        }

        /// <summary>A loop statement, or a per-item lambda with the collection it runs over.</summary>
        private readonly struct Frame
        {
            public Frame(IOperation operation, IOperation? source)
            {
                Operation = operation;
                Source = source;
            }

            public IOperation Operation { get; }

            /// <summary>For a lambda, the collection it runs over (null for <c>Parallel.For</c>).</summary>
            public IOperation? Source { get; }

            public SyntaxNode Syntax => Operation.Syntax;

            public bool IsLambda => Operation is IAnonymousFunctionOperation;
        }

        private enum Dependence
        {
            None,
            PerItem,
            PerDatabase,
        }

        /// <summary>
        /// When <paramref name="lambda"/> is the per-item delegate of <c>Enumerable.Select</c>/<c>SelectMany</c>,
        /// <c>List&lt;T&gt;.ForEach</c>, <c>Array.ForEach</c> or <c>Parallel.For</c>/<c>ForEach</c>/<c>ForEachAsync</c>: the
        /// collection it runs over (the lambda itself for <c>Parallel.For</c>); otherwise null.
        /// </summary>
        private static IOperation? LoopLambda(IAnonymousFunctionOperation lambda, SF3002Symbols symbols)
        {
            var up = lambda.Parent;
            while (up is IDelegateCreationOperation or IConversionOperation)
            {
                up = up.Parent;
            }

            if (up is not IArgumentOperation { Parent: IInvocationOperation invocation } ||
                !LoopLambdaMethods.Contains(invocation.TargetMethod.Name) || invocation.TargetMethod.ContainingType is not { } type)
            {
                return null;
            }

            var method = invocation.TargetMethod;
            if (KnownTypes.Is(type, symbols.Enumerable) && method.Name is "Select" or "SelectMany" && invocation.Arguments.Length > 0)
            {
                return invocation.Arguments[0].Value;
            }

            if (method.Name == "ForEach" && KnownTypes.Is(type, symbols.List) && invocation.Instance is { } list)
            {
                return list;
            }

            if (method.Name == "ForEach" && type.SpecialType == SpecialType.System_Array && invocation.Arguments.Length > 0)
            {
                return invocation.Arguments[0].Value;
            }

            if (KnownTypes.Is(type, symbols.Parallel) && invocation.Arguments.Length > 0)
            {
                return method.Name == "For" ? lambda : invocation.Arguments[0].Value;
            }

            return null;
        }

        // ------------------------------------------------------------------ fixed handful

        private static bool IsFixedHandful(Frame frame, int handful, SF3002Symbols symbols)
        {
            switch (frame.Operation)
            {
                case IForEachLoopOperation loop:
                    return IsHandfulCollection(loop.Collection, handful, symbols);
                case IForLoopOperation loop:
                    return IsCountedHandful(loop, handful);
                case IAnonymousFunctionOperation when frame.Source is { } source && !ReferenceEquals(source, frame.Operation):
                    return IsHandfulCollection(source, handful, symbols);
                default:
                    return false;
            }
        }

        /// <summary>An array, list or collection expression written out with constants only, or with at most <paramref name="handful"/> items; <c>Enumerable.Range</c> with a small constant count.</summary>
        private static bool IsHandfulCollection(IOperation collection, int handful, SF3002Symbols symbols)
        {
            collection = OperationHelpers.SkipConversions(collection);
            if (collection is ILocalReferenceOperation local && QueryOrigin.InitialValue(local.Local, collection) is { } initial)
            {
                collection = OperationHelpers.SkipConversions(initial);
            }

            switch (collection)
            {
                case IArrayCreationOperation { Initializer: { } initializer }:
                    return Handful(initializer.ElementValues, handful);
                case IObjectCreationOperation { Initializer: { } initializer }:
                    {
                        var values = ImmutableArray.CreateBuilder<IOperation>();
                        foreach (var element in initializer.Initializers)
                        {
                            if (element is IInvocationOperation { Arguments.Length: 1 } add)
                            {
                                values.Add(add.Arguments[0].Value);
                            }
                            else
                            {
                                return false;
                            }
                        }

                        return Handful(values.ToImmutable(), handful);
                    }

                case IInvocationOperation { TargetMethod: { Name: "Range", IsStatic: true }, Arguments.Length: 2 } range
                    when KnownTypes.Is(range.TargetMethod.ContainingType, symbols.Enumerable):
                    return range.Arguments[1].Value.ConstantValue is { HasValue: true, Value: int count } && count <= handful;
            }

            if (collection.Syntax is CollectionExpressionSyntax expression)
            {
                var constants = true;
                foreach (var element in expression.Elements)
                {
                    if (element is not ExpressionElementSyntax item)
                    {
                        return false; // a spread: of unknown size
                    }

                    constants &= collection.SemanticModel?.GetConstantValue(item.Expression).HasValue == true;
                }

                return constants || expression.Elements.Count <= handful;
            }

            return false;
        }

        private static bool Handful(ImmutableArray<IOperation> values, int handful)
        {
            if (values.Length <= handful)
            {
                return true;
            }

            foreach (var value in values)
            {
                if (!value.ConstantValue.HasValue)
                {
                    return false;
                }
            }

            return true;
        }

        /// <summary><c>for (var i = c0; i &lt; c1; i++)</c> with constants at most <paramref name="handful"/> apart.</summary>
        private static bool IsCountedHandful(IForLoopOperation loop, int handful)
        {
            if (loop.Condition is not IBinaryOperation { OperatorKind: BinaryOperatorKind.LessThan or BinaryOperatorKind.LessThanOrEqual } condition ||
                OperationHelpers.SkipConversions(condition.LeftOperand) is not ILocalReferenceOperation counter ||
                condition.RightOperand.ConstantValue is not { HasValue: true, Value: int end } || loop.Locals.Length != 1 ||
                !SymbolEqualityComparer.Default.Equals(loop.Locals[0], counter.Local))
            {
                return false;
            }

            foreach (var before in loop.Before)
            {
                foreach (var declarator in before.DescendantsAndSelf())
                {
                    if (declarator is IVariableDeclaratorOperation d && OperationHelpers.InitialValue(d) is { ConstantValue: { HasValue: true, Value: int start } })
                    {
                        return end - start <= handful;
                    }
                }
            }

            return false;
        }

        // ------------------------------------------------------------------ what changes per iteration

        /// <summary>The locals and parameters whose value changes per iteration of <paramref name="frame"/>.</summary>
        private static HashSet<ISymbol> Taint(Frame frame, SF3002Symbols symbols, CancellationToken cancellationToken)
        {
            var taint = new HashSet<ISymbol>(SymbolEqualityComparer.Default);
            var loopSpan = frame.Syntax.Span;
            switch (frame.Operation)
            {
                case IAnonymousFunctionOperation lambda:
                    foreach (var parameter in lambda.Symbol.Parameters)
                    {
                        taint.Add(parameter);
                    }

                    break;
                case ILoopOperation loop:
                    foreach (var local in loop.Locals)
                    {
                        taint.Add(local);
                    }

                    if (loop is IWhileLoopOperation { Condition: { } condition })
                    {
                        foreach (var operation in condition.DescendantsAndSelf())
                        {
                            if (operation is IInvocationOperation { Instance: { } instance } && RootSymbol(instance) is { } advanced)
                            {
                                taint.Add(advanced); // reader.Read(), enumerator.MoveNext(), timer.WaitForNextTickAsync()
                            }
                        }
                    }

                    break;
            }

            // Locals declared outside the loop and assigned in it carry a new value into each iteration (offset += size).
            foreach (var operation in frame.Operation.Descendants())
            {
                switch (operation)
                {
                    case IAssignmentOperation { Target: ILocalReferenceOperation target } when !loopSpan.Contains(DeclarationSpan(target.Local)):
                        taint.Add(target.Local);
                        break;
                    case IIncrementOrDecrementOperation { Target: ILocalReferenceOperation target } when !loopSpan.Contains(DeclarationSpan(target.Local)):
                        taint.Add(target.Local);
                        break;
                    case IAssignmentOperation { Target: IParameterReferenceOperation target }:
                        taint.Add(target.Parameter);
                        break;
                    case IIncrementOrDecrementOperation { Target: IParameterReferenceOperation target }:
                        taint.Add(target.Parameter);
                        break;
                }
            }

            // Follow the values: a local declared or assigned in the loop from a per-item value is per item too.
            for (var pass = 0; pass < 4; pass++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var changed = false;
                foreach (var operation in frame.Operation.Descendants())
                {
                    switch (operation)
                    {
                        case IVariableDeclaratorOperation declarator when !taint.Contains(declarator.Symbol) &&
                            OperationHelpers.InitialValue(declarator) is { } initial && UsesAny(initial, taint, perItemOnly: false, symbols):
                            changed |= taint.Add(declarator.Symbol);
                            break;
                        case ISimpleAssignmentOperation { Target: ILocalReferenceOperation target } assignment when !taint.Contains(target.Local) &&
                            UsesAny(assignment.Value, taint, perItemOnly: false, symbols):
                            changed |= taint.Add(target.Local);
                            break;
                        case IDeconstructionAssignmentOperation deconstruction when UsesAny(deconstruction.Value, taint, perItemOnly: false, symbols):
                            foreach (var target in deconstruction.Target.DescendantsAndSelf())
                            {
                                if (target is ILocalReferenceOperation local)
                                {
                                    changed |= taint.Add(local.Local);
                                }
                            }

                            break;
                        case IForEachLoopOperation inner when UsesAny(inner.Collection, taint, perItemOnly: false, symbols):
                            foreach (var local in inner.Locals)
                            {
                                changed |= taint.Add(local);
                            }

                            break;
                        case IArgumentOperation { Parameter.RefKind: RefKind.Out or RefKind.Ref, Parent: IInvocationOperation invocation } argument
                            when UsesAny(invocation, taint, perItemOnly: false, symbols):
                            foreach (var target in argument.Value.DescendantsAndSelf())
                            {
                                if (target is ILocalReferenceOperation local)
                                {
                                    changed |= taint.Add(local.Local);
                                }
                                else if (target is IDeclarationExpressionOperation declaration)
                                {
                                    foreach (var declared in declaration.DescendantsAndSelf())
                                    {
                                        if (declared is ILocalReferenceOperation l)
                                        {
                                            changed |= taint.Add(l.Local);
                                        }
                                    }
                                }
                            }

                            break;
                    }
                }

                if (!changed)
                {
                    break;
                }
            }

            return taint;
        }

        private static TextSpan DeclarationSpan(ILocalSymbol local) =>
            local.DeclaringSyntaxReferences.Length == 1 ? local.DeclaringSyntaxReferences[0].Span : default;

        /// <summary>The local, parameter or field an expression such as <c>reader</c>, <c>this._reader</c> or <c>cmd.Parameters</c> starts from.</summary>
        private static ISymbol? RootSymbol(IOperation operation)
        {
            for (var i = 0; i < 16; i++)
            {
                operation = OperationHelpers.SkipConversions(operation);
                switch (operation)
                {
                    case ILocalReferenceOperation local:
                        return local.Local;
                    case IParameterReferenceOperation parameter:
                        return parameter.Parameter;
                    case IFieldReferenceOperation { Instance: null or IInstanceReferenceOperation } field:
                        return field.Field;
                    case IMemberReferenceOperation { Instance: { } instance }:
                        operation = instance;
                        continue;
                    case IArrayElementReferenceOperation element:
                        operation = element.ArrayReference;
                        continue;
                    default:
                        return null;
                }
            }

            return null;
        }

        /// <summary>
        /// True when <paramref name="operation"/> uses a value of <paramref name="taint"/>; with <paramref name="perItemOnly"/>,
        /// only as a single item (not a collection used whole: the batched form), and not inside <paramref name="except"/>.
        /// </summary>
        private static bool UsesAny(IOperation operation, HashSet<ISymbol> taint, bool perItemOnly, SF3002Symbols symbols, IOperation? except = null)
        {
            foreach (var descendant in operation.DescendantsAndSelf())
            {
                ISymbol? symbol = descendant switch
                {
                    ILocalReferenceOperation local => local.Local,
                    IParameterReferenceOperation parameter => parameter.Parameter,
                    IFieldReferenceOperation { Instance: null or IInstanceReferenceOperation } field => field.Field,
                    _ => null,
                };
                if (symbol is null || !taint.Contains(symbol) || (except is not null && except.Syntax.Span.Contains(descendant.Syntax.Span) && IsWithin(descendant, except)))
                {
                    continue;
                }

                if (!perItemOnly || IsSingleItemUse(descendant, symbols))
                {
                    return true;
                }
            }

            return false;
        }

        private static bool IsWithin(IOperation operation, IOperation ancestor)
        {
            for (var op = operation; op is not null; op = op.Parent)
            {
                if (ReferenceEquals(op, ancestor))
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>
        /// False when the reference is a collection used whole (<c>batch</c>, <c>order.Lines</c>): what a batched query
        /// takes. An element (<c>ids[i]</c>) or a scalar member (<c>group.Key</c>) is a single item.
        /// </summary>
        private static bool IsSingleItemUse(IOperation reference, SF3002Symbols symbols)
        {
            var operation = reference;
            while (operation.Parent is IMemberReferenceOperation member && ReferenceEquals(member.Instance, operation) &&
                   member is not IPropertyReferenceOperation { Property.IsIndexer: true } && member is not IMethodReferenceOperation)
            {
                operation = member;
            }

            if (operation.Parent is IArrayElementReferenceOperation or IPropertyReferenceOperation { Property.IsIndexer: true })
            {
                return true;
            }

            return !IsCollection(operation.Type, symbols);
        }

        private static bool IsCollection(ITypeSymbol? type, SF3002Symbols symbols)
        {
            if (type is null || type.SpecialType == SpecialType.System_String)
            {
                return false;
            }

            if (KnownTypes.Is(type, symbols.QueryableOfT))
            {
                return false;
            }

            if (type is IArrayTypeSymbol array)
            {
                return array.ElementType.SpecialType != SpecialType.System_Byte;
            }

            var enumerable = false;
            foreach (var contract in type.AllInterfaces)
            {
                if (contract.SpecialType == SpecialType.System_Collections_IEnumerable)
                {
                    enumerable = true;
                }

                if (KnownTypes.Is(contract, symbols.QueryableOfT))
                {
                    return false; // a query: still to run, per item
                }
            }

            return enumerable;
        }

        // ------------------------------------------------------------------ does the call depend on the loop?

        private static Dependence Depends(IInvocationOperation call, QueryApi api, Frame frame, HashSet<ISymbol> taint, SF3002Symbols symbols)
        {
            switch (api)
            {
                case QueryApi.Dapper:
                    {
                        if (call.Arguments.Length == 0)
                        {
                            return Dependence.None;
                        }

                        var connection = call.Arguments[0].Value;
                        if (UsesAny(connection, taint, perItemOnly: false, symbols))
                        {
                            return Dependence.PerDatabase;
                        }

                        var perItem = false;
                        for (var i = 1; i < call.Arguments.Length; i++)
                        {
                            var value = OperationHelpers.SkipConversions(call.Arguments[i].Value);
                            if (call.Arguments[i].Parameter?.Name == "sql" && IsItemsOwnSql(value) && UsesAny(value, taint, perItemOnly: false, symbols))
                            {
                                return Dependence.None; // each item carries its own SQL (i.Sql): a different query per item, not the same one N times
                            }

                            if (ShapedByItem(SqlText(value, call, symbols), taint, symbols))
                            {
                                return Dependence.None; // the item picks the columns or tables: a different query per item, which no IN list can merge
                            }

                            perItem |= UsesAny(call.Arguments[i].Value, taint, perItemOnly: true, symbols);
                        }

                        return perItem ? Dependence.PerItem : Dependence.None;
                    }

                case QueryApi.AdoNet:
                    return CommandDepends(call, frame, taint, symbols);
                case QueryApi.EfFind:
                    {
                        if (call.Instance is { } instance && UsesAny(instance, taint, perItemOnly: false, symbols))
                        {
                            return Dependence.PerDatabase;
                        }

                        foreach (var argument in call.Arguments)
                        {
                            if (UsesAny(argument.Value, taint, perItemOnly: true, symbols))
                            {
                                return Dependence.PerItem;
                            }
                        }

                        return Dependence.None;
                    }

                case QueryApi.EfQuery:
                    {
                        if (DbSetRoot(call, symbols) is not { } root)
                        {
                            return Dependence.None;
                        }

                        if (UsesAny(root, taint, perItemOnly: false, symbols))
                        {
                            return Dependence.PerDatabase;
                        }

                        return UsesAny(call, taint, perItemOnly: true, symbols, except: root) ? Dependence.PerItem : Dependence.None;
                    }

                case QueryApi.EfSave:
                    {
                        if (call.Instance is { } context && UsesAny(context, taint, perItemOnly: false, symbols))
                        {
                            return Dependence.PerDatabase;
                        }

                        return ChangesEntities(frame, taint, symbols) && !IsBatchedSave(call, frame) ? Dependence.PerItem : Dependence.None;
                    }

                default:
                    return Dependence.None;
            }
        }

        /// <summary>
        /// The SQL text a Dapper argument gives: the argument itself (the <c>sql</c> string), or the <c>commandText</c> of a
        /// <c>CommandDefinition</c> created there or in the local's declaration. Null for anything else.
        /// </summary>
        private static IOperation? SqlText(IOperation value, IOperation use, SF3002Symbols symbols)
        {
            if (value is ILocalReferenceOperation local && DeclarationValue(local.Local, use) is { } initial)
            {
                value = OperationHelpers.SkipConversions(initial);
            }

            if (value is IObjectCreationOperation { Type: INamedTypeSymbol created } creation &&
                symbols.DapperSqlMapper is { } mapper && SymbolEqualityComparer.Default.Equals(created.ContainingAssembly, mapper.ContainingAssembly))
            {
                foreach (var argument in creation.Arguments)
                {
                    if (argument.Parameter?.Name == "commandText")
                    {
                        return OperationHelpers.SkipConversions(argument.Value);
                    }
                }

                return null;
            }

            return value.Type?.SpecialType == SpecialType.System_String ? value : null;
        }

        /// <summary>
        /// True when a per-item value fills a hole of an interpolated SQL text before any <c>WHERE</c>, <c>SET</c>,
        /// <c>VALUES</c>, <c>ON</c> or <c>HAVING</c>: in the select list or the table names (<c>$"SELECT id, {feeColumns}
        /// FROM …"</c>, <c>$"… FROM {table}"</c>). Each item then asks a query of its own shape. A hole after those keywords
        /// is a value (<c>$"… WHERE id = {id}"</c>): the same query N times, still flagged.
        /// </summary>
        private static bool ShapedByItem(IOperation? text, HashSet<ISymbol> taint, SF3002Symbols symbols)
        {
            if (text is not IInterpolatedStringOperation interpolated)
            {
                return false;
            }

            var before = new System.Text.StringBuilder();
            foreach (var part in interpolated.Parts)
            {
                switch (part)
                {
                    case IInterpolatedStringTextOperation { Text: ILiteralOperation { ConstantValue: { HasValue: true, Value: string literal } } }:
                        before.Append(literal);
                        break;
                    case IInterpolationOperation hole:
                        if (UsesAny(hole.Expression, taint, perItemOnly: false, symbols))
                        {
                            return !ValuesStarted(before.ToString());
                        }

                        before.Append(" x ");
                        break;
                    default:
                        return false;
                }
            }

            return false;
        }

        private static readonly string[] ValueClauses = { "WHERE", "SET", "VALUES", "ON", "HAVING" };

        /// <summary>True when the SQL so far has reached a clause whose holes are values.</summary>
        private static bool ValuesStarted(string sql)
        {
            var word = new System.Text.StringBuilder();
            foreach (var c in sql + " ")
            {
                if (char.IsLetter(c))
                {
                    word.Append(char.ToUpperInvariant(c));
                    continue;
                }

                if (word.Length > 0 && System.Array.IndexOf(ValueClauses, word.ToString()) >= 0)
                {
                    return true;
                }

                word.Clear();
            }

            return false;
        }

        /// <summary>
        /// SQL the item carries as it is (<c>q.Sql</c>, or the item itself in <c>foreach (var sql in statements)</c>), not
        /// SQL built around its key (<c>$"… {id}"</c>, a local assigned from one).
        /// </summary>
        private static bool IsItemsOwnSql(IOperation value) => value switch
        {
            IPropertyReferenceOperation { Property.IsIndexer: false } or IFieldReferenceOperation => true,
            ILocalReferenceOperation local => local.Local.DeclaringSyntaxReferences.Length == 1 && local.Local.DeclaringSyntaxReferences[0].GetSyntax() is ForEachStatementSyntax,
            IParameterReferenceOperation parameter => parameter.Parameter.ContainingSymbol is IMethodSymbol { MethodKind: MethodKind.AnonymousFunction },
            _ => false,
        };

        /// <summary>
        /// An ADO.NET command depends on the loop when it is itself per item (created in the loop with per-item text), or
        /// the loop sets its text or a parameter (of the command, or a local created from it) from a per-item value.
        /// </summary>
        private static Dependence CommandDepends(IInvocationOperation call, Frame frame, HashSet<ISymbol> taint, SF3002Symbols symbols)
        {
            if (call.Instance is not { } instance)
            {
                return Dependence.None;
            }

            var command = RootSymbol(instance);
            if (command is ILocalSymbol local && DeclarationValue(local, call) is { } created)
            {
                foreach (var operation in created.DescendantsAndSelf())
                {
                    if (operation is ILocalReferenceOperation or IParameterReferenceOperation &&
                        RootSymbol(operation) is { } used && taint.Contains(used) &&
                        (KnownTypes.DerivesFrom(operation.Type, symbols.DbConnection) || KnownTypes.IsOrImplements(operation.Type, symbols.DbConnectionInterface)))
                    {
                        return Dependence.PerDatabase; // a command on each item's own connection
                    }
                }
            }

            if (UsesAny(instance, taint, perItemOnly: true, symbols))
            {
                return Dependence.PerItem;
            }

            if (command is null)
            {
                return Dependence.None;
            }

            foreach (var operation in frame.Operation.Descendants())
            {
                IOperation? target = operation switch
                {
                    IAssignmentOperation assignment when UsesAny(assignment.Value, taint, perItemOnly: true, symbols) => assignment.Target,
                    IInvocationOperation { Instance: { } receiver } invocation when ArgumentsUse(invocation, taint, symbols) => receiver,
                    _ => null,
                };
                if (target is not null && RootSymbol(target) is { } changed && (SymbolEqualityComparer.Default.Equals(changed, command) || CreatedFrom(changed, command, call)))
                {
                    return Dependence.PerItem;
                }
            }

            return Dependence.None;
        }

        private static bool ArgumentsUse(IInvocationOperation invocation, HashSet<ISymbol> taint, SF3002Symbols symbols)
        {
            foreach (var argument in invocation.Arguments)
            {
                if (UsesAny(argument.Value, taint, perItemOnly: true, symbols))
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>True when <paramref name="symbol"/> is a local declared with a value that uses <paramref name="command"/> (<c>var p = cmd.CreateParameter()</c>).</summary>
        private static bool CreatedFrom(ISymbol symbol, ISymbol command, IOperation use)
        {
            if (symbol is not ILocalSymbol local || DeclarationValue(local, use) is not { } value)
            {
                return false;
            }

            foreach (var operation in value.DescendantsAndSelf())
            {
                if (operation is ILocalReferenceOperation or IParameterReferenceOperation or IFieldReferenceOperation && SymbolEqualityComparer.Default.Equals(RootSymbol(operation), command))
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>The value a local was declared with, even when it is assigned later.</summary>
        private static IOperation? DeclarationValue(ILocalSymbol local, IOperation use)
        {
            if (use.SemanticModel is not { } model || local.DeclaringSyntaxReferences.Length != 1 ||
                local.DeclaringSyntaxReferences[0].GetSyntax() is not VariableDeclaratorSyntax declarator || declarator.SyntaxTree != model.SyntaxTree)
            {
                return null;
            }

            return model.GetOperation(declarator) is IVariableDeclaratorOperation declared ? OperationHelpers.InitialValue(declared) : null;
        }

        /// <summary>The loop adds, updates, removes or attaches entities, or sets a member of a per-item value (an entity of the loop).</summary>
        private static bool ChangesEntities(Frame frame, HashSet<ISymbol> taint, SF3002Symbols symbols)
        {
            foreach (var operation in frame.Operation.Descendants())
            {
                switch (operation)
                {
                    case IInvocationOperation invocation when ChangeMethods.Contains(invocation.TargetMethod.Name) && invocation.TargetMethod.ContainingType is { } type &&
                        (KnownTypes.DerivesFrom(type, symbols.EfDbContext) || KnownTypes.DerivesFrom(type, symbols.EfDbSet)):
                        return true;
                    case IAssignmentOperation { Target: IMemberReferenceOperation { Instance: { } instance } } when RootSymbol(instance) is { } root && taint.Contains(root):
                        return true;
                    case IIncrementOrDecrementOperation { Target: IMemberReferenceOperation { Instance: { } instance } } when RootSymbol(instance) is { } root && taint.Contains(root):
                        return true;
                }
            }

            return false;
        }

        /// <summary>A save under a condition that counts (<c>if (++n % 100 == 0)</c>, <c>if (pending &gt;= 500)</c>): saving in batches.</summary>
        private static bool IsBatchedSave(IInvocationOperation call, Frame frame)
        {
            for (var parent = call.Parent; parent is not null && !ReferenceEquals(parent, frame.Operation); parent = parent.Parent)
            {
                if (parent is not IConditionalOperation { Condition: { } condition })
                {
                    continue;
                }

                foreach (var operation in condition.DescendantsAndSelf())
                {
                    if (operation is IBinaryOperation { OperatorKind: BinaryOperatorKind.Remainder } or IIncrementOrDecrementOperation)
                    {
                        return true;
                    }

                    if (operation is IBinaryOperation { OperatorKind: BinaryOperatorKind.GreaterThanOrEqual or BinaryOperatorKind.GreaterThan or BinaryOperatorKind.Equals } comparison &&
                        comparison.RightOperand.ConstantValue.HasValue && OperationHelpers.SkipConversions(comparison.LeftOperand) is ILocalReferenceOperation counter &&
                        IsCountedInLoop(counter.Local, frame))
                    {
                        return true;
                    }
                }
            }

            return false;
        }

        private static bool IsCountedInLoop(ILocalSymbol local, Frame frame)
        {
            foreach (var operation in frame.Operation.Descendants())
            {
                var target = operation switch
                {
                    IIncrementOrDecrementOperation increment => increment.Target,
                    ICompoundAssignmentOperation compound => compound.Target,
                    _ => null,
                };
                if (target is ILocalReferenceOperation counted && SymbolEqualityComparer.Default.Equals(counted.Local, local))
                {
                    return true;
                }
            }

            return false;
        }

        // ------------------------------------------------------------------ paging

        /// <summary>
        /// A loop that fetches the next page until the query says stop: the query is in the condition, or its result (or
        /// what the loop computes from it) is read by the condition, decides a <c>break</c>/<c>return</c>, or becomes the
        /// next page's offset or key.
        /// </summary>
        private static bool IsPaging(IInvocationOperation call, Frame frame, HashSet<ISymbol> taint, SF3002Symbols symbols)
        {
            var loop = (ILoopOperation)frame.Operation;
            var condition = loop switch
            {
                IWhileLoopOperation w => w.Condition,
                IForLoopOperation f => f.Condition,
                _ => null,
            };
            if (condition is not null && IsWithin(call, condition))
            {
                return true;
            }

            var result = new HashSet<ISymbol>(SymbolEqualityComparer.Default);
            IOperation value = call;
            while (value.Parent is IConversionOperation or IAwaitOperation or IInvocationOperation or IArgumentOperation)
            {
                value = value.Parent;
            }

            switch (value.Parent)
            {
                case IVariableInitializerOperation { Parent: IVariableDeclaratorOperation declarator }:
                    result.Add(declarator.Symbol);
                    break;
                case ISimpleAssignmentOperation { Target: ILocalReferenceOperation target }:
                    result.Add(target.Local);
                    break;
                default:
                    return false;
            }

            for (var pass = 0; pass < 3; pass++)
            {
                var changed = false;
                foreach (var operation in loop.Descendants())
                {
                    switch (operation)
                    {
                        case IVariableDeclaratorOperation declarator when OperationHelpers.InitialValue(declarator) is { } initial && UsesAny(initial, result, perItemOnly: false, symbols):
                            changed |= result.Add(declarator.Symbol);
                            break;
                        case IAssignmentOperation { Target: ILocalReferenceOperation target } assignment when UsesAny(assignment.Value, result, perItemOnly: false, symbols):
                            if (taint.Contains(target.Local))
                            {
                                return true; // the next offset or key comes from this page
                            }

                            changed |= result.Add(target.Local);
                            break;
                    }
                }

                if (!changed)
                {
                    break;
                }
            }

            if (condition is not null && UsesAny(condition, result, perItemOnly: false, symbols))
            {
                return true;
            }

            foreach (var operation in loop.Descendants())
            {
                if (operation is IConditionalOperation { Condition: { } test } conditional && UsesAny(test, result, perItemOnly: false, symbols) && Exits(conditional))
                {
                    return true;
                }
            }

            return false;
        }

        private static bool Exits(IConditionalOperation conditional)
        {
            foreach (var operation in conditional.Descendants())
            {
                if (operation is IBranchOperation { BranchKind: BranchKind.Break } or IReturnOperation { Kind: OperationKind.Return })
                {
                    return true;
                }
            }

            return false;
        }

        // ------------------------------------------------------------------ shape and text

        private static string Shape(IInvocationOperation call, QueryApi api, HashSet<ISymbol> taint, SF3002Symbols symbols)
        {
            switch (api)
            {
                case QueryApi.EfSave:
                    return SF3002QueryInLoopAnalyzer.ShapeSaveChanges;
                case QueryApi.EfFind:
                    return SF3002QueryInLoopAnalyzer.ShapeKeyLookup;
                case QueryApi.Dapper when DapperKeyLookups.Contains(call.TargetMethod.Name) && IsDapperKeyLookup(call, taint, symbols):
                    return SF3002QueryInLoopAnalyzer.ShapeKeyLookup;
                case QueryApi.EfQuery when IsEfKeyLookup(call, taint, symbols):
                    return SF3002QueryInLoopAnalyzer.ShapeKeyLookup;
                default:
                    return SF3002QueryInLoopAnalyzer.ShapeOther;
            }
        }

        /// <summary><c>QuerySingle…&lt;T&gt;(sql, new { p = item.X })</c> with <c>… WHERE col = @p</c> as the whole filter.</summary>
        private static bool IsDapperKeyLookup(IInvocationOperation call, HashSet<ISymbol> taint, SF3002Symbols symbols)
        {
            if (call.TargetMethod.TypeArguments.Length != 1)
            {
                return false;
            }

            string? sql = null;
            IAnonymousObjectCreationOperation? parameters = null;
            foreach (var argument in call.Arguments)
            {
                switch (argument.Parameter?.Name)
                {
                    case "sql":
                        sql = argument.Value.ConstantValue is { HasValue: true, Value: string text } ? text : null;
                        break;
                    case "param":
                        parameters = OperationHelpers.SkipConversions(argument.Value) as IAnonymousObjectCreationOperation;
                        break;
                }
            }

            if (sql is null || parameters is not { Initializers.Length: 1 } || KeyFilter.Match(sql) is not { Success: true } match ||
                parameters.Initializers[0] is not ISimpleAssignmentOperation { Target: IPropertyReferenceOperation property, Value: { } key } ||
                !string.Equals(property.Property.Name, match.Groups["p"].Value, System.StringComparison.OrdinalIgnoreCase))
            {
                return false;
            }

            var upper = sql.ToUpperInvariant();
            return upper.IndexOf(" JOIN ", System.StringComparison.Ordinal) < 0 && upper.IndexOf(" UNION ", System.StringComparison.Ordinal) < 0 &&
                UsesAny(key, taint, perItemOnly: true, symbols);
        }

        /// <summary>
        /// <c>First…/Single…(e =&gt; e.Col == key)</c>, or <c>Where(e =&gt; e.Col == key)</c> then one of those or <c>ToList…</c>,
        /// on a <c>DbSet</c>, with the key from the loop.
        /// </summary>
        private static bool IsEfKeyLookup(IInvocationOperation call, HashSet<ISymbol> taint, SF3002Symbols symbols)
        {
            var name = call.TargetMethod.Name;
            if (call.Arguments.Length >= 2 && LookupOperators.Contains(name) && KeyPredicate(call.Arguments[1].Value, taint, symbols))
            {
                return KnownTypes.DerivesFrom(OperationHelpers.SkipConversions(call.Arguments[0].Value).Type, symbols.EfDbSet);
            }

            if (!LookupOperators.Contains(name) && !GroupOperators.Contains(name))
            {
                return false;
            }

            for (var i = 1; i < call.Arguments.Length; i++)
            {
                if (call.Arguments[i].ArgumentKind == ArgumentKind.Explicit && !KnownTypes.Is(call.Arguments[i].Value.Type, symbols.CancellationToken))
                {
                    return false; // another predicate or selector
                }
            }

            return call.Arguments.Length > 0 && OperationHelpers.SkipConversions(call.Arguments[0].Value) is IInvocationOperation { TargetMethod.Name: "Where", Arguments.Length: 2 } where &&
                KeyPredicate(where.Arguments[1].Value, taint, symbols) &&
                KnownTypes.DerivesFrom(OperationHelpers.SkipConversions(where.Arguments[0].Value).Type, symbols.EfDbSet);
        }

        /// <summary><c>e =&gt; e.Col == key</c> (either way round), the key using a per-item value and not the lambda's parameter.</summary>
        private static bool KeyPredicate(IOperation argument, HashSet<ISymbol> taint, SF3002Symbols symbols)
        {
            IAnonymousFunctionOperation? lambda = null;
            foreach (var operation in argument.DescendantsAndSelf())
            {
                if (operation is IAnonymousFunctionOperation found)
                {
                    lambda = found;
                    break;
                }
            }

            if (lambda is not { Symbol.Parameters.Length: 1, Body.Operations.Length: 1 } ||
                lambda.Body.Operations[0] is not IReturnOperation { ReturnedValue: { } returned } ||
                OperationHelpers.SkipConversions(returned) is not IBinaryOperation { OperatorKind: BinaryOperatorKind.Equals } equals)
            {
                return false;
            }

            var parameter = lambda.Symbol.Parameters[0];
            var left = OperationHelpers.SkipConversions(equals.LeftOperand);
            var right = OperationHelpers.SkipConversions(equals.RightOperand);
            return (IsColumn(left, parameter) && IsKey(right, parameter, taint, symbols)) || (IsColumn(right, parameter) && IsKey(left, parameter, taint, symbols));
        }

        private static bool IsColumn(IOperation operation, IParameterSymbol parameter) =>
            operation is IPropertyReferenceOperation { Instance: IParameterReferenceOperation reference } &&
            SymbolEqualityComparer.Default.Equals(reference.Parameter, parameter);

        private static bool IsKey(IOperation operation, IParameterSymbol parameter, HashSet<ISymbol> taint, SF3002Symbols symbols)
        {
            foreach (var descendant in operation.DescendantsAndSelf())
            {
                if (descendant is IParameterReferenceOperation reference && SymbolEqualityComparer.Default.Equals(reference.Parameter, parameter))
                {
                    return false;
                }
            }

            return UsesAny(operation, taint, perItemOnly: true, symbols);
        }

        /// <summary>The loop's header as the message shows it: <c>foreach (var lead in leads)</c>, <c>while (reader.Read())</c>, <c>leads.Select(…)</c>.</summary>
        private static string LoopText(Frame frame)
        {
            var syntax = frame.Syntax;
            string text;
            switch (syntax)
            {
                case CommonForEachStatementSyntax loop:
                    text = Span(syntax, (loop.AwaitKeyword.IsKind(SyntaxKind.None) ? loop.ForEachKeyword : loop.AwaitKeyword).SpanStart, loop.CloseParenToken.Span.End);
                    break;
                case ForStatementSyntax loop:
                    text = Span(syntax, loop.ForKeyword.SpanStart, loop.CloseParenToken.Span.End);
                    break;
                case WhileStatementSyntax loop:
                    text = Span(syntax, loop.WhileKeyword.SpanStart, loop.CloseParenToken.Span.End);
                    break;
                case DoStatementSyntax loop:
                    text = "do … " + Span(syntax, loop.WhileKeyword.SpanStart, loop.CloseParenToken.Span.End);
                    break;
                default:
                    text = LambdaText(syntax);
                    break;
            }

            return Shorten(text);
        }

        private static string LambdaText(SyntaxNode lambda)
        {
            for (var node = lambda.Parent; node is not null; node = node.Parent)
            {
                if (node is InvocationExpressionSyntax invocation)
                {
                    return invocation.Expression is MemberAccessExpressionSyntax member
                        ? member.Expression + "." + member.Name.Identifier.ValueText + "(…)"
                        : invocation.Expression + "(…)";
                }
            }

            return lambda.ToString();
        }

        private static string Span(SyntaxNode syntax, int start, int end) =>
            start >= end || end > syntax.SyntaxTree.Length ? syntax.ToString() : syntax.SyntaxTree.GetText().ToString(TextSpan.FromBounds(start, end));

        /// <summary>White space collapsed, at most 80 characters.</summary>
        private static string Shorten(string text)
        {
            var builder = new StringBuilder(text.Length);
            var space = false;
            foreach (var c in text)
            {
                if (char.IsWhiteSpace(c))
                {
                    space = builder.Length > 0;
                    continue;
                }

                if (space)
                {
                    builder.Append(' ');
                    space = false;
                }

                builder.Append(c);
            }

            return builder.Length <= 80 ? builder.ToString() : builder.ToString(0, 79) + "…";
        }
    }
}
