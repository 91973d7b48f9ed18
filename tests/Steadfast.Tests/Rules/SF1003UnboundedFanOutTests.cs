using System.Threading.Tasks;
using Steadfast.Analyzers.Rules;
using Steadfast.CodeFixes.Internal;
using Steadfast.CodeFixes.Rules;
using Steadfast.Tests.Verification;
using Xunit;
using VerifySF1003 = Steadfast.Tests.Verification.Verify<Steadfast.Analyzers.Rules.SF1003UnboundedFanOutAnalyzer, Steadfast.CodeFixes.Rules.SF1003UnboundedFanOutCodeFix>;

namespace Steadfast.Tests.Rules
{
    public sealed class SF1003UnboundedFanOutTests
    {
        private static readonly string Key = PlannedCodeFixProvider.PreferredKey("SF1003");

        private const string Usings = """
            using System;
            using System.Collections.Generic;
            using System.Linq;
            using System.Threading;
            using System.Threading.Tasks;

            """;

        private static readonly string WithSteadfast = Usings.Replace("using System.Threading.Tasks;\n", "using System.Threading.Tasks;\nusing Steadfast;\n");

        /// <summary>A notifier with a few members to call; <paramref name="body"/> is the body of <c>RunAsync(List&lt;Lead&gt; leads, CancellationToken ct)</c>.</summary>
        private static string Notifier(string body, string members = "", string usings = Usings) => usings + """
            public sealed record Lead(long ChatId, string Name);

            public sealed class Notifier
            {
                private readonly SemaphoreSlim _gate = new SemaphoreSlim(4);
                private readonly List<Lead> _subscribers = new();
                private static readonly Lead[] Admins = { new Lead(1, "a"), new Lead(2, "b") };

                private Task SendAsync(Lead lead) => Task.Delay(1);
                private Task<int> LoadAsync(Lead lead) => Task.FromResult(1);
                private Task SendAsync(Lead lead, CancellationToken ct) => Task.Delay(1, ct);
                private IReadOnlyList<Lead> Query() => _subscribers;
            """ + members + """

                public async Task RunAsync(List<Lead> leads, CancellationToken ct)
                {
            """ + "\n" + body + """

                }
            }
            """;

        // ---------------------------------------------------------------- flagged

        [Fact]
        public Task Flags_WhenAllOverSelect_WithMessage() => VerifySF1003.AnalyzerAsync(
            Notifier("""
                    await {|#0:Task.WhenAll|}(leads.Select(lead => SendAsync(lead)));
            """),
            VerifySF1003.Diagnostic("SF1003").WithLocation(0)
                .WithMessage("Task.WhenAll starts one task per item of 'leads' and runs them all at once: limit how many run concurrently"));

        [Theory]
        [InlineData("await [|Task.WhenAll|](leads.Select(async lead => await SendAsync(lead)));")] // async lambda
        [InlineData("await [|Task.WhenAll|](leads.Select(async lead => { await SendAsync(lead); }));")]
        [InlineData("await [|Task.WhenAll|](leads.Select(SendAsync));")] // method group
        [InlineData("var counts = await [|Task.WhenAll|](leads.Select(lead => LoadAsync(lead)));")] // results used
        [InlineData("await [|Task.WhenAll|](leads.Select(lead => SendAsync(lead)).ToList());")] // materialized
        [InlineData("await [|Task.WhenAll|](leads.Select(lead => SendAsync(lead)).ToArray());")]
        [InlineData("await [|Task.WhenAll|](Query().Select(lead => SendAsync(lead)));")] // a query result
        [InlineData("await [|Task.WhenAll|](_subscribers.Select(lead => SendAsync(lead)));")] // a field that grows
        [InlineData("await [|Task.WhenAll|](leads.Where(l => l.Name != \"\").Select(lead => SendAsync(lead)));")]
        [InlineData("await [|Task.WhenAll|](leads.Select((lead, i) => SendAsync(lead)));")] // indexed Select
        [InlineData("[|Task.WaitAll|](leads.Select(lead => SendAsync(lead)).ToArray());")]
        [InlineData("await [|Task.WhenAll|](Enumerable.Range(0, 1000).Select(i => SendAsync(leads[i])));")] // a range over the threshold
        [InlineData("await [|Task.WhenAll|](Enumerable.Range(0, leads.Count).Select(i => SendAsync(leads[i])));")] // a range of unknown size
        [InlineData("var tasks = leads.Select(lead => SendAsync(lead)).ToList(); await [|Task.WhenAll|](tasks);")] // through a local
        [InlineData("await [|Task.WhenAll|](new List<Lead>(leads) { leads[0] }.Select(lead => SendAsync(lead)));")] // a copy of an unfixed list, plus one
        public Task Flags_WhenAllOverASelect(string body) => VerifySF1003.AnalyzerAsync(Notifier(body));

        [Theory]
        [InlineData("var tasks = new List<Task>(); foreach (var lead in leads) { tasks.Add(SendAsync(lead)); } await [|Task.WhenAll|](tasks);")]
        [InlineData("var tasks = new List<Task<int>>(); foreach (var lead in Query()) tasks.Add(LoadAsync(lead)); var counts = await [|Task.WhenAll|](tasks);")]
        [InlineData("List<Task> tasks = new(); for (var i = 0; i < leads.Count; i++) { tasks.Add(SendAsync(leads[i])); } await [|Task.WhenAll|](tasks);")]
        [InlineData("var tasks = new List<Task>(); foreach (var lead in leads) { tasks.Add(SendAsync(lead)); } [|Task.WaitAll|](tasks.ToArray());")]
        public Task Flags_ALoopThatFillsAListForWhenAll(string body) => VerifySF1003.AnalyzerAsync(Notifier(body));

        [Theory]
        [InlineData("foreach (var lead in leads) { _ = [|Task.Run|](() => SendAsync(lead)); }")]
        [InlineData("foreach (var lead in leads) { [|Task.Run|](async () => await SendAsync(lead)); }")]
        [InlineData("foreach (var lead in Query()) { [|Task.Factory.StartNew|](() => SendAsync(lead).Wait()); }")]
        [InlineData("var tasks = new List<Task>(); foreach (var lead in leads) { tasks.Add([|Task.Run|](() => SendAsync(lead))); } await Task.WhenAll(tasks);")] // reported once, at Task.Run
        [InlineData("for (var i = 0; i < leads.Count; i++) { var lead = leads[i]; _ = [|Task.Run|](() => SendAsync(lead)); }")]
        [InlineData("foreach (var lead in leads) { [|Steadfast.BackgroundTasks.Run|](() => SendAsync(lead)); }")]
        public Task Flags_TaskRunPerItemOfALoop(string body) => VerifySF1003.AnalyzerAsync(Notifier(body));

        [Theory]
        [InlineData("await [|Parallel.ForEachAsync|](leads, new ParallelOptions(), async (lead, token) => await SendAsync(lead, token));")]
        [InlineData("await [|Parallel.ForEachAsync|](leads, new ParallelOptions { CancellationToken = ct }, async (lead, token) => await SendAsync(lead, token));")]
        [InlineData("await [|Parallel.ForEachAsync|](leads, new ParallelOptions { MaxDegreeOfParallelism = -1 }, async (lead, token) => await SendAsync(lead, token));")]
        [InlineData("await [|Parallel.ForEachAsync|](Query(), new ParallelOptions { CancellationToken = ct }, async (lead, token) => await SendAsync(lead, token));")]
        [InlineData("await [|Parallel.ForAsync|](0, leads.Count, new ParallelOptions(), async (i, token) => await SendAsync(leads[i], token));")] // a range of unknown size
        public Task Flags_ParallelForEachAsyncWithoutALimit(string body) => VerifySF1003.AnalyzerAsync(Notifier(body));

        // ---------------------------------------------------------------- not flagged

        [Theory]
        [InlineData("await Task.WhenAll(SendAsync(leads[0]), SendAsync(leads[1]), LoadAsync(leads[2]));")] // a handful written out
        [InlineData("await Task.WhenAll(new[] { SendAsync(leads[0]), SendAsync(leads[1]) });")]
        [InlineData("await Task.WhenAll(new List<Task> { SendAsync(leads[0]), SendAsync(leads[1]) });")]
        [InlineData("await Task.WhenAll(new[] { leads[0], leads[1], leads[2] }.Select(lead => SendAsync(lead)));")] // a fixed array
        [InlineData("await Task.WhenAll(Admins.Select(lead => SendAsync(lead)));")] // a readonly array written out
        [InlineData("Lead[] pair = [leads[0], leads[1]]; await Task.WhenAll(pair.Select(lead => SendAsync(lead)));")] // a collection expression
        [InlineData("await Task.WhenAll(Enumerable.Range(0, 16).Select(i => SendAsync(leads[i])));")] // a constant range at the threshold
        [InlineData("await Task.WhenAll(Enumerable.Range(0, 4).Select(i => SendAsync(leads[i])));")]
        [InlineData("await Task.WhenAll(leads.Take(10).Select(lead => SendAsync(lead)));")] // at most ten
        [InlineData("var some = leads.Take(3); await Task.WhenAll(some.Select(lead => SendAsync(lead)));")]
        [InlineData("var names = leads.Select(lead => lead.Name).ToList();")] // a Select that starts no task
        [InlineData("await Task.WhenAll(leads.Select(async lead => { await _gate.WaitAsync(ct); try { await SendAsync(lead); } finally { _gate.Release(); } }));")] // throttled by a semaphore
        [InlineData("await Task.WhenAll(leads.Select(lead => SendThrottledAsync(lead)));")] // throttled inside the method it calls
        [InlineData("foreach (var batch in leads.Chunk(10)) { await Task.WhenAll(batch.Select(lead => SendAsync(lead))); }")] // batches
        public Task DoesNotFlag_FixedOrThrottledWhenAll(string body) => VerifySF1003.AnalyzerAsync(Notifier(body, """

                private async Task SendThrottledAsync(Lead lead)
                {
                    await _gate.WaitAsync();
                    try { await SendAsync(lead); } finally { _gate.Release(); }
                }
            """));

        [Theory]
        [InlineData("foreach (var lead in leads) { await SendAsync(lead); }")] // one at a time
        [InlineData("foreach (var lead in leads) { await Task.Run(() => SendAsync(lead)); }")] // awaited in the loop
        [InlineData("foreach (var lead in leads) { var t = Task.Run(() => SendAsync(lead)); await t; }")]
        [InlineData("foreach (var lead in new[] { leads[0], leads[1] }) { _ = Task.Run(() => SendAsync(lead)); }")] // a fixed handful
        [InlineData("for (var i = 0; i < 4; i++) { var lead = leads[i]; _ = Task.Run(() => SendAsync(lead)); }")]
        [InlineData("foreach (var lead in leads) { await _gate.WaitAsync(ct); _ = Task.Run(async () => { try { await SendAsync(lead); } finally { _gate.Release(); } }); }")] // a slot waited for
        [InlineData("var running = new List<Task>(); foreach (var lead in leads) { if (running.Count >= 8) { running.Remove(await Task.WhenAny(running)); } running.Add(SendAsync(lead)); } await Task.WhenAll(running);")] // a hand-written limit
        [InlineData("var tasks = new List<Task>(); foreach (var lead in leads) { tasks.Add(SendAsync(lead)); if (tasks.Count == 10) { await Task.WhenAll(tasks); tasks.Clear(); } } await Task.WhenAll(tasks);")] // batches by hand
        [InlineData("var tasks = new List<Task>(); tasks.Add(SendAsync(leads[0])); tasks.Add(SendAsync(leads[1])); await Task.WhenAll(tasks);")] // no loop
        [InlineData("while (!ct.IsCancellationRequested) { _ = Task.Run(() => SendAsync(leads[0])); await Task.Delay(1000, ct); }")] // not a collection
        public Task DoesNotFlag_LoopsThatDoNotFanOut(string body) => VerifySF1003.AnalyzerAsync(Notifier(body));

        [Theory]
        [InlineData("await Parallel.ForEachAsync(leads, async (lead, token) => await SendAsync(lead, token));")] // no options: the processor count
        [InlineData("await Parallel.ForEachAsync(leads, new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (lead, token) => await SendAsync(lead, token));")]
        [InlineData("await Parallel.ForEachAsync(leads, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount, CancellationToken = ct }, async (lead, token) => await SendAsync(lead, token));")]
        [InlineData("var options = new ParallelOptions(); options.MaxDegreeOfParallelism = 4; await Parallel.ForEachAsync(leads, options, async (lead, token) => await SendAsync(lead, token));")] // options made elsewhere: not judged
        [InlineData("await Parallel.ForEachAsync(new[] { leads[0], leads[1] }, new ParallelOptions(), async (lead, token) => await SendAsync(lead, token));")] // a fixed handful
        [InlineData("await Parallel.ForAsync(0, 10, new ParallelOptions(), async (i, token) => await SendAsync(leads[i], token));")]
        public Task DoesNotFlag_LimitedParallelForEachAsync(string body) => VerifySF1003.AnalyzerAsync(Notifier(body));

        [Fact]
        public Task DoesNotFlag_LookAlikeTypes() => VerifySF1003.AnalyzerAsync(Usings + """
            namespace Mine
            {
                static class Task2 { public static Task WhenAll(IEnumerable<Task> tasks) => Task.CompletedTask; public static void Run(Action a) => a(); }

                class Notifier
                {
                    private Task SendAsync(int i) => Task.CompletedTask;

                    public Task RunAsync(List<int> items)
                    {
                        foreach (var i in items) { Task2.Run(() => SendAsync(i)); }
                        return Task2.WhenAll(items.Select(i => SendAsync(i)));
                    }
                }
            }
            """);

        [Fact]
        public Task DoesNotFlag_UnresolvedTypes() => new SteadfastAnalyzerTest<SF1003UnboundedFanOutAnalyzer>
        {
            TestCode = Usings + """
                class Notifier
                {
                    public async Task RunAsync(IEnumerable<Lead> leads) => await Task.WhenAll(leads.Select(l => l.SendAsync()));
                }
                """,
            ExpectedDiagnostics =
            {
                Microsoft.CodeAnalysis.Testing.DiagnosticResult.CompilerError("CS0246").WithSpan(8, 44, 8, 48).WithArguments("Lead"),
            },
        }.RunAsync();

        [Fact]
        public Task DoesNotFlag_InTestCode_UnlessIncluded() => new SteadfastAnalyzerTest<SF1003UnboundedFanOutAnalyzer>
        {
            TestCode = Usings + """
                namespace Xunit { public class FactAttribute : Attribute { } }

                public class NotifierTests
                {
                    private Task SendAsync(int i) => Task.CompletedTask;

                    [Xunit.Fact]
                    public Task Broadcast() => Task.WhenAll(Enumerable.Range(0, 100).Select(i => SendAsync(i)));
                }
                """,
        }.RunAsync();

        [Fact]
        public Task Option_IncludeTestCode_ReportsInTests() => new SteadfastAnalyzerTest<SF1003UnboundedFanOutAnalyzer>
        {
            EditorConfig = "[*.cs]\nSF1003.include_test_code = true",
            TestCode = Usings + """
                namespace Xunit { public class FactAttribute : Attribute { } }

                public class NotifierTests
                {
                    private Task SendAsync(int i) => Task.CompletedTask;

                    [Xunit.Fact]
                    public Task Broadcast() => [|Task.WhenAll|](Enumerable.Range(0, 100).Select(i => SendAsync(i)));
                }
                """,
        }.RunAsync();

        [Theory]
        [InlineData("SF1003.fixed_size_threshold = 100", "await Task.WhenAll(Enumerable.Range(0, 100).Select(i => SendAsync(leads[i])));")]
        [InlineData("SF1003.fixed_size_threshold = 2", "await [|Task.WhenAll|](Enumerable.Range(0, 3).Select(i => SendAsync(leads[i])));")]
        [InlineData("SF1003.fixed_size_threshold = many", "await [|Task.WhenAll|](Enumerable.Range(0, 17).Select(i => SendAsync(leads[i])));")] // does not parse: 16
        [InlineData("SF1003.fixed_size_threshold = many", "await Task.WhenAll(Enumerable.Range(0, 16).Select(i => SendAsync(leads[i])));")]
        [InlineData("SF1003.fixed_size_threshold = 0", "await [|Task.WhenAll|](Enumerable.Range(0, 17).Select(i => SendAsync(leads[i])));")] // not positive: 16
        public Task Option_FixedSizeThreshold(string option, string body) => new SteadfastAnalyzerTest<SF1003UnboundedFanOutAnalyzer>
        {
            EditorConfig = "[*.cs]\n" + option,
            TestCode = Notifier(body),
        }.RunAsync();

        // ---------------------------------------------------------------- collections the program fixes (issue #15/#16)

        private const string Handlers = """

            public interface IHandler { Task HandleAsync(Lead lead); }

            public sealed class Fallback
            {
                public Fallback(IHandler[] handlers) { Handlers = handlers; }

                public IHandler[] Handlers { get; }
            }

            public sealed class Primary(IEnumerable<IHandler> handlers)
            {
                private readonly IReadOnlyList<IHandler> _copy = handlers.ToList();

                public Task AllAsync(Lead lead) => Task.WhenAll(handlers.Select(h => h.HandleAsync(lead)));

                public Task CopyAsync(Lead lead) => Task.WhenAll(_copy.Select(h => h.HandleAsync(lead)));
            }

            namespace Microsoft.Extensions.Options
            {
                public interface IOptions<out T> where T : class { T Value { get; } }

                public interface IOptionsMonitor<out T> { T CurrentValue { get; } }
            }

            namespace Mine
            {
                public interface IOptions<out T> where T : class { T Value { get; } }
            }

            public sealed class Endpoints { public List<string> Urls { get; } = new(); }

            """;

        private const string InjectedMembers = """
                private readonly IHandler[] _handlers;
                private readonly IEnumerable<IHandler> _all;
                private readonly IReadOnlyList<Lead> _batch;
                private readonly Microsoft.Extensions.Options.IOptions<Endpoints> _options;
                private readonly Microsoft.Extensions.Options.IOptionsMonitor<Endpoints> _monitor;
                private readonly Mine.IOptions<Endpoints> _mine;

                public Notifier(IEnumerable<IHandler> handlers, IEnumerable<IHandler> all, IReadOnlyList<Lead> batch, Microsoft.Extensions.Options.IOptions<Endpoints> options, Microsoft.Extensions.Options.IOptionsMonitor<Endpoints> monitor, Mine.IOptions<Endpoints> mine)
                {
                    _handlers = handlers as IHandler[] ?? handlers.ToArray();
                    _all = all ?? throw new ArgumentNullException(nameof(all));
                    _batch = batch;
                    _options = options;
                    _monitor = monitor;
                    _mine = mine;
                }

                private Task PingAsync(string url) => Task.Delay(1);
            """;

        [Theory]
        [InlineData("await Task.WhenAll(_handlers.Select(h => h.HandleAsync(leads[0])));")] // a field from a constructor's IEnumerable<IService>, materialized
        [InlineData("var tasks = _all.Select(h => h.HandleAsync(leads[0])); await Task.WhenAll(tasks);")] // null-checked, through a local
        [InlineData("var fallback = new Fallback(_handlers); await Task.WhenAll(fallback.Handlers.Select(h => h.HandleAsync(leads[0])));")] // a get-only property from a constructor's IService[]
        [InlineData("await Task.WhenAll(Enum.GetValues<DayOfWeek>().Select(d => SendAsync(leads[(int)d])));")] // an enum's values
        [InlineData("await Task.WhenAll(Enum.GetValues(typeof(DayOfWeek)).Cast<DayOfWeek>().Select(d => SendAsync(leads[(int)d])));")]
        [InlineData("await Task.WhenAll(_options.Value.Urls.Select(PingAsync));")] // configuration
        [InlineData("var urls = _monitor.CurrentValue.Urls; await Task.WhenAll(urls.Select(PingAsync));")]
        [InlineData("var firsts = Query()?.Take(200).Where(l => l.Name != \"\").Take(10).ToArray() ?? Array.Empty<Lead>(); await Task.WhenAll(firsts.Select(SendAsync));")] // a constant cap behind ?. and ??
        public Task DoesNotFlag_CollectionsTheProgramFixes(string body) => VerifySF1003.AnalyzerAsync(Notifier(body, InjectedMembers) + Handlers);

        [Theory]
        [InlineData("await [|Task.WhenAll|](_batch.Select(lead => SendAsync(lead)));")] // a constructor's collection of data, not of services
        [InlineData("await [|Task.WhenAll|](_mine.Value.Urls.Select(PingAsync));")] // an IOptions look-alike
        [InlineData("var firsts = Query()?.Take(200).ToArray() ?? Array.Empty<Lead>(); await [|Task.WhenAll|](firsts.Select(SendAsync));")] // a cap over the threshold
        [InlineData("var firsts = leads?.Take(5).ToList() ?? Query().ToList(); await [|Task.WhenAll|](firsts.Select(SendAsync));")] // an unfixed fallback
        public Task Flags_LookAlikesOfCollectionsTheProgramFixes(string body) => VerifySF1003.AnalyzerAsync(Notifier(body, InjectedMembers) + Handlers);

        [Fact]
        public Task Flags_ServicesPassedToAMethod_NotInjected() => VerifySF1003.AnalyzerAsync(Notifier(
            """
                    await Task.CompletedTask;
            """,
            """
                public Task EachAsync(IEnumerable<IHandler> handlers, Lead lead) => [|Task.WhenAll|](handlers.Select(h => h.HandleAsync(lead)));
            """) + Handlers);

        [Fact]
        public Task FromServices_IsInjected_FromBody_IsNot() => VerifySF1003.AnalyzerAsync(Usings + """
            namespace Microsoft.AspNetCore.Mvc
            {
                [AttributeUsage(AttributeTargets.Parameter)] public sealed class FromServicesAttribute : Attribute { }
                [AttributeUsage(AttributeTargets.Parameter)] public sealed class FromBodyAttribute : Attribute { }
            }

            public interface IProvider { Task<string> FetchAsync(); }

            public sealed class HomeController
            {
                public Task<string[]> Swagger([Microsoft.AspNetCore.Mvc.FromServices] IEnumerable<IProvider> providers) => Task.WhenAll(providers.Select(p => p.FetchAsync()));

                public Task<string[]> Posted([Microsoft.AspNetCore.Mvc.FromBody] IEnumerable<IProvider> providers) => [|Task.WhenAll|](providers.Select(p => p.FetchAsync()));
            }
            """);

        // ---------------------------------------------------------------- round 6: real-code false positives (issue #15/#16)

        private const string Round6Members = """

                private readonly System.Collections.Concurrent.ConcurrentQueue<Lead> _due = new();

                private List<Func<Task>> ChangedActions(List<Lead> leads)
                {
                    var actions = new List<Func<Task>>();
                    if (leads.Count > 0)
                    {
                        actions.Add(() => SendAsync(leads[0]));
                    }

                    if (leads.Count > 1)
                    {
                        actions.Add(() => SendAsync(leads[1]));
                    }

                    return actions;
                }

                private List<Lead> Picked(List<Lead> leads)
                {
                    var picked = new List<Lead>();
                    foreach (var lead in leads)
                    {
                        picked.Add(lead);
                    }

                    return picked;
                }

                private static void Fill(List<Lead> into) { }

                private async Task DueAsync(Lead lead, bool startup)
                {
                    if (startup)
                    {
                        await Task.Delay(1000).ConfigureAwait(false);
                    }

                    await Task.Delay(lead.Name.Length);
                    _due.Enqueue(lead);
                }

                private async Task RemindAsync(Lead lead)
                {
                    await Task.Delay(1000);
                    await SendAsync(lead);
                }

                private static async Task PostAsync(Lead lead, SemaphoreSlim gate) => await PostLockedAsync(lead, gate);

                private static async Task PostLockedAsync(Lead lead, SemaphoreSlim gate)
                {
                    await gate.WaitAsync();
                    try { await Task.Delay(1); } finally { gate.Release(); }
                }

                private async Task PostUnlockedAsync(Lead lead, SemaphoreSlim gate)
                {
                    await SendAsync(lead);
                    gate.Release();
                }
            """;

        [Theory]
        // one action per changed setting: a list that gets a handful of Adds outside any loop (server's OrganizationUpdateCollectionManagementCommand)
        [InlineData("var actions = ChangedActions(leads); if (actions.Any()) { await Task.WhenAll(actions.Select(action => action())); }")]
        [InlineData("await Task.WhenAll(ChangedActions(leads).Select(action => action()));")]
        [InlineData("var actions = new List<Func<Task>>(); if (ct.CanBeCanceled) { actions.Add(() => SendAsync(leads[0])); } actions.Add(() => SendAsync(leads[1])); await Task.WhenAll(actions.Select(a => a()));")]
        [InlineData("var byKind = new Dictionary<string, Lead>(); byKind[\"first\"] = leads[0]; byKind[\"last\"] = leads[^1]; await Task.WhenAll(byKind.Values.Select(SendAsync));")]
        // one timer per item that hands off to a queue, no I/O (btcpayserver's InvoiceWatcher)
        [InlineData("await Task.WhenAll(leads.Select(lead => DueAsync(lead, true)).ToArray());")]
        [InlineData("await Task.WhenAll(leads.Select(async lead => { await Task.Delay(lead.Name.Length, ct); _due.Enqueue(lead); }));")]
        // a semaphore handed to the callee, which hands it to the method that waits on it (ArchiSteamFarm's NLogController)
        [InlineData("var gate = new SemaphoreSlim(1, 1); await Task.WhenAll(leads.Select(lead => PostAsync(lead, gate)));")]
        public Task DoesNotFlag_Round6LookAlikes(string body) => VerifySF1003.AnalyzerAsync(Notifier(body, Round6Members));

        [Theory]
        [InlineData("await [|Task.WhenAll|](Picked(leads).Select(SendAsync));")] // the method fills its list in a loop
        [InlineData("var picked = new List<Lead>(); foreach (var lead in leads) { picked.Add(lead); } await [|Task.WhenAll|](picked.Select(SendAsync));")]
        [InlineData("var picked = new List<Lead>(); picked.Add(leads[0]); picked.AddRange(leads); await [|Task.WhenAll|](picked.Select(SendAsync));")]
        [InlineData("var picked = new List<Lead>(); picked.Add(leads[0]); Fill(picked); await [|Task.WhenAll|](picked.Select(SendAsync));")] // handed elsewhere
        [InlineData("var actions = new List<Func<Task>>(); leads.ForEach(lead => actions.Add(() => SendAsync(lead))); await [|Task.WhenAll|](actions.Select(a => a()));")] // added in a lambda
        [InlineData("var byId = new Dictionary<long, Lead>(); foreach (var lead in leads) { byId[lead.ChatId] = lead; } await [|Task.WhenAll|](byId.Values.Select(SendAsync));")]
        [InlineData("await [|Task.WhenAll|](leads.Select(lead => RemindAsync(lead)));")] // a delay, then I/O
        [InlineData("await [|Task.WhenAll|](leads.Select(async lead => { await Task.Delay(10, ct); await SendAsync(lead); }));")]
        [InlineData("var gate = new SemaphoreSlim(1, 1); await [|Task.WhenAll|](leads.Select(lead => PostUnlockedAsync(lead, gate)));")] // the semaphore is never waited on
        public Task Flags_Round6NearMisses(string body) => VerifySF1003.AnalyzerAsync(Notifier(body, Round6Members));

        private const string Providers = """

            public sealed record Lead(long ChatId, string Name);

            public interface IProvider { Task RefreshAsync(); }

            public interface IProviderSource { IProvider Create(string name); IEnumerable<string> Names(); }

            public interface IBus { void Subscribe(Action<IProvider> handler); void Share(List<IProvider> providers); }

            """;

        [Fact]
        public Task DoesNotFlag_ServicesTheConstructorBuilds() => VerifySF1003.AnalyzerAsync(Usings + Providers + """
            // btcpayserver's FeeProviderFactory: one provider per configured network, built once in the constructor
            public sealed class Refresher
            {
                private readonly Dictionary<string, IProvider> _byName = new();
                private readonly List<IProvider> _all;

                public Refresher(IProviderSource source)
                {
                    _all = new List<IProvider>();
                    foreach (var name in source.Names())
                    {
                        var provider = source.Create(name);
                        _byName.Add(name, provider);
                        _all.Add(provider);
                    }
                }

                public IProvider Find(string name) => _byName.TryGetValue(name, out var found) ? found : null;

                public Task RefreshAllAsync() => Task.WhenAll(_all.Select(p => p.RefreshAsync()));

                public Task RefreshByNameAsync() => RefreshEach(_byName.Values);

                public Task CountedAsync() => _all.Count > 0 ? RefreshEach(_all.Where(p => p != null)) : Task.CompletedTask;

                private Task RefreshEach(IEnumerable<IProvider> providers) => Task.WhenAll(providers.Select(p => p.RefreshAsync()));
            }
            """);

        [Fact]
        public Task Flags_CollectionsBuiltOrPassedLater() => VerifySF1003.AnalyzerAsync(Usings + Providers + """
            public sealed class Registry
            {
                private readonly Dictionary<string, IProvider> _byName = new();
                private readonly List<IProvider> _subscribed = new();
                private readonly List<Lead> _leads = new();
                private readonly List<IProvider> _shared = new();
                private readonly IEnumerable<IProvider> _lazy;

                public Registry(IProviderSource source, IBus bus, IEnumerable<Lead> leads)
                {
                    bus.Share(_shared); // handed to something that may add later
                    _lazy = source.Names().Select(source.Create); // a query, evaluated on each read

                    foreach (var name in source.Names())
                    {
                        _byName.Add(name, source.Create(name));
                    }

                    bus.Subscribe(provider => _subscribed.Add(provider)); // added whenever the bus says, after construction
                    foreach (var lead in leads)
                    {
                        _leads.Add(lead); // data, not services
                    }
                }

                public void Register(string name, IProvider provider) => _byName[name] = provider; // grows after construction

                public Task RefreshByNameAsync() => [|Task.WhenAll|](_byName.Values.Select(p => p.RefreshAsync()));

                public Task RefreshSubscribedAsync() => [|Task.WhenAll|](_subscribed.Select(p => p.RefreshAsync()));

                public Task RefreshSharedAsync() => [|Task.WhenAll|](_shared.Select(p => p.RefreshAsync()));

                public Task RefreshLazyAsync() => [|Task.WhenAll|](_lazy.Select(p => p.RefreshAsync()));

                public Task GreetAsync(Func<Lead, Task> send) => [|Task.WhenAll|](_leads.Select(lead => send(lead)));

                public Task RefreshSomeAsync(IEnumerable<IProvider> providers) => RefreshEach(providers); // a caller's collection

                private Task RefreshEach(IEnumerable<IProvider> providers) => [|Task.WhenAll|](providers.Select(p => p.RefreshAsync()));
            }
            """);

        [Fact]
        public Task DoesNotFlag_InjectedCollectionOfAnUnresolvedType() => new SteadfastAnalyzerTest<SF1003UnboundedFanOutAnalyzer>
        {
            // server's NotificationHubClientProxy, with its package not restored: services or data cannot be told
            TestCode = Usings + """
                public sealed class ClientProxy
                {
                    private readonly IEnumerable<{|#0:IHubClient|}> _clients;

                    public ClientProxy(IEnumerable<{|#1:IHubClient|}> clients)
                    {
                        _clients = clients;
                    }

                    public async Task<int[]> SendAllAsync(Func<object, Task<int>> action)
                    {
                        var tasks = _clients.Select(async c => await action(c));
                        return await Task.WhenAll(tasks);
                    }
                }
                """,
            ExpectedDiagnostics =
            {
                Microsoft.CodeAnalysis.Testing.DiagnosticResult.CompilerError("CS0246").WithLocation(0).WithArguments("IHubClient"),
                Microsoft.CodeAnalysis.Testing.DiagnosticResult.CompilerError("CS0246").WithLocation(1).WithArguments("IHubClient"),
            },
        }.RunAsync();

        // ---------------------------------------------------------------- fix

        [Fact]
        public Task Fix_ResultsNotUsed_ParallelForEachAsync() => VerifySF1003.CodeFixAsync(
            Notifier("""
                    await [|Task.WhenAll|](leads.Select(lead => SendAsync(lead)));
            """),
            Notifier("""
                    await Parallel.ForEachAsync(leads, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (lead, cancellationToken) => await SendAsync(lead));
            """),
            Key);

        [Fact]
        public Task Fix_AsyncBlockLambda_KeepsItsBody_AndAFreeTokenName() => VerifySF1003.CodeFixAsync(
            Notifier("""
                    var cancellationToken = ct;
                    await [|Task.WhenAll|](leads.Select(async lead =>
                    {
                        await SendAsync(lead, cancellationToken);
                    }));
            """),
            Notifier("""
                    var cancellationToken = ct;
                    await Parallel.ForEachAsync(leads, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (lead, cancellationToken2) =>
                    {
                        await SendAsync(lead, cancellationToken);
                    });
            """),
            Key);

        [Fact]
        public Task Fix_ResultsDroppedWithConfigureAwait_ParallelForEachAsync() => VerifySF1003.CodeFixAsync(
            Notifier("""
                    await [|Task.WhenAll|](leads.Select(lead => LoadAsync(lead)).ToList()).ConfigureAwait(false);
            """),
            Notifier("""
                    await Parallel.ForEachAsync(leads, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (lead, cancellationToken) => await LoadAsync(lead)).ConfigureAwait(false);
            """),
            Key);

        [Fact]
        public Task Fix_ResultsUsed_WhenAllBounded() => VerifySF1003.CodeFixAsync(
            Notifier("""
                    var counts = await [|Task.WhenAll|](leads.Select(lead => LoadAsync(lead)));
                    Console.WriteLine(counts.Sum());
            """),
            Notifier("""
                    var counts = await Concurrency.WhenAllBounded(leads, 8, lead => LoadAsync(lead));
                    Console.WriteLine(counts.Sum());
            """, usings: WithSteadfast),
            Key);

        [Fact]
        public Task Fix_ReturnedTask_MethodGroup_WhenAllBounded() => VerifySF1003.CodeFixAsync(
            Notifier("""
                    await Task.Yield();
            """, """

                public Task<int[]> LoadAllAsync(IEnumerable<Lead> leads) => [|Task.WhenAll|](leads.Select(LoadAsync));
            """),
            Notifier("""
                    await Task.Yield();
            """, """

                public Task<int[]> LoadAllAsync(IEnumerable<Lead> leads) => Concurrency.WhenAllBounded(leads, 8, LoadAsync);
            """, usings: WithSteadfast),
            Key);

        [Fact]
        public Task Fix_SynchronousBlockLambda_WhenAllBounded() => VerifySF1003.CodeFixAsync(
            Notifier("""
                    await [|Task.WhenAll|](leads.Select(lead => { Console.WriteLine(lead.Name); return SendAsync(lead); }));
            """),
            Notifier("""
                    await Concurrency.WhenAllBounded(leads, 8, lead => { Console.WriteLine(lead.Name); return SendAsync(lead); });
            """, usings: WithSteadfast),
            Key);

        [Fact]
        public Task Fix_WithoutParallelForEachAsync_WhenAllBounded() => new SteadfastCodeFixTest<SF1003UnboundedFanOutAnalyzer, SF1003UnboundedFanOutCodeFix>
        {
            // A target without Parallel.ForEachAsync (netstandard2.0): the runtime helper.
            ExcludedReferences = { "System.Threading.Tasks.Parallel" },
            TestCode = Notifier("""
                    await [|Task.WhenAll|](leads.Select(lead => SendAsync(lead)));
            """),
            FixedCode = Notifier("""
                    await Concurrency.WhenAllBounded(leads, 8, lead => SendAsync(lead));
            """, usings: WithSteadfast),
            CodeActionEquivalenceKey = Key,
        }.RunAsync();

        [Fact]
        public Task Fix_MaxConcurrencyFromEditorConfig() => new SteadfastCodeFixTest<SF1003UnboundedFanOutAnalyzer, SF1003UnboundedFanOutCodeFix>
        {
            EditorConfig = "[*.cs]\nSF1003.max_concurrency = 32",
            TestCode = Notifier("""
                    await [|Task.WhenAll|](leads.Select(lead => SendAsync(lead)));
            """),
            FixedCode = Notifier("""
                    await Parallel.ForEachAsync(leads, new ParallelOptions { MaxDegreeOfParallelism = 32 }, async (lead, cancellationToken) => await SendAsync(lead));
            """),
            CodeActionEquivalenceKey = Key,
        }.RunAsync();

        [Theory]
        [InlineData("SF1003.max_concurrency = lots")]
        [InlineData("SF1003.max_concurrency = -3")]
        public Task Option_MaxConcurrency_ThatDoesNotParse_GivesTheDefault(string option) => new SteadfastCodeFixTest<SF1003UnboundedFanOutAnalyzer, SF1003UnboundedFanOutCodeFix>
        {
            EditorConfig = "[*.cs]\n" + option,
            TestCode = Notifier("""
                    var counts = await [|Task.WhenAll|](leads.Select(lead => LoadAsync(lead)));
            """),
            FixedCode = Notifier("""
                    var counts = await Concurrency.WhenAllBounded(leads, 8, lead => LoadAsync(lead));
            """, usings: WithSteadfast),
            CodeActionEquivalenceKey = Key,
        }.RunAsync();

        [Theory]
        [InlineData("new ParallelOptions()", "new ParallelOptions() { MaxDegreeOfParallelism = 8 }")]
        [InlineData("new ParallelOptions { CancellationToken = ct }", "new ParallelOptions { CancellationToken = ct, MaxDegreeOfParallelism = 8 }")]
        [InlineData("new ParallelOptions { MaxDegreeOfParallelism = -1 }", "new ParallelOptions { MaxDegreeOfParallelism = 8 }")]
        public Task Fix_ParallelOptions_GetALimit(string before, string after) => VerifySF1003.CodeFixAsync(
            Notifier("        await [|Parallel.ForEachAsync|](leads, " + before + ", async (lead, token) => await SendAsync(lead, token));"),
            Notifier("        await Parallel.ForEachAsync(leads, " + after + ", async (lead, token) => await SendAsync(lead, token));"),
            Key);

        [Fact]
        public Task Fix_ParallelForAsync_GetsALimit() => VerifySF1003.CodeFixAsync(
            Notifier("        await [|Parallel.ForAsync|](0, leads.Count, new ParallelOptions { CancellationToken = ct }, async (i, token) => await SendAsync(leads[i], token));"),
            Notifier("        await Parallel.ForAsync(0, leads.Count, new ParallelOptions { CancellationToken = ct, MaxDegreeOfParallelism = 8 }, async (i, token) => await SendAsync(leads[i], token));"),
            Key);

        [Theory]
        [InlineData("var tasks = leads.Select(lead => SendAsync(lead)).ToList(); await [|Task.WhenAll|](tasks);")] // through a local
        [InlineData("var tasks = new List<Task>(); foreach (var lead in leads) { tasks.Add(SendAsync(lead)); } await [|Task.WhenAll|](tasks);")] // a loop
        [InlineData("foreach (var lead in leads) { _ = [|Task.Run|](() => SendAsync(lead)); }")]
        [InlineData("await [|Task.WhenAll|](leads.Select((lead, i) => SendAsync(lead)));")] // indexed Select
        [InlineData("[|Task.WaitAll|](leads.Select(lead => SendAsync(lead)).ToArray());")]
        public Task Fix_NotOffered(string body) => VerifySF1003.NoCodeFixAsync(Notifier(body), Key);

        [Fact]
        public Task Fix_NotOffered_WithoutTheRuntime_WhereOnlyTheHelperFits() => new SteadfastCodeFixTest<SF1003UnboundedFanOutAnalyzer, SF1003UnboundedFanOutCodeFix>
        {
            ReferenceSteadfastRuntime = false,
            TestCode = Notifier("""
                    var counts = await [|Task.WhenAll|](leads.Select(lead => LoadAsync(lead)));
            """),
            CodeActionEquivalenceKey = Key,
        }.RunAsync();

        [Fact]
        public Task FixAll_EveryFanOutInEveryDocument() => new SteadfastCodeFixTest<SF1003UnboundedFanOutAnalyzer, SF1003UnboundedFanOutCodeFix>
        {
            Sources =
            {
                Usings + "class A\n{\n    private Task SendAsync(int i) => Task.CompletedTask;\n    private Task<int> LoadAsync(int i) => Task.FromResult(i);\n\n    public async Task RunAsync(List<int> items)\n    {\n        await [|Task.WhenAll|](items.Select(i => SendAsync(i)));\n        var all = await [|Task.WhenAll|](items.Select(i => LoadAsync(i)));\n    }\n}\n",
                Usings + "class B\n{\n    public Task RunAsync(int[] items) => [|Parallel.ForEachAsync|](items, new ParallelOptions(), async (i, token) => await Task.Delay(i, token));\n}\n",
            },
            FixedSources =
            {
                WithSteadfast + "class A\n{\n    private Task SendAsync(int i) => Task.CompletedTask;\n    private Task<int> LoadAsync(int i) => Task.FromResult(i);\n\n    public async Task RunAsync(List<int> items)\n    {\n        await Parallel.ForEachAsync(items, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (i, cancellationToken) => await SendAsync(i));\n        var all = await Concurrency.WhenAllBounded(items, 8, i => LoadAsync(i));\n    }\n}\n",
                Usings + "class B\n{\n    public Task RunAsync(int[] items) => Parallel.ForEachAsync(items, new ParallelOptions() { MaxDegreeOfParallelism = 8 }, async (i, token) => await Task.Delay(i, token));\n}\n",
            },
            CodeActionEquivalenceKey = Key,
        }.RunAsync();
    }
}
