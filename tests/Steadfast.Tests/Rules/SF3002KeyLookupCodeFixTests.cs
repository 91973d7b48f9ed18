using System.Threading.Tasks;
using Steadfast.CodeFixes.Internal;
using Steadfast.CodeFixes.Rules;
using Steadfast.Tests.Verification;
using Xunit;
using VerifyKeyLookup = Steadfast.Tests.Verification.Verify<Steadfast.Analyzers.Rules.SF3002QueryInLoopAnalyzer, Steadfast.CodeFixes.Rules.SF3002KeyLookupCodeFix>;

namespace Steadfast.Tests.Rules
{
    /// <summary>
    /// The SF3002 fix "Load all keys in one query" (<see cref="SF3002KeyLookupCodeFix"/>): before and after, where it is not
    /// offered, and Fix All. What the rewrite does when it runs is in <see cref="SF3002KeyLookupBehaviourTests"/>.
    /// </summary>
    public sealed class SF3002KeyLookupCodeFixTests
    {
        // A diagnostic's first fix is registered under the rule's preferred key (PlannedCodeFixProvider); this one is its only fix.
        private static readonly string Key = PlannedCodeFixProvider.PreferredKey("SF3002");

        private const string Usings = """
            using System;
            using System.Collections.Generic;
            using System.Data;
            using System.Data.Common;
            using System.Linq;
            using System.Threading;
            using System.Threading.Tasks;
            using Dapper;
            using Microsoft.EntityFrameworkCore;

            """;

        private const string Model = """

            public class Owner
            {
                public long Id { get; set; }
                public string Name { get; set; } = "";
            }

            public class Activity
            {
                public long LeadId { get; set; }
                public string Kind { get; set; } = "";
            }

            public class Lead
            {
                public long Id { get; set; }
                public long OwnerId { get; set; }
                public string Name { get; set; } = "";
            }

            public class AppDb : DbContext
            {
                public DbSet<Owner> Owners => Set<Owner>();
            }
            """;

        /// <summary>A service whose method <c>Run</c> has <paramref name="body"/>.</summary>
        private static string Service(string body, string modifiers = "void", string usings = Usings) => usings + $$"""
            public class Service
            {
                private readonly DbConnection _connection = null!;

                public {{modifiers}} Run(IDbConnection conn, AppDb db, List<Lead> leads, long[] ids, IEnumerable<Lead> lazy, IDbTransaction tx, CancellationToken ct)
                {
            {{body}}
                }
            }
            """ + Model;

        // ---------------------------------------------------------------- Dapper

        [Theory]
        [InlineData("QuerySingle", "Single")]
        [InlineData("QuerySingleOrDefault", "SingleOrDefault")]
        [InlineData("QueryFirst", "First")]
        [InlineData("QueryFirstOrDefault", "FirstOrDefault")]
        public Task Fix_Dapper_OneRowPerKey(string query, string lookup) => VerifyKeyLookup.CodeFixAsync(
            Service($$"""
                        var names = new List<string>();
                        foreach (var lead in leads)
                        {
                            var owner = [|conn.{{query}}<Owner>("SELECT id, name FROM owners WHERE id = @id", new { id = lead.OwnerId })|];
                            names.Add(owner.Name);
                        }
                """),
            Service($$"""
                        var names = new List<string>();
                        var ownerById = KeyedRows.Load(leads, lead => lead.OwnerId, keys => conn.Query<Owner>("SELECT id, name FROM owners WHERE id IN @keys", new { keys }), row => row.Id);
                        foreach (var lead in leads)
                        {
                            var owner = ownerById.{{lookup}}(lead.OwnerId);
                            names.Add(owner.Name);
                        }
                """, usings: Usings + "using Steadfast;\n"),
            Key);

        [Fact]
        public Task Fix_Dapper_GroupPerKey_KeepsOrderByAndTheTransaction() => VerifyKeyLookup.CodeFixAsync(
            Service("""
                        foreach (var lead in leads)
                        {
                            var activity = [|conn.Query<Activity>(
                                "SELECT lead_id AS LeadId, kind FROM activity WHERE lead_id = @leadId ORDER BY id DESC",
                                new { leadId = lead.Id },
                                tx,
                                commandTimeout: 30)|];
                            Console.WriteLine(lead.Name + ": " + activity.Count());
                        }
                """),
            Service("""
                        var activityByLeadId = KeyedRows.Load(leads, lead => lead.Id, leadIds => conn.Query<Activity>("SELECT lead_id AS LeadId, kind FROM activity WHERE lead_id IN @leadIds ORDER BY id DESC", new { leadIds }, transaction: tx, commandTimeout: 30), row => row.LeadId);
                        foreach (var lead in leads)
                        {
                            var activity = activityByLeadId.Rows(lead.Id);
                            Console.WriteLine(lead.Name + ": " + activity.Count());
                        }
                """, usings: Usings + "using Steadfast;\n"),
            Key);

        [Fact]
        public Task Fix_Dapper_Async_TheKeyIsTheItem_TheSqlIsAConcatenation() => VerifyKeyLookup.CodeFixAsync(
            Service("""
                        const string Columns = "id, name";
                        foreach (var id in ids)
                        {
                            var owner = await [|_connection.QueryFirstOrDefaultAsync<Owner>("SELECT " + Columns + " FROM owners WHERE id = @id", new { id })|];
                            Console.WriteLine(owner?.Name);
                        }
                """, modifiers: "async Task"),
            Service("""
                        const string Columns = "id, name";
                        var ownerById = await KeyedRows.LoadAsync(ids, keys => _connection.QueryAsync<Owner>("SELECT " + Columns + " FROM owners WHERE id IN @keys", new { keys }), row => row.Id);
                        foreach (var id in ids)
                        {
                            var owner = ownerById.FirstOrDefault(id);
                            Console.WriteLine(owner?.Name);
                        }
                """, modifiers: "async Task", usings: Usings + "using Steadfast;\n"),
            Key);

        // ---------------------------------------------------------------- EF Core

        [Theory]
        [InlineData("FirstOrDefault", "o => o.Id == lead.OwnerId", "FirstOrDefault")]
        [InlineData("Single", "o => lead.OwnerId == o.Id", "Single")]
        public Task Fix_EfCore(string query, string predicate, string lookup) => VerifyKeyLookup.CodeFixAsync(
            Service($$"""
                        foreach (var lead in leads)
                        {
                            var owner = [|db.Owners.{{query}}({{predicate}})|];
                            Console.WriteLine(owner?.Name);
                        }
                """),
            Service($$"""
                        var ownerById = KeyedRows.Load(leads, lead => lead.OwnerId, keys => db.Owners.Where(o => keys.Contains(o.Id)).ToList(), row => row.Id);
                        foreach (var lead in leads)
                        {
                            var owner = ownerById.{{lookup}}(lead.OwnerId);
                            Console.WriteLine(owner?.Name);
                        }
                """, usings: Usings + "using Steadfast;\n"),
            Key);

        [Fact]
        public Task Fix_EfCore_Async_PassesTheToken() => VerifyKeyLookup.CodeFixAsync(
            Service("""
                        foreach (var lead in leads)
                        {
                            var owner = await [|db.Owners.SingleOrDefaultAsync(o => o.Id == lead.OwnerId, ct)|];
                            Console.WriteLine(owner?.Name);
                        }
                """, modifiers: "async Task"),
            Service("""
                        var ownerById = await KeyedRows.LoadAsync(leads, lead => lead.OwnerId, keys => db.Owners.Where(o => keys.Contains(o.Id)).ToListAsync(ct), row => row.Id);
                        foreach (var lead in leads)
                        {
                            var owner = ownerById.SingleOrDefault(lead.OwnerId);
                            Console.WriteLine(owner?.Name);
                        }
                """, modifiers: "async Task", usings: Usings + "using Steadfast;\n"),
            Key);

        // ---------------------------------------------------------------- not offered

        [Theory]
        // the SQL is not a plain key look-up
        [InlineData("""var o = [|conn.QuerySingle<Owner>("SELECT id, name FROM owners WHERE id = @id AND name <> ''", new { id = lead.OwnerId })|];""")]
        [InlineData("""var o = [|conn.QueryFirst<Owner>("SELECT id, name FROM owners WHERE id = @id LIMIT 1", new { id = lead.OwnerId })|];""")]
        [InlineData("""var o = [|conn.QuerySingle<Owner>("SELECT count(*) AS id, 'x' AS name FROM owners WHERE id = @id", new { id = lead.OwnerId })|];""")]
        [InlineData("""var o = [|conn.QuerySingle<Owner>("SELECT o.id, o.name FROM owners o JOIN leads l ON l.owner_id = o.id WHERE o.id = @id", new { id = lead.OwnerId })|];""")]
        [InlineData("""var o = [|conn.QuerySingle<Owner>("SELECT id, name FROM owners WHERE id = @id -- by key", new { id = lead.OwnerId })|];""")]
        // the key column is not selected, or not obviously mapped to a member of the key's type
        [InlineData("""var o = [|conn.QuerySingle<Owner>("SELECT name FROM owners WHERE id = @id", new { id = lead.OwnerId })|];""")]
        [InlineData("""var o = [|conn.QuerySingle<Activity>("SELECT lead_id, kind FROM activity WHERE lead_id = @id", new { id = lead.Id })|];""")]
        [InlineData("""var o = [|conn.QuerySingle<Owner>("SELECT name AS id, name FROM owners WHERE name = @id", new { id = lead.Name })|];""")]
        [InlineData("""var o = [|conn.QuerySingle<string>("SELECT name FROM owners WHERE id = @id", new { id = lead.OwnerId })|];""")]
        // the loop variable in more than the key, or the key not from the loop variable
        [InlineData("""var o = [|conn.QuerySingle<Owner>("SELECT id, name FROM owners WHERE id = @id", new { id = lead.OwnerId, name = lead.Name })|];""")]
        [InlineData("""var o = [|conn.QuerySingle<Owner>("SELECT id, name FROM owners WHERE id = @id", new { id = lead.OwnerId + 1 })|];""")]
        // the key or the collection changes in the loop, the connection is used for more than reads
        [InlineData("""lead.OwnerId = 3; var o = [|conn.QuerySingle<Owner>("SELECT id, name FROM owners WHERE id = @id", new { id = lead.OwnerId })|];""")]
        [InlineData("""var o = [|conn.QuerySingle<Owner>("SELECT id, name FROM owners WHERE id = @id", new { id = lead.OwnerId })|]; leads.Remove(lead);""")]
        [InlineData("""var o = [|conn.QuerySingle<Owner>("SELECT id, name FROM owners WHERE id = @id", new { id = lead.OwnerId })|]; [|conn.Execute("UPDATE owners SET name = 'x' WHERE id = @id", new { id = lead.OwnerId })|];""")]
        [InlineData("""var o = [|conn.QuerySingle<Owner>("SELECT id, name FROM owners WHERE id = @id", new { id = lead.OwnerId })|]; conn.Close();""")]
        // inside a try that may handle the missing key, or a lambda
        [InlineData("""try { var o = [|conn.QuerySingle<Owner>("SELECT id, name FROM owners WHERE id = @id", new { id = lead.OwnerId })|]; } catch (InvalidOperationException) { }""")]
        public Task Fix_NotOffered_Dapper(string body) => VerifyKeyLookup.NoCodeFixAsync(
            Service("foreach (var lead in leads)\n{\n" + body + "\n}"),
            Key);

        [Theory]
        // a connection created per iteration
        [InlineData("""foreach (var lead in leads) { using var c = new Microsoft.Data.Sqlite.SqliteConnection("Data Source=x.db"); var o = [|c.QuerySingle<Owner>("SELECT id, name FROM owners WHERE id = @id", new { id = lead.OwnerId })|]; }""")]
        // a collection that may be lazy (enumerated twice it could run a query twice)
        [InlineData("""foreach (var lead in lazy) { var o = [|conn.QuerySingle<Owner>("SELECT id, name FROM owners WHERE id = @id", new { id = lead.OwnerId })|]; }""")]
        [InlineData("""foreach (var lead in leads.Where(l => l.Id > 0)) { var o = [|conn.QuerySingle<Owner>("SELECT id, name FROM owners WHERE id = @id", new { id = lead.OwnerId })|]; }""")]
        // a loop that is not a plain foreach directly in a block
        [InlineData("""if (ct.CanBeCanceled) foreach (var lead in leads) { var o = [|conn.QuerySingle<Owner>("SELECT id, name FROM owners WHERE id = @id", new { id = lead.OwnerId })|]; }""")]
        // a string key: the database's collation may match what .NET's equality does not
        [InlineData("""foreach (var lead in leads) { var o = [|conn.QuerySingle<Lead>("SELECT id, owner_id AS OwnerId, name FROM leads WHERE name = @name", new { name = lead.Name })|]; }""")]
        // EF Core: Find answers from the change tracker first
        [InlineData("""foreach (var lead in leads) { var o = [|db.Owners.Find(lead.OwnerId)|]; }""")]
        // EF Core: the context used for more in the loop
        [InlineData("""foreach (var lead in leads) { var o = [|db.Owners.FirstOrDefault(x => x.Id == lead.OwnerId)|]; db.SaveChanges(); }""")]
        // EF Core: a predicate with more than the key
        [InlineData("""foreach (var lead in leads) { var o = [|db.Owners.FirstOrDefault(x => x.Id == lead.OwnerId && x.Name != "")|]; }""")]
        public Task Fix_NotOffered_Shapes(string body) => VerifyKeyLookup.NoCodeFixAsync(Service(body), Key);

        [Fact]
        public Task Fix_NotOffered_AwaitForeachAndYield() => VerifyKeyLookup.NoCodeFixAsync(
            Usings + """
                public class Service
                {
                    public IEnumerable<Owner> Owners(IDbConnection conn, List<Lead> leads)
                    {
                        foreach (var lead in leads)
                        {
                            yield return [|conn.QuerySingle<Owner>("SELECT id, name FROM owners WHERE id = @id", new { id = lead.OwnerId })|];
                        }
                    }
                }
                """ + Model,
            Key);

        // ---------------------------------------------------------------- Fix All

        [Fact]
        public Task FixAll_SeveralDocuments() => new SteadfastCodeFixTest<Steadfast.Analyzers.Rules.SF3002QueryInLoopAnalyzer, SF3002KeyLookupCodeFix>
        {
            CodeActionEquivalenceKey = Key,
            TestState =
            {
                Sources =
                {
                    Service("""
                        foreach (var lead in leads)
                        {
                            var owner = [|conn.QuerySingle<Owner>("SELECT id, name FROM owners WHERE id = @id", new { id = lead.OwnerId })|];
                            var activity = [|conn.Query<Activity>("SELECT lead_id AS LeadId, kind FROM activity WHERE lead_id = @id", new { id = lead.Id })|];
                            Console.WriteLine(owner.Name + activity.Count());
                        }
                """),
                    Usings + """
                        public class Other
                        {
                            public async Task RunAsync(IDbConnection conn, List<long> ids)
                            {
                                foreach (var id in ids)
                                {
                                    var owner = await [|conn.QuerySingleAsync<Owner>("SELECT id, name FROM owners WHERE id = @id", new { id })|];
                                    Console.WriteLine(owner.Name);
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
                    Service("""
                        var ownerById = KeyedRows.Load(leads, lead => lead.OwnerId, keys => conn.Query<Owner>("SELECT id, name FROM owners WHERE id IN @keys", new { keys }), row => row.Id);
                        var activityByLeadId = KeyedRows.Load(leads, lead => lead.Id, keys => conn.Query<Activity>("SELECT lead_id AS LeadId, kind FROM activity WHERE lead_id IN @keys", new { keys }), row => row.LeadId);
                        foreach (var lead in leads)
                        {
                            var owner = ownerById.Single(lead.OwnerId);
                            var activity = activityByLeadId.Rows(lead.Id);
                            Console.WriteLine(owner.Name + activity.Count());
                        }
                """, usings: Usings + "using Steadfast;\n"),
                    Usings + """
                        using Steadfast;
                        public class Other
                        {
                            public async Task RunAsync(IDbConnection conn, List<long> ids)
                            {
                                var ownerById = await KeyedRows.LoadAsync(ids, keys => conn.QueryAsync<Owner>("SELECT id, name FROM owners WHERE id IN @keys", new { keys }), row => row.Id);
                                foreach (var id in ids)
                                {
                                    var owner = ownerById.Single(id);
                                    Console.WriteLine(owner.Name);
                                }
                            }
                        }
                        """,
                },
            },
        }.RunAsync();
    }
}
