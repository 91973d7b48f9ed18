using System;
using System.Collections.Generic;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;
using Steadfast.Analyzers.Internal;

namespace Steadfast.Analyzers.Rules.SF4001
{
    internal enum UseKind
    {
        /// <summary>Nothing that matters (nameof, a null check, a lock on the field).</summary>
        Ignore,

        /// <summary>Reads entries or the size without changing the set of keys.</summary>
        Read,

        /// <summary>Looks a key up: <c>TryGetValue</c>, <c>ContainsKey</c>, the indexer's getter, <c>GetValueOrDefault</c>.</summary>
        Lookup,

        /// <summary>May add a key: indexer set, <c>Add</c>, <c>TryAdd</c>, <c>GetOrAdd</c>, <c>AddOrUpdate</c>.</summary>
        Add,

        /// <summary>Takes keys out, or replaces the whole dictionary outside construction.</summary>
        Remove,

        /// <summary>The field is assigned during construction (field initializer or constructor).</summary>
        Initialize,

        /// <summary>The dictionary leaves our sight: returned, passed on, stored elsewhere, taken by ref.</summary>
        Escape,
    }

    /// <summary>One reference to a watched field, classified by what the code around it does.</summary>
    internal readonly struct FieldUse
    {
        private FieldUse(UseKind kind, bool atConstruction, IOperation? key, SyntaxNode? body, IMethodSymbol? function, bool memoises, bool indexerStore, IOperation? value)
        {
            Kind = kind;
            AtConstruction = atConstruction;
            Key = key;
            Body = body;
            Function = function;
            Memoises = memoises;
            IndexerStore = indexerStore;
            Value = value;
        }

        public UseKind Kind { get; }

        /// <summary>True in a constructor or initializer of the field's own kind (static or instance), outside any lambda.</summary>
        public bool AtConstruction { get; }

        /// <summary>The key operation (conversions skipped), classified and compared at the type's end.</summary>
        public IOperation? Key { get; }

        /// <summary>The function body (member, lambda or local function) the use is in.</summary>
        public SyntaxNode? Body { get; }

        /// <summary>The method, local function or lambda the use is in (whose parameters the key may read).</summary>
        public IMethodSymbol? Function { get; }

        /// <summary>True for a store through the indexer (<c>_lastSeen[url] = DateTime.UtcNow</c>).</summary>
        public bool IndexerStore { get; }

        /// <summary>The stored value of an indexer store.</summary>
        public IOperation? Value { get; }

        /// <summary>True for <c>GetOrAdd</c> and <c>AddOrUpdate</c>: the lookup and the store in one call.</summary>
        public bool Memoises { get; }

        public static FieldUse Classify(IFieldReferenceOperation reference, ISymbol containingSymbol)
        {
            var atConstruction = IsConstruction(reference, containingSymbol);
            var node = OperationHelpers.OutermostConversion(reference);
            var parent = node.Parent;
            switch (parent)
            {
                case IInvocationOperation invocation when invocation.Instance == node:
                    return ClassifyCall(invocation.TargetMethod.Name, invocation.Arguments, 0, invocation, atConstruction, containingSymbol);

                case IArgumentOperation { Parent: IInvocationOperation invocation } argument
                    when argument.Parameter is { Ordinal: 0, RefKind: RefKind.None } && invocation.TargetMethod.IsExtensionMethod:
                    return ClassifyCall(invocation.TargetMethod.Name, invocation.Arguments, 1, invocation, atConstruction, containingSymbol);

                case IPropertyReferenceOperation property when property.Instance == node:
                    if (!property.Property.IsIndexer || property.Arguments.Length != 1)
                    {
                        return Simple(UseKind.Read, atConstruction);
                    }

                    var key = property.Arguments[0].Value;
                    return property.Parent switch
                    {
                        ISimpleAssignmentOperation assignment when assignment.Target == property => Keyed(UseKind.Add, key, property, atConstruction, memoises: false, containingSymbol, assignment.Value),
                        ICompoundAssignmentOperation or IIncrementOrDecrementOperation or ICoalesceAssignmentOperation => Simple(UseKind.Read, atConstruction), // the key must exist already
                        _ => Keyed(UseKind.Lookup, key, property, atConstruction, memoises: false, containingSymbol),
                    };

                case ISimpleAssignmentOperation assignment when assignment.Target == node:
                    return Simple(atConstruction ? UseKind.Initialize : UseKind.Remove, atConstruction);

                case ICoalesceAssignmentOperation assignment when assignment.Target == node:
                    return Simple(atConstruction ? UseKind.Initialize : UseKind.Read, atConstruction); // lazy creation: replaces only null

                case IForEachLoopOperation loop when loop.Collection == node:
                case ILockOperation:
                case IBinaryOperation:
                case IIsPatternOperation:
                case IIsTypeOperation:
                case IExpressionStatementOperation:
                    return Simple(UseKind.Read, atConstruction);

                case INameOfOperation:
                    return Simple(UseKind.Ignore, atConstruction);

                default:
                    return Simple(UseKind.Escape, atConstruction);
            }
        }

        private static FieldUse ClassifyCall(string name, IReadOnlyList<IArgumentOperation> arguments, int keyIndex, IOperation call, bool atConstruction, ISymbol containingSymbol)
        {
            IOperation? key = arguments.Count > keyIndex ? arguments[keyIndex].Value : null;
            switch (name)
            {
                case "TryGetValue":
                case "ContainsKey":
                case "GetValueOrDefault":
                    return key is null ? Simple(UseKind.Read, atConstruction) : Keyed(UseKind.Lookup, key, call, atConstruction, memoises: false, containingSymbol);
                case "Add":
                case "TryAdd":
                    return key is null ? Simple(UseKind.Escape, atConstruction) : Keyed(UseKind.Add, key, call, atConstruction, memoises: false, containingSymbol);
                case "GetOrAdd":
                case "AddOrUpdate":
                    return key is null ? Simple(UseKind.Escape, atConstruction) : Keyed(UseKind.Add, key, call, atConstruction, memoises: true, containingSymbol);
                case "Remove":
                case "TryRemove":
                case "Clear":
                    return Simple(UseKind.Remove, atConstruction);
                case "AsReadOnly":
                case "GetAlternateLookup":
                case "TryGetAlternateLookup":
                    return Simple(UseKind.Escape, atConstruction); // a view that may be stored and written through
                default:
                    return Simple(UseKind.Read, atConstruction); // TryUpdate, ContainsValue, ToArray, Count(), LINQ...
            }
        }

        private static FieldUse Simple(UseKind kind, bool atConstruction) => new FieldUse(kind, atConstruction, null, null, null, false, false, null);

        private static FieldUse Keyed(UseKind kind, IOperation key, IOperation at, bool atConstruction, bool memoises, ISymbol containingSymbol, IOperation? value = null)
        {
            var (body, function) = EnclosingFunction(at, containingSymbol);
            return new FieldUse(kind, atConstruction, OperationHelpers.SkipConversions(key), body, function, memoises, value is not null, value);
        }

        /// <summary>Construction: a constructor or initializer of the field's own kind, not inside a lambda (which runs later).</summary>
        private static bool IsConstruction(IFieldReferenceOperation reference, ISymbol containingSymbol)
        {
            if (OperationHelpers.IsInsideFunction(reference))
            {
                return false;
            }

            var isStatic = reference.Field.IsStatic;
            return containingSymbol switch
            {
                IMethodSymbol { MethodKind: MethodKind.Constructor } => !isStatic,
                IMethodSymbol { MethodKind: MethodKind.StaticConstructor } => isStatic,
                IFieldSymbol or IPropertySymbol => containingSymbol.IsStatic == isStatic,
                _ => false,
            };
        }

        /// <summary>The body the operation is in (a lambda's or local function's, else the member's) and its method symbol.</summary>
        public static (SyntaxNode Body, IMethodSymbol? Function) EnclosingFunction(IOperation operation, ISymbol containingSymbol)
        {
            for (var op = operation; ; op = op.Parent)
            {
                switch (op)
                {
                    case IAnonymousFunctionOperation lambda:
                        return (op.Syntax, lambda.Symbol);
                    case ILocalFunctionOperation local:
                        return (op.Syntax, local.Symbol);
                }

                if (op.Parent is null)
                {
                    return (op.Syntax, containingSymbol as IMethodSymbol);
                }
            }
        }
    }
}
