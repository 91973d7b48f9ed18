using System.Collections.Generic;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;
using Steadfast.Analyzers.Internal;

namespace Steadfast.Analyzers.Rules.SF3001
{
    /// <summary>
    /// Where SQL text goes: the database calls it reaches, traced from the text forward through what a reader of the code
    /// can see without running it — directly as the argument, through a local (every use of it in the same function,
    /// concatenations and interpolations of it included), through a field initialised with it (its uses in its own type,
    /// in the same file), and through a parameter of a method declared in the same file. Depth-limited; never a guess.
    /// </summary>
    /// <remarks>
    /// A database call, by symbol: any method of <c>Dapper.SqlMapper</c>, <c>new Dapper.CommandDefinition(...)</c>, EF
    /// Core's <c>RelationalQueryableExtensions</c>/<c>RelationalDatabaseFacadeExtensions</c> (<c>FromSqlRaw</c>,
    /// <c>FromSql</c>, <c>SqlQueryRaw</c>, <c>ExecuteSqlRaw</c>, ...), the constructor of any <c>DbCommand</c>,
    /// <c>IDbCommand</c> or <c>DbDataAdapter</c>, and an assignment to <c>CommandText</c> of an <c>IDbCommand</c> or a
    /// <c>DbBatchCommand</c>. The text must be the method's first string (or <c>FormattableString</c>) parameter: Dapper's
    /// <c>splitOn</c> is not SQL.
    /// </remarks>
    internal static class SqlSinks
    {
        private const int MaxDepth = 4;

        /// <summary>The database calls <paramref name="text"/> (a string expression) reaches; empty when none is seen.</summary>
        public static List<IOperation> Find(IOperation text, SF3001Symbols symbols, CancellationToken cancellationToken, bool firstOnly)
        {
            var sinks = new List<IOperation>();
            Reach(text, symbols, sinks, firstOnly, depth: 0, cancellationToken);
            return sinks;
        }

        /// <summary>The database call this use of a value is handed to directly, or null.</summary>
        public static IOperation? DirectSink(IOperation value, SF3001Symbols symbols)
        {
            var use = Up(value);
            switch (use.Parent)
            {
                case IArgumentOperation { Parameter: { } parameter, Parent: IInvocationOperation invocation } when IsSqlParameter(parameter, invocation.TargetMethod, symbols):
                    return IsDatabaseMethod(invocation.TargetMethod, symbols) ? invocation : null;
                case IArgumentOperation { Parameter: { } parameter, Parent: IObjectCreationOperation creation } when creation.Constructor is { } constructor && IsSqlParameter(parameter, constructor, symbols):
                    return IsCommandType(creation.Type, symbols) ? creation : null;
                case ISimpleAssignmentOperation { Target: IPropertyReferenceOperation { Property: { Name: "CommandText" } property } } assignment when ReferenceEquals(assignment.Value, use):
                    return IsCommandType(property.ContainingType, symbols) ? assignment : null;
                default:
                    return null;
            }
        }

        private static void Reach(IOperation text, SF3001Symbols symbols, List<IOperation> sinks, bool firstOnly, int depth, CancellationToken cancellationToken)
        {
            if (depth > MaxDepth || (firstOnly && sinks.Count > 0))
            {
                return;
            }

            cancellationToken.ThrowIfCancellationRequested();
            if (DirectSink(text, symbols) is { } sink)
            {
                sinks.Add(sink);
                return;
            }

            var use = Up(text);
            switch (use.Parent)
            {
                case IVariableInitializerOperation { Parent: IVariableDeclaratorOperation declarator }:
                    ReachLocal(declarator.Symbol, use, symbols, sinks, firstOnly, depth, cancellationToken);
                    break;
                case IVariableInitializerOperation { Parent: IVariableDeclarationOperation { Declarators: { Length: 1 } declarators } }:
                    ReachLocal(declarators[0].Symbol, use, symbols, sinks, firstOnly, depth, cancellationToken);
                    break;
                case ISimpleAssignmentOperation { Target: ILocalReferenceOperation target } assignment when ReferenceEquals(assignment.Value, use):
                    ReachLocal(target.Local, use, symbols, sinks, firstOnly, depth, cancellationToken);
                    break;
                case ICompoundAssignmentOperation { Target: ILocalReferenceOperation target } compound when ReferenceEquals(compound.Value, use):
                    ReachLocal(target.Local, use, symbols, sinks, firstOnly, depth, cancellationToken);
                    break;
                case IFieldInitializerOperation { InitializedFields: { Length: 1 } fields }:
                    ReachField(fields[0], use, symbols, sinks, firstOnly, depth, cancellationToken);
                    break;
                case IArgumentOperation { Parameter: { } parameter, Parent: IInvocationOperation invocation }:
                    ReachParameter(parameter, invocation.TargetMethod, use, symbols, sinks, firstOnly, depth, cancellationToken);
                    break;
            }
        }

        /// <summary>Every read of the local in the function it is declared in.</summary>
        private static void ReachLocal(ILocalSymbol local, IOperation from, SF3001Symbols symbols, List<IOperation> sinks, bool firstOnly, int depth, CancellationToken cancellationToken)
        {
            foreach (var op in OperationHelpers.Root(from).Descendants())
            {
                if (op is ILocalReferenceOperation reference && SymbolEqualityComparer.Default.Equals(reference.Local, local) && !IsWrittenTo(reference))
                {
                    if (TextAround(reference) is { } around)
                    {
                        Reach(around, symbols, sinks, firstOnly, depth + 1, cancellationToken);
                    }

                    if (firstOnly && sinks.Count > 0)
                    {
                        return;
                    }
                }
            }
        }

        /// <summary>
        /// Every read of the field in its own type's declarations in this file (a private or const field is seen whole; a
        /// use in another file or another type is judged where it is, see <see cref="IsSeenFromDeclaration"/>).
        /// </summary>
        private static void ReachField(IFieldSymbol field, IOperation from, SF3001Symbols symbols, List<IOperation> sinks, bool firstOnly, int depth, CancellationToken cancellationToken)
        {
            var model = from.SemanticModel;
            var tree = from.Syntax.SyntaxTree;
            if (model is null || field.ContainingType is null)
            {
                return;
            }

            foreach (var reference in field.ContainingType.DeclaringSyntaxReferences)
            {
                if (reference.SyntaxTree != tree)
                {
                    continue;
                }

                foreach (var node in reference.GetSyntax(cancellationToken).DescendantNodes())
                {
                    if (node is not IdentifierNameSyntax name || name.Identifier.ValueText != field.Name)
                    {
                        continue;
                    }

                    if (model.GetOperation(name, cancellationToken) is IFieldReferenceOperation use &&
                        SymbolEqualityComparer.Default.Equals(use.Field.OriginalDefinition, field.OriginalDefinition) && !IsWrittenTo(use))
                    {
                        if (TextAround(use) is { } around)
                        {
                            Reach(around, symbols, sinks, firstOnly, depth + 1, cancellationToken);
                        }

                        if (firstOnly && sinks.Count > 0)
                        {
                            return;
                        }
                    }
                }
            }
        }

        /// <summary>A helper declared in the same file (<c>Run(sql)</c> that calls <c>db.Query(sql)</c>): where its parameter goes.</summary>
        private static void ReachParameter(IParameterSymbol parameter, IMethodSymbol method, IOperation from, SF3001Symbols symbols, List<IOperation> sinks, bool firstOnly, int depth, CancellationToken cancellationToken)
        {
            var model = from.SemanticModel;
            var target = parameter.OriginalDefinition;
            if (model is null || parameter.RefKind != RefKind.None || parameter.IsParams)
            {
                return;
            }

            foreach (var reference in method.OriginalDefinition.DeclaringSyntaxReferences)
            {
                if (reference.SyntaxTree != from.Syntax.SyntaxTree)
                {
                    continue; // another file: its semantic model is not ours to ask for
                }

                if (model.GetOperation(reference.GetSyntax(cancellationToken), cancellationToken) is not { } body)
                {
                    continue;
                }

                foreach (var op in body.Descendants())
                {
                    if (op is IParameterReferenceOperation use && SymbolEqualityComparer.Default.Equals(use.Parameter.OriginalDefinition, target) && !IsWrittenTo(use))
                    {
                        if (TextAround(use) is { } around)
                        {
                            Reach(around, symbols, sinks, firstOnly, depth + 1, cancellationToken);
                        }

                        if (firstOnly && sinks.Count > 0)
                        {
                            return;
                        }
                    }
                }
            }
        }

        /// <summary>
        /// True when a use of <paramref name="field"/> at <paramref name="use"/> is one <see cref="ReachField"/> sees from the
        /// field's declaration (same file, inside the field's own type); other uses are judged at the use.
        /// </summary>
        public static bool IsSeenFromDeclaration(IFieldSymbol field, IOperation use)
        {
            foreach (var reference in field.OriginalDefinition.DeclaringSyntaxReferences)
            {
                if (reference.SyntaxTree != use.Syntax.SyntaxTree || field.ContainingType is null)
                {
                    continue;
                }

                foreach (var type in field.ContainingType.DeclaringSyntaxReferences)
                {
                    if (type.SyntaxTree == use.Syntax.SyntaxTree && type.Span.Contains(use.Syntax.Span))
                    {
                        return true;
                    }
                }
            }

            return false;
        }

        /// <summary>
        /// The string expression a value is part of: a concatenation or an interpolated string around it, or itself. Null
        /// when an interpolated string around it makes it a derived table whose outer select lists its columns
        /// (<c>$"SELECT w.id, w.name FROM ({inner}) w"</c>): what the star selects there is not what the query returns.
        /// </summary>
        private static IOperation? TextAround(IOperation value)
        {
            var current = value;
            for (var i = 0; i < 16; i++)
            {
                var top = SqlText.Top(current);
                if (top.Parent is IInterpolationOperation { Parent: IInterpolatedStringOperation interpolated } hole)
                {
                    if (IsDerivedTableWithListedColumns(interpolated, hole))
                    {
                        return null;
                    }

                    current = interpolated;
                    continue;
                }

                return top;
            }

            return current;
        }

        /// <summary>
        /// The hole is a derived table, <c>FROM (</c> or <c>JOIN (</c> before it and <c>)</c> after it, and the select it
        /// belongs to lists columns (no star between its SELECT and that FROM).
        /// </summary>
        private static bool IsDerivedTableWithListedColumns(IInterpolatedStringOperation interpolated, IInterpolationOperation hole)
        {
            var before = new System.Text.StringBuilder();
            var after = new System.Text.StringBuilder();
            var seen = false;
            foreach (var part in interpolated.Parts)
            {
                if (ReferenceEquals(part, hole))
                {
                    seen = true;
                    continue;
                }

                var text = part is IInterpolatedStringTextOperation { Text.ConstantValue: { HasValue: true, Value: string constant } } ? constant : " x ";
                (seen ? after : before).Append(text);
            }

            var head = before.ToString().TrimEnd();
            if (!head.EndsWith("(", System.StringComparison.Ordinal) || !after.ToString().TrimStart().StartsWith(")", System.StringComparison.Ordinal))
            {
                return false;
            }

            head = head.Substring(0, head.Length - 1).TrimEnd();
            var from = LastWord(head, "FROM");
            if (from < 0 || from + 4 != head.Length && LastWord(head, "JOIN") != head.Length - 4)
            {
                return false;
            }

            var select = LastWord(head, "SELECT");
            return select >= 0 && select < from && head.IndexOf('*', select, from - select) < 0;
        }

        /// <summary>Where the last whole word <paramref name="word"/> starts in <paramref name="text"/>, ignoring case; -1 when none.</summary>
        private static int LastWord(string text, string word)
        {
            for (var at = text.LastIndexOf(word, System.StringComparison.OrdinalIgnoreCase); at >= 0; at = at == 0 ? -1 : text.LastIndexOf(word, at - 1, System.StringComparison.OrdinalIgnoreCase))
            {
                var startOk = at == 0 || !char.IsLetterOrDigit(text[at - 1]) && text[at - 1] != '_';
                var end = at + word.Length;
                var endOk = end == text.Length || !char.IsLetterOrDigit(text[end]) && text[end] != '_';
                if (startOk && endOk)
                {
                    return at;
                }
            }

            return -1;
        }

        /// <summary>Above conversions, parentheses and the branches of <c>?:</c> and <c>??</c>: the operation that uses the value.</summary>
        private static IOperation Up(IOperation value)
        {
            var use = OperationHelpers.OutermostConversion(value);
            while (use.Parent is IConditionalOperation conditional && !ReferenceEquals(conditional.Condition, use) ||
                   use.Parent is ICoalesceOperation or IParenthesizedOperation)
            {
                use = OperationHelpers.OutermostConversion(use.Parent!);
            }

            return use;
        }

        private static bool IsWrittenTo(IOperation reference) =>
            reference.Parent is IAssignmentOperation assignment && ReferenceEquals(assignment.Target, reference) && assignment is not ICompoundAssignmentOperation;

        private static bool IsDatabaseMethod(IMethodSymbol method, SF3001Symbols symbols)
        {
            var declaring = (method.ReducedFrom ?? method).ContainingType;
            return KnownTypes.Is(declaring, symbols.DapperSqlMapper) ||
                   KnownTypes.Is(declaring, symbols.EfRelationalQueryableExtensions) ||
                   KnownTypes.Is(declaring, symbols.EfRelationalDatabaseFacadeExtensions);
        }

        /// <summary>The method's first parameter that takes text (a string or a <c>FormattableString</c>): where the SQL goes.</summary>
        private static bool IsSqlParameter(IParameterSymbol parameter, IMethodSymbol method, SF3001Symbols symbols)
        {
            foreach (var candidate in method.Parameters)
            {
                if (candidate.Type.SpecialType == SpecialType.System_String || KnownTypes.Is(candidate.Type, symbols.FormattableString))
                {
                    return candidate.Ordinal == parameter.Ordinal;
                }
            }

            return false;
        }

        /// <summary>A command (or command-like) type: DbCommand, IDbCommand, DbBatchCommand, DbDataAdapter, or Dapper's CommandDefinition.</summary>
        private static bool IsCommandType(ITypeSymbol? type, SF3001Symbols symbols)
        {
            if (type is null || type.TypeKind == TypeKind.Error)
            {
                return false;
            }

            if (KnownTypes.DerivesFrom(type, symbols.DbCommand) || KnownTypes.DerivesFrom(type, symbols.DbBatchCommand) ||
                KnownTypes.DerivesFrom(type, symbols.DbDataAdapter) || KnownTypes.Is(type, symbols.DapperCommandDefinition) ||
                KnownTypes.Is(type, symbols.DbCommandInterface))
            {
                return true;
            }

            return KnownTypes.Implements(type, symbols.DbCommandInterface);
        }
    }
}
