using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;
using Steadfast.Analyzers.Internal;

namespace Steadfast.CodeFixes.Rules.SF3002
{
    /// <summary>What the SF3002 key look-up fix needs from one query in a loop: the key, the row's key member, the batched query.</summary>
    internal abstract class KeyLookupPlan
    {
        protected KeyLookupPlan(ITypeSymbol rowType, ISymbol keyMember, ExpressionSyntax keySyntax, bool keyIsItem, bool isAsync, SyntaxNode replaced, string lookupMethod)
        {
            RowType = rowType;
            KeyMember = keyMember;
            KeySyntax = keySyntax;
            KeyIsItem = keyIsItem;
            Async = isAsync;
            Replaced = replaced;
            LookupMethod = lookupMethod;
        }

        /// <summary>The row (entity) type.</summary>
        public ITypeSymbol RowType { get; }

        /// <summary>The row's member that holds the key.</summary>
        public ISymbol KeyMember { get; }

        /// <summary>The key expression in the loop (<c>item.OwnerId</c>, or the loop variable).</summary>
        public ExpressionSyntax KeySyntax { get; }

        /// <summary>The key is the loop variable itself.</summary>
        public bool KeyIsItem { get; }

        public bool Async { get; }

        /// <summary>What the look-up replaces: the call, or its <c>await</c>.</summary>
        public SyntaxNode Replaced { get; }

        /// <summary><c>Single</c>, <c>SingleOrDefault</c>, <c>First</c>, <c>FirstOrDefault</c> or <c>Rows</c>.</summary>
        public string LookupMethod { get; }

        /// <summary>The name the chunk's lambda parameter should start from.</summary>
        public abstract string ChunkName { get; }

        /// <summary>The query for one chunk of keys, named <paramref name="chunk"/>; null when it cannot be written.</summary>
        public abstract ExpressionSyntax? BatchedQuery(string chunk);

        /// <summary>Strips implicit conversions.</summary>
        protected static IOperation Unwrap(IOperation operation)
        {
            while (operation is IConversionOperation { IsImplicit: true } conversion)
            {
                operation = conversion.Operand;
            }

            return operation;
        }

        /// <summary>
        /// The key: the loop variable, or a field or property of it that the loop never assigns; of an integral type.
        /// </summary>
        protected static bool TryKey(IOperation value, ILocalSymbol item, ForEachStatementSyntax loop, SemanticModel model, CancellationToken cancellationToken, out ExpressionSyntax key, out bool keyIsItem)
        {
            key = null!;
            keyIsItem = false;
            value = Unwrap(value);
            if (!SF3002KeyLookupCodeFix.IsKeyType(value.Type) || value.Syntax is not ExpressionSyntax syntax)
            {
                return false;
            }

            ISymbol? member;
            switch (value)
            {
                case ILocalReferenceOperation local when SymbolEqualityComparer.Default.Equals(local.Local, item):
                    key = syntax;
                    keyIsItem = true;
                    return true;
                case IPropertyReferenceOperation { Property: { IsIndexer: false, IsStatic: false } property, Instance: ILocalReferenceOperation instance } when SymbolEqualityComparer.Default.Equals(instance.Local, item):
                    member = property;
                    break;
                case IFieldReferenceOperation { Field: { IsStatic: false } field, Instance: ILocalReferenceOperation instance } when SymbolEqualityComparer.Default.Equals(instance.Local, item):
                    member = field;
                    break;
                default:
                    return false;
            }

            if (SF3002KeyLookupCodeFix.Written(member, loop.Statement, model, cancellationToken))
            {
                return false;
            }

            key = syntax;
            return true;
        }

        /// <summary>
        /// The one member of <paramref name="rowType"/> a result column named <paramref name="name"/> maps to (by name, ignoring
        /// case, as Dapper matches), settable, of <paramref name="keyType"/>; null when there is none, or more than one.
        /// </summary>
        protected static ISymbol? MappedMember(ITypeSymbol rowType, string name, ITypeSymbol keyType)
        {
            ISymbol? found = null;
            var seen = new HashSet<string>(StringComparer.Ordinal);
            for (var type = rowType; type is not null && type.SpecialType != SpecialType.System_Object; type = type.BaseType)
            {
                foreach (var member in type.GetMembers())
                {
                    if (member.IsStatic || !string.Equals(member.Name, name, StringComparison.OrdinalIgnoreCase) || !seen.Add(member.Name))
                    {
                        continue;
                    }

                    ITypeSymbol? memberType = member switch
                    {
                        IPropertySymbol { IsIndexer: false, SetMethod: not null, GetMethod: not null } property => property.Type,
                        IFieldSymbol { IsReadOnly: false, IsConst: false, IsImplicitlyDeclared: false } field => field.Type,
                        _ => null,
                    };

                    if (memberType is null || found is not null || !SymbolEqualityComparer.Default.Equals(memberType, keyType) ||
                        member.DeclaredAccessibility != Accessibility.Public)
                    {
                        return null;
                    }

                    found = member;
                }
            }

            return found;
        }
    }

    /// <summary>A Dapper look-up: <c>cnn.QuerySingle&lt;T&gt;(sql, new { id = item.Key })</c> and its kin.</summary>
    internal sealed class DapperPlan : KeyLookupPlan
    {
        private static readonly Dictionary<string, string> LookupOf = new(StringComparer.Ordinal)
        {
            ["Query"] = "Rows",
            ["QuerySingle"] = "Single",
            ["QuerySingleOrDefault"] = "SingleOrDefault",
            ["QueryFirst"] = "First",
            ["QueryFirstOrDefault"] = "FirstOrDefault",
        };

        /// <summary>Dapper's methods that only read (the loop may use the connection for them too).</summary>
        private static readonly HashSet<string> Reads = new(StringComparer.Ordinal)
        {
            "Query", "QuerySingle", "QuerySingleOrDefault", "QueryFirst", "QueryFirstOrDefault",
            "QueryAsync", "QuerySingleAsync", "QuerySingleOrDefaultAsync", "QueryFirstAsync", "QueryFirstOrDefaultAsync",
        };

        private static readonly HashSet<string> PassedAlong = new(StringComparer.Ordinal) { "transaction", "commandTimeout", "commandType" };

        private readonly InvocationExpressionSyntax _invocation;
        private readonly ExpressionSyntax _sql;
        private readonly KeyLookupSql.LookUp _lookUp;
        private readonly List<(string Name, ExpressionSyntax Value)> _passedAlong;

        private DapperPlan(
            ITypeSymbol rowType, ISymbol keyMember, ExpressionSyntax keySyntax, bool keyIsItem, bool isAsync, SyntaxNode replaced, string lookupMethod,
            InvocationExpressionSyntax invocation, ExpressionSyntax sql, KeyLookupSql.LookUp lookUp, List<(string Name, ExpressionSyntax Value)> passedAlong)
            : base(rowType, keyMember, keySyntax, keyIsItem, isAsync, replaced, lookupMethod)
        {
            _invocation = invocation;
            _sql = sql;
            _lookUp = lookUp;
            _passedAlong = passedAlong;
        }

        public override string ChunkName => _lookUp.Parameter + "s";

        public static DapperPlan? Create(IInvocationOperation call, InvocationExpressionSyntax invocation, ILocalSymbol item, ForEachStatementSyntax loop, SemanticModel model, KnownTypes types, CancellationToken cancellationToken)
        {
            var method = call.TargetMethod;
            var isAsync = method.Name.EndsWith("Async", StringComparison.Ordinal);
            var name = isAsync ? method.Name.Substring(0, method.Name.Length - "Async".Length) : method.Name;
            if (!KnownTypes.Is(method.ContainingType, types.DapperSqlMapper) || !LookupOf.TryGetValue(name, out var lookupMethod) ||
                method.TypeArguments.Length != 1 || method.TypeArguments[0] is not INamedTypeSymbol { SpecialType: SpecialType.None, TypeKind: TypeKind.Class or TypeKind.Struct } rowType ||
                invocation.Expression is not MemberAccessExpressionSyntax { Name: GenericNameSyntax } access || access.Expression is BaseExpressionSyntax)
            {
                return null;
            }

            // The call, awaited directly when async.
            SyntaxNode replaced = invocation;
            if (isAsync)
            {
                if (invocation.Parent is not AwaitExpressionSyntax awaited)
                {
                    return null;
                }

                replaced = awaited;
            }

            IOperation? connection = null;
            string? sql = null;
            ExpressionSyntax? sqlSyntax = null;
            IOperation? param = null;
            var passedAlong = new List<(string, ExpressionSyntax)>();
            foreach (var argument in call.Arguments)
            {
                var parameter = argument.Parameter;
                if (parameter is null)
                {
                    return null;
                }

                switch (parameter.Name)
                {
                    case "cnn":
                        connection = Unwrap(argument.Value);
                        break;
                    case "sql":
                        sql = argument.Value.ConstantValue.HasValue ? argument.Value.ConstantValue.Value as string : null;
                        sqlSyntax = (argument.Syntax as ArgumentSyntax)?.Expression;
                        break;
                    case "param":
                        param = Unwrap(argument.Value);
                        break;
                    case "buffered":
                        break; // the look-up reads every row either way
                    case var other when PassedAlong.Contains(other):
                        if (argument.ArgumentKind == ArgumentKind.DefaultValue)
                        {
                            break;
                        }

                        if (argument.Syntax is not ArgumentSyntax { Expression: { } value } || !Invariant(argument.Value, loop, model, cancellationToken))
                        {
                            return null;
                        }

                        passedAlong.Add((other, value));
                        break;
                    default:
                        return null; // a CommandDefinition, a Type, a map function: not this shape
                }
            }

            if (connection is null || sql is null || sqlSyntax is null || KeyLookupSql.Parse(sql) is not { } lookUp ||
                param is not IAnonymousObjectCreationOperation { Initializers.Length: 1 } anonymous ||
                anonymous.Initializers[0] is not ISimpleAssignmentOperation { Target: IPropertyReferenceOperation target } assignment ||
                !string.Equals(target.Property.Name, lookUp.Parameter, StringComparison.OrdinalIgnoreCase) ||
                !TryKey(assignment.Value, item, loop, model, cancellationToken, out var key, out var keyIsItem) ||
                MappedMember(rowType, lookUp.ResultName, Unwrap(assignment.Value).Type!) is not { } keyMember)
            {
                return null;
            }

            // The connection: the same one every iteration, used in the loop for reads only.
            var connectionSymbol = connection switch
            {
                ILocalReferenceOperation local => (ISymbol)local.Local,
                IParameterReferenceOperation parameterReference => parameterReference.Parameter,
                IFieldReferenceOperation { Instance: null or IInstanceReferenceOperation } field => field.Field,
                _ => null,
            };

            if (connectionSymbol is null || !SF3002KeyLookupCodeFix.InvariantSymbol(connectionSymbol, loop, model, cancellationToken) ||
                !OnlyReadsInLoop(invocation, connectionSymbol, loop, model, types, cancellationToken))
            {
                return null;
            }

            return new DapperPlan(rowType, keyMember, key, keyIsItem, isAsync, replaced, lookupMethod, invocation, sqlSyntax, lookUp, passedAlong);
        }

        public override ExpressionSyntax? BatchedQuery(string chunk)
        {
            // The SQL: the one literal that holds "= @p" now says "IN @chunk".
            SyntaxToken? from = null;
            string? rewritten = null;
            foreach (var token in _sql.DescendantTokens())
            {
                if (!token.IsKind(SyntaxKind.StringLiteralToken) && !token.IsKind(SyntaxKind.SingleLineRawStringLiteralToken) && !token.IsKind(SyntaxKind.MultiLineRawStringLiteralToken))
                {
                    continue;
                }

                if (KeyLookupSql.ToInList(token.ValueText, _lookUp.Parameter, chunk) is { } text)
                {
                    if (from is not null)
                    {
                        return null;
                    }

                    from = token;
                    rewritten = text;
                }
            }

            if (from is not { } old || rewritten is null)
            {
                return null;
            }

            var sql = _sql.ReplaceToken(old, SyntaxFactory.Literal(rewritten).WithTriviaFrom(old)).WithoutTrivia();
            var access = (MemberAccessExpressionSyntax)_invocation.Expression;
            var generic = (GenericNameSyntax)access.Name;
            var name = generic.WithIdentifier(SyntaxFactory.Identifier(Async ? "QueryAsync" : "Query")).WithoutTrivia();

            var arguments = new List<ArgumentSyntax>
            {
                SyntaxFactory.Argument(sql),
                SyntaxFactory.Argument(SyntaxFactory.AnonymousObjectCreationExpression(
                    SyntaxFactory.SingletonSeparatedList(SyntaxFactory.AnonymousObjectMemberDeclarator(SyntaxFactory.IdentifierName(chunk))))),
            };
            foreach (var (parameter, value) in _passedAlong)
            {
                arguments.Add(SyntaxFactory.Argument(value.WithoutTrivia()).WithNameColon(SyntaxFactory.NameColon(parameter)));
            }

            return SyntaxFactory.InvocationExpression(
                SyntaxFactory.MemberAccessExpression(SyntaxKind.SimpleMemberAccessExpression, access.Expression.WithoutTrivia(), name),
                SyntaxFactory.ArgumentList(SyntaxFactory.SeparatedList(arguments)));
        }

        /// <summary>A constant, or a local, parameter or field that the loop neither declares nor assigns.</summary>
        private static bool Invariant(IOperation value, ForEachStatementSyntax loop, SemanticModel model, CancellationToken cancellationToken)
        {
            value = Unwrap(value);
            if (value.ConstantValue.HasValue)
            {
                return true;
            }

            ISymbol? symbol = value switch
            {
                ILocalReferenceOperation local => local.Local,
                IParameterReferenceOperation parameter => parameter.Parameter,
                IFieldReferenceOperation { Instance: null or IInstanceReferenceOperation } field => field.Field,
                _ => null,
            };

            return symbol is not null && SF3002KeyLookupCodeFix.InvariantSymbol(symbol, loop, model, cancellationToken);
        }

        /// <summary>
        /// The loop runs no other command that could write (Dapper's other methods, ADO.NET commands and connections, EF
        /// Core contexts), and names the connection only as the receiver of Dapper reads.
        /// </summary>
        private static bool OnlyReadsInLoop(InvocationExpressionSyntax query, ISymbol connection, ForEachStatementSyntax loop, SemanticModel model, KnownTypes types, CancellationToken cancellationToken)
        {
            foreach (var node in loop.Statement.DescendantNodesAndSelf())
            {
                if (node is InvocationExpressionSyntax other && other != query &&
                    model.GetOperation(other, cancellationToken) is IInvocationOperation { TargetMethod: var method } &&
                    (KnownTypes.Is(method.ContainingType, types.DapperSqlMapper) ? !Reads.Contains(method.Name) : WritesPossibly(method.ContainingType, types)))
                {
                    return false;
                }

                if (node is IdentifierNameSyntax identifier && identifier.Identifier.ValueText == connection.Name &&
                    SymbolEqualityComparer.Default.Equals(model.GetSymbolInfo(identifier, cancellationToken).Symbol, connection) &&
                    !(identifier.Parent is MemberAccessExpressionSyntax access && access.Expression == identifier &&
                      access.Parent is InvocationExpressionSyntax receiverOf &&
                      model.GetOperation(receiverOf, cancellationToken) is IInvocationOperation { TargetMethod: var read } &&
                      KnownTypes.Is(read.ContainingType, types.DapperSqlMapper) && Reads.Contains(read.Name)))
                {
                    return false;
                }
            }

            return true;
        }

        private static bool WritesPossibly(ITypeSymbol? type, KnownTypes types) =>
            KnownTypes.DerivesFrom(type, types.DbConnection) || KnownTypes.DerivesFrom(type, types.DbCommand) ||
            KnownTypes.IsOrImplements(type, types.DbCommandInterface) || KnownTypes.DerivesFrom(type, types.EfDbContext);
    }

    /// <summary>
    /// An EF Core look-up on a <c>DbSet</c>: <c>set.First/FirstOrDefault/Single/SingleOrDefault(e =&gt; e.Key == item.Key)</c>
    /// and their <c>…Async</c> forms, awaited directly (the cancellation token passed along). Not <c>Find</c>: it answers
    /// from the change tracker first, including entities added and not yet saved, which no query sees.
    /// </summary>
    internal sealed class EfCorePlan : KeyLookupPlan
    {
        private static readonly HashSet<string> Operators = new(StringComparer.Ordinal) { "First", "FirstOrDefault", "Single", "SingleOrDefault" };

        private readonly ExpressionSyntax _set;
        private readonly string _entityParameter;
        private readonly ExpressionSyntax? _token;

        private EfCorePlan(
            ITypeSymbol rowType, ISymbol keyMember, ExpressionSyntax keySyntax, bool keyIsItem, bool isAsync, SyntaxNode replaced, string lookupMethod,
            ExpressionSyntax set, string entityParameter, ExpressionSyntax? token)
            : base(rowType, keyMember, keySyntax, keyIsItem, isAsync, replaced, lookupMethod)
        {
            _set = set;
            _entityParameter = entityParameter;
            _token = token;
        }

        public override string ChunkName => "keys";

        public static EfCorePlan? Create(IInvocationOperation call, InvocationExpressionSyntax invocation, ILocalSymbol item, ForEachStatementSyntax loop, SemanticModel model, KnownTypes types, CancellationToken cancellationToken)
        {
            var method = call.TargetMethod;
            var isAsync = method.Name.EndsWith("Async", StringComparison.Ordinal);
            var name = isAsync ? method.Name.Substring(0, method.Name.Length - "Async".Length) : method.Name;
            if (!Operators.Contains(name) || !KnownTypes.Is(method.ContainingType, isAsync ? types.EfQueryableExtensions : types.Queryable) ||
                !method.IsExtensionMethod || invocation.Expression is not MemberAccessExpressionSyntax access ||
                invocation.ArgumentList.Arguments.Count is < 1 or > 2 ||
                invocation.ArgumentList.Arguments[0].Expression is not SimpleLambdaExpressionSyntax { ExpressionBody: BinaryExpressionSyntax { RawKind: (int)SyntaxKind.EqualsExpression } equals } lambda ||
                invocation.ArgumentList.Arguments.Any(a => a.NameColon is not null || !a.RefKindKeyword.IsKind(SyntaxKind.None)))
            {
                return null;
            }

            SyntaxNode replaced = invocation;
            if (isAsync)
            {
                if (invocation.Parent is not AwaitExpressionSyntax awaited)
                {
                    return null;
                }

                replaced = awaited;
            }

            ExpressionSyntax? token = null;
            if (invocation.ArgumentList.Arguments.Count == 2)
            {
                var tokenArgument = invocation.ArgumentList.Arguments[1].Expression;
                if (!isAsync || model.GetOperation(tokenArgument, cancellationToken) is not { } tokenValue || !Invariant(tokenValue, loop, model, cancellationToken))
                {
                    return null;
                }

                token = tokenArgument;
            }

            // The receiver: a DbSet property of a context, or context.Set<T>(), the context invariant and used for nothing else in the loop.
            var receiver = Unwrap(call.Arguments[0].Value);
            IOperation? context = receiver switch
            {
                IPropertyReferenceOperation { Instance: { } instance } property when KnownTypes.Is(property.Type, types.EfDbSet) => instance,
                IInvocationOperation { TargetMethod.Name: "Set", Arguments.Length: 0, Instance: { } instance } set when KnownTypes.Is(set.Type, types.EfDbSet) => instance,
                _ => null,
            };
            var contextSymbol = context switch
            {
                ILocalReferenceOperation local => (ISymbol)local.Local,
                IParameterReferenceOperation parameterReference => parameterReference.Parameter,
                IFieldReferenceOperation { Instance: null or IInstanceReferenceOperation } field => field.Field,
                _ => null,
            };

            if (contextSymbol is null || !KnownTypes.DerivesFrom(context!.Type, types.EfDbContext) ||
                !SF3002KeyLookupCodeFix.InvariantSymbol(contextSymbol, loop, model, cancellationToken) ||
                !ContextOnlyHere(invocation, contextSymbol, loop, model, cancellationToken) ||
                receiver.Type is not INamedTypeSymbol { TypeArguments.Length: 1 } setType || setType.TypeArguments[0] is not INamedTypeSymbol entity)
            {
                return null;
            }

            // The predicate: e.Member == key (either way round).
            var parameter = model.GetDeclaredSymbol(lambda.Parameter, cancellationToken);
            ExpressionSyntax? keySide = null;
            IPropertySymbol? member = null;
            foreach (var (side, other) in new[] { (equals.Left, equals.Right), (equals.Right, equals.Left) })
            {
                if (side is MemberAccessExpressionSyntax { Expression: IdentifierNameSyntax onParameter } memberAccess &&
                    parameter is not null && SymbolEqualityComparer.Default.Equals(model.GetSymbolInfo(onParameter, cancellationToken).Symbol, parameter) &&
                    model.GetSymbolInfo(memberAccess, cancellationToken).Symbol is IPropertySymbol { IsStatic: false, IsIndexer: false, GetMethod: not null } property)
                {
                    member = property;
                    keySide = other;
                    break;
                }
            }

            if (member is null || keySide is null || model.GetOperation(keySide, cancellationToken) is not { } keyValue ||
                !SymbolEqualityComparer.Default.Equals(member.Type, keyValue.Type) ||
                !TryKey(keyValue, item, loop, model, cancellationToken, out var key, out var keyIsItem) ||
                keySide.DescendantNodesAndSelf().OfType<IdentifierNameSyntax>().Any(i => SymbolEqualityComparer.Default.Equals(model.GetSymbolInfo(i, cancellationToken).Symbol, parameter)))
            {
                return null;
            }

            return new EfCorePlan(entity, member, key, keyIsItem, isAsync, replaced, name, access.Expression, lambda.Parameter.Identifier.ValueText, token);
        }

        public override ExpressionSyntax? BatchedQuery(string chunk)
        {
            // set.Where(e => chunk.Contains(e.Key)).ToList() / .ToListAsync(token)
            var contains = SyntaxFactory.InvocationExpression(
                SyntaxFactory.MemberAccessExpression(SyntaxKind.SimpleMemberAccessExpression, SyntaxFactory.IdentifierName(chunk), SyntaxFactory.IdentifierName("Contains")),
                SyntaxFactory.ArgumentList(SyntaxFactory.SingletonSeparatedList(SyntaxFactory.Argument(
                    SyntaxFactory.MemberAccessExpression(SyntaxKind.SimpleMemberAccessExpression, SyntaxFactory.IdentifierName(_entityParameter), SyntaxFactory.IdentifierName(KeyMember.Name))))));
            var where = SyntaxFactory.InvocationExpression(
                SyntaxFactory.MemberAccessExpression(SyntaxKind.SimpleMemberAccessExpression, _set.WithoutTrivia(), SyntaxFactory.IdentifierName("Where")),
                SyntaxFactory.ArgumentList(SyntaxFactory.SingletonSeparatedList(SyntaxFactory.Argument(
                    SyntaxFactory.SimpleLambdaExpression(SyntaxFactory.Parameter(SyntaxFactory.Identifier(_entityParameter)), contains)))));
            var arguments = _token is null
                ? SyntaxFactory.ArgumentList()
                : SyntaxFactory.ArgumentList(SyntaxFactory.SingletonSeparatedList(SyntaxFactory.Argument(_token.WithoutTrivia())));
            return SyntaxFactory.InvocationExpression(
                SyntaxFactory.MemberAccessExpression(SyntaxKind.SimpleMemberAccessExpression, where, SyntaxFactory.IdentifierName(Async ? "ToListAsync" : "ToList")),
                arguments);
        }

        private static bool Invariant(IOperation value, ForEachStatementSyntax loop, SemanticModel model, CancellationToken cancellationToken)
        {
            value = Unwrap(value);
            ISymbol? symbol = value switch
            {
                ILocalReferenceOperation local => local.Local,
                IParameterReferenceOperation parameter => parameter.Parameter,
                IFieldReferenceOperation { Instance: null or IInstanceReferenceOperation } field => field.Field,
                _ => null,
            };

            return value.ConstantValue.HasValue || (symbol is not null && SF3002KeyLookupCodeFix.InvariantSymbol(symbol, loop, model, cancellationToken));
        }

        /// <summary>The loop names the context only in this query: no other query, change or save through it.</summary>
        private static bool ContextOnlyHere(InvocationExpressionSyntax query, ISymbol context, ForEachStatementSyntax loop, SemanticModel model, CancellationToken cancellationToken)
        {
            foreach (var identifier in loop.Statement.DescendantNodesAndSelf().OfType<IdentifierNameSyntax>())
            {
                if (identifier.Identifier.ValueText == context.Name && !query.Span.Contains(identifier.Span) &&
                    SymbolEqualityComparer.Default.Equals(model.GetSymbolInfo(identifier, cancellationToken).Symbol, context))
                {
                    return false;
                }
            }

            return true;
        }
    }
}
