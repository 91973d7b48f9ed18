using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;
using Steadfast.Analyzers.Internal;

namespace Steadfast.Analyzers.Rules.SF1003
{
    /// <summary>The shapes SF1003 reports (the name travels in the diagnostic's properties).</summary>
    internal enum FanOutShape
    {
        /// <summary><c>Task.WhenAll(items.Select(…))</c>, directly: the fix rewrites it.</summary>
        Select,

        /// <summary>The same through a local (<c>var tasks = items.Select(…).ToList()</c>): no fix.</summary>
        SelectLocal,

        /// <summary>A loop adds one started task per item to a list given to <c>WhenAll</c>: no fix.</summary>
        LoopAdd,

        /// <summary><c>Task.Run</c> and the like once per item of a loop, not awaited there: no fix.</summary>
        StartInLoop,

        /// <summary><c>Parallel.ForEachAsync</c> with options that set no limit: the fix sets one.</summary>
        ParallelOptions,
    }

    /// <summary>A fan-out found: what starts the tasks and over what (both for the message), and its shape.</summary>
    internal readonly struct FanOut
    {
        public FanOut(FanOutShape shape, string starter, string source)
        {
            Shape = shape;
            Starter = starter;
            Source = source;
        }

        public FanOutShape Shape { get; }

        public string Starter { get; }

        public string Source { get; }
    }

    /// <summary>Finds SF1003's shapes from one invocation, looking no further than the member it is in (and, for throttles, methods of the same file it calls).</summary>
    internal static class FanOutFinder
    {
        private const int MaxDepth = 4;

        /// <summary>How many levels of same-file calls a throttle (a SemaphoreSlim wait) is looked for in.</summary>
        private const int MaxThrottleDepth = 2;

        /// <summary><c>Task.WhenAll</c>/<c>WaitAll</c> over a Select of an unfixed collection, directly or through a local, or over a list a loop fills.</summary>
        public static FanOut? OfWhenAll(IInvocationOperation call, SF1003Symbols types, int threshold)
        {
            if (call.Arguments.Length != 1 || call.Arguments[0].ArgumentKind == ArgumentKind.ParamArray)
            {
                return null; // WhenAll(a, b, c): a handful written out
            }

            var starter = "Task." + call.TargetMethod.Name;
            var tasks = WithoutMaterialization(call.Arguments[0].Value, types);
            if (tasks is IInvocationOperation select && IsEnumerable(select, types, "Select"))
            {
                return OfSelect(select, types, threshold, FanOutShape.Select, starter);
            }

            if (tasks is not ILocalReferenceOperation { Local: var local })
            {
                return null;
            }

            switch (WithoutMaterialization(InitialValue(local, call) ?? call, types))
            {
                case IInvocationOperation initialSelect when IsEnumerable(initialSelect, types, "Select"):
                    return OfSelect(initialSelect, types, threshold, FanOutShape.SelectLocal, starter);
                case IObjectCreationOperation { Initializer: null }:
                    return OfLoopAdds(call, local, types, threshold, starter);
                default:
                    return null;
            }
        }

        /// <summary><c>Parallel.ForEachAsync(items, options, body)</c> or <c>Parallel.ForAsync(from, to, options, body)</c> whose options are made here with no <c>MaxDegreeOfParallelism</c>, or -1.</summary>
        public static FanOut? OfParallelForEach(IInvocationOperation call, SF1003Symbols types, int threshold)
        {
            IOperation? options = null;
            IOperation? source = null;
            foreach (var argument in call.Arguments)
            {
                if (argument.Parameter is null)
                {
                    return null;
                }

                if (KnownTypes.Is(argument.Parameter.Type, types.ParallelOptions))
                {
                    options = OperationHelpers.SkipConversions(argument.Value);
                }
                else if (argument.Parameter.Name == "source")
                {
                    source = argument.Value;
                }
            }

            // No options: the overload limits itself to the processor count. Ranges (fromInclusive, toExclusive): a bound by construction only when constant.
            if (options is null || options is not IObjectCreationOperation creation || !KnownTypes.Is(creation.Type, types.ParallelOptions) || !SetsNoLimit(creation))
            {
                return null;
            }

            if (source is null)
            {
                if (call.Arguments.Length >= 3 && call.Arguments[0].Value.ConstantValue is { HasValue: true, Value: var from } && call.Arguments[1].Value.ConstantValue is { HasValue: true, Value: var to } &&
                    System.Convert.ToInt64(to, System.Globalization.CultureInfo.InvariantCulture) - System.Convert.ToInt64(from, System.Globalization.CultureInfo.InvariantCulture) <= threshold)
                {
                    return null;
                }

                return call.Arguments.Length >= 3
                    ? new FanOut(FanOutShape.ParallelOptions, "Parallel.ForAsync with no MaxDegreeOfParallelism", Describe(call.Arguments[1].Value))
                    : null;
            }

            return IsFixedSize(source, types, threshold, 0) ? null : new FanOut(FanOutShape.ParallelOptions, "Parallel.ForEachAsync with no MaxDegreeOfParallelism", Describe(source));
        }

        /// <summary>Options made with no <c>MaxDegreeOfParallelism</c> in their initializer, or a negative constant there (-1: no limit).</summary>
        private static bool SetsNoLimit(IObjectCreationOperation creation)
        {
            if (creation.Initializer is null)
            {
                return true;
            }

            foreach (var initializer in creation.Initializer.Initializers)
            {
                if (initializer is ISimpleAssignmentOperation { Target: IPropertyReferenceOperation { Property.Name: "MaxDegreeOfParallelism" } } assignment)
                {
                    return OperationHelpers.SkipConversions(assignment.Value).ConstantValue is { HasValue: true, Value: int value } && value < 0;
                }
            }

            return true;
        }

        /// <summary><c>Task.Run(…)</c> (and the like) per item of a loop over an unfixed collection, its task dropped or added to a collection, not awaited in the loop.</summary>
        public static FanOut? OfStartInLoop(IInvocationOperation call, SF1003Symbols types, int threshold)
        {
            var use = OperationHelpers.OutermostConversion(call).Parent;
            var dropped = use is IExpressionStatementOperation ||
                use is ISimpleAssignmentOperation { Target: IDiscardOperation } ||
                use is IArgumentOperation { Parent: IInvocationOperation { TargetMethod.Name: "Add" or "Enqueue" or "Push" or "TryAdd" } };
            if (!dropped || EnclosingLoop(call) is not { } loop || Throttled(call, types, 0))
            {
                return null;
            }

            return OfLoop(loop, types, threshold) is { } source
                ? new FanOut(FanOutShape.StartInLoop, QualifiedName(call.TargetMethod) + " in a loop", source)
                : null;
        }

        /// <summary><c>Task.Run</c>, <c>Task.Factory.StartNew</c>, <c>BackgroundTasks.Run</c>, <c>BackgroundTaskTracker.Run</c>.</summary>
        public static bool StartsBackgroundWork(IMethodSymbol method, SF1003Symbols types) =>
            (method.Name == "Run" && (KnownTypes.Is(method.ContainingType, types.Task) || KnownTypes.Is(method.ContainingType, types.SteadfastBackgroundTasks) || KnownTypes.Is(method.ContainingType, types.SteadfastBackgroundTaskTracker))) ||
            (method.Name == "StartNew" && (KnownTypes.Is(method.ContainingType, types.TaskFactory) || KnownTypes.Is(method.ContainingType, types.TaskFactoryOfT)));

        /// <summary>A <c>Select</c> whose selector starts a task per item of an unfixed source, with no throttle in the selector.</summary>
        private static FanOut? OfSelect(IInvocationOperation select, SF1003Symbols types, int threshold, FanOutShape shape, string starter)
        {
            if (select.Arguments.Length != 2 || OperationHelpers.SkipConversions(select.Arguments[1].Value) is not IDelegateCreationOperation selector ||
                selector.Type is not INamedTypeSymbol { DelegateInvokeMethod: { } invoke } || !types.IsTask(invoke.ReturnType))
            {
                return null;
            }

            var source = select.Arguments[0].Value;
            if (IsFixedSize(source, types, threshold, 0) || Throttled(selector.Target, types, 0) || OnlyTimers(selector.Target, types, 0))
            {
                return null;
            }

            return new FanOut(shape, starter, Describe(source));
        }

        /// <summary>The list <paramref name="local"/>, given to WhenAll, gets a started task per item of a loop over an unfixed collection.</summary>
        private static FanOut? OfLoopAdds(IInvocationOperation whenAll, ILocalSymbol local, SF1003Symbols types, int threshold, string starter)
        {
            foreach (var operation in FunctionRoot(whenAll).DescendantsAndSelf())
            {
                if (operation is not IInvocationOperation { TargetMethod.Name: "Add", Arguments.Length: 1 } add ||
                    add.Instance is null || OperationHelpers.SkipConversions(add.Instance) is not ILocalReferenceOperation target ||
                    !SymbolEqualityComparer.Default.Equals(target.Local, local))
                {
                    continue;
                }

                // The task added is started right there; Task.Run and the like are reported where they are.
                if (OperationHelpers.SkipConversions(add.Arguments[0].Value) is not IInvocationOperation started || !types.IsTask(started.Type) ||
                    StartsBackgroundWork(started.TargetMethod, types) || EnclosingLoop(add) is not { } loop || Throttled(add, types, 0) || OnlyTimers(started, types, 0))
                {
                    continue;
                }

                if (OfLoop(loop, types, threshold) is { } source)
                {
                    return new FanOut(FanOutShape.LoopAdd, starter, source);
                }
            }

            return null;
        }

        /// <summary>The source a loop runs over when it is unfixed (for its message), or null: a fixed collection, a while loop, a loop that waits or throttles itself.</summary>
        private static string? OfLoop(ILoopOperation loop, SF1003Symbols types, int threshold)
        {
            if (WaitsInsideLoop(loop, types))
            {
                return null;
            }

            switch (loop)
            {
                case IForEachLoopOperation forEach when !IsFixedSize(forEach.Collection, types, threshold, 0):
                    return Describe(forEach.Collection);
                case IForLoopOperation { Condition: IBinaryOperation { OperatorKind: BinaryOperatorKind.LessThan or BinaryOperatorKind.LessThanOrEqual } condition }:
                    var bound = OperationHelpers.SkipConversions(condition.RightOperand);
                    if (bound.ConstantValue is { HasValue: true, Value: int constant } && constant <= threshold)
                    {
                        return null;
                    }

                    return Describe(bound is IPropertyReferenceOperation { Instance: { } counted } ? counted : bound);
                default:
                    return null;
            }
        }

        /// <summary>
        /// A hand-written limit inside the loop: a SemaphoreSlim wait, or a <c>WhenAll</c>/<c>WhenAny</c>/<c>WaitAll</c>/<c>WaitAny</c>
        /// (a batch awaited, a slot waited for) in the loop's own code.
        /// </summary>
        private static bool WaitsInsideLoop(ILoopOperation loop, SF1003Symbols types)
        {
            foreach (var operation in loop.Body.DescendantsAndSelf())
            {
                if (operation is IInvocationOperation { TargetMethod: var method } &&
                    ((method.Name is "WhenAll" or "WhenAny" or "WaitAll" or "WaitAny" && KnownTypes.Is(method.ContainingType, types.Task)) ||
                     (method.Name is "Wait" or "WaitAsync" && KnownTypes.Is(method.ContainingType, types.SemaphoreSlim))))
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>
        /// A SemaphoreSlim wait in <paramref name="code"/> (a lambda, the started call and its arguments), or in a method of the
        /// same file it calls, up to two levels (<c>items.Select(i => SendThrottledAsync(i))</c>, or a semaphore handed to a
        /// method that hands it on to the one that waits on it).
        /// </summary>
        private static bool Throttled(IOperation code, SF1003Symbols types, int depth)
        {
            if (types.SemaphoreSlim is null)
            {
                return false;
            }

            foreach (var operation in code.DescendantsAndSelf())
            {
                IMethodSymbol? called = operation switch
                {
                    IInvocationOperation invocation => invocation.TargetMethod,
                    IMethodReferenceOperation reference => reference.Method,
                    _ => null,
                };
                if (called is null)
                {
                    continue;
                }

                if (called.Name is "Wait" or "WaitAsync" && KnownTypes.Is(called.ContainingType, types.SemaphoreSlim))
                {
                    return true;
                }

                if (depth < MaxThrottleDepth && BodyInSameTree(called, operation) is { } body && Throttled(body, types, depth + 1))
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>
        /// True when the tasks <paramref name="code"/> starts only wait on timers: every task it awaits or starts is a
        /// <c>Task.Delay</c>, or a call to a method of the same file (one level) that itself only awaits <c>Task.Delay</c>
        /// and hands off synchronously (<c>await Task.Delay(due); queue.TryWrite(id);</c>). One timer per item holds no
        /// connection or request, so a burst of them is no burst of I/O.
        /// </summary>
        private static bool OnlyTimers(IOperation code, SF1003Symbols types, int depth)
        {
            var timers = 0;
            foreach (var operation in code.DescendantsAndSelf())
            {
                switch (operation)
                {
                    case IAwaitOperation awaited:
                        var operand = OperationHelpers.SkipConversions(awaited.Operation);
                        if (operand is IInvocationOperation { TargetMethod.Name: "ConfigureAwait", Instance: { } configured })
                        {
                            operand = OperationHelpers.SkipConversions(configured);
                        }

                        if (operand is not IInvocationOperation awaitedCall || !IsTimer(awaitedCall.TargetMethod, awaitedCall, types, depth))
                        {
                            return false; // awaits something that is not a timer (a task in a variable, a custom awaitable, I/O)
                        }

                        timers++;
                        break;
                    case IInvocationOperation invocation when types.IsTaskOrValueTask(invocation.TargetMethod.ReturnType):
                        if (IsDelay(invocation.TargetMethod, types))
                        {
                            break; // a delay not awaited here (returned, say) waits for nothing by itself
                        }

                        if (!IsTimer(invocation.TargetMethod, invocation, types, depth))
                        {
                            return false;
                        }

                        timers++;
                        break;
                    case IMethodReferenceOperation reference when types.IsTaskOrValueTask(reference.Method.ReturnType):
                        if (IsDelay(reference.Method, types) || !IsTimer(reference.Method, reference, types, depth))
                        {
                            return false;
                        }

                        timers++;
                        break;
                }
            }

            return timers > 0;
        }

        /// <summary><c>Task.Delay</c>, or a method of the same file whose tasks only wait on timers (<see cref="OnlyTimers"/>).</summary>
        private static bool IsTimer(IMethodSymbol method, IOperation site, SF1003Symbols types, int depth)
        {
            if (IsDelay(method, types))
            {
                return true;
            }

            return depth == 0 && !method.IsVirtual && !method.IsAbstract && !method.IsOverride &&
                BodyInSameTree(method, site) is { } body && OnlyTimers(body, types, depth + 1);
        }

        private static bool IsDelay(IMethodSymbol method, SF1003Symbols types) => method.Name == "Delay" && KnownTypes.Is(method.ContainingType, types.Task);

        /// <summary>The body of a source method declared in the same file as <paramref name="site"/>, or null.</summary>
        private static IOperation? BodyInSameTree(IMethodSymbol method, IOperation site)
        {
            var model = site.SemanticModel;
            if (model is null || method.DeclaringSyntaxReferences.Length != 1)
            {
                return null;
            }

            var reference = method.DeclaringSyntaxReferences[0];
            if (reference.SyntaxTree != model.SyntaxTree || reference.GetSyntax() is not { } declaration)
            {
                return null;
            }

            SyntaxNode? body = declaration switch
            {
                BaseMethodDeclarationSyntax m => (SyntaxNode?)m.Body ?? m.ExpressionBody,
                LocalFunctionStatementSyntax l => (SyntaxNode?)l.Body ?? l.ExpressionBody,
                _ => null,
            };

            return body is null ? null : model.GetOperation(body);
        }

        /// <summary>
        /// True when the code fixes how many items <paramref name="source"/> has, at most <paramref name="threshold"/>: an
        /// array or collection written out, <c>Enumerable.Range</c>/<c>Repeat</c> with a constant count, <c>Take(k)</c>;
        /// filters and projections of such a source (also behind <c>?.</c> and <c>?? Array.Empty&lt;T&gt;()</c>); a local or
        /// a readonly array field initialized so; a batch of <c>Chunk</c> (a limit chosen in the code); or when the program
        /// sets it (<see cref="ProgramFixedCollections"/>: injected services, enum values, options).
        /// </summary>
        internal static bool IsFixedSize(IOperation source, SF1003Symbols types, int threshold, int depth)
        {
            if (depth > MaxDepth)
            {
                return false;
            }

            source = OperationHelpers.SkipConversions(source);
            if (ProgramFixedCollections.IsProgramFixed(source))
            {
                return true; // services injected as a collection, an enum's values, configuration: set by the program
            }

            switch (source)
            {
                case ICoalesceOperation coalesce:
                    return IsFixedSize(coalesce.Value, types, threshold, depth + 1) && IsFixedSize(coalesce.WhenNull, types, threshold, depth + 1);
                case IConditionalAccessOperation conditional:
                    return IsFixedSize(conditional.WhenNotNull, types, threshold, depth + 1);
                case IArrayCreationOperation array:
                    if (array.Initializer is { } initializer)
                    {
                        return initializer.ElementValues.Length <= threshold;
                    }

                    return array.DimensionSizes.Length == 1 && array.DimensionSizes[0].ConstantValue is { HasValue: true, Value: int size } && size <= threshold;
                case IObjectCreationOperation { Arguments.Length: 0, Initializer: { } collection }:
                    return collection.Initializers.Length <= threshold;
                case IInvocationOperation invocation when invocation.TargetMethod.ContainingType is { } container && KnownTypes.Is(container, types.Enumerable):
                    return IsFixedEnumerable(invocation, types, threshold, depth);
                case IInvocationOperation invocation:
                    return ReturnsFixedSize(invocation, types, threshold, depth);
                case ILocalReferenceOperation { Local: var local }:
                    if (local.DeclaringSyntaxReferences.Length == 1 && local.DeclaringSyntaxReferences[0].GetSyntax() is ForEachStatementSyntax)
                    {
                        return IsBatch(local, source, types);
                    }

                    return InitialValue(local, source) is { } initial &&
                        (IsFixedSize(initial, types, threshold, depth + 1) || FilledByAHandfulOfAdds(local, initial, types, threshold));
                case IFieldReferenceOperation { Field: { IsReadOnly: true, Type: IArrayTypeSymbol } field } when FieldInitializer(field, source) is { } value:
                    return IsFixedSize(value, types, threshold, depth + 1);
                case IFieldReferenceOperation { Field: var field }:
                    return ConstructorBuilt.IsServicesBuiltInConstructor(field, source, types);
                case IPropertyReferenceOperation { Property: { Name: "Values" or "Keys", IsStatic: false }, Instance: { } dictionary }:
                    return IsFixedSize(dictionary, types, threshold, depth + 1); // the values of a fixed dictionary
                case IParameterReferenceOperation { Parameter: var parameter }:
                    return PassedOnlyFixed(parameter, source, types, threshold, depth);
                default:
                    return source.Syntax is CollectionExpressionSyntax written && written.Elements.Count <= threshold && !HasSpread(written);
            }
        }

        /// <summary>
        /// A local that starts as an empty collection (<c>new List&lt;T&gt;()</c>, <c>[]</c>) and gets at most
        /// <paramref name="threshold"/> items, each from an <c>Add</c> outside any loop or lambda (one per settings flag
        /// that changed, say), and is otherwise only read: enumerated, counted, queried with LINQ or returned.
        /// </summary>
        private static bool FilledByAHandfulOfAdds(ILocalSymbol local, IOperation initial, SF1003Symbols types, int threshold)
        {
            initial = OperationHelpers.SkipConversions(initial);
            int count;
            switch (initial)
            {
                case IObjectCreationOperation { Arguments.Length: 0 } creation:
                    count = creation.Initializer?.Initializers.Length ?? 0;
                    break;
                case var written when written.Syntax is CollectionExpressionSyntax expression && !HasSpread(expression):
                    count = expression.Elements.Count;
                    break;
                default:
                    return false;
            }

            var root = FunctionRoot(initial);
            foreach (var operation in root.Descendants())
            {
                if (operation is not ILocalReferenceOperation reference || !SymbolEqualityComparer.Default.Equals(reference.Local, local))
                {
                    continue;
                }

                var use = OperationHelpers.OutermostConversion(reference);
                switch (use.Parent)
                {
                    case IInvocationOperation { TargetMethod.Name: "Add", Arguments.Length: 1 or 2 } add when add.Instance == use:
                        if (!InStraightLineCode(add, root))
                        {
                            return false; // added in a loop or a lambda: as many as it runs
                        }

                        count++;
                        break;
                    case IInvocationOperation { TargetMethod.Name: "ToArray" or "Contains" or "IndexOf" } read when read.Instance == use:
                        break;
                    case IArgumentOperation { Parent: IInvocationOperation call } when KnownTypes.Is(call.TargetMethod.ContainingType, types.Enumerable):
                        break; // a LINQ read (Any, Select, Count, …)
                    case IPropertyReferenceOperation property when property.Instance == use:
                        if (property.Property.IsIndexer && property.Parent is IAssignmentOperation assignment && assignment.Target == property)
                        {
                            if (!InStraightLineCode(property, root))
                            {
                                return false; // dictionary[key] = value in a loop
                            }

                            count++; // an indexer set may add an item (a dictionary's)
                        }

                        break; // Count, an indexer read
                    case IForEachLoopOperation loop when loop.Collection == use:
                        break;
                    case IReturnOperation:
                        break;
                    default:
                        return false; // handed elsewhere, reassigned, or filled another way: not judged
                }
            }

            return count <= threshold;
        }

        /// <summary>
        /// A parameter of a private method that every call in its type (at least one, and no method-group use) gives a
        /// fixed-size collection: <c>RefreshAsync(_providers.Values)</c> where <c>_providers</c> is fixed.
        /// </summary>
        private static bool PassedOnlyFixed(IParameterSymbol parameter, IOperation site, SF1003Symbols types, int threshold, int depth)
        {
            if (parameter.ContainingSymbol is not IMethodSymbol { MethodKind: MethodKind.Ordinary, DeclaredAccessibility: Accessibility.Private } method ||
                method.IsVirtual || method.IsAbstract || method.IsOverride || site.SemanticModel is not { } model)
            {
                return false;
            }

            var calls = 0;
            foreach (var node in ConstructorBuilt.TypeSyntax(method.ContainingType, model))
            {
                if (node is not SimpleNameSyntax name || name.Identifier.ValueText != method.Name ||
                    !SymbolEqualityComparer.Default.Equals(model.GetSymbolInfo(name).Symbol?.OriginalDefinition, method.OriginalDefinition))
                {
                    continue;
                }

                var invoked = name.Parent is MemberAccessExpressionSyntax access && access.Name == name ? (SyntaxNode)access : name;
                if (invoked.Parent is not InvocationExpressionSyntax invocationSyntax || invocationSyntax.Expression != invoked ||
                    model.GetOperation(invocationSyntax) is not IInvocationOperation call)
                {
                    return false; // a method group, or code that does not bind: not judged
                }

                IOperation? value = null;
                foreach (var argument in call.Arguments)
                {
                    if (argument.Parameter?.Ordinal == parameter.Ordinal)
                    {
                        value = argument.Value;
                    }
                }

                if (value is null || !IsFixedSize(value, types, threshold, depth + 1))
                {
                    return false;
                }

                calls++;
            }

            return calls > 0;
        }

        /// <summary>No loop, lambda or local function between <paramref name="operation"/> and <paramref name="root"/>.</summary>
        private static bool InStraightLineCode(IOperation operation, IOperation root)
        {
            for (var current = operation.Parent; current is not null && current != root; current = current.Parent)
            {
                if (current is ILoopOperation or IAnonymousFunctionOperation or ILocalFunctionOperation)
                {
                    return false;
                }
            }

            return true;
        }

        /// <summary>
        /// A call to a non-virtual method of the same file whose every <c>return</c> gives a fixed-size collection (one call
        /// deep within <see cref="MaxDepth"/>): <c>var actions = CreateActions(…)</c> where <c>CreateActions</c> builds a
        /// list from a handful of <c>Add</c>s.
        /// </summary>
        private static bool ReturnsFixedSize(IInvocationOperation invocation, SF1003Symbols types, int threshold, int depth)
        {
            var method = invocation.TargetMethod;
            if (method.MethodKind != MethodKind.Ordinary || method.IsVirtual || method.IsAbstract || method.IsOverride || method.IsExtern ||
                BodyInSameTree(method, invocation) is not { } body)
            {
                return false;
            }

            var returns = 0;
            foreach (var operation in body.Descendants())
            {
                if (operation is not IReturnOperation returned || !IsOwnCode(returned, body))
                {
                    continue;
                }

                if (returned.Kind != OperationKind.Return || returned.ReturnedValue is not { } value || !IsFixedSize(value, types, threshold, depth + 1))
                {
                    return false; // an iterator, or a return of something unfixed
                }

                returns++;
            }

            return returns > 0;
        }

        /// <summary>The operation belongs to the method itself, not to a lambda or local function in it.</summary>
        private static bool IsOwnCode(IOperation operation, IOperation root)
        {
            for (var current = operation.Parent; current is not null && current != root; current = current.Parent)
            {
                if (current is IAnonymousFunctionOperation or ILocalFunctionOperation)
                {
                    return false;
                }
            }

            return true;
        }

        private static bool IsFixedEnumerable(IInvocationOperation invocation, SF1003Symbols types, int threshold, int depth)
        {
            var arguments = invocation.Arguments;
            switch (invocation.TargetMethod.Name)
            {
                case "Range" when arguments.Length == 2:
                    return IsSmallConstant(arguments[1].Value, threshold);
                case "Repeat" when arguments.Length == 2:
                    return IsSmallConstant(arguments[1].Value, threshold);
                case "Take" when arguments.Length == 2:
                    return IsSmallConstant(arguments[1].Value, threshold) || IsFixedSize(arguments[0].Value, types, threshold, depth + 1);
                case "Empty":
                    return true;
                case "Where" or "Select" or "Skip" or "Distinct" or "OrderBy" or "OrderByDescending" or "ThenBy" or "ThenByDescending" or "Reverse" or "Cast" or "OfType" or "ToList" or "ToArray" or "AsEnumerable"
                    when arguments.Length >= 1:
                    return IsFixedSize(arguments[0].Value, types, threshold, depth + 1);
                default:
                    return false;
            }
        }

        private static bool HasSpread(CollectionExpressionSyntax written)
        {
            foreach (var element in written.Elements)
            {
                if (element is SpreadElementSyntax)
                {
                    return true;
                }
            }

            return false;
        }

        private static bool IsSmallConstant(IOperation value, int threshold) =>
            value.ConstantValue is { HasValue: true, Value: int count } && count <= threshold;

        /// <summary>A foreach variable over <c>Enumerable.Chunk(…)</c>: one batch, sized by the code.</summary>
        private static bool IsBatch(ILocalSymbol local, IOperation site, SF1003Symbols types)
        {
            var model = site.SemanticModel;
            var syntax = local.DeclaringSyntaxReferences[0];
            if (model is null || syntax.SyntaxTree != model.SyntaxTree || model.GetOperation(syntax.GetSyntax()) is not IForEachLoopOperation loop)
            {
                return false;
            }

            return OperationHelpers.SkipConversions(loop.Collection) is IInvocationOperation { TargetMethod.Name: "Chunk" } chunk &&
                KnownTypes.Is(chunk.TargetMethod.ContainingType, types.Enumerable);
        }

        /// <summary>The value a local starts with, when it is declared in the same file with an initializer.</summary>
        private static IOperation? InitialValue(ILocalSymbol local, IOperation site)
        {
            var model = site.SemanticModel;
            if (model is null || local.DeclaringSyntaxReferences.Length != 1 || local.DeclaringSyntaxReferences[0].SyntaxTree != model.SyntaxTree)
            {
                return null;
            }

            return model.GetOperation(local.DeclaringSyntaxReferences[0].GetSyntax()) is IVariableDeclaratorOperation declarator
                ? OperationHelpers.InitialValue(declarator)
                : null;
        }

        private static IOperation? FieldInitializer(IFieldSymbol field, IOperation site)
        {
            var model = site.SemanticModel;
            if (model is null || field.DeclaringSyntaxReferences.Length != 1 || field.DeclaringSyntaxReferences[0].SyntaxTree != model.SyntaxTree ||
                field.DeclaringSyntaxReferences[0].GetSyntax() is not VariableDeclaratorSyntax { Initializer: { } initializer })
            {
                return null;
            }

            return model.GetOperation(initializer) is IFieldInitializerOperation value ? value.Value : null;
        }

        /// <summary>Skips <c>.ToList()</c>, <c>.ToArray()</c>, <c>.AsEnumerable()</c> and conversions around a task sequence.</summary>
        private static IOperation WithoutMaterialization(IOperation operation, SF1003Symbols types)
        {
            operation = OperationHelpers.SkipConversions(operation);
            while (true)
            {
                if (operation is IInvocationOperation { TargetMethod.Name: "ToList" or "ToArray" or "AsEnumerable", Arguments.Length: 1 } materialize &&
                    KnownTypes.Is(materialize.TargetMethod.ContainingType, types.Enumerable))
                {
                    operation = OperationHelpers.SkipConversions(materialize.Arguments[0].Value);
                }
                else if (operation is IInvocationOperation { TargetMethod.Name: "ToArray", Arguments.Length: 0, Instance: { } list })
                {
                    operation = OperationHelpers.SkipConversions(list); // List<Task>.ToArray()
                }
                else
                {
                    return operation;
                }
            }
        }

        private static bool IsEnumerable(IInvocationOperation invocation, SF1003Symbols types, string name) =>
            invocation.TargetMethod.Name == name && KnownTypes.Is(invocation.TargetMethod.ContainingType, types.Enumerable);

        /// <summary>The loop whose body <paramref name="operation"/> is in, within the same function; null outside loops or across a lambda.</summary>
        private static ILoopOperation? EnclosingLoop(IOperation operation)
        {
            for (var current = operation.Parent; current is not null; current = current.Parent)
            {
                switch (current)
                {
                    case IAnonymousFunctionOperation or ILocalFunctionOperation:
                        return null;
                    case ILoopOperation loop:
                        return loop;
                }
            }

            return null;
        }

        /// <summary>The body of the lambda, local function or member <paramref name="operation"/> is in.</summary>
        private static IOperation FunctionRoot(IOperation operation)
        {
            for (var current = operation.Parent; current is not null; current = current.Parent)
            {
                if (current is IAnonymousFunctionOperation lambda)
                {
                    return lambda.Body;
                }

                if (current is ILocalFunctionOperation local && local.Body is { } body)
                {
                    return body;
                }
            }

            return OperationHelpers.Root(operation);
        }

        private static string QualifiedName(IMethodSymbol method) => (method.ContainingType?.Name is { } type ? type + "." : string.Empty) + method.Name;

        /// <summary>The source as written, shortened, for the message.</summary>
        private static string Describe(IOperation source)
        {
            var written = OperationHelpers.SkipImplicitConversions(source).Syntax.ToString();
            var text = new System.Text.StringBuilder(written.Length);
            var space = false;
            foreach (var c in written)
            {
                if (char.IsWhiteSpace(c))
                {
                    space = true;
                    continue;
                }

                if (space && text.Length > 0)
                {
                    text.Append(' ');
                }

                space = false;
                text.Append(c);
            }

            return text.Length <= 60 ? text.ToString() : text.ToString(0, 57) + "...";
        }
    }
}
