using System.Collections.Generic;
using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace Steadfast.Analyzers.Rules.SF3001
{
    /// <summary>One piece of SQL text and the source it came from (a literal, or an interpolated string's text part).</summary>
    internal readonly struct SqlPiece
    {
        public SqlPiece(int start, string value, SyntaxNode? source)
        {
            Start = start;
            Value = value;
            Source = source;
        }

        /// <summary>Where the piece starts in the whole text.</summary>
        public int Start { get; }

        public string Value { get; }

        /// <summary>The literal or interpolated text the piece was written as; null for a constant from elsewhere or a hole.</summary>
        public SyntaxNode? Source { get; }
    }

    /// <summary>
    /// SQL text as far as the code shows it: string literals (regular, verbatim, raw), interpolated strings, constants,
    /// and <c>+</c> concatenations of those. A value that is not constant becomes the placeholder <c>@p</c>, as a
    /// parameter would.
    /// </summary>
    internal static class SqlText
    {
        public const string Hole = "@p";

        /// <summary>The outermost string expression a literal or interpolated string is part of.</summary>
        public static IOperation Top(IOperation operation)
        {
            var top = operation;
            while (top.Parent is IBinaryOperation { OperatorKind: BinaryOperatorKind.Add, Type.SpecialType: SpecialType.System_String } or
                   IConversionOperation { IsImplicit: true, Type.SpecialType: SpecialType.System_String })
            {
                top = top.Parent;
            }

            return top;
        }

        public static (string Text, List<SqlPiece> Pieces) Build(IOperation expression)
        {
            var builder = new StringBuilder();
            var pieces = new List<SqlPiece>();
            Append(expression, builder, pieces, depth: 0);
            return (builder.ToString(), pieces);
        }

        /// <summary>The literal and interpolated-string leaves of a string expression, in source order.</summary>
        public static IEnumerable<IOperation> Leaves(IOperation expression)
        {
            switch (expression)
            {
                case IConversionOperation conversion:
                    foreach (var leaf in Leaves(conversion.Operand))
                    {
                        yield return leaf;
                    }

                    break;
                case IBinaryOperation { OperatorKind: BinaryOperatorKind.Add } binary:
                    foreach (var leaf in Leaves(binary.LeftOperand))
                    {
                        yield return leaf;
                    }

                    foreach (var leaf in Leaves(binary.RightOperand))
                    {
                        yield return leaf;
                    }

                    break;
                case ILiteralOperation or IInterpolatedStringOperation:
                    yield return expression;
                    break;
            }
        }

        private static void Append(IOperation operation, StringBuilder builder, List<SqlPiece> pieces, int depth)
        {
            switch (operation)
            {
                case IConversionOperation conversion when depth < 64:
                    Append(conversion.Operand, builder, pieces, depth + 1);
                    return;
                case IBinaryOperation { OperatorKind: BinaryOperatorKind.Add } binary when depth < 64:
                    Append(binary.LeftOperand, builder, pieces, depth + 1);
                    Append(binary.RightOperand, builder, pieces, depth + 1);
                    return;
                case ILiteralOperation { ConstantValue: { HasValue: true, Value: string literal } }:
                    pieces.Add(new SqlPiece(builder.Length, literal, operation.Syntax));
                    builder.Append(literal);
                    return;
                case IInterpolatedStringOperation interpolated:
                    foreach (var part in interpolated.Parts)
                    {
                        if (part is IInterpolatedStringTextOperation { Text.ConstantValue: { HasValue: true, Value: string text } })
                        {
                            pieces.Add(new SqlPiece(builder.Length, text, part.Syntax));
                            builder.Append(text);
                        }
                        else if (part is IInterpolationOperation { Expression.ConstantValue: { HasValue: true, Value: string constant } })
                        {
                            pieces.Add(new SqlPiece(builder.Length, constant, null));
                            builder.Append(constant);
                        }
                        else
                        {
                            builder.Append(Hole);
                        }
                    }

                    return;
                case { ConstantValue: { HasValue: true, Value: string constant } }:
                    pieces.Add(new SqlPiece(builder.Length, constant, null));
                    builder.Append(constant);
                    return;
                default:
                    builder.Append(Hole);
                    return;
            }
        }
    }
}
