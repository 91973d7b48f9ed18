using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Steadfast.Analyzers.Rules.SF3001;
using Steadfast.Tests.Support;
using Xunit;

namespace Steadfast.Tests.Rules.SF3001
{
    /// <summary>
    /// SQL in, stars out: <see cref="SqlStar"/>'s tokenizer and star finder, row by row. Each star found is written
    /// <c>[qualifier.]*@offset table/tableCount</c> (<c>?</c> when the table is not known), stars joined by <c>"; "</c>;
    /// the empty string is "nothing flagged". The <see cref="SqlText"/> rows at the end: C# string expression in, the SQL
    /// text the finder is given out.
    /// </summary>
    public sealed class SqlStarTests
    {
        private static string Stars(string sql)
        {
            var stars = SqlStar.Find(sql);
            foreach (var star in stars)
            {
                Assert.Equal('*', sql[star.Offset]);
            }

            return string.Join("; ", stars.Select(s => (s.Qualifier is null ? string.Empty : s.Qualifier + ".") + "*@" + s.Offset + " " + (s.Table ?? "?") + "/" + s.TableCount));
        }

        [Theory]
        // the plain star projection, any case and spacing
        [InlineData("SELECT * FROM leads", "*@7 leads/1")]
        [InlineData("select * from leads", "*@7 leads/1")]
        [InlineData("SeLeCt * FrOm leads", "*@7 leads/1")]
        [InlineData("SELECT*FROM leads", "*@6 leads/1")]
        [InlineData("SELECT *FROM leads", "*@7 leads/1")]
        [InlineData("select\n*\nfrom\nleads", "*@7 leads/1")]
        [InlineData("select\t*\r\nfrom leads", "*@7 leads/1")]
        [InlineData("  SELECT * FROM leads WHERE id = @id", "*@9 leads/1")]
        [InlineData("SELECT * FROM leads ORDER BY id LIMIT 10", "*@7 leads/1")]
        [InlineData("SELECT * FROM leads GROUP BY id HAVING COUNT(id) > 1", "*@7 leads/1")]
        [InlineData("SELECT * FROM leads OFFSET 5 ROWS FETCH NEXT 5 ROWS ONLY", "*@7 leads/1")]
        [InlineData("SELECT * FROM leads FOR UPDATE", "*@7 leads/1")]
        [InlineData("INSERT INTO archive SELECT * FROM leads", "*@27 leads/1")]
        // DISTINCT / ALL / TOP before the list
        [InlineData("SELECT DISTINCT * FROM leads", "*@16 leads/1")]
        [InlineData("SELECT ALL * FROM leads", "*@11 leads/1")]
        [InlineData("SELECT TOP 5 * FROM leads", "*@13 leads/1")]
        [InlineData("SELECT TOP (5) * FROM leads", "*@15 leads/1")]
        [InlineData("SELECT TOP @n * FROM leads", "*@14 leads/1")]
        [InlineData("SELECT TOP (@n) * FROM leads", "*@16 leads/1")]
        [InlineData("SELECT DISTINCT TOP 5 * FROM leads", "*@22 leads/1")]
        // a number of several digits (each digit is its own token), PERCENT, WITH TIES, an expression in parentheses
        [InlineData("SELECT TOP 10 * FROM leads", "*@14 leads/1")]
        [InlineData("SELECT TOP (100) * FROM leads", "*@17 leads/1")]
        [InlineData("SELECT TOP 10 PERCENT * FROM leads", "*@22 leads/1")]
        [InlineData("SELECT TOP 5 WITH TIES * FROM leads ORDER BY id", "*@23 leads/1")]
        [InlineData("SELECT TOP (@n + 1) * FROM leads", "*@20 leads/1")]
        // star items among others
        [InlineData("SELECT *, name FROM leads", "*@7 leads/1")]
        [InlineData("SELECT id, * FROM leads", "*@11 leads/1")]
        [InlineData("SELECT id , * , name FROM leads", "*@12 leads/1")]
        [InlineData("SELECT COUNT(*), * FROM leads", "*@17 leads/1")]
        // qualified stars: the qualifier's table, by alias or by name, any case
        [InlineData("SELECT l.* FROM leads l", "l.*@9 leads/1")]
        [InlineData("SELECT l.* FROM leads AS l", "l.*@9 leads/1")]
        [InlineData("SELECT leads.* FROM leads", "leads.*@13 leads/1")]
        [InlineData("SELECT leads.* FROM leads l", "leads.*@13 leads/1")]
        [InlineData("SELECT L.* FROM leads l", "L.*@9 leads/1")]
        [InlineData("SELECT x.* FROM leads l", "x.*@9 ?/1")]
        [InlineData("SELECT id, l.* FROM leads l", "l.*@13 leads/1")]
        [InlineData("SELECT l.*, c.* FROM leads l JOIN companies c ON c.id = l.company_id", "l.*@9 leads/2; c.*@14 companies/2")]
        [InlineData("SELECT c.* FROM leads l LEFT OUTER JOIN companies c ON c.id = l.company_id", "c.*@9 companies/2")]
        [InlineData("SELECT a.* FROM leads a JOIN leads b ON a.id = b.parent_id", "a.*@9 leads/2")]
        // quoted identifiers: the name without its quotes
        [InlineData("SELECT \"l\".* FROM \"leads\" \"l\"", "l.*@11 leads/1")]
        [InlineData("SELECT [l].* FROM [dbo].[leads] [l]", "l.*@11 leads/1")]
        [InlineData("SELECT `l`.* FROM `leads` `l`", "l.*@11 leads/1")]
        [InlineData("SELECT * FROM \"Lead Table\"", "*@7 Lead Table/1")]
        [InlineData("SELECT * FROM [Lead Table]", "*@7 Lead Table/1")]
        // schema-qualified tables: the last part
        [InlineData("SELECT * FROM dbo.leads", "*@7 leads/1")]
        [InlineData("SELECT * FROM \"public\".\"leads\"", "*@7 leads/1")]
        [InlineData("SELECT * FROM db.dbo.leads AS l", "*@7 leads/1")]
        [InlineData("SELECT l.* FROM dbo.leads l", "l.*@9 leads/1")]
        // several tables: a bare star's table is not known
        [InlineData("SELECT * FROM leads, companies", "*@7 ?/2")]
        [InlineData("SELECT * FROM leads l JOIN companies c ON c.id = l.company_id", "*@7 ?/2")]
        [InlineData("SELECT * FROM leads l CROSS JOIN companies c", "*@7 ?/2")]
        [InlineData("SELECT * FROM a JOIN b USING (id) JOIN c USING (id)", "*@7 ?/3")]
        // names the tokenizer keeps whole: parameters, temp tables, a hole left by an interpolation
        [InlineData("SELECT * FROM #recent", "*@7 #recent/1")]
        [InlineData("SELECT * FROM @p", "*@7 @p/1")]
        [InlineData("SELECT * FROM leads_2024", "*@7 leads_2024/1")]
        // a derived table whose own list has a star, or is joined to a real table: still flagged
        [InlineData("SELECT * FROM (SELECT *, price * qty AS total FROM orders) x", "*@7 ?/1; *@22 orders/1")]
        [InlineData("SELECT p.*, c.* FROM (SELECT id FROM leads) p JOIN companies c ON c.id = p.id", "c.*@14 companies/2")]
        [InlineData("SELECT x.* FROM (SELECT id, name FROM leads) p", "x.*@9 ?/1")]
        [InlineData("SELECT * FROM (SELECT l.* FROM leads l) p", "*@7 ?/1; l.*@24 leads/1")]
        // a WITH query that names its columns: the outer star reads those; its own star still reads the whole table
        [InlineData("WITH page (id, name) AS (SELECT * FROM leads) SELECT * FROM page", "*@32 leads/1")]
        // a WITH query whose own list has a star
        [InlineData("WITH page AS (SELECT * FROM leads) SELECT * FROM page", "*@21 leads/1; *@42 page/1")]
        [InlineData("WITH page AS (SELECT id FROM leads) SELECT * FROM page JOIN companies c ON c.id = page.id", "*@43 ?/2")]
        [InlineData("SELECT * FROM leads JOIN unnest(@ids) i ON i = leads.id", "*@7 ?/2")] // a table beside the function
        public void Find_StarProjections(string sql, string expected) => Assert.Equal(expected, Stars(sql));

        [Theory]
        // a star in an expression or an aggregate is not a projection
        [InlineData("SELECT COUNT(*) FROM leads")]
        [InlineData("SELECT count( * ) AS n FROM leads")]
        [InlineData("SELECT price * quantity FROM orders")]
        [InlineData("SELECT price*quantity AS total FROM orders")]
        [InlineData("SELECT 2 * 3 FROM dual")]
        [InlineData("SELECT id, price * 2 FROM orders")]
        [InlineData("SELECT (price) * 2 FROM orders")]
        // comments
        [InlineData("-- SELECT * FROM leads\nSELECT id FROM leads")]
        [InlineData("/* SELECT * FROM leads */ SELECT id FROM leads")]
        [InlineData("SELECT /* * */ id FROM leads")]
        [InlineData("SELECT id -- *\nFROM leads")]
        [InlineData("SELECT id FROM leads /* unterminated SELECT * FROM x")]
        [InlineData("SELECT id FROM leads -- SELECT * FROM x")]
        // string literals, doubled quotes included
        [InlineData("SELECT id FROM leads WHERE note = 'SELECT * FROM x'")]
        [InlineData("SELECT id FROM leads WHERE note = 'it''s SELECT * FROM x'")]
        [InlineData("SELECT id FROM leads WHERE note = '' AND x = 'SELECT * FROM y'")]
        [InlineData("SELECT '*' FROM leads")]
        [InlineData("SELECT id FROM leads WHERE note = 'unterminated SELECT * FROM x")]
        // quoted identifiers holding a star
        [InlineData("SELECT \"*\" FROM leads")]
        [InlineData("SELECT [*] FROM leads")]
        [InlineData("SELECT `*` FROM leads")]
        [InlineData("SELECT \"a\"\"*\" FROM leads")]
        // EXISTS: the star selects nothing
        [InlineData("SELECT id FROM leads l WHERE EXISTS (SELECT * FROM orders o WHERE o.lead_id = l.id)")]
        [InlineData("SELECT id FROM leads l WHERE NOT EXISTS(SELECT * FROM orders o WHERE o.lead_id = l.id)")]
        [InlineData("select id from leads where exists ( select * from orders )")]
        // a derived table whose own list is explicit
        [InlineData("SELECT * FROM (SELECT id, name FROM leads) p")]
        [InlineData("SELECT * FROM (SELECT id, name FROM leads) AS p WHERE p.id > 1")]
        [InlineData("SELECT * FROM (SELECT COUNT(*) AS n FROM leads) c")]
        // paging wrappers: the star reads a derived table whose list is explicit, whatever it does after its FROM
        [InlineData("SELECT * FROM (SELECT id, name FROM leads ORDER BY id OFFSET 20 ROWS FETCH NEXT 10 ROWS ONLY) x")]
        [InlineData("SELECT * FROM (SELECT id, name FROM leads ORDER BY id LIMIT 10 OFFSET 20) AS page ORDER BY page.id")]
        [InlineData("SELECT * FROM (SELECT ROW_NUMBER() OVER (ORDER BY id) AS rn, id, name FROM leads) x WHERE rn BETWEEN 11 AND 20")]
        [InlineData("SELECT TOP 10 * FROM (SELECT id, name FROM leads) x ORDER BY x.id")]
        // a multiplication in the derived table's list is not a star
        [InlineData("SELECT * FROM (SELECT id, price * qty AS total FROM orders) x")]
        [InlineData("SELECT * FROM (SELECT id, price*qty AS total FROM orders ORDER BY id OFFSET 5) x")]
        // a qualified star over such a derived table
        [InlineData("SELECT p.* FROM (SELECT id, name FROM leads) p")]
        [InlineData("SELECT p.*, c.title FROM (SELECT id, name, company_id FROM leads) p JOIN companies c ON c.id = p.company_id")]
        [InlineData("SELECT t.* FROM (SELECT id, price * qty AS total FROM orders) AS t WHERE t.total > 0")]
        // nested wrappers: the inner star reads an explicit list, so the outer one does too
        [InlineData("SELECT * FROM (SELECT * FROM (SELECT id, name FROM leads) a) b")]
        // two derived tables, both explicit
        [InlineData("SELECT * FROM (SELECT id FROM leads) a JOIN (SELECT id FROM companies) b ON a.id = b.id")]
        // a WITH query whose list is explicit, or that names its columns
        [InlineData("WITH page AS (SELECT id, name FROM leads ORDER BY id LIMIT 10) SELECT * FROM page")]
        [InlineData("WITH a AS (SELECT id FROM leads), b AS (SELECT id FROM companies) SELECT * FROM b")]
        // no FROM at the SELECT's depth, or nothing after FROM: not a query
        [InlineData("SELECT *")]
        [InlineData("SELECT * FROM")]
        [InlineData("SELECT * FROM ;")]
        [InlineData("SELECT * WHERE x FROM leads")]
        [InlineData("SELECT * UNION SELECT id FROM leads")]
        [InlineData("SELECT (* FROM leads)")]
        // no SELECT, or no star, at all
        [InlineData("")]
        [InlineData("DELETE FROM leads WHERE id = 1")]
        [InlineData("UPDATE leads SET score = score * 2")]
        [InlineData("SELECT id FROM leads")]
        [InlineData("FROM leads SELECT *")]
        [InlineData("INSERT INTO \"PayjoinLocks\"(\"Id\") SELECT * FROM unnest(@ids)")] // a table function, not a table
        [InlineData("SELECT * FROM generate_series(1, 10) g")]
        [InlineData("SELECT t.* FROM unnest(@ids, @types) t(i, t)")]
        public void Find_NothingFlagged(string sql) => Assert.Equal(string.Empty, Stars(sql));

        public static TheoryData<string, string> MultiLine() => new TheoryData<string, string>
        {
            {
                """
                SELECT *
                FROM leads
                WHERE id = @id
                """,
                "*@7 leads/1"
            },
            {
                """
                SELECT l.*, c.name
                FROM leads l
                INNER JOIN companies c ON c.id = l.company_id
                WHERE l.score > 3
                """,
                "l.*@9 leads/2"
            },
            {
                // a comment line between SELECT and the star
                """
                SELECT -- everything
                    *
                FROM leads
                """,
                "*@25 leads/1"
            },
            {
                // only the subquery's star: the outer list is explicit
                """
                SELECT id FROM (
                    SELECT * FROM leads
                ) recent
                """,
                "*@28 leads/1"
            },
            {
                // IN (SELECT * ...) is not EXISTS: flagged
                """
                SELECT id FROM leads
                WHERE company_id IN (SELECT * FROM companies)
                """,
                "*@49 companies/1"
            },
            {
                // the outer star is flagged, the EXISTS one is not
                """
                SELECT * FROM leads l
                WHERE EXISTS (SELECT * FROM orders o WHERE o.lead_id = l.id)
                """,
                "*@7 leads/1"
            },
            {
                // a star over a derived table that has a star of its own: both
                """
                SELECT * FROM (SELECT * FROM leads) p
                """,
                "*@7 ?/1; *@22 leads/1"
            },
            {
                // a derived table joined to a real table: the star reads the table too
                """
                SELECT * FROM (SELECT id FROM leads) p JOIN companies c ON c.id = p.id
                """,
                "*@7 ?/2"
            },
            {
                // a scalar subquery in the list
                """
                SELECT id, (SELECT * FROM limits) FROM leads
                """,
                "*@19 limits/1"
            },
            {
                // a subquery in WHERE
                """
                SELECT * FROM leads WHERE score = (SELECT * FROM best)
                """,
                "*@7 leads/1; *@42 best/1"
            },
            {
                // UNION: each SELECT on its own
                """
                SELECT * FROM leads
                UNION ALL
                SELECT * FROM archived_leads
                """,
                "*@7 leads/1; *@37 archived_leads/1"
            },
            {
                // a WITH query whose own list is explicit reads those columns only (it used to be flagged as the table 'recent')
                """
                WITH recent AS (SELECT id FROM leads)
                SELECT * FROM recent
                """,
                ""
            },
            {
                // a paging wrapper over several lines, with a multiplication inside
                """
                SELECT *
                FROM (
                    SELECT o.id, o.price * o.qty AS total
                    FROM orders o
                    ORDER BY o.id
                    OFFSET @skip ROWS FETCH NEXT @take ROWS ONLY
                ) page
                """,
                ""
            },
            {
                """
                SELECT "l".*
                FROM "public"."leads" AS "l"
                """,
                "l.*@11 leads/1"
            },
        };

        [Theory]
        [MemberData(nameof(MultiLine))]
        public void Find_MultiLine(string sql, string expected) =>
            Assert.Equal(expected, Stars(sql.Replace("\r\n", "\n"))); // offsets as written, whatever the checkout's line endings

        /// <summary>What it does today with text that is odd or only looks like SQL; the comment on each row says why it is surprising.</summary>
        [Theory]
        // prose: a SELECT is SQL only when FROM follows its list
        [InlineData("select * to pick all rows", "")]
        [InlineData("Press * to select from the list", "")]
        [InlineData("Use ** to select bold text", "")]
        // ...but prose with "select * from" in it reads as SQL, the next word its table
        [InlineData("Never write SELECT * FROM in production code", "*@19 in/1")]
        // SELECT * INTO: the star is followed by INTO, not FROM or a comma, so it is not an item
        [InlineData("SELECT * INTO backup FROM leads", "")]
        // a three-part qualifier (schema.table.*) is not taken as a qualified star
        [InlineData("SELECT dbo.leads.* FROM dbo.leads", "")]
        // a doubled quote inside a quoted identifier stays doubled in the reported name
        [InlineData("SELECT * FROM \"we\"\"ird\"", "*@7 we\"\"ird/1")]
        // ']]' does not escape inside [...]: the name ends at the first ']'
        [InlineData("SELECT * FROM [we]]ird]", "*@7 we/1")]
        // a statement separator does not end the FROM clause: the next statement's comma-separated names count as tables
        [InlineData("SELECT * FROM leads; SELECT id FROM a, b", "*@7 ?/2")]
        [InlineData("SELECT * FROM leads; SELECT * FROM companies", "*@7 leads/1; *@28 companies/1")]
        public void Find_Characterisation(string sql, string expected) => Assert.Equal(expected, Stars(sql));

        [Theory]
        [InlineData("SELECT * FROM leads", true)]
        [InlineData("select*", true)]
        [InlineData("/* * */ SeLeCt id", true)]
        [InlineData("SELECT id FROM leads", false)]
        [InlineData("2 * 3", false)]
        [InlineData("", false)]
        [InlineData("selec * t", false)]
        public void MayHaveStar(string text, bool expected) => Assert.Equal(expected, SqlStar.MayHaveStar(text));

        [Theory]
        [InlineData("X", 0, 0)]
        [InlineData("   X", 0, 3)]
        [InlineData(" \t\r\n X", 0, 5)]
        [InlineData("-- note\nX", 0, 8)]
        [InlineData("-- note\r\nX", 0, 9)]
        [InlineData("-- note", 0, 7)]
        [InlineData("--", 0, 2)]
        [InlineData("- X", 0, 0)]
        [InlineData("/* note */X", 0, 10)]
        [InlineData("/* a */ /* b */ -- c\n X", 0, 22)]
        [InlineData("/**/X", 0, 4)]
        [InlineData("/*/X", 0, 4)]
        [InlineData("/* unterminated", 0, 15)]
        [InlineData("/ X", 0, 0)]
        [InlineData("ab -- c\nX", 2, 8)]
        [InlineData("X", 1, 1)]
        public void SkipTrivia(string text, int start, int expected) => Assert.Equal(expected, SqlStar.SkipTrivia(text, start));

        [Theory]
        [InlineData("'abc' x", 0, '\'', 5)]
        [InlineData("'it''s' x", 0, '\'', 7)]
        [InlineData("'' x", 0, '\'', 2)]
        [InlineData("'''' x", 0, '\'', 4)]
        [InlineData("'abc", 0, '\'', 4)]
        [InlineData("x 'a' y", 2, '\'', 5)]
        [InlineData("\"a\"\"b\" x", 0, '"', 6)]
        [InlineData("`a``b` x", 0, '`', 6)]
        [InlineData("[a b] x", 0, ']', 5)]
        [InlineData("[a]]b] x", 0, ']', 3)] // no doubling inside brackets
        public void SkipQuoted(string text, int start, char close, int expected) => Assert.Equal(expected, SqlStar.SkipQuoted(text, start, close));

        [Theory]
        [InlineData("leads", "leads")]
        [InlineData("\"leads\"", "leads")]
        [InlineData("[leads]", "leads")]
        [InlineData("`leads`", "leads")]
        [InlineData("\"Lead Table\"", "Lead Table")]
        [InlineData("'leads'", "'leads'")]
        [InlineData("\"\"", "")]
        [InlineData("\"", "\"")]
        [InlineData("", "")]
        public void Unquote(string name, string expected) => Assert.Equal(expected, SqlStar.Unquote(name));

        [Theory]
        [InlineData("CompanyName", "company_name")]
        [InlineData("APIKey", "api_key")]
        [InlineData("Id", "id")]
        [InlineData("UserID", "user_id")]
        [InlineData("HTMLParser", "html_parser")]
        [InlineData("IOStream", "io_stream")]
        [InlineData("Address2Line", "address2_line")]
        [InlineData("Version2", "version2")]
        [InlineData("A1B", "a1_b")]
        [InlineData("ABC", "abc")]
        [InlineData("X", "x")]
        [InlineData("lowerCamel", "lower_camel")]
        [InlineData("already_snake", "already_snake")]
        [InlineData("Created_At", "created_at")]
        [InlineData("", "")]
        public void SnakeCase(string name, string expected) => Assert.Equal(expected, SqlStar.SnakeCase(name));
        // SqlText: the text SqlStar is given, from a C# string expression. Names in scope: const Star = "*",
        // const Table = "leads", static readonly ReadonlyTable, parameters string table, int id, object o.
        private static IOperation Expression(string expression) => OperationProbe.ArgumentOfUse($$"""
            public class C
            {
                private const string Star = "*";
                private const string Table = "leads";
                private static readonly string ReadonlyTable = "leads";

                public void M(string table, int id, object o)
                {
                    Use({{expression}});
                }

                private static void Use(string sql)
                {
                }
            }
            """).Value;

        [Theory]
        [InlineData("\"SELECT * FROM leads\"", "SELECT * FROM leads")]
        [InlineData("@\"SELECT * FROM \"\"leads\"\"\"", "SELECT * FROM \"leads\"")]
        [InlineData("\"SELECT *\\nFROM leads\"", "SELECT *\nFROM leads")]
        [InlineData("\"\"\"SELECT * FROM \"leads\" \"\"\"", "SELECT * FROM \"leads\" ")]
        // a value that is not constant is the placeholder @p
        [InlineData("table", "@p")]
        [InlineData("\"SELECT * FROM \" + table", "SELECT * FROM @p")]
        [InlineData("\"SELECT * FROM leads WHERE id = \" + id", "SELECT * FROM leads WHERE id = @p")]
        [InlineData("\"SELECT * FROM \" + ReadonlyTable", "SELECT * FROM @p")]
        [InlineData("string.Concat(\"SELECT * \", \"FROM leads\")", "@p")]
        // constants from elsewhere are spelled out
        [InlineData("\"SELECT * FROM \" + Table", "SELECT * FROM leads")]
        [InlineData("\"SELECT \" + Star + \" FROM \" + table", "SELECT * FROM @p")]
        [InlineData("(\"SELECT * \" + \"FROM \") + table", "SELECT * FROM @p")]
        [InlineData("\"SELECT * FROM \" + nameof(table)", "SELECT * FROM table")]
        // interpolated strings: text parts as written, constant holes spelled out, other holes @p
        [InlineData("$\"SELECT * FROM {table} WHERE id = {id}\"", "SELECT * FROM @p WHERE id = @p")]
        [InlineData("$\"SELECT {Star} FROM {Table}\"", "SELECT * FROM leads")]
        [InlineData("$\"SELECT * FROM {\"lea\" + \"ds\"}\"", "SELECT * FROM leads")]
        [InlineData("$\"SELECT * FROM leads WHERE id = {id:D}\"", "SELECT * FROM leads WHERE id = @p")]
        [InlineData("$\"SELECT '{{x}}' FROM leads\"", "SELECT '{x}' FROM leads")]
        [InlineData("$@\"SELECT * FROM \"\"{table}\"\"\"", "SELECT * FROM \"@p\"")]
        [InlineData("\"SELECT \" + $\"* FROM {table}\" + \" WHERE 1 = 1\"", "SELECT * FROM @p WHERE 1 = 1")]
        // conversions are looked through, explicit ones too
        [InlineData("\"SELECT * FROM \" + (string)(object)\"leads\"", "SELECT * FROM leads")]
        [InlineData("\"SELECT * FROM \" + (string)o", "SELECT * FROM @p")]
        // a char star is not string text: a hole
        [InlineData("\"SELECT \" + '*' + \" FROM leads\"", "SELECT @p FROM leads")]
        // a null literal is a hole too, though it concatenates as nothing
        [InlineData("\"SELECT * FROM leads\" + null", "SELECT * FROM leads@p")]
        public void SqlText_Build(string expression, string expected) => Assert.Equal(expected, SqlText.Build(Expression(expression)).Text);

        /// <summary>Each piece as <c>start:value:syntax kind</c> (<c>-</c> for a constant from elsewhere); holes are not pieces.</summary>
        [Theory]
        [InlineData("\"SELECT * FROM leads\"", "0:SELECT * FROM leads:StringLiteralExpression")]
        [InlineData("\"SELECT * FROM \" + Table + \" WHERE id = \" + id", "0:SELECT * FROM :StringLiteralExpression | 14:leads:- | 19: WHERE id = :StringLiteralExpression")]
        [InlineData("$\"SELECT * FROM {table} WHERE id = {id}\"", "0:SELECT * FROM :InterpolatedStringText | 16: WHERE id = :InterpolatedStringText")]
        [InlineData("$\"SELECT {Star} FROM {Table}\"", "0:SELECT :InterpolatedStringText | 7:*:- | 8: FROM :InterpolatedStringText | 14:leads:-")]
        [InlineData("table + \" x\"", "2: x:StringLiteralExpression")]
        public void SqlText_Pieces(string expression, string expected)
        {
            var (_, pieces) = SqlText.Build(Expression(expression));
            Assert.Equal(expected, string.Join(" | ", pieces.Select(p => p.Start + ":" + p.Value + ":" + (p.Source?.Kind().ToString() ?? "-"))));
        }

        /// <summary>The literal and interpolated leaves in source order, and the outermost string expression each is part of.</summary>
        [Theory]
        [InlineData("\"SELECT * FROM leads\"", "Literal \"SELECT * FROM leads\" in \"SELECT * FROM leads\"")]
        [InlineData("\"SELECT * FROM \" + table + \" WHERE 1 = 1\"", "Literal \"SELECT * FROM \" in \"SELECT * FROM \" + table + \" WHERE 1 = 1\" | Literal \" WHERE 1 = 1\" in \"SELECT * FROM \" + table + \" WHERE 1 = 1\"")]
        [InlineData("\"SELECT \" + Star + $\" FROM {table}\"", "Literal \"SELECT \" in \"SELECT \" + Star + $\" FROM {table}\" | InterpolatedString $\" FROM {table}\" in \"SELECT \" + Star + $\" FROM {table}\"")]
        [InlineData("(\"SELECT * \" + table).Trim() + \"FROM leads\"", "Literal \"FROM leads\" in (\"SELECT * \" + table).Trim() + \"FROM leads\"")]
        [InlineData("\"SELECT * FROM \" + (string)(object)\"leads\"", "Literal \"SELECT * FROM \" in \"SELECT * FROM \" + (string)(object)\"leads\" | Literal \"leads\" in \"leads\"")]
        public void SqlText_LeavesAndTop(string expression, string expected)
        {
            var leaves = SqlText.Leaves(Expression(expression));
            Assert.Equal(expected, string.Join(" | ", leaves.Select(l => l.Kind + " " + l.Syntax + " in " + SqlText.Top(l).Syntax)));
        }
    }
}
