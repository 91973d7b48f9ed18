using System.Collections.Concurrent;
using System.Collections.Generic;
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
    /// computed once per compilation, and only when a field would otherwise be reported: one walk of each syntax tree that
    /// keeps registration calls by method name, and object creations and field or property declarations by the simple
    /// name of their type (a syntactic prefilter); only the few candidates of a type in question are then bound and
    /// confirmed by symbol.
    /// </remarks>
    internal sealed class OwnerLifetimes
    {
        private readonly Compilation _compilation;
        private readonly SF4001Symbols _types;
        private readonly HashSet<ITypeSymbol> _singletons;
        private readonly HashSet<ITypeSymbol> _perScopeOrCall;
        private readonly Dictionary<string, List<SyntaxNode>> _byTypeName;
        private readonly ConcurrentDictionary<ITypeSymbol, OwnerLifetime> _known = new ConcurrentDictionary<ITypeSymbol, OwnerLifetime>(SymbolEqualityComparer.Default);
        private readonly ConcurrentDictionary<SyntaxTree, SemanticModel> _models = new ConcurrentDictionary<SyntaxTree, SemanticModel>();
        private readonly IMethodSymbol? _entryPoint;

        private OwnerLifetimes(Compilation compilation, SF4001Symbols types, HashSet<ITypeSymbol> singletons, HashSet<ITypeSymbol> perScopeOrCall, Dictionary<string, List<SyntaxNode>> byTypeName, IMethodSymbol? entryPoint)
        {
            _compilation = compilation;
            _types = types;
            _singletons = singletons;
            _perScopeOrCall = perScopeOrCall;
            _byTypeName = byTypeName;
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
            if (_singletons.Contains(type) || ImplementsHostedService(type))
            {
                return OwnerLifetime.LongLived;
            }

            var created = 0;
            var heldOrEscapes = false;
            if (_byTypeName.TryGetValue(type.Name, out var candidates))
            {
                foreach (var node in candidates)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    var model = _models.GetOrAdd(node.SyntaxTree, tree =>
                    {
#pragma warning disable RS1030 // A compilation-wide fact, computed once, binding only the candidates of the type in question (see remarks).
                        return _compilation.GetSemanticModel(tree);
#pragma warning restore RS1030
                    });

                    switch (node)
                    {
                        case BaseFieldDeclarationSyntax field:
                            if (SymbolEqualityComparer.Default.Equals(model.GetTypeInfo(field.Declaration.Type, cancellationToken).Type?.OriginalDefinition, type))
                            {
                                if (IsStatic(field.Modifiers))
                                {
                                    return OwnerLifetime.LongLived; // held in a static field: lives as long as the process
                                }

                                heldOrEscapes = true; // held by another object: lives as long as that one
                            }

                            break;
                        case PropertyDeclarationSyntax property:
                            if (SymbolEqualityComparer.Default.Equals(model.GetTypeInfo(property.Type, cancellationToken).Type?.OriginalDefinition, type))
                            {
                                if (IsStatic(property.Modifiers))
                                {
                                    return OwnerLifetime.LongLived;
                                }

                                heldOrEscapes = true;
                            }

                            break;
                        default:
                            if (model.GetOperation(node, cancellationToken) is IObjectCreationOperation creation &&
                                SymbolEqualityComparer.Default.Equals(creation.Type?.OriginalDefinition, type))
                            {
                                created++;
                                heldOrEscapes |= !IsPerOperation(creation, model, cancellationToken);
                            }

                            break;
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

        /// <summary>
        /// A creation whose object is used and dropped where it is made: the receiver of a call (<c>new Parser(text).Parse()</c>),
        /// a <c>using</c> resource, or a local of a method other than the entry point that is only ever a receiver.
        /// </summary>
        private bool IsPerOperation(IObjectCreationOperation creation, SemanticModel model, CancellationToken cancellationToken)
        {
            var node = OperationHelpers.OutermostConversion(creation);
            switch (node.Parent)
            {
                case IInvocationOperation call when call.Instance == node:
                case IPropertyReferenceOperation property when property.Instance == node:
                case IUsingOperation:
                    return !InEntryPoint(creation, model, cancellationToken);
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

        private bool InEntryPoint(IOperation operation, SemanticModel model, CancellationToken cancellationToken) =>
            _entryPoint is not null &&
            SymbolEqualityComparer.Default.Equals(model.GetEnclosingSymbol(operation.Syntax.SpanStart, cancellationToken), _entryPoint);

        private bool ImplementsHostedService(INamedTypeSymbol type)
        {
            if (_types.HostedService is null)
            {
                return false;
            }

            foreach (var implemented in type.AllInterfaces)
            {
                if (KnownTypes.Is(implemented, _types.HostedService))
                {
                    return true;
                }
            }

            return false;
        }

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

        public static OwnerLifetimes Scan(Compilation compilation, SF4001Symbols types, CancellationToken cancellationToken)
        {
            var singletons = new HashSet<ITypeSymbol>(SymbolEqualityComparer.Default);
            var perScopeOrCall = new HashSet<ITypeSymbol>(SymbolEqualityComparer.Default);
            var byTypeName = new Dictionary<string, List<SyntaxNode>>();
            foreach (var tree in compilation.SyntaxTrees)
            {
                cancellationToken.ThrowIfCancellationRequested();
                SemanticModel? model = null;
                foreach (var node in tree.GetRoot(cancellationToken).DescendantNodes())
                {
                    switch (node)
                    {
                        case ObjectCreationExpressionSyntax creation:
                            Add(byTypeName, SimpleName(creation.Type), node);
                            break;
                        case BaseFieldDeclarationSyntax field:
                            Add(byTypeName, SimpleName(field.Declaration.Type), node);
                            break;
                        case PropertyDeclarationSyntax property:
                            Add(byTypeName, SimpleName(property.Type), node);
                            break;
                        case InvocationExpressionSyntax invocation when RegistrationLifetime(NameOf(invocation)) is { } lifetime:
#pragma warning disable RS1030 // A compilation-wide fact, computed once and only for the trees that register services (see remarks).
                            model ??= compilation.GetSemanticModel(tree);
#pragma warning restore RS1030
                            if (model.GetOperation(invocation, cancellationToken) is IInvocationOperation call && IsRegistration(call, types))
                            {
                                AddRegistered(call, lifetime == OwnerLifetime.LongLived ? singletons : perScopeOrCall);
                            }

                            break;
                    }
                }
            }

            perScopeOrCall.ExceptWith(singletons);
            return new OwnerLifetimes(compilation, types, singletons, perScopeOrCall, byTypeName, compilation.GetEntryPoint(cancellationToken));
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

        private static OwnerLifetime? RegistrationLifetime(string? name) => name switch
        {
            "AddSingleton" or "TryAddSingleton" or "AddKeyedSingleton" or "TryAddKeyedSingleton" or "AddHostedService" => OwnerLifetime.LongLived,
            "AddScoped" or "TryAddScoped" or "AddKeyedScoped" or "TryAddKeyedScoped" or
            "AddTransient" or "TryAddTransient" or "AddKeyedTransient" or "TryAddKeyedTransient" => OwnerLifetime.ShortLived,
            _ => null,
        };

        private static void Add(Dictionary<string, List<SyntaxNode>> byTypeName, string? name, SyntaxNode node)
        {
            if (name is null)
            {
                return;
            }

            if (!byTypeName.TryGetValue(name, out var list))
            {
                byTypeName[name] = list = new List<SyntaxNode>();
            }

            list.Add(node);
        }

        private static string? SimpleName(TypeSyntax type) => type switch
        {
            SimpleNameSyntax simple => simple.Identifier.ValueText,
            QualifiedNameSyntax qualified => qualified.Right.Identifier.ValueText,
            AliasQualifiedNameSyntax alias => alias.Name.Identifier.ValueText,
            NullableTypeSyntax nullable => SimpleName(nullable.ElementType),
            _ => null,
        };

        private static string? NameOf(InvocationExpressionSyntax invocation) => invocation.Expression switch
        {
            MemberAccessExpressionSyntax access => access.Name.Identifier.ValueText,
            SimpleNameSyntax simple => simple.Identifier.ValueText,
            _ => null,
        };
    }
}
