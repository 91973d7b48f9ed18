using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;
using Steadfast.Analyzers.Internal;

namespace Steadfast.Analyzers.Rules.SF5001
{
    /// <summary>A path expression that yields the same path every time it runs.</summary>
    internal readonly struct PathInfo
    {
        public PathInfo(string key, string? constant, bool isStatic, string? nameHint = null, bool bounded = false)
        {
            Key = key;
            Constant = constant;
            IsStatic = isStatic;
            NameHint = nameHint ?? constant;
            Bounded = bounded;
        }

        /// <summary>One of a closed set of paths (a part is an enum, a switch over constants, ...) rather than one path.</summary>
        public bool Bounded { get; }

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
        /// Constants, readonly fields, <c>AppContext.BaseDirectory</c>, <c>AppDomain.CurrentDomain.BaseDirectory</c>, a
        /// host's <c>ContentRootPath</c>/<c>WebRootPath</c>, values from a closed set (an enum, its
        /// <c>ToString()</c>, a switch expression or <c>?:</c> over constants, an element of a readonly array of string
        /// literals), locals initialised from those and never reassigned, and <c>Path.Combine</c>/<c>Path.Join</c>,
        /// concatenation, interpolation and case changes of those.
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

            if (operation.Type?.TypeKind == TypeKind.Enum)
            {
                info = new PathInfo("E:" + operation.Syntax, null, isStatic: false, bounded: true);
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

                // A host's content and web roots, fixed when the host is built (the current directory is not: the program may change it).
                case IPropertyReferenceOperation { Property.Name: "ContentRootPath" or "WebRootPath" } root when
                    KnownTypes.Is(root.Property.ContainingType, types.HostEnvironment) || KnownTypes.Is(root.Property.ContainingType, types.WebHostEnvironment) ||
                    ImplementsEnvironment(root.Property.ContainingType, types):
                    info = new PathInfo("ROOT:" + root.Property.Name, null, isStatic: false);
                    return true;

                // A value from a closed set (an enum, a switch or ?: over constants, an element of a constant array): the
                // path is one of a few shipped files, each the same on every call.
                case IInvocationOperation { TargetMethod: { Name: "ToString", Parameters.Length: 0 }, Instance: { Type.TypeKind: TypeKind.Enum } }:
                    info = new PathInfo("E:" + operation.Syntax, null, isStatic: false, bounded: true);
                    return true;

                case IInvocationOperation { TargetMethod: { Name: "ToLowerInvariant" or "ToUpperInvariant" or "ToLower" or "ToUpper" or "Trim", Parameters.Length: 0, ContainingType.SpecialType: SpecialType.System_String }, Instance: { } instance }
                    when TryGet(instance, types, depth + 1, out var cased):
                    info = new PathInfo("case(" + cased.Key + ")", null, isStatic: false, cased.NameHint, bounded: true);
                    return true;

                case ISwitchExpressionOperation switchExpression when AllConstant(switchExpression):
                    info = new PathInfo("S:" + operation.Syntax, null, isStatic: false, bounded: true);
                    return true;

                case IConditionalOperation { WhenFalse: { } whenFalse } conditional when
                    TryGet(conditional.WhenTrue, types, depth + 1, out var whenTrueInfo) && TryGet(whenFalse, types, depth + 1, out var whenFalseInfo):
                    info = new PathInfo("?(" + whenTrueInfo.Key + "," + whenFalseInfo.Key + ")", null, isStatic: false, whenFalseInfo.NameHint, bounded: true);
                    return true;

                case IArrayElementReferenceOperation { ArrayReference: IFieldReferenceOperation { Field: { IsReadOnly: true } array } } when ConstantElements(array):
                    info = new PathInfo("A:" + operation.Syntax, null, isStatic: false, array.Name, bounded: true);
                    return true;

                case IInvocationOperation { TargetMethod: { IsStatic: true, Name: "Combine" or "Join" } method } call when KnownTypes.Is(method.ContainingType, types.Path):
                    return TryCombine(call, types, depth, out info);

                case IBinaryOperation { OperatorKind: BinaryOperatorKind.Add, Type.SpecialType: SpecialType.System_String } add:
                    if (TryGet(add.LeftOperand, types, depth + 1, out var left) && TryGet(add.RightOperand, types, depth + 1, out var right))
                    {
                        info = new PathInfo("+(" + left.Key + "," + right.Key + ")", left.Constant is null || right.Constant is null ? null : left.Constant + right.Constant, left.IsStatic && right.IsStatic, right.NameHint, left.Bounded || right.Bounded);
                        return true;
                    }

                    return false;

                case IInterpolatedStringOperation interpolated:
                    return TryInterpolation(interpolated, types, depth, out info);

                default:
                    return false;
            }
        }

        /// <summary>
        /// A path that is the same on every turn of <paramref name="loop"/>, though not on every call: built (as
        /// <see cref="TryGet(IOperation, SF5001Symbols, out PathInfo)"/> builds) from invariant parts and from parameters
        /// never assigned, locals declared before the loop and not assigned in it, and fields and auto-properties (of this
        /// object or of such values) not assigned in it. Never static: a load-once field cannot hold it.
        /// </summary>
        public static bool TryGetLoopInvariant(IOperation operation, ILoopOperation loop, SF5001Symbols types, out PathInfo info)
        {
            info = default;
            var key = new StringBuilder("L:");
            if (!LoopInvariant(operation, loop, types, key, depth: 0))
            {
                return false;
            }

            info = new PathInfo(key.ToString(), null, isStatic: false);
            return true;
        }

        private static bool LoopInvariant(IOperation operation, ILoopOperation loop, SF5001Symbols types, StringBuilder key, int depth)
        {
            if (depth > 8)
            {
                return false;
            }

            operation = OperationHelpers.SkipImplicitConversions(operation);
            if (operation.ConstantValue.HasValue)
            {
                key.Append(operation.ConstantValue.Value).Append(';');
                return true; // an index, a number
            }

            if (TryGet(operation, types, out var invariant))
            {
                key.Append(invariant.Key).Append(';');
                return !invariant.Bounded; // one of a closed set may change with the loop (each recipient's kind)
            }

            switch (operation)
            {
                case IParameterReferenceOperation parameter:
                    key.Append("P:").Append(parameter.Parameter.Name).Append(';');
                    return parameter.Parameter.RefKind == RefKind.None && !WrittenIn(OperationHelpers.Root(operation), parameter.Parameter);
                case ILocalReferenceOperation local:
                    key.Append("V:").Append(local.Local.Name).Append(';');
                    return !local.Local.IsRef && !DeclaredIn(local.Local, loop) && !WrittenIn(loop, local.Local);
                case IInstanceReferenceOperation:
                    key.Append("this;");
                    return true;
                case IArrayElementReferenceOperation element:
                    key.Append("[]");
                    if (!LoopInvariant(element.ArrayReference, loop, types, key, depth + 1))
                    {
                        return false;
                    }

                    foreach (var index in element.Indices)
                    {
                        if (!LoopInvariant(index, loop, types, key, depth + 1))
                        {
                            return false;
                        }
                    }

                    return true;
                case IFieldReferenceOperation field:
                    key.Append("F:").Append(field.Field.Name).Append(';');
                    return !WrittenIn(loop, field.Field) && (field.Instance is null || LoopInvariant(field.Instance, loop, types, key, depth + 1));
                case IPropertyReferenceOperation { Arguments.Length: 0 } property when IsAutoProperty(property.Property):
                    key.Append("Q:").Append(property.Property.Name).Append(';');
                    return !WrittenIn(loop, property.Property) && (property.Instance is null || LoopInvariant(property.Instance, loop, types, key, depth + 1));
                case IInvocationOperation { TargetMethod: { IsStatic: true, Name: "Combine" or "Join" } method } call when KnownTypes.Is(method.ContainingType, types.Path):
                    key.Append("C(");
                    foreach (var argument in call.Arguments)
                    {
                        var parts = argument.Value is IArrayCreationOperation { Initializer: { } initializer } ? initializer.ElementValues : System.Collections.Immutable.ImmutableArray.Create(argument.Value);
                        foreach (var part in parts)
                        {
                            if (!LoopInvariant(part, loop, types, key, depth + 1))
                            {
                                return false;
                            }
                        }
                    }

                    key.Append(')');
                    return true;
                case IBinaryOperation { OperatorKind: BinaryOperatorKind.Add, Type.SpecialType: SpecialType.System_String } add:
                    return LoopInvariant(add.LeftOperand, loop, types, key, depth + 1) && LoopInvariant(add.RightOperand, loop, types, key, depth + 1);
                case IInterpolatedStringOperation interpolated:
                    foreach (var part in interpolated.Parts)
                    {
                        switch (part)
                        {
                            case IInterpolatedStringTextOperation text:
                                key.Append('"').Append(text.Text.ConstantValue.Value).Append('"');
                                break;
                            case IInterpolationOperation { Alignment: null, FormatString: null } hole when LoopInvariant(hole.Expression, loop, types, key, depth + 1):
                                break;
                            default:
                                return false;
                        }
                    }

                    return true;
                default:
                    return false;
            }
        }

        /// <summary>An auto-property declared in source (its value is what was stored, not computed on each read).</summary>
        private static bool IsAutoProperty(IPropertySymbol property)
        {
            if (property.DeclaringSyntaxReferences.IsEmpty || property.ContainingType is null)
            {
                return false;
            }

            foreach (var member in property.ContainingType.GetMembers())
            {
                if (member is IFieldSymbol { AssociatedSymbol: { } associated } && SymbolEqualityComparer.Default.Equals(associated, property))
                {
                    return true;
                }
            }

            return false;
        }

        private static bool DeclaredIn(ILocalSymbol local, ILoopOperation loop)
        {
            foreach (var reference in local.DeclaringSyntaxReferences)
            {
                if (loop.Syntax.Span.Contains(reference.Span))
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>Assigned (or passed by ref/out, or deconstructed into) anywhere under <paramref name="scope"/>.</summary>
        private static bool WrittenIn(IOperation scope, ISymbol symbol)
        {
            foreach (var op in scope.DescendantsAndSelf())
            {
                IOperation? target = op switch
                {
                    IAssignmentOperation assignment => assignment.Target,
                    IIncrementOrDecrementOperation increment => increment.Target,
                    IArgumentOperation { Parameter.RefKind: RefKind.Ref or RefKind.Out } argument => argument.Value,
                    _ => null,
                };

                if (target is null)
                {
                    continue;
                }

                foreach (var written in target.DescendantsAndSelf())
                {
                    var writtenSymbol = written switch
                    {
                        ILocalReferenceOperation l => (ISymbol)l.Local,
                        IParameterReferenceOperation p => p.Parameter,
                        IFieldReferenceOperation f => f.Field,
                        IPropertyReferenceOperation p => p.Property,
                        _ => null,
                    };

                    if (writtenSymbol is not null && SymbolEqualityComparer.Default.Equals(writtenSymbol.OriginalDefinition, symbol.OriginalDefinition))
                    {
                        return true;
                    }
                }
            }

            return false;
        }

        private static bool ImplementsEnvironment(INamedTypeSymbol? type, SF5001Symbols types)
        {
            if (type is null)
            {
                return false;
            }

            foreach (var implemented in type.AllInterfaces)
            {
                if (KnownTypes.Is(implemented, types.HostEnvironment) || KnownTypes.Is(implemented, types.WebHostEnvironment))
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>Every arm of the switch expression is a constant string.</summary>
        private static bool AllConstant(ISwitchExpressionOperation switchExpression)
        {
            foreach (var arm in switchExpression.Arms)
            {
                if (OperationHelpers.SkipImplicitConversions(arm.Value).ConstantValue is not { HasValue: true, Value: string })
                {
                    return false;
                }
            }

            return switchExpression.Arms.Length > 0;
        }

        /// <summary>A readonly string array field initialised, where it is declared, with string literals only.</summary>
        private static bool ConstantElements(IFieldSymbol array)
        {
            if (array.Type is not IArrayTypeSymbol { ElementType.SpecialType: SpecialType.System_String })
            {
                return false;
            }

            foreach (var reference in array.DeclaringSyntaxReferences)
            {
                if (reference.GetSyntax() is not Microsoft.CodeAnalysis.CSharp.Syntax.VariableDeclaratorSyntax { Initializer.Value: { } value })
                {
                    return false;
                }

                var elements = 0;
                foreach (var node in value.DescendantNodes())
                {
                    if (node is Microsoft.CodeAnalysis.CSharp.Syntax.ExpressionSyntax expression && expression.Parent is Microsoft.CodeAnalysis.CSharp.Syntax.InitializerExpressionSyntax or Microsoft.CodeAnalysis.CSharp.Syntax.ExpressionElementSyntax)
                    {
                        if (!expression.IsKind(Microsoft.CodeAnalysis.CSharp.SyntaxKind.StringLiteralExpression))
                        {
                            return false;
                        }

                        elements++;
                    }
                }

                return elements > 0;
            }

            return false;
        }

        private static bool TryCombine(IInvocationOperation call, SF5001Symbols types, int depth, out PathInfo info)
        {
            info = default;
            var key = new StringBuilder("C(");
            var constants = new System.Collections.Generic.List<string>();
            var allConstant = true;
            var isStatic = true;
            var bounded = false;
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
                    bounded |= partInfo.Bounded;
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

            info = new PathInfo(key.Append(')').ToString(), constant, isStatic, hint, bounded);
            return true;
        }

        private static bool TryInterpolation(IInterpolatedStringOperation interpolated, SF5001Symbols types, int depth, out PathInfo info)
        {
            info = default;
            var key = new StringBuilder("$(");
            var isStatic = true;
            var bounded = false;
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
                        bounded |= holeInfo.Bounded;
                        hint = holeInfo.NameHint;
                        break;
                    default:
                        return false;
                }
            }

            info = new PathInfo(key.Append(')').ToString(), null, isStatic, hint, bounded);
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
