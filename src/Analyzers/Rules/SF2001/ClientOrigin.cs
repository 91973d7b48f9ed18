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
        public bool IsSettled => Kind is OriginKind.Resilient or OriginKind.NewClient;
    }

    /// <summary>Resolves receivers to origins; the field and property origins come from the type's own assignments.</summary>
    internal sealed class OriginResolver
    {
        private readonly SF2001Symbols _types;
        private readonly ResilienceRecognizer _recognizer;
        private readonly IReadOnlyDictionary<ISymbol, List<IOperation>> _memberValues;
        private readonly INamedTypeSymbol _type;
        private readonly Compilation _compilation;

        public OriginResolver(SF2001Symbols types, ResilienceRecognizer recognizer, IReadOnlyDictionary<ISymbol, List<IOperation>> memberValues, INamedTypeSymbol type, Compilation compilation)
        {
            _types = types;
            _recognizer = recognizer;
            _memberValues = memberValues;
            _type = type;
            _compilation = compilation;
        }

        public ClientOrigin Resolve(IOperation operation, int depth = 0)
        {
            if (depth > 4)
            {
                return ClientOrigin.Unknown;
            }

            switch (OperationHelpers.SkipConversions(operation))
            {
                case IInvocationOperation invocation:
                    return FromInvocation(invocation, depth);

                case IObjectCreationOperation creation when KnownTypes.Is(creation.Type, _types.HttpClient):
                    return creation.Arguments.Length > 0 && IsResilientHandler(creation.Arguments[0].Value, depth)
                        ? ClientOrigin.Resilient
                        : ClientOrigin.NewClient;

                case ILocalReferenceOperation local:
                    return Combine(ValuesOfLocal(local), depth);

                case IParameterReferenceOperation parameter:
                    return parameter.Parameter.ContainingSymbol is IMethodSymbol { MethodKind: MethodKind.Constructor } constructor
                        ? ClientOrigin.Typed(constructor.ContainingType)
                        : ClientOrigin.Unknown;

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

            // Another type's member: what its declaration initializes it with. Such references are rare, and the
            // initializer is bound alone; the type's assignments elsewhere are not seen, so only "resilient" is believed.
            if (depth >= 2)
            {
                return ClientOrigin.Unknown;
            }

            foreach (var reference in member.DeclaringSyntaxReferences)
            {
                var syntax = reference.GetSyntax();
                ExpressionSyntax? initializer = syntax switch
                {
                    VariableDeclaratorSyntax declarator => declarator.Initializer?.Value,
                    PropertyDeclarationSyntax property => property.Initializer?.Value ?? property.ExpressionBody?.Expression,
                    _ => null,
                };

                if (initializer is null || !_compilation.ContainsSyntaxTree(reference.SyntaxTree))
                {
                    continue;
                }

#pragma warning disable RS1030 // One initializer of another type's member, bound on demand (see the comment above).
                var model = _compilation.GetSemanticModel(reference.SyntaxTree);
#pragma warning restore RS1030
                if (model.GetOperation(initializer) is { } value && Resolve(value, depth + 1).Kind == OriginKind.Resilient)
                {
                    return ClientOrigin.Resilient;
                }
            }

            return ClientOrigin.Unknown;
        }

        private bool IsResilientHandler(IOperation handler, int depth)
        {
            foreach (var op in handler.DescendantsAndSelf())
            {
                switch (op)
                {
                    case IObjectCreationOperation { Type: { } type } when IsHandlerType(type):
                        return true;
                    case ILocalReferenceOperation local when depth < 4:
                        foreach (var value in ValuesOfLocal(local))
                        {
                            if (IsResilientHandler(value, depth + 1))
                            {
                                return true;
                            }
                        }

                        break;
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
                if (origin.Kind != OriginKind.Resilient)
                {
                    return origin; // any path that is not known to retry decides
                }

                result = origin;
            }

            return result ?? ClientOrigin.Unknown;
        }

        /// <summary>Every value a local is given: its initializer and its assignments.</summary>
        private static List<IOperation> ValuesOfLocal(ILocalReferenceOperation reference)
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
