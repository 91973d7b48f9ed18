using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace Steadfast.Analyzers.Rules.SF3001
{
    /// <summary>
    /// Tables and their columns from the <c>.sql</c> files handed to the compiler as AdditionalFiles: <c>CREATE TABLE</c>
    /// statements, then <c>ALTER TABLE [IF EXISTS] [ONLY] t ADD/DROP [COLUMN] [IF [NOT] EXISTS] c, ...</c> in file order,
    /// as migrations hold them.
    /// </summary>
    internal sealed class SqlSchema
    {
        private static readonly string[] SecretWords = { "password", "passwd", "secret", "token", "api_key", "apikey", "hash", "salt", "encrypted", "private_key", "credential" };

        private readonly Dictionary<string, List<string>> _tables = new Dictionary<string, List<string>>(StringComparer.OrdinalIgnoreCase);

        public static SqlSchema Empty { get; } = new SqlSchema();

        public bool IsEmpty => _tables.Count == 0;

        public IReadOnlyList<string>? Columns(string? table) => table is not null && _tables.TryGetValue(table, out var columns) ? columns : null;

        public static SqlSchema From(ImmutableArray<AdditionalText> files, CancellationToken cancellationToken)
        {
            var schema = new SqlSchema();
            var sorted = new List<AdditionalText>();
            foreach (var file in files)
            {
                if (file.Path.EndsWith(".sql", StringComparison.OrdinalIgnoreCase))
                {
                    sorted.Add(file);
                }
            }

            sorted.Sort((a, b) => string.CompareOrdinal(a.Path, b.Path)); // migrations apply in name order
            foreach (var file in sorted)
            {
                if (file.GetText(cancellationToken)?.ToString() is { } text)
                {
                    schema.Read(text);
                }
            }

            return schema;
        }

        public static SqlSchema From(string text)
        {
            var schema = new SqlSchema();
            schema.Read(text);
            return schema;
        }

        /// <summary>The first column whose name looks secret (password, token, api_key, hash, salt, encrypted...).</summary>
        public static string? SecretLooking(IReadOnlyList<string>? columns)
        {
            if (columns is null)
            {
                return null;
            }

            foreach (var column in columns)
            {
                foreach (var word in SecretWords)
                {
                    if (column.IndexOf(word, StringComparison.OrdinalIgnoreCase) >= 0)
                    {
                        return column;
                    }
                }
            }

            return null;
        }

        private void Read(string text)
        {
            var words = Words(text);
            for (var i = 0; i < words.Count; i++)
            {
                if (Is(words, i, "CREATE") && Next(words, ref i, "TABLE"))
                {
                    i++;
                    if (Is(words, i, "IF") && Is(words, i + 1, "NOT") && Is(words, i + 2, "EXISTS"))
                    {
                        i += 3;
                    }

                    var (name, afterName) = Name(words, i);
                    if (name is null || afterName >= words.Count || words[afterName] != "(")
                    {
                        continue;
                    }

                    var columns = new List<string>();
                    var depth = 0;
                    var itemStart = true;
                    for (var j = afterName; j < words.Count; j++)
                    {
                        var word = words[j];
                        if (word == "(")
                        {
                            depth++;
                            continue;
                        }

                        if (word == ")")
                        {
                            depth--;
                            if (depth == 0)
                            {
                                i = j;
                                break;
                            }

                            continue;
                        }

                        if (depth == 1 && word == ",")
                        {
                            itemStart = true;
                            continue;
                        }

                        if (depth == 1 && itemStart)
                        {
                            itemStart = false;
                            if (!IsConstraintWord(word))
                            {
                                columns.Add(SqlStar.Unquote(word));
                            }
                        }
                    }

                    _tables[name] = columns;
                }
                else if (Is(words, i, "ALTER") && Next(words, ref i, "TABLE"))
                {
                    i = Alter(words, i + 1);
                }
            }
        }

        /// <summary>
        /// <c>ALTER TABLE [IF EXISTS] [ONLY] t action, action, ...</c> from <paramref name="i"/> (after <c>TABLE</c>): each
        /// action <c>ADD [COLUMN] [IF NOT EXISTS] c ...</c> or <c>DROP [COLUMN] [IF EXISTS] c</c> (others, such as
        /// <c>ALTER COLUMN</c> and <c>RENAME</c>, leave the columns as they were);
        /// SQL Server's <c>ADD a int, b text</c> and <c>DROP COLUMN a, b</c> list several columns after one keyword. Returns
        /// where the statement ends.
        /// </summary>
        private int Alter(List<string> words, int i)
        {
            if (Is(words, i, "IF") && Is(words, i + 1, "EXISTS"))
            {
                i += 2;
            }

            if (Is(words, i, "ONLY"))
            {
                i++;
            }

            var (name, k) = Name(words, i);
            if (name is null || !_tables.TryGetValue(name, out var columns))
            {
                return k - 1;
            }

            string? action = null;
            var depth = 0;
            var itemStart = true;
            for (; k < words.Count; k++)
            {
                var word = words[k];
                if (word == "(")
                {
                    depth++;
                    continue;
                }

                if (word == ")")
                {
                    depth = Math.Max(0, depth - 1);
                    continue;
                }

                if (depth > 0)
                {
                    continue;
                }

                if (word == ";" || (!itemStart && (Is(words, k, "ALTER") || Is(words, k, "CREATE") || Is(words, k, "GO"))))
                {
                    break;
                }

                if (word == ",")
                {
                    itemStart = true;
                    continue;
                }

                if (!itemStart)
                {
                    continue;
                }

                itemStart = false;
                var at = k;
                if (Is(words, at, "ADD") || Is(words, at, "DROP") || Is(words, at, "RENAME") || Is(words, at, "ALTER") || Is(words, at, "MODIFY") || Is(words, at, "CHANGE"))
                {
                    action = words[at].ToUpperInvariant();
                    at++;
                }
                else if (action is not "ADD" and not "DROP")
                {
                    continue; // a comma-separated item of an action that does not list columns
                }

                if (Is(words, at, "COLUMN"))
                {
                    at++;
                }

                var ifNotExists = false;
                if (Is(words, at, "IF") && Is(words, at + 1, "NOT") && Is(words, at + 2, "EXISTS"))
                {
                    at += 3;
                    ifNotExists = true;
                }
                else if (Is(words, at, "IF") && Is(words, at + 1, "EXISTS"))
                {
                    at += 2;
                }

                if (at >= words.Count || words[at] is "(" or ")" or "," or ";" || IsConstraintWord(words[at]))
                {
                    k = at - 1;
                    continue;
                }

                var column = SqlStar.Unquote(words[at]);
                switch (action)
                {
                    case "ADD":
                        if (!ifNotExists || !columns.Exists(c => string.Equals(c, column, StringComparison.OrdinalIgnoreCase)))
                        {
                            columns.Add(column);
                        }

                        break;
                    case "DROP":
                        columns.RemoveAll(c => string.Equals(c, column, StringComparison.OrdinalIgnoreCase));
                        break;
                }

                k = at;
            }

            return k;
        }

        private static bool IsConstraintWord(string word) =>
            word.Equals("CONSTRAINT", StringComparison.OrdinalIgnoreCase) || word.Equals("PRIMARY", StringComparison.OrdinalIgnoreCase) ||
            word.Equals("FOREIGN", StringComparison.OrdinalIgnoreCase) || word.Equals("UNIQUE", StringComparison.OrdinalIgnoreCase) ||
            word.Equals("CHECK", StringComparison.OrdinalIgnoreCase) || word.Equals("KEY", StringComparison.OrdinalIgnoreCase) ||
            word.Equals("INDEX", StringComparison.OrdinalIgnoreCase) || word.Equals("EXCLUDE", StringComparison.OrdinalIgnoreCase);

        private static bool Is(List<string> words, int i, string keyword) => i >= 0 && i < words.Count && words[i].Equals(keyword, StringComparison.OrdinalIgnoreCase);

        private static bool Next(List<string> words, ref int i, string keyword)
        {
            var j = i + 1;
            while (Is(words, j, "TEMP") || Is(words, j, "TEMPORARY") || Is(words, j, "UNLOGGED"))
            {
                j++;
            }

            if (!Is(words, j, keyword))
            {
                return false;
            }

            i = j;
            return true;
        }

        /// <summary>A possibly schema-qualified, possibly quoted name: the last part.</summary>
        private static (string? Name, int Next) Name(List<string> words, int i)
        {
            if (i >= words.Count || words[i] is "(" or ")" or "," or ";")
            {
                return (null, i);
            }

            var name = SqlStar.Unquote(words[i]);
            i++;
            while (i + 1 < words.Count && words[i] == ".")
            {
                name = SqlStar.Unquote(words[i + 1]);
                i += 2;
            }

            return (name, i);
        }

        /// <summary>Words, quoted names, and the punctuation that matters; comments and string literals dropped.</summary>
        private static List<string> Words(string text)
        {
            var words = new List<string>();
            var i = 0;
            while (i < text.Length)
            {
                var afterTrivia = SqlStar.SkipTrivia(text, i);
                if (afterTrivia > i)
                {
                    i = afterTrivia;
                    continue;
                }

                var c = text[i];
                if (c == '\'')
                {
                    i = SqlStar.SkipQuoted(text, i, '\'');
                }
                else if (c == '"' || c == '`' || c == '[')
                {
                    var close = c == '[' ? ']' : c;
                    var end = text.IndexOf(close, i + 1);
                    end = end < 0 ? text.Length - 1 : end;
                    words.Add(text.Substring(i, end - i + 1));
                    i = end + 1;
                }
                else if (char.IsLetterOrDigit(c) || c == '_')
                {
                    var start = i;
                    while (i < text.Length && (char.IsLetterOrDigit(text[i]) || text[i] == '_'))
                    {
                        i++;
                    }

                    words.Add(text.Substring(start, i - start));
                }
                else
                {
                    if (c is '(' or ')' or ',' or '.' or ';')
                    {
                        words.Add(c.ToString());
                    }

                    i++;
                }
            }

            return words;
        }
    }
}
