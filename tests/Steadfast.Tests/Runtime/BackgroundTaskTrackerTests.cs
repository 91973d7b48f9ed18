using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Steadfast.Tests.Support;
using Xunit;

namespace Steadfast.Tests.Runtime
{
    public sealed class BackgroundTaskTrackerTests
    {
        [Fact]
        public async Task HundredThousandTasks_OnePercentFailing_EachFailureReportedOnce_NothingLeftTracked()
        {
            var logger = new ListLogger();
            var tracker = new BackgroundTaskTracker(logger);
            var failures = new ConcurrentBag<string>();
            tracker.TaskFailed += (_, e) => failures.Add(e.Name + "|" + e.Exception.Message);

            const int total = 100_000;
            var expected = new HashSet<string>();
            for (var i = 0; i < total; i++)
            {
                var n = i;
                if (n % 100 == 0)
                {
                    expected.Add($"job-{n}|boom {n}");
                    tracker.Run(async () =>
                    {
                        await Task.Yield();
                        throw new InvalidOperationException($"boom {n}");
                    }, name: $"job-{n}");
                }
                else
                {
                    tracker.Run(() => Task.CompletedTask, name: $"job-{n}");
                }
            }

            var stragglers = await tracker.DrainAsync(TimeSpan.FromMinutes(2));

            Assert.Empty(stragglers);
            Assert.Equal(0, tracker.Count);
            Assert.Empty(tracker.Running);
            Assert.Equal(total / 100, failures.Count);
            Assert.Equal(expected, failures.ToHashSet());
            Assert.Equal(total / 100, tracker.FailedCount);
            var errors = logger.Entries.Where(e => e.Level == LogLevel.Error).ToList();
            Assert.Equal(total / 100, errors.Count);
            Assert.All(errors, e => Assert.IsType<InvalidOperationException>(e.Exception));
            Assert.Contains(errors, e => e.Message == "Background task 'job-500' failed");
        }

        /// <summary>
        /// The lock-free completion path: 8 threads start synchronous work (1% of it failing) and gated async work at once,
        /// while another thread keeps reading Running and Count (each read sweeps finished entries, racing the completions
        /// that mark them). Nothing gated is ever missed while it waits, every failure is reported once and observed, and
        /// nothing is left tracked.
        /// </summary>
        [Fact]
        public async Task Stress_EightThreadsStarting_SweepsRacingCompletions_NothingMissedNothingLeft()
        {
            var marker = "stress-" + Guid.NewGuid().ToString("N");
            var unobserved = 0;
            EventHandler<UnobservedTaskExceptionEventArgs> onUnobserved = (_, e) =>
            {
                if (e.Exception.ToString().Contains(marker, StringComparison.Ordinal))
                {
                    Interlocked.Increment(ref unobserved);
                }
            };
            TaskScheduler.UnobservedTaskException += onUnobserved;
            try
            {
                var tracker = new BackgroundTaskTracker();
                var failures = new ConcurrentDictionary<string, int>();
                tracker.TaskFailed += (_, e) => failures.AddOrUpdate(e.Name, 1, (_, n) => n + 1);
                var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                const int threads = 8, perThread = 5_000, gatedPerThread = 100;

                using var stop = new CancellationTokenSource();
                var reader = Task.Factory.StartNew(
                    () =>
                    {
                        while (!stop.IsCancellationRequested)
                        {
                            var running = tracker.Running;
                            Assert.True(running.Select(r => r.Id).Distinct().Count() == running.Count, "an entry listed twice");
                            Assert.True(tracker.Count >= 0);
                        }
                    },
                    TaskCreationOptions.LongRunning);

                var starters = Enumerable.Range(0, threads).Select(t => Task.Run(() =>
                {
                    for (var i = 0; i < perThread; i++)
                    {
                        var n = i;
                        if (n % 100 == 0)
                        {
                            tracker.Run((Action)(() => throw new InvalidOperationException($"{marker} {t}-{n}")), name: $"fail-{t}-{n}");
                        }
                        else
                        {
                            tracker.Run(() => Thread.SpinWait(20), name: "ok");
                        }

                        if (n % (perThread / gatedPerThread) == 0)
                        {
                            tracker.Run(() => gate.Task, name: $"gated-{t}-{n}");
                        }
                    }
                })).ToArray();
                await Task.WhenAll(starters);

                // Everything has started; the gated work is still waiting: the tracker lists and counts all of it.
                var gatedNames = tracker.Running.Select(r => r.Name).Where(n => n.StartsWith("gated-", StringComparison.Ordinal)).ToList();
                Assert.Equal(threads * gatedPerThread, gatedNames.Count);
                Assert.Equal(gatedNames.Count, gatedNames.Distinct().Count());
                Assert.True(tracker.Count >= threads * gatedPerThread, $"Count {tracker.Count} misses gated work");

                gate.SetResult();
                var stragglers = await tracker.DrainAsync(TimeSpan.FromMinutes(2));
                stop.Cancel();
                await reader;

                Assert.Empty(stragglers);
                Assert.Equal(0, tracker.Count);
                Assert.Empty(tracker.Running);
                Assert.Equal(threads * perThread / 100, failures.Count);
                Assert.All(failures, pair => Assert.Equal(1, pair.Value));
                Assert.Equal(threads * perThread / 100, tracker.FailedCount);

                GC.Collect();
                GC.WaitForPendingFinalizers();
                GC.Collect();
                Assert.Equal(0, Volatile.Read(ref unobserved));
            }
            finally
            {
                TaskScheduler.UnobservedTaskException -= onUnobserved;
            }
        }

        [Fact]
        public async Task Track_ReportsFailureWithName_AndLeavesNoUnobservedException()
        {
            var tracker = new BackgroundTaskTracker();
            var reported = new List<BackgroundTaskFailedEventArgs>();
            tracker.TaskFailed += (_, e) => reported.Add(e);
            var gate = new TaskCompletionSource();

            var handle = tracker.Track(FailLaterAsync(gate.Task), name: "SendWelcomeAsync");
            Assert.Equal("SendWelcomeAsync", Assert.Single(tracker.Running).Name);
            gate.SetResult();
            await Assert.ThrowsAsync<TimeoutException>(() => handle.Task);
            await tracker.DrainAsync(TimeSpan.FromSeconds(30));

            var failure = Assert.Single(reported);
            Assert.Equal("SendWelcomeAsync", failure.Name);
            Assert.IsType<TimeoutException>(failure.Exception);
            Assert.True(handle.Task.IsFaulted);

            static async Task FailLaterAsync(Task gate)
            {
                await gate;
                throw new TimeoutException("upstream timed out");
            }
        }

        [Fact]
        public void Track_AlreadyFaultedTask_ReportedOnce_NotTracked()
        {
            var tracker = new BackgroundTaskTracker();
            var count = 0;
            tracker.TaskFailed += (_, e) => Interlocked.Increment(ref count);

            tracker.Track(Task.FromException(new InvalidOperationException("x")), "done");

            Assert.Equal(1, count);
            Assert.Equal(0, tracker.Count);
        }

        [Fact]
        public async Task Cancellation_IsNotAFailure_ButTimeoutIs()
        {
            var tracker = new BackgroundTaskTracker();
            var reported = new ConcurrentBag<Exception>();
            tracker.TaskFailed += (_, e) => reported.Add(e.Exception);
            using var cts = new CancellationTokenSource();
            cts.Cancel();

            tracker.Run(ct => Task.Delay(Timeout.Infinite, ct), "cancelled-before-start", cts.Token);
            tracker.Run(async () => { await Task.Yield(); cts.Token.ThrowIfCancellationRequested(); }, "cancelled-inside");
            tracker.Track(Task.FromCanceled(cts.Token), "canceled-task");
            tracker.Run(async () => { await Task.Yield(); throw new TaskCanceledException("timed out", new TimeoutException()); }, "http-timeout");
            await tracker.DrainAsync(TimeSpan.FromSeconds(30));

            var only = Assert.Single(reported);
            Assert.IsType<TaskCanceledException>(only);
        }

        [Fact]
        public async Task ValueTasks_AreTracked()
        {
            var tracker = new BackgroundTaskTracker();
            var names = new ConcurrentBag<string>();
            tracker.TaskFailed += (_, e) => names.Add(e.Name);

            tracker.Track(FailAsync(), "ValueTask");
            tracker.Track(FailWithValueAsync(), "ValueTaskOfT");
            var ok = tracker.Track(new ValueTask<int>(5), "done");
            await tracker.DrainAsync(TimeSpan.FromSeconds(30));

            Assert.Equal(new[] { "ValueTask", "ValueTaskOfT" }, names.OrderBy(n => n, StringComparer.Ordinal));
            Assert.Equal(5, await (Task<int>)ok.Task);

            static async ValueTask FailAsync()
            {
                await Task.Yield();
                throw new InvalidOperationException();
            }

            static async ValueTask<int> FailWithValueAsync()
            {
                await Task.Yield();
                throw new InvalidOperationException();
            }
        }

        [Fact]
        public async Task Drain_WaitsForRunningWork_AndReportsStragglers()
        {
            var clock = new ManualTimeProvider();
            var tracker = new BackgroundTaskTracker(timeProvider: clock);
            var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var finishedQuick = 0;
            var tokenCancelled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

            tracker.Run(async () => { await Task.Delay(50); Interlocked.Exchange(ref finishedQuick, 1); }, "quick");
            tracker.Run(() => release.Task, "stuck");
            tracker.Run(async ct =>
            {
                try
                {
                    await Task.Delay(Timeout.Infinite, ct);
                }
                catch (OperationCanceledException)
                {
                    tokenCancelled.SetResult();
                    throw;
                }
            }, "cooperative");

            var drain = tracker.DrainAsync(TimeSpan.FromSeconds(5));
            await WaitUntilAsync(() => Volatile.Read(ref finishedQuick) == 1);
            Assert.False(drain.IsCompleted);
            clock.Advance(TimeSpan.FromSeconds(5));
            var stragglers = await drain;

            Assert.Equal(1, Volatile.Read(ref finishedQuick));
            Assert.Equal(new[] { "stuck", "cooperative" }, stragglers.Select(s => s.Name));
            Assert.All(stragglers, s => Assert.Equal(clock.GetUtcNow() - TimeSpan.FromSeconds(5), s.StartedAt));
            await tokenCancelled.Task.WaitAsync(TimeSpan.FromSeconds(30));

            release.SetResult();
            Assert.Empty(await tracker.DrainAsync(TimeSpan.FromSeconds(30)));
        }

        [Fact]
        public async Task NoLoggerNoHandler_FailureGoesToStandardError()
        {
            var output = new StringWriter();
            var tracker = new BackgroundTaskTracker();
            var previous = Console.Error;
            Console.SetError(TextWriter.Synchronized(output));
            try
            {
                tracker.Run(() => throw new InvalidOperationException("lost?"), "orphan");
                await tracker.DrainAsync(TimeSpan.FromSeconds(30));
            }
            finally
            {
                Console.SetError(previous);
            }

            Assert.Contains("background task 'orphan' failed", output.ToString(), StringComparison.Ordinal);
            Assert.Contains("lost?", output.ToString(), StringComparison.Ordinal);
        }

        [Fact]
        public async Task ThrowingHandler_DoesNotHideTheFailureFromOtherHandlers()
        {
            var tracker = new BackgroundTaskTracker();
            var seen = 0;
            tracker.TaskFailed += (_, _) => throw new InvalidOperationException("bad handler");
            tracker.TaskFailed += (_, _) => Interlocked.Increment(ref seen);

            tracker.Run(() => throw new ArgumentException("x"), "a");
            await tracker.DrainAsync(TimeSpan.FromSeconds(30));

            Assert.Equal(1, seen);
        }

        [Fact]
        public async Task BadArguments_AreRejected()
        {
            var tracker = new BackgroundTaskTracker();
            Assert.Throws<ArgumentNullException>(() => tracker.Run((Func<Task>)null!));
            Assert.Throws<ArgumentNullException>(() => tracker.Run((Func<CancellationToken, Task>)null!));
            Assert.Throws<ArgumentNullException>(() => tracker.Run((Action)null!));
            Assert.Throws<ArgumentNullException>(() => tracker.Track((Task)null!));
            await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => tracker.DrainAsync(TimeSpan.FromSeconds(-2)));
            Assert.Throws<ArgumentNullException>(() => BackgroundTaskTrackingExtensions.AddBackgroundTaskTracking(null!));
        }

        [Fact]
        public async Task DefaultName_IsTheDelegatesMethod()
        {
            var tracker = new BackgroundTaskTracker();
            var gate = new TaskCompletionSource();
            tracker.Run(() => gate.Task);
            tracker.Run(NamedWork);
            var names = tracker.Running.Select(r => r.Name).ToList();
            gate.SetResult();
            await tracker.DrainAsync(TimeSpan.FromSeconds(30));

            Assert.Equal(new[] { nameof(DefaultName_IsTheDelegatesMethod), nameof(NamedWork) }, names);

            static void NamedWork() => Thread.Sleep(200);
        }

        private static async Task WaitUntilAsync(Func<bool> condition)
        {
            for (var i = 0; i < 3000 && !condition(); i++)
            {
                await Task.Delay(10);
            }

            Assert.True(condition());
        }
    }

    /// <summary>Tests that use the process-wide <see cref="BackgroundTasks.Tracker"/> run one at a time.</summary>
    [CollectionDefinition(nameof(StaticTrackerCollection), DisableParallelization = true)]
    public sealed class StaticTrackerCollection
    {
    }

    [Collection(nameof(StaticTrackerCollection))]
    public sealed class BackgroundTaskHostingTests
    {
        [Fact]
        public async Task Host_StopAsync_WaitsForInFlightWork_AndLogsFailuresWithTaskName()
        {
            var logs = new ListLogger();
            using var host = Host.CreateDefaultBuilder()
                .ConfigureLogging(l => l.ClearProviders().AddProvider(logs))
                .ConfigureServices(s => s.AddBackgroundTaskTracking())
                .Build();
            await host.StartAsync();
            Assert.Same(BackgroundTasks.Tracker, host.Services.GetRequiredService<BackgroundTaskTracker>());

            var finished = 0;
            BackgroundTasks.Run(async () =>
            {
                await Task.Delay(300);
                Interlocked.Exchange(ref finished, 1);
            }, name: "EnrichLeadAsync");
            BackgroundTasks.Run(async () =>
            {
                await Task.Yield();
                throw new InvalidOperationException("enrichment API down");
            }, name: "NotifySalesAsync");

            await host.StopAsync();

            Assert.Equal(1, Volatile.Read(ref finished));
            Assert.Equal(0, BackgroundTasks.Tracker.Count);
            Assert.Contains(logs.Entries, e => e.Level == LogLevel.Error && e.Category == "Steadfast.BackgroundTasks" &&
                e.Message == "Background task 'NotifySalesAsync' failed" && e.Exception?.Message == "enrichment API down");
        }

        [Fact]
        public async Task Host_StopAsync_GivesUpAtShutdownTimeout_AndLogsStragglers()
        {
            var logs = new ListLogger();
            using var host = Host.CreateDefaultBuilder()
                .ConfigureLogging(l => l.ClearProviders().AddProvider(logs))
                .ConfigureServices(s => s
                    .AddBackgroundTaskTracking()
                    .Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromMilliseconds(300)))
                .Build();
            await host.StartAsync();
            var never = new TaskCompletionSource();
            BackgroundTasks.Run(() => never.Task, name: "FollowUpLoop");

            await host.StopAsync();

            Assert.Contains(logs.Entries, e => e.Level == LogLevel.Warning && e.Message.Contains("'FollowUpLoop'", StringComparison.Ordinal) &&
                e.Message.Contains("did not finish before shutdown", StringComparison.Ordinal));
            never.SetResult();
            Assert.Empty(await BackgroundTasks.DrainAsync(TimeSpan.FromSeconds(30)));
        }
    }
}
