using System.Collections.Generic;
using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;
using Steadfast.Analyzers.Internal;

namespace Steadfast.Analyzers.Rules.SF2001
{
    internal enum OriginKind
    {
        /// <summary>Known to retry: <c>ResilientHttp.CreateClient</c>, or <c>new HttpClient(handler)</c> over a resilience handler.</summary>
        Resilient,

        /// <summary><c>new HttpClient(...)</c> with no resilience handler: the "make the client resilient" fix can rewrite it.</summary>
        NewClient,

        /// <summary>Injected into a constructor of this type: a typed client, resilient if its registration says so.</summary>
        Typed,

        /// <summary><c>IHttpClientFactory.CreateClient(name)</c>: resilient if that name's registration says so.</summary>
        Named,

        /// <summary>From the factory's defaults or of unknown source (a method parameter): resilient only with <c>ConfigureHttpClientDefaults</c>.</summary>
        Unknown,

        /// <summary>
        /// A client of an in-memory test server (<c>TestServer.CreateClient()</c>, <c>WebApplicationFactory&lt;T&gt;.CreateClient()</c>,
        /// <c>new HttpClient(server.CreateHandler())</c>): its requests never cross a network, so nothing transient fails them.
        /// </summary>
        InMemory,

        /// <summary>
        /// A parameter of a method whose callers are not all in this type (a public method, an SDK's entry point): the
        /// client is made elsewhere, and judged there (its registration, its <c>new HttpClient(...)</c>) unless
        /// <c>SF2001.trust_injected_clients</c> is false.
        /// </summary>
        Parameter,

        /// <summary>
        /// Made by a call or a creation that does not resolve (a missing reference, code before restore): nothing is known
        /// of it, so nothing is reported on its strength.
        /// </summary>
        Unresolved,
    }

    /// <summary>Where an <c>HttpClient</c> receiver comes from, as far as the code shows.</summary>
    internal readonly struct ClientOrigin
    {
        private ClientOrigin(OriginKind kind, string? key, INamedTypeSymbol? typedClient)
        {
            Kind = kind;
            Key = key;
            TypedClient = typedClient;
        }

        public OriginKind Kind { get; }

        /// <summary>The named client's name key (see <see cref="HttpRegistrations.NameKey"/>); null when the name is not known here.</summary>
        public string? Key { get; }

        public INamedTypeSymbol? TypedClient { get; }

        public static ClientOrigin Resilient { get; } = new ClientOrigin(OriginKind.Resilient, null, null);

        public static ClientOrigin NewClient { get; } = new ClientOrigin(OriginKind.NewClient, null, null);

        public static ClientOrigin Unknown { get; } = new ClientOrigin(OriginKind.Unknown, null, null);

        public static ClientOrigin InMemory { get; } = new ClientOrigin(OriginKind.InMemory, null, null);

        public static ClientOrigin Parameter { get; } = new ClientOrigin(OriginKind.Parameter, null, null);

        public static ClientOrigin Unresolved { get; } = new ClientOrigin(OriginKind.Unresolved, null, null);

        public static ClientOrigin Typed(INamedTypeSymbol type) => new ClientOrigin(OriginKind.Typed, null, type);

        public static ClientOrigin Named(string? key) => new ClientOrigin(OriginKind.Named, key, null);

        /// <summary>
        /// True when no warning belongs at the call: the factory's defaults add resilience, or the client's registration is
        /// in the compilation (which SF2001 reports there when it adds none: one warning per mistake).
        /// </summary>
        public bool IsCovered(HttpRegistrations registrations)
        {
            switch (Kind)
            {
                case OriginKind.Resilient:
                case OriginKind.InMemory:
                case OriginKind.Unresolved:
                    return true;
                case OriginKind.NewClient:
                    return false;
                case OriginKind.Typed:
                    return registrations.DefaultsResilient || registrations.IsTypedRegistered(TypedClient!);
                case OriginKind.Named:
                    return registrations.DefaultsResilient || (Key is not null && registrations.IsNamedRegistered(Key));
                default:
                    return registrations.DefaultsResilient;
            }
        }

        /// <summary>True when the origin does not depend on registrations (so they need not be scanned).</summary>
        public bool IsSettled => Kind is OriginKind.Resilient or OriginKind.NewClient or OriginKind.InMemory or OriginKind.Unresolved;

        /// <summary>
        /// True when no call on the client needs a retry: it retries, or it sends nothing over a network; or nothing is
        /// known of it (an unresolved origin), so no warning may rest on it.
        /// </summary>
        public bool IsSafe => Kind is OriginKind.Resilient or OriginKind.InMemory or OriginKind.Unresolved;

        /// <summary>A client from <c>IHttpClientFactory</c> (named, or a typed client injected into a constructor) whose registration this compilation does not hold.</summary>
        public bool IsUnregisteredFactoryClient(HttpRegistrations registrations) =>
            (Kind == OriginKind.Named && (Key is null || !registrations.IsNamedRegistered(Key))) ||
            (Kind == OriginKind.Typed && !registrations.IsTypedRegistered(TypedClient!));
    }

    /// <summary>Resolves receivers to origins; the field and property origins come from the type's own assignments.</summary>
    internal sealed class OriginResolver
    {
        private readonly SF2001Symbols _types;
        private readonly ResilienceRecognizer _recognizer;
        private readonly IReadOnlyDictionary<ISymbol, List<IOperation>> _memberValues;
        private readonly INamedTypeSymbol _type;
        private readonly Compilation _compilation;
        private readonly IReadOnlyDictionary<IMethodSymbol, List<IInvocationOperation>>? _privateCalls;
        private readonly Dictionary<ISymbol, ClientOrigin>? _otherMembers;

        /// <param name="privateCalls">
        /// The calls of this type's private methods that take an <c>HttpClient</c>, made in this type (a method whose group
        /// is used as a delegate is left out: its callers are not known); null when not gathered.
        /// </param>
        /// <param name="otherMembers">Other types' members already resolved, kept across the calls of one type (one thread); null for none.</param>
        public OriginResolver(
            SF2001Symbols types,
            ResilienceRecognizer recognizer,
            IReadOnlyDictionary<ISymbol, List<IOperation>> memberValues,
            INamedTypeSymbol type,
            Compilation compilation,
            IReadOnlyDictionary<IMethodSymbol, List<IInvocationOperation>>? privateCalls = null,
            Dictionary<ISymbol, ClientOrigin>? otherMembers = null)
        {
            _types = types;
            _recognizer = recognizer;
            _memberValues = memberValues;
            _type = type;
            _compilation = compilation;
            _privateCalls = privateCalls;
            _otherMembers = otherMembers;
        }

        public ClientOrigin Resolve(IOperation operation, int depth = 0)
        {
            if (depth > 4)
            {
                return ClientOrigin.Unknown;
            }

            switch (OperationHelpers.SkipConversions(operation))
            {
                case IInvalidOperation:
                case IObjectCreationOperation { Constructor: null }:
                case IObjectCreationOperation { Type: null or IErrorTypeSymbol }:
                case IInvocationOperation { TargetMethod.ReturnType: IErrorTypeSymbol }:
                    return ClientOrigin.Unresolved; // a call or creation that does not resolve: never report on its strength

                case IInvocationOperation invocation:
                    return FromInvocation(invocation, depth);

                case IObjectCreationOperation creation when KnownTypes.Is(creation.Type, _types.HttpClient):
                    if (creation.Arguments.Length > 0 && FindsHandler(creation.Arguments[0].Value, depth, IsResilientHandlerCreation))
                    {
                        return ClientOrigin.Resilient;
                    }

                    return creation.Arguments.Length > 0 && FindsHandler(creation.Arguments[0].Value, depth, IsTestServerHandler)
                        ? ClientOrigin.InMemory
                        : ClientOrigin.NewClient;

                case ILocalReferenceOperation local:
                    return Combine(ValuesOfLocal(local), depth);

                case IParameterReferenceOperation parameter:
                    return parameter.Parameter.ContainingSymbol is IMethodSymbol { MethodKind: MethodKind.Constructor } constructor
                        ? ClientOrigin.Typed(constructor.ContainingType)
                        : FromCallers(parameter, depth);

                case IFieldReferenceOperation field:
                    return FromMember(field.Field, depth);

                case IPropertyReferenceOperation property when !property.Property.IsIndexer:
                    return FromMember(property.Property, depth);

                case IConditionalOperation conditional when conditional.WhenFalse is not null:
                    return Combine(new[] { conditional.WhenTrue, conditional.WhenFalse }, depth);

                case ICoalesceAssignmentOperation lazy:
                    return Combine(new[] { lazy.Target, lazy.Value }, depth);

                case ICoalesceOperation coalesce:
                    return Combine(new[] { coalesce.Value, coalesce.WhenNull }, depth);

                default:
                    return ClientOrigin.Unknown;
            }
        }

        private ClientOrigin FromInvocation(IInvocationOperation invocation, int depth)
        {
            var method = invocation.TargetMethod;
            if (_memberValues.TryGetValue(method.OriginalDefinition, out var returned))
            {
                return Combine(returned, depth); // a factory method of this type: what it returns
            }

            if (KnownTypes.Is(method.ContainingType, _types.SteadfastResilientHttp) && method.Name == "CreateClient")
            {
                return ClientOrigin.Resilient;
            }

            if (IsTestServerClient(method))
            {
                return ClientOrigin.InMemory;
            }

            if (method.Name == "CreateClient" &&
                (KnownTypes.Is(method.ContainingType, _types.HttpClientFactory) || KnownTypes.Is(method.ContainingType, _types.HttpClientFactoryExtensions)))
            {
                foreach (var argument in invocation.Arguments)
                {
                    if (argument.Parameter?.Type.SpecialType == SpecialType.System_String && !argument.IsImplicit)
                    {
                        return ClientOrigin.Named(HttpRegistrations.NameKey(argument.Value)); // a constant's value, or the field or property it reads
                    }
                }

                return ClientOrigin.Named(string.Empty);
            }

            return ClientOrigin.Unknown;
        }

        private ClientOrigin FromMember(ISymbol member, int depth)
        {
            if (SymbolEqualityComparer.Default.Equals(member.ContainingType?.OriginalDefinition, _type.OriginalDefinition))
            {
                return _memberValues.TryGetValue(member.OriginalDefinition, out var values) ? Combine(values, depth) : ClientOrigin.Unknown;
            }

            // Another type's member (a fixture's Client, a static Clients.Shared): what its declaration initializes it
            // with and what that type assigns to it. Such references are rare; only those initializers and assignments
            // are bound, and only a safe origin (resilient, or an in-memory test server) is believed.
            if (depth >= 2 || member.ContainingType is not { } owner)
            {
                return ClientOrigin.Unknown;
            }

            if (_otherMembers is not null && _otherMembers.TryGetValue(member.OriginalDefinition, out var known))
            {
                return known;
            }

            var origin = FromOtherTypesMember(member, owner, depth);
            if (_otherMembers is not null)
            {
                _otherMembers[member.OriginalDefinition] = origin;
            }

            return origin;
        }

        private ClientOrigin FromOtherTypesMember(ISymbol member, INamedTypeSymbol owner, int depth)
        {
            var assigned = new List<IOperation>();
            foreach (var reference in member.DeclaringSyntaxReferences)
            {
                var syntax = reference.GetSyntax();
                ExpressionSyntax? initializer = syntax switch
                {
                    VariableDeclaratorSyntax declarator => declarator.Initializer?.Value,
                    PropertyDeclarationSyntax property => property.Initializer?.Value ?? property.ExpressionBody?.Expression,
                    _ => null,
                };

                if (initializer is not null && _compilation.ContainsSyntaxTree(reference.SyntaxTree) && Model(reference.SyntaxTree).GetOperation(initializer) is { } value)
                {
                    assigned.Add(value);
                }
            }

            foreach (var reference in owner.DeclaringSyntaxReferences)
            {
                if (!_compilation.ContainsSyntaxTree(reference.SyntaxTree))
                {
                    continue;
                }

                foreach (var node in reference.GetSyntax().DescendantNodes())
                {
                    if (node is AssignmentExpressionSyntax { Left: var left } assignment && AssignedName(left) == member.Name &&
                        Model(reference.SyntaxTree).GetOperation(assignment) is ISimpleAssignmentOperation { Target: IMemberReferenceOperation target } bound &&
                        SymbolEqualityComparer.Default.Equals(target.Member.OriginalDefinition, member.OriginalDefinition))
                    {
                        assigned.Add(bound.Value);
                    }
                }
            }

            // A typed client's exposed HttpClient (PluginBuilderClient.HttpClient, set from its constructor) is that typed
            // client's: judged at its registration when the compilation holds one (one warning per mistake).
            var origin = assigned.Count == 0 ? ClientOrigin.Unknown : Combine(assigned, depth);
            return origin.IsSafe || origin.Kind == OriginKind.Typed ? origin : ClientOrigin.Unknown;
        }

        private SemanticModel Model(SyntaxTree tree)
        {
#pragma warning disable RS1030 // Another type's member: its initializer and assignments, bound on demand (see FromMember).
            return _compilation.GetSemanticModel(tree);
#pragma warning restore RS1030
        }

        private static string? AssignedName(ExpressionSyntax left) => left switch
        {
            IdentifierNameSyntax name => name.Identifier.ValueText,
            MemberAccessExpressionSyntax access => access.Name.Identifier.ValueText,
            _ => null,
        };

        /// <summary>
        /// A parameter of a private method of this type, or of a local function: what every call made here passes to it,
        /// believed when safe (a helper that is handed a test server's client) or from outside. A parameter of a method
        /// whose callers are not all here (public, or used as a delegate) is <see cref="OriginKind.Parameter"/>.
        /// </summary>
        private ClientOrigin FromCallers(IParameterReferenceOperation parameter, int depth)
        {
            if (parameter.Parameter.ContainingSymbol is IMethodSymbol { MethodKind: MethodKind.PropertySet } setter)
            {
                // The value of a setter other code may call (public HttpClient HttpClient { set; }, an init accessor): a client
                // the type is handed, as through a constructor or a public method. A private setter's callers are all here.
                return setter.DeclaredAccessibility is Accessibility.Private ? ClientOrigin.Unknown : ClientOrigin.Parameter;
            }

            if (parameter.Parameter.ContainingSymbol is not IMethodSymbol method || method.MethodKind is not (MethodKind.Ordinary or MethodKind.LocalFunction))
            {
                return ClientOrigin.Unknown; // a lambda's parameter: not a client handed in by a caller
            }

            List<IInvocationOperation>? calls = null;
            if (method.MethodKind == MethodKind.LocalFunction)
            {
                calls = new List<IInvocationOperation>();
                foreach (var op in OperationHelpers.Root(parameter).Descendants())
                {
                    if (op is IMethodReferenceOperation reference && SymbolEqualityComparer.Default.Equals(reference.Method.OriginalDefinition, method.OriginalDefinition))
                    {
                        return ClientOrigin.Parameter; // used as a delegate: its callers are not all here
                    }

                    if (op is IInvocationOperation call && SymbolEqualityComparer.Default.Equals(call.TargetMethod.OriginalDefinition, method.OriginalDefinition))
                    {
                        calls.Add(call);
                    }
                }
            }
            else if (_privateCalls is null || !_privateCalls.TryGetValue(method.OriginalDefinition, out calls))
            {
                return ClientOrigin.Parameter; // a public method, or a private one used as a delegate: the client comes from outside
            }

            var values = new List<IOperation>();
            foreach (var call in calls)
            {
                foreach (var argument in call.Arguments)
                {
                    if (SymbolEqualityComparer.Default.Equals(argument.Parameter?.OriginalDefinition, parameter.Parameter.OriginalDefinition))
                    {
                        values.Add(argument.Value);
                    }
                }
            }

            // Every caller is here: what they pass, believed when safe or itself from outside (a typed client, a parameter);
            // a client made here without resilience stays reported at the helper's call, as before.
            var origin = values.Count == 0 ? ClientOrigin.Unknown : Combine(values, depth);
            return origin.IsSafe || origin.Kind is OriginKind.Typed or OriginKind.Parameter ? origin : ClientOrigin.Unknown;
        }

        /// <summary><c>TestServer.CreateClient()</c>, <c>WebApplicationFactory&lt;T&gt;.CreateClient(…)</c>/<c>CreateDefaultClient(…)</c>, <c>IHost.GetTestClient()</c>.</summary>
        private bool IsTestServerClient(IMethodSymbol method)
        {
            var declaring = (method.ReducedFrom ?? method).ContainingType;
            return method.Name switch
            {
                "CreateClient" => KnownTypes.DerivesFrom(declaring, _types.TestServer) || KnownTypes.DerivesFrom(declaring, _types.WebApplicationFactory),
                "CreateDefaultClient" => KnownTypes.DerivesFrom(declaring, _types.WebApplicationFactory),
                "GetTestClient" => KnownTypes.Is(declaring, _types.HostBuilderTestServerExtensions),
                _ => false,
            };
        }

        /// <summary><c>server.CreateHandler()</c> of a <c>TestServer</c>: a handler that answers in memory.</summary>
        private bool IsTestServerHandler(IOperation op) =>
            op is IInvocationOperation { TargetMethod: { Name: "CreateHandler" } method } && KnownTypes.DerivesFrom(method.ContainingType, _types.TestServer);

        private bool IsResilientHandlerCreation(IOperation op) => op is IObjectCreationOperation { Type: { } type } && IsHandlerType(type);

        /// <summary>A handler chain (an argument, through locals) holding what <paramref name="found"/> looks for.</summary>
        private bool FindsHandler(IOperation handler, int depth, System.Func<IOperation, bool> found)
        {
            foreach (var op in handler.DescendantsAndSelf())
            {
                if (found(op))
                {
                    return true;
                }

                if (op is ILocalReferenceOperation local && depth < 4)
                {
                    foreach (var value in ValuesOfLocal(local))
                    {
                        if (FindsHandler(value, depth + 1, found))
                        {
                            return true;
                        }
                    }
                }
            }

            return false;
        }

        private bool IsHandlerType(ITypeSymbol type) => _recognizer.IsResilientHandler(type);

        private ClientOrigin Combine(IEnumerable<IOperation> values, int depth)
        {
            ClientOrigin? result = null;
            foreach (var value in values)
            {
                var origin = Resolve(value, depth + 1);
                if (!origin.IsSafe)
                {
                    return origin; // any path that is not known to retry (or to stay in memory) decides
                }

                result = origin;
            }

            return result ?? ClientOrigin.Unknown;
        }

        /// <summary>Every value a local is given: its initializer and its assignments.</summary>
        internal static List<IOperation> ValuesOfLocal(ILocalReferenceOperation reference)
        {
            var values = new List<IOperation>();
            foreach (var op in OperationHelpers.Root(reference).Descendants())
            {
                switch (op)
                {
                    case IVariableDeclaratorOperation declarator when SymbolEqualityComparer.Default.Equals(declarator.Symbol, reference.Local):
                        if (OperationHelpers.InitialValue(declarator) is { } initial)
                        {
                            values.Add(initial);
                        }

                        break;
                    case ISimpleAssignmentOperation { Target: ILocalReferenceOperation target } assignment when SymbolEqualityComparer.Default.Equals(target.Local, reference.Local):
                        values.Add(assignment.Value);
                        break;
                }
            }

            return values;
        }
    }
}
