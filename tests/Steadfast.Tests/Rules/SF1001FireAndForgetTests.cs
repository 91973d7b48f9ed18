using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Steadfast.Analyzers.Rules;
using Steadfast.CodeFixes.Internal;
using Steadfast.CodeFixes.Rules;
using Steadfast.Tests.Verification;
using Xunit;
using VerifySF1001 = Steadfast.Tests.Verification.Verify<Steadfast.Analyzers.Rules.SF1001FireAndForgetAnalyzer, Steadfast.CodeFixes.Rules.SF1001FireAndForgetCodeFix>;

namespace Steadfast.Tests.Rules
{
    public sealed class SF1001FireAndForgetTests
    {
        private const string Await = SF1001FireAndForgetCodeFix.AwaitKey;
        private const string Track = SF1001FireAndForgetCodeFix.TrackKey;

        /// <summary>Each diagnostic's first fix (await in async code, else track; track first with preferred_fix = track) carries the preferred key.</summary>
        private static readonly string Preferred = PlannedCodeFixProvider.PreferredKey("SF1001");

        private const string Service = """

            interface IService
            {
                System.Threading.Tasks.Task SendAsync();
                System.Threading.Tasks.Task<int> CountAsync();
                System.Threading.Tasks.ValueTask FlushAsync();
                System.Threading.Tasks.ValueTask<int> PeekAsync();
            }
            """;

        private static string Wrap(string members, string usings = "") => """
            using System;
            using System.Collections.Generic;
            using System.Threading;
            using System.Threading.Tasks;

            """ + usings + """

            class C
            {
                IService svc = null!;

            """ + members + """

            }

            """ + Service;

        // ---------------------------------------------------------------- flagged

        [Fact]
        public Task Flags_TaskRun_WithMessage() => VerifySF1001.AnalyzerAsync(Wrap("""

                void M()
                {
                    {|#0:Task.Run(() => Work())|};
                }
                void Work() { }
            """), VerifySF1001.Diagnostic("SF1001").WithLocation(0)
            .WithMessage("The task returned by 'Task.Run' is never observed: its exceptions are lost and shutdown will not wait for it"));

        [Fact]
        public Task Flags_DroppedCall_NamesTypeAndMethod() => VerifySF1001.AnalyzerAsync(Wrap("""

                void M()
                {
                    {|#0:svc.SendAsync()|};
                }
            """), VerifySF1001.Diagnostic("SF1001").WithLocation(0)
            .WithMessage("The task returned by 'IService.SendAsync' is never observed: its exceptions are lost and shutdown will not wait for it"));

        [Theory]
        [InlineData("[|Task.Factory.StartNew(() => { })|];")]
        [InlineData("[|Task.Factory.StartNew(async () => await Task.Delay(1))|];")]
        [InlineData("[|Task.Delay(10).ContinueWith(t => { })|];")]
        [InlineData("[|svc.SendAsync()|];")]
        [InlineData("[|svc.CountAsync()|];")]
        [InlineData("[|svc.FlushAsync()|];")]
        [InlineData("[|svc.PeekAsync()|];")]
        [InlineData("_ = [|svc.SendAsync()|];")]
        [InlineData("_ = [|Task.Run(() => { })|];")]
        [InlineData("_ = [|svc.SendAsync().ConfigureAwait(false)|];")]
        [InlineData("_ = [|svc.PeekAsync().ConfigureAwait(false)|];")]
        [InlineData("[|svc.SendAsync().ConfigureAwait(false)|];")]
        [InlineData("[|svc?.SendAsync()|];")]
        [InlineData("_ = [|svc?.PeekAsync()|];")]
        [InlineData("[|LocalAsync()|]; Task LocalAsync() => Task.CompletedTask;")]
        [InlineData("Func<Task> f = () => Task.CompletedTask; [|f()|];")]
        [InlineData("[|new Custom().RunAsync()|];")]
        public Task Flags_InSyncMethod(string statement) => VerifySF1001.AnalyzerAsync(Wrap("""

                void M()
                {
                    
            """ + statement + """

                }
                class Custom
                {
                    public CustomAwaitable RunAsync() => default;
                }
                struct CustomAwaitable
                {
                    public TaskAwaiter GetAwaiter() => Task.CompletedTask.GetAwaiter();
                }
            """, "using System.Runtime.CompilerServices;"));

        [Theory]
        [InlineData("[|svc.SendAsync()|];")]
        [InlineData("_ = [|svc.SendAsync()|];")]
        [InlineData("_ = [|Task.Run(() => { })|];")]
        [InlineData("_ = [|svc.SendAsync().ConfigureAwait(false)|];")]
        [InlineData("Action a = () => { [|svc.SendAsync()|]; };")]
        [InlineData("Action a = () => [|svc.SendAsync()|];")]
        [InlineData("Action a = () => _ = [|svc.SendAsync()|];")]
        [InlineData("void Local() { [|svc.SendAsync()|]; } Local();")]
        [InlineData("void Local() => [|svc.SendAsync()|]; Local();")]
        [InlineData("lock (this) { [|svc.SendAsync()|]; }")]
        public Task Flags_InAsyncMethod(string statement) => VerifySF1001.AnalyzerAsync(Wrap("""

                async Task M()
                {
                    await Task.Yield();
                    
            """ + statement + """

                }
            """));

        [Fact]
        public Task Flags_ExpressionBodiedVoidMember() => VerifySF1001.AnalyzerAsync(Wrap("""

                void M() => [|svc.SendAsync()|];
            """));

        [Fact]
        public Task Flags_TopLevelStatements() => new SteadfastAnalyzerTest<SF1001FireAndForgetAnalyzer>
        {
            OutputKind = OutputKind.ConsoleApplication,
            TestCode = """
                using System.Threading.Tasks;
                [|Task.Run(() => System.Console.WriteLine("hi"))|];
                await Task.Delay(1);

                """,
        }.RunAsync();

        [Fact]
        public Task Flags_SeveralDocuments() => new SteadfastAnalyzerTest<SF1001FireAndForgetAnalyzer>
        {
            Sources =
            {
                "using System.Threading.Tasks; class A { void M() { [|Task.Run(() => { })|]; } }",
                "using System.Threading.Tasks; class B { void M() { _ = [|Task.Delay(1)|]; } }",
            },
        }.RunAsync();

        // ---------------------------------------------------------------- not flagged

        [Theory]
        [InlineData("await svc.SendAsync();")]
        [InlineData("await svc.SendAsync().ConfigureAwait(false);")]
        [InlineData("await svc.PeekAsync().ConfigureAwait(false);")]
        [InlineData("var t = svc.SendAsync(); await t;")]
        [InlineData("_field = svc.SendAsync();")]
        [InlineData("Pending = svc.SendAsync();")]
        [InlineData("await Task.WhenAll(svc.SendAsync(), svc.CountAsync());")]
        [InlineData("await Task.WhenAny(svc.SendAsync(), Task.Delay(100));")]
        [InlineData("var list = new List<Task>(); list.Add(svc.SendAsync()); await Task.WhenAll(list);")]
        [InlineData("svc.SendAsync().Wait();")]
        [InlineData("svc.SendAsync().GetAwaiter().GetResult();")]
        [InlineData("svc.PeekAsync().GetAwaiter().GetResult();")]
        [InlineData("Func<Task> f = () => svc.SendAsync(); await f();")]
        [InlineData("Func<Task> f = async () => await svc.SendAsync(); await f();")]
        [InlineData("_ = Task.CompletedTask;")]
        [InlineData("_ = Task.FromResult(1);")]
        [InlineData("_ = ValueTask.FromResult(1);")]
        [InlineData("_ = Task.FromException(new Exception());")]
        [InlineData("var t = svc.SendAsync(); _ = t;")]
        [InlineData("_ = Task.Yield();")]
        [InlineData("System.Diagnostics.Stopwatch.StartNew();")]
        [InlineData("_ = int.TryParse(\"1\", out _);")]
        [InlineData("_ = svc.SendAsync().IsCompleted;")]
        [InlineData("new Task(() => { });")]
        [InlineData("LogAsync();")]
        [InlineData("Steadfast.BackgroundTasks.Track(svc.SendAsync(), name: \"SendAsync\");")]
        [InlineData("Steadfast.BackgroundTasks.Run(() => svc.SendAsync(), name: \"SendAsync\");")]
        [InlineData("Steadfast.BackgroundTasks.Tracker.Track(svc.FlushAsync(), \"FlushAsync\");")]
        [InlineData("Verify(x => x.SendAsync());")]
        [InlineData("System.Linq.Expressions.Expression<Action<IService>> e = x => x.SendAsync();")]
        [InlineData("Observe(svc.SendAsync());")]
        [InlineData("using var cts = new CancellationTokenSource(); await Task.Delay(1, cts.Token);")]
        public Task DoesNotFlag(string statement) => VerifySF1001.AnalyzerAsync(Wrap("""

                Task? _field;
                Task? Pending { get; set; }
                void LogAsync() { }
                void Verify(System.Linq.Expressions.Expression<Action<IService>> call) { }
                void Observe(Task task) { }
                async Task M()
                {
                    
            """ + statement + """

                }
                Task<int> Returned() => svc.CountAsync();
                Task ReturnedToo() { return svc.SendAsync(); }
            """));

        [Fact]
        public Task DoesNotFlag_NSubstituteRecordings_ButFlagsRealCallsInTests() => VerifySF1001.AnalyzerAsync("""
            using System;
            using System.Threading.Tasks;
            using NSubstitute;
            namespace NSubstitute
            {
                public static class SubstituteExtensions
                {
                    public static T Received<T>(this T substitute) where T : class => substitute;
                    public static T DidNotReceive<T>(this T substitute) where T : class => substitute;
                    public static WhenCalled<T> When<T>(this T substitute, Action<T> call) where T : class => new WhenCalled<T>();
                }
                public sealed class WhenCalled<T> { public void Do(Action<object> callback) { } }
            }
            public interface ISender { Task SendAsync(string text); }
            public class Tests
            {
                public void Verifies(ISender sender)
                {
                    sender.Received().SendAsync("hi");
                    sender.DidNotReceive().SendAsync("bye");
                    sender.When(x => x.SendAsync("boom")).Do(_ => throw new InvalidOperationException());
                    [|sender.SendAsync("real call, dropped")|];
                }
            }

            """ + Service);

        [Fact]
        public Task DoesNotFlag_WithoutTaskType_BrokenCode() => new SteadfastAnalyzerTest<SF1001FireAndForgetAnalyzer>
        {
            TestCode = @"class C { void M() { {|CS0103:Unknown|}.Run(() => Missing()); _ = {|CS0103:Nope|}(); } }",
        }.RunAsync();

        [Fact]
        public Task DoesNotFlag_IncompleteStatement() => new SteadfastAnalyzerTest<SF1001FireAndForgetAnalyzer>
        {
            TestCode = @"using System.Threading.Tasks; class C { Task S() => Task.CompletedTask; void M() { S {|CS1002:}|}{|CS1513:|}",
        }.RunAsync();

        // ---------------------------------------------------------------- failures already observed

        /// <summary>Called methods and delegates whose task cannot fault, and their look-alikes (flagged: see the rows).</summary>
        private const string Observers = """

                void Work() { }
                int Compute() => 1;
                Exception _error = new Exception();
                TaskCompletionSource<bool> _tcs = new TaskCompletionSource<bool>();
                async Task SafeAsync() { try { await svc.SendAsync(); } catch (Exception ex) { Console.WriteLine(ex); } }
                async Task BareCatchAsync() { try { await svc.SendAsync(); } catch { } }
                async Task WithFinallyAsync() { var count = 0; try { await svc.SendAsync(); count++; } catch (System.Exception) { } finally { Console.WriteLine(count); } }
                async Task<bool> ReturnsAsync() { try { await svc.SendAsync(); return true; } catch (Exception ex) { Console.WriteLine(ex.Message); return false; } }
                async Task NarrowThenAllAsync() { try { await svc.SendAsync(); } catch (System.Net.Http.HttpRequestException) { Console.WriteLine(1); } catch (Exception) { Console.WriteLine(2); } }
                static async Task StaticSafeAsync(int n) { try { await Task.Delay(n); } catch (Exception ex) { Console.WriteLine(ex); } }
                async ValueTask SafeValueTaskAsync() { try { await svc.FlushAsync(); } catch (Exception ex) { Console.WriteLine(ex); } }
                async Task PartlyGuardedAsync() { await svc.SendAsync(); try { await svc.SendAsync(); } catch (Exception) { } }
                async Task RethrowsAsync() { try { await svc.SendAsync(); } catch (Exception ex) { Console.WriteLine(ex); throw; } }
                async Task RethrowsUnloggedAsync() { try { await svc.SendAsync(); } catch (Exception) { Work(); throw; } }
                async Task LogsOtherThenThrowsAsync() { try { await svc.SendAsync(); } catch (Exception ex) { Console.WriteLine(ex); throw _error; } }
                async Task WrapsAsync() { try { await svc.SendAsync(); } catch (Exception ex) { throw new InvalidOperationException("send", ex); } }
                async Task NarrowAsync() { try { await svc.SendAsync(); } catch (System.Net.Http.HttpRequestException ex) { Console.WriteLine(ex); } }
                async Task FilteredAsync() { try { await svc.SendAsync(); } catch (Exception ex) when (ex is not OperationCanceledException) { Console.WriteLine(ex); } }
                async Task AfterTheTryAsync() { try { await svc.SendAsync(); } catch (Exception) { } await svc.SendAsync(); }
                Task SyncReturnsTask() { try { return svc.SendAsync(); } catch (Exception) { return Task.CompletedTask; } }
                protected virtual async Task VirtualSafeAsync() { try { await svc.SendAsync(); } catch (Exception) { } }
            """;

        [Theory]
        [InlineData("SafeAsync();")]
        [InlineData("_ = SafeAsync();")]
        [InlineData("_ = SafeAsync().ConfigureAwait(false);")]
        [InlineData("this.SafeAsync();")]
        [InlineData("BareCatchAsync();")]
        [InlineData("WithFinallyAsync();")]
        [InlineData("ReturnsAsync();")]
        [InlineData("NarrowThenAllAsync();")]
        [InlineData("StaticSafeAsync(5);")]
        [InlineData("C.StaticSafeAsync(5);")]
        [InlineData("_ = SafeValueTaskAsync();")]
        [InlineData("LocalAsync(); async Task LocalAsync() { try { await Task.Delay(1); } catch (Exception ex) { Console.WriteLine(ex); } }")]
        [InlineData("Task.Run(SafeAsync);")]
        [InlineData("Task.Run(() => SafeAsync());")]
        [InlineData("_ = Task.Run(async () => await SafeAsync().ConfigureAwait(false));")]
        [InlineData("Task.Run(() => StaticSafeAsync(5));")]
        [InlineData("Task.Run(() => { try { Work(); } catch (Exception ex) { Console.WriteLine(ex); } });")]
        [InlineData("Task.Run(async () => { try { await svc.SendAsync(); } catch (Exception ex) { Console.WriteLine(ex); } });")]
        [InlineData("Task.Run(() => { try { return Compute(); } catch { return 0; } });")]
        [InlineData("Task.Factory.StartNew(() => { try { Work(); } catch (Exception) { } });")]
        [InlineData("Task.Factory.StartNew(async () => { try { await svc.SendAsync(); } catch (Exception) { } });")]
        [InlineData("RethrowsAsync();")] // logs the exception, then rethrows: observed where it happens
        [InlineData("Task.Run(RethrowsAsync);")]
        public Task DoesNotFlag_FailureCaughtByTheCalledMethodOrDelegate(string statement) => VerifySF1001.AnalyzerAsync(Wrap(Observers + """

                void M()
                {
                    
            """ + statement + """

                }
            """));

        [Theory]
        [InlineData("[|PartlyGuardedAsync()|];")]
        [InlineData("[|RethrowsUnloggedAsync()|];")]
        [InlineData("[|LogsOtherThenThrowsAsync()|];")]
        [InlineData("[|WrapsAsync()|];")]
        [InlineData("[|NarrowAsync()|];")]
        [InlineData("[|FilteredAsync()|];")]
        [InlineData("[|AfterTheTryAsync()|];")]
        [InlineData("[|SyncReturnsTask()|];")]
        [InlineData("[|VirtualSafeAsync()|];")]
        [InlineData("[|Task.Run(() => SyncReturnsTask())|];")]
        [InlineData("[|Task.Run(RethrowsUnloggedAsync)|];")]
        [InlineData("[|Task.Run(() => SafeAsync().ContinueWith(t => { }))|];")]
        [InlineData("[|Task.Run(() => { Work(); try { Work(); } catch { } })|];")]
        [InlineData("[|Task.Run(() => { try { Work(); } catch (Exception) { throw; } })|];")]
        [InlineData("[|Task.Run(() => { try { Work(); } catch (InvalidOperationException) { } })|];")]
        [InlineData("[|Task.Run(() => { try { return svc.SendAsync(); } catch { return Task.CompletedTask; } })|];")]
        [InlineData("[|Task.Run(() => { try { Work(); } catch (Exception) { } Work(); })|];")]
        public Task Flags_LookAlikesOfCaughtFailures(string statement) => VerifySF1001.AnalyzerAsync(Wrap(Observers + """

                void M()
                {
                    
            """ + statement + """

                }
            """));

        // ---------------------------------------------------------------- real-code round 2 (docs/precision.md)

        /// <summary>
        /// The shapes the second real-code round judged false (btcpayserver), and the mistakes next to them. Each row names
        /// the look-alike it stands for.
        /// </summary>
        private const string RoundTwo = """

                Microsoft.Extensions.Hosting.IHostApplicationLifetime Lifetime { get; } = null!;
                readonly System.Threading.Channels.Channel<int> _channel = System.Threading.Channels.Channel.CreateUnbounded<int>();
                readonly List<Action<object>> _subscribers = new List<Action<object>>();
                Func<int, Task> _act = _ => Task.CompletedTask;
                readonly Queue<string> _watch = new Queue<string>();
                TimeSpan _due;
                State _state = new State();

                sealed class State { public DateTimeOffset At; public TimeSpan Remaining() { var due = At - DateTimeOffset.UtcNow; return due < TimeSpan.Zero ? TimeSpan.Zero : due; } }
                sealed class Event { public Event(string id) { Id = id; } public string Id { get; } }

                // signals: synchronous void methods of the program's own that neither throw nor run a delegate outside a catch-all
                void Publish(object evt) { foreach (var sub in _subscribers.ToArray()) { try { sub(evt); } catch (Exception ex) { Console.WriteLine(ex); } } }
                void Publish<T>(T evt) where T : class => Publish((object)evt);
                void Watch(string id) { lock (_watch) { _watch.Enqueue(id); } Console.WriteLine(id); }

                // look-alikes that can fail
                void PublishUnguarded(object evt) { foreach (var sub in _subscribers) { sub(evt); } }
                void Guarded(string id) { if (id.Length == 0) throw new ArgumentException("empty", nameof(id)); }
                Task WatchAsync(string id) => svc.SendAsync();

                async Task PublishLaterAsync(string id, TimeSpan after) { await Task.Delay(after); Publish(new Event(id)); }
                async Task PublishLaterConfiguredAsync(string id) { await Task.Delay(1000).ConfigureAwait(false); Watch(id); }
                async Task PublishLaterUnguardedAsync(string id) { await Task.Delay(1000); PublishUnguarded(new Event(id)); }
                async Task SendLaterAsync() { await Task.Delay(1000); await svc.SendAsync(); }
                async Task TwoSignalsLaterAsync(string id) { await Task.Delay(1000); Watch(id); Guarded(id); }

                // listener loops whose per-item work catches everything
                async Task ListenAsync() { await foreach (var item in _channel.Reader.ReadAllAsync()) { try { await _act(item); } catch (Exception ex) { Console.WriteLine(ex); } } }
                async Task PollAsync(CancellationToken token) { while (!token.IsCancellationRequested) { try { await svc.SendAsync(); } catch (Exception ex) { Console.WriteLine(ex); } } }
                async Task ListenPartlyAsync() { await foreach (var item in _channel.Reader.ReadAllAsync()) { await _act(item); try { await _act(item); } catch (Exception ex) { Console.WriteLine(ex); } } }
                async Task ListenThenSendAsync() { await foreach (var item in _channel.Reader.ReadAllAsync()) { try { await _act(item); } catch (Exception ex) { Console.WriteLine(ex); } } await svc.SendAsync(); }

                // declarations of cheap values before the guarding try
                async Task ConnectAsync(State state) { var at = state.At; bool cleanup = false; try { await svc.SendAsync(); cleanup = true; } catch (Exception ex) { Console.WriteLine(ex); } finally { Console.WriteLine(cleanup); } }
                async Task ReadFirstAsync(string path) { var text = System.IO.File.ReadAllText(path); try { await svc.SendAsync(); } catch (Exception ex) { Console.WriteLine(ex + text); } }
                async Task AwaitFirstAsync() { var n = await svc.CountAsync(); try { await svc.SendAsync(); } catch (Exception ex) { Console.WriteLine(ex.Message + n); } }
            """;

        [Theory]
        [InlineData("_ = Task.Delay(3000).ContinueWith((t) => Lifetime.StopApplication());")] // restart after the response is sent
        [InlineData("_ = Task.Delay(10000, CancellationToken.None).ContinueWith(t => Watch(\"id\"), TaskScheduler.Default);")] // re-queue a watch
        [InlineData("Task.Delay(_due).ContinueWith(_ => Publish(new Event(\"id\")));")]
        [InlineData("_ = PublishLaterAsync(\"id\", _due);")] // the same timer as an async helper
        [InlineData("_ = PublishLaterConfiguredAsync(\"id\");")]
        [InlineData("_ = ListenAsync();")] // a listener loop: each item's work is caught
        [InlineData("_ = PollAsync(CancellationToken.None);")]
        [InlineData("_ = ConnectAsync(_state);")] // reads before the try
        [InlineData("Task.Run(async () => { bool run = _state.Remaining() < TimeSpan.FromSeconds(5.0); try { if (run) await _act(1); } catch (Exception ex) { Console.WriteLine(ex); } finally { Console.WriteLine(run); } });")]
        public Task DoesNotFlag_TimersListenersAndGuardsOfRealCode(string statement) => VerifySF1001.AnalyzerAsync(Wrap(RoundTwo + """

                void M()
                {
                    
            """ + statement + """

                }
            """));

        [Theory]
        [InlineData("Action action = () => { }; [|Task.Delay(100).ContinueWith(_ => action())|];")] // a debouncer: the caller's action can throw
        [InlineData("[|Task.Delay(100).ContinueWith(_ => PublishUnguarded(new Event(\"id\")))|];")] // subscribers run unguarded
        [InlineData("[|Task.Delay(100).ContinueWith(_ => Guarded(\"id\"))|];")] // throws
        [InlineData("[|Task.Delay(100).ContinueWith(_ => WatchAsync(\"id\"))|];")] // returns a task: work, not a signal
        [InlineData("[|Task.Delay(100).ContinueWith(_ => System.IO.File.Delete(\"x\"))|];")] // a library call that does I/O
        [InlineData("[|Task.Delay(100).ContinueWith(_ => { Watch(\"a\"); Guarded(\"b\"); })|];")]
        [InlineData("[|svc.SendAsync().ContinueWith(_ => Watch(\"id\"))|];")] // not a delay: the antecedent's fault is dropped
        [InlineData("_ = [|PublishLaterUnguardedAsync(\"id\")|];")]
        [InlineData("_ = [|SendLaterAsync()|];")]
        [InlineData("_ = [|TwoSignalsLaterAsync(\"id\")|];")]
        [InlineData("_ = [|ListenPartlyAsync()|];")] // one await of the item's work is outside the try
        [InlineData("_ = [|ListenThenSendAsync()|];")] // work after the loop
        [InlineData("_ = [|ReadFirstAsync(\"x\")|];")] // a file read before the try can fail
        [InlineData("_ = [|AwaitFirstAsync()|];")] // an awaited call before the try can fail
        [InlineData("[|Task.Run(async () => { var n = await svc.CountAsync(); try { await svc.SendAsync(); } catch (Exception) { } })|];")]
        public Task Flags_LookAlikesOfTimersListenersAndGuards(string statement) => VerifySF1001.AnalyzerAsync(Wrap(RoundTwo + """

                void M()
                {
                    
            """ + statement + """

                }
            """));

        [Fact]
        public Task DoesNotFlag_GuardedBodyWithUnresolvedTypes_ButFlagsAnUnresolvedDeclarationBeforeTheTry() => new SteadfastAnalyzerTest<SF1001FireAndForgetAnalyzer>
        {
            TestCode = """
                using System;
                using System.Threading.Tasks;

                class C
                {
                    async Task ListenAsync(string name)
                    {
                        var length = name.Length;
                        try { await {|CS0103:MissingClient|}.ConnectAsync(length); }
                        catch (Exception ex) { Console.WriteLine(ex); }
                    }

                    async Task ConnectFirstAsync()
                    {
                        var client = {|CS0103:MissingFactory|}.Create();
                        try { await Task.Delay(1); }
                        catch (Exception ex) { Console.WriteLine(ex + "" + client); }
                    }

                    void M()
                    {
                        _ = ListenAsync("btc");
                        _ = [|ConnectFirstAsync()|];
                    }
                }
                """,
        }.RunAsync();

        [Theory]
        [InlineData("Task.Run(() => _tcs.TrySetResult(true));")]
        [InlineData("_ = Task.Run(() => _tcs.TrySetException(_error));")]
        [InlineData("Task.Run(() => { _tcs.TrySetCanceled(); });")]
        [InlineData("Task.Run(() => _tcs.SetResult(true));")]
        [InlineData("var tcs = new TaskCompletionSource(); Task.Run(() => tcs.TrySetResult());")]
        [InlineData("var tcs = new TaskCompletionSource<int>(); Task.Factory.StartNew(() => { tcs.TrySetResult(42); });")]
        [InlineData("Task.Run(() => { _tcs.TrySetException(_error); _tcs.TrySetCanceled(); });")]
        public Task DoesNotFlag_DelegateOnlyCompletesATaskCompletionSource(string statement) => VerifySF1001.AnalyzerAsync(Wrap(Observers + """

                void M()
                {
                    
            """ + statement + """

                }
            """));

        [Theory]
        [InlineData("[|Task.Run(() => _tcs.TrySetResult(Compute() > 0))|];")]
        [InlineData("[|Task.Run(() => { Work(); _tcs.TrySetResult(true); })|];")]
        [InlineData("[|Task.Run(() => new Other.TaskCompletionSource<bool>().TrySetResult(true))|];")]
        [InlineData("var other = new Other.TaskCompletionSource<bool>(); [|Task.Run(() => other.TrySetResult(true))|];")]
        [InlineData("[|Task.Run(() => _tcs.Task)|];")]
        public Task Flags_LookAlikesOfTaskCompletionSourceDelegates(string statement) => VerifySF1001.AnalyzerAsync(Wrap(Observers + """

                void M()
                {
                    
            """ + statement + """

                }
            """) + """

            namespace Other
            {
                class TaskCompletionSource<T> { public bool TrySetResult(T value) => throw new System.InvalidOperationException(); }
            }
            """);

        /// <summary>Extensions that attach a continuation reading the fault, by what their bodies do, and look-alikes by name.</summary>
        private const string Extensions = """

            static class TaskExtensions
            {
                public static Task LogExceptions(this Task task) =>
                    task.ContinueWith(t => Console.WriteLine(t.Exception), TaskContinuationOptions.OnlyOnFaulted);

                public static Task Observe(this Task task)
                {
                    if (task is null) throw new ArgumentNullException(nameof(task));
                    task.ContinueWith(t => { if (t.IsFaulted) Console.WriteLine(t.Exception); }, TaskScheduler.Default);
                    return task;
                }

                public static Task<T> Observe<T>(this Task<T> task)
                {
                    _ = task.ContinueWith(Report, TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously);
                    return task;
                }

                public static async Task Forget(this Task task)
                {
                    try { await task.ConfigureAwait(false); }
                    catch (Exception ex) { Console.WriteLine(ex); }
                }

                public static void FireAndForget(this Task task, Action<Exception> onError) =>
                    task.ContinueWith(t => onError(t.Exception!), TaskContinuationOptions.OnlyOnFaulted);

                static void Report(Task t) => Console.WriteLine(t.Exception);
            }

            namespace LookAlikes
            {
                static class TaskExtensions
                {
                    public static Task LogExceptions(this Task task) => task;
                    public static Task Forget(this Task task) => task.ContinueWith(t => Console.WriteLine("done"));
                    public static Task OnlyOnSuccess(this Task task) => task.ContinueWith(t => Console.WriteLine(t.Exception), TaskContinuationOptions.OnlyOnRanToCompletion);
                    public static Task Rethrows(this Task task) => task.ContinueWith(t => { if (t.IsFaulted) throw t.Exception!; });
                    public static Task ReturnsAnother(this Task task)
                    {
                        _ = task.ContinueWith(t => Console.WriteLine(t.Exception));
                        return Task.Delay(1);
                    }
                }
            }
            """;

        [Theory]
        [InlineData("svc.SendAsync().LogExceptions();")]
        [InlineData("_ = svc.SendAsync().LogExceptions();")]
        [InlineData("svc.SendAsync().Observe();")]
        [InlineData("svc.CountAsync().Observe();")]
        [InlineData("Task.Run(() => Work()).Observe();")]
        [InlineData("TaskExtensions.Observe(svc.SendAsync());")]
        [InlineData("svc.SendAsync().Forget();")]
        [InlineData("svc.SendAsync().FireAndForget(e => Console.WriteLine(e));")]
        public Task DoesNotFlag_ContinuationAttachingExtensions(string statement) => VerifySF1001.AnalyzerAsync(Wrap("""

                void Work() { }
                void M()
                {
                    
            """ + statement + """

                }
            """) + Extensions);

        [Theory]
        [InlineData("[|LookAlikes.TaskExtensions.LogExceptions(svc.SendAsync())|];")]
        [InlineData("[|LookAlikes.TaskExtensions.Forget(svc.SendAsync())|];")]
        [InlineData("[|LookAlikes.TaskExtensions.OnlyOnSuccess(svc.SendAsync())|];")]
        [InlineData("[|LookAlikes.TaskExtensions.Rethrows(svc.SendAsync())|];")]
        [InlineData("[|LookAlikes.TaskExtensions.ReturnsAnother(svc.SendAsync())|];")]
        public Task Flags_ExtensionsThatDoNotObserveTheFault(string statement) => VerifySF1001.AnalyzerAsync(Wrap("""

                void M()
                {
                    
            """ + statement + """

                }
            """) + Extensions);

        [Fact]
        public Task Flags_ExtensionNamedLikeAnObserverThatDoesNothing() => VerifySF1001.AnalyzerAsync("""
            using System.Threading.Tasks;
            using LookAlikes;
            class C
            {
                void M(Task task)
                {
                    [|task.LogExceptions()|];
                    [|Task.Delay(1).Forget()|];
                }
            }
            namespace LookAlikes
            {
                static class TaskExtensions
                {
                    public static Task LogExceptions(this Task task) => task;
                    public static Task Forget(this Task task) => task.ContinueWith(t => System.Console.WriteLine("done"));
                }
            }
            """);

        [Theory]
        [InlineData("task.ContinueWith(t => Console.WriteLine(t.Exception), TaskContinuationOptions.OnlyOnFaulted);")]
        [InlineData("_ = task.ContinueWith(t => Console.WriteLine(t.Exception), TaskContinuationOptions.OnlyOnFaulted);")]
        [InlineData("svc.SendAsync().ContinueWith(t => { if (t.IsFaulted) Console.WriteLine(t.Exception); });")]
        [InlineData("svc.CountAsync().ContinueWith(t => Console.WriteLine(t.Exception?.Message));")]
        [InlineData("svc.SendAsync().ContinueWith((t, state) => Console.WriteLine(t.Exception), null);")]
        [InlineData("svc.SendAsync().ContinueWith(Report, TaskContinuationOptions.OnlyOnFaulted);")]
        [InlineData("svc.SendAsync().ContinueWith(t => Console.WriteLine(t.Exception), options);")]
        public Task DoesNotFlag_ContinueWithThatObservesTheAntecedent(string statement) => VerifySF1001.AnalyzerAsync(Wrap("""

                static void Report(Task t) => Console.WriteLine(t.Exception);
                void M(Task task, TaskContinuationOptions options)
                {
                    
            """ + statement + """

                }
            """));

        [Theory]
        [InlineData("[|task.ContinueWith(t => Console.WriteLine(\"done\"))|];")]
        [InlineData("[|task.ContinueWith(t => Console.WriteLine(other.Exception))|];")]
        [InlineData("[|task.ContinueWith(t => Console.WriteLine(t.Exception), TaskContinuationOptions.OnlyOnRanToCompletion)|];")]
        [InlineData("[|task.ContinueWith(t => Console.WriteLine(t.Exception), TaskContinuationOptions.NotOnFaulted)|];")]
        [InlineData("[|task.ContinueWith(t => { if (t.IsFaulted) throw t.Exception!; })|];")]
        [InlineData("[|task.ContinueWith(Ignore)|];")]
        [InlineData("[|task.ContinueWith(t => svc.SendAsync())|];")]
        public Task Flags_ContinueWithThatIgnoresTheFault(string statement) => VerifySF1001.AnalyzerAsync(Wrap("""

                static void Ignore(Task t) => Console.WriteLine(t.Status);
                void M(Task task, Task other)
                {
                    
            """ + statement + """

                }
            """));

        [Fact]
        public Task DoesNotFlag_CalledMethodInAnotherDocument() => new SteadfastAnalyzerTest<SF1001FireAndForgetAnalyzer>
        {
            Sources =
            {
                "using System.Threading.Tasks; class A { void M(B b) { b.SafeAsync(); [|b.UnsafeAsync()|]; } }",
                """
                using System;
                using System.Threading.Tasks;
                class B
                {
                    public async Task SafeAsync() { try { await Task.Delay(1); } catch (Exception ex) { Console.WriteLine(ex); } }
                    public async Task UnsafeAsync() { await Task.Delay(1); }
                }
                """,
            },
        }.RunAsync();

        [Fact]
        public Task Flags_PartialAndSealedOverrides_ByTheBodyThatRuns() => VerifySF1001.AnalyzerAsync("""
            using System;
            using System.Threading.Tasks;
            abstract class Base
            {
                public abstract Task RunAsync();
                public virtual Task OtherAsync() => Task.CompletedTask;
            }
            sealed class Safe : Base
            {
                public override async Task RunAsync() { try { await Task.Delay(1); } catch (Exception) { } }
                public override async Task OtherAsync() { try { await Task.Delay(1); } catch (Exception) { } }
            }
            partial class P
            {
                private partial Task GoAsync();
                private partial async Task GoAsync() { try { await Task.Delay(1); } catch { } }
                void M(Safe safe, Base any)
                {
                    safe.RunAsync();
                    safe.OtherAsync();
                    [|any.RunAsync()|];
                    GoAsync();
                }
            }
            """);

        // ---------------------------------------------------------------- options

        [Fact]
        public Task Option_AllowedMethods_ByMethodAndType() => new SteadfastAnalyzerTest<SF1001FireAndForgetAnalyzer>
        {
            EditorConfig = """
                [*.cs]
                SF1001.allowed_methods = Telemetry.Fire, global::App.Tracker.*
                """,
            TestCode = """
                using System.Threading.Tasks;
                static class Telemetry
                {
                    public static Task Fire() => Task.CompletedTask;
                    public static Task Other() => Task.CompletedTask;
                }
                namespace App
                {
                    static class Tracker
                    {
                        public static Task LogExceptions(this Task task) => task;
                    }
                    class C
                    {
                        async Task M()
                        {
                            Telemetry.Fire();
                            _ = Task.Delay(5).LogExceptions();
                            [|Telemetry.Other()|];
                            await Task.Yield();
                        }
                    }
                }
                """,
        }.RunAsync();

        [Fact]
        public Task Option_SeverityNone_Silences() => new SteadfastAnalyzerTest<SF1001FireAndForgetAnalyzer>
        {
            EditorConfig = """
                [*.cs]
                dotnet_diagnostic.SF1001.severity = none
                """,
            TestCode = @"using System.Threading.Tasks; class C { void M() { Task.Run(() => { }); } }",
        }.RunAsync();

        [Fact]
        public async Task Option_SeverityError()
        {
            // The framework's expected severity comes from the descriptor, not from .editorconfig: check what a build sees.
            var project = AnalyzerRunner.CreateProject(
                new[] { "using System.Threading.Tasks; class C { void M() { Task.Run(() => { }); } }" },
                "[*.cs]\ndotnet_diagnostic.SF1001.severity = error");
            var diagnostic = Assert.Single(await AnalyzerRunner.RunAsync(project, new SF1001FireAndForgetAnalyzer()));
            Assert.Equal(DiagnosticSeverity.Error, diagnostic.Severity);
            Assert.Equal("SF1001", diagnostic.Id);
            Assert.Equal(new Microsoft.CodeAnalysis.Text.TextSpan(51, 19), diagnostic.Location.SourceSpan);
        }

        [Theory]
        [InlineData(null, new[] { Await, Track })]
        [InlineData("SF1001.preferred_fix = await", new[] { Await, Track })]
        [InlineData("SF1001.preferred_fix = track", new[] { Track, Await })]
        [InlineData("SF1001.preferred_fix = TRACK", new[] { Track, Await })]
        [InlineData("SF1001.preferred_fix = nonsense", new[] { Await, Track })]
        public async Task Option_PreferredFix_OrdersTheFixes(string? option, string[] expectedOrder)
        {
            var project = AnalyzerRunner.CreateProject(
                new[] { "using System.Threading.Tasks; class C { async Task M() { Task.Delay(1); await Task.Yield(); } }" },
                option is null ? null : "[*.cs]\n" + option);
            var diagnostic = Assert.Single(await AnalyzerRunner.RunAsync(project, new SF1001FireAndForgetAnalyzer()));
            var keys = new System.Collections.Generic.List<string?>();
            var document = project.GetDocument(diagnostic.Location.SourceTree)!;
            await new SF1001FireAndForgetCodeFix().RegisterCodeFixesAsync(
                new Microsoft.CodeAnalysis.CodeFixes.CodeFixContext(document, diagnostic, (a, _) => keys.Add(a.EquivalenceKey), default));

            // The first fix carries the rule's preferred key (what Fix All and dotnet format apply); the second its own.
            expectedOrder = new[] { Steadfast.CodeFixes.Internal.PlannedCodeFixProvider.PreferredKey("SF1001"), expectedOrder[1] };
            Assert.Equal(expectedOrder, keys);
        }

        // ---------------------------------------------------------------- fix: await

        [Fact]
        public Task Fix_Await_Statement() => VerifySF1001.CodeFixAsync(Wrap("""

                async Task M()
                {
                    // send it
                    [|svc.SendAsync()|]; // trailing
                }
            """), Wrap("""

                async Task M()
                {
                    // send it
                    await svc.SendAsync(); // trailing
                }
            """), Preferred);

        [Fact]
        public Task Fix_Await_DiscardKeepsConfigureAwait() => VerifySF1001.CodeFixAsync(Wrap("""

                async Task M()
                {
                    _ = [|svc.SendAsync().ConfigureAwait(false)|];
                    _ = [|svc.PeekAsync()|];
                }
            """), Wrap("""

                async Task M()
                {
                    await svc.SendAsync().ConfigureAwait(false);
                    await svc.PeekAsync();
                }
            """), Preferred);

        [Fact]
        public Task Fix_Await_StartNewAsyncIsUnwrapped() => VerifySF1001.CodeFixAsync(Wrap("""

                async Task M()
                {
                    [|Task.Factory.StartNew(async () => await svc.SendAsync())|];
                }
            """), Wrap("""

                async Task M()
                {
                    await Task.Factory.StartNew(async () => await svc.SendAsync()).Unwrap();
                }
            """), Preferred);

        [Fact]
        public Task Fix_Await_InAsyncLambda() => VerifySF1001.CodeFixAsync(Wrap("""

                void M()
                {
                    Func<Task> f = async () =>
                    {
                        [|svc.SendAsync()|];
                        await Task.Yield();
                    };
                }
            """), Wrap("""

                void M()
                {
                    Func<Task> f = async () =>
                    {
                        await svc.SendAsync();
                        await Task.Yield();
                    };
                }
            """), Preferred);

        [Theory]
        [InlineData("void M() { [|svc.SendAsync()|]; }")]
        [InlineData("async Task M() { Action a = () => [|svc.SendAsync()|]; a(); await Task.Yield(); }")]
        [InlineData("async Task M() { void L() { [|svc.SendAsync()|]; } L(); await Task.Yield(); }")]
        [InlineData("async Task M() { lock (this) { [|svc.SendAsync()|]; } await Task.Yield(); }")]
        [InlineData("async Task M() { [|svc?.SendAsync()|]; await Task.Yield(); }")]
        public Task Fix_Await_NotOffered(string member) => VerifySF1001.NoCodeFixAsync(Wrap(member), Await);

        // ---------------------------------------------------------------- fix: track

        [Fact]
        public Task Fix_Track_TaskRun() => VerifySF1001.CodeFixAsync(Wrap("""

                void M()
                {
                    [|Task.Run(() => svc.SendAsync())|];
                }
            """), Wrap("""

                void M()
                {
                    BackgroundTasks.Run(() => svc.SendAsync(), name: "SendAsync");
                }
            """, "using Steadfast;\n"), Preferred);

        [Fact]
        public Task Fix_Track_TaskRunKeepsCancellationToken() => VerifySF1001.CodeFixAsync(Wrap("""

                void M(CancellationToken ct)
                {
                    [|Task.Run(async () => await svc.SendAsync().ConfigureAwait(false), ct)|];
                    _ = [|Task.Run(cancellationToken: ct, action: Work)|];
                }
                void Work() { }
            """), Wrap("""

                void M(CancellationToken ct)
                {
                    BackgroundTasks.Run(async () => await svc.SendAsync().ConfigureAwait(false), name: "SendAsync", cancellationToken: ct);
                    BackgroundTasks.Run(Work, name: "Work", cancellationToken: ct);
                }
                void Work() { }
            """, "using Steadfast;\n"), Preferred);

        [Fact]
        public Task Fix_Track_BlockLambdaIsNamedAfterEnclosingMethod() => VerifySF1001.CodeFixAsync(Wrap("""

                void ProcessQueue()
                {
                    [|Task.Run(() =>
                    {
                        Console.WriteLine(1);
                        Console.WriteLine(2);
                    })|];
                }
            """), Wrap("""

                void ProcessQueue()
                {
                    BackgroundTasks.Run(() =>
                    {
                        Console.WriteLine(1);
                        Console.WriteLine(2);
                    }, name: "ProcessQueue");
                }
            """, "using Steadfast;\n"), Preferred);

        [Fact]
        public Task Fix_Track_GenericTaskRunAndCallsAndDiscards() => VerifySF1001.CodeFixAsync(Wrap("""

                async Task M()
                {
                    [|Task.Run(() => 42)|];
                    [|svc.CountAsync()|];
                    _ = [|svc.SendAsync().ConfigureAwait(false)|];
                    [|svc.FlushAsync()|];
                    _ = [|svc.PeekAsync()|];
                    await Task.Yield();
                }
            """), Wrap("""

                async Task M()
                {
                    BackgroundTasks.Track(Task.Run(() => 42), name: "M");
                    BackgroundTasks.Track(svc.CountAsync(), name: "CountAsync");
                    BackgroundTasks.Track(svc.SendAsync(), name: "SendAsync");
                    BackgroundTasks.Track(svc.FlushAsync(), name: "FlushAsync");
                    BackgroundTasks.Track(svc.PeekAsync(), name: "PeekAsync");
                    await Task.Yield();
                }
            """, "using Steadfast;\n"), Track);

        [Fact]
        public Task Fix_Track_StartNewAsyncIsUnwrapped() => VerifySF1001.CodeFixAsync(Wrap("""

                void M()
                {
                    [|Task.Factory.StartNew(async () => await svc.SendAsync(), TaskCreationOptions.LongRunning)|];
                }
            """), Wrap("""

                void M()
                {
                    BackgroundTasks.Track(Task.Factory.StartNew(async () => await svc.SendAsync(), TaskCreationOptions.LongRunning).Unwrap(), name: "SendAsync");
                }
            """, "using Steadfast;\n"), Preferred);

        [Fact]
        public Task Fix_Track_ActionLambdaAndNestedDrop() => VerifySF1001.CodeFixAsync(Wrap("""

                void M()
                {
                    Action a = () => [|svc.SendAsync()|];
                    [|Task.Run(() =>
                    {
                        [|svc.SendAsync()|];
                    })|];
                }
            """), Wrap("""

                void M()
                {
                    Action a = () => BackgroundTasks.Track(svc.SendAsync(), name: "SendAsync");
                    BackgroundTasks.Run(() =>
                    {
                        BackgroundTasks.Track(svc.SendAsync(), name: "SendAsync");
                    }, name: "SendAsync");
                }
            """, "using Steadfast;\n"), Preferred);

        [Fact]
        public Task Fix_Track_KeepsExistingUsingAndFileScopedNamespace() => VerifySF1001.CodeFixAsync("""
            using System.Threading.Tasks;
            using Steadfast;

            namespace App;

            class C
            {
                void M() => [|Task.Delay(5)|];
            }
            """, """
            using System.Threading.Tasks;
            using Steadfast;

            namespace App;

            class C
            {
                void M() => BackgroundTasks.Track(Task.Delay(5), name: "Delay");
            }
            """, Preferred);

        [Fact]
        public Task Fix_Track_QualifiesWhenBackgroundTasksNameIsTaken() => VerifySF1001.CodeFixAsync("""
            using System.Threading.Tasks;
            class BackgroundTasks { }
            class C
            {
                void M() { [|Task.Delay(5)|]; }
            }
            """, """
            using System.Threading.Tasks;
            class BackgroundTasks { }
            class C
            {
                void M() { Steadfast.BackgroundTasks.Track(Task.Delay(5), name: "Delay"); }
            }
            """, Preferred);

        [Fact]
        public Task Fix_Track_NotOfferedWithoutRuntime() => new SteadfastCodeFixTest<SF1001FireAndForgetAnalyzer, SF1001FireAndForgetCodeFix>
        {
            ReferenceSteadfastRuntime = false,
            TestCode = "using System.Threading.Tasks; class C { void M() { [|Task.Run(() => { })|]; } }",
            CodeActionEquivalenceKey = Track,
        }.RunAsync();

        [Theory]
        [InlineData("void M() { [|svc?.SendAsync()|]; }")]
        [InlineData("void M() { [|new Custom().RunAsync()|]; } class Custom { public System.Runtime.CompilerServices.YieldAwaitable.YieldAwaiter GetAwaiter() => default; public Custom RunAsync() => this; }")]
        public Task Fix_Track_NotOffered(string member) => VerifySF1001.NoCodeFixAsync(Wrap(member), Track);

        // ---------------------------------------------------------------- FixAll over several documents

        [Fact]
        public Task FixAll_Track_SeveralDocuments() => new SteadfastCodeFixTest<SF1001FireAndForgetAnalyzer, SF1001FireAndForgetCodeFix>
        {
            Sources =
            {
                "using System.Threading.Tasks;\nclass A\n{\n    void M()\n    {\n        [|Task.Run(() => { })|];\n        _ = [|Task.Delay(1)|];\n    }\n}\n",
                "using System.Threading.Tasks;\nclass B\n{\n    void M() => [|Task.Delay(2)|];\n}\n",
            },
            FixedSources =
            {
                "using System.Threading.Tasks;\nusing Steadfast;\nclass A\n{\n    void M()\n    {\n        BackgroundTasks.Run(() => { }, name: \"M\");\n        BackgroundTasks.Track(Task.Delay(1), name: \"Delay\");\n    }\n}\n",
                "using System.Threading.Tasks;\nusing Steadfast;\nclass B\n{\n    void M() => BackgroundTasks.Track(Task.Delay(2), name: \"Delay\");\n}\n",
            },
            CodeActionEquivalenceKey = Preferred,
        }.RunAsync();

        [Fact]
        public Task FixAll_Await_LeavesUnawaitableOnesFlagged() => new SteadfastCodeFixTest<SF1001FireAndForgetAnalyzer, SF1001FireAndForgetCodeFix>
        {
            // With tracking preferred, "await" is every async diagnostic's second fix: Fix All of it awaits those and
            // leaves the one in a synchronous lambda (where only tracking is offered) flagged.
            EditorConfig = "[*.cs]\nSF1001.preferred_fix = track",
            TestCode = Wrap("""

                    async Task M()
                    {
                        [|svc.SendAsync()|];
                        Action a = () => [|svc.SendAsync()|];
                        _ = [|svc.CountAsync()|];
                    }
                """),
            FixedCode = Wrap("""

                    async Task M()
                    {
                        await svc.SendAsync();
                        Action a = () => [|svc.SendAsync()|];
                        await svc.CountAsync();
                    }
                """),
            CodeActionEquivalenceKey = Await,
        }.RunAsync();

        [Fact]
        public Task FixAll_Preferred_AppliesEachDiagnosticsOwnFirstFix() => VerifySF1001.CodeFixAsync(Wrap("""

                async Task M()
                {
                    [|svc.SendAsync()|];
                    Action a = () => [|svc.SendAsync()|];
                    _ = [|svc.CountAsync()|];
                }
            """), Wrap("""

                async Task M()
                {
                    await svc.SendAsync();
                    Action a = () => BackgroundTasks.Track(svc.SendAsync(), name: "SendAsync");
                    await svc.CountAsync();
                }
            """, "using Steadfast;\n"), Preferred);
    }
}
