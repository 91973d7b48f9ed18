using System;
using System.Collections.Generic;

namespace Steadfast.CodeFixes.Rules.SF3002
{
    /// <summary>
    /// The one SQL shape the SF3002 fix "Load all keys in one query" rewrites: a plain key look-up,
    /// <c>SELECT cols FROM table [alias] WHERE col = @p [ORDER BY cols] [;]</c>, where every select item is a column, a
    /// qualified column or a star (each column optionally aliased). Anything else (a join, a function, a parenthesis, a
    /// second predicate, <c>LIMIT</c>/<c>TOP</c>/<c>OFFSET</c>/<c>GROUP BY</c>/<c>DISTINCT</c>, a comment, a string
    /// literal) is not this shape: per key it could give other rows than the same query over <c>IN @keys</c> grouped by key.
    /// </summary>
    internal static class KeyLookupSql
    {
        private static readonly HashSet<string> Keywords = new(StringComparer.OrdinalIgnoreCase)
        {
            "SELECT", "FROM", "WHERE", "ORDER", "BY", "AS", "ASC", "DESC", "AND", "OR", "NOT", "IN", "LIMIT", "OFFSET", "TOP",
            "FETCH", "GROUP", "HAVING", "UNION", "JOIN", "ON", "DISTINCT", "INTO", "NULL", "IS", "LIKE", "EXISTS", "WITH", "ALL",
            "EXCEPT", "INTERSECT", "CASE", "WHEN", "BETWEEN", "LEFT", "RIGHT", "INNER", "OUTER", "CROSS", "NATURAL", "FOR",
            "UPDATE", "INSERT", "DELETE", "SET", "VALUES", "RETURNING", "OUTPUT", "USING", "WINDOW", "QUALIFY", "ROWS", "NEXT",
            "ONLY", "PERCENT", "TIES", "COLLATE", "ESCAPE", "GLOB", "REGEXP", "MATCH", "NULLS", "FIRST", "LAST",
        };

        /// <summary>The parsed look-up.</summary>
        internal sealed class LookUp
        {
            public LookUp(string keyColumn, string parameter, string resultName)
            {
                KeyColumn = keyColumn;
                Parameter = parameter;
                ResultName = resultName;
            }

            /// <summary>The column of the <c>WHERE</c> predicate (unqualified, unquoted).</summary>
            public string KeyColumn { get; }

            /// <summary>The parameter's name, without its prefix.</summary>
            public string Parameter { get; }

            /// <summary>The name the key column has in the result (its alias, else its own name): the member Dapper maps it to.</summary>
            public string ResultName { get; }
        }

        private enum Kind
        {
            Word,
            Quoted,
            Parameter,
            Comma,
            Dot,
            Equals,
            Star,
            Semicolon,
        }

        private readonly struct Token
        {
            public Token(Kind kind, string text)
            {
                Kind = kind;
                Text = text;
            }

            public Kind Kind { get; }

            public string Text { get; }
        }

        /// <summary>The look-up <paramref name="sql"/> is, or null when it is anything else.</summary>
        public static LookUp? Parse(string sql)
        {
            var tokens = Tokenize(sql);
            if (tokens is null)
            {
                return null;
            }

            var i = 0;
            if (!Keyword(tokens, ref i, "SELECT"))
            {
                return null;
            }

            // The select list: (star | column [AS alias]) separated by commas.
            var items = new List<(string? Qualifier, string? Column, string? Alias)>();
            while (true)
            {
                if (At(tokens, i, Kind.Star))
                {
                    i++;
                    items.Add((null, null, null));
                }
                else if (Name(tokens, ref i) is { } first)
                {
                    string? qualifier = null;
                    string? column = first;
                    if (At(tokens, i, Kind.Dot))
                    {
                        i++;
                        qualifier = first;
                        if (At(tokens, i, Kind.Star))
                        {
                            i++;
                            column = null;
                        }
                        else if ((column = Name(tokens, ref i)) is null)
                        {
                            return null;
                        }
                    }

                    string? alias = null;
                    if (column is not null)
                    {
                        var asKeyword = Keyword(tokens, ref i, "AS");
                        var before = i;
                        alias = Name(tokens, ref i);
                        if (asKeyword && alias is null)
                        {
                            return null;
                        }

                        if (alias is null)
                        {
                            i = before;
                        }
                    }

                    items.Add((qualifier, column, alias));
                }
                else
                {
                    return null;
                }

                if (!At(tokens, i, Kind.Comma))
                {
                    break;
                }

                i++;
            }

            // FROM table [AS] [alias]
            if (!Keyword(tokens, ref i, "FROM") || Name(tokens, ref i) is null)
            {
                return null;
            }

            while (At(tokens, i, Kind.Dot))
            {
                i++;
                if (Name(tokens, ref i) is null)
                {
                    return null;
                }
            }

            var tableAs = Keyword(tokens, ref i, "AS");
            var tableAlias = Name(tokens, ref i);
            if (tableAs && tableAlias is null)
            {
                return null;
            }

            // WHERE column = @p
            if (!Keyword(tokens, ref i, "WHERE") || Name(tokens, ref i) is not { } keyFirst)
            {
                return null;
            }

            string? keyQualifier = null;
            var keyColumn = keyFirst;
            if (At(tokens, i, Kind.Dot))
            {
                i++;
                keyQualifier = keyFirst;
                if (Name(tokens, ref i) is not { } qualified)
                {
                    return null;
                }

                keyColumn = qualified;
            }

            if (!At(tokens, i, Kind.Equals) || !At(tokens, i + 1, Kind.Parameter))
            {
                return null;
            }

            var parameter = tokens[i + 1].Text;
            i += 2;

            // [ORDER BY column [ASC|DESC], ...]
            if (Keyword(tokens, ref i, "ORDER"))
            {
                if (!Keyword(tokens, ref i, "BY"))
                {
                    return null;
                }

                do
                {
                    if (Name(tokens, ref i) is null)
                    {
                        return null;
                    }

                    if (At(tokens, i, Kind.Dot))
                    {
                        i++;
                        if (Name(tokens, ref i) is null)
                        {
                            return null;
                        }
                    }

                    _ = Keyword(tokens, ref i, "ASC") || Keyword(tokens, ref i, "DESC");
                }
                while (At(tokens, i, Kind.Comma) && ++i > 0);
            }

            if (At(tokens, i, Kind.Semicolon))
            {
                i++;
            }

            if (i != tokens.Count)
            {
                return null;
            }

            // The key column in the result: one select item names it (its alias, or its name), or a star brings it.
            string? resultName = null;
            var star = false;
            foreach (var (qualifier, column, alias) in items)
            {
                if (column is null)
                {
                    star |= qualifier is null || keyQualifier is null || Same(qualifier, keyQualifier);
                    continue;
                }

                if (Same(column, keyColumn) && (qualifier is null || keyQualifier is null || Same(qualifier, keyQualifier)))
                {
                    if (resultName is not null)
                    {
                        return null; // selected twice: which one maps is not obvious
                    }

                    resultName = alias ?? column;
                }
            }

            if (resultName is null && star && items.Count == 1)
            {
                resultName = keyColumn;
            }

            if (resultName is null)
            {
                return null;
            }

            // No other result column may carry the same name.
            var named = 0;
            foreach (var (_, column, alias) in items)
            {
                if ((alias ?? column) is { } name && Same(name, resultName))
                {
                    named++;
                }
            }

            return named > 1 ? null : new LookUp(keyColumn, parameter, resultName);
        }

        /// <summary>
        /// <paramref name="fragment"/> (a piece of the look-up's text) with its one <c>= @p</c> replaced by <c>IN @list</c>,
        /// or null when the fragment does not hold exactly one.
        /// </summary>
        public static string? ToInList(string fragment, string parameter, string list)
        {
            var equals = fragment.IndexOf('=');
            if (equals < 0 || fragment.IndexOf('=', equals + 1) >= 0)
            {
                return null;
            }

            var at = equals + 1;
            while (at < fragment.Length && char.IsWhiteSpace(fragment[at]))
            {
                at++;
            }

            if (at >= fragment.Length || fragment[at] != '@' || string.Compare(fragment, at + 1, parameter, 0, parameter.Length, StringComparison.Ordinal) != 0)
            {
                return null;
            }

            var end = at + 1 + parameter.Length;
            if (end < fragment.Length && IsNamePart(fragment[end]))
            {
                return null;
            }

            var start = equals;
            while (start > 0 && char.IsWhiteSpace(fragment[start - 1]))
            {
                start--;
            }

            return fragment.Substring(0, start) + " IN @" + list + fragment.Substring(end);
        }

        private static bool Same(string a, string b) => string.Equals(a, b, StringComparison.OrdinalIgnoreCase);

        private static bool At(List<Token> tokens, int i, Kind kind) => i < tokens.Count && tokens[i].Kind == kind;

        private static bool Keyword(List<Token> tokens, ref int i, string keyword)
        {
            if (i < tokens.Count && tokens[i].Kind == Kind.Word && Same(tokens[i].Text, keyword))
            {
                i++;
                return true;
            }

            return false;
        }

        /// <summary>An identifier that is not a keyword, or a quoted identifier; its text.</summary>
        private static string? Name(List<Token> tokens, ref int i)
        {
            if (i < tokens.Count && (tokens[i].Kind == Kind.Quoted || (tokens[i].Kind == Kind.Word && !Keywords.Contains(tokens[i].Text))))
            {
                return tokens[i++].Text;
            }

            return null;
        }

        private static bool IsNameStart(char c) => (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';

        private static bool IsNamePart(char c) => IsNameStart(c) || (c >= '0' && c <= '9');

        /// <summary>The tokens, or null on anything outside the look-up's small alphabet.</summary>
        private static List<Token>? Tokenize(string sql)
        {
            var tokens = new List<Token>();
            var i = 0;
            while (i < sql.Length)
            {
                var c = sql[i];
                if (char.IsWhiteSpace(c))
                {
                    i++;
                }
                else if (IsNameStart(c))
                {
                    var start = i;
                    while (i < sql.Length && IsNamePart(sql[i]))
                    {
                        i++;
                    }

                    tokens.Add(new Token(Kind.Word, sql.Substring(start, i - start)));
                }
                else if (c == '@')
                {
                    var start = ++i;
                    if (i >= sql.Length || !IsNameStart(sql[i]))
                    {
                        return null;
                    }

                    while (i < sql.Length && IsNamePart(sql[i]))
                    {
                        i++;
                    }

                    tokens.Add(new Token(Kind.Parameter, sql.Substring(start, i - start)));
                }
                else if (c is '"' or '[' or '`')
                {
                    var close = c == '[' ? ']' : c;
                    var start = ++i;
                    while (i < sql.Length && sql[i] != close)
                    {
                        if (!IsNamePart(sql[i]))
                        {
                            return null;
                        }

                        i++;
                    }

                    if (i >= sql.Length || i == start)
                    {
                        return null;
                    }

                    tokens.Add(new Token(Kind.Quoted, sql.Substring(start, i - start)));
                    i++;
                }
                else
                {
                    Kind kind;
                    switch (c)
                    {
                        case ',': kind = Kind.Comma; break;
                        case '.': kind = Kind.Dot; break;
                        case '=': kind = Kind.Equals; break;
                        case '*': kind = Kind.Star; break;
                        case ';': kind = Kind.Semicolon; break;
                        default: return null;
                    }

                    tokens.Add(new Token(kind, c.ToString()));
                    i++;
                }
            }

            return tokens;
        }
    }
}
