using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Runtime.CompilerServices;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;
using Steadfast.Analyzers.Internal;

namespace Steadfast.Analyzers.Rules.SF4001
{
    /// <summary>
    /// The positive evidence SF4001 needs before it calls a key an outside value: where request, message and user input
    /// enters the program. A value is input when it is a parameter of an entry point (a controller action, a page
    /// handler, a hub method, a gRPC method, a message handler, a minimal-API handler lambda), when it is read from a
    /// request object (<c>HttpRequest</c>, <c>HttpContext</c>, a <c>ClaimsPrincipal</c>, a hub's caller context) or
    /// from the console, or when it is a parameter of a method that some call in the compilation gives such a value
    /// (up to <see cref="MaxLevels"/> calls away from the entry point). Anything else (a parameter whose callers pass
    /// configuration, catalogue data, database rows, the program's own names, or nothing visible) is not evidence.
    /// </summary>
    /// <remarks>
    /// Which calls reach a method is a compilation-wide fact, so it is asked only when a key would otherwise need it, of
    /// the compilation's <see cref="SyntaxIndex"/> (one walk of each syntax tree, once per compilation, shared with other
    /// rules), which keeps invocations by the simple name of the method they call (a syntactic prefilter); only the
    /// candidates of a method in question are then bound and confirmed by symbol, and each answer is kept, for SF4001
    /// and SF4002 alike (one instance per compilation).
    /// </remarks>
    internal sealed class InputSources
    {
        /// <summary>How many calls away from the entry point a parameter may be and still count as input.</summary>
        internal const int MaxLevels = 3;

        private readonly Compilation _compilation;
        private readonly SF4001Symbols _types;
        private static readonly ConditionalWeakTable<Compilation, InputSources> Cache = new ConditionalWeakTable<Compilation, InputSources>();

        private readonly ConcurrentDictionary<(IMethodSymbol Method, int Ordinal), Answers> _receives =
            new ConcurrentDictionary<(IMethodSymbol, int), Answers>(new ReceivesComparer());
        private readonly ConcurrentDictionary<SyntaxTree, SemanticModel> _models = new ConcurrentDictionary<SyntaxTree, SemanticModel>();

        private InputSources(Compilation compilation, SF4001Symbols types)
        {
            _compilation = compilation;
            _types = types;
        }

        /// <summary>The input sources of <paramref name="compilation"/>, shared by SF4001 and SF4002 (their answers are kept for both).</summary>
        public static InputSources GetOrCreate(Compilation compilation) =>
            Cache.GetValue(compilation, static c => new InputSources(c, SF4001Symbols.GetOrCreate(c)));

        /// <summary>A method the framework calls with request or message data: its parameters are input.</summary>
        public bool IsEntryPoint(IMethodSymbol method)
        {
            if (method.MethodKind != MethodKind.Ordinary || method.ContainingType is not { } type)
            {
                return false;
            }

            if (method.DeclaredAccessibility == Accessibility.Public && !method.IsStatic &&
                (KnownTypes.DerivesFrom(type, _types.ControllerBase) || KnownTypes.DerivesFrom(type, _types.PageModel) || KnownTypes.DerivesFrom(type, _types.SignalRHub)) &&
                !HasAttribute(method, _types.NonActionAttribute))
            {
                return true; // a controller action, a page handler, a hub method
            }

            for (var overridden = method.OverriddenMethod; overridden is not null; overridden = overridden.OverriddenMethod)
            {
                if (overridden.ContainingType is { } service && HasAttribute(service, _types.GrpcBindServiceMethodAttribute))
                {
                    return true; // a gRPC service method: overrides the generated base's
                }
            }

            foreach (var contract in type.AllInterfaces)
            {
                if (!(KnownTypes.Is(contract, _types.MediatRRequestHandler) || KnownTypes.Is(contract, _types.MediatRNotificationHandler) ||
                      KnownTypes.Is(contract, _types.MassTransitConsumer)))
                {
                    continue;
                }

                foreach (var member in contract.GetMembers())
                {
                    if (member is IMethodSymbol && SymbolEqualityComparer.Default.Equals(type.FindImplementationForInterfaceMember(member), method))
                    {
                        return true; // a message handler's Handle/Consume
                    }
                }
            }

            return false;
        }

        /// <summary>A lambda given as the handler of a minimal-API endpoint (<c>app.MapPost("/x", (Update u) => …)</c>).</summary>
        public bool IsEndpointHandler(IAnonymousFunctionOperation lambda)
        {
            IOperation? at = lambda.Parent;
            while (at is IDelegateCreationOperation or IConversionOperation)
            {
                at = at.Parent;
            }

            return at is IArgumentOperation { Parent: IInvocationOperation call } &&
                KnownTypes.Is((call.TargetMethod.ReducedFrom ?? call.TargetMethod).ContainingType, _types.EndpointRouteBuilderExtensions);
        }

        /// <summary>An object that carries a request or its user: reading from it reads input.</summary>
        public bool IsRequestObject(ITypeSymbol type) =>
            KnownTypes.DerivesFrom(type, _types.HttpRequest) || KnownTypes.DerivesFrom(type, _types.HttpContext) ||
            KnownTypes.DerivesFrom(type, _types.ClaimsPrincipal) || KnownTypes.DerivesFrom(type, _types.HubCallerContext);

        /// <summary>A line read from the console: a person's input.</summary>
        public bool IsConsoleInput(IInvocationOperation call) =>
            KnownTypes.Is(call.TargetMethod.ContainingType, _types.SystemConsole) && call.TargetMethod.Name is "ReadLine" or "ReadKey";

        /// <summary>
        /// True when some call in the compilation passes input (as <see cref="KeyDomain"/> judges it in the caller, at
        /// <paramref name="level"/> + 1) for <paramref name="parameter"/> of <paramref name="method"/>.
        /// </summary>
        public bool Receives(IMethodSymbol method, IParameterSymbol parameter, int level, CancellationToken cancellationToken)
        {
            if (level >= MaxLevels || parameter.RefKind != RefKind.None)
            {
                return false;
            }

            method = method.OriginalDefinition;
            var answers = _receives.GetOrAdd((method, parameter.Ordinal), static _ => new Answers());
            if (answers.TryGet(level) is { } known)
            {
                return known;
            }

            // Each step asks about the next level only, so a cycle of calls ends at MaxLevels.
            known = Decide(method, parameter.Ordinal, level, cancellationToken);
            answers.Set(level, known);
            return known;
        }

        /// <summary>
        /// The answers for one parameter. An answer at a level holds at every level nearer the key (more calls left to
        /// follow can only find more input), and a "no" at a level holds at every level further away, so one answer
        /// serves the levels it settles.
        /// </summary>
        private sealed class Answers
        {
            private int _yesUpTo = -1;
            private int _noFrom = int.MaxValue;

            public bool? TryGet(int level)
            {
                lock (this)
                {
                    return level <= _yesUpTo ? true : level >= _noFrom ? false : null;
                }
            }

            public void Set(int level, bool receives)
            {
                lock (this)
                {
                    if (receives)
                    {
                        _yesUpTo = level > _yesUpTo ? level : _yesUpTo;
                    }
                    else
                    {
                        _noFrom = level < _noFrom ? level : _noFrom;
                    }
                }
            }
        }

        private bool Decide(IMethodSymbol method, int ordinal, int level, CancellationToken cancellationToken)
        {
            foreach (var node in SyntaxIndex.Get(_compilation, cancellationToken).Invocations(method.Name))
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (!MayPass(node, method, ordinal))
                {
                    continue; // no explicit argument for the parameter, or a literal: nothing to bind
                }

                var model = _models.GetOrAdd(node.SyntaxTree, tree =>
                {
#pragma warning disable RS1030 // A compilation-wide fact, computed once, binding only the calls of the method in question (see remarks).
                    return _compilation.GetSemanticModel(tree);
#pragma warning restore RS1030
                });

                if (model.GetOperation(node, cancellationToken) is not IInvocationOperation call || !Targets(call.TargetMethod, method))
                {
                    continue;
                }

                foreach (var argument in call.Arguments)
                {
                    if (argument.ArgumentKind != ArgumentKind.Explicit || argument.Parameter?.Ordinal != ordinal)
                    {
                        continue;
                    }

                    var caller = model.GetEnclosingSymbol(node.SpanStart, cancellationToken);
                    var callerType = caller as INamedTypeSymbol ?? caller?.ContainingType;
                    if (callerType is null)
                    {
                        continue;
                    }

                    var domain = new KeyDomain(_types, callerType, this, level + 1) { CancellationToken = cancellationToken };
                    if (domain.Classify(argument.Value).Origin == KeyOrigin.Input)
                    {
                        return true;
                    }
                }
            }

            return false;
        }

        /// <summary>
        /// A syntactic prefilter, before a call is bound: false when, were the call one of <paramref name="method"/>, it
        /// could not give the parameter at <paramref name="ordinal"/> an explicit argument that is input: it has too few
        /// arguments and none named (the parameter is left out: its default, or the call is of another overload), or
        /// the argument in that place is a literal (a constant: bounded). An extension method's receiver is its first
        /// parameter when called as <c>x.M(…)</c>, so for one the place is not known and only the count is read.
        /// </summary>
        internal static bool MayPass(InvocationExpressionSyntax call, IMethodSymbol method, int ordinal)
        {
            var arguments = call.ArgumentList.Arguments;
            foreach (var argument in arguments)
            {
                if (argument.NameColon is not null)
                {
                    return true;
                }
            }

            if (method.IsExtensionMethod)
            {
                return arguments.Count >= ordinal; // x.M(a) passes a for ordinal 1; Extensions.M(x, a) passes more
            }

            return arguments.Count > ordinal && arguments[ordinal].Expression is not LiteralExpressionSyntax;
        }

        /// <summary>The call reaches <paramref name="method"/>: it calls it, or an interface member or virtual method it implements or overrides.</summary>
        private static bool Targets(IMethodSymbol target, IMethodSymbol method)
        {
            target = (target.ReducedFrom ?? target).OriginalDefinition;
            if (SymbolEqualityComparer.Default.Equals(target, method))
            {
                return true;
            }

            for (var overridden = method.OverriddenMethod; overridden is not null; overridden = overridden.OverriddenMethod)
            {
                if (SymbolEqualityComparer.Default.Equals(overridden.OriginalDefinition, target))
                {
                    return true;
                }
            }

            if (target.ContainingType is { TypeKind: TypeKind.Interface } contract && method.ContainingType is { } implementer)
            {
                foreach (var implemented in implementer.AllInterfaces)
                {
                    if (!SymbolEqualityComparer.Default.Equals(implemented.OriginalDefinition, contract.OriginalDefinition))
                    {
                        continue;
                    }

                    foreach (var member in implemented.GetMembers(target.Name))
                    {
                        if (SymbolEqualityComparer.Default.Equals(member.OriginalDefinition, target) &&
                            SymbolEqualityComparer.Default.Equals(implementer.FindImplementationForInterfaceMember(member)?.OriginalDefinition, method))
                        {
                            return true;
                        }
                    }
                }
            }

            return false;
        }

        private static bool HasAttribute(ISymbol symbol, INamedTypeSymbol? attribute)
        {
            if (attribute is null)
            {
                return false;
            }

            foreach (var data in symbol.GetAttributes())
            {
                if (KnownTypes.DerivesFrom(data.AttributeClass, attribute))
                {
                    return true;
                }
            }

            return false;
        }

        private sealed class ReceivesComparer : IEqualityComparer<(IMethodSymbol Method, int Ordinal)>
        {
            public bool Equals((IMethodSymbol Method, int Ordinal) x, (IMethodSymbol Method, int Ordinal) y) =>
                x.Ordinal == y.Ordinal && SymbolEqualityComparer.Default.Equals(x.Method, y.Method);

            public int GetHashCode((IMethodSymbol Method, int Ordinal) obj) =>
                SymbolEqualityComparer.Default.GetHashCode(obj.Method) * 31 + obj.Ordinal;
        }
    }
}
