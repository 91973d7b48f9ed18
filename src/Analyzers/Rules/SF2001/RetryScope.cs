using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;
using Steadfast.Analyzers.Internal;

namespace Steadfast.Analyzers.Rules.SF2001
{
    /// <summary>
    /// Whether an HTTP call already runs inside a retry: the lambda given to <c>ResilientHttp.RetryAsync</c>, to a Polly
    /// policy or pipeline's execute method, or to a method in <c>SF2001.retry_methods</c>; or a loop written by hand that
    /// sends again on failure and is left on success; or the body of a loop that runs until the app stops
    /// (<c>while (true)</c>, <c>for (;;)</c>, <c>while (!token.IsCancellationRequested)</c>,
    /// <c>while (await timer.WaitForNextTickAsync(…))</c>, as SF1002 reads them), whose next iteration sends again.
    /// </summary>
    /// <remarks>
    /// Whether a given policy or pipeline really retries is not known statically (it may be a timeout or a circuit
    /// breaker alone): any Polly execute counts, as the author's choice of resilience at that call. A synchronous
    /// <c>Execute</c> counts only when its lambda waits for the call (<c>.Result</c>, <c>.Wait()</c>,
    /// <c>.GetAwaiter().GetResult()</c>): a lambda that hands the task back finishes before the request fails, so the
    /// policy never sees the failure.
    /// </remarks>
    internal static class RetryScope
    {
        public static bool Contains(IInvocationOperation call, SF2001Symbols types, SF2001HttpCallWithoutRetryAnalyzer.Options options, Compilation compilation)
        {
            var ownFunction = true; // loops count only in the call's own function: a lambda may run anywhere
            IOperation child = call;
            for (var op = call.Parent; op is not null; child = op, op = op.Parent)
            {
                switch (op)
                {
                    case IAnonymousFunctionOperation lambda:
                        if (lambda.Parent is IDelegateCreationOperation { Parent: IArgumentOperation { Parent: IInvocationOperation retry } } &&
                            IsRetryCall(retry, call, types, options))
                        {
                            return true;
                        }

                        ownFunction = false;
                        break;
                    case ILocalFunctionOperation:
                        ownFunction = false;
                        break;
                    case ILoopOperation loop when ownFunction && IsRetryLoop(loop, call, types):
                        return true;
                    case IWhileLoopOperation or IForLoopOperation when ownFunction && child == ((ILoopOperation)op).Body && IsPeriodicLoop((ILoopOperation)op, call, compilation):
                        return true; // a loop that runs until the app stops (a periodic job): its next iteration is the retry
                }
            }

            return ownFunction && SendsAgainBySelfCall(call, types);
        }

        /// <summary>
        /// The method that sends calls itself again with the same request: <c>return await SendAsync(username, retry: false)</c>
        /// after a 429, or <c>scheduler.Schedule(ct =&gt; NotifyAsync(job, ct), delay)</c> from a catch. "The same request":
        /// every parameter that is not a flag, a number or a <c>CancellationToken</c> is passed on unchanged (a recursion
        /// that walks pages, <c>GetAllAsync(nextUrl)</c>, passes another value and is not a retry).
        /// </summary>
        private static bool SendsAgainBySelfCall(IInvocationOperation call, SF2001Symbols types)
        {
            if (call.SemanticModel?.GetEnclosingSymbol(call.Syntax.SpanStart) is not IMethodSymbol method ||
                method.MethodKind is not (MethodKind.Ordinary or MethodKind.LocalFunction))
            {
                return false;
            }

            foreach (var op in OperationHelpers.Root(call).DescendantsAndSelf())
            {
                if (op is IInvocationOperation again && !ReferenceEquals(again, call) &&
                    SymbolEqualityComparer.Default.Equals(again.TargetMethod.OriginalDefinition, method.OriginalDefinition) &&
                    PassesSameRequest(again, method, types))
                {
                    return true;
                }
            }

            return false;
        }

        private static bool PassesSameRequest(IInvocationOperation again, IMethodSymbol method, SF2001Symbols types)
        {
            foreach (var argument in again.Arguments)
            {
                var parameter = argument.Parameter;
                if (parameter is null)
                {
                    return false;
                }

                var type = parameter.Type;
                if (type.SpecialType is SpecialType.System_Boolean or (>= SpecialType.System_SByte and <= SpecialType.System_Double) ||
                    KnownTypes.Is(type, types.CancellationToken))
                {
                    continue; // a retry flag, a try count, a token
                }

                if (OperationHelpers.SkipConversions(argument.Value) is not IParameterReferenceOperation passed ||
                    !SymbolEqualityComparer.Default.Equals(passed.Parameter.ContainingSymbol, method) ||
                    passed.Parameter.Ordinal != parameter.Ordinal)
                {
                    return false;
                }
            }

            return true;
        }

        /// <summary>
        /// A <c>while</c> or <c>for</c> loop that runs until the app stops (SF1002's reading), whose next iteration sends
        /// again after a failure: not when a catch around the call inside the loop always leaves it (returns, breaks, throws).
        /// </summary>
        private static bool IsPeriodicLoop(ILoopOperation loop, IInvocationOperation call, Compilation compilation)
        {
            IOperation child = call;
            for (var op = call.Parent; op is not null && op != loop; child = op, op = op.Parent)
            {
                if (op is ITryOperation { Catches.Length: > 0 } attempt && child == attempt.Body)
                {
                    var anyStays = false;
                    foreach (var handler in attempt.Catches)
                    {
                        anyStays |= !AlwaysLeaves(handler.Handler);
                    }

                    if (!anyStays)
                    {
                        return false; // a failure leaves the loop: no next iteration
                    }
                }
            }

            return SF1002BackgroundLoopAnalyzer.IsForeverLoop(loop, SF1002Symbols.GetOrCreate(compilation));
        }

        private static bool IsRetryCall(IInvocationOperation retry, IInvocationOperation call, SF2001Symbols types, SF2001HttpCallWithoutRetryAnalyzer.Options options)
        {
            var method = retry.TargetMethod;
            if (KnownTypes.Is(method.ContainingType, types.SteadfastResilientHttp) && method.Name == "RetryAsync")
            {
                return true;
            }

            if (SymbolNames.MatchesAny(method, options.RetryMethods))
            {
                return true;
            }

            var receiver = retry.Instance?.Type;
            switch (method.Name)
            {
                case "ExecuteAsync" or "ExecuteAndCaptureAsync" when KnownTypes.IsOrImplements(receiver, types.PollyAsyncPolicy) || KnownTypes.IsOrImplements(receiver, types.PollyAsyncPolicyOfT):
                    return true; // Polly v7: IAsyncPolicy, AsyncRetryPolicy, AsyncPolicyWrap…
                case "ExecuteAsync" or "ExecuteOutcomeAsync" when IsPipeline(receiver, types):
                    return true; // Polly v8: ResiliencePipeline, ResiliencePipeline<T>
                case "Execute" or "ExecuteAndCapture" when KnownTypes.IsOrImplements(receiver, types.PollySyncPolicy) || KnownTypes.IsOrImplements(receiver, types.PollySyncPolicyOfT):
                case "Execute" when IsPipeline(receiver, types):
                    return WaitsFor(call); // a synchronous execute sees the failure only of a call it waits for
                default:
                    return false;
            }
        }

        private static bool IsPipeline(ITypeSymbol? receiver, SF2001Symbols types) =>
            KnownTypes.DerivesFrom(receiver, types.PollyResiliencePipeline) || KnownTypes.DerivesFrom(receiver, types.PollyResiliencePipelineOfT);

        /// <summary><c>call.Result</c>, <c>call.Wait()</c>, <c>call.GetAwaiter().GetResult()</c>: the task is waited for where it is made.</summary>
        private static bool WaitsFor(IInvocationOperation call)
        {
            var use = OperationHelpers.OutermostConversion(call).Parent;
            return use switch
            {
                IPropertyReferenceOperation { Property.Name: "Result" } => true,
                IInvocationOperation { TargetMethod.Name: "Wait" } => true,
                IInvocationOperation { TargetMethod.Name: "GetAwaiter" } awaiter => OperationHelpers.OutermostConversion(awaiter).Parent is IInvocationOperation { TargetMethod.Name: "GetResult" },
                _ => false,
            };
        }

        /// <summary>
        /// A loop that sends again on failure and is left on success: the call in a <c>try</c> whose body leaves the loop
        /// (a <c>return</c>, a <c>break</c>, or setting what the loop's condition reads) and whose catch does not; or a
        /// status check that leaves the loop on success or goes round on failure. A loop that sends once per item (and
        /// is not left on success) is not a retry.
        /// </summary>
        private static bool IsRetryLoop(ILoopOperation loop, IInvocationOperation call, SF2001Symbols types)
        {
            // The call in the body of a try inside the loop.
            IOperation child = call;
            for (var op = call.Parent; op is not null && op != loop; child = op, op = op.Parent)
            {
                if (op is ITryOperation attempt && child == attempt.Body && LeavesOnSuccess(attempt.Body, loop))
                {
                    foreach (var handler in attempt.Catches)
                    {
                        if (!AlwaysLeaves(handler.Handler))
                        {
                            return true;
                        }
                    }
                }
            }

            // The response's status decides whether to go round again.
            if (types.HttpResponseMessage is null)
            {
                return false;
            }

            var condition = loop switch
            {
                IWhileLoopOperation whileLoop => whileLoop.Condition,
                IForLoopOperation forLoop => forLoop.Condition,
                _ => null,
            };
            if (condition is not null && StatusCheck(condition, types) == Check.FailureWhenTrue)
            {
                return true; // while (!response.IsSuccessStatusCode …), while (response.StatusCode == TooManyRequests)
            }

            foreach (var op in Descendants(loop.Body))
            {
                if (op is IConditionalOperation { WhenTrue: var whenTrue, WhenFalse: var whenFalse } check)
                {
                    switch (StatusCheck(check.Condition, types))
                    {
                        case Check.SuccessWhenTrue when Leaves(whenTrue, loop):
                        case Check.FailureWhenTrue when whenFalse is not null && Leaves(whenFalse, loop):
                        case Check.FailureWhenTrue when Continues(whenTrue, loop) && Leaves(loop.Body, loop):
                            return true;
                    }
                }
            }

            return false;
        }

        private enum Check
        {
            None,
            SuccessWhenTrue,
            FailureWhenTrue,
        }

        /// <summary>What a condition on an <c>HttpResponseMessage</c>'s <c>IsSuccessStatusCode</c> or <c>StatusCode</c> means when true.</summary>
        private static Check StatusCheck(IOperation condition, SF2001Symbols types)
        {
            foreach (var op in condition.DescendantsAndSelf())
            {
                if (op is not IPropertyReferenceOperation property || !KnownTypes.DerivesFrom(property.Property.ContainingType, types.HttpResponseMessage))
                {
                    continue;
                }

                bool? successWhenTrue = property.Property.Name switch
                {
                    "IsSuccessStatusCode" => true,
                    "StatusCode" => StatusComparison(property),
                    _ => null,
                };
                if (successWhenTrue is null)
                {
                    continue;
                }

                // Each ! between the check and the condition's root turns it round.
                var positive = successWhenTrue.Value;
                for (var up = property.Parent; up is not null && up != condition.Parent; up = up.Parent)
                {
                    if (up is IUnaryOperation { OperatorKind: UnaryOperatorKind.Not })
                    {
                        positive = !positive;
                    }
                }

                return positive ? Check.SuccessWhenTrue : Check.FailureWhenTrue;
            }

            return Check.None;
        }

        /// <summary><c>StatusCode == OK</c> (a 2xx) is true on success; <c>== TooManyRequests</c>, <c>!= OK</c>, <c>&gt;= 500</c> on failure.</summary>
        private static bool? StatusComparison(IPropertyReferenceOperation statusCode)
        {
            var side = OperationHelpers.OutermostConversion(statusCode);
            if (side.Parent is not IBinaryOperation comparison)
            {
                return null;
            }

            var other = comparison.LeftOperand == side ? comparison.RightOperand : comparison.LeftOperand;
            if (other.ConstantValue is not { HasValue: true, Value: { } value })
            {
                return null;
            }

            int code;
            try
            {
                code = System.Convert.ToInt32(value, System.Globalization.CultureInfo.InvariantCulture);
            }
            catch (System.Exception e) when (e is System.FormatException or System.InvalidCastException or System.OverflowException)
            {
                return null;
            }

            var success = code >= 200 && code < 300;
            if (comparison.LeftOperand != side)
            {
                return comparison.OperatorKind switch
                {
                    BinaryOperatorKind.Equals => success,
                    BinaryOperatorKind.NotEquals => !success,
                    _ => null, // 500 <= StatusCode: rare enough to leave unjudged
                };
            }

            return comparison.OperatorKind switch
            {
                BinaryOperatorKind.Equals => success,
                BinaryOperatorKind.NotEquals => !success,
                BinaryOperatorKind.GreaterThanOrEqual when code >= 300 => false, // StatusCode >= 500: a failure
                BinaryOperatorKind.GreaterThan when code >= 299 => false,
                BinaryOperatorKind.LessThan when code > 200 && code <= 400 => true, // StatusCode < 300: a success
                BinaryOperatorKind.LessThanOrEqual when code >= 200 && code < 400 => true,
                _ => null,
            };
        }

        /// <summary>Whether <paramref name="scope"/> holds a way out of the loop on success: a return, a break of this loop, or an assignment to what its condition reads.</summary>
        private static bool LeavesOnSuccess(IOperation scope, ILoopOperation loop)
        {
            if (Leaves(scope, loop))
            {
                return true;
            }

            var condition = loop switch
            {
                IWhileLoopOperation whileLoop => whileLoop.Condition,
                IForLoopOperation forLoop => forLoop.Condition,
                _ => null,
            };
            if (condition is null)
            {
                return false;
            }

            foreach (var op in Descendants(scope))
            {
                if (op is ISimpleAssignmentOperation { Target: ILocalReferenceOperation flag })
                {
                    foreach (var read in condition.DescendantsAndSelf())
                    {
                        if (read is ILocalReferenceOperation local && SymbolEqualityComparer.Default.Equals(local.Local, flag.Local))
                        {
                            return true;
                        }
                    }
                }
            }

            return false;
        }

        /// <summary>A <c>return</c> or a <c>break</c> of <paramref name="loop"/> inside <paramref name="scope"/>.</summary>
        private static bool Leaves(IOperation scope, ILoopOperation loop)
        {
            foreach (var op in Descendants(scope))
            {
                if (op is IReturnOperation { Kind: OperationKind.Return } ||
                    (op is IBranchOperation { BranchKind: BranchKind.Break } branch && SymbolEqualityComparer.Default.Equals(branch.Target, loop.ExitLabel)))
                {
                    return true;
                }
            }

            return false;
        }

        private static bool Continues(IOperation scope, ILoopOperation loop)
        {
            foreach (var op in Descendants(scope))
            {
                if (op is IBranchOperation { BranchKind: BranchKind.Continue } branch && SymbolEqualityComparer.Default.Equals(branch.Target, loop.ContinueLabel))
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>A catch whose last statement throws, returns or breaks out: the failure leaves the loop instead of going round.</summary>
        private static bool AlwaysLeaves(IBlockOperation handler)
        {
            if (handler.Operations.Length == 0)
            {
                return false;
            }

            var last = handler.Operations[handler.Operations.Length - 1];
            if (last is IExpressionStatementOperation { Operation: IThrowOperation })
            {
                return true;
            }

            return last is IThrowOperation or IReturnOperation or IBranchOperation { BranchKind: BranchKind.Break or BranchKind.GoTo };
        }

        /// <summary>The operations under <paramref name="scope"/>, not entering lambdas or local functions (their code runs elsewhere).</summary>
        internal static System.Collections.Generic.IEnumerable<IOperation> Descendants(IOperation scope)
        {
            var stack = new System.Collections.Generic.Stack<IOperation>();
            stack.Push(scope);
            while (stack.Count > 0)
            {
                var op = stack.Pop();
                yield return op;
                foreach (var child in op.ChildOperations)
                {
                    if (child is not (IAnonymousFunctionOperation or ILocalFunctionOperation))
                    {
                        stack.Push(child);
                    }
                }
            }
        }
    }
}
