using System.Collections.Generic;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;
using Steadfast.Analyzers.Internal;

namespace Steadfast.Analyzers.Rules.SF4001
{
    /// <summary>
    /// Whether two key operations denote the same value, by operation kind, symbols and constants (never by text). The left
    /// side may read parameters of a method called from the right side's body: each is then replaced by the argument the
    /// call passes (<c>Store(url, page)</c> called with the <c>url</c> the caller looked up).
    /// </summary>
    internal static class KeyEquivalence
    {
        private const int MaxDepth = 16;

        public static bool Same(IOperation left, IOperation right, IReadOnlyDictionary<IParameterSymbol, IOperation>? substitutions) =>
            Same(left, right, substitutions, 0);

        private static bool Same(IOperation left, IOperation right, IReadOnlyDictionary<IParameterSymbol, IOperation>? substitutions, int depth)
        {
            if (depth > MaxDepth)
            {
                return false;
            }

            left = OperationHelpers.SkipImplicitConversions(left);
            right = OperationHelpers.SkipImplicitConversions(right);
            if (substitutions is not null && left is IParameterReferenceOperation parameter && substitutions.TryGetValue(parameter.Parameter, out var argument))
            {
                return Same(argument, right, null, depth + 1); // the argument is in the right side's body: no further substitution
            }

            if (left.Kind != right.Kind)
            {
                return false;
            }

            if (left.ConstantValue.HasValue || right.ConstantValue.HasValue)
            {
                return left.ConstantValue.HasValue && right.ConstantValue.HasValue && Equals(left.ConstantValue.Value, right.ConstantValue.Value);
            }

            var sameSymbol = (left, right) switch
            {
                (IParameterReferenceOperation a, IParameterReferenceOperation b) => SymbolEqualityComparer.Default.Equals(a.Parameter, b.Parameter),
                (ILocalReferenceOperation a, ILocalReferenceOperation b) => SymbolEqualityComparer.Default.Equals(a.Local, b.Local),
                (IFieldReferenceOperation a, IFieldReferenceOperation b) => SymbolEqualityComparer.Default.Equals(a.Field, b.Field),
                (IPropertyReferenceOperation a, IPropertyReferenceOperation b) => SymbolEqualityComparer.Default.Equals(a.Property, b.Property),
                (IInvocationOperation a, IInvocationOperation b) => SymbolEqualityComparer.Default.Equals(a.TargetMethod, b.TargetMethod),
                (IBinaryOperation a, IBinaryOperation b) => a.OperatorKind == b.OperatorKind && SymbolEqualityComparer.Default.Equals(a.OperatorMethod, b.OperatorMethod),
                (IUnaryOperation a, IUnaryOperation b) => a.OperatorKind == b.OperatorKind,
                (ITypeOfOperation a, ITypeOfOperation b) => SymbolEqualityComparer.Default.Equals(a.TypeOperand, b.TypeOperand),
                (IInstanceReferenceOperation, IInstanceReferenceOperation) => true,
                (IConversionOperation a, IConversionOperation b) => SymbolEqualityComparer.Default.Equals(a.Type, b.Type),
                (IObjectCreationOperation a, IObjectCreationOperation b) => SymbolEqualityComparer.Default.Equals(a.Constructor, b.Constructor),
                (IInterpolatedStringOperation, IInterpolatedStringOperation) or (ITupleOperation, ITupleOperation) or
                    (IInterpolationOperation, IInterpolationOperation) or (IInterpolatedStringTextOperation, IInterpolatedStringTextOperation) or
                    (IArgumentOperation, IArgumentOperation) or (IConditionalAccessOperation, IConditionalAccessOperation) or
                    (IConditionalAccessInstanceOperation, IConditionalAccessInstanceOperation) or (ICoalesceOperation, ICoalesceOperation) =>
                    SymbolEqualityComparer.Default.Equals(left.Type, right.Type),
                _ => false, // anything else (a call's side effects, a lambda, a new object) is not taken to be the same value
            };

            if (!sameSymbol)
            {
                return false;
            }

            var leftChildren = left.ChildOperations.GetEnumerator();
            var rightChildren = right.ChildOperations.GetEnumerator();
            while (true)
            {
                var hasLeft = leftChildren.MoveNext();
                var hasRight = rightChildren.MoveNext();
                if (hasLeft != hasRight)
                {
                    return false;
                }

                if (!hasLeft)
                {
                    return true;
                }

                if (!Same(leftChildren.Current, rightChildren.Current, substitutions, depth + 1))
                {
                    return false;
                }
            }
        }
    }
}
