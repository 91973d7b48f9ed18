using System.Collections.Immutable;
using System.Linq;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Testing;
using Steadfast.Analyzers.Rules;
using Steadfast.CodeFixes.Internal;
using Steadfast.CodeFixes.Rules;
using Steadfast.Tests.Support;
using Steadfast.Tests.Verification;
using Xunit;
using VerifySF3002 = Steadfast.Tests.Verification.Verify<Steadfast.Analyzers.Rules.SF3002QueryInLoopAnalyzer, Steadfast.CodeFixes.Rules.SF3002QueryInLoopCodeFix>;

namespace Steadfast.Tests.Rules
{
    public sealed class SF3002QueryInLoopTests
    {
        /// <summary>
        /// The key a diagnostic's first applicable fix is registered under (<see cref="PlannedCodeFixProvider"/>): for the
        /// SaveChanges shape, "Save once after the loop" (<see cref="SF3002QueryInLoopCodeFix.SaveOnceKey"/>).
        /// </summary>
        private static readonly string PreferredKey = PlannedCodeFixProvider.PreferredKey("SF3002");

        private const string Usings = DatabaseSources.Usings;

        private const string Model = """

            public class Lead
            {
                public int Id { get; set; }
                public string Name { get; set; } = "";
                public int Score { get; set; }
                public int OwnerId { get; set; }
            }

            public class Activity
            {
                public int Id { get; set; }
                public int LeadId { get; set; }
                public string Text { get; set; } = "";
            }

            public class Tenant
            {
                public string ConnectionString { get; set; } = "";
            }

            public class AppDb : DbContext
            {
                public AppDb() { }
                public AppDb(string connectionString) { }
                public DbSet<Lead> Leads => Set<Lead>();
                public DbSet<Activity> Activities => Set<Activity>();
            }
            """;

        /// <summary>A handler whose async method has <paramref name="body"/>.</summary>
        private static string Handler(string body) => Usings + $$"""
            class Handler
            {
                public async Task RunAsync(AppDb db, NpgsqlConnection conn, DbConnection dbc, IDbConnection idb, List<Lead> leads, Activity[] activities,
                    int[] ids, IAsyncEnumerable<Lead> stream, Tenant[] tenants, CancellationToken ct)
                {
            {{body}}
                    await Task.Yield();
                }
            }
            """ + Model;

        // ---------------------------------------------------------------- flagged

        [Theory]
        // Dapper: a parameter object (or the SQL) from the item, sync and async, in every kind of loop
        [InlineData("""foreach (var lead in leads) { var a = [|conn.QuerySingle<Activity>("SELECT id, lead_id, text FROM activities WHERE lead_id = @id", new { id = lead.Id })|]; }""")]
        [InlineData("""foreach (var lead in leads) { var a = await [|conn.QueryFirstOrDefaultAsync<Activity>("SELECT id FROM activities WHERE lead_id = @id", new { id = lead.Id })|]; }""")]
        [InlineData("""foreach (var lead in leads) { var a = (await [|conn.QueryAsync<Activity>("SELECT id FROM activities WHERE lead_id = @id", new { id = lead.Id })|]).ToList(); }""")]
        [InlineData("""foreach (var lead in leads) [|conn.Execute("UPDATE leads SET score = @Score WHERE id = @Id", lead)|];""")]
        [InlineData("""foreach (var id in ids) { var n = [|dbc.ExecuteScalar<int>("SELECT count(*) FROM activities WHERE lead_id = @id", new { id })|]; }""")]
        [InlineData("""foreach (var id in ids) { var rows = [|idb.Query<Lead>($"SELECT id FROM leads WHERE owner_id = {id}")|]; }""")]
        // the item fills a value of an interpolated text (after WHERE/SET/VALUES), directly or through a CommandDefinition: the same query N times
        [InlineData("""foreach (var lead in leads) { var command = new CommandDefinition(commandText: $"SELECT id, text FROM activities WHERE lead_id = {lead.Id}"); var rows = await [|conn.QueryAsync(command)|]; }""")]
        [InlineData("""foreach (var lead in leads) { var command = new CommandDefinition($"SELECT id, text FROM activities WHERE lead_id = @id", new { id = lead.Id }); var rows = await [|conn.QueryAsync(command)|]; }""")]
        [InlineData("""foreach (var lead in leads) [|conn.Execute($"UPDATE leads SET name = '{lead.Name}' WHERE id = @id", new { id = lead.Id })|];""")]
        [InlineData("""foreach (var id in ids) { var sql = "SELECT id FROM leads WHERE owner_id = " + id; var rows = [|idb.Query<Lead>(sql)|]; }""")]
        [InlineData("""foreach (var (id, name) in leads.Select(l => (l.Id, l.Name))) [|conn.Execute("UPDATE leads SET name = @name WHERE id = @id", new { id, name })|];""")]
        [InlineData("""for (var i = 0; i < ids.Length; i++) { var lead = [|conn.QuerySingle<Lead>("SELECT id FROM leads WHERE id = @id", new { id = ids[i] })|]; }""")]
        [InlineData("""var i = 0; while (i < ids.Length) { [|conn.Execute("DELETE FROM leads WHERE id = @id", new { id = ids[i] })|]; i++; }""")]
        [InlineData("""var i = 0; do { [|conn.Execute("DELETE FROM leads WHERE id = @id", new { id = ids[i] })|]; i++; } while (i < ids.Length);""")]
        [InlineData("""await foreach (var lead in stream) { await [|conn.ExecuteAsync("DELETE FROM activities WHERE lead_id = @id", new { id = lead.Id })|]; }""")]
        [InlineData("""using var reader = dbc.ExecuteReader("SELECT id FROM leads"); while (reader.Read()) { var id = reader.GetInt32(0); [|conn.Execute("DELETE FROM activities WHERE lead_id = @id", new { id })|]; }""")]
        [InlineData("""var key = new Dictionary<int, Lead>(); foreach (var a in activities) { if (!key.TryGetValue(a.LeadId, out var lead)) { lead = [|conn.QuerySingle<Lead>("SELECT id FROM leads WHERE id = @id", new { id = a.LeadId })|]; } }""")]
        // LINQ lambdas that run per item
        [InlineData("""var all = leads.Select(l => [|conn.QuerySingle<Activity>("SELECT id FROM activities WHERE lead_id = @id", new { id = l.Id })|]).ToList();""")]
        [InlineData("""var all = await Task.WhenAll(leads.Select(async l => await [|conn.QueryAsync<Activity>("SELECT id FROM activities WHERE lead_id = @id", new { id = l.Id })|]));""")]
        [InlineData("""leads.ForEach(l => [|conn.Execute("DELETE FROM activities WHERE lead_id = @id", new { id = l.Id })|]);""")]
        [InlineData("""await Parallel.ForEachAsync(leads, ct, async (l, token) => await [|conn.ExecuteAsync("DELETE FROM activities WHERE lead_id = @id", new { id = l.Id })|]);""")]
        // ADO.NET: a parameter, the text or the command from the item
        [InlineData("""using var command = dbc.CreateCommand(); command.CommandText = "SELECT name FROM leads WHERE id = @id"; var p = command.CreateParameter(); p.ParameterName = "id"; command.Parameters.Add(p); foreach (var id in ids) { p.Value = id; var name = [|command.ExecuteScalar()|]; }""")]
        [InlineData("""foreach (var id in ids) { using var command = new NpgsqlCommand("DELETE FROM leads WHERE id = @id", conn); command.Parameters.AddWithValue("id", id); [|command.ExecuteNonQuery()|]; }""")]
        [InlineData("""foreach (var id in ids) { using var command = conn.CreateCommand(); command.CommandText = "DELETE FROM leads WHERE id = " + id; await [|command.ExecuteNonQueryAsync(ct)|]; }""")]
        [InlineData("""using var command = conn.CreateCommand(); command.CommandText = "SELECT name FROM leads WHERE id = @id"; foreach (var id in ids) { command.Parameters["id"].Value = id; using var r = await [|command.ExecuteReaderAsync(ct)|]; }""")]
        // EF Core: Find, the operators on a DbSet with a predicate from the item
        [InlineData("""foreach (var id in ids) { var lead = [|db.Leads.Find(id)|]; }""")]
        [InlineData("""foreach (var id in ids) { var lead = await [|db.Leads.FindAsync(id)|]; }""")]
        [InlineData("""foreach (var a in activities) { var lead = [|db.Find<Lead>(a.LeadId)|]; }""")]
        [InlineData("""foreach (var a in activities) { var lead = [|db.Leads.First(l => l.Id == a.LeadId)|]; }""")]
        [InlineData("""foreach (var a in activities) { var lead = await [|db.Leads.SingleOrDefaultAsync(l => l.Id == a.LeadId, ct)|]; }""")]
        [InlineData("""foreach (var lead in leads) { var acts = [|db.Activities.Where(x => x.LeadId == lead.Id).ToList()|]; }""")]
        [InlineData("""foreach (var lead in leads) { var acts = await [|db.Activities.Where(x => x.LeadId == lead.Id).OrderBy(x => x.Id).ToListAsync(ct)|]; }""")]
        [InlineData("""foreach (var lead in leads) { if (await [|db.Activities.AnyAsync(x => x.LeadId == lead.Id, ct)|]) { } }""")]
        [InlineData("""foreach (var lead in leads) { var n = [|db.Activities.Count(x => x.LeadId == lead.Id)|]; }""")]
        [InlineData("""foreach (var lead in leads) { var q = db.Activities.Where(x => x.LeadId == lead.Id); var list = [|q.ToList()|]; }""")]
        [InlineData("""foreach (var lead in leads) { var texts = [|(from x in db.Activities where x.LeadId == lead.Id select x.Text).ToArray()|]; }""")]
        // EF Core: a save per item in a loop that adds or changes entities
        [InlineData("""foreach (var lead in leads) { db.Leads.Add(lead); [|db.SaveChanges()|]; }""")]
        [InlineData("""foreach (var lead in leads) { db.Add(new Activity { LeadId = lead.Id, Text = "imported" }); await [|db.SaveChangesAsync(ct)|]; }""")]
        [InlineData("""foreach (var lead in db.Leads.ToList()) { lead.Score++; await [|db.SaveChangesAsync(ct)|]; }""")]
        [InlineData("""foreach (var lead in leads) { var entity = db.Leads.Local.First(); entity.Score = lead.Score; db.Update(entity); [|db.SaveChanges()|]; }""")]
        [InlineData("""leads.ForEach(l => { db.Leads.Add(l); [|db.SaveChanges()|]; });""")]
        // nested loops: one diagnostic, on the loop the query depends on
        [InlineData("""foreach (var lead in leads) foreach (var id in ids) [|conn.Execute("INSERT INTO links (lead_id, other_id) VALUES (@a, @b)", new { a = lead.Id, b = id })|];""")]
        [InlineData("""foreach (var lead in leads) { foreach (var kind in new[] { "call", "mail" }) { [|conn.Execute("INSERT INTO tasks (lead_id, kind) VALUES (@id, @kind)", new { id = lead.Id, kind })|]; } }""")]
        public Task Flags_QueryPerItem(string body) => VerifySF3002.AnalyzerAsync(Handler(body));

        [Fact]
        public Task Flags_Message() => VerifySF3002.AnalyzerAsync(
            Handler("""foreach (var lead in leads) { var a = {|#0:conn.QuerySingle<Activity>("SELECT id FROM activities WHERE lead_id = @id", new { id = lead.Id })|}; }"""),
            VerifySF3002.Diagnostic("SF3002").WithLocation(0).WithArguments("QuerySingle", "foreach (var lead in leads)", "load all the keys in one query before the loop").WithOptions(DiagnosticOptions.IgnoreAdditionalLocations));

        [Fact]
        public Task Flags_Message_SaveAndOther() => VerifySF3002.AnalyzerAsync(
            Handler("""
                while (ids.Length > 0)
                {
                    var rows = {|#0:conn.Query<Lead>("SELECT l.id FROM leads l JOIN owners o ON o.id = l.owner_id WHERE o.id = @id", new { id = ids[0] })|};
                    ids = ids.Skip(1).ToArray();
                }
                foreach (var lead in leads) { lead.Score = 0; {|#1:db.SaveChanges()|}; }
                """),
            VerifySF3002.Diagnostic("SF3002").WithLocation(0).WithArguments("Query", "while (ids.Length > 0)", "query all the items at once (a JOIN, Include or IN)").WithOptions(DiagnosticOptions.IgnoreAdditionalLocations),
            VerifySF3002.Diagnostic("SF3002").WithLocation(1).WithArguments("SaveChanges", "foreach (var lead in leads)", "save once after the loop").WithOptions(DiagnosticOptions.IgnoreAdditionalLocations));

        [Fact]
        public Task Flags_TopLevelStatements() => new SteadfastAnalyzerTest<SF3002QueryInLoopAnalyzer>
        {
            OutputKind = OutputKind.ConsoleApplication,
            TestCode = Usings + """
                await using var conn = new NpgsqlConnection("Host=db");
                foreach (var id in new List<int>(args.Select(int.Parse)))
                {
                    await [|conn.ExecuteAsync("DELETE FROM leads WHERE id = @id", new { id })|];
                }
                """ + Model,
        }.RunAsync();

        // ---------------------------------------------------------------- the contract the fixes read

        public static TheoryData<string, string, string, string> ContractCases => new()
        {
            {
                """foreach (var lead in leads) { var a = conn.QuerySingleOrDefault<Activity>("SELECT id FROM activities WHERE lead_id = @id", new { id = lead.Id }); }""",
                "KeyLookup", "foreach (var lead in leads)", "ForEachStatementSyntax"
            },
            {
                """foreach (var lead in leads) { var a = conn.Query<Activity>("SELECT id FROM activities WHERE lead_id = @id ORDER BY at DESC, id", new { id = lead.Id }); }""",
                "KeyLookup", "foreach (var lead in leads)", "ForEachStatementSyntax"
            },
            {
                """foreach (var lead in leads) { var a = conn.Query<Activity>("SELECT id FROM activities WHERE lead_id = @id ORDER BY at LIMIT 5", new { id = lead.Id }); }""",
                "Other", "foreach (var lead in leads)", "ForEachStatementSyntax"
            },
            {
                """foreach (var lead in leads) { var a = await conn.QueryFirstAsync<Activity>("SELECT id FROM activities WHERE text = 'x' AND lead_id = @id", new { id = lead.Id }); }""",
                "Other", "foreach (var lead in leads)", "ForEachStatementSyntax"
            },
            { """foreach (var id in ids) { var lead = await db.Leads.FindAsync(id); }""", "KeyLookup", "foreach (var id in ids)", "ForEachStatementSyntax" },
            { """for (var i = 0; i < ids.Length; i++) { var lead = db.Leads.FirstOrDefault(l => l.Id == ids[i]); }""", "KeyLookup", "for (var i = 0; i < ids.Length; i++)", "ForStatementSyntax" },
            { """foreach (var lead in leads) { var acts = db.Activities.Where(x => x.LeadId == lead.Id).ToList(); }""", "KeyLookup", "foreach (var lead in leads)", "ForEachStatementSyntax" },
            { """foreach (var lead in leads) { var n = db.Activities.Count(x => x.LeadId == lead.Id); }""", "Other", "foreach (var lead in leads)", "ForEachStatementSyntax" },
            { """var all = leads.Select(l => db.Leads.Find(l.Id)).ToList();""", "KeyLookup", "leads.Select(…)", "SimpleLambdaExpressionSyntax" },
            { """foreach (var lead in leads) { db.Add(lead); await db.SaveChangesAsync(ct); }""", "SaveChanges", "foreach (var lead in leads)", "ForEachStatementSyntax" },
            { """await foreach (var lead in stream) { db.Add(lead); await db.SaveChangesAsync(ct); }""", "SaveChanges", "await foreach (var lead in stream)", "ForEachStatementSyntax" },
        };

        /// <summary>
        /// The diagnostic's location is the invocation (no await); AdditionalLocations[0] is the loop statement or the
        /// lambda; properties Shape and Loop.
        /// </summary>
        [Theory]
        [MemberData(nameof(ContractCases))]
        public async Task Contract_LocationLoopAndProperties(string body, string shape, string loopText, string loopSyntax)
        {
            var project = AnalyzerRunner.CreateProject(new[] { Handler(body) });
            var compilation = (await project.GetCompilationAsync())!;
            var diagnostics = await compilation.WithAnalyzers(ImmutableArray.Create<DiagnosticAnalyzer>(new SF3002QueryInLoopAnalyzer()))
                .GetAnalyzerDiagnosticsAsync();
            var diagnostic = Assert.Single(diagnostics);
            var tree = diagnostic.Location.SourceTree!;
            var root = await tree.GetRootAsync();
            var node = root.FindNode(diagnostic.Location.SourceSpan);
            Assert.IsType<Microsoft.CodeAnalysis.CSharp.Syntax.InvocationExpressionSyntax>(node);
            Assert.Equal(shape, diagnostic.Properties["Shape"]);
            Assert.Equal(loopText, diagnostic.Properties["Loop"]);
            var loop = root.FindNode(diagnostic.AdditionalLocations[0].SourceSpan, getInnermostNodeForTie: true);
            Assert.Equal(loopSyntax, loop.GetType().Name);
            Assert.True(loop.Span.Contains(node.Span));
        }

        // ---------------------------------------------------------------- not flagged

        [Theory]
        // a fixed handful: written out in the code, constants or a few items; a counted loop of a few
        [InlineData("""foreach (var id in new[] { 1, 2, 3 }) conn.Execute("DELETE FROM leads WHERE id = @id", new { id });""")]
        [InlineData("""foreach (var table in new List<string> { "leads", "activities", "owners", "a", "b", "c", "d", "e", "f", "g", "h", "i" }) conn.Execute("VACUUM " + table);""")]
        [InlineData("""foreach (var lead in new[] { leads[0], leads[1] }) conn.Execute("DELETE FROM leads WHERE id = @id", new { id = lead.Id });""")]
        [InlineData("""int[] few = [1, 2, 3]; foreach (var id in few) conn.Execute("DELETE FROM leads WHERE id = @id", new { id });""")]
        [InlineData("""for (var i = 0; i < 3; i++) conn.Execute("DELETE FROM leads WHERE id = @id", new { id = i });""")]
        [InlineData("""foreach (var i in Enumerable.Range(1, 4)) conn.Execute("DELETE FROM leads WHERE id = @id", new { id = i });""")]
        // queries that do not depend on the item: a retry loop, a poll, a query hoisted by hand
        [InlineData("""for (var attempt = 0; attempt < ids.Length; attempt++) { try { var n = conn.ExecuteScalar<int>("SELECT count(*) FROM leads"); break; } catch (NpgsqlException) { } }""")]
        [InlineData("""var attempt = 0; while (true) { try { var lead = conn.QuerySingle<Lead>("SELECT id FROM leads WHERE id = @id", new { id = ids[0] }); break; } catch (NpgsqlException) when (attempt++ < 3) { } }""")]
        [InlineData("""while (!ct.IsCancellationRequested) { var pending = await conn.QueryAsync<Lead>("SELECT id FROM leads WHERE score = 0"); await Task.Delay(1000, ct); }""")]
        [InlineData("""foreach (var lead in leads) { var owner = conn.QuerySingle<int>("SELECT count(*) FROM owners"); lead.OwnerId = owner; }""")]
        [InlineData("""foreach (var lead in leads) { var n = db.Leads.Count(); lead.Score = n; }""")]
        // rows read from a reader, no query per row
        [InlineData("""using var reader = dbc.ExecuteReader("SELECT id FROM leads"); var list = new List<int>(); while (reader.Read()) { list.Add(reader.GetInt32(0)); }""")]
        [InlineData("""await using var reader = await dbc.ExecuteReaderAsync("SELECT id FROM leads"); while (await reader.ReadAsync(ct)) { ids[0] = reader.GetInt32(0); }""")]
        // paging: the next page until empty (offset and keyset), the page count from the result
        [InlineData("""var offset = 0; while (true) { var page = (await conn.QueryAsync<Lead>("SELECT id FROM leads ORDER BY id LIMIT 100 OFFSET @offset", new { offset })).ToList(); if (page.Count == 0) break; offset += page.Count; }""")]
        [InlineData("""var last = 0; List<Lead> page; do { page = conn.Query<Lead>("SELECT id FROM leads WHERE id > @last ORDER BY id LIMIT 100", new { last }).ToList(); if (page.Count > 0) last = page[^1].Id; } while (page.Count == 100);""")]
        [InlineData("""for (var skip = 0; ; skip += 100) { var page = db.Leads.OrderBy(l => l.Id).Skip(skip).Take(100).ToList(); if (page.Count == 0) break; }""")]
        [InlineData("""var lastId = 0; while (true) { var batch = await db.Leads.Where(l => l.Id > lastId).OrderBy(l => l.Id).Take(500).ToListAsync(ct); if (batch.Count == 0) return; lastId = batch[^1].Id; }""")]
        // batched forms: a chunk of keys in one query, Contains, ExecuteUpdate/ExecuteDelete, Dapper's Execute with a list
        [InlineData("""foreach (var batch in ids.Chunk(500)) { var rows = conn.Query<Lead>("SELECT id FROM leads WHERE id = ANY(@ids)", new { ids = batch }); }""")]
        [InlineData("""foreach (var batch in ids.Chunk(500)) { var rows = db.Leads.Where(l => batch.Contains(l.Id)).ToList(); }""")]
        [InlineData("""foreach (var batch in leads.Chunk(100)) { conn.Execute("UPDATE leads SET score = @Score WHERE id = @Id", batch); }""")]
        [InlineData("""foreach (var group in leads.GroupBy(l => l.OwnerId)) { var ids2 = group.Select(l => l.Id).ToList(); var rows = conn.Query<Activity>("SELECT id FROM activities WHERE lead_id = ANY(@ids2)", new { ids2 }); }""")]
        [InlineData("""var rows = conn.Query<Lead>("SELECT id FROM leads WHERE id = ANY(@ids)", new { ids }); var list = db.Leads.Where(l => ids.Contains(l.Id)).ToList();""")]
        [InlineData("""foreach (var lead in leads) { db.Leads.Where(l => l.Id == lead.Id).ExecuteDelete(); }""")]
        [InlineData("""conn.Execute("UPDATE leads SET score = @Score WHERE id = @Id", leads);""")]
        // saves in batches, once after the loop, or in a loop that changes nothing
        [InlineData("""var n = 0; foreach (var lead in leads) { db.Add(lead); if (++n % 100 == 0) db.SaveChanges(); } db.SaveChanges();""")]
        [InlineData("""var pending = 0; foreach (var lead in leads) { db.Add(lead); pending++; if (pending >= 500) { await db.SaveChangesAsync(ct); pending = 0; } }""")]
        [InlineData("""foreach (var lead in leads) { db.Add(lead); } await db.SaveChangesAsync(ct);""")]
        [InlineData("""for (var attempt = 0; attempt < ids.Length; attempt++) { try { db.SaveChanges(); break; } catch (DbUpdateConcurrencyException) { } }""")]
        // a query per tenant database: one per database is the point
        [InlineData("""foreach (var tenant in tenants) { await using var tc = new NpgsqlConnection(tenant.ConnectionString); var n = await tc.ExecuteScalarAsync<int>("SELECT count(*) FROM leads WHERE owner_id = @id", new { id = tenant.ConnectionString.Length }); }""")]
        [InlineData("""foreach (var tenant in tenants) { using var tdb = new AppDb(tenant.ConnectionString); var lead = tdb.Leads.Find(tenant.ConnectionString.Length); tdb.Leads.Add(new Lead()); tdb.SaveChanges(); }""")]
        [InlineData("""foreach (var tenant in tenants) { using var tc = new NpgsqlConnection(tenant.ConnectionString); using var command = new NpgsqlCommand("SELECT count(*) FROM leads WHERE id = @id", tc); command.Parameters.AddWithValue("id", tenant.ConnectionString.Length); command.ExecuteScalar(); }""")]
        // an EF query translated as one (the lambda is an expression tree), a callback registered for later
        [InlineData("""var rows = db.Leads.Select(l => new { l.Id, Count = db.Activities.Count(a => a.LeadId == l.Id) }).ToList();""")]
        [InlineData("""var handlers = new List<Func<int>>(); foreach (var lead in leads) { handlers.Add(() => conn.Execute("DELETE FROM leads WHERE id = @id", new { id = lead.Id })); }""")]
        // each item carries its own SQL (btcpayserver's route-value look-ups): a different query per item, not N+1
        [InlineData("""var queries = new List<(string Sql, int Id)>(); foreach (var q in queries) { var store = conn.ExecuteScalar<string>(q.Sql, new { id = q.Id }); }""")]
        [InlineData("""var statements = new List<string>(); foreach (var sql in statements) { conn.Execute(sql); }""")]
        // the item picks the query's columns or table (btcpayserver's wallet report: fee columns per wallet type): a different query per item
        [InlineData("""foreach (var lead in leads) { var columns = lead.Name + "_fee"; var command = new CommandDefinition(commandText: $"SELECT id, {columns} FROM activities WHERE lead_id = @id", parameters: new { id = lead.Id }); var rows = await conn.QueryAsync(command); }""")]
        [InlineData("""foreach (var lead in leads) { var rows = conn.Query<Activity>($"SELECT id FROM activities_{lead.Name} WHERE lead_id = @id", new { id = lead.Id }); }""")]
        // LINQ to objects and other loops' look-alikes
        [InlineData("""foreach (var lead in leads) { var mine = leads.Where(l => l.OwnerId == lead.Id).ToList(); var first = activities.First(a => a.LeadId == lead.Id); }""")]
        public Task DoesNotFlag_LookAlikes(string body) => VerifySF3002.AnalyzerAsync(Handler(body));

        [Fact]
        public Task DoesNotFlag_RunOnceCode() => VerifySF3002.AnalyzerAsync(Usings + """
            public class Seeder
            {
                public void Seed(AppDb db, List<Lead> leads) { foreach (var lead in leads) { db.Add(lead); db.SaveChanges(); } }
            }

            public class Shop : AppDb
            {
                protected override void OnModelCreating(ModelBuilder modelBuilder)
                {
                    foreach (var id in Enumerable.Range(1, 100)) { var lead = Leads.Find(id); }
                }
            }

            public class Backfill : Microsoft.EntityFrameworkCore.Migrations.Migration
            {
                protected override void Up(Microsoft.EntityFrameworkCore.Migrations.MigrationBuilder migrationBuilder)
                {
                    using var db = new AppDb();
                    foreach (var lead in db.Leads.ToList()) { lead.Score = 1; db.SaveChanges(); }
                }
            }
            """ + Model);

        /// <summary>Types the code cannot resolve: nothing is reported on their strength.</summary>
        [Fact]
        public Task DoesNotFlag_UnresolvedTypes() => new SteadfastAnalyzerTest<SF3002QueryInLoopAnalyzer>
        {
            TestCode = """
                using System.Collections.Generic;
                class Handler
                {
                    public void Run({|CS0246:MissingDb|} db, List<int> ids)
                    {
                        foreach (var id in ids) { var lead = db.Find(id); db.Add(lead); db.SaveChanges(); }
                    }
                }
                """,
        }.RunAsync();

        // ---------------------------------------------------------------- options and test code

        [Theory]
        [InlineData("", true)]
        [InlineData("[*.cs]\nSF3002.run_once_code = Importer", false)]
        [InlineData("[*.cs]\nSF3002.run_once_code = ImportAll", false)]
        [InlineData("[*.cs]\nSF3002.run_once_code = Tools.Importer", false)]
        [InlineData("[*.cs]\nSF3002.run_once_code = Seed", true)]
        public Task Option_RunOnceCode(string editorConfig, bool reports) => new SteadfastAnalyzerTest<SF3002QueryInLoopAnalyzer>
        {
            EditorConfig = editorConfig.Length == 0 ? null : editorConfig,
            TestCode = Usings + """
                namespace Tools
                {
                    public class Importer
                    {
                        public void ImportAll(AppDb db, List<Lead> leads) { foreach (var lead in leads) { db.Add(lead); MARK; } }
                    }
                }
                """.Replace("MARK", reports ? "[|db.SaveChanges()|]" : "db.SaveChanges()", System.StringComparison.Ordinal) + Model,
        }.RunAsync();

        [Theory]
        [InlineData("", false)]
        [InlineData("[*.cs]\nSF3002.fixed_handful = 20", false)]
        [InlineData("[*.cs]\nSF3002.fixed_handful = 2", true)]
        [InlineData("[*.cs]\nSF3002.fixed_handful = many", false)]
        [InlineData("[*.cs]\nSF3002.fixed_handful = -1", false)]
        public Task Option_FixedHandful(string editorConfig, bool reports) => new SteadfastAnalyzerTest<SF3002QueryInLoopAnalyzer>
        {
            EditorConfig = editorConfig.Length == 0 ? null : editorConfig,
            TestCode = Handler("""foreach (var lead in new[] { leads[0], leads[1], leads[2] }) MARK;"""
                .Replace("MARK", reports ? """[|conn.Execute("DELETE FROM leads WHERE id = @id", new { id = lead.Id })|]""" : """conn.Execute("DELETE FROM leads WHERE id = @id", new { id = lead.Id })""", System.StringComparison.Ordinal)),
        }.RunAsync();

        private const string TestMethod = """
            namespace Xunit { public class FactAttribute : System.Attribute { } }

            public class LeadTests
            {
                [Xunit.Fact]
                public void Saves(AppDb db, List<Lead> leads) { foreach (var lead in leads) { db.Add(lead); MARK; } }
            }
            """;

        [Theory]
        [InlineData("", false)]
        [InlineData("[*.cs]\nSF3002.include_test_code = true", true)]
        public Task Option_IncludeTestCode(string editorConfig, bool reports) => new SteadfastAnalyzerTest<SF3002QueryInLoopAnalyzer>
        {
            EditorConfig = editorConfig.Length == 0 ? null : editorConfig,
            TestCode = Usings + TestMethod.Replace("MARK", reports ? "[|db.SaveChanges()|]" : "db.SaveChanges()", System.StringComparison.Ordinal) + Model,
        }.RunAsync();

        // ---------------------------------------------------------------- the fix: save once after the loop

        [Theory]
        [InlineData(
            """
                    foreach (var lead in leads)
                    {
                        db.Leads.Add(lead);
                        [|db.SaveChanges()|];
                    }
            """,
            """
                    foreach (var lead in leads)
                    {
                        db.Leads.Add(lead);
                    }
                    db.SaveChanges();
            """)]
        [InlineData(
            """
                    foreach (var lead in db.Leads.ToList())
                    {
                        lead.Score++;
                        await [|db.SaveChangesAsync(ct)|];
                        Console.WriteLine("scored");
                    }
            """,
            """
                    foreach (var lead in db.Leads.ToList())
                    {
                        lead.Score++;
                        Console.WriteLine("scored");
                    }
                    await db.SaveChangesAsync(ct);
            """)]
        [InlineData(
            """
                    for (var i = 0; i < ids.Length; i++)
                    {
                        db.Add(new Activity { LeadId = ids[i], Text = "imported" });
                        await [|db.SaveChangesAsync(ct)|].ConfigureAwait(false);
                    }
            """,
            """
                    for (var i = 0; i < ids.Length; i++)
                    {
                        db.Add(new Activity { LeadId = ids[i], Text = "imported" });
                    }
                    await db.SaveChangesAsync(ct).ConfigureAwait(false);
            """)]
        [InlineData(
            """
                    if (ids.Length > 0)
                        foreach (var id in ids)
                        {
                            db.Add(new Activity { LeadId = id });
                            [|db.SaveChanges()|];
                        }
            """,
            """
                    if (ids.Length > 0)
                    {
                        foreach (var id in ids)
                        {
                            db.Add(new Activity { LeadId = id });
                        }
                        db.SaveChanges();
                    }
            """)]
        public Task Fix_SaveOnceAfterLoop(string before, string after) =>
            VerifySF3002.CodeFixAsync(Handler(before), Handler(after), PreferredKey);

        [Theory]
        // the save is conditional, in a try, or its result is used
        [InlineData("""foreach (var lead in leads) { db.Add(lead); if (lead.Score > 0) [|db.SaveChanges()|]; }""")]
        [InlineData("""foreach (var lead in leads) { db.Add(lead); try { [|db.SaveChanges()|]; } catch (DbUpdateException) { } }""")]
        [InlineData("""var saved = 0; foreach (var lead in leads) { db.Add(lead); saved += [|db.SaveChanges()|]; }""")]
        // the loop reads what the save produces: a generated key, the change tracker, the saved rows
        [InlineData("""foreach (var lead in leads) { var a = new Activity { Text = lead.Name }; db.Add(a); [|db.SaveChanges()|]; Console.WriteLine(a.Id); }""")]
        [InlineData("""foreach (var lead in leads) { db.Add(lead); [|db.SaveChanges()|]; ids[0] = lead.Id; }""")]
        [InlineData("""foreach (var lead in leads) { db.Add(lead); [|db.SaveChanges()|]; db.ChangeTracker.Clear(); }""")]
        [InlineData("""foreach (var lead in leads) { if ([|db.Leads.Any(l => l.Name == lead.Name)|]) { } db.Add(lead); [|db.SaveChanges()|]; }""")]
        [InlineData("""foreach (var lead in leads) { db.Add(lead); [|db.SaveChanges()|]; conn.Execute("UPDATE leads SET score = 1"); }""")]
        [InlineData("""foreach (var lead in leads) { db.Add(lead); [|db.SaveChanges()|]; db.Entry(lead).Reload(); }""")]
        [InlineData("""foreach (var lead in leads) { db.Add(lead); [|db.SaveChanges()|]; lead.Score = 2; }""")]
        // a transaction per item
        [InlineData("""foreach (var lead in leads) { using var tx = db.Database.BeginTransaction(); db.Add(lead); [|db.SaveChanges()|]; tx.Commit(); }""")]
        // a branch that skips the save or leaves the loop
        [InlineData("""foreach (var lead in leads) { db.Add(lead); if (lead.Score < 0) continue; [|db.SaveChanges()|]; }""")]
        [InlineData("""foreach (var lead in leads) { db.Add(lead); [|db.SaveChanges()|]; if (lead.Score < 0) break; }""")]
        [InlineData("""foreach (var lead in leads) { db.Add(lead); [|db.SaveChanges()|]; if (ids.Length == 0) return; }""")]
        // a context of the loop's own, or changes tracked before the loop
        [InlineData("""foreach (var lead in leads) { using var own = new AppDb(); own.Add(lead); [|own.SaveChanges()|]; }""")]
        [InlineData("""db.Add(new Lead()); foreach (var lead in leads) { db.Add(lead); [|db.SaveChanges()|]; }""")]
        // a lambda loop
        [InlineData("""leads.ForEach(l => { db.Add(l); [|db.SaveChanges()|]; });""")]
        public Task Fix_NotOffered(string body) => VerifySF3002.NoCodeFixAsync(Handler(body), PreferredKey);

        [Theory]
        [InlineData("""foreach (var id in ids) { var lead = [|db.Leads.Find(id)|]; }""")]
        [InlineData("""foreach (var lead in leads) { var a = [|conn.QuerySingle<Activity>("SELECT id FROM activities WHERE lead_id = @id", new { id = lead.Id })|]; }""")]
        public Task Fix_NotOffered_ForOtherShapes(string body) => VerifySF3002.NoCodeFixAsync(Handler(body), PreferredKey);

        [Fact]
        public Task FixAll_SeveralDocuments() => new SteadfastCodeFixTest<SF3002QueryInLoopAnalyzer, SF3002QueryInLoopCodeFix>
        {
            CodeActionEquivalenceKey = PreferredKey,
            TestState =
            {
                Sources =
                {
                    Usings + """
                    class Import
                    {
                        public async Task RunAsync(AppDb db, List<Lead> leads, CancellationToken ct)
                        {
                            foreach (var lead in leads)
                            {
                                db.Add(lead);
                                await [|db.SaveChangesAsync(ct)|];
                            }
                        }

                        public void Rescore(AppDb db, int[] ids)
                        {
                            foreach (var id in ids)
                            {
                                db.Add(new Activity { LeadId = id, Text = "rescored" });
                                [|db.SaveChanges()|];
                            }
                        }
                    }
                    """ + Model,
                    Usings + """
                    class Archive
                    {
                        public void Run(AppDb db, List<Lead> leads)
                        {
                            var i = 0;
                            while (i < leads.Count)
                            {
                                leads[i].Score = 0;
                                db.Update(leads[i]);
                                i++;
                                [|db.SaveChanges()|];
                            }
                        }
                    }
                    """,
                },
            },
            FixedState =
            {
                Sources =
                {
                    Usings + """
                    class Import
                    {
                        public async Task RunAsync(AppDb db, List<Lead> leads, CancellationToken ct)
                        {
                            foreach (var lead in leads)
                            {
                                db.Add(lead);
                            }
                            await db.SaveChangesAsync(ct);
                        }

                        public void Rescore(AppDb db, int[] ids)
                        {
                            foreach (var id in ids)
                            {
                                db.Add(new Activity { LeadId = id, Text = "rescored" });
                            }
                            db.SaveChanges();
                        }
                    }
                    """ + Model,
                    Usings + """
                    class Archive
                    {
                        public void Run(AppDb db, List<Lead> leads)
                        {
                            var i = 0;
                            while (i < leads.Count)
                            {
                                leads[i].Score = 0;
                                db.Update(leads[i]);
                                i++;
                            }
                            db.SaveChanges();
                        }
                    }
                    """,
                },
            },
        }.RunAsync();
    }
}
