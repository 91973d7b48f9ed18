using System.Collections.Generic;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;
using Steadfast.Analyzers.Internal;

namespace Steadfast.Analyzers.Rules.SF4001
{
    /// <summary>One call of a private method or local function of the owner: where it is, and what it passes.</summary>
    internal sealed class CallSite
    {
        public CallSite(SyntaxNode body, Dictionary<IParameterSymbol, IOperation> substitutions, bool? constructsStatic)
        {
            Body = body;
            Substitutions = substitutions;
            ConstructsStatic = constructsStatic;
        }

        /// <summary>The body the call is in (the caller's method, lambda or local function).</summary>
        public SyntaxNode Body { get; }

        /// <summary>Each parameter and the argument passed for it.</summary>
        public Dictionary<IParameterSymbol, IOperation> Substitutions { get; }

        /// <summary>Null when the call runs after construction; else whether it is in a static (true) or instance (false) constructor or initializer.</summary>
        public bool? ConstructsStatic { get; }
    }

    /// <summary>
    /// The calls of the owner's private methods and local functions (every one of which this type's analysis sees), so a
    /// key that is such a method's parameter is judged by what its callers pass, and a look-up and a store in different
    /// methods are paired when one passes its key to the other. Guarded by locking the instance.
    /// </summary>
    internal sealed class CallSites
    {
        private static readonly List<CallSite> None = new List<CallSite>();

        private readonly INamedTypeSymbol _owner;
        private readonly Dictionary<IMethodSymbol, List<CallSite>> _sites = new Dictionary<IMethodSymbol, List<CallSite>>(SymbolEqualityComparer.Default);
        private readonly HashSet<IMethodSymbol> _referenced = new HashSet<IMethodSymbol>(SymbolEqualityComparer.Default);

        public CallSites(INamedTypeSymbol owner) => _owner = owner;

        public void OnInvocation(OperationAnalysisContext context, KeyDomain domain)
        {
            var call = (IInvocationOperation)context.Operation;
            var method = call.TargetMethod.OriginalDefinition;
            if (!domain.IsTracked(method))
            {
                return;
            }

            var substitutions = new Dictionary<IParameterSymbol, IOperation>(SymbolEqualityComparer.Default);
            foreach (var argument in call.Arguments)
            {
                if (argument.Parameter is { } parameter)
                {
                    substitutions[parameter.OriginalDefinition] = argument.Value;
                }
            }

            var (body, _) = FieldUse.EnclosingFunction(call, context.ContainingSymbol);
            var site = new CallSite(body, substitutions, ConstructsStatic(call, context.ContainingSymbol));
            lock (this)
            {
                if (!_sites.TryGetValue(method, out var list))
                {
                    _sites[method] = list = new List<CallSite>();
                }

                list.Add(site);
            }
        }

        /// <summary>A method group (<c>GetOrAdd(id, Load)</c>, an event handler): called from places out of sight.</summary>
        public void OnMethodReference(OperationAnalysisContext context)
        {
            var reference = (IMethodReferenceOperation)context.Operation;
            lock (this)
            {
                _referenced.Add(reference.Method.OriginalDefinition);
            }
        }

        public IReadOnlyList<CallSite> Of(IMethodSymbol method) =>
            _sites.TryGetValue(method.OriginalDefinition, out var list) ? list : None;

        /// <summary>The key's origin with each private method's parameter replaced by what its callers pass.</summary>
        public KeyOrigin Resolve(KeyClass key, bool fieldIsStatic, KeyDomain domain) =>
            Resolve(key, fieldIsStatic, domain, new HashSet<IParameterSymbol>(SymbolEqualityComparer.Default));

        private KeyOrigin Resolve(KeyClass key, bool fieldIsStatic, KeyDomain domain, HashSet<IParameterSymbol> visited)
        {
            if (key.Origin != KeyOrigin.Deferred || key.Parameters is null)
            {
                return key.Origin;
            }

            var result = KeyOrigin.Bounded;
            foreach (var parameter in key.Parameters)
            {
                var origin = ResolveParameter(parameter, fieldIsStatic, domain, visited);
                if (origin > result)
                {
                    result = origin;
                }
            }

            return result;
        }

        private KeyOrigin ResolveParameter(IParameterSymbol parameter, bool fieldIsStatic, KeyDomain domain, HashSet<IParameterSymbol> visited)
        {
            if (!visited.Add(parameter.OriginalDefinition))
            {
                return KeyOrigin.Bounded; // a recursive call passes on what its own callers passed: they decide
            }

            try
            {
                return ResolveCallers(parameter, fieldIsStatic, domain, visited);
            }
            finally
            {
                visited.Remove(parameter.OriginalDefinition); // the set holds the parameters on the current path only
            }
        }

        private KeyOrigin ResolveCallers(IParameterSymbol parameter, bool fieldIsStatic, KeyDomain domain, HashSet<IParameterSymbol> visited)
        {
            var method = (IMethodSymbol)parameter.ContainingSymbol;
            var sites = Of(method);
            if (sites.Count == 0 || _referenced.Contains(method.OriginalDefinition) ||
                (method.MethodKind != MethodKind.LocalFunction && CacheFields.IsNamedInNestedTypes(_owner, method.Name)))
            {
                return KeyOrigin.Unknown; // callers out of sight: no evidence of where the values come from
            }

            var result = KeyOrigin.Bounded;
            var allAtConstruction = true;
            foreach (var site in sites)
            {
                if (site.ConstructsStatic != fieldIsStatic)
                {
                    allAtConstruction = false;
                }

                if (!site.Substitutions.TryGetValue(parameter.OriginalDefinition, out var argument))
                {
                    continue; // an optional parameter left out: its default, a constant
                }

                var origin = Resolve(domain.Classify(argument), fieldIsStatic, domain, visited);
                if (origin > result)
                {
                    result = origin;
                }
            }

            // Only called while the owner is built: filled at construction. Otherwise what the callers pass, at its largest:
            // input only when some caller passes input.
            return allAtConstruction ? KeyOrigin.Other : result;
        }

        private static bool? ConstructsStatic(IOperation call, ISymbol containingSymbol)
        {
            if (OperationHelpers.IsInsideFunction(call))
            {
                return null;
            }

            return containingSymbol switch
            {
                IMethodSymbol { MethodKind: MethodKind.Constructor } => false,
                IMethodSymbol { MethodKind: MethodKind.StaticConstructor } => true,
                IFieldSymbol or IPropertySymbol => containingSymbol.IsStatic,
                IMethodSymbol { IsStatic: true, MethodKind: MethodKind.Ordinary } factory when FillsFreshInstance(call, factory) => false,
                _ => null,
            };
        }

        /// <summary>
        /// A static factory of the owner that fills an instance it has just made, before anyone else can see it:
        /// <c>var x = new Owner(); await x.FillAsync(); return x;</c> (or <c>new Owner().Fill()</c>). The call is part of
        /// building that instance, as a constructor's would be. The local must be assigned nothing but the one creation.
        /// </summary>
        private static bool FillsFreshInstance(IOperation call, IMethodSymbol factory)
        {
            if (call is not IInvocationOperation { Instance: { } instance } || factory.ContainingType is not { } owner)
            {
                return false;
            }

            instance = OperationHelpers.SkipConversions(instance);
            if (instance is IObjectCreationOperation creation)
            {
                return SymbolEqualityComparer.Default.Equals(creation.Type?.OriginalDefinition, owner.OriginalDefinition);
            }

            if (instance is not ILocalReferenceOperation { Local: var local })
            {
                return false;
            }

            var root = call;
            while (root.Parent is { } parent)
            {
                root = parent;
            }

            var created = false;
            foreach (var operation in root.Descendants())
            {
                switch (operation)
                {
                    case IVariableDeclaratorOperation declarator when SymbolEqualityComparer.Default.Equals(declarator.Symbol, local):
                        var value = declarator.GetVariableInitializer()?.Value is { } init ? OperationHelpers.SkipConversions(init) : null;
                        if (value is not IObjectCreationOperation { Type: { } type } || !SymbolEqualityComparer.Default.Equals(type.OriginalDefinition, owner.OriginalDefinition))
                        {
                            return false;
                        }

                        created = true;
                        break;
                    case IAssignmentOperation { Target: ILocalReferenceOperation target } when SymbolEqualityComparer.Default.Equals(target.Local, local):
                        return false;
                    case ILocalReferenceOperation reference when SymbolEqualityComparer.Default.Equals(reference.Local, local) && reference.Parent is IArgumentOperation { Parameter.RefKind: not RefKind.None }:
                        return false;
                }
            }

            return created;
        }
    }
}
