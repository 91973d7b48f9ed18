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
