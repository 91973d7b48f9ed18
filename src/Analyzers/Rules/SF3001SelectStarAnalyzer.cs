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
    /// SF3001: a star projection (<c>SELECT *</c>, <c>SELECT t.*</c>) in SQL text that reaches a database call (Dapper,
    /// ADO.NET commands, EF Core's raw SQL; see <see cref="SqlSinks"/>) directly or through a local, a field or a helper in
    /// the same file; and PostgREST's <c>.Select("*")</c>. Text that reaches no database call (a parser test's input, a
    /// log line, prose) is not flagged. The text is found from the string (literals, interpolated strings, constants and
    /// concatenations), which is cheap: only strings that hold a star projection are traced forward to their calls.
    /// Reported once per string expression, on the whole expression; a field of another type or file handed to a
    /// database call is reported at that use.
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
                var symbols = SF3001Symbols.GetOrCreate(start.Compilation);
                start.RegisterOperationAction(context => OnString(context, schema, symbols), OperationKind.Literal, OperationKind.InterpolatedString);
                start.RegisterOperationAction(context => OnConcatenation(context, schema, symbols), OperationKind.Binary);
                start.RegisterOperationAction(context => OnInvocation(context, schema, symbols), OperationKind.Invocation);
                start.RegisterOperationAction(context => OnForeignField(context, schema, symbols), OperationKind.ObjectCreation, OperationKind.SimpleAssignment);
            });
        }

        private static void OnString(OperationAnalysisContext context, RetryableLazy<SqlSchema> schema, SF3001Symbols symbols)
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
            if (stars.Count == 0 || SqlSinks.Find(top, symbols, context.CancellationToken, firstOnly: true).Count == 0)
            {
                return; // not SQL, or SQL that reaches no database call we can see (a parser test's input, a log line)
            }

            var star = stars[0];
            Report(context, top.Syntax.GetLocation(), star.Table, schema);
        }

        /// <summary>
        /// A concatenation whose star comes from a constant declared elsewhere (<c>"SELECT " + Star + " FROM t"</c>,
        /// <c>Queries.AllLeads + " WHERE id = @id"</c>): judged at the outermost <c>+</c>, only when no literal of its own
        /// holds the star (those are judged in <see cref="OnString"/>).
        /// </summary>
        private static void OnConcatenation(OperationAnalysisContext context, RetryableLazy<SqlSchema> schema, SF3001Symbols symbols)
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
            }

            foreach (var operand in Operands(binary))
            {
                if (operand.ConstantValue is not { HasValue: true, Value: string text } || text.IndexOf("select", StringComparison.OrdinalIgnoreCase) < 0)
                {
                    continue;
                }

                if (operand is IFieldReferenceOperation { Field: var field } && SqlSinks.IsSeenFromDeclaration(field, operand) && SqlStar.Find(text).Count > 0)
                {
                    return; // a field of this type whose own text has the star: judged (and fixed) at its declaration
                }

                mentionsSelect = true;
            }

            if (!mentionsSelect)
            {
                return;
            }

            var (sql, _) = SqlText.Build(binary);
            var stars = SqlStar.Find(sql);
            if (stars.Count > 0 && SqlSinks.Find(binary, symbols, context.CancellationToken, firstOnly: true).Count > 0)
            {
                Report(context, binary.Syntax.GetLocation(), stars[0].Table, schema);
            }
        }

        /// <summary>The operands of a string concatenation, conversions skipped, in source order.</summary>
        private static System.Collections.Generic.IEnumerable<IOperation> Operands(IOperation operation)
        {
            operation = OperationHelpers.SkipImplicitConversions(operation);
            if (operation is IBinaryOperation { OperatorKind: BinaryOperatorKind.Add, Type.SpecialType: SpecialType.System_String } binary)
            {
                foreach (var left in Operands(binary.LeftOperand))
                {
                    yield return left;
                }

                foreach (var right in Operands(binary.RightOperand))
                {
                    yield return right;
                }
            }
            else
            {
                yield return operation;
            }
        }

        private static void OnInvocation(OperationAnalysisContext context, RetryableLazy<SqlSchema> schema, SF3001Symbols symbols)
        {
            OnSelectCall(context, schema, symbols);
            OnForeignField(context, schema, symbols);
        }

        /// <summary>
        /// A database call handed a field declared in another type or file (<c>db.Query&lt;Lead&gt;(Queries.AllLeads)</c>):
        /// reported at the use, where the mistake is visible to the reader of this file. A field used in its own type in
        /// the same file is judged at its declaration instead (<see cref="OnString"/>), once.
        /// </summary>
        private static void OnForeignField(OperationAnalysisContext context, RetryableLazy<SqlSchema> schema, SF3001Symbols symbols)
        {
            var operation = context.Operation;
            var arguments = operation switch
            {
                IInvocationOperation invocation => invocation.Arguments,
                IObjectCreationOperation creation => creation.Arguments,
                _ => ImmutableArray<IArgumentOperation>.Empty,
            };

            if (operation is ISimpleAssignmentOperation assignment)
            {
                Judge(context, assignment.Value, schema, symbols);
                return;
            }

            foreach (var argument in arguments)
            {
                if (argument.Value.Type?.SpecialType == SpecialType.System_String)
                {
                    Judge(context, argument.Value, schema, symbols);
                }
            }

            static void Judge(OperationAnalysisContext context, IOperation value, RetryableLazy<SqlSchema> schema, SF3001Symbols symbols)
            {
                if (OperationHelpers.SkipConversions(value) is not IFieldReferenceOperation { Field: { } field } reference ||
                    field.Type.SpecialType != SpecialType.System_String || (!field.IsConst && !field.IsReadOnly) ||
                    FieldText(reference, context.CancellationToken) is not { } text || !SqlStar.MayHaveStar(text) ||
                    SqlSinks.IsSeenFromDeclaration(field, reference) || SqlSinks.DirectSink(value, symbols) is null)
                {
                    return;
                }

                var stars = SqlStar.Find(text);
                if (stars.Count > 0)
                {
                    Report(context, reference.Syntax.GetLocation(), stars[0].Table, schema);
                }
            }
        }

        /// <summary>A const's value, or a readonly field's initializer when it is one string literal.</summary>
        private static string? FieldText(IFieldReferenceOperation reference, System.Threading.CancellationToken cancellationToken)
        {
            if (reference.ConstantValue is { HasValue: true, Value: string constant })
            {
                return constant;
            }

            foreach (var declaration in reference.Field.OriginalDefinition.DeclaringSyntaxReferences)
            {
                if (declaration.GetSyntax(cancellationToken) is Microsoft.CodeAnalysis.CSharp.Syntax.VariableDeclaratorSyntax { Initializer.Value: Microsoft.CodeAnalysis.CSharp.Syntax.LiteralExpressionSyntax literal } &&
                    literal.Token.Value is string text)
                {
                    return text;
                }
            }

            return null;
        }

        /// <summary>
        /// PostgREST clients (postgrest-csharp, Supabase): <c>client.From&lt;Lead&gt;().Select("*")</c>, by the symbol of
        /// the library's <c>Table&lt;T&gt;</c> or <c>IPostgrestTable&lt;T&gt;</c>.
        /// </summary>
        private static void OnSelectCall(OperationAnalysisContext context, RetryableLazy<SqlSchema> schema, SF3001Symbols symbols)
        {
            var invocation = (IInvocationOperation)context.Operation;
            var method = invocation.TargetMethod;
            if (method.Name != "Select" || invocation.Arguments.Length == 0 || method.Parameters.Length == 0 ||
                method.Parameters[0].Type.SpecialType != SpecialType.System_String ||
                invocation.Arguments[0].Value.ConstantValue is not { HasValue: true, Value: string columns } ||
                !symbols.IsPostgrestTable(method.ContainingType))
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
    /// <summary>The symbols SF3001 and its fix need (see <see cref="RuleSymbols{TSelf}"/>); any may be null where the compilation lacks the type.</summary>
    internal sealed class SF3001Symbols : RuleSymbols<SF3001Symbols>
    {
        private SF3001Symbols(KnownTypes types)
            : base(types)
        {
        }

        public INamedTypeSymbol? DbCommand => Types.DbCommand;

        public INamedTypeSymbol? DbCommandInterface => Types.DbCommandInterface;

        public INamedTypeSymbol? DbBatchCommand => Types.DbBatchCommand;

        public INamedTypeSymbol? DbDataAdapter => Types.DbDataAdapter;

        public INamedTypeSymbol? DapperCommandDefinition => Types.DapperCommandDefinition;

        public INamedTypeSymbol? FormattableString => Types.FormattableString;

        /// <summary>postgrest-csharp's <c>Table&lt;T&gt;</c> or <c>IPostgrestTable&lt;T&gt;</c>, in its old (<c>Postgrest</c>) or new (<c>Supabase.Postgrest</c>) namespace; resolved on first use.</summary>
        public bool IsPostgrestTable(INamedTypeSymbol? type) =>
            type is not null &&
            (KnownTypes.Is(type, Types.PostgrestTable) || KnownTypes.Is(type, Types.PostgrestTableInterface) ||
             KnownTypes.Is(type, Types.SupabasePostgrestTable) || KnownTypes.Is(type, Types.SupabasePostgrestTableInterface));

        public INamedTypeSymbol? ColumnAttribute => Types.ColumnAttribute;

        public INamedTypeSymbol? DapperDefaultTypeMap => Types.DapperDefaultTypeMap;

        public INamedTypeSymbol? DapperSqlMapper => Types.DapperSqlMapper;

        public INamedTypeSymbol? EfRelationalDatabaseFacadeExtensions => Types.EfRelationalDatabaseFacadeExtensions;

        public INamedTypeSymbol? EfRelationalQueryableExtensions => Types.EfRelationalQueryableExtensions;

        public INamedTypeSymbol? NotMappedAttribute => Types.NotMappedAttribute;

        public static SF3001Symbols GetOrCreate(Compilation compilation) => GetOrCreate(compilation, static types => new SF3001Symbols(types));
    }
}
