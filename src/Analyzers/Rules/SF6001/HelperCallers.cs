using System;
using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Runtime.CompilerServices;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;
using Steadfast.Analyzers.Internal;

namespace Steadfast.Analyzers.Rules.SF6001
{
    /// <summary>
    /// Whether the callers of a helper decide whether its development-only tool runs. A helper is an ordinary,
    /// non-virtual method that receives the app or its builder (<c>IApplicationBuilder</c>, <c>IEndpointRouteBuilder</c>,
    /// <c>WebApplication</c>, <c>WebApplicationBuilder</c>, <c>IHostApplicationBuilder</c>) and is not the application's
    /// own start-up body (top-level statements, <c>Main</c>, a Startup <c>Configure</c>/<c>Configure{Environment}</c>).
    /// Its callers decide when it has calls in the compilation and every one is guarded (a Development check or a
    /// deliberate switch, as the rule judges a tool call), or when it has none and a class library exposes it (public or
    /// protected): the application that calls it decides. One unguarded call, a use other than a call (a method group),
    /// or no calls in an application: the tool call is reported as usual.
    /// </summary>
    /// <remarks>
    /// The calls of a helper are a compilation-wide fact, looked for only when an unguarded tool call sits in a helper:
    /// only the trees that mention the helper's name (from the compilation's <see cref="SyntaxIndex"/>, one walk of every
    /// tree per compilation, shared with other rules) are walked for names that match, and only those are bound; each
    /// answer is kept.
    /// </remarks>
    internal sealed class HelperCallers
    {
        private static readonly ConditionalWeakTable<Compilation, HelperCallers> Cache = new ConditionalWeakTable<Compilation, HelperCallers>();

        private readonly Compilation _compilation;
        private readonly ConcurrentDictionary<IMethodSymbol, bool> _decided = new ConcurrentDictionary<IMethodSymbol, bool>(SymbolEqualityComparer.Default);
        private readonly ConcurrentDictionary<SyntaxTree, SemanticModel> _models = new ConcurrentDictionary<SyntaxTree, SemanticModel>();

        private HelperCallers(Compilation compilation) => _compilation = compilation;

        public static HelperCallers GetOrCreate(Compilation compilation) => Cache.GetValue(compilation, static c => new HelperCallers(c));

        /// <summary>True when the tool call made in <paramref name="containingSymbol"/> is left to the callers of the helper it sits in.</summary>
        public bool DecidedByCallers(ISymbol? containingSymbol, SF6001Symbols types, CancellationToken cancellationToken)
        {
            if (Helper(containingSymbol, types) is not { } helper)
            {
                return false;
            }

            helper = helper.OriginalDefinition;
            if (_decided.TryGetValue(helper, out var known))
            {
                return known;
            }

            known = Decide(helper, types, cancellationToken);
            _decided[helper] = known;
            return known;
        }

        /// <summary>The helper method the symbol is (or whose lambda or local function it is); null for a start-up body or anything else.</summary>
        internal static IMethodSymbol? Helper(ISymbol? symbol, SF6001Symbols types)
        {
            while (symbol is IMethodSymbol { MethodKind: MethodKind.AnonymousFunction or MethodKind.LocalFunction })
            {
                symbol = symbol.ContainingSymbol;
            }

            if (symbol is not IMethodSymbol { MethodKind: MethodKind.Ordinary } method || method.IsImplicitlyDeclared ||
                method.IsVirtual || method.IsOverride || method.IsAbstract || !method.ExplicitInterfaceImplementations.IsEmpty ||
                method.Name is "Main" or "<Main>$" || ImplementsInterface(method))
            {
                return null;
            }

            var receivesApp = false;
            var applicationBuilder = false;
            foreach (var parameter in method.Parameters)
            {
                if (KnownTypes.IsOrImplements(parameter.Type, types.ApplicationBuilder))
                {
                    applicationBuilder = true;
                    receivesApp = true;
                }
                else if (KnownTypes.IsOrImplements(parameter.Type, types.EndpointRouteBuilder) || KnownTypes.Is(parameter.Type, types.WebApplicationBuilder) ||
                    KnownTypes.IsOrImplements(parameter.Type, types.HostApplicationBuilder))
                {
                    receivesApp = true;
                }
            }

            // ASP.NET Core's Startup convention: the host calls Configure / Configure{Environment} by reflection (names
            // ignoring case), so no call is visible: the application's own start-up body.
            if (applicationBuilder && !method.IsExtensionMethod && method.Name.StartsWith("Configure", StringComparison.OrdinalIgnoreCase))
            {
                return null;
            }

            return receivesApp ? method : null;
        }

        private static bool ImplementsInterface(IMethodSymbol method)
        {
            if (method.IsStatic || method.ContainingType is not { } type)
            {
                return false;
            }

            foreach (var contract in type.AllInterfaces)
            {
                foreach (var member in contract.GetMembers(method.Name))
                {
                    if (SymbolEqualityComparer.Default.Equals(type.FindImplementationForInterfaceMember(member), method))
                    {
                        return true;
                    }
                }
            }

            return false;
        }

        private bool Decide(IMethodSymbol helper, SF6001Symbols types, CancellationToken cancellationToken)
        {
            var calls = 0;
            foreach (var tree in SyntaxIndex.Get(_compilation, cancellationToken).TreesNaming(helper.Name))
            {
                cancellationToken.ThrowIfCancellationRequested();
                foreach (var node in tree.GetRoot(cancellationToken).DescendantNodes())
                {
                    if (node is not SimpleNameSyntax name || name.Identifier.ValueText != helper.Name)
                    {
                        continue;
                    }

                    var model = _models.GetOrAdd(tree, t =>
                    {
#pragma warning disable RS1030 // The callers of a helper are in other trees than the one analyzed; bound once per helper (see remarks).
                        return _compilation.GetSemanticModel(t);
#pragma warning restore RS1030
                    });

                    var info = model.GetSymbolInfo(name, cancellationToken);
                    if (!Refers(info.Symbol, helper) && !RefersAny(info.CandidateSymbols, helper))
                    {
                        continue;
                    }

                    if (CallOf(name) is not { } invocation || model.GetOperation(invocation, cancellationToken) is not IInvocationOperation call)
                    {
                        return false; // a method group, a delegate: called who knows where
                    }

                    var caller = model.GetEnclosingSymbol(invocation.SpanStart, cancellationToken);
                    if (!SF6001DevelopmentOnlyAnalyzer.InDevelopmentConvention(caller) && !SF6001DevelopmentOnlyAnalyzer.IsGuarded(call, types))
                    {
                        return false; // one unguarded call: the tool runs in every environment through it
                    }

                    calls++;
                }
            }

            if (calls > 0)
            {
                return true;
            }

            // No calls here: a class library's public helper is called by the applications that use it, which decide.
            return _compilation.Options.OutputKind == OutputKind.DynamicallyLinkedLibrary && Exposed(helper);
        }

        private static bool Refers(ISymbol? symbol, IMethodSymbol helper) =>
            symbol is IMethodSymbol method && SymbolEqualityComparer.Default.Equals((method.ReducedFrom ?? method).OriginalDefinition, helper);

        private static bool RefersAny(ImmutableArray<ISymbol> candidates, IMethodSymbol helper)
        {
            foreach (var candidate in candidates)
            {
                if (Refers(candidate, helper))
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>The invocation whose invoked name is <paramref name="name"/> (<c>Helper(app)</c>, <c>app.Helper()</c>, <c>app?.Helper()</c>); null for any other use.</summary>
        private static InvocationExpressionSyntax? CallOf(SimpleNameSyntax name) => name.Parent switch
        {
            InvocationExpressionSyntax invocation when invocation.Expression == name => invocation,
            MemberAccessExpressionSyntax access when access.Name == name && access.Parent is InvocationExpressionSyntax invocation && invocation.Expression == access => invocation,
            MemberBindingExpressionSyntax binding when binding.Name == name && binding.Parent is InvocationExpressionSyntax invocation && invocation.Expression == binding => invocation,
            _ => null,
        };

        /// <summary>Public or protected, in public or protected types all the way out: callable from another assembly.</summary>
        private static bool Exposed(ISymbol symbol)
        {
            for (var s = symbol; s is not null and not INamespaceSymbol; s = s.ContainingSymbol)
            {
                if (s.DeclaredAccessibility is not (Accessibility.Public or Accessibility.Protected or Accessibility.ProtectedOrInternal))
                {
                    return false;
                }
            }

            return true;
        }
    }
}
