using System.Collections.Generic;
using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;
using Steadfast.Analyzers.Internal;

namespace Steadfast.Analyzers.Rules
{
    /// <summary>
    /// SF1002: a loop meant to run for the life of the process (<c>while (true)</c>, <c>for (;;)</c>,
    /// <c>while (!token.IsCancellationRequested)</c>, <c>while (await timer.WaitForNextTickAsync(token))</c>,
    /// <c>await foreach</c> over a channel) in background work (a <c>BackgroundService.ExecuteAsync</c>, a lambda or
    /// method started with <c>Task.Run</c>, <c>Task.Factory.StartNew</c> or <c>BackgroundTasks.Run</c>, a method a
    /// hosted service's <c>StartAsync</c> starts without awaiting), whose body calls something that can fail outside
    /// any catch inside the loop. Judged per type, so that "this method is started as background work" sees the whole type.
    /// </summary>
    [DiagnosticAnalyzer(LanguageNames.CSharp)]
    public sealed class SF1002BackgroundLoopAnalyzer : DiagnosticAnalyzer
    {
        /// <summary>Diagnostic property: the name the fix gives the loop ("Type.Member").</summary>
        public const string LoopNameProperty = "LoopName";

        public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(Descriptors.SF1002BackgroundLoopWithoutBoundary);

        public override void Initialize(AnalysisContext context)
        {
            context.EnableConcurrentExecution();
            context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
            context.RegisterCompilationStartAction(static start =>
            {
                var types = SF1002Symbols.GetOrCreate(start.Compilation);
                if (types.Task is null || types.CancellationToken is null)
                {
                    return;
                }

                start.RegisterSymbolStartAction(
                    symbolStart =>
                    {
                        var state = new TypeState((INamedTypeSymbol)symbolStart.Symbol, types);
                        symbolStart.RegisterOperationAction(state.OnLoop, OperationKind.Loop);
                        symbolStart.RegisterOperationAction(state.OnInvocation, OperationKind.Invocation);
                        symbolStart.RegisterSymbolEndAction(state.OnEnd);
                    },
                    SymbolKind.NamedType);
            });
        }

        /// <summary>True for a loop meant to run until the process stops: no condition, <c>true</c>, a cancellation check, a timer tick, a channel read.</summary>
        internal static bool IsForeverLoop(ILoopOperation loop, SF1002Symbols types) => loop switch
        {
            IForLoopOperation forLoop => forLoop.Condition is null || IsConstantTrue(forLoop.Condition),
            IWhileLoopOperation whileLoop => whileLoop.Condition is null || IsConstantTrue(whileLoop.Condition) || WaitsForWork(whileLoop.Condition, types),
            IForEachLoopOperation { IsAsynchronous: true } forEach => ReadsChannel(forEach.Collection, types),
            _ => false,
        };

        private static bool IsConstantTrue(IOperation condition) => condition.ConstantValue is { HasValue: true, Value: true };

        /// <summary><c>!token.IsCancellationRequested</c> (alone or in a conjunction), <c>await timer.WaitForNextTickAsync(…)</c>, <c>await reader.WaitToReadAsync(…)</c>.</summary>
        private static bool WaitsForWork(IOperation condition, SF1002Symbols types)
        {
            condition = OperationHelpers.SkipConversions(condition);
            switch (condition)
            {
                case IUnaryOperation { OperatorKind: UnaryOperatorKind.Not, Operand: IPropertyReferenceOperation { Property.Name: "IsCancellationRequested" } property }:
                    return KnownTypes.Is(property.Property.ContainingType, types.CancellationToken);
                case IBinaryOperation { OperatorKind: BinaryOperatorKind.ConditionalAnd or BinaryOperatorKind.And } both:
                    return WaitsForWork(both.LeftOperand, types) || WaitsForWork(both.RightOperand, types);
                case IAwaitOperation { Operation: var awaited }:
                    var call = OperationHelpers.SkipConversions(awaited) as IInvocationOperation;
                    return call is not null &&
                        ((call.TargetMethod.Name == "WaitForNextTickAsync" && KnownTypes.Is(call.TargetMethod.ContainingType, types.PeriodicTimer)) ||
                         (call.TargetMethod.Name == "WaitToReadAsync" && KnownTypes.DerivesFrom(call.TargetMethod.ContainingType, types.ChannelReader)));
                default:
                    return false;
            }
        }

        private static bool ReadsChannel(IOperation collection, SF1002Symbols types) =>
            OperationHelpers.SkipConversions(collection) is IInvocationOperation { TargetMethod.Name: "ReadAllAsync" } read &&
            KnownTypes.DerivesFrom(read.TargetMethod.ContainingType, types.ChannelReader);

        /// <summary>
        /// True when something in the body can fail and no catch inside the loop handles it: a call other than waiting,
        /// cancellation and logging, outside every <c>try</c> in the loop that has a catch of <c>Exception</c> (or a bare
        /// catch) that does not always rethrow. Code in catch and finally blocks and in nested functions is not the iteration's.
        /// </summary>
        internal static bool CanFailUncaught(ILoopOperation loop, SF1002Symbols types)
        {
            foreach (var operation in loop.Body.DescendantsAndSelf())
            {
                if (operation is not IInvocationOperation call || IsHarmless(call.TargetMethod, types) || !IsIterationCode(call, loop) || StartsWithoutWaiting(call))
                {
                    continue;
                }

                if (!IsCaughtInside(call, loop, types))
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>
        /// An <c>async</c> method called and not awaited (<c>_ = RequeueLaterAsync(job)</c>): its failures go into the task
        /// it returns, not into this iteration (SF1001 judges the dropped task).
        /// </summary>
        private static bool StartsWithoutWaiting(IInvocationOperation call) =>
            call.TargetMethod.IsAsync && OperationHelpers.OutermostConversion(call).Parent is not (IAwaitOperation or IInvocationOperation { TargetMethod.Name: "ConfigureAwait" });

        /// <summary>Calls that fail only on cancellation or not at all: delays, yields, ConfigureAwait, cancellation tokens, logging.</summary>
        private static bool IsHarmless(IMethodSymbol method, SF1002Symbols types)
        {
            var type = method.ContainingType;
            if (type is null)
            {
                return false;
            }

            if (types.IsTaskOrValueTask(type))
            {
                return method.Name is "Delay" or "Yield" or "ConfigureAwait" or "CompletedTask" or "FromResult";
            }

            // The Try pattern (TryRead, TryGetValue, TryDequeue): reports failure by its result, not by throwing.
            if (method.ReturnType.SpecialType == SpecialType.System_Boolean && method.Name.StartsWith("Try", System.StringComparison.Ordinal))
            {
                return true;
            }

            // Resolving a service fails only on a configuration mistake, which no retry of the iteration mends.
            if (method.Name is "GetService" or "GetRequiredService" or "GetServices" or "GetKeyedService" or "GetRequiredKeyedService" &&
                (KnownTypes.IsOrImplements(type, types.ServiceProvider) || KnownTypes.Is(type, types.ServiceProviderServiceExtensions)))
            {
                return true;
            }

            return KnownTypes.Is(type, types.CancellationToken) ||
                KnownTypes.Is(type, types.Logger) || KnownTypes.Is(type, types.LoggerExtensions) ||
                KnownTypes.Is(type, types.SteadfastBackgroundLoop);
        }

        /// <summary>False for code in a nested function, or in a catch or finally block inside the loop.</summary>
        private static bool IsIterationCode(IOperation operation, ILoopOperation loop)
        {
            for (var current = operation; current.Parent is { } parent && current != loop.Body; current = parent)
            {
                switch (parent)
                {
                    case IAnonymousFunctionOperation or ILocalFunctionOperation or ICatchClauseOperation:
                        return false;
                    case ITryOperation @try when current == @try.Finally:
                        return false;
                }
            }

            return true;
        }

        private static bool IsCaughtInside(IOperation operation, ILoopOperation loop, SF1002Symbols types)
        {
            for (var current = operation; current.Parent is { } parent && current != loop.Body; current = parent)
            {
                if (parent is ITryOperation @try && current == @try.Body && Handles(@try, types))
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>A try with a catch of everything that does not always rethrow (or that stops the application on purpose).</summary>
        private static bool Handles(ITryOperation @try, SF1002Symbols types)
        {
            foreach (var clause in @try.Catches)
            {
                var caught = clause.ExceptionType;
                if (caught is null || caught.SpecialType == SpecialType.System_Object || KnownTypes.Is(caught, types.Exception))
                {
                    if (!AlwaysRethrows(clause.Handler) || StopsApplication(clause.Handler, types))
                    {
                        return true;
                    }
                }
            }

            return false;
        }

        private static bool AlwaysRethrows(IBlockOperation handler) =>
            handler.Operations.Length > 0 && handler.Operations[handler.Operations.Length - 1] is IThrowOperation or IExpressionStatementOperation { Operation: IThrowOperation };

        /// <summary>A deliberate fail-fast: the handler stops the host (<c>StopApplication</c>) or the process (<c>Environment.FailFast</c>/<c>Exit</c>).</summary>
        internal static bool StopsApplication(IOperation handler, SF1002Symbols types)
        {
            foreach (var operation in handler.DescendantsAndSelf())
            {
                if (operation is IInvocationOperation { TargetMethod: var method } &&
                    ((method.Name == "StopApplication" && KnownTypes.IsOrImplements(method.ContainingType, types.HostApplicationLifetime)) ||
                     (method.Name is "FailFast" or "Exit" && KnownTypes.Is(method.ContainingType, types.Environment))))
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>
        /// True when a try around the loop either stops the application in its catch (the author chose to fail fast) or
        /// starts the loop again: its catch-all is itself inside an enclosing loop, or jumps back with <c>goto</c>
        /// (<c>retry: try { while (…) { … } } catch (Exception) { …; goto retry; }</c>).
        /// </summary>
        private static bool FailsFastOrRestartsAround(ILoopOperation loop, SF1002Symbols types)
        {
            for (IOperation current = loop; current.Parent is { } parent; current = parent)
            {
                if (parent is IAnonymousFunctionOperation or ILocalFunctionOperation)
                {
                    return false;
                }

                if (parent is ITryOperation @try && current == @try.Body)
                {
                    foreach (var clause in @try.Catches)
                    {
                        if (StopsApplication(clause.Handler, types))
                        {
                            return true;
                        }
                    }

                    if (Handles(@try, types) && (InsideLoop(@try) || JumpsBack(@try)))
                    {
                        return true;
                    }
                }
            }

            return false;
        }

        private static bool InsideLoop(IOperation operation)
        {
            for (var current = operation.Parent; current is not null && current is not (IAnonymousFunctionOperation or ILocalFunctionOperation); current = current.Parent)
            {
                if (current is ILoopOperation)
                {
                    return true;
                }
            }

            return false;
        }

        private static bool JumpsBack(ITryOperation @try)
        {
            foreach (var clause in @try.Catches)
            {
                foreach (var operation in clause.Handler.DescendantsAndSelf())
                {
                    if (operation is IBranchOperation { BranchKind: BranchKind.GoTo } jump && jump.Target.Locations.Length > 0 &&
                        jump.Target.Locations[0].SourceSpan.Start < @try.Syntax.SpanStart)
                    {
                        return true;
                    }
                }
            }

            return false;
        }

        /// <summary><c>Task.Run</c>, <c>Task.Factory.StartNew</c>, <c>BackgroundTasks.Run</c>, <c>BackgroundTaskTracker.Run</c>.</summary>
        internal static bool StartsBackgroundWork(IMethodSymbol method, SF1002Symbols types) =>
            (method.Name == "Run" && (KnownTypes.Is(method.ContainingType, types.Task) || KnownTypes.Is(method.ContainingType, types.SteadfastBackgroundTasks) || KnownTypes.Is(method.ContainingType, types.SteadfastBackgroundTaskTracker))) ||
            (method.Name == "StartNew" && (KnownTypes.Is(method.ContainingType, types.TaskFactory) || KnownTypes.Is(method.ContainingType, types.TaskFactoryOfT)));

        /// <summary>The lambda or local function the operation is in, or null when it is in the member's own body.</summary>
        private static IOperation? EnclosingFunction(IOperation operation)
        {
            for (var current = operation.Parent; current is not null; current = current.Parent)
            {
                if (current is IAnonymousFunctionOperation or ILocalFunctionOperation)
                {
                    return current;
                }
            }

            return null;
        }

        /// <summary>True for a lambda handed to <see cref="StartsBackgroundWork"/>.</summary>
        private static bool IsStartedLambda(IOperation function, SF1002Symbols types)
        {
            var current = function.Parent;
            while (current is IDelegateCreationOperation or IConversionOperation)
            {
                current = current.Parent;
            }

            return current is IArgumentOperation { Parent: IInvocationOperation starter } && StartsBackgroundWork(starter.TargetMethod, types);
        }

        private static bool OverridesExecuteAsync(IMethodSymbol method, SF1002Symbols types)
        {
            for (var overridden = method.OverriddenMethod; overridden is not null; overridden = overridden.OverriddenMethod)
            {
                if (overridden.Name == "ExecuteAsync" && KnownTypes.Is(overridden.ContainingType, types.BackgroundService))
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>The "Type.Member" a loop is reported with.</summary>
        internal static string LoopName(ISymbol member)
        {
            // Top-level statements: the compiler's entry point is "<Main>$" in "Program".
            var name = member is IMethodSymbol { Name: "<Main>$" } ? "Main" : member.Name;
            return member.ContainingType is { } type ? type.Name + "." + name : name;
        }

        private sealed class TypeState
        {
            private readonly INamedTypeSymbol _type;
            private readonly SF1002Symbols _types;
            private readonly object _gate = new object();
            private readonly List<(ILoopOperation Loop, IMethodSymbol Method)> _candidates = new List<(ILoopOperation, IMethodSymbol)>();
            private readonly HashSet<IMethodSymbol> _started = new HashSet<IMethodSymbol>(SymbolEqualityComparer.Default);

            public TypeState(INamedTypeSymbol type, SF1002Symbols types)
            {
                _type = type;
                _types = types;
            }

            public void OnLoop(OperationAnalysisContext context)
            {
                var loop = (ILoopOperation)context.Operation;
                if (!IsForeverLoop(loop, _types) || !SymbolEqualityComparer.Default.Equals(context.ContainingSymbol.ContainingType, _type) ||
                    !CanFailUncaught(loop, _types) || FailsFastOrRestartsAround(loop, _types))
                {
                    return;
                }

                var function = EnclosingFunction(loop);
                if (function is not null)
                {
                    if (function is IAnonymousFunctionOperation && IsStartedLambda(function, _types))
                    {
                        Report(context.ReportDiagnostic, loop, context.ContainingSymbol);
                    }

                    return;
                }

                if (context.ContainingSymbol is not IMethodSymbol method)
                {
                    return;
                }

                if (OverridesExecuteAsync(method, _types))
                {
                    Report(context.ReportDiagnostic, loop, method);
                    return;
                }

                lock (_gate)
                {
                    _candidates.Add((loop, method));
                }
            }

            /// <summary>Records this type's methods that are started as background work: handed to Task.Run and the like, or started by StartAsync without an await.</summary>
            public void OnInvocation(OperationAnalysisContext context)
            {
                var invocation = (IInvocationOperation)context.Operation;
                if (StartsBackgroundWork(invocation.TargetMethod, _types))
                {
                    foreach (var argument in invocation.Arguments)
                    {
                        var value = OperationHelpers.SkipConversions(argument.Value);
                        if (value is IDelegateCreationOperation { Target: var target })
                        {
                            if (target is IMethodReferenceOperation reference)
                            {
                                Start(reference.Method);
                            }
                            else if (target is IAnonymousFunctionOperation lambda)
                            {
                                // Task.Run(() => RunLoopAsync(token)): the method the lambda calls runs in the background.
                                foreach (var call in lambda.Body.DescendantsAndSelf())
                                {
                                    if (call is IInvocationOperation inner)
                                    {
                                        Start(inner.TargetMethod);
                                    }
                                }
                            }
                        }
                    }

                    return;
                }

                // _loop = RunLoopAsync(token); in a hosted service's StartAsync: started, not awaited.
                if (context.ContainingSymbol is IMethodSymbol { Name: "StartAsync" } caller &&
                    SymbolEqualityComparer.Default.Equals(invocation.TargetMethod.ContainingType, _type) &&
                    OperationHelpers.OutermostConversion(invocation).Parent is not IAwaitOperation &&
                    KnownTypes.Implements(caller.ContainingType, _types.HostedService))
                {
                    Start(invocation.TargetMethod);
                }
            }

            public void OnEnd(SymbolAnalysisContext context)
            {
                lock (_gate)
                {
                    foreach (var (loop, method) in _candidates)
                    {
                        if (_started.Contains(method.OriginalDefinition))
                        {
                            Report(context.ReportDiagnostic, loop, method);
                        }
                    }
                }
            }

            private void Start(IMethodSymbol method)
            {
                if (!SymbolEqualityComparer.Default.Equals(method.ContainingType?.OriginalDefinition, _type.OriginalDefinition))
                {
                    return;
                }

                lock (_gate)
                {
                    _started.Add(method.OriginalDefinition);
                }
            }

            private static void Report(System.Action<Diagnostic> report, ILoopOperation loop, ISymbol member)
            {
                var syntax = loop.Syntax;
                var keyword = syntax.GetFirstToken();
                if (syntax is Microsoft.CodeAnalysis.CSharp.Syntax.CommonForEachStatementSyntax forEach)
                {
                    keyword = forEach.ForEachKeyword;
                }

                var name = LoopName(member);
                report(Diagnostic.Create(Descriptors.SF1002BackgroundLoopWithoutBoundary, keyword.GetLocation(), ImmutableDictionary.Create<string, string?>().Add(LoopNameProperty, name), name));
            }
        }
    }

    /// <summary>The symbols SF1002 and its fix use, resolved once per compilation on first use.</summary>
    internal sealed class SF1002Symbols : RuleSymbols<SF1002Symbols>
    {
        private SF1002Symbols(KnownTypes types)
            : base(types)
        {
        }

        public INamedTypeSymbol? ServiceProvider => Types.ServiceProvider;

        public INamedTypeSymbol? ServiceProviderServiceExtensions => Types.ServiceProviderServiceExtensions;

        public INamedTypeSymbol? Task => Types.Task;

        public INamedTypeSymbol? TaskFactory => Types.TaskFactory;

        public INamedTypeSymbol? TaskFactoryOfT => Types.TaskFactoryOfT;

        public INamedTypeSymbol? CancellationToken => Types.CancellationToken;

        public INamedTypeSymbol? SteadfastBackgroundTasks => Types.SteadfastBackgroundTasks;

        public INamedTypeSymbol? SteadfastBackgroundTaskTracker => Types.SteadfastBackgroundTaskTracker;

        public INamedTypeSymbol? SteadfastBackgroundLoop => Types.SteadfastBackgroundLoop;

        public INamedTypeSymbol? BackgroundService => Types.BackgroundService;

        public INamedTypeSymbol? HostedService => Types.HostedService;

        public INamedTypeSymbol? HostApplicationLifetime => Types.HostApplicationLifetime;

        public INamedTypeSymbol? PeriodicTimer => Types.PeriodicTimer;

        public INamedTypeSymbol? ChannelReader => Types.ChannelReader;

        public INamedTypeSymbol? Environment => Types.Environment;

        public INamedTypeSymbol? Logger => Types.Logger;

        public INamedTypeSymbol? LoggerExtensions => Types.LoggerExtensions;

        public INamedTypeSymbol? Exception => Types.Exception;

        public bool IsTaskOrValueTask(ITypeSymbol? type) => Types.IsTaskOrValueTask(type);

        public static SF1002Symbols GetOrCreate(Compilation compilation) => GetOrCreate(compilation, static types => new SF1002Symbols(types));
    }
}
