using System;
using System.Collections.Immutable;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;
using Steadfast.Analyzers.Internal;
using Steadfast.Analyzers.Rules.SF6001;

namespace Steadfast.Analyzers.Rules
{
    /// <summary>
    /// SF6001: a development-only middleware or endpoint (the developer exception page, Swagger and its UI, ReDoc,
    /// <c>MapOpenApi</c>, Scalar, EF Core's database error page and migrations endpoint), matched by the extension class
    /// that declares it, called where no Development check guards it: no enclosing <c>if</c> whose condition implies
    /// <c>IsDevelopment()</c> (or <c>IsEnvironment("Development")</c>), no earlier <c>if (!…IsDevelopment()) return;</c>.
    /// A condition that tests something other than the environment (a configuration flag, an option) is a deliberate
    /// switch and is not second-guessed; the Startup conventions that run only in Development (<c>ConfigureDevelopment</c>,
    /// <c>StartupDevelopment</c>) count as guarded.
    /// </summary>
    [DiagnosticAnalyzer(LanguageNames.CSharp)]
    public sealed class SF6001DevelopmentOnlyAnalyzer : DiagnosticAnalyzer
    {
        /// <summary>Option: report in test code too (silent there by default).</summary>
        internal static readonly OptionDefinition<bool> IncludeTestCode = OptionDefinition.IncludeTestCode(DiagnosticIds.DevelopmentOnlyOutsideDevelopment);

        /// <summary>Option: methods the project calls in every environment on purpose (a public API that publishes its document).</summary>
        internal static readonly OptionDefinition<ImmutableHashSet<string>> AllowedMethods = OptionDefinition.List(
            "SF6001.allowed_methods",
            "Method names (for example `MapOpenApi, MapScalarApiReference`) that this code calls in every environment on purpose, such as a public API that publishes its OpenAPI document; they are not reported.");

        public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(Descriptors.SF6001DevelopmentOnlyOutsideDevelopment);

        public override void Initialize(AnalysisContext context)
        {
            context.EnableConcurrentExecution();
            context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
            context.RegisterCompilationStartAction(static start =>
            {
                var types = SF6001Symbols.GetOrCreate(start.Compilation);
                if (!types.HasAnyTool || !TestCode.Gate(ref start, IncludeTestCode))
                {
                    return; // none of the tools is referenced, or a test project (see TestCode)
                }

                start.RegisterOperationAction(context => Analyze(context, types), OperationKind.Invocation);
            });
        }

        private static void Analyze(OperationAnalysisContext context, SF6001Symbols types)
        {
            var invocation = (IInvocationOperation)context.Operation;
            var what = types.Describe(invocation.TargetMethod);
            if (what is null || AllowedMethods.Get(context.Options, invocation.Syntax.SyntaxTree).Contains(invocation.TargetMethod.Name))
            {
                return;
            }

            if (InDevelopmentConvention(context.ContainingSymbol) || IsGuarded(invocation, types) ||
                HelperCallers.GetOrCreate(context.Compilation).DecidedByCallers(context.ContainingSymbol, types, context.CancellationToken))
            {
                return;
            }

            context.ReportDiagnostic(Diagnostic.Create(Descriptors.SF6001DevelopmentOnlyOutsideDevelopment, invocation.Syntax.GetLocation(), invocation.TargetMethod.Name, what));
        }

        /// <summary>
        /// True for a tool call the rule reports, judged where it stands: a development-only method (not allowed by the
        /// option) that no Development check or deliberate switch guards, outside the Development Startup conventions. The
        /// fix uses this for the reported call and its sibling statements; the analyzer also asks the helper's callers
        /// (<see cref="HelperCallers"/>), which the fix need not do again: siblings share the reported call's method, whose
        /// callers a Fix All does not change, and asking would index the whole compilation again after every edit.
        /// </summary>
        internal static bool IsReportedInPlace(IInvocationOperation invocation, ISymbol? containingSymbol, SF6001Symbols types, ImmutableHashSet<string> allowed) =>
            types.Describe(invocation.TargetMethod) is not null && !allowed.Contains(invocation.TargetMethod.Name) &&
            !InDevelopmentConvention(containingSymbol) && !IsGuarded(invocation, types);

        /// <summary>
        /// ASP.NET Core's Startup conventions that run only in Development: a <c>ConfigureDevelopment</c> method
        /// (<c>Configure{EnvironmentName}</c>) and a <c>StartupDevelopment</c> class (<c>Startup{EnvironmentName}</c>). The
        /// host finds them by name, ignoring case, so the rule does too.
        /// </summary>
        internal static bool InDevelopmentConvention(ISymbol? symbol)
        {
            for (var s = symbol; s is not null and not INamespaceSymbol; s = s.ContainingSymbol)
            {
                switch (s)
                {
                    case IMethodSymbol { MethodKind: MethodKind.Ordinary } method when string.Equals(method.Name, "ConfigureDevelopment", StringComparison.OrdinalIgnoreCase):
                        return true;
                    case INamedTypeSymbol type when string.Equals(type.Name, "StartupDevelopment", StringComparison.OrdinalIgnoreCase):
                        return true;
                }
            }

            return false;
        }

        /// <summary>
        /// True when the call runs only in Development, or only when a deliberate switch is on: an enclosing branch whose
        /// condition implies Development or tests something besides the environment, or an earlier sibling (in any
        /// enclosing block) <c>if (…) return;</c> / <c>throw</c> that leaves unless the same holds.
        /// </summary>
        internal static bool IsGuarded(IOperation operation, SF6001Symbols types)
        {
            for (var current = operation; current.Parent is { } parent; current = parent)
            {
                switch (parent)
                {
                    case IConditionalOperation conditional when current == conditional.WhenTrue || current == conditional.WhenFalse:
                        if (Judge(conditional.Condition, current == conditional.WhenTrue, types) != Verdict.OtherEnvironment)
                        {
                            return true;
                        }

                        break;
                    case IBlockOperation block:
                        foreach (var statement in block.Operations)
                        {
                            if (statement == current)
                            {
                                break;
                            }

                            if (statement is IConditionalOperation { WhenFalse: null } early && AlwaysLeaves(early.WhenTrue) &&
                                Judge(early.Condition, whenTrue: false, types) != Verdict.OtherEnvironment)
                            {
                                return true;
                            }
                        }

                        break;
                }
            }

            return false;
        }

        /// <summary>A <c>return</c> or <c>throw</c>, alone or as the last statement of a block.</summary>
        private static bool AlwaysLeaves(IOperation statement)
        {
            if (statement is IBlockOperation block)
            {
                return block.Operations.Length > 0 && AlwaysLeaves(block.Operations[block.Operations.Length - 1]);
            }

            return statement is IReturnOperation or IThrowOperation or IExpressionStatementOperation { Operation: IThrowOperation };
        }

        private enum Verdict
        {
            /// <summary>The branch runs only in Development.</summary>
            Development,

            /// <summary>The condition tests something besides the environment: a configuration flag, an option, a switch.</summary>
            DeliberateSwitch,

            /// <summary>The condition tests only the environment, and the branch runs outside Development (an else, a <c>!IsDevelopment()</c>, <c>IsProduction()</c>).</summary>
            OtherEnvironment,
        }

        /// <summary>What running the branch taken when <paramref name="condition"/> is <paramref name="whenTrue"/> says about the environment.</summary>
        private static Verdict Judge(IOperation condition, bool whenTrue, SF6001Symbols types)
        {
            if (ImpliesDevelopment(condition, whenTrue, types, 0))
            {
                return Verdict.Development;
            }

            return TestsOnlyEnvironment(condition, types, 0) ? Verdict.OtherEnvironment : Verdict.DeliberateSwitch;
        }

        /// <summary>True when <paramref name="condition"/> having the value <paramref name="value"/> means the environment is Development.</summary>
        private static bool ImpliesDevelopment(IOperation condition, bool value, SF6001Symbols types, int depth)
        {
            if (depth > 32)
            {
                return false;
            }

            condition = OperationHelpers.SkipConversions(condition);
            switch (condition)
            {
                case IUnaryOperation { OperatorKind: UnaryOperatorKind.Not } not:
                    return ImpliesDevelopment(not.Operand, !value, types, depth + 1);
                case IBinaryOperation { OperatorKind: BinaryOperatorKind.ConditionalAnd } and:
                    return value
                        ? ImpliesDevelopment(and.LeftOperand, true, types, depth + 1) || ImpliesDevelopment(and.RightOperand, true, types, depth + 1)
                        : ImpliesDevelopment(and.LeftOperand, false, types, depth + 1) && ImpliesDevelopment(and.RightOperand, false, types, depth + 1);
                case IBinaryOperation { OperatorKind: BinaryOperatorKind.ConditionalOr } or:
                    return value
                        ? ImpliesDevelopment(or.LeftOperand, true, types, depth + 1) && ImpliesDevelopment(or.RightOperand, true, types, depth + 1)
                        : ImpliesDevelopment(or.LeftOperand, false, types, depth + 1) || ImpliesDevelopment(or.RightOperand, false, types, depth + 1);
                case IBinaryOperation { OperatorKind: BinaryOperatorKind.Equals or BinaryOperatorKind.NotEquals } comparison:
                    var equals = comparison.OperatorKind == BinaryOperatorKind.Equals;
                    if (BoolConstant(comparison.RightOperand) is { } right)
                    {
                        return ImpliesDevelopment(comparison.LeftOperand, equals == right ? value : !value, types, depth + 1);
                    }

                    if (BoolConstant(comparison.LeftOperand) is { } left)
                    {
                        return ImpliesDevelopment(comparison.RightOperand, equals == left ? value : !value, types, depth + 1);
                    }

                    // env.EnvironmentName == "Development"
                    return value == equals && (IsDevelopmentName(comparison.LeftOperand, comparison.RightOperand, types) || IsDevelopmentName(comparison.RightOperand, comparison.LeftOperand, types));
                case IInvocationOperation call when value:
                    return IsDevelopmentCall(call, types);
                default:
                    return false;
            }
        }

        /// <summary>True when every operand of the condition's logic (<c>!</c>, <c>&amp;&amp;</c>, <c>||</c>, comparisons with constants) is an environment test.</summary>
        private static bool TestsOnlyEnvironment(IOperation condition, SF6001Symbols types, int depth)
        {
            if (depth > 32)
            {
                return false;
            }

            condition = OperationHelpers.SkipConversions(condition);
            switch (condition)
            {
                case IUnaryOperation { OperatorKind: UnaryOperatorKind.Not } not:
                    return TestsOnlyEnvironment(not.Operand, types, depth + 1);
                case IBinaryOperation { OperatorKind: BinaryOperatorKind.ConditionalAnd or BinaryOperatorKind.ConditionalOr } both:
                    return TestsOnlyEnvironment(both.LeftOperand, types, depth + 1) && TestsOnlyEnvironment(both.RightOperand, types, depth + 1);
                case IBinaryOperation { OperatorKind: BinaryOperatorKind.Equals or BinaryOperatorKind.NotEquals } comparison:
                    if (BoolConstant(comparison.RightOperand) is not null)
                    {
                        return TestsOnlyEnvironment(comparison.LeftOperand, types, depth + 1);
                    }

                    if (BoolConstant(comparison.LeftOperand) is not null)
                    {
                        return TestsOnlyEnvironment(comparison.RightOperand, types, depth + 1);
                    }

                    return IsEnvironmentName(comparison.LeftOperand, types) || IsEnvironmentName(comparison.RightOperand, types);
                case IInvocationOperation call:
                    return EnvironmentCheck(call.TargetMethod, types) is not null;
                default:
                    return false;
            }
        }

        private static bool? BoolConstant(IOperation operation) =>
            OperationHelpers.SkipConversions(operation).ConstantValue is { HasValue: true, Value: bool value } ? value : null;

        /// <summary><c>env.IsDevelopment()</c>, or <c>env.IsEnvironment("Development")</c> (compared ignoring case, as the host does).</summary>
        internal static bool IsDevelopmentCall(IInvocationOperation call, SF6001Symbols types)
        {
            switch (EnvironmentCheck(call.TargetMethod, types))
            {
                case "IsDevelopment":
                    return true;
                case "IsEnvironment":
                    foreach (var argument in call.Arguments)
                    {
                        if (argument.Parameter?.Ordinal == 1)
                        {
                            return IsDevelopmentText(argument.Value, types);
                        }
                    }

                    return false;
                default:
                    return false;
            }
        }

        /// <summary>
        /// The name of an environment test (<c>IsDevelopment</c>, <c>IsStaging</c>, <c>IsProduction</c>, <c>IsEnvironment</c>):
        /// an extension method whose receiver is a host environment (<c>IHostEnvironment</c>, <c>IWebHostEnvironment</c>,
        /// ASP.NET Core 2's <c>IHostingEnvironment</c>); null for anything else.
        /// </summary>
        private static string? EnvironmentCheck(IMethodSymbol method, SF6001Symbols types)
        {
            method = method.ReducedFrom ?? method;
            if (method.Name is not ("IsDevelopment" or "IsStaging" or "IsProduction" or "IsEnvironment") || !method.IsExtensionMethod || method.Parameters.Length == 0)
            {
                return null;
            }

            return types.IsEnvironment(method.Parameters[0].Type) ? method.Name : null;
        }

        /// <summary><c>env.EnvironmentName</c> compared with the constant "Development".</summary>
        private static bool IsDevelopmentName(IOperation name, IOperation constant, SF6001Symbols types) =>
            IsEnvironmentName(name, types) && IsDevelopmentText(constant, types);

        /// <summary>The constant "Development" (any case), or <c>Environments.Development</c> (a static readonly field, not a constant).</summary>
        private static bool IsDevelopmentText(IOperation operation, SF6001Symbols types)
        {
            operation = OperationHelpers.SkipConversions(operation);
            if (operation.ConstantValue is { HasValue: true, Value: string text })
            {
                return string.Equals(text, "Development", StringComparison.OrdinalIgnoreCase);
            }

            return operation is IFieldReferenceOperation { Field.Name: "Development" } field && KnownTypes.Is(field.Field.ContainingType, types.Environments);
        }

        private static bool IsEnvironmentName(IOperation operation, SF6001Symbols types) =>
            OperationHelpers.SkipConversions(operation) is IPropertyReferenceOperation { Property.Name: "EnvironmentName" } property &&
            types.IsEnvironment(property.Property.ContainingType);
    }
}

namespace Steadfast.Analyzers.Rules.SF6001
{
    /// <summary>The types SF6001 and its fix need, from <see cref="KnownTypes"/>.</summary>
    internal sealed class SF6001Symbols : RuleSymbols<SF6001Symbols>
    {
        private SF6001Symbols(KnownTypes types)
            : base(types)
        {
            HasAnyTool = DeveloperExceptionPageExtensions is not null || SwaggerBuilderExtensions is not null || SwaggerUIBuilderExtensions is not null ||
                ReDocBuilderExtensions is not null || OpenApiEndpointRouteBuilderExtensions is not null || ScalarEndpointRouteBuilderExtensions is not null ||
                MigrationsEndPointExtensions is not null || DatabaseErrorPageExtensions is not null;
        }

        public INamedTypeSymbol? DeveloperExceptionPageExtensions => Types.DeveloperExceptionPageExtensions;

        public INamedTypeSymbol? SwaggerBuilderExtensions => Types.SwaggerBuilderExtensions;

        public INamedTypeSymbol? SwaggerUIBuilderExtensions => Types.SwaggerUIBuilderExtensions;

        public INamedTypeSymbol? ReDocBuilderExtensions => Types.ReDocBuilderExtensions;

        public INamedTypeSymbol? OpenApiEndpointRouteBuilderExtensions => Types.OpenApiEndpointRouteBuilderExtensions;

        public INamedTypeSymbol? ScalarEndpointRouteBuilderExtensions => Types.ScalarEndpointRouteBuilderExtensions;

        public INamedTypeSymbol? MigrationsEndPointExtensions => Types.MigrationsEndPointExtensions;

        public INamedTypeSymbol? DatabaseErrorPageExtensions => Types.DatabaseErrorPageExtensions;

        /// <summary><c>Microsoft.Extensions.Hosting.IHostEnvironment</c> (<c>IWebHostEnvironment</c> implements it).</summary>
        public INamedTypeSymbol? HostEnvironment => Types.HostEnvironment;

        /// <summary>ASP.NET Core 2's <c>Microsoft.AspNetCore.Hosting.IHostingEnvironment</c> (obsolete).</summary>
        public INamedTypeSymbol? HostingEnvironment => Types.HostingEnvironment;

        public INamedTypeSymbol? WebApplication => Types.WebApplication;

        /// <summary>The app and its builders a helper receives (see <see cref="HelperCallers"/>).</summary>
        public INamedTypeSymbol? ApplicationBuilder => Types.ApplicationBuilder;

        public INamedTypeSymbol? EndpointRouteBuilder => Types.EndpointRouteBuilder;

        public INamedTypeSymbol? WebApplicationBuilder => Types.WebApplicationBuilder;

        public INamedTypeSymbol? HostApplicationBuilder => Types.HostApplicationBuilder;

        /// <summary>Where <c>IsDevelopment()</c> is declared, for the fix's fully qualified call where no using brings it in.</summary>
        public INamedTypeSymbol? HostEnvironmentEnvExtensions => Types.HostEnvironmentEnvExtensions;

        /// <summary><c>Microsoft.Extensions.Hosting.Environments</c>: its <c>Development</c> field names the environment.</summary>
        public INamedTypeSymbol? Environments => Types.Environments;

        /// <summary>At least one of the tools is referenced: otherwise the rule registers nothing.</summary>
        public bool HasAnyTool { get; }

        public static SF6001Symbols GetOrCreate(Compilation compilation) => GetOrCreate(compilation, static types => new SF6001Symbols(types));

        /// <summary>A host environment: <c>IHostEnvironment</c> or a type that implements it, or the obsolete <c>IHostingEnvironment</c>.</summary>
        public bool IsEnvironment(ITypeSymbol? type) => KnownTypes.IsOrImplements(type, HostEnvironment) || KnownTypes.IsOrImplements(type, HostingEnvironment);

        /// <summary>What the development-only method exposes, for the message; null when <paramref name="method"/> is not one.</summary>
        public string? Describe(IMethodSymbol method)
        {
            var type = (method.ReducedFrom ?? method).ContainingType;
            if (type is null)
            {
                return null;
            }

            switch (method.Name)
            {
                case "UseDeveloperExceptionPage" when KnownTypes.Is(type, DeveloperExceptionPageExtensions):
                    return "shows exception stack traces and request details to anyone who triggers an error";
                case "UseSwagger" or "MapSwagger" when KnownTypes.Is(type, SwaggerBuilderExtensions):
                case "MapOpenApi" when KnownTypes.Is(type, OpenApiEndpointRouteBuilderExtensions):
                    return "publishes the OpenAPI document, a map of every endpoint,";
                case "UseSwaggerUI" or "MapSwaggerUI" when KnownTypes.Is(type, SwaggerUIBuilderExtensions):
                case "UseReDoc" or "MapReDoc" when KnownTypes.Is(type, ReDocBuilderExtensions):
                case "MapScalarApiReference" when KnownTypes.Is(type, ScalarEndpointRouteBuilderExtensions):
                    return "serves an interactive page for exploring and calling the API";
                case "UseMigrationsEndPoint" when KnownTypes.Is(type, MigrationsEndPointExtensions):
                    return "lets anyone apply pending EF Core migrations over HTTP";
                case "UseDatabaseErrorPage" when KnownTypes.Is(type, DatabaseErrorPageExtensions):
                    return "shows database errors and pending migrations to anyone";
                default:
                    return null;
            }
        }
    }
}
