using System.Collections.Generic;
using System.Data.Common;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Steadfast.CodeFixes.Internal;
using Xunit;
using Xunit.Abstractions;
using VerifySF3002 = Steadfast.Tests.Verification.Verify<Steadfast.Analyzers.Rules.SF3002QueryInLoopAnalyzer, Steadfast.CodeFixes.Rules.SF3002QueryInLoopCodeFix>;

namespace Steadfast.Tests.Rules
{
    /// <summary>
    /// "Save once after the loop" on a real SQLite database (EF Core Sqlite, an in-memory database kept open): the code
    /// before the fix and the code the fix makes of it (<see cref="Before"/> and <see cref="After"/>, the fix checked to
    /// turn the one into the other) store the same rows, and the work drops from one SaveChanges per item to one: counted
    /// with a <see cref="DbCommandInterceptor"/> (commands) and a <see cref="DbTransactionInterceptor"/> (transactions).
    /// What SQLite shows: EF Core's SQLite provider does not batch, so both forms send one INSERT per row (50 commands).
    /// What drops is the commits: before, each SaveChanges has one command, which EF Core runs without a transaction of
    /// its own, so each INSERT commits by itself (50 commits, on a file database 50 syncs to disk); after, one transaction
    /// holds the 50 inserts (1 commit). On a provider that batches (SQL Server, PostgreSQL) the one SaveChanges also sends
    /// the inserts in one or a few round trips.
    /// </summary>
    public sealed class SF3002SaveOnceBehaviourTests
    {
        private const int Items = 50;

        private readonly ITestOutputHelper _output;

        public SF3002SaveOnceBehaviourTests(ITestOutputHelper output) => _output = output;

        /// <summary>The code as written: a save per imported lead.</summary>
        private const string BeforeSource = """
            using System.Collections.Generic;
            using System.Threading;
            using System.Threading.Tasks;
            using Microsoft.EntityFrameworkCore;

            public static class Import
            {
                public static async Task RunAsync(ImportDb db, IReadOnlyList<string> names, CancellationToken ct)
                {
                    foreach (var name in names)
                    {
                        db.Leads.Add(new ImportedLead { Name = name, Score = name.Length });
                        await [|db.SaveChangesAsync(ct)|];
                    }
                }
            }

            public class ImportedLead { public int Id { get; set; } public string Name { get; set; } = ""; public int Score { get; set; } }

            public class ImportDb : DbContext { public DbSet<ImportedLead> Leads => Set<ImportedLead>(); }
            """;

        /// <summary>What the fix makes of it.</summary>
        private const string AfterSource = """
            using System.Collections.Generic;
            using System.Threading;
            using System.Threading.Tasks;
            using Microsoft.EntityFrameworkCore;

            public static class Import
            {
                public static async Task RunAsync(ImportDb db, IReadOnlyList<string> names, CancellationToken ct)
                {
                    foreach (var name in names)
                    {
                        db.Leads.Add(new ImportedLead { Name = name, Score = name.Length });
                    }
                    await db.SaveChangesAsync(ct);
                }
            }

            public class ImportedLead { public int Id { get; set; } public string Name { get; set; } = ""; public int Score { get; set; } }

            public class ImportDb : DbContext { public DbSet<ImportedLead> Leads => Set<ImportedLead>(); }
            """;

        /// <summary>The C# of <see cref="BeforeSource"/>, run here.</summary>
        private static async Task Before(ImportDb db, IReadOnlyList<string> names, CancellationToken ct)
        {
            foreach (var name in names)
            {
                db.Leads.Add(new ImportedLead { Name = name, Score = name.Length });
                await db.SaveChangesAsync(ct);
            }
        }

        /// <summary>The C# of <see cref="AfterSource"/>, run here.</summary>
        private static async Task After(ImportDb db, IReadOnlyList<string> names, CancellationToken ct)
        {
            foreach (var name in names)
            {
                db.Leads.Add(new ImportedLead { Name = name, Score = name.Length });
            }

            await db.SaveChangesAsync(ct);
        }

        [Fact]
        public Task TheFixTurnsBeforeIntoAfter() =>
            VerifySF3002.CodeFixAsync(BeforeSource, AfterSource, PlannedCodeFixProvider.PreferredKey("SF3002"));

        [Fact]
        public async Task SameRows_OneCommitInsteadOfOnePerItem()
        {
            var names = Enumerable.Range(1, Items).Select(i => "lead-" + i.ToString("D3", System.Globalization.CultureInfo.InvariantCulture)).ToList();

            var before = await RunAsync(Before, names);
            var after = await RunAsync(After, names);
            _output.WriteLine($"{Items} leads: before {before.Commands} commands in {before.Transactions} transactions, after {after.Commands} commands in {after.Transactions} transaction(s)");

            Assert.Equal(Items, before.Rows.Count);
            Assert.Equal(before.Rows, after.Rows); // same ids, names and scores, in the same order
            Assert.Equal(0, before.Transactions); // one INSERT per SaveChanges, each committing by itself: 50 commits
            Assert.Equal(1, after.Transactions); // the 50 INSERTs in one transaction: 1 commit
            Assert.Equal(Items, before.Commands); // EF Core's SQLite provider sends one INSERT per row, batched or not
            Assert.Equal(Items, after.Commands);
        }

        /// <summary>The same on a database file, where each commit is a sync to disk: the time each form takes, written to the output (not asserted: the machine is shared).</summary>
        [Fact]
        public async Task SameRows_OnAFile_Timed()
        {
            var names = Enumerable.Range(1, Items).Select(i => "lead-" + i.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToList();
            await RunAsync(Before, names); // warm up (JIT, EF Core's model) so that neither form pays for it below
            await RunAsync(After, names);
            var times = new List<long>();
            var results = new List<List<(int Id, string Name, int Score)>>();
            foreach (var import in new System.Func<ImportDb, IReadOnlyList<string>, CancellationToken, Task>[] { Before, After })
            {
                var path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "sf3002-" + System.Guid.NewGuid().ToString("N") + ".db");
                try
                {
                    var watch = System.Diagnostics.Stopwatch.StartNew();
                    var run = await RunAsync(import, names, "Data Source=" + path + ";Pooling=False");
                    times.Add(watch.ElapsedMilliseconds);
                    results.Add(run.Rows);
                }
                finally
                {
                    System.IO.File.Delete(path);
                }
            }

            _output.WriteLine($"{Items} leads on a SQLite file: before {times[0]} ms, after {times[1]} ms (each including creating the database file)");
            Assert.Equal(results[0], results[1]);
            Assert.Equal(Items, results[0].Count);
        }

        private static async Task<(List<(int Id, string Name, int Score)> Rows, int Commands, int Transactions)> RunAsync(
            System.Func<ImportDb, IReadOnlyList<string>, CancellationToken, Task> import, IReadOnlyList<string> names, string connectionString = "Data Source=:memory:")
        {
            await using var connection = new SqliteConnection(connectionString);
            await connection.OpenAsync();
            var counter = new CommandCounter();
            var transactions = new TransactionCounter();
            var options = new DbContextOptionsBuilder<ImportDb>().UseSqlite(connection).AddInterceptors(counter, transactions).Options;
            await using (var setup = new ImportDb(options))
            {
                await setup.Database.EnsureCreatedAsync();
            }

            await using (var db = new ImportDb(options))
            {
                counter.Count = 0;
                transactions.Count = 0;
                await import(db, names, CancellationToken.None);
                counter.Enabled = false;
                transactions.Enabled = false;
            }

            await using var read = new ImportDb(options);
            var rows = await read.Leads.OrderBy(l => l.Id).Select(l => new { l.Id, l.Name, l.Score }).ToListAsync();
            return (rows.Select(r => (r.Id, r.Name, r.Score)).ToList(), counter.Count, transactions.Count);
        }

        public sealed class ImportedLead
        {
            public int Id { get; set; }

            public string Name { get; set; } = "";

            public int Score { get; set; }
        }

        public sealed class ImportDb : DbContext
        {
            public ImportDb(DbContextOptions<ImportDb> options)
                : base(options)
            {
            }

            public DbSet<ImportedLead> Leads => Set<ImportedLead>();
        }

        /// <summary>Counts the transactions EF Core starts.</summary>
        private sealed class TransactionCounter : DbTransactionInterceptor
        {
            private int _count;

            public bool Enabled { get; set; } = true;

            public int Count
            {
                get => Volatile.Read(ref _count);
                set => Volatile.Write(ref _count, value);
            }

            public override DbTransaction TransactionStarted(System.Data.Common.DbConnection connection, TransactionEndEventData eventData, DbTransaction result)
            {
                Hit();
                return result;
            }

            public override ValueTask<DbTransaction> TransactionStartedAsync(System.Data.Common.DbConnection connection, TransactionEndEventData eventData, DbTransaction result, CancellationToken cancellationToken = default)
            {
                Hit();
                return new ValueTask<DbTransaction>(result);
            }

            private void Hit()
            {
                if (Enabled)
                {
                    Interlocked.Increment(ref _count);
                }
            }
        }

        /// <summary>Counts the commands EF Core sends (readers, non-queries, scalars).</summary>
        private sealed class CommandCounter : DbCommandInterceptor
        {
            private int _count;

            public bool Enabled { get; set; } = true;

            public int Count
            {
                get => Volatile.Read(ref _count);
                set => Volatile.Write(ref _count, value);
            }

            public override InterceptionResult<DbDataReader> ReaderExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result)
            {
                Hit();
                return result;
            }

            public override ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
            {
                Hit();
                return new ValueTask<InterceptionResult<DbDataReader>>(result);
            }

            public override InterceptionResult<int> NonQueryExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<int> result)
            {
                Hit();
                return result;
            }

            public override ValueTask<InterceptionResult<int>> NonQueryExecutingAsync(DbCommand command, CommandEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
            {
                Hit();
                return new ValueTask<InterceptionResult<int>>(result);
            }

            public override InterceptionResult<object> ScalarExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<object> result)
            {
                Hit();
                return result;
            }

            public override ValueTask<InterceptionResult<object>> ScalarExecutingAsync(DbCommand command, CommandEventData eventData, InterceptionResult<object> result, CancellationToken cancellationToken = default)
            {
                Hit();
                return new ValueTask<InterceptionResult<object>>(result);
            }

            private void Hit()
            {
                if (Enabled)
                {
                    Interlocked.Increment(ref _count);
                }
            }
        }
    }
}
