using System.Collections.Generic;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;
using Steadfast.Analyzers.Internal;
using Steadfast.Analyzers.Rules.SF4001;

namespace Steadfast.Analyzers.Rules.SF4002
{
    /// <summary>What a watched field holds.</summary>
    internal enum QueueKind
    {
        /// <summary>A <c>Channel&lt;T&gt;</c>: flagged when created unbounded and written at run time.</summary>
        Channel,

        /// <summary>A <c>BlockingCollection&lt;T&gt;</c>: flagged when created without a bounded capacity and added to at run time.</summary>
        BlockingCollection,

        /// <summary>A <c>List</c>, <c>Queue</c>, <c>ConcurrentQueue</c>, <c>ConcurrentBag</c> or <c>LinkedList</c>: flagged when it only grows with outside input.</summary>
        History,
    }

    /// <summary>Which fields of a type SF4002 watches: private channels, blocking collections and list-like collections.</summary>
    internal static class QueueFields
    {
        /// <summary>The watched fields of <paramref name="type"/>, or null when there are none.</summary>
        public static Dictionary<IFieldSymbol, QueueUsage>? Find(INamedTypeSymbol type, SF4002Symbols types)
        {
            Dictionary<IFieldSymbol, QueueUsage>? found = null;
            foreach (var member in type.GetMembers())
            {
                if (member is not IFieldSymbol { DeclaredAccessibility: Accessibility.Private, IsConst: false, IsImplicitlyDeclared: false } field ||
                    field.Type is not INamedTypeSymbol { TypeArguments.Length: 1 } fieldType ||
                    KindOf(fieldType, types) is not { } kind)
                {
                    continue;
                }

                if (CacheFields.IsNamedInNestedTypes(type, field.Name))
                {
                    continue; // a nested type's operations are out of this type's sight (SF4001's rule)
                }

                found ??= new Dictionary<IFieldSymbol, QueueUsage>(SymbolEqualityComparer.Default);
                found[field] = new QueueUsage(field, kind);
            }

            return found;
        }

        public static QueueKind? KindOf(INamedTypeSymbol type, SF4002Symbols types)
        {
            if (KnownTypes.Is(type, types.ChannelOfT))
            {
                return QueueKind.Channel;
            }

            if (KnownTypes.Is(type, types.BlockingCollection))
            {
                return QueueKind.BlockingCollection;
            }

            return KnownTypes.Is(type, types.List) || KnownTypes.Is(type, types.Queue) || KnownTypes.Is(type, types.LinkedList) ||
                   KnownTypes.Is(type, types.ConcurrentQueue) || KnownTypes.Is(type, types.ConcurrentBag)
                ? QueueKind.History
                : null;
        }

        /// <summary><c>Channel.CreateUnbounded&lt;T&gt;(…)</c>, or a <c>BlockingCollection&lt;T&gt;</c> made with no bounded capacity.</summary>
        public static bool IsUnboundedCreation(IOperation value, SF4002Symbols types)
        {
            switch (OperationHelpers.SkipConversions(value))
            {
                case IInvocationOperation call:
                    return call.TargetMethod.Name == "CreateUnbounded" && KnownTypes.Is(call.TargetMethod.ContainingType, types.Channel);
                case IObjectCreationOperation { Constructor: { } constructor } creation when KnownTypes.Is(creation.Type, types.BlockingCollection):
                    foreach (var parameter in constructor.Parameters)
                    {
                        if (parameter.Type.SpecialType == SpecialType.System_Int32)
                        {
                            return false; // the boundedCapacity
                        }
                    }

                    return true;
                default:
                    return false;
            }
        }
    }

    /// <summary>Everything seen of one watched field across its type; guarded by locking the instance.</summary>
    internal sealed class QueueUsage
    {
        private readonly List<(Site Site, IOperation Item)> _adds = new List<(Site, IOperation)>();

        public QueueUsage(IFieldSymbol field, QueueKind kind)
        {
            Field = field;
            Kind = kind;
        }

        public IFieldSymbol Field { get; }

        public QueueKind Kind { get; }

        /// <summary>The field leaves the type's sight (SF4001's escape rules, <see cref="FieldUse.Classify"/>).</summary>
        public bool Escapes { get; private set; }

        /// <summary>A history that is consumed or trimmed: dequeued, taken from, removed from, cleared, or replaced after construction.</summary>
        public bool Removes { get; private set; }

        /// <summary>A channel or blocking collection created unbounded (in an initializer or an assignment).</summary>
        public bool CreatedUnbounded { get; private set; }

        /// <summary>The channel's writer is stored, returned or passed on: producers this type cannot see.</summary>
        public bool WriterEscapes { get; private set; }

        /// <summary>A <c>TryWrite</c>/<c>TryAdd</c> whose result is dropped: a bounded queue would lose that item silently when full.</summary>
        public bool UncheckedTry { get; private set; }

        /// <summary>Reads of the queue (the channel's reader, a blocking collection's take) each inside a loop that only dispatches (see <see cref="DispatchLoops"/>).</summary>
        public int DispatchReads { get; private set; }

        /// <summary>A read of the queue outside a dispatch-only loop, or a reader handed out: a consumer that may fall behind.</summary>
        public bool OtherReads { get; private set; }

        /// <summary>
        /// Every consumer the type has only dispatches: each read is in a loop that starts each item's work without awaiting
        /// it or blocking on it, and awaits nothing but the next read, so the queue is drained as fast as it is written.
        /// </summary>
        public bool DrainedByDispatch => DispatchReads > 0 && !OtherReads;

        public void RecordCreation(IOperation value, SF4002Symbols types)
        {
            if (Kind != QueueKind.History && QueueFields.IsUnboundedCreation(value, types))
            {
                CreatedUnbounded = true;
            }
        }

        public void Record(IFieldReferenceOperation reference, ISymbol containingSymbol, SF4002Symbols types)
        {
            var use = FieldUse.Classify(reference, containingSymbol);
            if (use.Kind == UseKind.Escape)
            {
                Escapes = true;
                return;
            }

            var node = OperationHelpers.OutermostConversion(reference);
            switch (node.Parent)
            {
                case ISimpleAssignmentOperation assignment when assignment.Target == node:
                    RecordCreation(assignment.Value, types);
                    Removes |= !use.AtConstruction; // a history replaced at run time is reset
                    return;
                case ICoalesceAssignmentOperation assignment when assignment.Target == node:
                    RecordCreation(assignment.Value, types);
                    return;
                case IInvocationOperation call when call.Instance == node:
                    RecordCall(call, types, new Site(use.AtConstruction, FieldUse.EnclosingFunction(reference, containingSymbol).Function));
                    return;
                case IPropertyReferenceOperation { Property.Name: "Writer" } writer when writer.Instance == node && Kind == QueueKind.Channel:
                    RecordWriter(writer, new Site(use.AtConstruction, FieldUse.EnclosingFunction(reference, containingSymbol).Function));
                    return;
                case IPropertyReferenceOperation { Property.Name: "Reader" } reader when reader.Instance == node && Kind == QueueKind.Channel:
                    RecordReader(reader, types);
                    return;
            }
        }

        /// <summary>A use of the channel's <c>Reader</c>: a read in a dispatch-only loop, a harmless look (<c>Count</c>, <c>Completion</c>), or a consumer that may fall behind.</summary>
        private void RecordReader(IPropertyReferenceOperation reader, SF4002Symbols types)
        {
            var node = OperationHelpers.OutermostConversion(reader);
            switch (node.Parent)
            {
                case IInvocationOperation call when call.Instance == node:
                    switch (call.TargetMethod.Name)
                    {
                        case "ReadAsync":
                        case "TryRead":
                        case "WaitToReadAsync":
                        case "ReadAllAsync":
                            RecordRead(call, types);
                            return;
                        case "TryPeek":
                            return;
                    }

                    break;
                case IPropertyReferenceOperation { Property.Name: "Count" or "Completion" or "CanCount" or "CanPeek" } look when look.Instance == node:
                    return;
            }

            OtherReads = true; // handed out, stored, or used in a way not understood: a consumer out of sight
        }

        private void RecordRead(IInvocationOperation read, SF4002Symbols types)
        {
            if (DispatchLoops.InDispatchLoop(read, Field, types))
            {
                DispatchReads++;
            }
            else
            {
                OtherReads = true;
            }
        }

        private void RecordCall(IInvocationOperation call, SF4002Symbols types, Site use)
        {
            var name = call.TargetMethod.Name;
            var arguments = call.Arguments;
            if (Kind == QueueKind.BlockingCollection)
            {
                if ((name == "Add" || name == "TryAdd") && arguments.Length > 0)
                {
                    _adds.Add((use, arguments[0].Value));
                    UncheckedTry |= name == "TryAdd" && IsDropped(call);
                }
                else if (name is "Take" or "TryTake" or "GetConsumingEnumerable")
                {
                    RecordRead(call, types);
                }

                return;
            }

            if (Kind != QueueKind.History)
            {
                return;
            }

            switch (name)
            {
                case "Add":
                case "AddRange":
                case "Enqueue":
                case "AddLast":
                case "AddFirst":
                    if (arguments.Length > 0)
                    {
                        _adds.Add((use, arguments[0].Value));
                    }

                    break;
                case "Insert":
                case "InsertRange":
                case "AddBefore":
                case "AddAfter":
                    if (arguments.Length > 1)
                    {
                        _adds.Add((use, arguments[1].Value));
                    }

                    break;
                case "Clear":
                case "Dequeue":
                case "TryDequeue":
                case "TryTake":
                case "Remove":
                case "RemoveAt":
                case "RemoveAll":
                case "RemoveRange":
                case "RemoveFirst":
                case "RemoveLast":
                    Removes = true;
                    break;
            }
        }

        private void RecordWriter(IPropertyReferenceOperation writer, Site use)
        {
            var node = OperationHelpers.OutermostConversion(writer);
            if (node.Parent is not IInvocationOperation call || call.Instance != node)
            {
                WriterEscapes = true; // stored, returned or passed on: producers out of sight
                return;
            }

            switch (call.TargetMethod.Name)
            {
                case "TryWrite":
                    UncheckedTry |= IsDropped(call);
                    goto case "WriteAsync";
                case "WriteAsync":
                    if (call.Arguments.Length > 0)
                    {
                        _adds.Add((use, call.Arguments[0].Value));
                    }

                    break;
            }
        }

        /// <summary>A call whose result nobody reads: a statement of its own, or assigned to a discard.</summary>
        private static bool IsDropped(IOperation call)
        {
            var node = OperationHelpers.OutermostConversion(call);
            return node.Parent is IExpressionStatementOperation ||
                   (node.Parent is ISimpleAssignmentOperation { Target: IDiscardOperation } assignment && assignment.Value == node);
        }

        /// <summary>True when an add or a write runs after construction: not in a constructor or initializer, nor in a private method only they call.</summary>
        private bool RunsAfterConstruction(Site use, CallSites calls, KeyDomain domain)
        {
            if (use.AtConstruction)
            {
                return false;
            }

            if (use.Function is not { } function || !domain.IsTracked(function))
            {
                return true;
            }

            var sites = calls.Of(function);
            if (sites.Count == 0)
            {
                return true; // referenced as a delegate (an event handler), or not called at all
            }

            foreach (var site in sites)
            {
                if (site.ConstructsStatic != Field.IsStatic)
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>Where an add or a write is: at construction or not, and in which method, local function or lambda.</summary>
        private readonly struct Site
        {
            public Site(bool atConstruction, IMethodSymbol? function)
            {
                AtConstruction = atConstruction;
                Function = function;
            }

            public bool AtConstruction { get; }

            public IMethodSymbol? Function { get; }
        }

        /// <summary>True when the field is one SF4002 reports (see <see cref="QueueKind"/>).</summary>
        public bool IsUnbounded(CallSites calls, KeyDomain domain)
        {
            if (Escapes)
            {
                return false;
            }

            if (Kind != QueueKind.History)
            {
                if (!CreatedUnbounded)
                {
                    return false;
                }

                if (DrainedByDispatch)
                {
                    return false; // every consumer starts each item's work and loops: the queue holds no backlog
                }

                if (WriterEscapes)
                {
                    return true;
                }

                foreach (var (use, _) in _adds)
                {
                    if (RunsAfterConstruction(use, calls, domain))
                    {
                        return true; // written on a request, message or event path
                    }
                }

                return false;
            }

            if (Removes)
            {
                return false;
            }

            foreach (var (use, item) in _adds)
            {
                if (!RunsAfterConstruction(use, calls, domain))
                {
                    continue;
                }

                var origin = calls.Resolve(domain.Classify(item), Field.IsStatic, domain);
                if (origin is KeyOrigin.Input or KeyOrigin.Fetched)
                {
                    return true; // outside input, added for good
                }
            }

            return false;
        }
    }

    /// <summary>
    /// A consumer loop that only dispatches: it reads an item, starts its work (a call that returns a task, not awaited),
    /// and loops. Such a loop awaits nothing but the next read of the same queue (the channel's <c>WaitToReadAsync</c>,
    /// <c>ReadAsync</c>, an <c>await foreach</c> over its <c>ReadAllAsync</c>) and never blocks on a task (<c>Wait</c>,
    /// <c>Result</c>, <c>GetAwaiter().GetResult()</c>); code inside lambdas and local functions runs elsewhere and is not
    /// looked at. A loop that awaits each item's work, or starts nothing, is a consumer that can fall behind.
    /// </summary>
    internal static class DispatchLoops
    {
        /// <summary>True when <paramref name="read"/> (a read of <paramref name="field"/>) is inside a loop of the same function that only dispatches.</summary>
        public static bool InDispatchLoop(IOperation read, IFieldSymbol field, SF4002Symbols types)
        {
            for (var op = read.Parent; op is not null; op = op.Parent)
            {
                switch (op)
                {
                    case IAnonymousFunctionOperation:
                    case ILocalFunctionOperation:
                        return false; // read in a function whose caller is out of sight
                    case ILoopOperation loop:
                        return IsDispatchOnly(loop, field, types);
                }
            }

            return false;
        }

        private static bool IsDispatchOnly(ILoopOperation loop, IFieldSymbol field, SF4002Symbols types)
        {
            if (loop is IForEachLoopOperation { IsAsynchronous: true } asyncLoop && !ReadsQueue(asyncLoop.Collection, field))
            {
                return false; // awaits each element of something else
            }

            var starts = false;
            var pending = new Stack<IOperation>();
            pending.Push(loop);
            while (pending.Count > 0)
            {
                var op = pending.Pop();
                switch (op)
                {
                    case IAnonymousFunctionOperation:
                    case ILocalFunctionOperation:
                        continue; // runs when called, not here
                    case IAwaitOperation awaited when !ReadsQueue(awaited.Operation, field):
                        return false; // waits for something other than the next item
                    case IForEachLoopOperation { IsAsynchronous: true } nested when nested != loop:
                        return false;
                    case IUsingOperation { IsAsynchronous: true }:
                    case IUsingDeclarationOperation { IsAsynchronous: true }:
                        return false;
                    case IPropertyReferenceOperation { Property.Name: "Result", Instance: { } instance } when types.IsTaskOrValueTask(instance.Type):
                        return false; // blocks on the item's work
                    case IInvocationOperation call:
                        if (Blocks(call, types))
                        {
                            return false;
                        }

                        if (types.IsTaskOrValueTask(call.TargetMethod.ReturnType) && !IsAwaited(call))
                        {
                            starts = true; // the item's work, started and left to run
                        }

                        break;
                }

                foreach (var child in op.ChildOperations)
                {
                    pending.Push(child);
                }
            }

            return starts;
        }

        /// <summary><c>task.Wait(…)</c>, <c>Task.WaitAll/WaitAny</c>, <c>task.GetAwaiter().GetResult()</c>.</summary>
        private static bool Blocks(IInvocationOperation call, SF4002Symbols types)
        {
            var method = call.TargetMethod;
            switch (method.Name)
            {
                case "Wait":
                case "WaitAll":
                case "WaitAny":
                    return types.IsTaskOrValueTask(method.ContainingType);
                case "GetResult":
                    return call.Instance is IInvocationOperation { TargetMethod.Name: "GetAwaiter", Instance: { } awaited } && types.IsTaskOrValueTask(awaited.Type);
                default:
                    return false;
            }
        }

        private static bool IsAwaited(IOperation call)
        {
            var node = OperationHelpers.OutermostConversion(call);
            for (var depth = 0; depth < 3 && node.Parent is not null; depth++)
            {
                if (node.Parent is IAwaitOperation)
                {
                    return true;
                }

                // task.ConfigureAwait(false) awaited
                if (node.Parent is IInvocationOperation { TargetMethod.Name: "ConfigureAwait" } configure && configure.Instance == node)
                {
                    node = OperationHelpers.OutermostConversion(configure);
                    continue;
                }

                break;
            }

            return false;
        }

        /// <summary>The awaited or enumerated value is a read of the same queue: <c>field.Reader.WaitToReadAsync(…)</c>, <c>ReadAsync</c>, <c>ReadAllAsync</c> (with <c>ConfigureAwait</c>).</summary>
        private static bool ReadsQueue(IOperation value, IFieldSymbol field)
        {
            var op = OperationHelpers.SkipConversions(value);
            if (op is IInvocationOperation { TargetMethod.Name: "ConfigureAwait" or "WithCancellation", Instance: { } inner })
            {
                op = OperationHelpers.SkipConversions(inner);
            }

            return op is IInvocationOperation { TargetMethod.Name: "WaitToReadAsync" or "ReadAsync" or "ReadAllAsync", Instance: { } reader } &&
                   OperationHelpers.SkipConversions(reader) is IPropertyReferenceOperation { Property.Name: "Reader", Instance: { } channel } &&
                   OperationHelpers.SkipConversions(channel) is IFieldReferenceOperation reference &&
                   SymbolEqualityComparer.Default.Equals(reference.Field.OriginalDefinition, field.OriginalDefinition);
        }
    }
}
