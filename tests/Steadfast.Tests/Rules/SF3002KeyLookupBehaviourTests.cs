using System;
using System.Collections;
using System.Collections.Generic;
using System.Data;
using System.Data.Common;
using System.Diagnostics.CodeAnalysis;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Steadfast.Analyzers.Rules;
using Steadfast.CodeFixes.Rules;
using Steadfast.Tests.Verification;
using Xunit;

namespace Steadfast.Tests.Rules
{
    /// <summary>
    /// The SF3002 fix "Load all keys in one query", run for real: each source below is compiled twice, as written (a query
    /// per item) and as the analyzer and the fix rewrite it (found and applied here as the IDE does), and both are run on
    /// the same SQLite database. They must give the same rows in the same order, throw the same exception for a missing
    /// key (Single/First) or two rows for a key (Single), give null for a missing key (OrDefault), and the rewrite must run
    /// 1 command per chunk of 1,000 keys where the original ran one per item (counted by a wrapping <see cref="DbConnection"/>
    /// for Dapper and a <see cref="DbCommandInterceptor"/> for EF Core).
    /// </summary>
    public sealed class SF3002KeyLookupBehaviourTests : IDisposable
    {
        private const string DapperSource = """
            using System;
            using System.Collections.Generic;
            using System.Data;
            using System.Linq;
            using System.Threading;
            using System.Threading.Tasks;
            using Dapper;

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

            public static class Queries
            {
                public static List<string> Single(IDbConnection connection, List<long> ids)
                {
                    var names = new List<string>();
                    foreach (var id in ids)
                    {
                        var owner = connection.QuerySingle<Owner>("SELECT id, name FROM people WHERE id = @id", new { id });
                        names.Add(owner.Id + ":" + owner.Name);
                    }

                    return names;
                }

                public static List<string> SingleOrDefault(IDbConnection connection, List<long> ids)
                {
                    var names = new List<string>();
                    foreach (var id in ids)
                    {
                        var owner = connection.QuerySingleOrDefault<Owner>("SELECT id, name FROM people WHERE id = @id", new { id });
                        names.Add(owner?.Name ?? "null");
                    }

                    return names;
                }

                public static List<string> First(IDbConnection connection, List<long> ids)
                {
                    var names = new List<string>();
                    foreach (var id in ids)
                    {
                        var owner = connection.QueryFirst<Owner>("SELECT id, name FROM people WHERE id = @id ORDER BY name", new { id });
                        names.Add(owner.Name);
                    }

                    return names;
                }

                public static List<string> FirstOrDefault(IDbConnection connection, List<long> ids)
                {
                    var names = new List<string>();
                    foreach (var id in ids)
                    {
                        var owner = connection.QueryFirstOrDefault<Owner>("SELECT id, name FROM people WHERE id = @id ORDER BY name DESC", new { id });
                        names.Add(owner?.Name ?? "null");
                    }

                    return names;
                }

                public static List<string> Groups(IDbConnection connection, List<long> ids)
                {
                    var lines = new List<string>();
                    foreach (var id in ids)
                    {
                        var activity = connection.Query<Activity>("SELECT lead_id AS LeadId, kind FROM activity WHERE lead_id = @id ORDER BY id DESC", new { id });
                        lines.Add(id + ":" + string.Join(",", activity.Select(a => a.Kind)));
                    }

                    return lines;
                }

                public static async Task<List<string>> SingleAsync(IDbConnection connection, List<long> ids)
                {
                    var names = new List<string>();
                    foreach (var id in ids)
                    {
                        var owner = await connection.QuerySingleAsync<Owner>("SELECT id, name FROM people WHERE id = @id", new { id });
                        names.Add(owner.Name);
                    }

                    return names;
                }

                public static async Task<List<string>> GroupsAsync(IDbConnection connection, List<long> ids)
                {
                    var lines = new List<string>();
                    foreach (var id in ids)
                    {
                        var activity = await connection.QueryAsync<Activity>("SELECT lead_id AS LeadId, kind FROM activity WHERE lead_id = @id ORDER BY id", new { id });
                        lines.Add(id + ":" + string.Join(",", activity.Select(a => a.Kind)));
                    }

                    return lines;
                }
            }
            """;

        private const string EfSource = """
            using System;
            using System.Collections.Generic;
            using System.Linq;
            using System.Threading;
            using System.Threading.Tasks;
            using Microsoft.EntityFrameworkCore;

            public class Owner
            {
                public long Id { get; set; }
                public string Name { get; set; } = "";
            }

            public class Note
            {
                public long Id { get; set; }
                public long OwnerId { get; set; }
                public string Text { get; set; } = "";
            }

            public class Lead
            {
                public long Id { get; set; }
                public long OwnerId { get; set; }
            }

            public class AppDb : DbContext
            {
                public AppDb(DbContextOptions<AppDb> options) : base(options) { }
                public DbSet<Owner> Owners => Set<Owner>();
                public DbSet<Note> Notes => Set<Note>();
            }

            public static class Queries
            {
                public static List<string> FirstOrDefault(AppDb db, List<Lead> leads)
                {
                    var names = new List<string>();
                    foreach (var lead in leads)
                    {
                        var owner = db.Owners.FirstOrDefault(o => o.Id == lead.OwnerId);
                        names.Add(owner?.Name ?? "null");
                    }

                    return names;
                }

                public static List<string> Single(AppDb db, List<Lead> leads)
                {
                    var names = new List<string>();
                    foreach (var lead in leads)
                    {
                        var note = db.Notes.Single(n => n.OwnerId == lead.OwnerId);
                        names.Add(note.Text);
                    }

                    return names;
                }

                public static async Task<List<string>> SingleOrDefaultAsync(AppDb db, List<Lead> leads, CancellationToken cancellationToken)
                {
                    var names = new List<string>();
                    foreach (var lead in leads)
                    {
                        var owner = await db.Owners.SingleOrDefaultAsync(o => o.Id == lead.OwnerId, cancellationToken);
                        names.Add(owner?.Name ?? "null");
                    }

                    return names;
                }

                public static async Task<List<string>> FirstAsync(AppDb db, List<Lead> leads)
                {
                    var names = new List<string>();
                    foreach (var lead in leads)
                    {
                        var owner = await db.Owners.FirstAsync(o => lead.OwnerId == o.Id);
                        names.Add(owner.Name);
                    }

                    return names;
                }
            }
            """;

        private static readonly Lazy<Task<(Assembly Before, Assembly After, string Fixed)>> Dapper = new(() => BuildAsync(DapperSource));
        private static readonly Lazy<Task<(Assembly Before, Assembly After, string Fixed)>> EfCore = new(() => BuildAsync(EfSource));

        private readonly string _database = Path.Combine(Path.GetTempPath(), "steadfast-sf3002-" + Guid.NewGuid().ToString("N") + ".db");

        public SF3002KeyLookupBehaviourTests()
        {
            using var connection = Open();
            using var command = connection.CreateCommand();

            // people has no key: id 7 occurs twice (Single must throw for it); 4 and 9 are missing.
            command.CommandText = """
                CREATE TABLE people (id INTEGER NOT NULL, name TEXT NOT NULL);
                CREATE TABLE activity (id INTEGER PRIMARY KEY, lead_id INTEGER NOT NULL, kind TEXT NOT NULL);
                CREATE TABLE "Owners" ("Id" INTEGER PRIMARY KEY, "Name" TEXT NOT NULL);
                CREATE TABLE "Notes" ("Id" INTEGER PRIMARY KEY, "OwnerId" INTEGER NOT NULL, "Text" TEXT NOT NULL);
                """;
            command.ExecuteNonQuery();
            using var transaction = connection.BeginTransaction();
            Insert(connection, transaction, "INSERT INTO people (id, name) VALUES ($a, $b)", Enumerable.Range(1, 3000).Where(i => i is not 4 and not 9).Select(i => ((object)i, (object)("owner" + i))));
            Insert(connection, transaction, "INSERT INTO people (id, name) VALUES ($a, $b)", new[] { ((object)7, (object)"another7") });
            Insert(connection, transaction, "INSERT INTO activity (lead_id, kind) VALUES ($a, $b)", Enumerable.Range(0, 40).Select(i => ((object)(i % 6), (object)("kind" + i))));
            Insert(connection, transaction, "INSERT INTO \"Owners\" (\"Id\", \"Name\") VALUES ($a, $b)", Enumerable.Range(1, 2500).Where(i => i != 4).Select(i => ((object)i, (object)("owner" + i))));
            Insert(connection, transaction, "INSERT INTO \"Notes\" (\"OwnerId\", \"Text\") VALUES ($a, $b)", new[] { 1, 2, 3, 3, 5 }.Select((o, i) => ((object)o, (object)("note" + i))));
            transaction.Commit();
        }

        public void Dispose()
        {
            SqliteConnection.ClearAllPools();
            File.Delete(_database);
        }

        // ---------------------------------------------------------------- the rewrite is what the fix emits

        [Fact]
        public async Task Dapper_EveryLoopIsRewritten()
        {
            var (_, _, text) = await Dapper.Value;
            Assert.Equal(7, Count(text, "KeyedRows.Load"));
            Assert.Contains("WHERE id IN @keys\"", text, StringComparison.Ordinal);
            Assert.Contains("WHERE lead_id IN @keys ORDER BY id DESC\"", text, StringComparison.Ordinal);
            Assert.DoesNotContain("= @id", text, StringComparison.Ordinal);
        }

        [Fact]
        public async Task EfCore_EveryLoopIsRewritten()
        {
            var (_, _, text) = await EfCore.Value;
            Assert.Equal(4, Count(text, "KeyedRows.Load"));
            Assert.Contains("ToListAsync(cancellationToken)", text, StringComparison.Ordinal);
            Assert.DoesNotContain("o.Id == lead.OwnerId", text, StringComparison.Ordinal);
        }

        // ---------------------------------------------------------------- Dapper

        public static TheoryData<string, long[]> DapperCases() => new()
        {
            { "Single", new long[] { 1, 2, 3, 2, 5 } },
            { "Single", new long[] { 1, 2, 4, 5 } },           // missing key: InvalidOperationException
            { "Single", new long[] { 1, 7, 2 } },              // two rows: InvalidOperationException
            { "SingleOrDefault", new long[] { 1, 4, 9, 3 } },  // missing: null
            { "SingleOrDefault", new long[] { 4, 7 } },        // two rows: InvalidOperationException
            { "First", new long[] { 3, 7, 1 } },               // two rows: the first by ORDER BY
            { "First", new long[] { 3, 9 } },                  // missing: InvalidOperationException
            { "FirstOrDefault", new long[] { 7, 9, 2 } },
            { "Groups", new long[] { 0, 5, 3, 99, 0 } },       // a missing key: no rows
            { "Groups", new long[] { } },
            { "SingleAsync", new long[] { 2, 1, 2 } },
            { "SingleAsync", new long[] { 2, 4 } },
            { "GroupsAsync", new long[] { 1, 2, 42 } },
        };

        [Theory]
        [MemberData(nameof(DapperCases))]
        public async Task Dapper_SameOutcome_FewerCommands(string method, long[] ids)
        {
            var (before, after, _) = await Dapper.Value;
            var (expected, perItem) = await RunDapperAsync(before, method, ids);
            var (actual, batched) = await RunDapperAsync(after, method, ids);

            Assert.Equal(expected, actual);
            if (!expected.StartsWith("threw", StringComparison.Ordinal))
            {
                Assert.Equal(ids.Length, perItem); // the original: one command per item
            }

            Assert.Equal(ids.Length == 0 ? 0 : 1, batched);
        }

        [Fact]
        public async Task Dapper_MoreKeysThanOneChunk_ThreeCommandsInsteadOf2500()
        {
            var (before, after, _) = await Dapper.Value;
            var ids = Enumerable.Range(10, 2500).Select(i => (long)i).ToArray();
            var (expected, perItem) = await RunDapperAsync(before, "SingleOrDefault", ids);
            var (actual, batched) = await RunDapperAsync(after, "SingleOrDefault", ids);

            Assert.Equal(expected, actual);
            Assert.Equal(2500, perItem);
            Assert.Equal(3, batched); // 1,000 + 1,000 + 500 keys
        }

        // ---------------------------------------------------------------- EF Core

        public static TheoryData<string, long[]> EfCases() => new()
        {
            { "FirstOrDefault", new long[] { 1, 4, 2, 1 } },
            { "Single", new long[] { 1, 2, 5 } },
            { "Single", new long[] { 1, 3 } },                 // two notes: InvalidOperationException
            { "Single", new long[] { 2, 4 } },                 // none: InvalidOperationException
            { "SingleOrDefaultAsync", new long[] { 3, 4, 2 } },
            { "FirstAsync", new long[] { 2, 3 } },
            { "FirstAsync", new long[] { 2, 4 } },
        };

        [Theory]
        [MemberData(nameof(EfCases))]
        public async Task EfCore_SameOutcome_FewerCommands(string method, long[] ownerIds)
        {
            var (before, after, _) = await EfCore.Value;
            var (expected, perItem) = await RunEfAsync(before, method, ownerIds);
            var (actual, batched) = await RunEfAsync(after, method, ownerIds);

            Assert.Equal(expected, actual);
            Assert.True(perItem >= 2, $"the original ran {perItem} commands");
            Assert.Equal(1, batched);
        }

        [Fact]
        public async Task EfCore_MoreKeysThanOneChunk()
        {
            var (before, after, _) = await EfCore.Value;
            var ownerIds = Enumerable.Range(1, 2100).Select(i => (long)i).ToArray();
            var (expected, perItem) = await RunEfAsync(before, "SingleOrDefaultAsync", ownerIds);
            var (actual, batched) = await RunEfAsync(after, "SingleOrDefaultAsync", ownerIds);

            Assert.Equal(expected, actual);
            Assert.Equal(2100, perItem);
            Assert.Equal(3, batched);
        }

        // ---------------------------------------------------------------- running

        private static int Count(string text, string part)
        {
            var count = 0;
            for (var i = text.IndexOf(part, StringComparison.Ordinal); i >= 0; i = text.IndexOf(part, i + part.Length, StringComparison.Ordinal))
            {
                count++;
            }

            return count;
        }

        private SqliteConnection Open()
        {
            var connection = new SqliteConnection("Data Source=" + _database);
            connection.Open();
            return connection;
        }

        private static void Insert(SqliteConnection connection, SqliteTransaction transaction, string sql, IEnumerable<(object A, object B)> rows)
        {
            using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = sql;
            var a = command.Parameters.Add("$a", SqliteType.Integer);
            var b = command.Parameters.Add("$b", SqliteType.Text);
            foreach (var (first, second) in rows)
            {
                a.Value = first;
                b.Value = second;
                command.ExecuteNonQuery();
            }
        }

        private async Task<(string Outcome, int Commands)> RunDapperAsync(Assembly assembly, string method, long[] ids)
        {
            using var connection = new CountingConnection(Open());
            var outcome = await InvokeAsync(assembly, method, connection, ids.ToList());
            return (outcome, connection.Commands);
        }

        private async Task<(string Outcome, int Commands)> RunEfAsync(Assembly assembly, string method, long[] ownerIds)
        {
            using var connection = Open();
            var counter = new CountingInterceptor();
            var contextType = assembly.GetType("AppDb", throwOnError: true)!;
            var builder = (DbContextOptionsBuilder)Activator.CreateInstance(typeof(DbContextOptionsBuilder<>).MakeGenericType(contextType))!;
            builder.UseSqlite(connection).AddInterceptors(counter);
            using var db = (DbContext)Activator.CreateInstance(contextType, builder.Options)!;

            var leadType = assembly.GetType("Lead", throwOnError: true)!;
            var leads = (IList)Activator.CreateInstance(typeof(List<>).MakeGenericType(leadType))!;
            for (var i = 0; i < ownerIds.Length; i++)
            {
                var lead = Activator.CreateInstance(leadType)!;
                leadType.GetProperty("Id")!.SetValue(lead, (long)(i + 1));
                leadType.GetProperty("OwnerId")!.SetValue(lead, ownerIds[i]);
                leads.Add(lead);
            }

            // EF Core's async operators end their "Sequence contains no elements." with a period; LINQ's (and KeyedRows') do not.
            var outcome = (await InvokeAsync(assembly, method, db, leads)).TrimEnd('.');
            return (outcome, counter.Commands);
        }

        /// <summary>Calls <c>Queries.method</c> (with a token when it takes one): its result as text, or the exception it threw.</summary>
        private static async Task<string> InvokeAsync(Assembly assembly, string method, object connection, object items)
        {
            var target = assembly.GetType("Queries", throwOnError: true)!.GetMethod(method)!;
            var arguments = target.GetParameters().Length == 3 ? new[] { connection, items, CancellationToken.None } : new[] { connection, items };
            try
            {
                var result = target.Invoke(null, arguments);
                if (result is Task<List<string>> task)
                {
                    result = await task;
                }

                return string.Join("|", (List<string>)result!);
            }
            catch (Exception ex)
            {
                var thrown = ex is TargetInvocationException { InnerException: { } inner } ? inner : ex;
                return "threw " + thrown.GetType().FullName + ": " + thrown.Message;
            }
        }

        /// <summary>The source as written and as the analyzer and the fix rewrite it (every fix applied, one at a time), both compiled and loaded.</summary>
        private static async Task<(Assembly Before, Assembly After, string Fixed)> BuildAsync(string source)
        {
            var project = AnalyzerRunner.CreateProject(new[] { source });
            var provider = new SF3002KeyLookupCodeFix();
            for (var round = 0; round < 50; round++)
            {
                var document = project.Documents.Single();
                CodeAction? action = null;
                foreach (var diagnostic in await AnalyzerRunner.RunAsync(project, new SF3002QueryInLoopAnalyzer()))
                {
                    var actions = new List<CodeAction>();
                    await provider.RegisterCodeFixesAsync(new CodeFixContext(document, diagnostic, (a, _) => actions.Add(a), CancellationToken.None));
                    if (actions.Count > 0)
                    {
                        action = actions[0];
                        break;
                    }
                }

                if (action is null)
                {
                    break;
                }

                var operations = await action.GetOperationsAsync(CancellationToken.None);
                project = operations.OfType<ApplyChangesOperation>().Single().ChangedSolution.GetProject(project.Id)!;
            }

            var fixedText = (await project.Documents.Single().GetTextAsync()).ToString();
            return (Load(source, "Before"), Load(fixedText, "After"), fixedText);
        }

        private static Assembly Load(string source, string name)
        {
            var compilation = AnalyzerRunner.Compile(
                new[] { Microsoft.CodeAnalysis.CSharp.CSharpSyntaxTree.ParseText(source, AnalyzerRunner.ParseOptions) },
                OutputKind.DynamicallyLinkedLibrary,
                TestReferences.All,
                "SF3002Behaviour" + name + Guid.NewGuid().ToString("N"));
            using var stream = new MemoryStream();
            var emitted = compilation.Emit(stream);
            Assert.True(emitted.Success, name + " does not compile:\n" + string.Join("\n", emitted.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error)) + "\n" + source);
            return Assembly.Load(stream.ToArray());
        }

        /// <summary>Counts the commands EF Core runs.</summary>
        private sealed class CountingInterceptor : DbCommandInterceptor
        {
            private int _commands;

            public int Commands => Volatile.Read(ref _commands);

            public override InterceptionResult<DbDataReader> ReaderExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result)
            {
                Interlocked.Increment(ref _commands);
                return result;
            }

            public override ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
            {
                Interlocked.Increment(ref _commands);
                return ValueTask.FromResult(result);
            }
        }

        /// <summary>A connection that counts the commands run through it (what Dapper sends), passing everything to SQLite.</summary>
        private sealed class CountingConnection : DbConnection
        {
            private readonly DbConnection _inner;
            private int _commands;

            public CountingConnection(DbConnection inner) => _inner = inner;

            public int Commands => Volatile.Read(ref _commands);

            [AllowNull]
            public override string ConnectionString
            {
                get => _inner.ConnectionString;
                set => _inner.ConnectionString = value;
            }

            public override string Database => _inner.Database;

            public override string DataSource => _inner.DataSource;

            public override string ServerVersion => _inner.ServerVersion;

            public override ConnectionState State => _inner.State;

            public override void ChangeDatabase(string databaseName) => _inner.ChangeDatabase(databaseName);

            public override void Close() => _inner.Close();

            public override void Open() => _inner.Open();

            internal void Count() => Interlocked.Increment(ref _commands);

            protected override DbTransaction BeginDbTransaction(IsolationLevel isolationLevel) => _inner.BeginTransaction(isolationLevel);

            protected override DbCommand CreateDbCommand() => new CountingCommand(this, _inner.CreateCommand());

            protected override void Dispose(bool disposing)
            {
                if (disposing)
                {
                    _inner.Dispose();
                }

                base.Dispose(disposing);
            }
        }

        private sealed class CountingCommand : DbCommand
        {
            private readonly CountingConnection _connection;
            private readonly DbCommand _inner;

            public CountingCommand(CountingConnection connection, DbCommand inner)
            {
                _connection = connection;
                _inner = inner;
            }

            [AllowNull]
            public override string CommandText
            {
                get => _inner.CommandText;
                set => _inner.CommandText = value;
            }

            public override int CommandTimeout
            {
                get => _inner.CommandTimeout;
                set => _inner.CommandTimeout = value;
            }

            public override CommandType CommandType
            {
                get => _inner.CommandType;
                set => _inner.CommandType = value;
            }

            public override bool DesignTimeVisible
            {
                get => _inner.DesignTimeVisible;
                set => _inner.DesignTimeVisible = value;
            }

            public override UpdateRowSource UpdatedRowSource
            {
                get => _inner.UpdatedRowSource;
                set => _inner.UpdatedRowSource = value;
            }

            protected override DbConnection? DbConnection
            {
                get => _connection;
                set
                {
                }
            }

            protected override DbParameterCollection DbParameterCollection => _inner.Parameters;

            protected override DbTransaction? DbTransaction
            {
                get => _inner.Transaction;
                set => _inner.Transaction = value;
            }

            public override void Cancel() => _inner.Cancel();

            public override int ExecuteNonQuery()
            {
                _connection.Count();
                return _inner.ExecuteNonQuery();
            }

            public override object? ExecuteScalar()
            {
                _connection.Count();
                return _inner.ExecuteScalar();
            }

            public override void Prepare() => _inner.Prepare();

            protected override DbParameter CreateDbParameter() => _inner.CreateParameter();

            protected override DbDataReader ExecuteDbDataReader(CommandBehavior behavior)
            {
                _connection.Count();
                return _inner.ExecuteReader(behavior);
            }

            protected override Task<DbDataReader> ExecuteDbDataReaderAsync(CommandBehavior behavior, CancellationToken cancellationToken)
            {
                _connection.Count();
                return _inner.ExecuteReaderAsync(behavior, cancellationToken);
            }

            protected override void Dispose(bool disposing)
            {
                if (disposing)
                {
                    _inner.Dispose();
                }

                base.Dispose(disposing);
            }
        }
    }
}
