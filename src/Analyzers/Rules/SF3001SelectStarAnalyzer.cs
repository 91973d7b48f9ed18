using System;
using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;
using Steadfast.Analyzers.Internal;
using Steadfast.Analyzers.Rules.SF3001;

namespace Steadfast.Analyzers.Rules
{
    /// <summary>
    /// SF3001: a star projection (<c>SELECT *</c>, <c>SELECT t.*</c>) in SQL text: literals of every kind, interpolated
    /// strings, constants and concatenations of those, wherever the text goes (Dapper, ADO.NET, EF Core, helpers) once
    /// it is plainly SQL (<c>SELECT ... FROM</c>); and PostgREST-style <c>.Select("*")</c>. Reported once per string
    /// expression, on the whole expression.
    /// </summary>
    [DiagnosticAnalyzer(LanguageNames.CSharp)]
    public sealed class SF3001SelectStarAnalyzer : DiagnosticAnalyzer
    {
        /// <summary>
        /// Option, read by the code fix: how mapped property names become column names. Unset, the fix uses snake_case when
        /// the code sets Dapper's <c>DefaultTypeMap.MatchNamesWithUnderscores = true</c>.
        /// </summary>
        internal static readonly OptionDefinition<ColumnNamingStyle> ColumnNaming = OptionDefinition.Choice(
            "SF3001.column_naming",
            "How the fix turns mapped property names into column names; unset, it uses `snake_case` when the code sets Dapper's `DefaultTypeMap.MatchNamesWithUnderscores = true`.",
            ColumnNamingStyle.AsIs,
            ("as_is", ColumnNamingStyle.AsIs),
            ("snake_case", ColumnNamingStyle.SnakeCase));

        /// <summary>The values of <see cref="ColumnNaming"/>.</summary>
        internal enum ColumnNamingStyle
        {
            AsIs,
            SnakeCase,
        }

        /// <summary>Option: report in test code too (silent there by default, see <see cref="TestCode"/>).</summary>
        internal static readonly OptionDefinition<bool> IncludeTestCode = OptionDefinition.IncludeTestCode(DiagnosticIds.SelectStar);

        public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(Descriptors.SF3001SelectStar);

        public override void Initialize(AnalysisContext context)
        {
            context.EnableConcurrentExecution();
            context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
            context.RegisterCompilationStartAction(static start =>
            {
                if (!TestCode.Gate(ref start, IncludeTestCode))
                {
                    return; // a test project (see TestCode)
                }

                var files = start.Options.AdditionalFiles;
                var schema = new RetryableLazy<SqlSchema>(cancellationToken => SqlSchema.From(files, cancellationToken));
                start.RegisterOperationAction(context => OnString(context, schema), OperationKind.Literal, OperationKind.InterpolatedString);
                start.RegisterOperationAction(context => OnConcatenation(context, schema), OperationKind.Binary);
                start.RegisterOperationAction(context => OnSelectCall(context, schema), OperationKind.Invocation);
            });
        }

        private static void OnString(OperationAnalysisContext context, RetryableLazy<SqlSchema> schema)
        {
            var operation = context.Operation;
            if (!OwnTextHasStar(operation) || operation.Parent is IInterpolatedStringTextOperation)
            {
                return; // an interpolated string's text part is judged with its string
            }

            // One report per string expression: from its first leaf that holds a star.
            var top = SqlText.Top(operation);
            foreach (var leaf in SqlText.Leaves(top))
            {
                if (OwnTextHasStar(leaf))
                {
                    if (!ReferenceEquals(leaf, operation))
                    {
                        return;
                    }

                    break;
                }
            }

            var (text, _) = SqlText.Build(top);
            var stars = SqlStar.Find(text);
            if (stars.Count == 0)
            {
                return;
            }

            var star = stars[0];
            Report(context, top.Syntax.GetLocation(), star.Table, schema);
        }

        /// <summary>
        /// A concatenation whose star comes from a constant declared elsewhere (<c>"SELECT " + Star + " FROM t"</c>): judged
        /// at the outermost <c>+</c>, only when no literal of its own holds the star (those are judged in <see cref="OnString"/>).
        /// </summary>
        private static void OnConcatenation(OperationAnalysisContext context, RetryableLazy<SqlSchema> schema)
        {
            var binary = (IBinaryOperation)context.Operation;
            if (binary.OperatorKind != BinaryOperatorKind.Add || binary.Type?.SpecialType != SpecialType.System_String || !ReferenceEquals(SqlText.Top(binary), binary))
            {
                return;
            }

            var mentionsSelect = false;
            foreach (var leaf in SqlText.Leaves(binary))
            {
                if (OwnTextHasStar(leaf))
                {
                    return;
                }

                mentionsSelect |= leaf is ILiteralOperation { ConstantValue: { HasValue: true, Value: string text } } && text.IndexOf("select", StringComparison.OrdinalIgnoreCase) >= 0;
            }

            if (!mentionsSelect)
            {
                return;
            }

            var (sql, _) = SqlText.Build(binary);
            var stars = SqlStar.Find(sql);
            if (stars.Count > 0)
            {
                Report(context, binary.Syntax.GetLocation(), stars[0].Table, schema);
            }
        }

        /// <summary>PostgREST-style clients: <c>client.From&lt;Lead&gt;().Select("*")</c>.</summary>
        private static void OnSelectCall(OperationAnalysisContext context, RetryableLazy<SqlSchema> schema)
        {
            var invocation = (IInvocationOperation)context.Operation;
            var method = invocation.TargetMethod;
            if (method.Name != "Select" || invocation.Arguments.Length == 0 || method.Parameters.Length == 0 ||
                method.Parameters[0].Type.SpecialType != SpecialType.System_String ||
                invocation.Arguments[0].Value.ConstantValue is not { HasValue: true, Value: string columns } ||
                !IsPostgrest(method))
            {
                return;
            }

            foreach (var column in columns.Split(','))
            {
                if (column.Trim() == "*")
                {
                    var table = invocation.Instance is IInvocationOperation { TargetMethod: { Name: "From", TypeArguments.Length: 1 } from } ? from.TypeArguments[0].Name : null;
                    Report(context, invocation.Arguments[0].Value.Syntax.GetLocation(), table, schema);
                    return;
                }
            }
        }

        private static bool IsPostgrest(IMethodSymbol method)
        {
            if (method.Parameters[0].Name == "columns")
            {
                return true;
            }

            var ns = method.ContainingType?.ContainingNamespace?.ToDisplayString() ?? string.Empty;
            return ns.IndexOf("Postgrest", StringComparison.OrdinalIgnoreCase) >= 0 || ns.IndexOf("Supabase", StringComparison.OrdinalIgnoreCase) >= 0;
        }

        private static void Report(OperationAnalysisContext context, Location location, string? table, RetryableLazy<SqlSchema> schema)
        {
            var known = table is not null && !table.StartsWith("@", StringComparison.Ordinal) ? table : null;
            var secret = SqlSchema.SecretLooking(schema.GetValue(context.CancellationToken).Columns(known));
            context.ReportDiagnostic(Diagnostic.Create(
                Descriptors.SF3001SelectStar,
                location,
                known is null ? "the table" : "'" + known + "'",
                secret is null ? string.Empty : ", secret-looking '" + secret + "' included"));
        }

        private static bool OwnTextHasStar(IOperation operation) => operation switch
        {
            ILiteralOperation { ConstantValue: { HasValue: true, Value: string text } } => text.IndexOf('*') >= 0,
            IInterpolatedStringOperation interpolated => InterpolatedHasStar(interpolated),
            _ => false,
        };

        private static bool InterpolatedHasStar(IInterpolatedStringOperation interpolated)
        {
            foreach (var part in interpolated.Parts)
            {
                if (part is IInterpolatedStringTextOperation { Text.ConstantValue: { HasValue: true, Value: string text } } && text.IndexOf('*') >= 0)
                {
                    return true;
                }
            }

            return false;
        }
    }
}

namespace Steadfast.Analyzers.Rules.SF3001
{
    /// <summary>The symbols SF3001's fix need (see <see cref="RuleSymbols{TSelf}"/>); any may be null where the compilation lacks the type.</summary>
    internal sealed class SF3001Symbols : RuleSymbols<SF3001Symbols>
    {
        private SF3001Symbols(KnownTypes types)
            : base(types)
        {
            ColumnAttribute = types.ColumnAttribute;
            DapperDefaultTypeMap = types.DapperDefaultTypeMap;
            DapperSqlMapper = types.DapperSqlMapper;
            EfRelationalDatabaseFacadeExtensions = types.EfRelationalDatabaseFacadeExtensions;
            EfRelationalQueryableExtensions = types.EfRelationalQueryableExtensions;
            NotMappedAttribute = types.NotMappedAttribute;
        }

        public INamedTypeSymbol? ColumnAttribute { get; }

        public INamedTypeSymbol? DapperDefaultTypeMap { get; }

        public INamedTypeSymbol? DapperSqlMapper { get; }

        public INamedTypeSymbol? EfRelationalDatabaseFacadeExtensions { get; }

        public INamedTypeSymbol? EfRelationalQueryableExtensions { get; }

        public INamedTypeSymbol? NotMappedAttribute { get; }

        public static SF3001Symbols GetOrCreate(Compilation compilation) => GetOrCreate(compilation, static types => new SF3001Symbols(types));
    }
}
