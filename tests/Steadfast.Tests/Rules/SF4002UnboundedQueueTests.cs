using System.Threading.Tasks;
using Steadfast.Analyzers.Rules;
using Steadfast.CodeFixes.Internal;
using Steadfast.CodeFixes.Rules;
using Steadfast.Tests.Support;
using Steadfast.Tests.Verification;
using Xunit;
using VerifySF4002 = Steadfast.Tests.Verification.Verify<Steadfast.Analyzers.Rules.SF4002UnboundedQueueAnalyzer, Steadfast.CodeFixes.Rules.SF4002UnboundedQueueCodeFix>;

namespace Steadfast.Tests.Rules
{
    public sealed class SF4002UnboundedQueueTests
    {
        /// <summary>Each diagnostic offers one fix, so it carries the preferred key.</summary>
        private static readonly string Key = PlannedCodeFixProvider.PreferredKey("SF4002");

        private const string Usings = """
            using System;
            using System.Collections.Concurrent;
            using System.Collections.Generic;
            using System.Linq;
            using System.Threading;
            using System.Threading.Channels;
            using System.Threading.Tasks;

            """;

        private static string Bot(string members, string usings = Usings) => usings + """

            public record Update(long Id, string Text);

            public class Bot
            {

            """ + members + """

                private static Task<Update> FetchAsync(long id) => Task.FromResult(new Update(id, ""));
            }
            """;

        /// <summary>
        /// <see cref="Bot"/> with a minimal-API endpoint whose handler (<paramref name="handler"/>, a lambda) passes the
        /// request's values to the bot: the evidence of outside input a history needs before SF4002 reports it (SF4001's
        /// rule, see InputSources). An empty handler adds no endpoint.
        /// </summary>
        private static string Served(string members, string handler, string usings = Usings) => InputEvidence.Served(Bot(members, usings), handler, "/updates");

        /// <summary>An endpoint class for a source of its own: <paramref name="handler"/> is a minimal-API handler lambda.</summary>
        private static string Endpoint(string handler) => InputEvidence.Endpoint(handler);

        private const string OnUpdateU = "(Update u, Bot b) => b.OnUpdate(u)";
        private const string OnMessageText = "(string text, Bot b) => b.OnMessage(text)";
        private const string VisitPage = "(string page, Bot b) => b.Visit(page)";

        // ---------------------------------------------------------------- flagged: queues

        [Fact]
        public Task Flags_WithMessage() => VerifySF4002.AnalyzerAsync(Bot("""

                private readonly Channel<Update> {|#0:_updates|} = Channel.CreateUnbounded<Update>();
                public ValueTask OnWebhook(Update update) => _updates.Writer.WriteAsync(update);
                public ChannelReader<Update> Updates => _updates.Reader;
            """),
            VerifySF4002.Diagnostic("SF4002").WithLocation(0)
                .WithMessage("'_updates' is an unbounded channel written at run time, and a consumer slower than its producers lets it fill: nothing bounds it, so it grows until the process runs out of memory"));

        [Fact]
        public Task Flags_History_WithMessage() => VerifySF4002.AnalyzerAsync(Served("""

                private readonly List<Update> {|#0:_recent|} = new();
                public void OnUpdate(Update update) => _recent.Add(update);
                public int Seen => _recent.Count;
            """, OnUpdateU),
            VerifySF4002.Diagnostic("SF4002").WithLocation(0)
                .WithMessage("'_recent' is a history that gains an item for every outside input and never loses one: nothing bounds it, so it grows until the process runs out of memory"));

        [Theory]
        // WriteAsync from a request path
        [InlineData("private readonly Channel<Update> [|_updates|] = Channel.CreateUnbounded<Update>(); public async Task OnWebhook(Update u) => await _updates.Writer.WriteAsync(u);")]
        // TryWrite with options, unchecked
        [InlineData("private readonly Channel<Update> [|_updates|] = Channel.CreateUnbounded<Update>(new UnboundedChannelOptions { SingleReader = true }); public void OnWebhook(Update u) => _updates.Writer.TryWrite(u);")]
        // created in the constructor, written from an event handler lambda
        [InlineData("private readonly Channel<Update> [|_updates|]; public Bot(Action<Action<Update>> subscribe) { _updates = Channel.CreateUnbounded<Update>(); subscribe(u => _updates.Writer.TryWrite(u)); }")]
        // a static channel written from a static method, the result checked
        [InlineData("private static readonly Channel<string> [|Log|] = Channel.CreateUnbounded<string>(); public static bool Write(string line) => Log.Writer.TryWrite(line);")]
        // a private method called from a public one
        [InlineData("private readonly Channel<Update> [|_updates|] = Channel.CreateUnbounded<Update>(); public void OnWebhook(Update u) => Enqueue(u); private void Enqueue(Update u) => _updates.Writer.TryWrite(u);")]
        // the writer handed out: producers elsewhere
        [InlineData("private readonly Channel<Update> [|_updates|] = Channel.CreateUnbounded<Update>(); public ChannelWriter<Update> Writer => _updates.Writer;")]
        // a BlockingCollection with no bound, Add from a message path
        [InlineData("private readonly BlockingCollection<Update> [|_queue|] = new(); public void OnMessage(Update u) => _queue.Add(u); public Update Next() => _queue.Take();")]
        // over a ConcurrentQueue, TryAdd
        [InlineData("private readonly BlockingCollection<Update> [|_queue|] = new BlockingCollection<Update>(new ConcurrentQueue<Update>()); public bool OnMessage(Update u) => _queue.TryAdd(u);")]
        public Task Flags_Queues(string members) => VerifySF4002.AnalyzerAsync(Bot(members));

        // ---------------------------------------------------------------- flagged: histories

        [Theory]
        [InlineData("private readonly Queue<string> [|_log|] = new(); public void OnMessage(string text) => _log.Enqueue(text); public string Log => string.Concat(_log.Select(l => l + \"\\n\"));", OnMessageText)]
        // written from an event handler lambda whose argument is read from a request
        [InlineData("private readonly ConcurrentQueue<string> [|_seen|] = new ConcurrentQueue<string>(); public Bot(Action<Action<Microsoft.AspNetCore.Http.HttpRequest>> subscribe) => subscribe(r => _seen.Enqueue(r.Path.Value!));", "")]
        [InlineData("private readonly ConcurrentBag<Update> [|_fetched|] = new(); public async Task Poll(long id) => _fetched.Add(await FetchAsync(id));", "")]
        [InlineData("private readonly LinkedList<string> [|_trail|] = new(); public void Visit(string page) => _trail.AddLast(page);", VisitPage)]
        [InlineData("private readonly List<Update> [|_batch|] = new(); public void OnBatch(IEnumerable<Update> updates) => _batch.AddRange(updates);", "(Update[] updates, Bot b) => b.OnBatch(updates)")]
        [InlineData("private readonly List<string> [|_newestFirst|] = new(); public void OnMessage(string text) => _newestFirst.Insert(0, text);", OnMessageText)]
        // the item is built from a parameter
        [InlineData("private readonly List<string> [|_lines|] = new(); public void OnMessage(Update u) => _lines.Add($\"{u.Id}: {u.Text}\");", "(Update u, Bot b) => b.OnMessage(u)")]
        // through a private method with the caller's argument
        [InlineData("private readonly List<Update> [|_recent|] = new(); public void OnUpdate(Update u) => Remember(u); private void Remember(Update u) => _recent.Add(u);", OnUpdateU)]
        // static, created in the static constructor
        [InlineData("private static readonly List<Update> [|All|]; static Bot() { All = new List<Update>(); } public static void OnUpdate(Update u) => All.Add(u);", "(Update u) => Bot.OnUpdate(u)")]
        // read by LINQ, by index and enumerated: still never removed
        [InlineData("private readonly List<Update> [|_recent|] = new(); public void OnUpdate(Update u) => _recent.Add(u); public Update Last => _recent[_recent.Count - 1]; public int Long => _recent.Count(u => u.Text.Length > 10); public void Dump() { foreach (var u in _recent) Console.WriteLine(u); }", OnUpdateU)]
        public Task Flags_Histories(string members, string handler) => VerifySF4002.AnalyzerAsync(Served(members, handler));

        // ---------------------------------------------------------------- not flagged

        [Theory]
        // bounded channels and bounded blocking collections
        [InlineData("private readonly Channel<Update> _updates = Channel.CreateBounded<Update>(100); public ValueTask OnWebhook(Update u) => _updates.Writer.WriteAsync(u);")]
        [InlineData("private readonly Channel<Update> _updates = Channel.CreateBounded<Update>(new BoundedChannelOptions(100) { FullMode = BoundedChannelFullMode.DropOldest }); public void OnWebhook(Update u) => _updates.Writer.TryWrite(u);")]
        [InlineData("private readonly BlockingCollection<Update> _queue = new(boundedCapacity: 100); public void OnMessage(Update u) => _queue.Add(u);")]
        [InlineData("private readonly BlockingCollection<Update> _queue = new(new ConcurrentQueue<Update>(), 100); public void OnMessage(Update u) => _queue.Add(u);")]
        // written only while the owner is built
        [InlineData("private readonly Channel<Update> _updates = Channel.CreateUnbounded<Update>(); public Bot(Update first) { _updates.Writer.TryWrite(first); } public ChannelReader<Update> Updates => _updates.Reader;")]
        // never written here, its writer not handed out
        [InlineData("private readonly Channel<Update> _updates = Channel.CreateUnbounded<Update>(); public ChannelReader<Update> Updates => _updates.Reader;")]
        // the channel itself escapes (SF4001's rules)
        [InlineData("private readonly Channel<Update> _updates = Channel.CreateUnbounded<Update>(); public Channel<Update> Updates => _updates; public void OnWebhook(Update u) => _updates.Writer.TryWrite(u);")]
        [InlineData("private readonly BlockingCollection<Update> _queue = new(); public void OnMessage(Update u) => _queue.Add(u); public void Start() => Consume(_queue); private static void Consume(BlockingCollection<Update> q) { }")]
        // not private
        [InlineData("public readonly Channel<Update> Updates = Channel.CreateUnbounded<Update>(); public void OnWebhook(Update u) => Updates.Writer.TryWrite(u);")]
        [InlineData("internal readonly List<Update> Recent = new(); public void OnUpdate(Update u) => Recent.Add(u);")]
        // locals
        [InlineData("public async Task Run(IEnumerable<Update> updates) { var channel = Channel.CreateUnbounded<Update>(); foreach (var u in updates) await channel.Writer.WriteAsync(u); var list = new List<Update>(); list.AddRange(updates); }")]
        public Task DoesNotFlag_Queues(string members) => VerifySF4002.AnalyzerAsync(Bot(members));

        [Theory]
        // consumed or trimmed
        [InlineData("private readonly Queue<Update> _pending = new(); public void OnUpdate(Update u) => _pending.Enqueue(u); public Update Next() => _pending.Dequeue();", OnUpdateU)]
        [InlineData("private readonly ConcurrentQueue<Update> _pending = new(); public void OnUpdate(Update u) => _pending.Enqueue(u); public bool Next(out Update? u) => _pending.TryDequeue(out u);", OnUpdateU)]
        [InlineData("private readonly ConcurrentBag<Update> _pending = new(); public void OnUpdate(Update u) => _pending.Add(u); public bool Next(out Update? u) => _pending.TryTake(out u);", OnUpdateU)]
        [InlineData("private readonly List<Update> _recent = new(); public void OnUpdate(Update u) { _recent.Add(u); if (_recent.Count > 100) _recent.RemoveAt(0); }", OnUpdateU)]
        [InlineData("private readonly List<Update> _recent = new(); public void OnUpdate(Update u) => _recent.Add(u); public void Prune() => _recent.RemoveAll(u => u.Id < 10);", OnUpdateU)]
        [InlineData("private readonly List<Update> _recent = new(); public void OnUpdate(Update u) => _recent.Add(u); public void Flush() => _recent.Clear();", OnUpdateU)]
        [InlineData("private readonly List<Update> _recent = new(); public void OnUpdate(Update u) => _recent.Add(u); public void Forget(Update u) => _recent.Remove(u);", OnUpdateU)]
        [InlineData("private readonly LinkedList<string> _trail = new(); public void Visit(string page) { _trail.AddLast(page); if (_trail.Count > 50) _trail.RemoveFirst(); }", VisitPage)]
        [InlineData("private List<Update> _recent = new(); public void OnUpdate(Update u) => _recent.Add(u); public void Reset() => _recent = new List<Update>();", OnUpdateU)]
        // filled in construction
        [InlineData("private readonly List<Update> _seed = new(); public Bot(IEnumerable<Update> seed) { foreach (var u in seed) _seed.Add(u); } public int Count => _seed.Count;", "(Update[] seed) => new Bot(seed).Count")]
        [InlineData("private readonly List<Update> _seed = new(); public Bot(Update u) { Fill(u); } private void Fill(Update u) => _seed.Add(u); public int Count => _seed.Count;", "(Update u) => new Bot(u).Count")]
        // items made here, not outside input
        [InlineData("private readonly List<DateTime> _ticks = new(); public void Tick() => _ticks.Add(DateTime.UtcNow);", "(Bot b) => b.Tick()")]
        [InlineData("private readonly List<int> _marks = new(); private int _n; public void Mark() => _marks.Add(_n++);", "(Bot b) => b.Mark()")]
        // escapes (SF4001's rules): returned, passed on, wrapped in a view
        [InlineData("private readonly List<Update> _recent = new(); public void OnUpdate(Update u) => _recent.Add(u); public List<Update> Recent => _recent;", OnUpdateU)]
        [InlineData("private readonly List<Update> _recent = new(); public void OnUpdate(Update u) => _recent.Add(u); public void Flush(Action<List<Update>> sink) => sink(_recent);", OnUpdateU)]
        [InlineData("private readonly List<Update> _recent = new(); public void OnUpdate(Update u) => _recent.Add(u); public IReadOnlyList<Update> Recent => _recent.AsReadOnly();", OnUpdateU)]
        [InlineData("private readonly Queue<string> _log = new(); public void OnMessage(string text) => _log.Enqueue(text); public IEnumerable<string> Log => _log;", OnMessageText)]
        [InlineData("private readonly Queue<string> _log = new(); public void OnMessage(string text) => _log.Enqueue(text); public string Log => string.Join(\",\", _log);", OnMessageText)]
        // other collection types
        [InlineData("private readonly HashSet<string> _seen = new(); public void OnMessage(string text) => _seen.Add(text);", OnMessageText)]
        [InlineData("private readonly Stack<string> _undo = new(); public void OnMessage(string text) => _undo.Push(text);", OnMessageText)]
        public Task DoesNotFlag_Histories(string members, string handler) => VerifySF4002.AnalyzerAsync(Served(members, handler));

        /// <summary>An owner made per operation and dropped (SF4001's owner lifetimes): its history goes with it.</summary>
        [Fact]
        public Task DoesNotFlag_ShortLivedOwner() => VerifySF4002.AnalyzerAsync(Usings + """
            public sealed class Report
            {
                private readonly List<string> _lines = new();
                public void Add(string line) => _lines.Add(line);
                public string Render() => string.Concat(_lines.Select(l => l + "\n"));
            }

            public static class Reports
            {
                public static void Send(IEnumerable<string> lines)
                {
                    var report = new Report();
                    foreach (var line in lines) report.Add(line);
                    Console.WriteLine(report.Render());
                }
            }
            """ + Endpoint("(string[] lines) => Reports.Send(lines)"));

        /// <summary>The same owner kept for the process (in a static field): its history lives as long.</summary>
        [Fact]
        public Task Flags_LongLivedOwner() => VerifySF4002.AnalyzerAsync(Usings + """
            public sealed class Report
            {
                private readonly List<string> [|_lines|] = new();
                public void Add(string line) => _lines.Add(line);
                public string Render() => string.Concat(_lines.Select(l => l + "\n"));
            }

            public static class Reports
            {
                private static readonly Report Current = new Report();
                public static void Send(IEnumerable<string> lines)
                {
                    foreach (var line in lines) Current.Add(line);
                    Console.WriteLine(Current.Render());
                }
            }
            """ + Endpoint("(string[] lines) => Reports.Send(lines)"));

        /// <summary>
        /// Filled by a static factory of the owner before anyone else sees the instance (real code: bitwarden's
        /// <c>DomainIcons.FetchAsync</c>): built once per call, like a constructor's work.
        /// </summary>
        [Theory]
        [InlineData("var x = new Icons(); await x.FillAsync(domain); return x;")]
        [InlineData("var x = new Icons(); x.Fill(domain); return x;")]
        [InlineData("return new Icons().Filled(domain);")]
        public Task DoesNotFlag_FilledByStaticFactory(string factoryBody) => VerifySF4002.AnalyzerAsync(Usings + """
            public sealed class Icons
            {
                private readonly List<string> _icons = new();
                private Icons() { }
                public static async Task<Icons> FetchAsync(string domain)
                {
                    await Task.Yield();
                    BODY
                }
                private async Task FillAsync(string domain) { await Task.Yield(); _icons.AddRange(domain.Split('.')); }
                private void Fill(string domain) => _icons.AddRange(domain.Split('.'));
                private Icons Filled(string domain) { _icons.AddRange(domain.Split('.')); return this; }
                public int Count => _icons.Count;
            }
            """.Replace("BODY", factoryBody) + Endpoint("async (string domain) => (await Icons.FetchAsync(domain)).Count"));

        /// <summary>A static method of the owner that fills an instance it did not make (a parameter, a field, a local assigned twice) still writes after construction.</summary>
        [Theory]
        [InlineData("public static void Record(Icons icons, string domain) => icons.Fill(domain);", "(string domain) => Icons.Record(Icons.Shared, domain)")]
        [InlineData("public static void Record(string domain) => Shared.Fill(domain);", "(string domain) => Icons.Record(domain)")]
        [InlineData("public static void Record(string domain) { var x = new Icons(); x = Shared; x.Fill(domain); }", "(string domain) => Icons.Record(domain)")]
        public Task Flags_FilledByStaticMethodOnAnInstanceItDidNotMake(string method, string handler) => VerifySF4002.AnalyzerAsync(Usings + """
            public sealed class Icons
            {
                public static readonly Icons Shared = new Icons();
                private readonly List<string> [|_icons|] = new();
                METHOD
                private void Fill(string domain) => _icons.AddRange(domain.Split('.'));
                public int Count => _icons.Count;
            }
            """.Replace("METHOD", method) + Endpoint(handler));

        /// <summary>A nested type's operations are out of the owner's sight (SF4001's rule): even one that only reads keeps the field unjudged.</summary>
        [Fact]
        public Task DoesNotFlag_FieldNamedInANestedType() => VerifySF4002.AnalyzerAsync(Served("""
                private readonly List<Update> _recent = new();
                public void OnUpdate(Update u) => _recent.Add(u);
                private sealed class Stats { public int Seen(Bot bot) => bot._recent.Count; }
            """, OnUpdateU));

        /// <summary>
        /// No evidence that a history's items come from outside input (SF4001's rule): a public method nothing in the
        /// compilation calls with request data, a lambda or a method group called by code out of sight, a private method
        /// whose caller passes a value of its own making. Channels and blocking collections need no such evidence.
        /// </summary>
        [Theory]
        // a public method nothing here calls: a library's API, or a service fed by configuration or stored rows
        [InlineData("private readonly List<Update> _recent = new(); public void OnUpdate(Update u) => _recent.Add(u);")]
        [InlineData("private readonly Queue<string> _log = new(); public void OnMessage(string text) => _log.Enqueue(text);")]
        // a lambda called by code out of sight (an event, a callback) is no entry point
        [InlineData("private readonly ConcurrentQueue<Update> _seen = new ConcurrentQueue<Update>(); public Bot(Action<Action<Update>> subscribe) => subscribe(u => _seen.Enqueue(u));")]
        // a private method used as a method group: its callers are out of sight
        [InlineData("private readonly List<Update> _recent = new(); public void Subscribe(Action<Action<Update>> on) => on(Remember); private void Remember(Update u) => _recent.Add(u);")]
        // a private method's caller passes a value of its own making
        [InlineData("private readonly List<string> _ids = new(); public void Tick() => Remember(Guid.NewGuid().ToString()); private void Remember(string id) => _ids.Add(id);")]
        public Task DoesNotFlag_NoEvidenceOfInput(string members) => VerifySF4002.AnalyzerAsync(Bot(members));

        // ---------------------------------------------------------------- round 6: a consumer that only dispatches

        private const string Scheduler = """
                private readonly HashSet<Task> _running = new();
                public void Schedule(Func<CancellationToken, Task> job) => QUEUE_WRITE;
                public async Task ProcessAsync(CancellationToken ct)
                {
                    LOOP
                }
                private void Track(Task t) { lock (_running) _running.Add(t); }
            """;

        private static string Dispatching(string field, string write, string loop) => Usings + """
            public sealed class JobQueue
            {
                FIELD
            """.Replace("FIELD", field) + Scheduler.Replace("QUEUE_WRITE", write).Replace("LOOP", loop) + """
            }
            """;

        /// <summary>
        /// The queue's only consumer reads an item, starts its work without awaiting it and loops (real code:
        /// btcpayserver's <c>BackgroundJobClient.ProcessJobs</c>): the queue is drained as fast as it is written, so it
        /// holds no backlog. The work may pile up, but not in the queue (an unbounded fan-out is SF1003's concern).
        /// </summary>
        [Theory]
        // WaitToReadAsync, then TryRead in the body; the task kept in a set
        [InlineData("while (await _jobs.Reader.WaitToReadAsync(ct)) { if (_jobs.Reader.TryRead(out var job)) { var t = job(ct); Track(t); } }")]
        // TryRead drained in an inner loop, the task discarded
        [InlineData("while (await _jobs.Reader.WaitToReadAsync(ct).ConfigureAwait(false)) { while (_jobs.Reader.TryRead(out var job)) { _ = job(ct); } }")]
        // await foreach over ReadAllAsync, each item handed to Task.Run
        [InlineData("await foreach (var job in _jobs.Reader.ReadAllAsync(ct)) { Track(Task.Run(() => job(ct))); }")]
        // ReadAsync in the loop
        [InlineData("while (!ct.IsCancellationRequested) { var job = await _jobs.Reader.ReadAsync(ct); _ = job(ct).ContinueWith(t => Console.WriteLine(t.Exception), TaskScheduler.Default); }")]
        public Task DoesNotFlag_ConsumerOnlyDispatches(string loop) => VerifySF4002.AnalyzerAsync(
            Dispatching("private readonly Channel<Func<CancellationToken, Task>> _jobs = Channel.CreateUnbounded<Func<CancellationToken, Task>>();", "_jobs.Writer.TryWrite(job)", loop));

        /// <summary>A blocking collection drained the same way: each item's work started on the thread pool, not waited for.</summary>
        [Fact]
        public Task DoesNotFlag_BlockingCollectionConsumerOnlyDispatches() => VerifySF4002.AnalyzerAsync(
            Dispatching("private readonly BlockingCollection<Func<CancellationToken, Task>> _jobs = new();", "_jobs.Add(job)",
                "await Task.Yield(); foreach (var job in _jobs.GetConsumingEnumerable(ct)) { Track(Task.Run(() => job(ct))); }"));

        /// <summary>
        /// Near misses: a consumer that awaits (or blocks on) each item's work, does other awaited work per item, starts
        /// nothing, reads outside a loop or inside a lambda, or a reader handed out besides the dispatch loop: each can
        /// fall behind its producers, so the unbounded queue fills.
        /// </summary>
        [Theory]
        // awaits each item's work
        [InlineData("while (await _jobs.Reader.WaitToReadAsync(ct)) { if (_jobs.Reader.TryRead(out var job)) { await job(ct); } }", "")]
        [InlineData("await foreach (var job in _jobs.Reader.ReadAllAsync(ct)) { await job(ct).ConfigureAwait(false); }", "")]
        // starts it, then awaits it
        [InlineData("while (await _jobs.Reader.WaitToReadAsync(ct)) { if (_jobs.Reader.TryRead(out var job)) { var t = job(ct); Track(t); await t; } }", "")]
        // blocks on it
        [InlineData("while (await _jobs.Reader.WaitToReadAsync(ct)) { if (_jobs.Reader.TryRead(out var job)) { job(ct).Wait(); } }", "")]
        [InlineData("while (await _jobs.Reader.WaitToReadAsync(ct)) { if (_jobs.Reader.TryRead(out var job)) { job(ct).GetAwaiter().GetResult(); } }", "")]
        // awaits something else per item (a delay, a throttle)
        [InlineData("while (await _jobs.Reader.WaitToReadAsync(ct)) { if (_jobs.Reader.TryRead(out var job)) { _ = job(ct); await Task.Delay(100, ct); } }", "")]
        // starts nothing: the work is done in the loop
        [InlineData("while (await _jobs.Reader.WaitToReadAsync(ct)) { if (_jobs.Reader.TryRead(out var job)) { Console.WriteLine(job.Method.Name); } }", "")]
        // one read, no loop (the caller's loop is out of sight)
        [InlineData("var job = await _jobs.Reader.ReadAsync(ct); _ = job(ct);", "")]
        // the reader also handed out: another consumer out of sight
        [InlineData("await foreach (var job in _jobs.Reader.ReadAllAsync(ct)) { _ = job(ct); }", "public ChannelReader<Func<CancellationToken, Task>> Reader => _jobs.Reader;")]
        public Task Flags_ConsumerThatCanFallBehind(string loop, string extra) => VerifySF4002.AnalyzerAsync(
            Dispatching("private readonly Channel<Func<CancellationToken, Task>> [|_jobs|] = Channel.CreateUnbounded<Func<CancellationToken, Task>>(); " + extra, "_jobs.Writer.TryWrite(job)", loop));

        /// <summary>A blocking collection whose consumer runs each item's work before taking the next.</summary>
        [Fact]
        public Task Flags_BlockingCollectionConsumerThatWaits() => VerifySF4002.AnalyzerAsync(
            Dispatching("private readonly BlockingCollection<Func<CancellationToken, Task>> [|_jobs|] = new();", "_jobs.Add(job)",
                "await Task.Yield(); foreach (var job in _jobs.GetConsumingEnumerable(ct)) { job(ct).Wait(); }"));

        // ---------------------------------------------------------------- round 6: an owner held only by short-lived objects

        private static string PerOperationLog(string field, string inCreate, string moreTypes) => Usings + """
            public sealed class AuditLog
            {
                private readonly List<string> FIELD = new();
                public void Write(string entry) { lock (_entries) _entries.Add(entry); }
                public List<string> ToList() { lock (_entries) return _entries.ToList(); }
                internal IDisposable Time(string what) => new Timing(this, what);

                private sealed class Timing : IDisposable
                {
                    private readonly AuditLog _log;
                    private readonly string _what;
                    public Timing(AuditLog log, string what) { _log = log; _what = what; }
                    public void Dispose() => _log.Write(_what + " done");
                }
            }

            public sealed class OrderContext
            {
                public OrderContext(string id, AuditLog log) { Id = id; Log = log; }
                public string Id { get; }
                public AuditLog Log { get; }
                public AuditLog Notes { get; } = new AuditLog();
            }

            public static class Keep
            {
                public static readonly List<IDisposable> All = new();
            }

            public static class Orders
            {
                public static async Task Create(string id, string note)
                {
                    var log = new AuditLog();
                    log.Write(note);
                    var context = new OrderContext(id, log);
                    Process(context, note);
                    using (log.Time("saving"))
                    {
                        await Task.Yield();
                    }

                    IN_CREATE
                    await SaveLogs(id, log);
                }

                private static void Process(OrderContext context, string note) { context.Log.Write(note); context.Notes.Write(note); }

                private static async Task SaveLogs(string id, AuditLog log) { await Task.Yield(); Console.WriteLine(id + log.ToList().Count); }
            }

            """.Replace("FIELD", field).Replace("IN_CREATE", inCreate) + moreTypes + Endpoint("(string id, string note) => Orders.Create(id, note)");

        /// <summary>
        /// The owner is made with <c>new</c> per operation, written a few lines, handed to a method and dropped (real code:
        /// btcpayserver's <c>InvoiceLogs</c>). It is also held by objects that are themselves per operation: a context made
        /// per call that keeps it in a property (and makes another in an initializer), and a helper it makes of itself
        /// (<c>new Timing(this, …)</c>) that a factory returns straight into a <c>using</c>. A static list of
        /// <c>IDisposable</c> elsewhere could hold a <c>Timing</c>, but none is ever handed to it.
        /// </summary>
        [Fact]
        public Task DoesNotFlag_OwnerHeldOnlyByShortLivedObjects() => VerifySF4002.AnalyzerAsync(PerOperationLog("_entries", "", ""));

        /// <summary>
        /// Near misses: the per-operation context kept in a static field, the log handed to an object that lives for the
        /// process, or the log's helper (and so the log) kept in a static list: the history lives as long as they do.
        /// </summary>
        [Theory]
        [InlineData("Last.Context = context;", "public static class Last { public static OrderContext? Context; }")]
        [InlineData("AuditSink.Shared.Attach(log);", "public sealed class AuditSink { public static readonly AuditSink Shared = new AuditSink(); private AuditLog? _current; public void Attach(AuditLog log) => _current = log; public int Count => _current?.ToList().Count ?? 0; }")]
        [InlineData("Keep.All.Add(log.Time(\"kept\"));", "")]
        public Task Flags_PerOperationOwnerKeptByALongLivedOne(string inCreate, string moreTypes) => VerifySF4002.AnalyzerAsync(PerOperationLog("[|_entries|]", inCreate, moreTypes));

        /// <summary>A collection type that does not resolve is never taken for one.</summary>
        [Fact]
        public Task DoesNotFlag_UnresolvedType() => VerifySF4002.AnalyzerAsync("""
            public class Bot
            {
                private readonly {|CS0246:Lisst<string>|} _recent = new();
                public void OnUpdate(string u) => _recent.Add(u);
            }
            """);

        // ---------------------------------------------------------------- fix: Bound the channel

        [Fact]
        public Task Fix_Channel_WriteAsync_Waits() => VerifySF4002.CodeFixAsync(Bot("""

                private readonly Channel<Update> [|_updates|] = Channel.CreateUnbounded<Update>();
                public ValueTask OnWebhook(Update u, CancellationToken ct) => _updates.Writer.WriteAsync(u, ct);
                public IAsyncEnumerable<Update> Read(CancellationToken ct) => _updates.Reader.ReadAllAsync(ct);
            """), Bot("""

                private readonly Channel<Update> _updates = Channel.CreateBounded<Update>(new BoundedChannelOptions(1024) { FullMode = BoundedChannelFullMode.Wait });
                public ValueTask OnWebhook(Update u, CancellationToken ct) => _updates.Writer.WriteAsync(u, ct);
                public IAsyncEnumerable<Update> Read(CancellationToken ct) => _updates.Reader.ReadAllAsync(ct);
            """), Key);

        [Fact]
        public Task Fix_Channel_UncheckedTryWrite_DropsTheOldest_KeepsTheOptions() => VerifySF4002.CodeFixAsync(Bot("""

                private readonly Channel<Update> [|_updates|] = Channel.CreateUnbounded<Update>(new UnboundedChannelOptions { SingleReader = true, AllowSynchronousContinuations = false });
                public void OnWebhook(Update u) => _updates.Writer.TryWrite(u);
                public async Task OnRetry(Update u) => await _updates.Writer.WriteAsync(u);
            """), Bot("""

                private readonly Channel<Update> _updates = Channel.CreateBounded<Update>(new BoundedChannelOptions(1024) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true, AllowSynchronousContinuations = false });
                public void OnWebhook(Update u) => _updates.Writer.TryWrite(u);
                public async Task OnRetry(Update u) => await _updates.Writer.WriteAsync(u);
            """), Key);

        [Fact]
        public Task Fix_Channel_CheckedTryWrite_Waits_CreatedInTheConstructor() => VerifySF4002.CodeFixAsync(Bot("""

                private readonly Channel<Update> [|_updates|];
                public Bot() { _updates = Channel.CreateUnbounded<Update>(); }
                public bool OnWebhook(Update u) => _updates.Writer.TryWrite(u);
            """), Bot("""

                private readonly Channel<Update> _updates;
                public Bot() { _updates = Channel.CreateBounded<Update>(new BoundedChannelOptions(1024) { FullMode = BoundedChannelFullMode.Wait }); }
                public bool OnWebhook(Update u) => _updates.Writer.TryWrite(u);
            """), Key);

        [Fact]
        public Task Fix_BlockingCollection_GetsABoundedCapacity() => VerifySF4002.CodeFixAsync(Bot("""

                private readonly BlockingCollection<Update> [|_queue|] = new();
                private readonly BlockingCollection<Update> [|_ordered|] = new BlockingCollection<Update>(new ConcurrentQueue<Update>());
                public void OnMessage(Update u) { _queue.Add(u); _ordered.Add(u); }
            """), Bot("""

                private readonly BlockingCollection<Update> _queue = new(boundedCapacity: 1024);
                private readonly BlockingCollection<Update> _ordered = new BlockingCollection<Update>(new ConcurrentQueue<Update>(), boundedCapacity: 1024);
                public void OnMessage(Update u) { _queue.Add(u); _ordered.Add(u); }
            """), Key);

        [Theory]
        // the writer is handed out: producers out of sight
        [InlineData("private readonly Channel<Update> [|_updates|] = Channel.CreateUnbounded<Update>(); public ChannelWriter<Update> Writer => _updates.Writer; public void OnWebhook(Update u) => _updates.Writer.TryWrite(u);")]
        // options made elsewhere
        [InlineData("private static readonly UnboundedChannelOptions Options = new() { SingleReader = true }; private readonly Channel<Update> [|_updates|] = Channel.CreateUnbounded<Update>(Options); public void OnWebhook(Update u) => _updates.Writer.TryWrite(u);")]
        // a BlockingCollection's unchecked TryAdd would drop silently once bounded, and it has no drop-oldest mode
        [InlineData("private readonly BlockingCollection<Update> [|_queue|] = new(); public void OnMessage(Update u) => _queue.TryAdd(u);")]
        public Task Fix_Channel_NotOffered(string members) => VerifySF4002.NoCodeFixAsync(Bot(members), Key);

        // ---------------------------------------------------------------- fix: Keep the last N

        [Fact]
        public Task Fix_List_KeepsTheLastN() => VerifySF4002.CodeFixAsync(Served("""

                private readonly List<Update> [|_recent|] = new();
                public void OnUpdate(Update u) => _recent.Add(u);
                public int Seen => _recent.Count;
                public Update First => _recent[0];
                public Update[] Snapshot() => _recent.ToArray();
                public IEnumerable<string> Texts => _recent.Select(u => u.Text);
                public void Dump() { foreach (var u in _recent) Console.WriteLine(u); }
            """, OnUpdateU), Served("""

                private readonly BoundedHistory<Update> _recent = new(capacity: 1024);
                public void OnUpdate(Update u) => _recent.Add(u);
                public int Seen => _recent.Count;
                public Update First => _recent[0];
                public Update[] Snapshot() => _recent.ToArray();
                public IEnumerable<string> Texts => _recent.Select(u => u.Text);
                public void Dump() { foreach (var u in _recent) Console.WriteLine(u); }
            """, OnUpdateU, Usings + "using Steadfast;\n"), Key);

        [Fact]
        public Task Fix_QueueAndLinkedList_AddsBecomeAdd() => VerifySF4002.CodeFixAsync(Served("""

                private readonly Queue<string> [|_log|] = new Queue<string>(16);
                private readonly ConcurrentQueue<Update> [|_seen|] = new ConcurrentQueue<Update>();
                private readonly LinkedList<string> [|_trail|];
                public Bot() { _trail = new LinkedList<string>(); }
                public void OnMessage(Update u)
                {
                    _log.Enqueue(u.Text);
                    this._seen.Enqueue(u);
                    _trail.AddLast(u.Text);
                }
                public string Dump() => string.Join(",", _log.Select(l => l)) + _seen.Count + _trail.Count();
            """, "(Update u, Bot b) => b.OnMessage(u)"), Served("""

                private readonly BoundedHistory<string> _log = new BoundedHistory<string>(capacity: 1024);
                private readonly BoundedHistory<Update> _seen = new BoundedHistory<Update>(capacity: 1024);
                private readonly BoundedHistory<string> _trail;
                public Bot() { _trail = new BoundedHistory<string>(capacity: 1024); }
                public void OnMessage(Update u)
                {
                    _log.Add(u.Text);
                    this._seen.Add(u);
                    _trail.Add(u.Text);
                }
                public string Dump() => string.Join(",", _log.Select(l => l)) + _seen.Count + _trail.Count();
            """, "(Update u, Bot b) => b.OnMessage(u)", Usings + "using Steadfast;\n"), Key);

        [Fact]
        public Task Fix_CapacityFromEditorConfig() => new SteadfastCodeFixTest<SF4002UnboundedQueueAnalyzer, SF4002UnboundedQueueCodeFix>
        {
            EditorConfig = "[*.cs]\nSF4002.capacity = 50",
            TestCode = Served("private readonly List<Update> [|_recent|] = new(); private readonly Channel<Update> [|_updates|] = Channel.CreateUnbounded<Update>(); public void OnUpdate(Update u) { _recent.Add(u); _updates.Writer.TryWrite(u); }", OnUpdateU),
            FixedCode = Served("private readonly BoundedHistory<Update> _recent = new(capacity: 50); private readonly Channel<Update> _updates = Channel.CreateBounded<Update>(new BoundedChannelOptions(50) { FullMode = BoundedChannelFullMode.DropOldest }); public void OnUpdate(Update u) { _recent.Add(u); _updates.Writer.TryWrite(u); }", OnUpdateU, Usings + "using Steadfast;\n"),
            CodeActionEquivalenceKey = Key,
        }.RunAsync();

        [Theory]
        [InlineData("lots")]
        [InlineData("0")]
        [InlineData("-5")]
        public Task Option_Capacity_ThatDoesNotParse_GivesTheDefault(string value) => new SteadfastCodeFixTest<SF4002UnboundedQueueAnalyzer, SF4002UnboundedQueueCodeFix>
        {
            EditorConfig = "[*.cs]\nSF4002.capacity = " + value,
            TestCode = Served("private readonly List<Update> [|_recent|] = new(); public void OnUpdate(Update u) => _recent.Add(u);", OnUpdateU),
            FixedCode = Served("private readonly BoundedHistory<Update> _recent = new(capacity: 1024); public void OnUpdate(Update u) => _recent.Add(u);", OnUpdateU, Usings + "using Steadfast;\n"),
            CodeActionEquivalenceKey = Key,
        }.RunAsync();

        [Theory]
        // members BoundedHistory does not have
        [InlineData("private readonly List<Update> [|_recent|] = new(); public void OnUpdate(Update u) => _recent.Add(u); public bool Has(Update u) => _recent.Contains(u);", OnUpdateU)]
        [InlineData("private readonly Queue<Update> [|_recent|] = new(); public void OnUpdate(Update u) => _recent.Enqueue(u); public Update Oldest => _recent.Peek();", OnUpdateU)]
        [InlineData("private readonly ConcurrentQueue<Update> [|_recent|] = new(); public void OnUpdate(Update u) => _recent.Enqueue(u); public bool None => _recent.IsEmpty;", OnUpdateU)]
        [InlineData("private readonly List<Update> [|_recent|] = new(); public void OnUpdate(Update u) => _recent.Add(u); public void Fix(Update u) => _recent[0] = u;", OnUpdateU)]
        [InlineData("private readonly List<Update> [|_recent|] = new(); public void OnUpdate(Update u) => _recent.Add(u); public int Room => _recent.Capacity - _recent.Count;", OnUpdateU)]
        // AddLast's node is used; AddFirst keeps a different order
        [InlineData("private readonly LinkedList<string> [|_trail|] = new(); public LinkedListNode<string> Visit(string page) => _trail.AddLast(page);", VisitPage)]
        [InlineData("private readonly LinkedList<string> [|_trail|] = new(); public void Visit(string page) => _trail.AddFirst(page);", VisitPage)]
        // created as a copy of another collection
        [InlineData("private static readonly Update[] Seed = new Update[0]; private readonly List<Update> [|_recent|] = new(Seed); public void OnUpdate(Update u) => _recent.Add(u);", OnUpdateU)]
        // declared together with another field
        [InlineData("private readonly List<Update> [|_recent|] = new(), _other = new(); public void OnUpdate(Update u) => _recent.Add(u); public int N => _other.Count;", OnUpdateU)]
        public Task Fix_History_NotOffered(string members, string handler) => VerifySF4002.NoCodeFixAsync(Served(members, handler), Key);

        [Fact]
        public Task Fix_NotOfferedWithoutRuntime() => new SteadfastCodeFixTest<SF4002UnboundedQueueAnalyzer, SF4002UnboundedQueueCodeFix>
        {
            ReferenceSteadfastRuntime = false,
            TestCode = "using System.Collections.Generic; class C { private readonly List<string> [|_log|] = new(); public void Add(string k) => _log.Add(k); } " + Endpoint("(string k, C c) => c.Add(k)"),
            CodeActionEquivalenceKey = Key,
        }.RunAsync();

        [Fact]
        public Task Fix_NotOfferedWhenAnotherPartUsesTheField() => new SteadfastCodeFixTest<SF4002UnboundedQueueAnalyzer, SF4002UnboundedQueueCodeFix>
        {
            Sources =
            {
                "using System.Collections.Generic; public partial class Bot { private readonly List<string> [|_log|] = new(); }",
                "public partial class Bot { public void OnMessage(string text) => _log.Add(text); }",
                Endpoint(OnMessageText),
            },
            CodeActionEquivalenceKey = Key,
        }.RunAsync();

        [Fact]
        public Task FixAll_EveryFieldInEveryDocument() => new SteadfastCodeFixTest<SF4002UnboundedQueueAnalyzer, SF4002UnboundedQueueCodeFix>
        {
            Sources =
            {
                "using System.Collections.Generic;\nusing System.Threading.Channels;\nclass A\n{\n    private readonly List<string> [|_log|] = new();\n    private readonly Channel<string> [|_out|] = Channel.CreateUnbounded<string>();\n    public void On(string k) { _log.Add(k); _out.Writer.TryWrite(k); }\n}",
                "using System.Collections.Concurrent;\nclass B\n{\n    private static readonly ConcurrentQueue<int> [|Seen|] = new();\n    private readonly BlockingCollection<int> [|_work|] = new();\n    public void On(int k) { Seen.Enqueue(k); _work.Add(k); }\n}",
                Endpoint("(string k, int n, A a, B b) => { a.On(k); b.On(n); }"),
            },
            FixedSources =
            {
                "using System.Collections.Generic;\nusing System.Threading.Channels;\nusing Steadfast;\nclass A\n{\n    private readonly BoundedHistory<string> _log = new(capacity: 1024);\n    private readonly Channel<string> _out = Channel.CreateBounded<string>(new BoundedChannelOptions(1024) { FullMode = BoundedChannelFullMode.DropOldest });\n    public void On(string k) { _log.Add(k); _out.Writer.TryWrite(k); }\n}",
                "using System.Collections.Concurrent;\nusing Steadfast;\nclass B\n{\n    private static readonly BoundedHistory<int> Seen = new(capacity: 1024);\n    private readonly BlockingCollection<int> _work = new(boundedCapacity: 1024);\n    public void On(int k) { Seen.Add(k); _work.Add(k); }\n}",
                Endpoint("(string k, int n, A a, B b) => { a.On(k); b.On(n); }"),
            },
            CodeActionEquivalenceKey = Key,
        }.RunAsync();
    }
}
