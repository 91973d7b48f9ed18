using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;
using Steadfast.Analyzers.Internal;

namespace Steadfast.Analyzers.Rules.SF1001
{
    /// <summary>What SF1001 knows about one dropped task; shared by the analyzer and the code fix.</summary>
    internal readonly struct DroppedTask
    {
        public DroppedTask(IOperation dropped, IInvocationOperation call, bool isDiscard, bool hasConfigureAwait)
        {
            Dropped = dropped;
            Call = call;
            IsDiscard = isDiscard;
            HasConfigureAwait = hasConfigureAwait;
        }

        /// <summary>The expression whose value nobody keeps (for <c>_ = x</c>, the <c>x</c>).</summary>
        public IOperation Dropped { get; }

        /// <summary>The call that produced the task, with any <c>ConfigureAwait</c> stripped.</summary>
        public IInvocationOperation Call { get; }

        public bool IsDiscard { get; }

        public bool HasConfigureAwait { get; }

        /// <summary>
        /// Finds the dropped task of an expression statement, or returns false when the statement keeps no task
        /// (not a call, not awaitable, or a task that needs no observing).
        /// </summary>
        public static bool TryGet(IExpressionStatementOperation statement, SF1001Symbols types, out DroppedTask result)
        {
            result = default;
            var expression = statement.Operation;
            if (expression is null)
            {
                return false;
            }

            var isDiscard = false;
            if (expression is ISimpleAssignmentOperation assignment)
            {
                if (assignment.Target is not IDiscardOperation || assignment.Value is null)
                {
                    return false;
                }

                expression = assignment.Value;
                isDiscard = true;
            }

            var dropped = SkipImplicitConversions(expression);
            if (!IsAwaitable(dropped.Type, types))
            {
                return false;
            }

            // `_ = x?.FooAsync()`: the call is the conditional access' WhenNotNull.
            var callOperation = dropped is IConditionalAccessOperation conditional ? conditional.WhenNotNull : dropped;
            if (SkipImplicitConversions(callOperation) is not IInvocationOperation call)
            {
                return false;
            }

            var hasConfigureAwait = false;
            while (IsConfigureAwait(call, types) && SkipImplicitConversions(call.Instance!) is IInvocationOperation inner)
            {
                call = inner;
                hasConfigureAwait = true;
            }

            if (IsConfigureAwait(call, types))
            {
                // `_ = task.ConfigureAwait(false)` on a stored task: the task itself is kept elsewhere.
                return false;
            }

            result = new DroppedTask(dropped, call, isDiscard, hasConfigureAwait);
            return true;
        }

        /// <summary>How the message and the tracker's name refer to the call: <c>Type.Method</c>, a local function or a delegate's name.</summary>
        public static string DisplayName(IInvocationOperation call)
        {
            var method = call.TargetMethod;
            if (method.MethodKind == MethodKind.DelegateInvoke)
            {
                var receiver = call.Instance is null ? null : SkipImplicitConversions(call.Instance);
                switch (receiver)
                {
                    case ILocalReferenceOperation local: return local.Local.Name;
                    case IParameterReferenceOperation parameter: return parameter.Parameter.Name;
                    case IFieldReferenceOperation field: return field.Field.Name;
                    case IPropertyReferenceOperation property: return property.Property.Name;
                }
            }

            if (method.MethodKind == MethodKind.LocalFunction || method.ContainingType is null)
            {
                return method.Name;
            }

            return method.ContainingType.Name + "." + method.Name;
        }

        /// <summary>
        /// The name a reader would give the background work: the called method's own name; for <c>Task.Run</c> and
        /// <c>StartNew</c>, the method the delegate calls, or else the enclosing member's name.
        /// </summary>
        public static string TaskName(IInvocationOperation call, ISymbol? containingSymbol, SF1001Symbols types)
        {
            if (IsTaskRun(call, types) || IsStartNew(call, types))
            {
                foreach (var argument in call.Arguments)
                {
                    if (argument.Parameter?.Ordinal == 0)
                    {
                        return NameOfDelegate(argument.Value) ?? EnclosingName(containingSymbol);
                    }
                }

                return EnclosingName(containingSymbol);
            }

            return ShortName(call);
        }

        public static bool IsTaskRun(IInvocationOperation call, SF1001Symbols types) =>
            call.TargetMethod is { IsStatic: true, Name: "Run" } method && KnownTypes.Is(method.ContainingType, types.Task);

        public static bool IsStartNew(IInvocationOperation call, SF1001Symbols types) =>
            call.TargetMethod.Name == "StartNew" &&
            (KnownTypes.Is(call.TargetMethod.ContainingType, types.TaskFactory) || KnownTypes.Is(call.TargetMethod.ContainingType, types.TaskFactoryOfT));

        /// <summary>True for <c>StartNew</c> of an async delegate: its Task&lt;Task&gt; completes before the work does.</summary>
        public static bool NeedsUnwrap(IInvocationOperation call, SF1001Symbols types) =>
            IsStartNew(call, types) &&
            call.Type is INamedTypeSymbol { TypeArguments.Length: 1 } result &&
            KnownTypes.Is(result, types.TaskOfT) &&
            types.IsTask(result.TypeArguments[0]);

        private static string ShortName(IInvocationOperation call)
        {
            var display = DisplayName(call);
            var dot = display.LastIndexOf('.');
            return dot < 0 ? display : display.Substring(dot + 1);
        }

        private static string? NameOfDelegate(IOperation value)
        {
            value = SkipImplicitConversions(value);
            if (value is IDelegateCreationOperation creation)
            {
                value = creation.Target;
            }

            switch (value)
            {
                case IMethodReferenceOperation reference:
                    return reference.Method.Name;
                case IAnonymousFunctionOperation lambda:
                    return SingleCallName(lambda.Body);
                default:
                    return null;
            }
        }

        /// <summary>The name of the one call a lambda body makes (<c>() => SendAsync(x)</c>, <c>async () => await SendAsync(x)</c>).</summary>
        private static string? SingleCallName(IBlockOperation body)
        {
            var expression = SingleExpression(body);
            while (expression is IInvocationOperation { TargetMethod.Name: "ConfigureAwait", Instance: { } instance })
            {
                expression = SkipImplicitConversions(instance);
            }

            return expression is IInvocationOperation call ? ShortName(call) : null;
        }

        /// <summary>
        /// The one expression a lambda body evaluates, awaited or not, under implicit conversions (<c>() => SendAsync(x)</c>,
        /// <c>async () => await SendAsync(x).ConfigureAwait(false)</c>); null when the body does more than that.
        /// </summary>
        internal static IOperation? SingleExpression(IBlockOperation body)
        {
            IOperation? only = null;
            foreach (var statement in body.Operations)
            {
                // An expression-bodied lambda's implicit `return;` after its expression statement does not count.
                if (statement is IReturnOperation { IsImplicit: true, ReturnedValue: null })
                {
                    continue;
                }

                if (only is not null)
                {
                    return null;
                }

                only = statement;
            }

            var expression = only switch
            {
                IExpressionStatementOperation e => e.Operation,
                IReturnOperation r => r.ReturnedValue,
                _ => null,
            };
            if (expression is IAwaitOperation awaited)
            {
                expression = awaited.Operation;
            }

            return expression is null ? null : SkipImplicitConversions(expression);
        }

        private static string EnclosingName(ISymbol? symbol)
        {
            switch (symbol)
            {
                case IMethodSymbol { AssociatedSymbol: { } associated }:
                    return associated.Name;
                case IMethodSymbol { MethodKind: MethodKind.Constructor or MethodKind.StaticConstructor } constructor:
                    return constructor.ContainingType?.Name ?? "background work";
                case null:
                    return "background work";
                default:
                    // Top-level statements compile into "<Main>$".
                    return symbol.Name.StartsWith("<", System.StringComparison.Ordinal) ? "Main" : symbol.Name;
            }
        }

        public static bool IsConfigureAwait(IInvocationOperation call, SF1001Symbols types) =>
            call.TargetMethod.Name == "ConfigureAwait" && call.Instance is not null &&
            types.IsTaskOrValueTask(call.TargetMethod.ContainingType);

        public static IOperation SkipImplicitConversions(IOperation operation) => OperationHelpers.SkipImplicitConversions(operation);

        /// <summary>Task, ValueTask, their configured awaitables, types derived from Task, and custom awaitables (a parameterless GetAwaiter).</summary>
        public static bool IsAwaitable(ITypeSymbol? type, SF1001Symbols types)
        {
            if (type is null || type.TypeKind == TypeKind.Error)
            {
                return false;
            }

            if (type is INamedTypeSymbol { OriginalDefinition.SpecialType: SpecialType.System_Nullable_T } nullable &&
                nullable.TypeArguments.Length == 1)
            {
                type = nullable.TypeArguments[0];
            }

            if (types.IsTaskOrValueTask(type) ||
                KnownTypes.Is(type, types.ConfiguredTaskAwaitable) ||
                KnownTypes.Is(type, types.ConfiguredTaskAwaitableOfT) ||
                KnownTypes.Is(type, types.ConfiguredValueTaskAwaitable) ||
                KnownTypes.Is(type, types.ConfiguredValueTaskAwaitableOfT))
            {
                return true;
            }

            if (type.SpecialType != SpecialType.None || KnownTypes.Is(type, types.YieldAwaitable) ||
                type.TypeKind is not (TypeKind.Class or TypeKind.Struct or TypeKind.Interface))
            {
                return false;
            }

            foreach (var member in type.GetMembers("GetAwaiter"))
            {
                if (member is IMethodSymbol { IsStatic: false, Parameters.Length: 0, ReturnsVoid: false } getAwaiter &&
                    getAwaiter.DeclaredAccessibility == Accessibility.Public &&
                    getAwaiter.ReturnType.GetMembers("GetResult").Length > 0)
                {
                    return true;
                }
            }

            return false;
        }
    }
}
