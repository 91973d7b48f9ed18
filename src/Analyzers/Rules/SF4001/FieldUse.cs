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

    internal enum KeySource
    {
        /// <summary>A constant, <c>typeof</c> or <c>nameof</c>: a small fixed set.</summary>
        Constant,

        /// <summary>Comes from a parameter (of the method or of a lambda): request data, message data.</summary>
        External,

        /// <summary>Anything else (a field of this object, a loop over an internal list...).</summary>
        Other,
    }

    /// <summary>One reference to a watched field, classified by what the code around it does.</summary>
    internal readonly struct FieldUse
    {
        private FieldUse(UseKind kind, bool atConstruction, KeySource key, string? keyText, SyntaxNode? body, bool memoises)
        {
            Kind = kind;
            AtConstruction = atConstruction;
            Key = key;
            KeyText = keyText;
            Body = body;
            Memoises = memoises;
        }

        public UseKind Kind { get; }

        /// <summary>True in a constructor or initializer of the field's own kind (static or instance), outside any lambda.</summary>
        public bool AtConstruction { get; }

        public KeySource Key { get; }

        /// <summary>The key expression's text without white space, to pair a lookup with a store in the same body.</summary>
        public string? KeyText { get; }

        /// <summary>The function body (member, lambda or local function) the use is in.</summary>
        public SyntaxNode? Body { get; }

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
                    return ClassifyCall(invocation.TargetMethod.Name, invocation.Arguments, 0, invocation, atConstruction);

                case IArgumentOperation { Parent: IInvocationOperation invocation } argument
                    when argument.Parameter is { Ordinal: 0, RefKind: RefKind.None } && invocation.TargetMethod.IsExtensionMethod:
                    return ClassifyCall(invocation.TargetMethod.Name, invocation.Arguments, 1, invocation, atConstruction);

                case IPropertyReferenceOperation property when property.Instance == node:
                    if (!property.Property.IsIndexer || property.Arguments.Length != 1)
                    {
                        return Simple(UseKind.Read, atConstruction);
                    }

                    var key = property.Arguments[0].Value;
                    return property.Parent switch
                    {
                        ISimpleAssignmentOperation assignment when assignment.Target == property => Keyed(UseKind.Add, key, property, atConstruction, memoises: false),
                        ICompoundAssignmentOperation or IIncrementOrDecrementOperation or ICoalesceAssignmentOperation => Simple(UseKind.Read, atConstruction), // the key must exist already
                        _ => Keyed(UseKind.Lookup, key, property, atConstruction, memoises: false),
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

        private static FieldUse ClassifyCall(string name, IReadOnlyList<IArgumentOperation> arguments, int keyIndex, IOperation call, bool atConstruction)
        {
            IOperation? key = arguments.Count > keyIndex ? arguments[keyIndex].Value : null;
            switch (name)
            {
                case "TryGetValue":
                case "ContainsKey":
                case "GetValueOrDefault":
                    return key is null ? Simple(UseKind.Read, atConstruction) : Keyed(UseKind.Lookup, key, call, atConstruction, memoises: false);
                case "Add":
                case "TryAdd":
                    return key is null ? Simple(UseKind.Escape, atConstruction) : Keyed(UseKind.Add, key, call, atConstruction, memoises: false);
                case "GetOrAdd":
                case "AddOrUpdate":
                    return key is null ? Simple(UseKind.Escape, atConstruction) : Keyed(UseKind.Add, key, call, atConstruction, memoises: true);
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

        private static FieldUse Simple(UseKind kind, bool atConstruction) => new FieldUse(kind, atConstruction, KeySource.Other, null, null, false);

        private static FieldUse Keyed(UseKind kind, IOperation key, IOperation at, bool atConstruction, bool memoises)
        {
            var source = ClassifyKey(key, depth: 0);
            return new FieldUse(kind, atConstruction, source, SyntaxText.WithoutWhiteSpace(OperationHelpers.SkipImplicitConversions(key).Syntax.ToString()), EnclosingBody(at), memoises);
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

        private static SyntaxNode EnclosingBody(IOperation operation)
        {
            for (var op = operation; ; op = op.Parent)
            {
                if (op is IAnonymousFunctionOperation or ILocalFunctionOperation || op.Parent is null)
                {
                    return op.Syntax;
                }
            }
        }

        private static KeySource ClassifyKey(IOperation key, int depth)
        {
            key = OperationHelpers.SkipImplicitConversions(key);
            if (key.ConstantValue.HasValue || key is ITypeOfOperation or INameOfOperation || key.Type?.TypeKind == TypeKind.Enum)
            {
                return KeySource.Constant;
            }

            foreach (var op in key.DescendantsAndSelf())
            {
                if (op is IParameterReferenceOperation)
                {
                    return KeySource.External;
                }

                if (op is ILocalReferenceOperation local && depth < 3 && LocalComesFromOutside(local, depth))
                {
                    return KeySource.External;
                }
            }

            return KeySource.Other;
        }

        /// <summary>True when a local is given a value (declared, assigned, looped over, an out argument, a pattern) from a parameter.</summary>
        private static bool LocalComesFromOutside(ILocalReferenceOperation reference, int depth)
        {
            var local = reference.Local;
            foreach (var op in OperationHelpers.Root(reference).Descendants())
            {
                IOperation? source = op switch
                {
                    IVariableDeclaratorOperation declarator when SymbolEqualityComparer.Default.Equals(declarator.Symbol, local) =>
                        OperationHelpers.InitialValue(declarator),
                    ISimpleAssignmentOperation { Target: ILocalReferenceOperation target } assignment when SymbolEqualityComparer.Default.Equals(target.Local, local) =>
                        assignment.Value,
                    IForEachLoopOperation loop when Contains(loop.Locals, local) => loop.Collection,
                    IArgumentOperation { Parameter.RefKind: RefKind.Out } argument when Declares(argument.Value, local) => argument.Parent,
                    IDeclarationPatternOperation pattern when SymbolEqualityComparer.Default.Equals(pattern.DeclaredSymbol, local) => (pattern.Parent as IIsPatternOperation)?.Value,
                    _ => null,
                };

                if (source is not null && !ReferenceEquals(source, reference) && ClassifyKey(source, depth + 1) == KeySource.External)
                {
                    return true;
                }
            }

            return false;
        }

        private static bool Contains(IEnumerable<ILocalSymbol> locals, ILocalSymbol local)
        {
            foreach (var candidate in locals)
            {
                if (SymbolEqualityComparer.Default.Equals(candidate, local))
                {
                    return true;
                }
            }

            return false;
        }

        private static bool Declares(IOperation value, ILocalSymbol local)
        {
            var inner = value is IDeclarationExpressionOperation declaration ? declaration.Expression : value;
            return inner is ILocalReferenceOperation reference && SymbolEqualityComparer.Default.Equals(reference.Local, local);
        }
    }
}
