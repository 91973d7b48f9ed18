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

        /// <summary>How far the decision follows holders and factories (a holder's holder, a factory's caller's caller).</summary>
        private const int MaxDepth = 4;

        /// <summary>The most invocations (by the factory's simple name, before binding) a factory's callers are judged from.</summary>
        private const int MaxFactoryCalls = 32;

        private readonly ConcurrentDictionary<ITypeSymbol, OwnerLifetime> _rootOnly = new ConcurrentDictionary<ITypeSymbol, OwnerLifetime>(SymbolEqualityComparer.Default);

        public OwnerLifetime Of(INamedTypeSymbol type, CancellationToken cancellationToken)
        {
            type = type.OriginalDefinition;
            if (_known.TryGetValue(type, out var known) || _rootOnly.TryGetValue(type, out known))
            {
                return known;
            }

            var assumed = false;
            known = Of(type, new HashSet<ITypeSymbol>(SymbolEqualityComparer.Default), ref assumed, cancellationToken);
            _rootOnly[type] = known; // a root's answer depends on nothing but the type (cycles back to it counted as unknown)
            return known;
        }

        /// <summary>
        /// The lifetime of <paramref name="type"/> while deciding the types in <paramref name="visiting"/> (a holder's or a
        /// factory's chain). A cycle back to one of them, or a chain deeper than <see cref="MaxDepth"/>, is taken as
        /// unknown, and sets <paramref name="assumed"/>: such an answer depends on where the question came from, so it is
        /// not kept (answers kept in <see cref="_known"/> are the same from any starting point, so the result is deterministic).
        /// </summary>
        private OwnerLifetime Of(INamedTypeSymbol type, HashSet<ITypeSymbol> visiting, ref bool assumed, CancellationToken cancellationToken)
        {
            type = type.OriginalDefinition;
            if (_known.TryGetValue(type, out var known))
            {
                return known;
            }

            if (visiting.Count >= MaxDepth || !visiting.Add(type))
            {
                assumed = true;
                return OwnerLifetime.Unknown;
            }

            var assumedHere = false;
            try
            {
                known = Decide(type, visiting, ref assumedHere, cancellationToken);
            }
            finally
            {
                visiting.Remove(type);
            }

            if (assumedHere)
            {
                assumed = true;
            }
            else
            {
                _known[type] = known;
            }

            return known;
        }

        /// <summary>What becomes of one object made with <c>new</c> (or returned by a factory).</summary>
        private enum Fate
        {
            /// <summary>Used and dropped where it is made.</summary>
            PerOperation,

            /// <summary>Per operation, but passed as an argument: the callee could keep it, in a field or property that can hold it.</summary>
            HandedOn,

            /// <summary>Stored, returned out of sight, captured, or made in the entry point: it may live long.</summary>
            Kept,
        }

        private OwnerLifetime Decide(INamedTypeSymbol type, HashSet<ITypeSymbol> visiting, ref bool assumed, CancellationToken cancellationToken)
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
            var kept = false;
            var handedOn = false;
            var heldBy = new List<(INamedTypeSymbol? Holder, bool IsStatic)>();
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

                    var model = Model(node.SyntaxTree);
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

                        if (MentionsAny(held, holders, 0))
                        {
                            // held by another object: lives as long as that one
                            var holderType = node.Parent is TypeDeclarationSyntax declaration ? model.GetDeclaredSymbol(declaration, cancellationToken) : null;
                            heldBy.Add((holderType, IsStatic(modifiers)));
                        }

                        continue;
                    }

                    if (model.GetOperation(node, cancellationToken) is IObjectCreationOperation creation &&
                        SymbolEqualityComparer.Default.Equals(creation.Type?.OriginalDefinition, type))
                    {
                        created++;
                        switch (FateOf(creation, model, visiting, 0, ref assumed, cancellationToken))
                        {
                            case Fate.Kept:
                                kept = true;
                                break;
                            case Fate.HandedOn:
                                handedOn = true;
                                break;
                        }
                    }
                }
            }

            if (_perScopeOrCall.Contains(type) ||
                KnownTypes.DerivesFrom(type, _types.ControllerBase) || KnownTypes.DerivesFrom(type, _types.PageModel) || KnownTypes.DerivesFrom(type, _types.SignalRHub))
            {
                return OwnerLifetime.ShortLived; // the container or the framework makes one per request (or per call)
            }

            if (created == 0 || kept)
            {
                return OwnerLifetime.Unknown;
            }

            // An object reaches a field or property only when it is handed on: passed as an argument where it is made, or
            // passing itself ('this') from its own code. Then each holder that could keep it must itself be short-lived
            // (a per-operation context that holds a per-operation log: both go when the operation ends).
            if (heldBy.Count > 0 && (handedOn || HandsItselfOn(type, cancellationToken)))
            {
                foreach (var (holder, isStatic) in heldBy)
                {
                    if (isStatic || holder is null || SymbolEqualityComparer.Default.Equals(holder.OriginalDefinition, type) ||
                        Of(holder, visiting, ref assumed, cancellationToken) != OwnerLifetime.ShortLived)
                    {
                        return OwnerLifetime.Unknown;
                    }
                }
            }

            return OwnerLifetime.ShortLived;
        }

        private SemanticModel Model(SyntaxTree tree) => _models.GetOrAdd(tree, t =>
        {
#pragma warning disable RS1030 // A compilation-wide fact, computed once, binding only the candidates of the type in question (see remarks).
            return _compilation.GetSemanticModel(t);
#pragma warning restore RS1030
        });

        /// <summary>
        /// The type's own code passes <c>this</c> on: as an argument, in an assignment, a return, a collection or a
        /// tuple (anything but <c>this.Member</c> and <c>this[…]</c>). Such an object can reach a holder without being
        /// passed where it is made.
        /// </summary>
        private static bool HandsItselfOn(INamedTypeSymbol type, CancellationToken cancellationToken)
        {
            foreach (var reference in type.DeclaringSyntaxReferences)
            {
                foreach (var node in reference.GetSyntax(cancellationToken).DescendantNodes())
                {
                    if (node is ThisExpressionSyntax self &&
                        !(self.Parent is MemberAccessExpressionSyntax access && access.Expression == self) &&
                        !(self.Parent is ElementAccessExpressionSyntax element && element.Expression == self) &&
                        !(self.Parent is ConditionalAccessExpressionSyntax conditional && conditional.Expression == self))
                    {
                        return true;
                    }
                }
            }

            return false;
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
        /// What becomes of an object made here (<paramref name="made"/>: its creation, or a call of a factory that returns
        /// one): the receiver of a call (<c>new Parser(text).Parse()</c>), a <c>using</c> resource, or a local of a method
        /// other than the entry point that is only ever a receiver or an argument is used and dropped; an argument is
        /// handed on (the callee could keep it, but only in a field or property that can hold the type: checked apart);
        /// stored in a field or property of the object being built (an initializer, or <c>this.X = …</c>) it lives as
        /// long as that object, so it is per operation when that object's type is short-lived; returned from a factory
        /// method, it is what that method's callers make of it, when every call of the method is visible (an ordinary,
        /// non-virtual method of an application, or one not visible outside the assembly, called at least once).
        /// Anything else is kept.
        /// </summary>
        private Fate FateOf(IOperation made, SemanticModel model, HashSet<ITypeSymbol> visiting, int depth, ref bool assumed, CancellationToken cancellationToken)
        {
            var node = OperationHelpers.OutermostConversion(made);
            switch (node.Parent)
            {
                case IInvocationOperation call when call.Instance == node:
                case IPropertyReferenceOperation property when property.Instance == node:
                case IUsingOperation:
                    return InEntryPoint(made, model, cancellationToken) ? Fate.Kept : Fate.PerOperation;
                case IArgumentOperation:
                    return InEntryPoint(made, model, cancellationToken) ? Fate.Kept : Fate.HandedOn; // kept only in a field that can hold it (checked apart)
                case IVariableInitializerOperation { Parent: IVariableDeclaratorOperation { Symbol: var local } }:
                    if (InEntryPoint(made, model, cancellationToken))
                    {
                        return Fate.Kept; // a local of Main or top-level statements lives as long as the program
                    }

                    var fate = Fate.PerOperation;
                    foreach (var use in OperationHelpers.Root(made).Descendants())
                    {
                        if (use is not ILocalReferenceOperation reference || !SymbolEqualityComparer.Default.Equals(reference.Local, local))
                        {
                            continue;
                        }

                        var at = OperationHelpers.OutermostConversion(reference);
                        switch (at.Parent)
                        {
                            case IInvocationOperation call when call.Instance == at:
                            case IPropertyReferenceOperation property when property.Instance == at:
                            case IFieldReferenceOperation field when field.Instance == at:
                            case IEventReferenceOperation handler when handler.Instance == at:
                                break;
                            case IArgumentOperation:
                                fate = Fate.HandedOn; // kept only in a field that can hold it (checked apart)
                                break;
                            default:
                                return Fate.Kept; // returned, stored, passed on, captured: it may outlive the operation
                        }
                    }

                    return fate;
                case ISimpleAssignmentOperation { Target: IMemberReferenceOperation { Instance: IInstanceReferenceOperation, Member: var member } } assignment when assignment.Value == node:
                    return HeldByShortLived(member, visiting, ref assumed, cancellationToken) ? Fate.PerOperation : Fate.Kept;
                case IFieldInitializerOperation fieldInitializer when fieldInitializer.InitializedFields.Length == 1:
                    return HeldByShortLived(fieldInitializer.InitializedFields[0], visiting, ref assumed, cancellationToken) ? Fate.PerOperation : Fate.Kept;
                case IPropertyInitializerOperation propertyInitializer when propertyInitializer.InitializedProperties.Length == 1:
                    return HeldByShortLived(propertyInitializer.InitializedProperties[0], visiting, ref assumed, cancellationToken) ? Fate.PerOperation : Fate.Kept;
                case IReturnOperation:
                    return depth < 2 ? FateOfFactory(made, model, visiting, depth, ref assumed, cancellationToken) : Fate.Kept;
                default:
                    return Fate.Kept;
            }
        }

        /// <summary>An instance field or property of a short-lived type: what it holds goes with its owner.</summary>
        private bool HeldByShortLived(ISymbol member, HashSet<ITypeSymbol> visiting, ref bool assumed, CancellationToken cancellationToken) =>
            member is IFieldSymbol or IPropertySymbol && !member.IsStatic && member.ContainingType is { } holder &&
            Of(holder, visiting, ref assumed, cancellationToken) == OwnerLifetime.ShortLived;

        /// <summary>A value returned by an ordinary method: what every visible call of that method makes of it (the worst of them).</summary>
        private Fate FateOfFactory(IOperation made, SemanticModel model, HashSet<ITypeSymbol> visiting, int depth, ref bool assumed, CancellationToken cancellationToken)
        {
            if (model.GetEnclosingSymbol(made.Syntax.SpanStart, cancellationToken) is not IMethodSymbol { MethodKind: MethodKind.Ordinary } method ||
                method.IsVirtual || method.IsAbstract || method.IsOverride || method.ExplicitInterfaceImplementations.Length > 0 ||
                ImplementsAnInterface(method) ||
                (IsVisibleOutside(method) && _compilation.Options.OutputKind is not (OutputKind.ConsoleApplication or OutputKind.WindowsApplication)))
            {
                return Fate.Kept; // callers out of sight
            }

            var candidates = _index.Invocations(method.Name);
            if (candidates.Count > MaxFactoryCalls)
            {
                return Fate.Kept; // a common name (Create, Get): too many calls to bind for this one question
            }

            var calls = 0;
            var worst = Fate.PerOperation;
            foreach (var invocation in candidates)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var callModel = Model(invocation.SyntaxTree);
                if (callModel.GetOperation(invocation, cancellationToken) is not IInvocationOperation call ||
                    !SymbolEqualityComparer.Default.Equals(call.TargetMethod.OriginalDefinition, method.OriginalDefinition))
                {
                    continue;
                }

                calls++;
                var fate = FateOf(call, callModel, visiting, depth + 1, ref assumed, cancellationToken);
                if (fate == Fate.Kept)
                {
                    return Fate.Kept;
                }

                if (fate == Fate.HandedOn)
                {
                    worst = Fate.HandedOn;
                }
            }

            return calls > 0 ? worst : Fate.Kept; // no visible call: used as a method group, or by code out of sight
        }

        private static bool ImplementsAnInterface(IMethodSymbol method)
        {
            var type = method.ContainingType;
            foreach (var implemented in type.AllInterfaces)
            {
                foreach (var member in implemented.GetMembers(method.Name))
                {
                    if (SymbolEqualityComparer.Default.Equals(type.FindImplementationForInterfaceMember(member), method))
                    {
                        return true;
                    }
                }
            }

            return false;
        }

        private static bool IsVisibleOutside(ISymbol symbol)
        {
            for (var s = symbol; s is not null && s is not INamespaceSymbol; s = s.ContainingSymbol)
            {
                if (s.DeclaredAccessibility is not (Accessibility.Public or Accessibility.Protected or Accessibility.ProtectedOrInternal))
                {
                    return false;
                }
            }

            return true;
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
