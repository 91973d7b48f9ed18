using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace Steadfast.Analyzers.Internal
{
    internal static class OperationHelpers
    {
        /// <summary>The operation under any implicit conversions the compiler added.</summary>
        public static IOperation SkipImplicitConversions(IOperation operation)
        {
            while (operation is IConversionOperation { IsImplicit: true, Operand: { } operand })
            {
                operation = operand;
            }

            return operation;
        }

        /// <summary>The operation under any conversions, implicit or explicit.</summary>
        public static IOperation SkipConversions(IOperation operation)
        {
            while (operation is IConversionOperation { Operand: { } operand })
            {
                operation = operand;
            }

            return operation;
        }

        /// <summary>The outermost conversion wrapped around <paramref name="operation"/> (itself when there is none): whose parent is the real use.</summary>
        public static IOperation OutermostConversion(IOperation operation)
        {
            while (operation.Parent is IConversionOperation conversion)
            {
                operation = conversion;
            }

            return operation;
        }

        /// <summary>The value a declared variable starts with: its own initializer, or the declaration's (<c>int a, b = 1</c>).</summary>
        public static IOperation? InitialValue(IVariableDeclaratorOperation declarator) =>
            (declarator.Initializer ?? (declarator.Parent as IVariableDeclarationOperation)?.Initializer)?.Value;

        /// <summary>True inside a lambda, anonymous method or local function: code that runs when called, not where written.</summary>
        public static bool IsInsideFunction(IOperation operation)
        {
            for (var op = operation.Parent; op is not null; op = op.Parent)
            {
                if (op is IAnonymousFunctionOperation or ILocalFunctionOperation)
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>The root of the operation tree: the body of the member the operation is in.</summary>
        public static IOperation Root(IOperation operation)
        {
            while (operation.Parent is not null)
            {
                operation = operation.Parent;
            }

            return operation;
        }
    }
}
