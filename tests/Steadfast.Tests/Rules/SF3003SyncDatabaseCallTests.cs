using System.Threading.Tasks;
using Microsoft.CodeAnalysis.Testing;
using Steadfast.Analyzers.Rules;
using Steadfast.CodeFixes.Internal;
using Steadfast.CodeFixes.Rules;
using Steadfast.Tests.Support;
using Steadfast.Tests.Verification;
using Xunit;
using VerifySF3003 = Steadfast.Tests.Verification.Verify<Steadfast.Analyzers.Rules.SF3003SyncDatabaseCallAnalyzer, Steadfast.CodeFixes.Rules.SF3003SyncDatabaseCallCodeFix>;

namespace Steadfast.Tests.Rules
{
    public sealed class SF3003SyncDatabaseCallTests
    {
        private static readonly string UseAsyncKey = PlannedCodeFixProvider.PreferredKey("SF3003");

        private const string Usings = DatabaseSources.Usings;

        /// <summary>An EF Core model, written without the EF using so that a file can leave it out.</summary>
        private const string Model = """

            public class Lead
            {
                public int Id { get; set; }
                public string Name { get; set; } = "";
                public int Score { get; set; }
            }

            public class AppDb : Microsoft.EntityFrameworkCore.DbContext
            {
                public Microsoft.EntityFrameworkCore.DbSet<Lead> Leads => Set<Lead>();
            }
            """;

        /// <summary>A handler whose method <c>RunAsync</c> (async unless <paramref name="modifiers"/> says otherwise) has <paramref name="body"/>.</summary>
        private static string Handler(string body, string modifiers = "async Task", string usings = Usings) => usings + $$"""
            class Handler
            {
                private readonly object _gate = new object();

                public {{modifiers}} RunAsync(AppDb db, NpgsqlConnection conn, DbConnection dbc, IDbConnection idb, DbCommand cmd, DbDataReader reader, DbTransaction tx, IQueryable<Lead> query, CancellationToken ct)
                {
            {{body}}
                }
            }
            """ + Model;

        // ---------------------------------------------------------------- flagged

        [Theory]
        // Dapper, on a provider the code does not show
        [InlineData("""var rows = [|conn.Query<Lead>("SELECT id FROM leads")|];""")]
        [InlineData("""var rows = [|dbc.Query("SELECT id FROM leads")|];""")]
        [InlineData("""var rows = [|idb.Query<Lead>("SELECT id FROM leads WHERE id = @id", new { id = 1 })|];""")]
        [InlineData("""var one = [|conn.QueryFirst<Lead>("SELECT id FROM leads")|];""")]
        [InlineData("""var one = [|conn.QueryFirstOrDefault<Lead>("SELECT id FROM leads")|];""")]
        [InlineData("""var one = [|conn.QuerySingle<Lead>("SELECT id FROM leads")|];""")]
        [InlineData("""var one = [|conn.QuerySingleOrDefault<Lead>("SELECT id FROM leads")|];""")]
        [InlineData("""var n = [|conn.Execute("DELETE FROM leads WHERE id = @id", new { id = 1 })|];""")]
        [InlineData("""var n = [|conn.ExecuteScalar<int>("SELECT count(*) FROM leads")|];""")]
        [InlineData("""using var grid = [|conn.QueryMultiple("SELECT 1; SELECT 2")|];""")]
        [InlineData("""var rows = [|SqlMapper.Query<Lead>(conn, "SELECT id FROM leads")|];""")]
        // ADO.NET
        [InlineData("""[|conn.Open()|];""")]
        [InlineData("""[|dbc.Open()|];""")]
        [InlineData("""using var command = conn.CreateCommand(); command.CommandText = "DELETE FROM leads"; [|command.ExecuteNonQuery()|];""")]
        [InlineData("""var n = [|cmd.ExecuteScalar()|];""")]
        [InlineData("""using var r = [|cmd.ExecuteReader()|]; while ([|r.Read()|]) { } [|r.NextResult()|];""")]
        [InlineData("""using var r = [|cmd.ExecuteReader(CommandBehavior.SingleRow)|];""")]
        [InlineData("""while ([|reader.Read()|]) { }""")]
        [InlineData("""[|tx.Commit()|];""")]
        [InlineData("""[|tx.Rollback()|];""")]
        // EF Core: the context and DbSet
        [InlineData("""[|db.SaveChanges()|];""")]
        [InlineData("""[|db.SaveChanges(acceptAllChangesOnSuccess: false)|];""")]
        [InlineData("""var lead = [|db.Leads.Find(1)|];""")]
        [InlineData("""var lead = [|db.Find<Lead>(1)|];""")]
        // EF Core: operators that run a query from the context
        [InlineData("""var all = [|db.Leads.ToList()|];""")]
        [InlineData("""var all = [|db.Leads.ToArray()|];""")]
        [InlineData("""var byId = [|db.Leads.ToDictionary(l => l.Id)|];""")]
        [InlineData("""var ids = [|db.Leads.Select(l => l.Id).ToHashSet()|];""")]
        [InlineData("""var one = [|db.Leads.First()|];""")]
        [InlineData("""var one = [|db.Leads.First(l => l.Id == 1)|];""")]
        [InlineData("""var one = [|db.Leads.FirstOrDefault(l => l.Id == 1)|];""")]
        [InlineData("""var one = [|db.Leads.Single(l => l.Id == 1)|];""")]
        [InlineData("""var one = [|db.Leads.SingleOrDefault()|];""")]
        [InlineData("""var one = [|db.Leads.OrderBy(l => l.Id).Last()|];""")]
        [InlineData("""var one = [|db.Leads.OrderBy(l => l.Id).LastOrDefault(l => l.Score > 1)|];""")]
        [InlineData("""var any = [|db.Leads.Any(l => l.Score > 90)|];""")]
        [InlineData("""var all = [|db.Leads.All(l => l.Score > 0)|];""")]
        [InlineData("""var n = [|db.Leads.Count()|];""")]
        [InlineData("""var n = [|db.Leads.LongCount(l => l.Score > 1)|];""")]
        [InlineData("""var n = [|db.Leads.Min(l => l.Score)|];""")]
        [InlineData("""var n = [|db.Leads.Max(l => l.Score)|];""")]
        [InlineData("""var n = [|db.Leads.Sum(l => l.Score)|];""")]
        [InlineData("""var n = [|db.Leads.Select(l => l.Score).Sum()|];""")]
        [InlineData("""var n = [|db.Leads.Average(l => l.Score)|];""")]
        [InlineData("""var has = [|db.Leads.Select(l => l.Id).Contains(7)|];""")]
        [InlineData("""var top = [|db.Leads.Where(l => l.Score > 1).OrderBy(l => l.Name).Take(10).ToList()|];""")]
        [InlineData("""var top = [|db.Leads.AsNoTracking().Where(l => l.Score > 1).ToList()|];""")]
        [InlineData("""var top = [|db.Set<Lead>().ToList()|];""")]
        [InlineData("""var top = [|db.Leads.FromSqlRaw("SELECT * FROM leads").ToList()|];""")]
        [InlineData("""var q = db.Leads.Where(l => l.Score > 1); var top = [|q.ToList()|];""")]
        [InlineData("""var top = [|(from l in db.Leads where l.Score > 1 select l.Name).ToList()|];""")]
        // async lambdas and local functions inside a synchronous or asynchronous method
        [InlineData("""Func<Task> save = async () => { await Task.Yield(); [|db.SaveChanges()|]; };""")]
        [InlineData("""async Task<int> CountAsync() { await Task.Yield(); return [|db.Leads.Count()|]; } var n = await CountAsync();""")]
        [InlineData("""Func<int, Task> save = async id => { await Task.Yield(); [|conn.Execute("DELETE FROM leads WHERE id = @id", new { id })|]; };""")]
        public Task Flags_SyncDatabaseCallInAsyncCode(string body) => VerifySF3003.AnalyzerAsync(Handler(body + "\nawait Task.Yield();"));

        [Theory]
        [InlineData("""Func<Task> save = async () => { await Task.Yield(); [|db.SaveChanges()|]; };""")]
        [InlineData("""async Task SaveAsync() { await Task.Yield(); [|db.SaveChanges()|]; } SaveAsync().Wait();""")]
        public Task Flags_AsyncFunctionInsideASynchronousMethod(string body) => VerifySF3003.AnalyzerAsync(Handler(body, modifiers: "void"));

        [Fact]
        public Task Flags_Message() => VerifySF3003.AnalyzerAsync(
            Handler("""{|#0:db.SaveChanges()|}; await Task.Yield();"""),
            VerifySF3003.Diagnostic("SF3003").WithLocation(0).WithArguments("SaveChanges", "SaveChangesAsync"));

        [Fact]
        public Task Flags_TopLevelStatements() => new SteadfastAnalyzerTest<SF3003SyncDatabaseCallAnalyzer>
        {
            OutputKind = Microsoft.CodeAnalysis.OutputKind.ConsoleApplication,
            TestCode = Usings + """
                await using var conn = new NpgsqlConnection("Host=db");
                [|conn.Open()|];
                await Task.Yield();
                """ + Model,
        }.RunAsync();

        /// <summary>EF Core's provider is judged per type: this context configures SQLite, the handler beside it does not show one.</summary>
        [Fact]
        public Task Flags_EfCore_InATypeThatDoesNotShowItsProvider_NotInTheSqliteContext() => VerifySF3003.AnalyzerAsync(Usings + """
            public class Lead { public int Id { get; set; } }

            public class LocalDb : DbContext
            {
                public DbSet<Lead> Leads => Set<Lead>();
                protected override void OnConfiguring(DbContextOptionsBuilder options) => options.UseSqlite("Data Source=leads.db");
                public async Task<int> PurgeAsync() { await Task.Yield(); Leads.RemoveRange(Leads.ToList()); return SaveChanges(); }
            }

            public class Handler
            {
                public async Task<int> PurgeAsync(LocalDb db) { await Task.Yield(); db.Leads.RemoveRange([|db.Leads.ToList()|]); return [|db.SaveChanges()|]; }
            }
            """);

        // ---------------------------------------------------------------- not flagged

        [Theory]
        // already async
        [InlineData("""await db.SaveChangesAsync(ct); var all = await db.Leads.ToListAsync(ct); await conn.OpenAsync(ct); var rows = await conn.QueryAsync<Lead>("SELECT id FROM leads");""")]
        // SQLite: its async methods run synchronously, the code shows the provider
        [InlineData("""using var sqlite = new SqliteConnection("Data Source=leads.db"); sqlite.Open(); var rows = sqlite.Query<Lead>("SELECT id FROM leads"); sqlite.Execute("DELETE FROM leads");""")]
        [InlineData("""using var sqlite = new SqliteConnection("Data Source=leads.db"); using var command = sqlite.CreateCommand(); command.ExecuteNonQuery(); using var r = command.ExecuteReader(); while (r.Read()) { } using var t = sqlite.BeginTransaction(); t.Commit();""")]
        [InlineData("""DbConnection local = new SqliteConnection("Data Source=leads.db"); local.Open(); var rows = local.Query<Lead>("SELECT id FROM leads");""")]
        [InlineData("""IDbConnection local = new SqliteConnection("Data Source=leads.db"); var n = local.ExecuteScalar<int>("SELECT 1");""")]
        // EF Core calls that only track entities, and operators that build a query without running it
        [InlineData("""db.Add(new Lead()); db.Leads.Add(new Lead()); db.Leads.AddRange(new Lead(), new Lead()); db.Attach(new Lead()); db.Leads.Remove(new Lead());""")]
        [InlineData("""var q = db.Leads.Where(l => l.Score > 1).OrderBy(l => l.Name).Select(l => l.Id).Skip(1).Take(5);""")]
        // LINQ to objects, and queries the code does not show come from a context
        [InlineData("""var list = new List<Lead>(); var copy = list.ToList(); var first = list.First(); var n = list.Count(); var any = list.Any(l => l.Score > 1);""")]
        [InlineData("""var local = new List<Lead>().AsQueryable(); var copy = local.ToList(); var n = local.Count();""")]
        [InlineData("""var fromParameter = query.ToList();""")]
        [InlineData("""var inMemory = db.Leads.Local.ToList();""")]
        // methods without an async counterpart that fits the call
        [InlineData("""var one = db.Leads.FirstOrDefault(new Lead());""")]
        [InlineData("""idb.Open(); conn.Close(); cmd.Prepare();""")]
        // inside a lock, or a lambda that is not async
        [InlineData("""lock (_gate) { conn.Open(); db.SaveChanges(); }""")]
        [InlineData("""Func<int> save = () => db.SaveChanges(); Action open = () => conn.Open(); var n = await Task.Run(() => db.Leads.Count());""")]
        [InlineData("""var busy = db.Leads.Where(l => db.Leads.Any(o => o.Score > l.Score)).Select(l => l.Id);""")]
        public Task DoesNotFlag_LookAlikes(string body) => VerifySF3003.AnalyzerAsync(Handler(body + "\nawait Task.Yield();"));

        [Theory]
        [InlineData("""conn.Open(); db.SaveChanges(); var all = db.Leads.ToList(); var rows = conn.Query<Lead>("SELECT id FROM leads");""", "void")]
        [InlineData("""conn.Open(); return Task.FromResult(db.Leads.Count());""", "Task<int>")]
        public Task DoesNotFlag_SynchronousMethods(string body, string returnType) => VerifySF3003.AnalyzerAsync(Handler(body, modifiers: returnType));

        [Fact]
        public Task DoesNotFlag_EfCore_InTheTypeThatConfiguresSqlite() => VerifySF3003.AnalyzerAsync(Usings + """
            public class Lead { public int Id { get; set; } }

            public class LocalDb : DbContext
            {
                public DbSet<Lead> Leads => Set<Lead>();
                protected override void OnConfiguring(DbContextOptionsBuilder options) => options.UseSqlite("Data Source=leads.db");
                public async Task<int> PurgeAsync() { await Task.Yield(); Leads.RemoveRange(Leads.ToList()); return SaveChanges(); }
            }

            public class Seeder
            {
                public async Task SeedAsync()
                {
                    var options = new DbContextOptionsBuilder<LocalDb>().UseSqlite("Data Source=leads.db").Options;
                    await Task.Yield();
                    using var db = new LocalDb();
                    db.Leads.Add(new Lead());
                    db.SaveChanges();
                    var n = db.Leads.Count();
                }
            }
            """);

        // ---------------------------------------------------------------- test code

        private const string TestMethod = """
            namespace Xunit { public class FactAttribute : System.Attribute { } }

            public class LeadTests
            {
                [Xunit.Fact]
                public async Task Saves(AppDb db) { await Task.Yield(); MARK; }
            }
            """;

        [Theory]
        [InlineData("", false)]
        [InlineData("[*.cs]\nSF3003.include_test_code = true", true)]
        [InlineData("[*.cs]\nSF3003.include_test_code = false", false)]
        [InlineData("[*.cs]\nSF3003.include_test_code = sometimes", false)] // does not parse: the default
        public Task Option_IncludeTestCode(string editorConfig, bool reports) => new SteadfastAnalyzerTest<SF3003SyncDatabaseCallAnalyzer>
        {
            EditorConfig = editorConfig.Length == 0 ? null : editorConfig,
            TestCode = Usings + TestMethod.Replace("MARK", reports ? "[|db.SaveChanges()|]" : "db.SaveChanges()", System.StringComparison.Ordinal) + Model,
        }.RunAsync();

        // ---------------------------------------------------------------- the fix

        [Theory]
        // EF Core, with the token parameter
        [InlineData("[|db.SaveChanges()|];", "await db.SaveChangesAsync(ct);")]
        [InlineData("[|db.SaveChanges(false)|];", "await db.SaveChangesAsync(false, ct);")]
        [InlineData("var all = [|db.Leads.ToList()|];", "var all = await db.Leads.ToListAsync(ct);")]
        [InlineData("var one = [|db.Leads.First(l => l.Id == 1)|];", "var one = await db.Leads.FirstAsync(l => l.Id == 1, ct);")]
        [InlineData("var n = [|db.Leads.Where(l => l.Score > 1).Count()|];", "var n = await db.Leads.Where(l => l.Score > 1).CountAsync(ct);")]
        [InlineData("var byId = [|db.Leads.ToDictionary(l => l.Id)|];", "var byId = await db.Leads.ToDictionaryAsync(l => l.Id, ct);")]
        [InlineData("var n = [|db.Leads.Select(l => l.Score).Sum()|];", "var n = await db.Leads.Select(l => l.Score).SumAsync(ct);")]
        [InlineData("var lead = [|db.Leads.Find(1)|];", "var lead = await db.Leads.FindAsync(1);")]
        // the result used further: parentheses
        [InlineData("var n = [|db.Leads.ToList()|].Count;", "var n = (await db.Leads.ToListAsync(ct)).Count;")]
        [InlineData("var name = [|db.Leads.First()|].Name;", "var name = (await db.Leads.FirstAsync(ct)).Name;")]
        [InlineData("if (![|db.Leads.Any()|]) { return; }", "if (!await db.Leads.AnyAsync(ct)) { return; }")]
        // ADO.NET, with the token
        [InlineData("[|conn.Open()|];", "await conn.OpenAsync(ct);")]
        [InlineData("using var r = [|cmd.ExecuteReader()|];", "using var r = await cmd.ExecuteReaderAsync(ct);")]
        [InlineData("using var command = conn.CreateCommand(); using var r = [|command.ExecuteReader()|];", "using var command = conn.CreateCommand(); using var r = await command.ExecuteReaderAsync(ct);")]
        [InlineData("while ([|reader.Read()|]) { }", "while (await reader.ReadAsync(ct)) { }")]
        [InlineData("var n = [|cmd.ExecuteNonQuery()|] + 1;", "var n = await cmd.ExecuteNonQueryAsync(ct) + 1;")]
        [InlineData("[|tx.Commit()|];", "await tx.CommitAsync(ct);")]
        // Dapper: its async methods take no token (only through a CommandDefinition)
        [InlineData("""var rows = [|conn.Query<Lead>("SELECT id FROM leads")|];""", """var rows = await conn.QueryAsync<Lead>("SELECT id FROM leads");""")]
        [InlineData("""var n = [|idb.Execute("DELETE FROM leads", commandTimeout: 5)|];""", """var n = await idb.ExecuteAsync("DELETE FROM leads", commandTimeout: 5);""")]
        [InlineData("""var rows = [|SqlMapper.Query<Lead>(conn, "SELECT id FROM leads")|];""", """var rows = await SqlMapper.QueryAsync<Lead>(conn, "SELECT id FROM leads");""")]
        public Task Fix_UseAsync_WithTheToken(string before, string after) =>
            VerifySF3003.CodeFixAsync(Handler(before + "\nawait Task.Yield();"), Handler(after + "\nawait Task.Yield();"), UseAsyncKey);

        [Fact]
        public Task Fix_UseAsync_WithoutAToken() => VerifySF3003.CodeFixAsync(
            Usings + """
            class Handler
            {
                public async Task<int> RunAsync(AppDb db)
                {
                    await Task.Yield();
                    [|db.SaveChanges()|];
                    return [|db.Leads.Count()|];
                }
            }
            """ + Model,
            Usings + """
            class Handler
            {
                public async Task<int> RunAsync(AppDb db)
                {
                    await Task.Yield();
                    await db.SaveChangesAsync();
                    return await db.Leads.CountAsync();
                }
            }
            """ + Model,
            UseAsyncKey);

        [Fact]
        public Task Fix_UseAsync_TokenFromALocalOrALambda() => VerifySF3003.CodeFixAsync(
            Usings + """
            class Handler
            {
                public async Task RunAsync(AppDb db, CancellationTokenSource cts)
                {
                    var token = cts.Token;
                    [|db.SaveChanges()|];
                    Func<CancellationToken, Task> save = async cancel => { await Task.Yield(); [|db.SaveChanges()|]; };
                    await save(token);
                }
            }
            """ + Model,
            Usings + """
            class Handler
            {
                public async Task RunAsync(AppDb db, CancellationTokenSource cts)
                {
                    var token = cts.Token;
                    await db.SaveChangesAsync(token);
                    Func<CancellationToken, Task> save = async cancel => { await Task.Yield(); await db.SaveChangesAsync(cancel); };
                    await save(token);
                }
            }
            """ + Model,
            UseAsyncKey);

        /// <summary>A file without <c>using Microsoft.EntityFrameworkCore;</c>: the fix adds it for the operator's async form.</summary>
        [Fact]
        public Task Fix_UseAsync_AddsTheEfCoreUsing() => VerifySF3003.CodeFixAsync(
            """
            using System.Linq;
            using System.Threading;
            using System.Threading.Tasks;

            class Handler
            {
                public async Task<int> CountAsync(AppDb db, CancellationToken ct)
                {
                    await Task.Yield();
                    return [|db.Leads.Where(l => l.Score > 1).ToList()|].Count;
                }
            }
            """ + Model,
            """
            using System.Linq;
            using System.Threading;
            using System.Threading.Tasks;
            using Microsoft.EntityFrameworkCore;

            class Handler
            {
                public async Task<int> CountAsync(AppDb db, CancellationToken ct)
                {
                    await Task.Yield();
                    return (await db.Leads.Where(l => l.Score > 1).ToListAsync(ct)).Count;
                }
            }
            """ + Model,
            UseAsyncKey);

        [Theory]
        [InlineData("""try { await Task.Yield(); } catch (Exception) when ([|db.Leads.Any()|]) { }""")] // no await in a catch filter
        [InlineData("""var n = [|Queryable.Count(db.Leads)|];""")] // an EF operator in static form
        public Task Fix_NotOffered(string body) => VerifySF3003.NoCodeFixAsync(Handler(body + "\nawait Task.Yield();"), UseAsyncKey);

        [Fact]
        public Task FixAll_SeveralDocuments() => new SteadfastCodeFixTest<SF3003SyncDatabaseCallAnalyzer, SF3003SyncDatabaseCallCodeFix>
        {
            CodeActionEquivalenceKey = UseAsyncKey,
            TestState =
            {
                Sources =
                {
                    """
                    using System.Linq;
                    using System.Threading;
                    using System.Threading.Tasks;

                    class Leads
                    {
                        public async Task<int> TopAsync(AppDb db, CancellationToken ct)
                        {
                            await Task.Yield();
                            var top = [|db.Leads.OrderBy(l => l.Score).First()|];
                            var all = [|db.Leads.ToList()|];
                            [|db.SaveChanges()|];
                            return top.Id + all.Count;
                        }
                    }
                    """ + Model,
                    """
                    using System.Data.Common;
                    using System.Threading.Tasks;
                    using Dapper;

                    class Report
                    {
                        public async Task<int> RunAsync(DbConnection conn)
                        {
                            [|conn.Open()|];
                            var n = [|conn.ExecuteScalar<int>("SELECT count(*) FROM leads")|];
                            await Task.Yield();
                            return n;
                        }
                    }
                    """,
                },
            },
            FixedState =
            {
                Sources =
                {
                    """
                    using System.Linq;
                    using System.Threading;
                    using System.Threading.Tasks;
                    using Microsoft.EntityFrameworkCore;

                    class Leads
                    {
                        public async Task<int> TopAsync(AppDb db, CancellationToken ct)
                        {
                            await Task.Yield();
                            var top = await db.Leads.OrderBy(l => l.Score).FirstAsync(ct);
                            var all = await db.Leads.ToListAsync(ct);
                            await db.SaveChangesAsync(ct);
                            return top.Id + all.Count;
                        }
                    }
                    """ + Model,
                    """
                    using System.Data.Common;
                    using System.Threading.Tasks;
                    using Dapper;

                    class Report
                    {
                        public async Task<int> RunAsync(DbConnection conn)
                        {
                            await conn.OpenAsync();
                            var n = await conn.ExecuteScalarAsync<int>("SELECT count(*) FROM leads");
                            await Task.Yield();
                            return n;
                        }
                    }
                    """,
                },
            },
        }.RunAsync();
    }
}
