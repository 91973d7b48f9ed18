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
    /// all" is prose). Not flagged: <c>COUNT(*)</c> (inside parentheses), <c>EXISTS (SELECT * ...)</c>, and a star
    /// (<c>*</c> or <c>p.*</c>) over a derived table or a WITH query whose own select list is explicit (paging wrappers),
    /// judged recursively; multiplication inside such a list is not a star.
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
            var ctes = CommonTableExpressions(tokens);
            for (var i = 0; i < tokens.Count; i++)
            {
                if (tokens[i].Is("SELECT"))
                {
                    result.AddRange(StarsOf(tokens, i, ctes, nesting: 0));
                }
            }

            return result;
        }

        /// <summary>
        /// The star items of the SELECT at <paramref name="select"/> that read a table's every column: not one over a
        /// derived table or a WITH query whose own select list is explicit (a paging wrapper), judged recursively.
        /// </summary>
        private static List<StarProjection> StarsOf(List<Token> tokens, int select, Dictionary<string, bool> ctes, int nesting)
        {
            var result = new List<StarProjection>();
            var depth = tokens[select].Depth;
            if (nesting > 16 || IsExistsSubquery(tokens, select))
            {
                return result;
            }

            // The select list runs to FROM at the same depth; a clause keyword first means this is not a projection.
            var from = -1;
            for (var j = select + 1; j < tokens.Count && tokens[j].Depth >= depth; j++)
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
                return result;
            }

            var sources = Sources(tokens, from, depth, ctes, nesting);
            if (sources.Count == 0)
            {
                return result; // "SELECT * FROM" and nothing after it: not a query
            }

            var itemStart = select + 1;
            if (itemStart < from && (tokens[itemStart].Is("DISTINCT") || tokens[itemStart].Is("ALL")))
            {
                itemStart++;
            }

            if (itemStart + 1 < from && tokens[itemStart].Is("TOP"))
            {
                itemStart = AfterTop(tokens, itemStart + 1, from, depth); // TOP n, TOP (n), TOP @n
            }

            var allExplicit = true;
            foreach (var source in sources)
            {
                allExplicit &= source.Explicit;
            }

            for (var j = itemStart; j < from; j++)
            {
                if (tokens[j].Depth != depth || tokens[j].Kind != Kind.Star || !IsStarItem(tokens, j, itemStart, from, out var qualifier))
                {
                    continue;
                }

                if (qualifier is null && allExplicit)
                {
                    continue; // SELECT * FROM (SELECT id, name FROM t) p: the columns are listed inside
                }

                string? table = null;
                var explicitSource = false;
                if (qualifier is not null)
                {
                    foreach (var source in sources)
                    {
                        if (string.Equals(source.Alias, qualifier, StringComparison.OrdinalIgnoreCase) || string.Equals(source.Table, qualifier, StringComparison.OrdinalIgnoreCase))
                        {
                            table = source.Table;
                            explicitSource = source.Explicit;
                        }
                    }
                }
                else if (sources.Count == 1)
                {
                    table = sources[0].Table;
                }

                if (explicitSource)
                {
                    continue; // SELECT p.* FROM (SELECT id, name FROM t) p
                }

                result.Add(new StarProjection(tokens[j].Offset, qualifier, table, sources.Count));
            }

            return result;
        }

        /// <summary>
        /// The star at <paramref name="j"/> is a whole item of the list: exactly <c>*</c> or <c>name.*</c>; a star in an
        /// expression (<c>a * b</c>) is multiplication.
        /// </summary>
        private static bool IsStarItem(List<Token> tokens, int j, int itemStart, int end, out string? qualifier)
        {
            qualifier = null;
            var previous = j - 1 >= itemStart ? tokens[j - 1] : default;
            var next = j + 1 < end ? tokens[j + 1] : default;
            var startsItem = j == itemStart || previous.Kind == Kind.Comma;
            var endsItem = j + 1 >= end || next.Kind == Kind.Comma;
            if (previous.Kind == Kind.Dot && j - 2 >= itemStart && tokens[j - 2].Kind is Kind.Word or Kind.Quoted &&
                (j - 2 == itemStart || tokens[j - 3].Kind == Kind.Comma))
            {
                qualifier = Unquote(tokens[j - 2].Text);
                startsItem = true;
            }

            return startsItem && endsItem;
        }

        /// <summary>
        /// The WITH queries of the text (<c>WITH page AS (SELECT id, name FROM t ...)</c>) by name: true when their columns
        /// are explicit (a column list after the name, or a select list without a star that reads a whole table).
        /// </summary>
        private static Dictionary<string, bool> CommonTableExpressions(List<Token> tokens)
        {
            var ctes = new Dictionary<string, bool>(StringComparer.OrdinalIgnoreCase);
            for (var a = 1; a + 1 < tokens.Count; a++)
            {
                if (!tokens[a].Is("AS") || tokens[a + 1].Kind != Kind.Open)
                {
                    continue;
                }

                var n = a - 1;
                var columnList = false;
                if (tokens[n].Kind == Kind.Close)
                {
                    columnList = true;
                    while (n > 0 && !(tokens[n].Kind == Kind.Open && tokens[n].Depth == tokens[a].Depth))
                    {
                        n--;
                    }

                    n--;
                }

                if (n < 1 || tokens[n].Kind is not (Kind.Word or Kind.Quoted) ||
                    !(tokens[n - 1].Is("WITH") || tokens[n - 1].Is("RECURSIVE") || (tokens[n - 1].Kind == Kind.Comma && tokens[n - 1].Depth == tokens[a].Depth)))
                {
                    continue;
                }

                ctes[Unquote(tokens[n].Text)] = columnList || IsExplicitBody(tokens, a + 1, ctes: null, nesting: 0);
            }

            return ctes;
        }

        /// <summary>A parenthesised query (at the open parenthesis <paramref name="open"/>) whose select list names its columns.</summary>
        private static bool IsExplicitBody(List<Token> tokens, int open, Dictionary<string, bool>? ctes, int nesting)
        {
            var inner = tokens[open].Depth + 1;
            for (var k = open + 1; k < tokens.Count && tokens[k].Depth >= inner; k++)
            {
                if (tokens[k].Depth == inner && tokens[k].Is("SELECT"))
                {
                    return StarsOf(tokens, k, ctes ?? new Dictionary<string, bool>(), nesting + 1).Count == 0;
                }
            }

            return false; // not a query we can read (VALUES, a function): its columns are not known to be listed
        }

        /// <summary><c>EXISTS (SELECT * ...)</c> and <c>NOT EXISTS</c>: the star there selects nothing.</summary>
        private static bool IsExistsSubquery(List<Token> tokens, int select) =>
            select >= 2 && tokens[select - 1].Kind == Kind.Open && tokens[select - 2].Is("EXISTS");

        private readonly struct Source
        {
            public Source(string? table, string? alias, bool isExplicit)
            {
                Table = table;
                Alias = alias;
                Explicit = isExplicit;
            }

            public string? Table { get; }

            public string? Alias { get; }

            /// <summary>A derived table or WITH query whose own select list names its columns.</summary>
            public bool Explicit { get; }
        }

        /// <summary>The tables (and aliases) of a FROM clause, up to WHERE/GROUP/ORDER/... at the same depth.</summary>
        private static List<Source> Sources(List<Token> tokens, int from, int depth, Dictionary<string, bool> ctes, int nesting)
        {
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
                    // A derived table: explicit when its own select list reads no whole table.
                    var isExplicit = IsExplicitBody(tokens, j, ctes, nesting);
                    var close = j + 1;
                    while (close < tokens.Count && !(tokens[close].Kind == Kind.Close && tokens[close].Depth == depth))
                    {
                        close++;
                    }

                    sources.Add(new Source(null, AliasAfter(tokens, close + 1, depth), isExplicit));
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

                    if (k < tokens.Count && tokens[k].Kind == Kind.Open)
                    {
                        // A table function (unnest(@ids), generate_series(1, 10), OPENJSON(@json)): the columns are what it
                        // returns, declared by the function or its arguments, not a table's.
                        var end = k + 1;
                        while (end < tokens.Count && !(tokens[end].Kind == Kind.Close && tokens[end].Depth == depth))
                        {
                            end++;
                        }

                        sources.Add(new Source(null, AliasAfter(tokens, end + 1, depth), true));
                        j = end;
                        expectTable = false;
                        continue;
                    }

                    var fromCte = k == j + 1 && ctes.TryGetValue(name, out var cteExplicit) && cteExplicit;
                    sources.Add(new Source(name, AliasAfter(tokens, k, depth), fromCte));
                    j = k - 1;
                    expectTable = false;
                }
            }

            return sources;
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
