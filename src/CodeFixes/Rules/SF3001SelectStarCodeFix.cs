using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Composition;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;
using Steadfast.Analyzers;
using Steadfast.Analyzers.Internal;
using Steadfast.Analyzers.Rules;
using Steadfast.Analyzers.Rules.SF3001;
using Steadfast.CodeFixes.Internal;

namespace Steadfast.CodeFixes.Rules
{
    /// <summary>
    /// SF3001 fix: the star becomes the columns the code actually uses — the mapped type's properties (Dapper
    /// <c>Query&lt;T&gt;</c>, EF Core <c>FromSqlRaw</c>), the names an ADO.NET reader reads, or the table's columns from the
    /// <c>.sql</c> schema files — and only when they can be known. The rest of the text, its quoting and holes stay as written.
    /// </summary>
    [ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(SF3001SelectStarCodeFix)), Shared]
    public sealed class SF3001SelectStarCodeFix : PlannedCodeFixProvider
    {
        public const string ExplicitColumnsKey = "SF3001.ExplicitColumns";

        private static readonly (string Key, string Title)[] Offered = { (ExplicitColumnsKey, "Select explicit columns") };

        public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(DiagnosticIds.SelectStar);

        protected override IEnumerable<(string Key, string Title)> Fixes(Diagnostic diagnostic) => Offered;

        protected override async Task<(SyntaxNode Target, SyntaxNode Replacement)?> PlanAsync(
            Document document, SyntaxNode node, Diagnostic diagnostic, string key, bool verify, CancellationToken cancellationToken)
        {
            var model = await document.GetSemanticModelAsync(cancellationToken).ConfigureAwait(false);
            node = node is ArgumentSyntax argument ? argument.Expression : node; // a string that is a whole argument shares its span
            if (key != ExplicitColumnsKey || model is null || node is not ExpressionSyntax expression || model.GetOperation(expression, cancellationToken) is not { } top)
            {
                return null;
            }

            var types = SF3001Symbols.GetOrCreate(model.Compilation);
            var schema = await SchemaAsync(document, cancellationToken).ConfigureAwait(false);
            var snake = await SnakeCaseAsync(document, model.Compilation, cancellationToken).ConfigureAwait(false);
            if (SharedBeyondSight(top))
            {
                return null; // a field others may read too: an edit here would change text we cannot see
            }

            var sinks = SqlSinks.Find(top, types, cancellationToken, firstOnly: false);
            var (text, pieces) = SqlText.Build(top);

            var edits = new List<(int Position, string Text)>();
            var stars = SqlStar.Find(text);
            if (stars.Count == 0)
            {
                // PostgREST-style .Select("*"): the columns of From<T>()'s T.
                if (top is ILiteralOperation && top.Parent is IArgumentOperation { Parent: IInvocationOperation { TargetMethod.Name: "Select", Instance: IInvocationOperation { TargetMethod: { Name: "From", TypeArguments.Length: 1 } from } } } &&
                    MappedColumns(from.TypeArguments[0], snake, types) is { Count: > 0 } mapped && pieces.Count == 1 && pieces[0].Value.Trim() == "*" && pieces[0].Source is LiteralExpressionSyntax literal)
                {
                    edits.Add((literal.Token.SpanStart + literal.Token.Text.IndexOf('*'), string.Join(",", mapped)));
                }
            }

            foreach (var star in stars)
            {
                var columns = Columns(star, sinks, schema, snake, types, model, cancellationToken);
                if (columns is null || columns.Count == 0 || columns.Any(c => !IsPlainIdentifier(c)) || Position(star.Offset, pieces) is not { } position)
                {
                    return null; // never invent a column
                }

                var list = star.Qualifier is null
                    ? string.Join(", ", columns)
                    : columns[0] + string.Concat(columns.Skip(1).Select(c => ", " + RawQualifier(text, star) + "." + c));
                edits.Add((position, list));
            }

            if (edits.Count == 0)
            {
                return null;
            }

            // Token by token: each string token that holds a star is rebuilt with the columns in place of the star, in its
            // text and in its value alike, keeping its kind (regular, verbatim, raw, interpolated text) and trivia.
            var tokens = new Dictionary<SyntaxToken, SyntaxToken>();
            foreach (var group in edits.GroupBy(e => expression.FindToken(e.Position)))
            {
                var token = group.Key;
                if (!token.IsKind(SyntaxKind.StringLiteralToken) && !token.IsKind(SyntaxKind.InterpolatedStringTextToken) &&
                    !token.IsKind(SyntaxKind.SingleLineRawStringLiteralToken) && !token.IsKind(SyntaxKind.MultiLineRawStringLiteralToken))
                {
                    return null;
                }

                var tokenText = token.Text;
                var value = token.ValueText;
                foreach (var (position, replacement) in group.OrderByDescending(e => e.Position))
                {
                    var inText = position - token.SpanStart;
                    var star = tokenText.Take(inText).Count(c => c == '*'); // stars are never escaped: the same one in the value
                    var inValue = NthIndexOf(value, '*', star);
                    if (inValue < 0)
                    {
                        return null;
                    }

                    tokenText = tokenText.Remove(inText, 1).Insert(inText, replacement);
                    value = value.Remove(inValue, 1).Insert(inValue, replacement);
                }

                tokens[token] = SyntaxFactory.Token(token.LeadingTrivia, token.Kind(), tokenText, value, token.TrailingTrivia);
            }

            var rewritten = expression.ReplaceTokens(tokens.Keys, (original, _) => tokens[original]);
            return !verify || await FixVerifier.AddsNoErrorAsync(document, expression, rewritten, cancellationToken).ConfigureAwait(false) ? (expression, rewritten) : null;
        }

        private static int NthIndexOf(string text, char c, int n)
        {
            var index = -1;
            for (var i = 0; i <= n; i++)
            {
                index = text.IndexOf(c, index + 1);
                if (index < 0)
                {
                    return -1;
                }
            }

            return index;
        }

        /// <summary>Where the star at <paramref name="offset"/> of the SQL text is in the source: the same-numbered '*' of its literal.</summary>
        private static int? Position(int offset, List<SqlPiece> pieces)
        {
            foreach (var piece in pieces)
            {
                if (offset < piece.Start || offset >= piece.Start + piece.Value.Length)
                {
                    continue;
                }

                var token = piece.Source switch
                {
                    LiteralExpressionSyntax literal => literal.Token,
                    InterpolatedStringTextSyntax part => part.TextToken,
                    _ => default,
                };

                if (token == default)
                {
                    return null; // a constant declared elsewhere: not edited here
                }

                var index = piece.Value.Substring(0, offset - piece.Start).Count(c => c == '*');
                var position = -1;
                for (var i = 0; i <= index; i++)
                {
                    position = token.Text.IndexOf('*', position + 1);
                    if (position < 0)
                    {
                        return null;
                    }
                }

                return token.SpanStart + position;
            }

            return null;
        }

        /// <summary>The <c>t</c> of <c>t.*</c> as written (quotes kept), to prefix the other columns with.</summary>
        private static string RawQualifier(string text, StarProjection star)
        {
            var end = star.Offset - 1; // the dot
            var start = end;
            while (start > 0 && !char.IsWhiteSpace(text[start - 1]) && text[start - 1] != ',' && text[start - 1] != '(')
            {
                start--;
            }

            return text.Substring(start, end - start);
        }

        /// <summary>
        /// The columns for <paramref name="star"/>: the same for every database call the text reaches (a constant used by
        /// two queries mapped to different types has no one answer, so none), else null.
        /// </summary>
        private static List<string>? Columns(StarProjection star, List<IOperation> sinks, SqlSchema schema, bool snake, SF3001Symbols types, SemanticModel model, CancellationToken cancellationToken)
        {
            if (sinks.Count <= 1)
            {
                return ColumnsFor(star, sinks.Count == 0 ? null : sinks[0], schema, snake, types, model, cancellationToken);
            }

            List<string>? agreed = null;
            foreach (var sink in sinks)
            {
                var columns = ColumnsFor(star, sink, schema, snake, types, model, cancellationToken);
                if (columns is null || (agreed is not null && !agreed.SequenceEqual(columns, StringComparer.Ordinal)))
                {
                    return null;
                }

                agreed = columns;
            }

            return agreed;
        }

        private static List<string>? ColumnsFor(StarProjection star, IOperation? sink, SqlSchema schema, bool snake, SF3001Symbols types, SemanticModel model, CancellationToken cancellationToken)
        {
            var tableColumns = schema.Columns(star.Table);
            if (star.TableCount == 1 && sink is not null)
            {
                if (MappedType(sink, types) is { } mappedType && MappedColumns(mappedType, snake, types) is { Count: > 0 } mapped)
                {
                    // With the schema at hand, keep only columns the table has (a computed property is not a column).
                    return tableColumns is null ? mapped : mapped.Where(c => tableColumns.Contains(c, StringComparer.OrdinalIgnoreCase)).ToList();
                }

                if (ReaderColumns(sink, model, cancellationToken) is { Count: > 0 } read)
                {
                    return read;
                }
            }

            return tableColumns?.ToList();
        }

        /// <summary>
        /// The text initialises a field that code out of the fix's sight may read: anything but a private field (a private
        /// field's every use is inside its type, where <see cref="SqlSinks"/> looks), or a field of a type declared in
        /// several files (uses in the other files are not traced).
        /// </summary>
        private static bool SharedBeyondSight(IOperation top)
        {
            if (OperationHelpers.OutermostConversion(top).Parent is not IFieldInitializerOperation { InitializedFields: var fields })
            {
                return false;
            }

            foreach (var field in fields)
            {
                if (field.DeclaredAccessibility != Accessibility.Private || field.ContainingType is null || field.ContainingType.DeclaringSyntaxReferences.Length != 1)
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>Dapper's <c>Query&lt;T&gt;</c> family (one type argument), EF Core's <c>FromSqlRaw</c>/<c>SqlQueryRaw&lt;T&gt;</c>: the T.</summary>
        private static ITypeSymbol? MappedType(IOperation sink, SF3001Symbols types)
        {
            if (sink is not IInvocationOperation { TargetMethod: var method })
            {
                return null;
            }

            var declaring = (method.ReducedFrom ?? method).ContainingType;
            if (KnownTypes.Is(declaring, types.DapperSqlMapper) && method.Name.StartsWith("Query", StringComparison.Ordinal) && method.TypeArguments.Length == 1 && !method.Name.StartsWith("QueryMultiple", StringComparison.Ordinal))
            {
                return method.TypeArguments[0];
            }

            if ((KnownTypes.Is(declaring, types.EfRelationalQueryableExtensions) || KnownTypes.Is(declaring, types.EfRelationalDatabaseFacadeExtensions)) &&
                method.Name is "FromSqlRaw" or "FromSql" or "FromSqlInterpolated" or "SqlQueryRaw" or "SqlQuery" &&
                method.ReturnType is INamedTypeSymbol { TypeArguments.Length: 1 } returned)
            {
                return returned.TypeArguments[0];
            }

            return null;
        }

        /// <summary>A mapped type's columns: public settable (or init) properties and constructor parameters, <c>[Column]</c> and <c>[NotMapped]</c> honoured.</summary>
        private static List<string>? MappedColumns(ITypeSymbol type, bool snake, SF3001Symbols types)
        {
            if (type is not INamedTypeSymbol { TypeKind: TypeKind.Class or TypeKind.Struct } named || type.SpecialType != SpecialType.None ||
                named.ContainingNamespace?.ToDisplayString().StartsWith("System", StringComparison.Ordinal) == true)
            {
                return null; // Query<string>, Query<int>, Query<dynamic>: nothing to map
            }

            var constructorParameters = new HashSet<string>(
                named.InstanceConstructors.Where(c => c.DeclaredAccessibility == Accessibility.Public).SelectMany(c => c.Parameters).Select(p => p.Name),
                StringComparer.OrdinalIgnoreCase);
            var columns = new List<string>();
            foreach (var property in named.GetMembers().OfType<IPropertySymbol>())
            {
                if (property.IsStatic || property.IsIndexer || property.DeclaredAccessibility != Accessibility.Public || property.IsImplicitlyDeclared ||
                    property.Name == "EqualityContract" ||
                    !(property.SetMethod is { DeclaredAccessibility: Accessibility.Public } || constructorParameters.Contains(property.Name)))
                {
                    continue;
                }

                var attributes = property.GetAttributes();
                if (attributes.Any(a => KnownTypes.Is(a.AttributeClass, types.NotMappedAttribute)))
                {
                    continue;
                }

                var column = attributes.FirstOrDefault(a => KnownTypes.Is(a.AttributeClass, types.ColumnAttribute))?.ConstructorArguments.FirstOrDefault().Value as string;
                columns.Add(column ?? (snake ? SqlStar.SnakeCase(property.Name) : property.Name));
            }

            return columns;
        }

        /// <summary>The columns an ADO.NET reader of this command reads, in order; null when any read is by position.</summary>
        private static List<string>? ReaderColumns(IOperation sink, SemanticModel model, CancellationToken cancellationToken)
        {
            ISymbol? command = sink switch
            {
                ISimpleAssignmentOperation { Target: IPropertyReferenceOperation { Instance: ILocalReferenceOperation local } } => local.Local,
                IObjectCreationOperation { Parent: IVariableInitializerOperation { Parent: IVariableDeclaratorOperation declarator } } => declarator.Symbol,
                _ => null,
            };

            var root = OperationHelpers.Root(sink);
            ILocalSymbol? reader = null;
            foreach (var declarator in root.Descendants().OfType<IVariableDeclaratorOperation>())
            {
                var value = OperationHelpers.InitialValue(declarator);
                while (value is IAwaitOperation or IConversionOperation)
                {
                    value = value is IAwaitOperation awaited ? awaited.Operation : ((IConversionOperation)value).Operand;
                }

                if (value is IInvocationOperation { TargetMethod.Name: "ExecuteReader" or "ExecuteReaderAsync" } execute &&
                    ((command is not null && execute.Instance is ILocalReferenceOperation on && SymbolEqualityComparer.Default.Equals(on.Local, command)) || ReferenceEquals(execute, sink)))
                {
                    reader = declarator.Symbol;
                }
            }

            if (reader is null)
            {
                return null;
            }

            var columns = new List<string>();
            foreach (var use in root.Descendants().OfType<ILocalReferenceOperation>().Where(r => SymbolEqualityComparer.Default.Equals(r.Local, reader)))
            {
                switch (use.Parent)
                {
                    case IPropertyReferenceOperation { Property.IsIndexer: true } indexer:
                        if (indexer.Arguments.FirstOrDefault()?.Value.ConstantValue is { HasValue: true, Value: string name })
                        {
                            Add(columns, name);
                            break;
                        }

                        return null; // reader[0]
                    case IInvocationOperation call when call.Instance == use:
                        if (call.TargetMethod.Name is "Read" or "ReadAsync" or "Close" or "Dispose" or "DisposeAsync" or "NextResult" or "NextResultAsync" or "IsDBNull" or "IsDBNullAsync" && call.Arguments.Length == 0)
                        {
                            break;
                        }

                        if (call.Arguments.Length == 1 && call.Arguments[0].Value.ConstantValue is { HasValue: true, Value: string named })
                        {
                            Add(columns, named); // GetOrdinal("x"), GetFieldValue<T>("x")
                            break;
                        }

                        if (call.Arguments.Length == 1 && call.Arguments[0].Value is IInvocationOperation { TargetMethod.Name: "GetOrdinal" })
                        {
                            break; // GetString(reader.GetOrdinal("x")): counted at GetOrdinal
                        }

                        if (call.Arguments.Length == 0 && call.TargetMethod.Name is "Read" or "ReadAsync")
                        {
                            break;
                        }

                        return null; // GetString(0), GetValues(...): by position
                    case IPropertyReferenceOperation { Property.Name: "HasRows" or "IsClosed" }:
                    case IUsingOperation:
                    case IUsingDeclarationOperation:
                        break;
                    default:
                        if (use.Parent is IVariableInitializerOperation or IInvocationOperation { TargetMethod.Name: "Dispose" or "DisposeAsync" })
                        {
                            break;
                        }

                        return null; // handed elsewhere: reads we cannot see
                }
            }

            return columns;

            static void Add(List<string> columns, string name)
            {
                if (!columns.Contains(name, StringComparer.OrdinalIgnoreCase))
                {
                    columns.Add(name);
                }
            }
        }

        // ------------------------------------------------------------------ naming and schema

        private static async Task<bool> SnakeCaseAsync(Document document, Compilation compilation, CancellationToken cancellationToken)
        {
            var tree = await document.GetSyntaxTreeAsync(cancellationToken).ConfigureAwait(false);
            if (tree is not null && SF3001SelectStarAnalyzer.ColumnNaming.TryRead(document.Project.AnalyzerOptions.AnalyzerConfigOptionsProvider.GetOptions(tree), out var naming))
            {
                return naming == SF3001SelectStarAnalyzer.ColumnNamingStyle.SnakeCase;
            }

            // Dapper's DefaultTypeMap.MatchNamesWithUnderscores = true anywhere in the compilation: found once per compilation.
            // A cancelled search is not cached: the next request searches again.
            if (MatchNamesWithUnderscores.TryGetValue(compilation, out var known))
            {
                return known.Value;
            }

            var found = await FindMatchNamesWithUnderscoresAsync(compilation, cancellationToken).ConfigureAwait(false);
            return MatchNamesWithUnderscores.GetValue(compilation, _ => new System.Runtime.CompilerServices.StrongBox<bool>(found)).Value;
        }

        private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<Compilation, System.Runtime.CompilerServices.StrongBox<bool>> MatchNamesWithUnderscores =
            new System.Runtime.CompilerServices.ConditionalWeakTable<Compilation, System.Runtime.CompilerServices.StrongBox<bool>>();

        /// <summary>An assignment of <c>true</c> to <c>Dapper.DefaultTypeMap.MatchNamesWithUnderscores</c>: identifiers of that name first (syntax), then the symbol.</summary>
        private static async Task<bool> FindMatchNamesWithUnderscoresAsync(Compilation compilation, CancellationToken cancellationToken)
        {
            var types = SF3001Symbols.GetOrCreate(compilation);
            if (types.DapperDefaultTypeMap?.GetMembers("MatchNamesWithUnderscores").FirstOrDefault() is not IPropertySymbol property)
            {
                return false;
            }

            foreach (var tree in compilation.SyntaxTrees)
            {
                var root = await tree.GetRootAsync(cancellationToken).ConfigureAwait(false);
                SemanticModel? model = null;
                foreach (var name in root.DescendantNodes().OfType<IdentifierNameSyntax>())
                {
                    if (name.Identifier.ValueText != property.Name ||
                        name.FirstAncestorOrSelf<AssignmentExpressionSyntax>() is not { Left: var left, Right: var right } ||
                        !left.Span.Contains(name.Span))
                    {
                        continue;
                    }

                    model ??= compilation.GetSemanticModel(tree);
                    if (SymbolEqualityComparer.Default.Equals(model.GetSymbolInfo(left, cancellationToken).Symbol, property) &&
                        model.GetConstantValue(right, cancellationToken) is { HasValue: true, Value: true })
                    {
                        return true;
                    }
                }
            }

            return false;
        }

        private static async Task<SqlSchema> SchemaAsync(Document document, CancellationToken cancellationToken)
        {
            var text = new System.Text.StringBuilder();
            foreach (var additional in document.Project.AdditionalDocuments.Where(d => d.FilePath?.EndsWith(".sql", StringComparison.OrdinalIgnoreCase) == true).OrderBy(d => d.FilePath, StringComparer.Ordinal))
            {
                text.AppendLine((await additional.GetTextAsync(cancellationToken).ConfigureAwait(false)).ToString()).AppendLine(";");
            }

            return SqlSchema.From(text.ToString());
        }

        private static bool IsPlainIdentifier(string name) =>
            name.Length > 0 && (char.IsLetter(name[0]) || name[0] == '_') && name.All(c => char.IsLetterOrDigit(c) || c == '_');
    }
}
