using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;
using Steadfast.Analyzers.Internal;

namespace Steadfast.Analyzers.Rules.SF5001
{
    /// <summary>A path expression that yields the same path every time it runs.</summary>
    internal readonly struct PathInfo
    {
        public PathInfo(string key, string? constant, bool isStatic, string? nameHint = null)
        {
            Key = key;
            Constant = constant;
            IsStatic = isStatic;
            NameHint = nameHint ?? constant;
        }

        /// <summary>A canonical text of the expression: two reads of the same path have the same key.</summary>
        public string Key { get; }

        /// <summary>The path itself, when every part is a constant.</summary>
        public string? Constant { get; }

        /// <summary>True when no part needs an instance (so a static field initializer can compute it).</summary>
        public bool IsStatic { get; }

        /// <summary>What a reader would call the file: the last constant part ("playbook.md") or a field's name.</summary>
        public string? NameHint { get; }
    }

    internal static class InvariantPath
    {
        /// <summary>
        /// Constants, readonly fields, <c>AppContext.BaseDirectory</c>, <c>AppDomain.CurrentDomain.BaseDirectory</c>,
        /// locals initialised from those and never reassigned, and <c>Path.Combine</c>/<c>Path.Join</c>, concatenation
        /// and interpolation of those.
        /// </summary>
        public static bool TryGet(IOperation operation, SF5001Symbols types, out PathInfo info) => TryGet(operation, types, depth: 0, out info);

        private static bool TryGet(IOperation operation, SF5001Symbols types, int depth, out PathInfo info)
        {
            info = default;
            if (depth > 8)
            {
                return false;
            }

            operation = OperationHelpers.SkipImplicitConversions(operation);
            if (operation.ConstantValue is { HasValue: true, Value: string constant })
            {
                info = new PathInfo("\"" + constant + "\"", constant, isStatic: true);
                return true;
            }

            switch (operation)
            {
                case IFieldReferenceOperation { Field: { IsReadOnly: true } field } when field.Type.SpecialType == SpecialType.System_String:
                    info = new PathInfo("F:" + field.ContainingType?.Name + "." + field.Name, null, field.IsStatic, field.Name);
                    return true;

                case IPropertyReferenceOperation { Property.Name: "BaseDirectory" } property when
                    (KnownTypes.Is(property.Property.ContainingType, types.AppContext) && property.Instance is null) ||
                    (KnownTypes.Is(property.Property.ContainingType, types.AppDomain) &&
                     property.Instance is IPropertyReferenceOperation { Property.Name: "CurrentDomain", Instance: null }):
                    info = new PathInfo("BASE", null, isStatic: true);
                    return true;

                case ILocalReferenceOperation local:
                    return TryGetLocal(local, types, depth, out info);

                case IInvocationOperation { TargetMethod: { IsStatic: true, Name: "Combine" or "Join" } method } call when KnownTypes.Is(method.ContainingType, types.Path):
                    return TryCombine(call, types, depth, out info);

                case IBinaryOperation { OperatorKind: BinaryOperatorKind.Add, Type.SpecialType: SpecialType.System_String } add:
                    if (TryGet(add.LeftOperand, types, depth + 1, out var left) && TryGet(add.RightOperand, types, depth + 1, out var right))
                    {
                        info = new PathInfo("+(" + left.Key + "," + right.Key + ")", left.Constant is null || right.Constant is null ? null : left.Constant + right.Constant, left.IsStatic && right.IsStatic, right.NameHint);
                        return true;
                    }

                    return false;

                case IInterpolatedStringOperation interpolated:
                    return TryInterpolation(interpolated, types, depth, out info);

                default:
                    return false;
            }
        }

        private static bool TryCombine(IInvocationOperation call, SF5001Symbols types, int depth, out PathInfo info)
        {
            info = default;
            var key = new StringBuilder("C(");
            var constants = new System.Collections.Generic.List<string>();
            var allConstant = true;
            var isStatic = true;
            string? hint = null;
            // In parameter order: Path.Combine(path2: "a.txt", path1: "data") is data/a.txt (named arguments are rare: sort only then).
            var arguments = call.Arguments;
            for (var i = 1; i < arguments.Length; i++)
            {
                if (Ordinal(arguments[i]) < Ordinal(arguments[i - 1]))
                {
                    arguments = arguments.Sort((a, b) => Ordinal(a).CompareTo(Ordinal(b)));
                    break;
                }
            }

            foreach (var argument in arguments)
            {
                var parts = argument.Value is IArrayCreationOperation { Initializer: { } initializer } ? initializer.ElementValues : System.Collections.Immutable.ImmutableArray.Create(argument.Value);
                foreach (var part in parts)
                {
                    if (!TryGet(part, types, depth + 1, out var partInfo))
                    {
                        return false;
                    }

                    key.Append(partInfo.Key).Append(',');
                    isStatic &= partInfo.IsStatic;
                    hint = partInfo.NameHint;
                    if (partInfo.Constant is null)
                    {
                        allConstant = false;
                    }
                    else
                    {
                        constants.Add(partInfo.Constant);
                    }
                }
            }

            string? constant = null;
            if (allConstant && call.TargetMethod.Name == "Combine")
            {
                try
                {
                    constant = System.IO.Path.Combine(constants.ToArray());
                }
                catch (System.ArgumentException)
                {
                    return false;
                }
            }
            else if (allConstant && call.TargetMethod.Name == "Join")
            {
                constant = Join(constants);
            }

            info = new PathInfo(key.Append(')').ToString(), constant, isStatic, hint);
            return true;
        }

        private static bool TryInterpolation(IInterpolatedStringOperation interpolated, SF5001Symbols types, int depth, out PathInfo info)
        {
            info = default;
            var key = new StringBuilder("$(");
            var isStatic = true;
            string? hint = null;
            foreach (var part in interpolated.Parts)
            {
                switch (part)
                {
                    case IInterpolatedStringTextOperation text when text.Text.ConstantValue.Value is string s:
                        key.Append('"').Append(s).Append('"');
                        hint = s;
                        break;
                    case IInterpolationOperation { Alignment: null, FormatString: null } hole when TryGet(hole.Expression, types, depth + 1, out var holeInfo):
                        key.Append(holeInfo.Key);
                        isStatic &= holeInfo.IsStatic;
                        hint = holeInfo.NameHint;
                        break;
                    default:
                        return false;
                }
            }

            info = new PathInfo(key.Append(')').ToString(), null, isStatic, hint);
            return true;
        }

        /// <summary>A local initialised with an invariant path and never written again in its function.</summary>
        private static bool TryGetLocal(ILocalReferenceOperation reference, SF5001Symbols types, int depth, out PathInfo info)
        {
            info = default;
            var local = reference.Local;
            if (local.IsRef || local.Type.SpecialType != SpecialType.System_String)
            {
                return false;
            }

            IOperation? initializer = null;
            foreach (var op in OperationHelpers.Root(reference).Descendants())
            {
                switch (op)
                {
                    case IVariableDeclaratorOperation declarator when SymbolEqualityComparer.Default.Equals(declarator.Symbol, local):
                        initializer = declarator.Initializer?.Value;
                        break;
                    case IAssignmentOperation { Target: ILocalReferenceOperation target } when SymbolEqualityComparer.Default.Equals(target.Local, local):
                    case IArgumentOperation { Parameter.RefKind: RefKind.Ref or RefKind.Out, Value: ILocalReferenceOperation passed } when SymbolEqualityComparer.Default.Equals(passed.Local, local):
                    case IDeconstructionAssignmentOperation:
                        if (op is IDeconstructionAssignmentOperation deconstruction && !Mentions(deconstruction.Target, local))
                        {
                            break;
                        }

                        return false;
                }
            }

            if (initializer is null || !TryGet(initializer, types, depth + 1, out var initial))
            {
                return false;
            }

            info = initial;
            return true;
        }

        private static bool Mentions(IOperation operation, ILocalSymbol local)
        {
            foreach (var op in operation.DescendantsAndSelf())
            {
                if (op is ILocalReferenceOperation r && SymbolEqualityComparer.Default.Equals(r.Local, local))
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>
        /// <c>Path.Join</c>'s result (not callable here: netstandard2.0 lacks it): the parts in order, empty ones left out,
        /// with one separator between two parts where neither already has one; a rooted part does not restart the path.
        /// </summary>
        private static string Join(System.Collections.Generic.List<string> parts)
        {
            var joined = new StringBuilder();
            foreach (var part in parts)
            {
                if (part.Length == 0)
                {
                    continue;
                }

                if (joined.Length > 0 && !IsSeparator(joined[joined.Length - 1]) && !IsSeparator(part[0]))
                {
                    joined.Append(System.IO.Path.DirectorySeparatorChar);
                }

                joined.Append(part);
            }

            return joined.ToString();
        }

        private static int Ordinal(IArgumentOperation argument) => argument.Parameter?.Ordinal ?? int.MaxValue;

        private static bool IsSeparator(char c) => c == System.IO.Path.DirectorySeparatorChar || c == System.IO.Path.AltDirectorySeparatorChar;
    }
}
