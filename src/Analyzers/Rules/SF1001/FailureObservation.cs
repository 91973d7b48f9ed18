using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Runtime.CompilerServices;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;
using Steadfast.Analyzers.Internal;

namespace Steadfast.Analyzers.Rules.SF1001
{
    /// <summary>
    /// Whether a dropped task's failure is already observed, by what the code does rather than by names:
    /// <list type="bullet">
    /// <item>the called method (in source, in this compilation) or the delegate given to <c>Task.Run</c>/<c>StartNew</c>
    /// catches every exception around its whole body (a catch of <see cref="System.Exception"/> or a bare catch, without
    /// a filter, that does not rethrow), so its task cannot fault;</item>
    /// <item>the called method attaches a continuation to a task parameter that reads the antecedent's <c>Exception</c>
    /// or <c>IsFaulted</c> (<c>task.LogExceptions()</c>), and returns that task, that continuation, or nothing;</item>
    /// <item>the delegate only completes a <c>TaskCompletionSource</c> (<c>() =&gt; tcs.TrySetResult(x)</c>);</item>
    /// <item>the call is a <c>ContinueWith</c> whose continuation reads the antecedent's exception;</item>
    /// <item>a delay-then-signal timer: <c>Task.Delay(n).ContinueWith(_ =&gt; Signal(x))</c>, or an async method that only
    /// awaits <c>Task.Delay</c> and then makes one such call, where the signal is a synchronous void call of the program's
    /// own whose body neither throws nor runs a delegate outside a catch-all (publishing an event, re-queuing a watch), or
    /// <c>IHostApplicationLifetime.StopApplication</c> (which catches and logs what its callbacks throw).</item>
    /// </list>
    /// "Catches every exception" reads: before the <c>try</c> only declarations of cheap values (constants, locals, field
    /// and property reads, operators, <c>TimeSpan</c> arithmetic, synchronous calls of the program's own methods), and a
    /// catch-all that logs the exception (passes it to a call) and then rethrows counts as observing it. The <c>try</c> may
    /// also be the body of the method's one loop (a listener: <c>await foreach (var item in reader.ReadAllAsync()) { try
    /// { … } catch (Exception ex) { log } }</c>); the loop's own header is trusted. Code inside a guarded <c>try</c> may
    /// be broken or use types that do not resolve: whatever it throws is caught.
    /// A method's body is read once per compilation (the answer is cached by symbol), and only when it is declared in
    /// this compilation and cannot be overridden: for a virtual or interface call the body that runs is not known.
    /// </summary>
    internal sealed class FailureObservation
    {
        private static readonly ConditionalWeakTable<Compilation, FailureObservation> Cache = new ConditionalWeakTable<Compilation, FailureObservation>();

        /// <summary>TaskContinuationOptions.NotOnFaulted: part of OnlyOnRanToCompletion and OnlyOnCanceled too.</summary>
        private const long NotOnFaulted = 0x20000;

        private readonly Compilation _compilation;
        private readonly SF1001Symbols _types;
        private readonly ConcurrentDictionary<IMethodSymbol, MethodFacts> _methods = new ConcurrentDictionary<IMethodSymbol, MethodFacts>(SymbolEqualityComparer.Default);

        private FailureObservation(Compilation compilation, SF1001Symbols types)
        {
            _compilation = compilation;
            _types = types;
        }

        [System.Flags]
        private enum MethodFacts
        {
            None = 0,

            /// <summary>Its task cannot fault: every exception of its body is caught and not rethrown.</summary>
            CannotFault = 1,

            /// <summary>It reads the <c>Exception</c> or <c>IsFaulted</c> of its first parameter (a continuation method).</summary>
            ReadsFirstParameterFault = 2,

            /// <summary>It attaches an observing continuation to a task parameter and returns nothing else (<c>task.LogExceptions()</c>).</summary>
            ObservesTaskParameter = 4,

            /// <summary>A synchronous void method whose body neither throws nor runs a delegate outside a catch-all: a signal.</summary>
            Signals = 8,
        }

        public static FailureObservation GetOrCreate(Compilation compilation, SF1001Symbols types) =>
            Cache.GetValue(compilation, c => new FailureObservation(c, types));

        /// <summary>True when the failure of the task <paramref name="call"/> returns is observed already, or cannot happen.</summary>
        public bool IsObserved(IInvocationOperation call, CancellationToken cancellationToken)
        {
            if (DroppedTask.IsTaskRun(call, _types) || DroppedTask.IsStartNew(call, _types))
            {
                var work = WorkDelegate(call);
                return work is not null && DelegateCannotFault(work, cancellationToken);
            }

            if (IsContinueWith(call))
            {
                return ContinuationObserves(call, cancellationToken) || DelayThenSignal(call, cancellationToken);
            }

            var facts = Facts(call.TargetMethod, cancellationToken);
            return (facts & (MethodFacts.CannotFault | MethodFacts.ObservesTaskParameter)) != 0;
        }

        private static IOperation? WorkDelegate(IInvocationOperation call)
        {
            foreach (var argument in call.Arguments)
            {
                if (argument.Parameter?.Ordinal == 0)
                {
                    return argument.Value;
                }
            }

            return null;
        }

        private bool IsContinueWith(IInvocationOperation call) =>
            call.TargetMethod.Name == "ContinueWith" && call.Instance is not null && _types.IsTask(call.TargetMethod.ContainingType);

        // ------------------------------------------------------------------ delegates

        /// <summary>A delegate whose run cannot fault: a lambda that catches everything or only completes a TaskCompletionSource, or such a method.</summary>
        private bool DelegateCannotFault(IOperation value, CancellationToken cancellationToken)
        {
            value = OperationHelpers.SkipConversions(value);
            if (value is IDelegateCreationOperation creation)
            {
                value = OperationHelpers.SkipConversions(creation.Target);
            }

            switch (value)
            {
                case IMethodReferenceOperation reference:
                    return (Facts(reference.Method, cancellationToken) & MethodFacts.CannotFault) != 0;
                case IAnonymousFunctionOperation lambda:
                    return BodyCannotFault(lambda.Body, lambda.Symbol.IsAsync, lambda.Symbol.ReturnType) ||
                           OnlyCompletesTaskCompletionSource(lambda.Body) ||
                           SingleCallCannotFault(lambda.Body, cancellationToken);
                default:
                    return false;
            }
        }

        /// <summary><c>() =&gt; WorkAsync(x)</c> or <c>async () =&gt; await WorkAsync(x)</c> where WorkAsync's own task cannot fault.</summary>
        private bool SingleCallCannotFault(IBlockOperation body, CancellationToken cancellationToken)
        {
            var expression = DroppedTask.SingleExpression(body);
            while (expression is IInvocationOperation configure && DroppedTask.IsConfigureAwait(configure, _types))
            {
                expression = OperationHelpers.SkipImplicitConversions(configure.Instance!);
            }

            return expression is IInvocationOperation call && ArgumentsCannotThrow(call) &&
                   _types.IsTaskOrValueTask(call.Type) &&
                   (Facts(call.TargetMethod, cancellationToken) & MethodFacts.CannotFault) != 0;
        }

        /// <summary>
        /// Every statement only completes a TaskCompletionSource (<c>tcs.TrySetResult(x)</c>, <c>tcs.SetCanceled()</c>) on
        /// a variable, with plain values: the Try methods cannot throw, the others only when the source is already complete.
        /// </summary>
        private bool OnlyCompletesTaskCompletionSource(IBlockOperation body)
        {
            var completes = false;
            foreach (var statement in body.Operations)
            {
                IOperation? expression;
                switch (statement)
                {
                    case IReturnOperation { IsImplicit: true, ReturnedValue: null }:
                        continue;
                    case IExpressionStatementOperation e:
                        expression = e.Operation;
                        break;
                    case IReturnOperation r:
                        expression = r.ReturnedValue;
                        break;
                    default:
                        return false;
                }

                if (expression is null || OperationHelpers.SkipImplicitConversions(expression) is not IInvocationOperation call ||
                    !_types.IsTaskCompletionSource(call.TargetMethod.ContainingType) || call.TargetMethod.IsStatic ||
                    call.Instance is null || !IsPlainValue(call.Instance) || !ArgumentsCannotThrow(call))
                {
                    return false;
                }

                completes = true;
            }

            return completes;
        }

        private static bool ArgumentsCannotThrow(IInvocationOperation call)
        {
            foreach (var argument in call.Arguments)
            {
                if (!IsPlainValue(argument.Value))
                {
                    return false;
                }
            }

            return true;
        }

        /// <summary>A value whose evaluation runs no code of its own: a constant, <c>default</c>, a local, parameter, field or <c>this</c>.</summary>
        private static bool IsPlainValue(IOperation value)
        {
            value = OperationHelpers.SkipConversions(value);
            if (value.ConstantValue.HasValue)
            {
                return true;
            }

            return value switch
            {
                ILocalReferenceOperation or IParameterReferenceOperation or IInstanceReferenceOperation or IDefaultValueOperation => true,
                IFieldReferenceOperation field => field.Instance is null || IsPlainValue(field.Instance),
                _ => false,
            };
        }

        // ------------------------------------------------------------------ continuations

        /// <summary><c>task.ContinueWith(t =&gt; Log(t.Exception))</c>: the continuation reads the antecedent's fault and runs when it faults.</summary>
        private bool ContinuationObserves(IInvocationOperation call, CancellationToken cancellationToken)
        {
            IOperation? continuation = null;
            foreach (var argument in call.Arguments)
            {
                if (argument.Parameter is null)
                {
                    return false;
                }

                if (argument.Parameter.Ordinal == 0)
                {
                    continuation = argument.Value;
                }
                else if (KnownTypes.Is(argument.Parameter.Type, _types.TaskContinuationOptions) &&
                         argument.Value.ConstantValue is { HasValue: true, Value: { } options } &&
                         (System.Convert.ToInt64(options, System.Globalization.CultureInfo.InvariantCulture) & NotOnFaulted) != 0)
                {
                    // OnlyOnRanToCompletion, NotOnFaulted, OnlyOnCanceled: the continuation never sees the fault.
                    return false;
                }
            }

            return continuation is not null && ReadsAntecedentFault(continuation, cancellationToken);
        }

        private bool ReadsAntecedentFault(IOperation value, CancellationToken cancellationToken)
        {
            value = OperationHelpers.SkipConversions(value);
            if (value is IDelegateCreationOperation creation)
            {
                value = OperationHelpers.SkipConversions(creation.Target);
            }

            switch (value)
            {
                case IMethodReferenceOperation reference:
                    return (Facts(reference.Method, cancellationToken) & MethodFacts.ReadsFirstParameterFault) != 0;
                case IAnonymousFunctionOperation lambda when lambda.Symbol.Parameters.Length > 0:
                    return ReadsFault(lambda.Body, lambda.Symbol.Parameters[0]) && !Throws(lambda.Body);
                default:
                    return false;
            }
        }

        /// <summary>The body reads <c>p.Exception</c> or <c>p.IsFaulted</c> of the task parameter <paramref name="parameter"/>.</summary>
        private bool ReadsFault(IOperation body, IParameterSymbol parameter)
        {
            var stack = new Stack<IOperation>();
            stack.Push(body);
            while (stack.Count > 0)
            {
                var operation = stack.Pop();
                if (operation is IPropertyReferenceOperation { Instance: { } instance } property &&
                    (property.Property.Name == "Exception" || property.Property.Name == "IsFaulted") &&
                    KnownTypes.Is(property.Property.ContainingType, _types.Task) &&
                    OperationHelpers.SkipConversions(instance) is IParameterReferenceOperation reference &&
                    SymbolEqualityComparer.Default.Equals(reference.Parameter, parameter))
                {
                    return true;
                }

                foreach (var child in operation.ChildOperations)
                {
                    stack.Push(child);
                }
            }

            return false;
        }

        /// <summary>A <c>throw</c> that leaves the body (not one inside a nested lambda or local function).</summary>
        private static bool Throws(IOperation body)
        {
            var stack = new Stack<IOperation>();
            stack.Push(body);
            while (stack.Count > 0)
            {
                var operation = stack.Pop();
                if (operation is IThrowOperation)
                {
                    return true;
                }

                foreach (var child in operation.ChildOperations)
                {
                    if (child is not (IAnonymousFunctionOperation or ILocalFunctionOperation))
                    {
                        stack.Push(child);
                    }
                }
            }

            return false;
        }

        // ------------------------------------------------------------------ bodies that catch everything

        /// <summary>
        /// Every exception the body can throw is caught by a catch-all that does not rethrow: the body is one
        /// <c>try</c> with such a catch, with before it only declarations of constants and after it only a plain
        /// <c>return</c>. A synchronous function that returns a task does not count: the task it returns may still fault.
        /// </summary>
        private bool BodyCannotFault(IBlockOperation body, bool isAsync, ITypeSymbol? returnType)
        {
            if (!isAsync && DroppedTask.IsAwaitable(returnType, _types))
            {
                return false;
            }

            return GuardedBlock(body, allowLoop: true) || (isAsync && DelayThenSignalBody(body));
        }

        /// <summary>
        /// Declarations of cheap values, then one guard (a <c>try</c> that catches everything, or, when
        /// <paramref name="allowLoop"/>, a loop whose body is itself guarded), then only plain returns.
        /// </summary>
        private bool GuardedBlock(IBlockOperation body, bool allowLoop)
        {
            IOperation? guard = null;
            foreach (var statement in body.Operations)
            {
                if (guard is null)
                {
                    if (statement is ITryOperation tryOperation)
                    {
                        if (!CatchesEverything(tryOperation))
                        {
                            return false;
                        }

                        guard = tryOperation;
                        continue;
                    }

                    if (allowLoop && statement is ILoopOperation loop && GuardedLoop(loop))
                    {
                        guard = loop;
                        continue;
                    }
                }

                var harmless = guard is null ? IsHarmlessDeclaration(statement) : IsPlainReturn(statement);
                if (!harmless)
                {
                    return false;
                }
            }

            return guard is not null;
        }

        /// <summary>A listener loop: <c>foreach</c>/<c>await foreach</c>/<c>while</c> whose body is guarded by a catch-all (its header is trusted).</summary>
        private bool GuardedLoop(ILoopOperation loop)
        {
            IOperation? header = loop switch
            {
                IForEachLoopOperation forEach => forEach.Collection,
                IWhileLoopOperation whileLoop => whileLoop.Condition,
                _ => null,
            };
            return header is not null && !HasErrors(header, CancellationToken.None) &&
                   loop.Body is IBlockOperation block && GuardedBlock(block, allowLoop: false);
        }

        private bool IsHarmlessDeclaration(IOperation statement)
        {
            if (statement is IEmptyOperation)
            {
                return true;
            }

            if (statement is not IVariableDeclarationGroupOperation group)
            {
                return false;
            }

            foreach (var declaration in group.Declarations)
            {
                foreach (var declarator in declaration.Declarators)
                {
                    var initial = OperationHelpers.InitialValue(declarator);
                    if (initial is not null && !IsCheapRead(initial))
                    {
                        return false;
                    }
                }
            }

            return true;
        }

        /// <summary>
        /// A value computed without input or output: a plain value, a field or property read, an operator, a cast, a
        /// static member of <c>TimeSpan</c>, or a synchronous call of the program's own (declared in this compilation)
        /// on such values. A call into a library (<c>File.ReadAllText(path)</c>) is not cheap.
        /// </summary>
        private bool IsCheapRead(IOperation value)
        {
            value = OperationHelpers.SkipConversions(value);
            if (IsPlainValue(value))
            {
                return true;
            }

            switch (value)
            {
                case IPropertyReferenceOperation property:
                    return property.Arguments.Length == 0 && (property.Instance is null || IsCheapRead(property.Instance));
                case IFieldReferenceOperation field:
                    return field.Instance is null || IsCheapRead(field.Instance);
                case IBinaryOperation binary:
                    return IsCheapRead(binary.LeftOperand) && IsCheapRead(binary.RightOperand);
                case IUnaryOperation unary:
                    return IsCheapRead(unary.Operand);
                case ITypeOfOperation:
                    return true;
                case IInvocationOperation call:
                    if (call.TargetMethod.IsAsync || DroppedTask.IsAwaitable(call.Type, _types) || call.TargetMethod.MethodKind == MethodKind.DelegateInvoke ||
                        (call.Instance is not null && !IsCheapRead(call.Instance)))
                    {
                        return false;
                    }

                    foreach (var argument in call.Arguments)
                    {
                        if (!IsCheapRead(argument.Value))
                        {
                            return false;
                        }
                    }

                    return (call.TargetMethod.IsStatic && KnownTypes.Is(call.TargetMethod.ContainingType, _types.TimeSpan)) || IsOwnMethod(call.TargetMethod);
                default:
                    return false;
            }
        }

        /// <summary>Declared in this compilation (its body is the program's own).</summary>
        private bool IsOwnMethod(IMethodSymbol method)
        {
            foreach (var reference in method.OriginalDefinition.DeclaringSyntaxReferences)
            {
                if (_compilation.ContainsSyntaxTree(reference.SyntaxTree))
                {
                    return true;
                }
            }

            return false;
        }

        // ------------------------------------------------------------------ delay-then-signal timers

        /// <summary><c>Task.Delay(n).ContinueWith(_ =&gt; Signal(x))</c>: the delay cannot fault, the signal cannot throw.</summary>
        private bool DelayThenSignal(IInvocationOperation call, CancellationToken cancellationToken)
        {
            if (call.Instance is null || !IsDelay(OperationHelpers.SkipConversions(call.Instance)))
            {
                return false;
            }

            foreach (var argument in call.Arguments)
            {
                if (argument.Parameter?.Ordinal != 0)
                {
                    continue;
                }

                var value = OperationHelpers.SkipConversions(argument.Value);
                if (value is IDelegateCreationOperation creation)
                {
                    value = OperationHelpers.SkipConversions(creation.Target);
                }

                return value is IAnonymousFunctionOperation lambda && DroppedTask.SingleExpression(lambda.Body) is { } expression &&
                       IsSignal(expression, cancellationToken);
            }

            return false;
        }

        private bool IsDelay(IOperation operation) =>
            operation is IInvocationOperation { TargetMethod: { Name: "Delay", IsStatic: true } delay } && KnownTypes.Is(delay.ContainingType, _types.Task);

        /// <summary>An async body that awaits <c>Task.Delay(…)</c> and then makes one signal call, and nothing else.</summary>
        private bool DelayThenSignalBody(IBlockOperation body)
        {
            var delayed = false;
            var signalled = false;
            foreach (var statement in body.Operations)
            {
                if (statement is IReturnOperation { IsImplicit: true, ReturnedValue: null })
                {
                    continue;
                }

                if (statement is not IExpressionStatementOperation expression)
                {
                    return false;
                }

                if (!delayed)
                {
                    if (expression.Operation is not IAwaitOperation awaited)
                    {
                        return false;
                    }

                    var awaitedValue = OperationHelpers.SkipImplicitConversions(awaited.Operation);
                    while (awaitedValue is IInvocationOperation configure && DroppedTask.IsConfigureAwait(configure, _types))
                    {
                        awaitedValue = OperationHelpers.SkipImplicitConversions(configure.Instance!);
                    }

                    if (!IsDelay(awaitedValue))
                    {
                        return false;
                    }

                    delayed = true;
                }
                else if (!signalled && IsSignal(expression.Operation, CancellationToken.None))
                {
                    signalled = true;
                }
                else
                {
                    return false;
                }
            }

            return signalled;
        }

        /// <summary>
        /// A synchronous void call, not of a delegate (<c>action()</c> runs whatever the caller passed), on cheap values:
        /// <c>IHostApplicationLifetime.StopApplication()</c>, or a method of the program's own that signals
        /// (<see cref="MethodFacts.Signals"/>).
        /// </summary>
        private bool IsSignal(IOperation expression, CancellationToken cancellationToken)
        {
            if (OperationHelpers.SkipImplicitConversions(expression) is not IInvocationOperation call || !call.TargetMethod.ReturnsVoid ||
                call.TargetMethod.MethodKind == MethodKind.DelegateInvoke || (call.Instance is not null && !IsCheapRead(call.Instance)))
            {
                return false;
            }

            foreach (var argument in call.Arguments)
            {
                if (!IsCheapRead(argument.Value) && !IsCheapCreation(argument.Value))
                {
                    return false;
                }
            }

            var method = call.TargetMethod;
            if (method.Name == "StopApplication" && method.Parameters.Length == 0 && KnownTypes.IsOrImplements(method.ContainingType, _types.HostApplicationLifetime))
            {
                return true;
            }

            return (Facts(method, cancellationToken) & MethodFacts.Signals) != 0;
        }

        /// <summary><c>new Event(id)</c>: an object made from cheap values, without an initializer.</summary>
        private bool IsCheapCreation(IOperation value)
        {
            if (OperationHelpers.SkipConversions(value) is not IObjectCreationOperation { Initializer: null } creation)
            {
                return false;
            }

            foreach (var argument in creation.Arguments)
            {
                if (!IsCheapRead(argument.Value))
                {
                    return false;
                }
            }

            return true;
        }

        /// <summary>
        /// The body neither throws nor runs a delegate outside the body of a <c>try</c> that catches everything; calls of
        /// the program's own methods there must do the same (two levels deep, not followed further).
        /// </summary>
        private bool SignalBody(IOperation operation, int depth, CancellationToken cancellationToken)
        {
            switch (operation)
            {
                case ITryOperation attempt when CatchesEverything(attempt):
                    foreach (var clause in attempt.Catches)
                    {
                        if (!SignalBody(clause, depth, cancellationToken))
                        {
                            return false;
                        }
                    }

                    return attempt.Finally is null || SignalBody(attempt.Finally, depth, cancellationToken);
                case IAnonymousFunctionOperation or ILocalFunctionOperation:
                    return true; // not run here
                case IThrowOperation or IInvalidOperation:
                    return false;
                case IInvocationOperation call when call.TargetMethod.MethodKind == MethodKind.DelegateInvoke:
                    return false;
                case IInvocationOperation call when IsOwnMethod(call.TargetMethod) && !OwnCallSignals(call.TargetMethod, depth, cancellationToken):
                    return false;
            }

            foreach (var child in operation.ChildOperations)
            {
                if (!SignalBody(child, depth, cancellationToken))
                {
                    return false;
                }
            }

            return true;
        }

        private bool OwnCallSignals(IMethodSymbol method, int depth, CancellationToken cancellationToken)
        {
            if (depth >= 2 || method.IsAsync || DroppedTask.IsAwaitable(method.ReturnType, _types))
            {
                return false;
            }

            var body = BodyOf(Normalize(method), cancellationToken);
            return body is not null && SignalBody(body, depth + 1, cancellationToken);
        }

        private static bool IsPlainReturn(IOperation statement) =>
            statement is IEmptyOperation ||
            statement is IReturnOperation { ReturnedValue: null } ||
            statement is IReturnOperation { ReturnedValue: { } value } && IsPlainValue(value);

        /// <summary>A catch of Exception (or a bare catch) without a filter, and no catch clause that throws.</summary>
        private bool CatchesEverything(ITryOperation tryOperation)
        {
            var catchAll = false;
            foreach (var clause in tryOperation.Catches)
            {
                // The try's body may hold anything (whatever it throws is caught); its catch clauses are read, so not broken ones.
                if (HasErrors(clause, CancellationToken.None) ||
                    (Throws(clause.Handler) && !LogsThenRethrows(clause)) || (clause.Filter is not null && Throws(clause.Filter)))
                {
                    return false;
                }

                if (clause.Filter is null && IsEveryException(clause.ExceptionType))
                {
                    catchAll = true;
                }
            }

            return catchAll;
        }

        /// <summary>
        /// <c>catch (Exception ex) { logger.LogError(ex, …); throw; }</c>: the caught exception is handed to a call (logged)
        /// and every throw of the handler rethrows it: the failure is observed where it happens.
        /// </summary>
        private static bool LogsThenRethrows(ICatchClauseOperation clause)
        {
            if (clause.ExceptionDeclarationOrExpression is not IVariableDeclaratorOperation { Symbol: { } caught })
            {
                return false;
            }

            var logged = false;
            var stack = new Stack<IOperation>();
            stack.Push(clause.Handler);
            while (stack.Count > 0)
            {
                var operation = stack.Pop();
                switch (operation)
                {
                    case IThrowOperation { Exception: null }:
                        break;
                    case IThrowOperation { Exception: { } thrown }:
                        if (!IsLocal(thrown, caught))
                        {
                            return false;
                        }

                        break;
                    case IInvocationOperation call when call.TargetMethod.MethodKind != MethodKind.DelegateInvoke:
                        foreach (var argument in call.Arguments)
                        {
                            logged |= IsLocal(argument.Value, caught);
                        }

                        break;
                }

                foreach (var child in operation.ChildOperations)
                {
                    if (child is not (IAnonymousFunctionOperation or ILocalFunctionOperation))
                    {
                        stack.Push(child);
                    }
                }
            }

            return logged;
        }

        private static bool IsLocal(IOperation value, ILocalSymbol local) =>
            OperationHelpers.SkipConversions(value) is ILocalReferenceOperation reference && SymbolEqualityComparer.Default.Equals(reference.Local, local);

        /// <summary>System.Exception, or object (what a bare <c>catch</c> catches).</summary>
        private bool IsEveryException(ITypeSymbol? type) =>
            type is not null && type.TypeKind != TypeKind.Error &&
            (type.SpecialType == SpecialType.System_Object || KnownTypes.Is(type, _types.Exception));

        // ------------------------------------------------------------------ methods, once each

        private static IMethodSymbol Normalize(IMethodSymbol method)
        {
            method = (method.ReducedFrom ?? method).OriginalDefinition;
            return method.PartialImplementationPart ?? method;
        }

        private MethodFacts Facts(IMethodSymbol method, CancellationToken cancellationToken)
        {
            method = Normalize(method);
            if (method.IsAbstract || method.IsVirtual || method.IsExtern || (method.IsOverride && !method.IsSealed && !method.ContainingType.IsSealed) ||
                method.DeclaringSyntaxReferences.Length != 1)
            {
                return MethodFacts.None;
            }

            if (_methods.TryGetValue(method, out var known))
            {
                return known;
            }

            var facts = Compute(method, cancellationToken);
            if (!cancellationToken.IsCancellationRequested)
            {
                _methods.TryAdd(method, facts);
            }

            return facts;
        }

        private MethodFacts Compute(IMethodSymbol method, CancellationToken cancellationToken)
        {
            var body = BodyOf(method, cancellationToken, filter: true);
            if (body is null)
            {
                return MethodFacts.None;
            }

            // Broken code or unresolved types: only "cannot fault" may still be read, where the broken part is inside a
            // guarded try (whatever it throws is caught); the other facts need the whole body.
            var errors = HasErrors(body, cancellationToken);
            var facts = MethodFacts.None;
            if (!method.ReturnsVoid && BodyCannotFault(body, method.IsAsync, method.ReturnType))
            {
                facts |= MethodFacts.CannotFault;
            }

            if (errors)
            {
                return facts;
            }

            if (method.ReturnsVoid && !method.IsAsync && SignalBody(body, 0, cancellationToken))
            {
                facts |= MethodFacts.Signals;
            }

            if (method.Parameters.Length > 0 && _types.IsTask(method.Parameters[0].Type) && ReadsFault(body, method.Parameters[0]) && !Throws(body))
            {
                facts |= MethodFacts.ReadsFirstParameterFault;
            }

            if (ObservesTaskParameter(method, body, cancellationToken))
            {
                facts |= MethodFacts.ObservesTaskParameter;
            }

            return facts;
        }

        /// <summary>
        /// The bound body of a method declared in this compilation with one declaration, or null. With
        /// <paramref name="filter"/>, only a body that passes the cheap syntactic filter is bound.
        /// </summary>
        private IBlockOperation? BodyOf(IMethodSymbol method, CancellationToken cancellationToken, bool filter = false)
        {
            if (method.DeclaringSyntaxReferences.Length != 1)
            {
                return null;
            }

            var reference = method.DeclaringSyntaxReferences[0];
            if (!_compilation.ContainsSyntaxTree(reference.SyntaxTree))
            {
                return null;
            }

            // Cheap syntactic filter first: only a method with a body that may have a fact is bound.
            var syntax = reference.GetSyntax(cancellationToken);
            SyntaxNode? bodySyntax = syntax switch
            {
                BaseMethodDeclarationSyntax m => (SyntaxNode?)m.Body ?? m.ExpressionBody,
                LocalFunctionStatementSyntax l => (SyntaxNode?)l.Body ?? l.ExpressionBody,
                _ => null,
            };
            if (bodySyntax is null || (filter && !MayHaveFacts(method, bodySyntax)))
            {
                return null;
            }

            var model = SemanticModelFor(reference.SyntaxTree);
            var operation = model.GetOperation(syntax, cancellationToken);
            return operation switch
            {
                IMethodBodyBaseOperation m => m.BlockBody ?? m.ExpressionBody,
                ILocalFunctionOperation l => l.Body,
                _ => null,
            };
        }

        private bool MayHaveFacts(IMethodSymbol method, SyntaxNode body)
        {
            foreach (var parameter in method.Parameters)
            {
                if (_types.IsTask(parameter.Type))
                {
                    return true;
                }
            }

            if (method.ReturnsVoid && !method.IsAsync)
            {
                return true; // may be a signal (asked only for the act of a delay-then-signal timer)
            }

            if (!method.IsAsync || body is not BlockSyntax block)
            {
                return false;
            }

            foreach (var statement in block.Statements)
            {
                // a guarded try, a listener loop, or an awaited delay first (a delay-then-signal helper)
                if (statement is TryStatementSyntax or CommonForEachStatementSyntax or WhileStatementSyntax ||
                    (statement is ExpressionStatementSyntax { Expression: AwaitExpressionSyntax } && statement == block.Statements[0]))
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>
        /// The body attaches, to one of its task parameters, a continuation that reads the fault
        /// (<c>task.ContinueWith(t =&gt; log(t.Exception), OnlyOnFaulted)</c>), and every value it returns is that task
        /// or that continuation: what the caller drops is observed.
        /// </summary>
        private bool ObservesTaskParameter(IMethodSymbol method, IBlockOperation body, CancellationToken cancellationToken)
        {
            var observed = new List<IParameterSymbol>();
            var returns = new List<IOperation>();
            var stack = new Stack<IOperation>();
            stack.Push(body);
            while (stack.Count > 0)
            {
                var operation = stack.Pop();
                if (operation is IInvocationOperation call && IsContinueWith(call) &&
                    OperationHelpers.SkipConversions(call.Instance!) is IParameterReferenceOperation antecedent &&
                    ContinuationObserves(call, cancellationToken))
                {
                    observed.Add(antecedent.Parameter);
                }
                else if (operation is IReturnOperation { ReturnedValue: { } returned })
                {
                    returns.Add(returned);
                }

                foreach (var child in operation.ChildOperations)
                {
                    if (child is not (IAnonymousFunctionOperation or ILocalFunctionOperation))
                    {
                        stack.Push(child);
                    }
                }
            }

            if (observed.Count == 0)
            {
                return false;
            }

            foreach (var returned in returns)
            {
                var value = OperationHelpers.SkipConversions(returned);
                var ok = value switch
                {
                    IParameterReferenceOperation p => Contains(observed, p.Parameter),
                    IInvocationOperation call => IsContinueWith(call) && OperationHelpers.SkipConversions(call.Instance!) is IParameterReferenceOperation antecedent &&
                                                 Contains(observed, antecedent.Parameter) && ContinuationObserves(call, cancellationToken),
                    _ => false,
                };
                if (!ok)
                {
                    return false;
                }
            }

            return method.ReturnsVoid || returns.Count > 0;
        }

        /// <summary>True when the operation tree has an invalid operation (broken code): say nothing about it.</summary>
        private static bool HasErrors(IOperation operation, CancellationToken cancellationToken)
        {
            var stack = new Stack<IOperation>();
            stack.Push(operation);
            while (stack.Count > 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var current = stack.Pop();
                if (current is IInvalidOperation)
                {
                    return true;
                }

                foreach (var child in current.ChildOperations)
                {
                    stack.Push(child);
                }
            }

            return false;
        }

        private static bool Contains(List<IParameterSymbol> parameters, IParameterSymbol parameter)
        {
            foreach (var p in parameters)
            {
                if (SymbolEqualityComparer.Default.Equals(p, parameter))
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>
        /// A model for the body of a called method, which may be declared in another tree than the one analyzed. The
        /// answer is cached per method and the model is not kept: each called method that passes the syntactic filter
        /// is bound once per compilation.
        /// </summary>
        private SemanticModel SemanticModelFor(SyntaxTree tree)
        {
#pragma warning disable RS1030 // The body of a called method may be in another tree; it is bound once per method and cached.
            return _compilation.GetSemanticModel(tree);
#pragma warning restore RS1030
        }
    }
}
