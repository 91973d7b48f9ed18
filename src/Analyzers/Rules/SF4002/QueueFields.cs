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
                    RecordCall(call, new Site(use.AtConstruction, FieldUse.EnclosingFunction(reference, containingSymbol).Function));
                    return;
                case IPropertyReferenceOperation { Property.Name: "Writer" } writer when writer.Instance == node && Kind == QueueKind.Channel:
                    RecordWriter(writer, new Site(use.AtConstruction, FieldUse.EnclosingFunction(reference, containingSymbol).Function));
                    return;
            }
        }

        private void RecordCall(IInvocationOperation call, Site use)
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
}
