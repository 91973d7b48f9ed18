using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Runtime.CompilerServices;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;
using Steadfast.Analyzers.Internal;

namespace Steadfast.Analyzers.Rules.SF4001
{
    /// <summary>How long an instance of a type lives, as far as the compilation shows.</summary>
    internal enum OwnerLifetime
    {
        /// <summary>No evidence either way: SF4001 judges its instance fields (the conservative default).</summary>
        Unknown,

        /// <summary>A singleton or hosted service, or held in a static field.</summary>
        LongLived,

        /// <summary>Scoped or transient, a controller, page model or hub, or made with <c>new</c> per operation and dropped.</summary>
        ShortLived,
    }

    /// <summary>
    /// The evidence about owners' lifetimes: dependency-injection registrations, and the places a type is created or held.
    /// An instance field of a short-lived owner (a per-request parser's memo, a per-run exporter's map) goes away with its
    /// owner, so SF4001 does not judge it; every other instance field is judged as before.
    /// </summary>
    /// <remarks>
    /// Where a type is registered or created is a compilation-wide fact (the IDE analyses one file at a time), so it is
    /// computed once per compilation (shared by SF4001 and SF4002), and only when a field would otherwise be reported: the
    /// compilation's <see cref="SyntaxIndex"/> (one walk of each syntax tree, shared with other rules) gives the
    /// registration calls by method name, and object creations and field or property declarations by the simple name of
    /// their type (a syntactic prefilter); only the registrations and the few candidates of a type in question are
    /// bound and confirmed by symbol.
    /// </remarks>
    internal sealed class OwnerLifetimes
    {
        private readonly Compilation _compilation;
        private readonly SF4001Symbols _types;
        private readonly HashSet<ITypeSymbol> _singletons;
        private readonly HashSet<ITypeSymbol> _perScopeOrCall;
        private static readonly ConditionalWeakTable<Compilation, RetryableLazy<OwnerLifetimes>> Cache = new ConditionalWeakTable<Compilation, RetryableLazy<OwnerLifetimes>>();

        private readonly SyntaxIndex _index;
        private readonly ConcurrentDictionary<ITypeSymbol, OwnerLifetime> _known = new ConcurrentDictionary<ITypeSymbol, OwnerLifetime>(SymbolEqualityComparer.Default);
        private readonly ConcurrentDictionary<SyntaxTree, SemanticModel> _models = new ConcurrentDictionary<SyntaxTree, SemanticModel>();
        private readonly IMethodSymbol? _entryPoint;

        private OwnerLifetimes(Compilation compilation, SF4001Symbols types, HashSet<ITypeSymbol> singletons, HashSet<ITypeSymbol> perScopeOrCall, SyntaxIndex index, IMethodSymbol? entryPoint)
        {
            _compilation = compilation;
            _types = types;
            _singletons = singletons;
            _perScopeOrCall = perScopeOrCall;
            _index = index;
            _entryPoint = entryPoint;
        }

        public OwnerLifetime Of(INamedTypeSymbol type, CancellationToken cancellationToken)
        {
            type = type.OriginalDefinition;
            if (_known.TryGetValue(type, out var known))
            {
                return known;
            }

            known = Decide(type, cancellationToken);
            _known[type] = known;
            return known;
        }

        private OwnerLifetime Decide(INamedTypeSymbol type, CancellationToken cancellationToken)
        {
            if (_singletons.Contains(type) || KnownTypes.Implements(type, _types.HostedService))
            {
                return OwnerLifetime.LongLived;
            }

            // Who could hold one: a field or property typed as the type, one of its bases or interfaces, or a collection of them.
            var holders = new HashSet<ITypeSymbol>(SymbolEqualityComparer.Default) { type };
            for (var b = type.BaseType; b is not null && b.SpecialType != SpecialType.System_Object; b = b.BaseType)
            {
                holders.Add(b.OriginalDefinition);
            }

            foreach (var implemented in type.AllInterfaces)
            {
                holders.Add(implemented.OriginalDefinition);
            }

            var created = 0;
            var heldOrEscapes = false;
            var seen = new HashSet<SyntaxNode>();
            foreach (var holder in holders)
            {
                foreach (var node in Candidates(holder.Name))
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    if (!seen.Add(node))
                    {
                        continue;
                    }

                    var model = _models.GetOrAdd(node.SyntaxTree, tree =>
                    {
#pragma warning disable RS1030 // A compilation-wide fact, computed once, binding only the candidates of the type in question (see remarks).
                        return _compilation.GetSemanticModel(tree);
#pragma warning restore RS1030
                    });

                    var (declaredType, modifiers) = node switch
                    {
                        BaseFieldDeclarationSyntax field => (field.Declaration.Type, field.Modifiers),
                        PropertyDeclarationSyntax property => (property.Type, property.Modifiers),
                        _ => (null, default(SyntaxTokenList)),
                    };

                    if (declaredType is not null)
                    {
                        var held = model.GetTypeInfo(declaredType, cancellationToken).Type;
                        if (Mentions(held, type, 0) && IsStatic(modifiers))
                        {
                            return OwnerLifetime.LongLived; // held in a static field: lives as long as the process
                        }

                        heldOrEscapes |= MentionsAny(held, holders, 0); // held by another object: lives as long as that one
                        continue;
                    }

                    if (model.GetOperation(node, cancellationToken) is IObjectCreationOperation creation &&
                        SymbolEqualityComparer.Default.Equals(creation.Type?.OriginalDefinition, type))
                    {
                        created++;
                        heldOrEscapes |= !IsPerOperation(creation, model, cancellationToken);
                    }
                }
            }

            if (_perScopeOrCall.Contains(type) ||
                KnownTypes.DerivesFrom(type, _types.ControllerBase) || KnownTypes.DerivesFrom(type, _types.PageModel) || KnownTypes.DerivesFrom(type, _types.SignalRHub))
            {
                return OwnerLifetime.ShortLived; // the container or the framework makes one per request (or per call)
            }

            return created > 0 && !heldOrEscapes ? OwnerLifetime.ShortLived : OwnerLifetime.Unknown;
        }

        /// <summary>The creations and the field and property declarations that name <paramref name="typeName"/>, as the scan's one list did.</summary>
        private IEnumerable<SyntaxNode> Candidates(string typeName)
        {
            foreach (var creation in _index.Creations(typeName))
            {
                yield return creation;
            }

            foreach (var declaration in _index.Declarations(typeName))
            {
                yield return declaration;
            }
        }

        /// <summary>
        /// A creation whose object is used and dropped where it is made: the receiver of a call (<c>new Parser(text).Parse()</c>),
        /// a <c>using</c> resource, an argument, or a local of a method other than the entry point that is only ever a
        /// receiver or an argument. An argument could be kept by the callee, but only in a field or property that can hold
        /// the type (its own, a base's or an interface's, or a collection of them), and any such declaration in the
        /// compilation makes the owner not short-lived.
        /// </summary>
        private bool IsPerOperation(IObjectCreationOperation creation, SemanticModel model, CancellationToken cancellationToken)
        {
            var node = OperationHelpers.OutermostConversion(creation);
            switch (node.Parent)
            {
                case IInvocationOperation call when call.Instance == node:
                case IPropertyReferenceOperation property when property.Instance == node:
                case IUsingOperation:
                case IArgumentOperation:
                    return !InEntryPoint(creation, model, cancellationToken); // an argument is kept only in a field that can hold it (checked apart)
                case IVariableInitializerOperation { Parent: IVariableDeclaratorOperation { Symbol: var local } }:
                    if (InEntryPoint(creation, model, cancellationToken))
                    {
                        return false; // a local of Main or top-level statements lives as long as the program
                    }

                    foreach (var use in OperationHelpers.Root(creation).Descendants())
                    {
                        if (use is not ILocalReferenceOperation reference || !SymbolEqualityComparer.Default.Equals(reference.Local, local))
                        {
                            continue;
                        }

                        var at = OperationHelpers.OutermostConversion(reference);
                        var receiver = at.Parent switch
                        {
                            IInvocationOperation call => call.Instance == at,
                            IPropertyReferenceOperation property => property.Instance == at,
                            IFieldReferenceOperation field => field.Instance == at,
                            IEventReferenceOperation handler => handler.Instance == at,
                            IArgumentOperation => true, // kept only in a field that can hold it (checked apart)
                            _ => false,
                        };

                        if (!receiver)
                        {
                            return false; // returned, stored, passed on, captured: it may outlive the operation
                        }
                    }

                    return true;
                default:
                    return false;
            }
        }

        /// <summary>The type itself, or a generic (a list, a dictionary, a task) with it among its type arguments.</summary>
        private static bool Mentions(ITypeSymbol? held, ITypeSymbol type, int depth)
        {
            if (held is null || depth > 3)
            {
                return false;
            }

            if (SymbolEqualityComparer.Default.Equals(held.OriginalDefinition, type))
            {
                return true;
            }

            if (held is IArrayTypeSymbol array)
            {
                return Mentions(array.ElementType, type, depth + 1);
            }

            if (held is INamedTypeSymbol named)
            {
                foreach (var argument in named.TypeArguments)
                {
                    if (Mentions(argument, type, depth + 1))
                    {
                        return true;
                    }
                }
            }

            return false;
        }

        private static bool MentionsAny(ITypeSymbol? held, HashSet<ITypeSymbol> types, int depth)
        {
            foreach (var type in types)
            {
                if (Mentions(held, type, depth))
                {
                    return true;
                }
            }

            return false;
        }

        private bool InEntryPoint(IOperation operation, SemanticModel model, CancellationToken cancellationToken) =>
            _entryPoint is not null &&
            SymbolEqualityComparer.Default.Equals(model.GetEnclosingSymbol(operation.Syntax.SpanStart, cancellationToken), _entryPoint);

        private static bool IsStatic(SyntaxTokenList modifiers)
        {
            foreach (var modifier in modifiers)
            {
                if (modifier.IsKind(SyntaxKind.StaticKeyword) || modifier.IsKind(SyntaxKind.ConstKeyword))
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>The lifetimes of <paramref name="compilation"/> when some rule has scanned them already; never scans.</summary>
        public static bool TryGetScanned(Compilation compilation, out OwnerLifetimes? lifetimes)
        {
            lifetimes = null;
            return Cache.TryGetValue(compilation, out var lazy) && lazy.TryGetComputed(out lifetimes);
        }

        /// <summary>The lifetimes of <paramref name="compilation"/>, shared by SF4001 and SF4002 and scanned on first use (a cancelled scan is not kept).</summary>
        public static OwnerLifetimes Get(Compilation compilation, SF4001Symbols types, CancellationToken cancellationToken) =>
            Cache.GetValue(compilation, c => new RetryableLazy<OwnerLifetimes>(token => Scan(c, types, token))).GetValue(cancellationToken);

        private static OwnerLifetimes Scan(Compilation compilation, SF4001Symbols types, CancellationToken cancellationToken)
        {
            var singletons = new HashSet<ITypeSymbol>(SymbolEqualityComparer.Default);
            var perScopeOrCall = new HashSet<ITypeSymbol>(SymbolEqualityComparer.Default);
            var index = SyntaxIndex.Get(compilation, cancellationToken);
            var models = new Dictionary<SyntaxTree, SemanticModel>();
            foreach (var name in RegistrationNames)
            {
                var lifetime = RegistrationLifetime(name);
                foreach (var invocation in index.Invocations(name))
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    if (invocation.Expression is MemberBindingExpressionSyntax)
                    {
                        continue; // as the walk this replaced: registrations are plain or member-access calls
                    }

                    var tree = invocation.SyntaxTree;
                    if (!models.TryGetValue(tree, out var model))
                    {
#pragma warning disable RS1030 // A compilation-wide fact, computed once and only for the trees that register services (see remarks).
                        models[tree] = model = compilation.GetSemanticModel(tree);
#pragma warning restore RS1030
                    }

                    if (model.GetOperation(invocation, cancellationToken) is IInvocationOperation call && IsRegistration(call, types))
                    {
                        AddRegistered(call, lifetime == OwnerLifetime.LongLived ? singletons : perScopeOrCall);
                    }
                }
            }

            perScopeOrCall.ExceptWith(singletons);
            return new OwnerLifetimes(compilation, types, singletons, perScopeOrCall, index, compilation.GetEntryPoint(cancellationToken));
        }

        private static bool IsRegistration(IInvocationOperation call, SF4001Symbols types)
        {
            var containing = (call.TargetMethod.ReducedFrom ?? call.TargetMethod).ContainingType;
            return KnownTypes.Is(containing, types.ServiceCollectionServiceExtensions) ||
                   KnownTypes.Is(containing, types.ServiceCollectionDescriptorExtensions) ||
                   KnownTypes.Is(containing, types.ServiceCollectionHostedServiceExtensions);
        }

        /// <summary>The implementation type: the last type argument, a <c>typeof</c> argument, or an instance created in an argument.</summary>
        private static void AddRegistered(IInvocationOperation call, HashSet<ITypeSymbol> into)
        {
            var typeArguments = call.TargetMethod.TypeArguments;
            if (typeArguments.Length > 0)
            {
                into.Add(typeArguments[typeArguments.Length - 1].OriginalDefinition);
            }

            foreach (var argument in call.Arguments)
            {
                foreach (var op in argument.Value.DescendantsAndSelf())
                {
                    switch (op)
                    {
                        case ITypeOfOperation typeOf:
                            into.Add(typeOf.TypeOperand.OriginalDefinition);
                            break;
                        case IObjectCreationOperation { Type: { } made }:
                            into.Add(made.OriginalDefinition);
                            break;
                    }
                }
            }
        }

        private static readonly string[] RegistrationNames =
        {
            "AddSingleton", "TryAddSingleton", "AddKeyedSingleton", "TryAddKeyedSingleton", "AddHostedService",
            "AddScoped", "TryAddScoped", "AddKeyedScoped", "TryAddKeyedScoped",
            "AddTransient", "TryAddTransient", "AddKeyedTransient", "TryAddKeyedTransient",
        };

        private static OwnerLifetime? RegistrationLifetime(string? name) => name switch
        {
            "AddSingleton" or "TryAddSingleton" or "AddKeyedSingleton" or "TryAddKeyedSingleton" or "AddHostedService" => OwnerLifetime.LongLived,
            "AddScoped" or "TryAddScoped" or "AddKeyedScoped" or "TryAddKeyedScoped" or
            "AddTransient" or "TryAddTransient" or "AddKeyedTransient" or "TryAddKeyedTransient" => OwnerLifetime.ShortLived,
            _ => null,
        };
    }
}
