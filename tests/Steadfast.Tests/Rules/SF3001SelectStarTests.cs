using System.Threading.Tasks;
using Steadfast.Analyzers.Rules;
using Steadfast.CodeFixes.Internal;
using Steadfast.CodeFixes.Rules;
using Steadfast.Tests.Verification;
using Xunit;
using VerifySF3001 = Steadfast.Tests.Verification.Verify<Steadfast.Analyzers.Rules.SF3001SelectStarAnalyzer, Steadfast.CodeFixes.Rules.SF3001SelectStarCodeFix>;

namespace Steadfast.Tests.Rules
{
    public sealed class SF3001SelectStarTests
    {
        /// <summary>The rule's one fix is each diagnostic's first, so it carries the preferred key.</summary>
        private static readonly string Key = PlannedCodeFixProvider.PreferredKey("SF3001");

        private const string Schema = """
            -- db/001_leads.sql
            CREATE TABLE IF NOT EXISTS leads (
                id INTEGER PRIMARY KEY,
                name TEXT NOT NULL,
                company TEXT,
                api_key_encrypted TEXT,
                CONSTRAINT uq_name UNIQUE (name)
            );
            CREATE TABLE companies (id INTEGER PRIMARY KEY, title TEXT);
            """;

        private const string Usings = """
            using System;
            using System.Collections.Generic;
            using System.Data;
            using System.Linq;
            using System.Threading.Tasks;
            using Dapper;
            using Microsoft.Data.Sqlite;

            """;

        private static string Repo(string members) => Usings + """

            public record Lead(int Id, string Name, string Company);

            public class LeadRepository
            {
                private readonly SqliteConnection _db = new SqliteConnection("Data Source=:memory:");

            """ + members + """

            }
            """;

        // ---------------------------------------------------------------- flagged

        [Fact]
        public Task Flags_WithTableAndSecretColumnInTheMessage() => new SteadfastAnalyzerTest<SF3001SelectStarAnalyzer>
        {
            AdditionalFiles = { ("/0/db/001_leads.sql", Schema) },
            TestCode = Repo("""

                    public IEnumerable<Lead> All() => _db.Query<Lead>({|#0:"SELECT * FROM leads"|});
                    public IEnumerable<dynamic> Companies() => _db.Query({|#1:"SELECT * FROM companies"|});
                    public IEnumerable<dynamic> Other() => _db.Query({|#2:"SELECT * FROM audit"|});
                """),
            ExpectedDiagnostics =
            {
                Verify<SF3001SelectStarAnalyzer, SF3001SelectStarCodeFix>.Diagnostic("SF3001").WithLocation(0)
                    .WithMessage("'SELECT *' reads every column of 'leads', secret-looking 'api_key_encrypted' included: list the columns the code uses"),
                Verify<SF3001SelectStarAnalyzer, SF3001SelectStarCodeFix>.Diagnostic("SF3001").WithLocation(1)
                    .WithMessage("'SELECT *' reads every column of 'companies': list the columns the code uses"),
                Verify<SF3001SelectStarAnalyzer, SF3001SelectStarCodeFix>.Diagnostic("SF3001").WithLocation(2)
                    .WithMessage("'SELECT *' reads every column of 'audit': list the columns the code uses"),
            },
        }.RunAsync();

        [Theory]
        // every string form
        [InlineData("public IEnumerable<Lead> A() => _db.Query<Lead>([|\"SELECT * FROM leads\"|]);")]
        [InlineData("public IEnumerable<Lead> A() => _db.Query<Lead>([|@\"SELECT *\n    FROM leads\"|]);")]
        [InlineData("public IEnumerable<Lead> A() => _db.Query<Lead>([|\"\"\"\n        SELECT *\n        FROM leads\n        \"\"\"|]);")]
        [InlineData("public IEnumerable<Lead> A(int id) => _db.Query<Lead>([|$\"SELECT * FROM leads WHERE id = {id}\"|]);")]
        [InlineData("public IEnumerable<Lead> A(string table) => _db.Query<Lead>([|$@\"select * from {table}\"|]);")]
        [InlineData("public IEnumerable<Lead> A() => _db.Query<Lead>([|\"SELECT * \" + \"FROM leads \" + \"WHERE id > 0\"|]);")]
        [InlineData("private const string Sql = [|\"SELECT * FROM leads\"|]; public IEnumerable<Lead> A() => _db.Query<Lead>(Sql);")]
        [InlineData("public IEnumerable<Lead> A() { var sql = [|\"select *\\r\\nfrom leads\"|]; return _db.Query<Lead>(sql); }")]
        [InlineData("public IEnumerable<Lead> A() => _db.Query<Lead>([|\"SELECT /* everything */ * FROM leads -- for now\"|]);")]
        [InlineData("public IEnumerable<Lead> A() => _db.Query<Lead>([|\"SELECT l.* FROM leads l JOIN companies c ON c.id = l.company_id\"|]);")]
        [InlineData("public IEnumerable<Lead> A() => _db.Query<Lead>([|\"SELECT DISTINCT * FROM leads\"|]);")]
        [InlineData("public IEnumerable<Lead> A() => _db.Query<Lead>([|\"SELECT * FROM (SELECT * FROM leads) p\"|]);")]
        // every sink
        [InlineData("public Task<Lead?> A(int id) => _db.QueryFirstOrDefaultAsync<Lead>([|\"SELECT * FROM leads WHERE id = @id\"|], new { id });")]
        [InlineData("public Task<Lead> A(int id) => _db.QuerySingleAsync<Lead>([|\"SELECT * FROM leads WHERE id = @id\"|], new { id });")]
        [InlineData("public void A() { using var grid = _db.QueryMultiple([|\"SELECT * FROM leads; SELECT id FROM companies\"|]); }")]
        [InlineData("public object? A() => _db.ExecuteScalar([|\"SELECT * FROM leads LIMIT 1\"|]);")]
        [InlineData("public IDataReader A() => _db.ExecuteReader([|\"SELECT * FROM leads\"|]);")]
        [InlineData("public void A() { using var cmd = _db.CreateCommand(); cmd.CommandText = [|\"SELECT * FROM leads\"|]; }")]
        [InlineData("public void A() { using var cmd = new SqliteCommand([|\"SELECT * FROM leads\"|], _db); }")]
        // through a helper declared in the same file that hands its parameter to a database call
        [InlineData("public IEnumerable<Lead> A() => Run([|\"SELECT * FROM leads\"|]); private IEnumerable<Lead> Run(string sql) => _db.Query<Lead>(sql);")]
        [InlineData("public void A() => Exec([|\"SELECT * FROM leads\"|]); private void Exec(string text) { using var cmd = _db.CreateCommand(); cmd.CommandText = text; }")]
        // through a local: reassigned with +=, concatenated or interpolated on the way, or one branch of ?: / ??
        [InlineData("public IEnumerable<Lead> A(bool f) { var sql = [|\"SELECT * FROM leads\"|]; if (f) sql += \" WHERE id > 0\"; return _db.Query<Lead>(sql); }")]
        [InlineData("public IEnumerable<Lead> A() { var sql = [|\"SELECT * FROM leads\"|]; return _db.Query<Lead>(sql + \" WHERE id > 0\"); }")]
        [InlineData("public IEnumerable<Lead> A(int n) { var sql = [|\"SELECT * FROM leads\"|]; return _db.Query<Lead>($\"{sql} LIMIT {n}\"); }")]
        [InlineData("public IEnumerable<Lead> A() { string sql; sql = [|\"SELECT * FROM leads\"|]; var text = sql; return _db.Query<Lead>(text); }")]
        [InlineData("public IEnumerable<Lead> A(bool all) => _db.Query<Lead>(all ? [|\"SELECT * FROM leads\"|] : \"SELECT id FROM leads\");")]
        [InlineData("public IEnumerable<Lead> A(string? custom) => _db.Query<Lead>(custom ?? [|\"SELECT * FROM leads\"|]);")]
        [InlineData("public Task<IEnumerable<Lead>> A() { var sql = [|\"SELECT * FROM leads\"|]; return Task.Run(() => _db.Query<Lead>(sql)); }")]
        // through a field of this type: const, static readonly, readonly; used directly or through a local
        [InlineData("private static readonly string Sql = [|\"SELECT * FROM leads\"|]; public IEnumerable<Lead> A() => _db.Query<Lead>(Sql);")]
        [InlineData("private readonly string _sql = [|\"SELECT * FROM leads\"|]; public IEnumerable<Lead> A() => _db.Query<Lead>(_sql);")]
        [InlineData("private const string Sql = [|\"SELECT * FROM leads\"|]; public IEnumerable<Lead> A() { var s = Sql + \" WHERE id = 1\"; return _db.Query<Lead>(s); }")]
        // command shapes: an object initializer, IDbCommand, Dapper's CommandDefinition
        [InlineData("public void A() { using var cmd = new SqliteCommand { CommandText = [|\"SELECT * FROM leads\"|], Connection = _db }; }")]
        [InlineData("public void A() { IDbCommand cmd = _db.CreateCommand(); cmd.CommandText = [|\"SELECT * FROM leads\"|]; }")]
        [InlineData("public IEnumerable<Lead> A() => _db.Query<Lead>(new CommandDefinition([|\"SELECT * FROM leads\"|]));")]
        [InlineData("public Task<int> A() => _db.ExecuteAsync([|\"INSERT INTO archive SELECT * FROM leads\"|]);")]
        [InlineData("public IEnumerable<Lead> A() { var inner = [|\"SELECT * FROM leads\"|]; return _db.Query<Lead>([|$\"SELECT * FROM ({inner}) w\"|]); }")] // the outer select takes every column too (and is flagged itself)
        [InlineData("public IEnumerable<Lead> A() { var inner = [|\"SELECT * FROM leads\"|]; return _db.Query<Lead>($\"{inner} WHERE id IN (SELECT lead_id FROM notes)\"); }")] // not a derived table
        public Task Flags(string members) => VerifySF3001.AnalyzerAsync(Repo(members));

        [Fact]
        public Task Flags_EfCoreAndPostgrestSinks() => VerifySF3001.AnalyzerAsync(Repo("""

                public IQueryable<Lead> Ef(Microsoft.EntityFrameworkCore.DbSet<Lead> set) => Microsoft.EntityFrameworkCore.RelationalQueryableExtensions.FromSqlRaw(set, [|"SELECT * FROM leads"|]);
                public IQueryable<Lead> Interpolated(Microsoft.EntityFrameworkCore.DbSet<Lead> set, int id) => Microsoft.EntityFrameworkCore.RelationalQueryableExtensions.FromSql(set, [|$"SELECT * FROM leads WHERE id = {id}"|]);
                public int Execute(Microsoft.EntityFrameworkCore.DatabaseFacade db) => Microsoft.EntityFrameworkCore.RelationalDatabaseFacadeExtensions.ExecuteSqlRaw(db, [|"INSERT INTO archive SELECT * FROM leads"|]);
                public IQueryable<Lead> Query(Microsoft.EntityFrameworkCore.DatabaseFacade db) => Microsoft.EntityFrameworkCore.RelationalDatabaseFacadeExtensions.SqlQueryRaw<Lead>(db, [|"SELECT * FROM leads"|]);
                public object Rest(Postgrest.Client client) => client.From<Lead>().Select([|"*"|]);
                public object Supa(Supabase.Postgrest.Interfaces.IPostgrestTable<Lead> table) => table.Select([|"id, *"|]);
            """) + """

            namespace Microsoft.EntityFrameworkCore
            {
                public class DbSet<T> { }
                public class DatabaseFacade { }
                public static class RelationalQueryableExtensions
                {
                    public static IQueryable<T> FromSqlRaw<T>(DbSet<T> set, string sql, params object[] parameters) => Enumerable.Empty<T>().AsQueryable();
                    public static IQueryable<T> FromSql<T>(this DbSet<T> set, FormattableString sql) => Enumerable.Empty<T>().AsQueryable();
                }
                public static class RelationalDatabaseFacadeExtensions
                {
                    public static int ExecuteSqlRaw(this DatabaseFacade db, string sql, params object[] parameters) => 0;
                    public static IQueryable<T> SqlQueryRaw<T>(this DatabaseFacade db, string sql, params object[] parameters) => Enumerable.Empty<T>().AsQueryable();
                }
            }
            namespace Postgrest
            {
                public class Client { public Table<T> From<T>() => new Table<T>(); }
                public class Table<T> { public Table<T> Select(string columnQuery) => this; }
            }
            namespace Supabase.Postgrest.Interfaces
            {
                public interface IPostgrestTable<T> { IPostgrestTable<T> Select(string columnQuery); }
            }
            """);

        /// <summary>A field of another type (or another file) handed to a database call is reported at the use, once per use; its declaration is not.</summary>
        [Fact]
        public Task Flags_FieldOfAnotherTypeOrFile_AtTheUse() => new SteadfastAnalyzerTest<SF3001SelectStarAnalyzer>
        {
            Sources =
            {
                Repo("""

                    public IEnumerable<Lead> A() => _db.Query<Lead>([|Queries.AllLeads|]);
                    public IEnumerable<Lead> B() => _db.Query<Lead>([|Queries.Recent|]);
                    public void C() { using var cmd = new SqliteCommand([|Queries.AllLeads|], _db); }
                    public IEnumerable<Lead> D() => _db.Query<Lead>(Queries.Explicit);
                """) + """

                public static class Queries
                {
                    public const string AllLeads = "SELECT * FROM leads";
                    public static readonly string Recent = "SELECT * FROM leads ORDER BY id DESC";
                    public const string Explicit = "SELECT id, name FROM leads";
                    public const string Unused = "SELECT * FROM leads";
                }
                """,
                "using System.Collections.Generic; using System.Data; using Dapper; partial class Split { private const string Sql = \"SELECT * FROM leads\"; }",
                "using System.Collections.Generic; using System.Data; using Dapper; partial class Split { IEnumerable<Lead> A(IDbConnection db) => db.Query<Lead>([|Sql|]); }",
            },
        }.RunAsync();

        // ---------------------------------------------------------------- not flagged

        [Theory]
        [InlineData("public int A() => _db.ExecuteScalar<int>(\"SELECT COUNT(*) FROM leads\");")]
        [InlineData("public bool A() => _db.ExecuteScalar<bool>(\"SELECT EXISTS (SELECT * FROM leads WHERE id = 1)\");")]
        [InlineData("public IEnumerable<Lead> A() => _db.Query<Lead>(\"SELECT id, name, company FROM leads l WHERE NOT EXISTS (SELECT * FROM bans b WHERE b.lead_id = l.id)\");")]
        [InlineData("public IEnumerable<Lead> A() => _db.Query<Lead>(\"SELECT * FROM (SELECT id, name, company FROM leads) p ORDER BY p.id LIMIT 10 OFFSET 20\");")]
        [InlineData("public IEnumerable<Lead> A() => _db.Query<Lead>(\"SELECT id, name FROM leads -- SELECT * FROM leads was slow\");")]
        [InlineData("public IEnumerable<Lead> A() => _db.Query<Lead>(\"SELECT id, name FROM leads /* not SELECT * FROM x */\");")]
        [InlineData("public IEnumerable<Lead> A() => _db.Query<Lead>(\"SELECT id, price * quantity AS total FROM orders\");")]
        [InlineData("public IEnumerable<Lead> A() => _db.Query<Lead>(\"SELECT id FROM leads WHERE note = '*' OR name LIKE 'select * from'\");")]
        [InlineData("public string A() => \"Type select * to pick all the leads\";")]
        [InlineData("public string A() => \"*\";")]
        [InlineData("public IEnumerable<int> A(IEnumerable<int> xs) => xs.Select(x => x * 2);")]
        [InlineData("public string A() => \"SELECT * FROM\" .Length.ToString();")]
        // SQL that reaches no database call: a parser's test input, a log line, help text, prose, a helper that does not query
        [InlineData("public string[] A() => Tokenize(\"SELECT * FROM leads\"); private static string[] Tokenize(string sql) => sql.Split(' ');")]
        [InlineData("public void A() => Console.WriteLine(\"Running SELECT * FROM leads\");")]
        [InlineData("public const string Help = \"Never write SELECT * FROM in production code\";")]
        [InlineData("private const string Example = \"SELECT * FROM leads\"; public string A() => Example;")]
        [InlineData("public void A() { var sql = \"SELECT * FROM leads\"; Console.WriteLine(sql); }")]
        [InlineData("public void A() => Run(\"SELECT * FROM leads\"); private static void Run(string sql) { }")]
        [InlineData("public void A() { var sql = \"SELECT * FROM leads\"; sql = \"SELECT id FROM leads\"; _db.Query<Lead>(\"SELECT id FROM leads\"); }")]
        // the text is not the command text: Dapper's splitOn, a parameter value
        [InlineData("public IEnumerable<Lead> A() => _db.Query<Lead, Lead, Lead>(\"SELECT id, name FROM leads\", (a, b) => a, splitOn: \"SELECT * FROM x\");")]
        [InlineData("public IEnumerable<Lead> A() => _db.Query<Lead>(\"SELECT id, name FROM leads WHERE note = @note\", new { note = \"SELECT * FROM leads\" });")]
        // a paging wrapper over an explicit list; a qualified star over such a derived table; a multiplication in it
        [InlineData("public IEnumerable<Lead> A() => _db.Query<Lead>(\"SELECT * FROM (SELECT id, name, company FROM leads ORDER BY id OFFSET 20 ROWS FETCH NEXT 10 ROWS ONLY) x\");")]
        [InlineData("public IEnumerable<Lead> A() => _db.Query<Lead>(\"SELECT p.* FROM (SELECT id, name, company FROM leads) p\");")]
        [InlineData("public IEnumerable<Lead> A() => _db.Query<Lead>(\"SELECT * FROM (SELECT id, price * qty AS total FROM orders) t\");")]
        [InlineData("public IEnumerable<Lead> A(bool one) { var inner = one ? \"SELECT l.* FROM leads l WHERE l.id = @id\" : \"SELECT l.* FROM leads l\"; return _db.Query<Lead>($\"SELECT w.id, w.name FROM ({inner}) w LEFT JOIN notes n ON n.lead_id = w.id\"); }")] // the star's text is a derived table of a query that lists its columns
        [InlineData("public IEnumerable<Lead> A() { var inner = \"SELECT * FROM leads\"; return _db.Query<Lead>($\"SELECT a.id FROM accounts a JOIN ( {inner} ) w ON w.id = a.lead_id\"); }")]
        public Task DoesNotFlag(string members) => VerifySF3001.AnalyzerAsync(Repo(members));

        /// <summary>A <c>Select(string columns)</c> that is not PostgREST's (decided by the library's symbols, not the parameter's name) is not flagged.</summary>
        [Fact]
        public Task DoesNotFlag_SelectStarOfOtherLibraries() => VerifySF3001.AnalyzerAsync(Repo("""

                public object A(Other.Table t) => t.Select("*");
                public object B(Postgrest.Table<Lead> t) => t.Select("id,name");
            """) + """

            namespace Other { public class Table { public Table Select(string columns) => this; } }
            namespace Postgrest { public class Table<T> { public Table<T> Select(string columnQuery) => this; } }
            """);

        // ---------------------------------------------------------------- fix

        /// <summary>A method of our own named like Dapper's, on a type named like Dapper's, is no database call: not flagged.</summary>
        [Fact]
        public Task DoesNotFlag_LookAlikeOfDapper() => VerifySF3001.AnalyzerAsync(
            """
            using System.Collections.Generic;
            using System.Data;

            public record Lead(int Id, string CompanyName);

            public static class SqlMapper { public static IEnumerable<T> Query<T>(this IDbConnection c, string sql) => new List<T>(); }

            public class LeadRepository
            {
                private readonly IDbConnection _db;
                public LeadRepository(IDbConnection db) => _db = db;
                public IEnumerable<Lead> All() => _db.Query<Lead>("SELECT * FROM leads");
            }
            """);

        /// <summary>Dapper's snake-case switch is recognised by symbol: a look-alike of our own changes nothing.</summary>
        [Fact]
        public Task Fix_LookAlikeOfDefaultTypeMap_IsNotTakenForIt() => VerifySF3001.CodeFixAsync(
            """
            using System.Collections.Generic;
            using System.Data;
            using Dapper;

            public record Lead(int Id, string CompanyName);

            public static class DefaultTypeMap { public static bool MatchNamesWithUnderscores { get; set; } }

            public class LeadRepository
            {
                private readonly IDbConnection _db;
                public LeadRepository(IDbConnection db) { _db = db; DefaultTypeMap.MatchNamesWithUnderscores = true; }
                // MatchNamesWithUnderscores = true in a comment changes nothing either
                public IEnumerable<Lead> All() => _db.Query<Lead>([|"SELECT * FROM leads"|]);
            }
            """,
            """
            using System.Collections.Generic;
            using System.Data;
            using Dapper;

            public record Lead(int Id, string CompanyName);

            public static class DefaultTypeMap { public static bool MatchNamesWithUnderscores { get; set; } }

            public class LeadRepository
            {
                private readonly IDbConnection _db;
                public LeadRepository(IDbConnection db) { _db = db; DefaultTypeMap.MatchNamesWithUnderscores = true; }
                // MatchNamesWithUnderscores = true in a comment changes nothing either
                public IEnumerable<Lead> All() => _db.Query<Lead>("SELECT Id, CompanyName FROM leads");
            }
            """,
            Key);

        [Fact]
        public Task Fix_DapperMappedType() => VerifySF3001.CodeFixAsync(Repo("""

                public IEnumerable<Lead> All() => _db.Query<Lead>([|"SELECT * FROM leads WHERE company IS NOT NULL"|]);
            """), Repo("""

                public IEnumerable<Lead> All() => _db.Query<Lead>("SELECT Id, Name, Company FROM leads WHERE company IS NOT NULL");
            """), Key);

        [Fact]
        public Task Fix_KeepsEveryStringForm_AndItsHoles() => VerifySF3001.CodeFixAsync(Repo(""""

                private const string AllSql = [|"select *  from leads"|];
                public IEnumerable<Lead> A() => _db.Query<Lead>(AllSql);
                public IEnumerable<Lead> B(int id) => _db.Query<Lead>([|$"SELECT * FROM leads WHERE id = {id} AND name <> {"x"}"|]);
                public IEnumerable<Lead> C() => _db.Query<Lead>([|@"SELECT *
                    FROM leads"|]);
                public IEnumerable<Lead> D() => _db.Query<Lead>([|"""
                    SELECT *
                    FROM leads
                    """|]);
                public IEnumerable<Lead> E() => _db.Query<Lead>([|"SELECT * " + "FROM leads"|]);
            """"), Repo(""""

                private const string AllSql = "select Id, Name, Company  from leads";
                public IEnumerable<Lead> A() => _db.Query<Lead>(AllSql);
                public IEnumerable<Lead> B(int id) => _db.Query<Lead>($"SELECT Id, Name, Company FROM leads WHERE id = {id} AND name <> {"x"}");
                public IEnumerable<Lead> C() => _db.Query<Lead>(@"SELECT Id, Name, Company
                    FROM leads");
                public IEnumerable<Lead> D() => _db.Query<Lead>("""
                    SELECT Id, Name, Company
                    FROM leads
                    """);
                public IEnumerable<Lead> E() => _db.Query<Lead>("SELECT Id, Name, Company " + "FROM leads");
            """"), Key);

        [Fact]
        public Task Fix_SnakeCaseFromOption_ColumnAndNotMappedHonoured() => new SteadfastCodeFixTest<SF3001SelectStarAnalyzer, SF3001SelectStarCodeFix>
        {
            EditorConfig = "[*.cs]\nSF3001.column_naming = snake_case",
            TestCode = Usings + """

                public class LeadRow
                {
                    [System.ComponentModel.DataAnnotations.Schema.Column("lead_id")] public int Id { get; set; }
                    public string CompanyName { get; set; } = "";
                    public string APIKeyHint { get; init; } = "";
                    [System.ComponentModel.DataAnnotations.Schema.NotMapped] public string Display => CompanyName;
                    public string Computed => CompanyName;
                }
                class R { public IEnumerable<LeadRow> A(IDbConnection db) => db.Query<LeadRow>([|"SELECT * FROM leads"|]); }
                """,
            FixedCode = Usings + """

                public class LeadRow
                {
                    [System.ComponentModel.DataAnnotations.Schema.Column("lead_id")] public int Id { get; set; }
                    public string CompanyName { get; set; } = "";
                    public string APIKeyHint { get; init; } = "";
                    [System.ComponentModel.DataAnnotations.Schema.NotMapped] public string Display => CompanyName;
                    public string Computed => CompanyName;
                }
                class R { public IEnumerable<LeadRow> A(IDbConnection db) => db.Query<LeadRow>("SELECT lead_id, company_name, api_key_hint FROM leads"); }
                """,
            CodeActionEquivalenceKey = Key,
        }.RunAsync();

        [Fact]
        public Task Fix_SnakeCaseWhenDapperMatchesUnderscores() => VerifySF3001.CodeFixAsync(Repo("""

                static LeadRepository() { DefaultTypeMap.MatchNamesWithUnderscores = true; }
                public IEnumerable<Lead> All() => _db.Query<Lead>([|"SELECT * FROM leads"|]);
            """), Repo("""

                static LeadRepository() { DefaultTypeMap.MatchNamesWithUnderscores = true; }
                public IEnumerable<Lead> All() => _db.Query<Lead>("SELECT id, name, company FROM leads");
            """), Key);

        [Fact]
        public Task Fix_AdoNetReaderReadsByName() => VerifySF3001.CodeFixAsync(Repo("""

                public List<string> Names()
                {
                    using var cmd = _db.CreateCommand();
                    cmd.CommandText = [|"SELECT * FROM leads WHERE company = $company"|];
                    using var reader = cmd.ExecuteReader();
                    var names = new List<string>();
                    while (reader.Read())
                    {
                        names.Add((string)reader["name"] + reader.GetString(reader.GetOrdinal("company")));
                    }

                    return names;
                }
            """), Repo("""

                public List<string> Names()
                {
                    using var cmd = _db.CreateCommand();
                    cmd.CommandText = "SELECT name, company FROM leads WHERE company = $company";
                    using var reader = cmd.ExecuteReader();
                    var names = new List<string>();
                    while (reader.Read())
                    {
                        names.Add((string)reader["name"] + reader.GetString(reader.GetOrdinal("company")));
                    }

                    return names;
                }
            """), Key);

        [Fact]
        public Task Fix_SchemaFile_AliasAndDynamicRows() => new SteadfastCodeFixTest<SF3001SelectStarAnalyzer, SF3001SelectStarCodeFix>
        {
            AdditionalFiles = { ("/0/db/001_leads.sql", Schema), ("/0/db/002_add_source.sql", "ALTER TABLE leads ADD COLUMN source TEXT;\nALTER TABLE leads DROP COLUMN api_key_encrypted;") },
            TestCode = Repo("""

                    public IEnumerable<dynamic> A() => _db.Query([|"SELECT * FROM leads"|]);
                    public IEnumerable<dynamic> B() => _db.Query([|"SELECT c.title, l.* FROM leads l JOIN companies c ON c.id = l.id"|]);
                """),
            FixedCode = Repo("""

                    public IEnumerable<dynamic> A() => _db.Query("SELECT id, name, company, source FROM leads");
                    public IEnumerable<dynamic> B() => _db.Query("SELECT c.title, l.id, l.name, l.company, l.source FROM leads l JOIN companies c ON c.id = l.id");
                """),
            CodeActionEquivalenceKey = Key,
        }.RunAsync();

        [Theory]
        // nothing says which columns: no fix, never an invented column
        [InlineData("public IEnumerable<dynamic> A() => _db.Query([|\"SELECT * FROM leads\"|]);")]
        // a join with a bare star: which table's columns?
        [InlineData("public IEnumerable<Lead> A() => _db.Query<Lead>([|\"SELECT * FROM leads l JOIN companies c ON c.id = l.id\"|]);")]
        // a reader read by position
        [InlineData("public string A() { using var cmd = _db.CreateCommand(); cmd.CommandText = [|\"SELECT * FROM leads\"|]; using var r = cmd.ExecuteReader(); r.Read(); return r.GetString(0); }")]
        // the star sits in a constant declared elsewhere
        [InlineData("private const string Star = \"*\"; public IEnumerable<Lead> A() => _db.Query<Lead>([|\"SELECT \" + Star + \" FROM leads\"|]);")]
        // a constant used by two queries mapped to different types: no one column list is right for both
        [InlineData("public record Row(int Id); private const string Sql = [|\"SELECT * FROM leads\"|]; public IEnumerable<Lead> A() => _db.Query<Lead>(Sql); public IEnumerable<Row> B() => _db.Query<Row>(Sql);")]
        // a field that is not private: code the fix cannot see may read it too
        [InlineData("internal const string Sql = [|\"SELECT * FROM leads\"|]; public IEnumerable<Lead> A() => _db.Query<Lead>(Sql);")]
        [InlineData("public static readonly string Sql = [|\"SELECT * FROM leads\"|]; public IEnumerable<Lead> A() => _db.Query<Lead>(Sql);")]
        // the use of a constant of another type: the text is not here to edit
        [InlineData("public IEnumerable<Lead> A() => _db.Query<Lead>([|Queries.AllLeads|]); public static class Queries { public const string AllLeads = \"SELECT * FROM leads\"; }")]
        public Task Fix_NotOffered(string members) => VerifySF3001.NoCodeFixAsync(Repo(members), Key);

        /// <summary>A private constant read by several queries mapped to the same type: edited where declared, every query sees the same columns.</summary>
        [Fact]
        public Task Fix_PrivateConstantOfSeveralQueries_OneAnswer() => VerifySF3001.CodeFixAsync(Repo("""

                private const string AllSql = [|"SELECT * FROM leads"|];
                public IEnumerable<Lead> A() => _db.Query<Lead>(AllSql);
                public Task<IEnumerable<Lead>> B() => _db.QueryAsync<Lead>(AllSql + " WHERE id > 0");
            """), Repo("""

                private const string AllSql = "SELECT Id, Name, Company FROM leads";
                public IEnumerable<Lead> A() => _db.Query<Lead>(AllSql);
                public Task<IEnumerable<Lead>> B() => _db.QueryAsync<Lead>(AllSql + " WHERE id > 0");
            """), Key);

        [Fact]
        public Task Fix_ThroughAHelperOfTheSameFile() => VerifySF3001.CodeFixAsync(Repo("""

                public IEnumerable<Lead> A() => Run([|"SELECT * FROM leads"|]);
                private IEnumerable<Lead> Run(string sql) => _db.Query<Lead>(sql);
            """), Repo("""

                public IEnumerable<Lead> A() => Run("SELECT Id, Name, Company FROM leads");
                private IEnumerable<Lead> Run(string sql) => _db.Query<Lead>(sql);
            """), Key);

        [Fact]
        public Task FixAll_EveryQueryInEveryDocument() => new SteadfastCodeFixTest<SF3001SelectStarAnalyzer, SF3001SelectStarCodeFix>
        {
            Sources =
            {
                Repo("public IEnumerable<Lead> A() => _db.Query<Lead>([|\"SELECT * FROM leads\"|]); public Task<Lead?> B(int id) => _db.QueryFirstOrDefaultAsync<Lead>([|\"SELECT * FROM leads WHERE id = @id\"|], new { id });"),
                "using System.Collections.Generic; using Dapper; using System.Data; class Other { public IEnumerable<Lead> C(IDbConnection db) => db.Query<Lead>([|\"select * from leads\"|]); }",
            },
            FixedSources =
            {
                Repo("public IEnumerable<Lead> A() => _db.Query<Lead>(\"SELECT Id, Name, Company FROM leads\"); public Task<Lead?> B(int id) => _db.QueryFirstOrDefaultAsync<Lead>(\"SELECT Id, Name, Company FROM leads WHERE id = @id\", new { id });"),
                "using System.Collections.Generic; using Dapper; using System.Data; class Other { public IEnumerable<Lead> C(IDbConnection db) => db.Query<Lead>(\"select Id, Name, Company from leads\"); }",
            },
            CodeActionEquivalenceKey = Key,
        }.RunAsync();
    }
}
