using System.Collections.Generic;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;
using Steadfast.Analyzers.Internal;

namespace Steadfast.Analyzers.Rules.SF4001
{
    /// <summary>Where a key's values come from; ordered so that a key built from several parts takes the largest.</summary>
    internal enum KeyOrigin
    {
        /// <summary>A domain the program bounds: constants, <c>typeof</c>/<c>nameof</c>, enums and their names, reflection objects and their names, cultures and their names, configuration sections, option names.</summary>
        Bounded = 0,

        /// <summary>A parameter of a private method or local function of the owner: decided at the end from its call sites.</summary>
        Deferred = 1,

        /// <summary>The object's own state, or a value made here (a clock, a new id): not from outside.</summary>
        Other = 2,

        /// <summary>A parameter or lambda parameter with no evidence of where its values come from (configuration, a catalogue, database rows, the program's own names, or callers out of sight): not judged outside.</summary>
        Unknown = 3,

        /// <summary>Data fetched at run time (the result of an awaited call): outside values for lock maps and per-key times.</summary>
        Fetched = 4,

        /// <summary>Request, message or user input, by evidence (see <see cref="InputSources"/>): an entry point's parameter, a read of a request object, a parameter some caller gives such a value.</summary>
        Input = 5,
    }

    /// <summary>A key's origin, with the parameters it waits on when <see cref="KeyOrigin.Deferred"/>.</summary>
    internal readonly struct KeyClass
    {
        public KeyClass(KeyOrigin origin, List<IParameterSymbol>? parameters = null)
        {
            Origin = origin;
            Parameters = parameters;
        }

        public KeyOrigin Origin { get; }

        public List<IParameterSymbol>? Parameters { get; }

        public static KeyClass Combine(KeyClass a, KeyClass b)
        {
            if (a.Origin != b.Origin)
            {
                return a.Origin > b.Origin ? a : b;
            }

            if (a.Origin != KeyOrigin.Deferred || b.Parameters is null)
            {
                return a;
            }

            if (a.Parameters is null)
            {
                return b;
            }

            var merged = new List<IParameterSymbol>(a.Parameters);
            merged.AddRange(b.Parameters);
            return new KeyClass(KeyOrigin.Deferred, merged);
        }
    }

    /// <summary>
    /// Classifies a key expression by its operations and symbols (never its text): is every value it can take bounded by
    /// the program, does it come from outside, or from the object's own state.
    /// </summary>
    internal sealed class KeyDomain
    {
        private const int MaxDepth = 4;

        private readonly SF4001Symbols _types;
        private readonly INamedTypeSymbol _owner;
        private readonly InputSources _inputs;
        private readonly int _level;

        /// <param name="types">The rule's symbols.</param>
        /// <param name="owner">The type whose code the keys are in (its private methods' parameters are deferred to their callers).</param>
        /// <param name="inputs">Where input enters the program.</param>
        /// <param name="level">How many calls this judgement is away from the key (0 at the key).</param>
        public KeyDomain(SF4001Symbols types, INamedTypeSymbol owner, InputSources inputs, int level = 0)
        {
            _types = types;
            _owner = owner;
            _inputs = inputs;
            _level = level;
        }

        /// <summary>Cancels the compilation-wide look-up of callers.</summary>
        public CancellationToken CancellationToken { get; set; }

        /// <summary>True for a method whose every caller this type's analysis sees: a private method of the owner or a local function.</summary>
        public bool IsTracked(IMethodSymbol method) =>
            method.MethodKind == MethodKind.LocalFunction ||
            (method.MethodKind == MethodKind.Ordinary && method.DeclaredAccessibility == Accessibility.Private &&
             SymbolEqualityComparer.Default.Equals(method.ContainingType?.OriginalDefinition, _owner.OriginalDefinition));

        public KeyClass Classify(IOperation key) => Classify(key, 0);

        private KeyClass Classify(IOperation key, int depth, bool byParts = false)
        {
            key = OperationHelpers.SkipConversions(key);
            if (depth > MaxDepth)
            {
                return new KeyClass(KeyOrigin.Other);
            }

            if (byParts)
            {
                return ClassifyParts(key, depth);
            }

            if (key.ConstantValue.HasValue || key is ITypeOfOperation or INameOfOperation or IDefaultValueOperation ||
                (key.Type is { } type && IsBoundedType(type)))
            {
                return new KeyClass(KeyOrigin.Bounded);
            }

            if (key.Type is { } carrier && _inputs.IsRequestObject(carrier))
            {
                return new KeyClass(KeyOrigin.Input); // read from the request, its context or its user
            }

            switch (key)
            {
                case IInvocationOperation call when _inputs.IsConsoleInput(call):
                    return new KeyClass(KeyOrigin.Input);

                case IParameterReferenceOperation parameter:
                    return ClassifyParameter(parameter);

                case ILocalReferenceOperation local:
                    return ClassifyLocal(local, depth);

                case IFieldReferenceOperation { Field: { IsStatic: true, IsReadOnly: true } or { IsConst: true } }:
                    return new KeyClass(KeyOrigin.Bounded); // one value for the process (Options.DefaultName)

                case IFieldReferenceOperation field:
                    return field.Instance is null or IInstanceReferenceOperation ? new KeyClass(KeyOrigin.Other) : Classify(field.Instance, depth + 1);

                case IInstanceReferenceOperation:
                    return new KeyClass(KeyOrigin.Other);

                case IAwaitOperation awaited:
                    var inner = Classify(awaited.Operation, depth + 1);
                    return inner.Origin < KeyOrigin.Fetched ? new KeyClass(KeyOrigin.Fetched) : inner;
            }

            return ClassifyParts(key, depth);
        }

        private KeyClass ClassifyParts(IOperation key, int depth)
        {
            KeyClass? result = null;
            foreach (var child in key.ChildOperations)
            {
                if (child is IAnonymousFunctionOperation or IDelegateCreationOperation)
                {
                    continue;
                }

                var part = Classify(child, depth + 1);
                if (part.Origin == KeyOrigin.Input)
                {
                    return part; // the largest origin: the other parts cannot change it, and may be costly to judge
                }

                result = result is { } soFar ? KeyClass.Combine(soFar, part) : part;
            }

            // Nothing inside (Guid.NewGuid(), DateTime.UtcNow, a static property): made here, not from outside.
            return result ?? new KeyClass(KeyOrigin.Other);
        }

        private KeyClass ClassifyParameter(IParameterReferenceOperation reference)
        {
            var parameter = reference.Parameter;
            if (parameter.ContainingSymbol is not IMethodSymbol method)
            {
                return new KeyClass(KeyOrigin.Unknown);
            }

            if (method.MethodKind is MethodKind.AnonymousFunction)
            {
                // A lambda's parameter is input only when the lambda is an endpoint's handler; any other lambda is called by code out of sight.
                return EnclosingLambda(reference, method) is { } lambda && _inputs.IsEndpointHandler(lambda)
                    ? new KeyClass(KeyOrigin.Input)
                    : new KeyClass(KeyOrigin.Unknown);
            }

            if (IsOptionName(method, parameter))
            {
                return new KeyClass(KeyOrigin.Bounded);
            }

            if (IsTracked(method))
            {
                return new KeyClass(KeyOrigin.Deferred, new List<IParameterSymbol> { parameter });
            }

            return _inputs.IsEntryPoint(method) || _inputs.Receives(method, parameter, _level, CancellationToken)
                ? new KeyClass(KeyOrigin.Input)
                : new KeyClass(KeyOrigin.Unknown); // no evidence: its callers may pass configuration, catalogue data, stored rows
        }

        private static IAnonymousFunctionOperation? EnclosingLambda(IOperation reference, IMethodSymbol lambda)
        {
            for (var op = reference.Parent; op is not null; op = op.Parent)
            {
                if (op is IAnonymousFunctionOperation function && SymbolEqualityComparer.Default.Equals(function.Symbol, lambda))
                {
                    return function;
                }
            }

            return null;
        }

        /// <summary>The local's sources: its initializer, assignments, the collection it loops over, the call it is an out argument of, the value a pattern declares it from.</summary>
        private KeyClass ClassifyLocal(ILocalReferenceOperation reference, int depth)
        {
            var local = reference.Local;
            KeyClass? result = null;
            foreach (var op in OperationHelpers.Root(reference).Descendants())
            {
                var byParts = op is IArgumentOperation; // an out argument: the call's other arguments, not its result
                IOperation? source = op switch
                {
                    IVariableDeclaratorOperation declarator when SymbolEqualityComparer.Default.Equals(declarator.Symbol, local) =>
                        OperationHelpers.InitialValue(declarator),
                    ISimpleAssignmentOperation { Target: ILocalReferenceOperation target } assignment when SymbolEqualityComparer.Default.Equals(target.Local, local) =>
                        assignment.Value,
                    IForEachLoopOperation loop when Contains(loop.Locals, local) => loop.Collection,
                    IArgumentOperation { Parameter.RefKind: RefKind.Out } argument when Declares(argument.Value, local) => argument.Parent,
                    IDeclarationPatternOperation pattern when SymbolEqualityComparer.Default.Equals(pattern.DeclaredSymbol, local) => MatchedValue(pattern),
                    IRecursivePatternOperation pattern when SymbolEqualityComparer.Default.Equals(pattern.DeclaredSymbol, local) => MatchedValue(pattern),
                    IListPatternOperation pattern when SymbolEqualityComparer.Default.Equals(pattern.DeclaredSymbol, local) => MatchedValue(pattern),
                    _ => null,
                };

                if (source is null || ReferenceEquals(source, reference))
                {
                    continue;
                }

                var part = Classify(source, depth + 1, byParts);
                if (part.Origin == KeyOrigin.Input)
                {
                    return part; // the largest origin: the other sources cannot change it
                }

                result = result is { } soFar ? KeyClass.Combine(soFar, part) : part;
            }

            return result ?? new KeyClass(KeyOrigin.Other);
        }

        /// <summary>The value a pattern (or the pattern it is nested in) is matched against: <c>is</c>, <c>switch</c>.</summary>
        private static IOperation? MatchedValue(IOperation pattern)
        {
            for (var op = pattern.Parent; op is not null; op = op.Parent)
            {
                switch (op)
                {
                    case IIsPatternOperation isPattern:
                        return isPattern.Value;
                    case ISwitchExpressionOperation switchExpression:
                        return switchExpression.Value;
                    case ISwitchOperation switchStatement:
                        return switchStatement.Value;
                }
            }

            return null;
        }

        /// <summary>
        /// Types whose values the program bounds: bool, small integers, enums, reflection objects (one per program element),
        /// assemblies, cultures, configuration and its sections, nullables and tuples of those.
        /// </summary>
        public bool IsBoundedType(ITypeSymbol type) =>
            CacheFields.IsFinite(type, _types, depth: 0) ||
            KnownTypes.DerivesFrom(type, _types.Assembly) ||
            KnownTypes.DerivesFrom(type, _types.CultureInfo) ||
            KnownTypes.IsOrImplements(type, _types.Configuration);

        /// <summary>The <c>name</c> parameter of a method implementing an options interface (<c>IOptionsMonitorCache&lt;T&gt;.GetOrAdd(name, …)</c>): an option name, from a fixed set.</summary>
        private bool IsOptionName(IMethodSymbol method, IParameterSymbol parameter)
        {
            if (method.ContainingType is not { } containing)
            {
                return false;
            }

            foreach (var contract in containing.AllInterfaces)
            {
                if (!(KnownTypes.Is(contract, _types.OptionsMonitorCache) || KnownTypes.Is(contract, _types.OptionsFactory) || KnownTypes.Is(contract, _types.OptionsMonitor) ||
                      KnownTypes.Is(contract, _types.OptionsSnapshot) || KnownTypes.Is(contract, _types.ConfigureNamedOptions)))
                {
                    continue;
                }

                foreach (var member in contract.GetMembers())
                {
                    if (member is IMethodSymbol contractMethod && parameter.Ordinal < contractMethod.Parameters.Length &&
                        contractMethod.Parameters[parameter.Ordinal].Type.SpecialType == SpecialType.System_String &&
                        SymbolEqualityComparer.Default.Equals(containing.FindImplementationForInterfaceMember(contractMethod), method) &&
                        contractMethod.Parameters[parameter.Ordinal].Name == "name")
                    {
                        return true;
                    }
                }
            }

            return false;
        }

        private static bool Contains(IEnumerable<ILocalSymbol> locals, ILocalSymbol local)
        {
            foreach (var candidate in locals)
            {
                if (SymbolEqualityComparer.Default.Equals(candidate, local))
                {
                    return true;
                }
            }

            return false;
        }

        private static bool Declares(IOperation value, ILocalSymbol local)
        {
            var inner = value is IDeclarationExpressionOperation declaration ? declaration.Expression : value;
            return inner is ILocalReferenceOperation reference && SymbolEqualityComparer.Default.Equals(reference.Local, local);
        }
    }
}
