using System;
using System.Collections.Generic;
using System.Text;

namespace Steadfast.Analyzers.Rules.SF3001
{
    /// <summary>One star projection found in SQL text.</summary>
    internal readonly struct StarProjection
    {
        public StarProjection(int offset, string? qualifier, string? table, int tableCount)
        {
            Offset = offset;
            Qualifier = qualifier;
            Table = table;
            TableCount = tableCount;
        }

        /// <summary>Where the <c>*</c> is in the text.</summary>
        public int Offset { get; }

        /// <summary>The <c>t</c> of <c>t.*</c>; null for a bare <c>*</c>.</summary>
        public string? Qualifier { get; }

        /// <summary>The table the star reads: the qualifier's table, or the only table of the FROM clause; null when not known.</summary>
        public string? Table { get; }

        /// <summary>How many tables the FROM clause names (joins count).</summary>
        public int TableCount { get; }
    }

    /// <summary>
    /// A small SQL reader, enough to find star projections: comments and quoted text are skipped, parentheses tracked,
    /// and a <c>SELECT</c> counts only when its list is followed by <c>FROM</c> at the same depth (so "select * to pick
    /// all" is prose). Not flagged: <c>COUNT(*)</c> (inside parentheses), <c>EXISTS (SELECT * ...)</c>, and a star over a
    /// derived table whose own select list is explicit.
    /// </summary>
    internal static class SqlStar
    {
        private enum Kind
        {
            Word,
            Quoted,
            Star,
            Comma,
            Dot,
            Open,
            Close,
            Other,
        }

        private readonly struct Token
        {
            public Token(Kind kind, string text, int offset, int depth)
            {
                Kind = kind;
                Text = text;
                Offset = offset;
                Depth = depth;
            }

            public Kind Kind { get; }

            public string Text { get; }

            public int Offset { get; }

            public int Depth { get; }

            public bool Is(string keyword) => Kind == Kind.Word && string.Equals(Text, keyword, StringComparison.OrdinalIgnoreCase);
        }

        /// <summary>Quick test before any tokenizing: a star and the word SELECT.</summary>
        public static bool MayHaveStar(string text) =>
            text.IndexOf('*') >= 0 && text.IndexOf("select", StringComparison.OrdinalIgnoreCase) >= 0;

        public static List<StarProjection> Find(string text)
        {
            var result = new List<StarProjection>();
            if (!MayHaveStar(text))
            {
                return result;
            }

            var tokens = Tokenize(text);
            for (var i = 0; i < tokens.Count; i++)
            {
                if (!tokens[i].Is("SELECT"))
                {
                    continue;
                }

                var depth = tokens[i].Depth;
                if (IsExistsSubquery(tokens, i))
                {
                    continue;
                }

                // The select list runs to FROM at the same depth; a clause keyword first means this is not a projection.
                var from = -1;
                for (var j = i + 1; j < tokens.Count && tokens[j].Depth >= depth; j++)
                {
                    if (tokens[j].Depth == depth && tokens[j].Is("FROM"))
                    {
                        from = j;
                        break;
                    }

                    if (tokens[j].Depth == depth && (tokens[j].Is("SELECT") || tokens[j].Is("WHERE") || tokens[j].Is("UNION")))
                    {
                        break;
                    }
                }

                if (from < 0)
                {
                    continue;
                }

                var sources = Sources(tokens, from, depth, out var derivedExplicit);
                if (sources.Count == 0)
                {
                    continue; // "SELECT * FROM" and nothing after it: not a query
                }

                var itemStart = i + 1;
                if (itemStart < from && (tokens[itemStart].Is("DISTINCT") || tokens[itemStart].Is("ALL")))
                {
                    itemStart++;
                }

                if (itemStart + 1 < from && tokens[itemStart].Is("TOP"))
                {
                    itemStart = AfterTop(tokens, itemStart + 1, from, depth); // TOP n, TOP (n), TOP @n
                }

                for (var j = itemStart; j < from; j++)
                {
                    if (tokens[j].Depth != depth || tokens[j].Kind != Kind.Star)
                    {
                        continue;
                    }

                    // An item that is exactly "*" or "name.*"; a star in an expression (a * b) is multiplication.
                    var previous = j - 1 >= itemStart ? tokens[j - 1] : default;
                    var next = j + 1 < from ? tokens[j + 1] : default;
                    var startsItem = j == itemStart || previous.Kind == Kind.Comma;
                    var endsItem = j + 1 >= from || next.Kind == Kind.Comma;
                    string? qualifier = null;
                    if (previous.Kind == Kind.Dot && j - 2 >= itemStart && tokens[j - 2].Kind is Kind.Word or Kind.Quoted &&
                        (j - 2 == itemStart || tokens[j - 3].Kind == Kind.Comma))
                    {
                        qualifier = Unquote(tokens[j - 2].Text);
                        startsItem = true;
                    }

                    if (!startsItem || !endsItem)
                    {
                        continue;
                    }

                    if (qualifier is null && derivedExplicit && sources.Count == 1)
                    {
                        continue; // SELECT * FROM (SELECT id, name FROM t) p: the columns are listed inside
                    }

                    string? table = null;
                    if (qualifier is not null)
                    {
                        foreach (var source in sources)
                        {
                            if (string.Equals(source.Alias, qualifier, StringComparison.OrdinalIgnoreCase) || string.Equals(source.Table, qualifier, StringComparison.OrdinalIgnoreCase))
                            {
                                table = source.Table;
                            }
                        }
                    }
                    else if (sources.Count == 1)
                    {
                        table = sources[0].Table;
                    }

                    result.Add(new StarProjection(tokens[j].Offset, qualifier, table, sources.Count));
                }
            }

            return result;
        }

        /// <summary><c>EXISTS (SELECT * ...)</c> and <c>NOT EXISTS</c>: the star there selects nothing.</summary>
        private static bool IsExistsSubquery(List<Token> tokens, int select) =>
            select >= 2 && tokens[select - 1].Kind == Kind.Open && tokens[select - 2].Is("EXISTS");

        private readonly struct Source
        {
            public Source(string? table, string? alias)
            {
                Table = table;
                Alias = alias;
            }

            public string? Table { get; }

            public string? Alias { get; }
        }

        /// <summary>The tables (and aliases) of a FROM clause, up to WHERE/GROUP/ORDER/... at the same depth.</summary>
        private static List<Source> Sources(List<Token> tokens, int from, int depth, out bool derivedExplicit)
        {
            derivedExplicit = false;
            var sources = new List<Source>();
            var expectTable = true;
            for (var j = from + 1; j < tokens.Count && tokens[j].Depth >= depth; j++)
            {
                var token = tokens[j];
                if (token.Depth > depth)
                {
                    continue;
                }

                if (token.Is("WHERE") || token.Is("GROUP") || token.Is("ORDER") || token.Is("HAVING") || token.Is("LIMIT") || token.Is("UNION") ||
                    token.Is("OFFSET") || token.Is("FETCH") || token.Is("FOR") || token.Is("WINDOW") || token.Is("RETURNING"))
                {
                    break;
                }

                if (token.Kind == Kind.Comma || token.Is("JOIN"))
                {
                    expectTable = true;
                    continue;
                }

                if (token.Is("ON") || token.Is("USING"))
                {
                    expectTable = false;
                    continue;
                }

                if (!expectTable)
                {
                    continue;
                }

                if (token.Kind == Kind.Open)
                {
                    // A derived table: explicit when its select list has no star of its own.
                    derivedExplicit = !HasStarItem(tokens, j + 1, token.Depth + 1);
                    var close = j + 1;
                    while (close < tokens.Count && !(tokens[close].Kind == Kind.Close && tokens[close].Depth == depth))
                    {
                        close++;
                    }

                    sources.Add(new Source(null, AliasAfter(tokens, close + 1, depth)));
                    j = close;
                    expectTable = false;
                    continue;
                }

                if (token.Kind is Kind.Word or Kind.Quoted && !IsJoinWord(token))
                {
                    // schema.table or table; then an optional alias (AS a | a)
                    var name = Unquote(token.Text);
                    var k = j + 1;
                    while (k + 1 < tokens.Count && tokens[k].Kind == Kind.Dot && tokens[k + 1].Kind is Kind.Word or Kind.Quoted)
                    {
                        name = Unquote(tokens[k + 1].Text);
                        k += 2;
                    }

                    sources.Add(new Source(name, AliasAfter(tokens, k, depth)));
                    j = k - 1;
                    expectTable = false;
                }
            }

            return sources;
        }

        private static bool HasStarItem(List<Token> tokens, int start, int depth)
        {
            for (var j = start; j < tokens.Count && tokens[j].Depth >= depth; j++)
            {
                if (tokens[j].Depth == depth && tokens[j].Is("FROM"))
                {
                    return false;
                }

                if (tokens[j].Depth == depth && tokens[j].Kind == Kind.Star)
                {
                    return true;
                }
            }

            return false;
        }

        private static string? AliasAfter(List<Token> tokens, int index, int depth)
        {
            if (index < tokens.Count && tokens[index].Is("AS"))
            {
                index++;
            }

            return index < tokens.Count && tokens[index].Depth == depth && tokens[index].Kind is Kind.Word or Kind.Quoted && !IsClauseWord(tokens[index])
                ? Unquote(tokens[index].Text)
                : null;
        }

        /// <summary>
        /// The first token after <c>TOP n</c> / <c>TOP (expr)</c> / <c>TOP @n</c> and an optional <c>PERCENT</c> and
        /// <c>WITH TIES</c>. The tokenizer gives each digit of a number its own token, so a number is every digit in a row.
        /// </summary>
        private static int AfterTop(List<Token> tokens, int k, int end, int depth)
        {
            if (tokens[k].Kind == Kind.Open)
            {
                k++;
                while (k < end && tokens[k].Depth > depth)
                {
                    k++;
                }

                k++; // the closing parenthesis
            }
            else if (IsDigit(tokens[k]))
            {
                while (k < end && IsDigit(tokens[k]))
                {
                    k++;
                }
            }
            else
            {
                k++;
            }

            if (k < end && tokens[k].Is("PERCENT"))
            {
                k++;
            }

            if (k + 1 < end && tokens[k].Is("WITH") && tokens[k + 1].Is("TIES"))
            {
                k += 2;
            }

            return k;
        }

        private static bool IsDigit(Token token) => token.Kind == Kind.Other && token.Text.Length == 1 && char.IsDigit(token.Text[0]);

        private static bool IsJoinWord(Token token) =>
            token.Is("INNER") || token.Is("LEFT") || token.Is("RIGHT") || token.Is("FULL") || token.Is("OUTER") || token.Is("CROSS") || token.Is("LATERAL") || token.Is("NATURAL");

        private static bool IsClauseWord(Token token) =>
            IsJoinWord(token) || token.Is("JOIN") || token.Is("ON") || token.Is("WHERE") || token.Is("GROUP") || token.Is("ORDER") || token.Is("HAVING") ||
            token.Is("LIMIT") || token.Is("UNION") || token.Is("OFFSET") || token.Is("FETCH") || token.Is("FOR") || token.Is("USING") || token.Is("WINDOW") || token.Is("RETURNING");

        internal static string Unquote(string name) =>
            name.Length >= 2 && (name[0] == '"' || name[0] == '[' || name[0] == '`') ? name.Substring(1, name.Length - 2) : name;

        private static List<Token> Tokenize(string text)
        {
            var tokens = new List<Token>();
            var depth = 0;
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
                    i = SkipQuoted(text, i, '\'');
                    tokens.Add(new Token(Kind.Other, "'", i, depth));
                }
                else if (c == '"' || c == '`' || c == '[')
                {
                    var close = c == '[' ? ']' : c;
                    var start = i;
                    i = SkipQuoted(text, i, close);
                    tokens.Add(new Token(Kind.Quoted, text.Substring(start, i - start), start, depth));
                }
                else if (char.IsLetter(c) || c == '_' || c == '@' || c == '#' || c == '$' || c == ':')
                {
                    var start = i;
                    while (i < text.Length && (char.IsLetterOrDigit(text[i]) || text[i] == '_' || text[i] == '@' || text[i] == '#' || text[i] == '$' || text[i] == ':'))
                    {
                        i++;
                    }

                    tokens.Add(new Token(Kind.Word, text.Substring(start, i - start), start, depth));
                }
                else
                {
                    switch (c)
                    {
                        case '(':
                            tokens.Add(new Token(Kind.Open, "(", i, depth));
                            depth++;
                            break;
                        case ')':
                            depth = Math.Max(0, depth - 1);
                            tokens.Add(new Token(Kind.Close, ")", i, depth));
                            break;
                        case '*':
                            tokens.Add(new Token(Kind.Star, "*", i, depth));
                            break;
                        case ',':
                            tokens.Add(new Token(Kind.Comma, ",", i, depth));
                            break;
                        case '.':
                            tokens.Add(new Token(Kind.Dot, ".", i, depth));
                            break;
                        default:
                            tokens.Add(new Token(Kind.Other, c.ToString(), i, depth));
                            break;
                    }

                    i++;
                }
            }

            return tokens;
        }

        /// <summary>Past white space and SQL comments (<c>-- …</c> to the end of the line, <c>/* … */</c>) starting at <paramref name="i"/>; <paramref name="i"/> itself when there are none.</summary>
        internal static int SkipTrivia(string text, int i)
        {
            while (i < text.Length)
            {
                if (char.IsWhiteSpace(text[i]))
                {
                    i++;
                }
                else if (text[i] == '-' && i + 1 < text.Length && text[i + 1] == '-')
                {
                    var end = text.IndexOf('\n', i + 2);
                    i = end < 0 ? text.Length : end;
                }
                else if (text[i] == '/' && i + 1 < text.Length && text[i + 1] == '*')
                {
                    var end = text.IndexOf("*/", i + 2, StringComparison.Ordinal);
                    i = end < 0 ? text.Length : end + 2;
                }
                else
                {
                    break;
                }
            }

            return i;
        }

        /// <summary>Past a quoted run starting at <paramref name="start"/> (a doubled quote stays inside it).</summary>
        internal static int SkipQuoted(string text, int start, char close)
        {
            var i = start + 1;
            while (i < text.Length)
            {
                if (text[i] == close)
                {
                    if (i + 1 < text.Length && text[i + 1] == close && close != ']')
                    {
                        i += 2; // doubled quote
                        continue;
                    }

                    return i + 1;
                }

                i++;
            }

            return text.Length;
        }

        /// <summary>snake_case of a .NET member name: <c>CompanyName</c> to <c>company_name</c>, <c>APIKey</c> to <c>api_key</c>.</summary>
        public static string SnakeCase(string name)
        {
            var builder = new StringBuilder(name.Length + 4);
            for (var i = 0; i < name.Length; i++)
            {
                var c = name[i];
                if (char.IsUpper(c))
                {
                    var previousLower = i > 0 && (char.IsLower(name[i - 1]) || char.IsDigit(name[i - 1]));
                    var nextLower = i + 1 < name.Length && char.IsLower(name[i + 1]) && i > 0 && char.IsUpper(name[i - 1]);
                    if (previousLower || nextLower)
                    {
                        builder.Append('_');
                    }

                    builder.Append(char.ToLowerInvariant(c));
                }
                else
                {
                    builder.Append(c);
                }
            }

            return builder.ToString();
        }
    }
}
