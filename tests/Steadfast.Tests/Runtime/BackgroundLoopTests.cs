using System;
using System.Collections.Concurrent;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.Logging;
using Steadfast.Tests.Support;
using Xunit;

namespace Steadfast.Tests.Runtime
{
    public sealed class BackgroundLoopTests
    {
        [Fact]
        public void BackOff_DoublesFromTheInitialDelay_CappedAtTheMaximum()
        {
            var loop = new BackgroundLoop("poller", new BackgroundLoopOptions { InitialDelay = TimeSpan.FromSeconds(1), MaxDelay = TimeSpan.FromSeconds(10), Multiplier = 2 });

            Assert.Equal(TimeSpan.Zero, loop.DelayAfter(0));
            Assert.Equal(TimeSpan.FromSeconds(1), loop.DelayAfter(1));
            Assert.Equal(TimeSpan.FromSeconds(2), loop.DelayAfter(2));
            Assert.Equal(TimeSpan.FromSeconds(8), loop.DelayAfter(4));
            Assert.Equal(TimeSpan.FromSeconds(10), loop.DelayAfter(5));
            Assert.Equal(TimeSpan.FromSeconds(10), loop.DelayAfter(int.MaxValue));
        }

        [Fact]
        public async Task AFailingIteration_IsLoggedOnceWithTheLoopsName_AndTheLoopCarriesOn_ResetAfterSuccess()
        {
            var logger = new ListLogger();
            var loop = new BackgroundLoop("FollowUpWorker.ExecuteAsync", new BackgroundLoopOptions { InitialDelay = TimeSpan.Zero, MaxDelay = TimeSpan.Zero }, logger);
            var outcomes = new[] { true, false, false, true, false, true, true };
            var ran = 0;

            // The shape the fix writes.
            foreach (var fails in outcomes)
            {
                try
                {
                    ran++;
                    if (fails)
                    {
                        throw new InvalidOperationException("upstream 503 #" + ran);
                    }

                    loop.Succeeded();
                }
                catch (Exception ex)
                {
                    await loop.FailedAsync(ex);
                }
            }

            Assert.Equal(outcomes.Length, ran);
            Assert.Equal(4, loop.FailureCount);
            Assert.Equal(2, loop.ConsecutiveFailures); // the last two iterations failed
            var errors = logger.Entries.Where(e => e.Level == LogLevel.Error).ToList();
            Assert.Equal(4, errors.Count);
            Assert.All(errors, e => Assert.IsType<InvalidOperationException>(e.Exception));
            Assert.Equal("Background loop 'FollowUpWorker.ExecuteAsync' failed (1 in a row); next iteration in 0 s", errors[0].Message);
            Assert.Equal("upstream 503 #1", errors[0].Exception!.Message);
            Assert.Contains("(1 in a row)", errors[1].Message); // the successes before it reset the count
            Assert.Contains("(1 in a row)", errors[2].Message);
            Assert.Contains("(2 in a row)", errors[3].Message);
        }

        [Fact]
        public async Task FailedAsync_WaitsTheBackOffOnTheClock()
        {
            var clock = new ManualTimeProvider();
            var loop = new BackgroundLoop("poller", new BackgroundLoopOptions { InitialDelay = TimeSpan.FromSeconds(5), MaxDelay = TimeSpan.FromSeconds(60) }, new ListLogger(), clock);

            var first = loop.FailedAsync(new TimeoutException());
            Assert.Equal(TimeSpan.FromSeconds(5), clock.WaitForTimer());
            Assert.False(first.IsCompleted);
            clock.Advance(TimeSpan.FromSeconds(5));
            Assert.Equal(TimeSpan.FromSeconds(5), await first.WaitAsync(TimeSpan.FromSeconds(10)));

            var second = loop.FailedAsync(new TimeoutException());
            Assert.Equal(TimeSpan.FromSeconds(10), clock.WaitForTimer());
            clock.Advance(TimeSpan.FromSeconds(10));
            Assert.Equal(TimeSpan.FromSeconds(10), await second.WaitAsync(TimeSpan.FromSeconds(10)));
        }

        [Fact]
        public async Task Cancellation_EndsTheWaitPromptly_WithoutThrowing()
        {
            var clock = new ManualTimeProvider();
            var loop = new BackgroundLoop("poller", new BackgroundLoopOptions { InitialDelay = TimeSpan.FromMinutes(1), MaxDelay = TimeSpan.FromMinutes(1) }, new ListLogger(), clock);
            using var stop = new CancellationTokenSource();

            var waiting = loop.FailedAsync(new TimeoutException(), stop.Token);
            clock.WaitForTimer();
            stop.Cancel();

            Assert.Equal(TimeSpan.FromMinutes(1), await waiting.WaitAsync(TimeSpan.FromSeconds(10)));
            Assert.Equal(TimeSpan.FromMinutes(1), loop.Failed(new TimeoutException(), stop.Token)); // already cancelled: returns at once (the clock never moves)
        }

        [Fact]
        public async Task ALoopInTheFixedShape_SurvivesAFailure_AndStopsOnCancellation()
        {
            var logger = new ListLogger();
            var loop = new BackgroundLoop("worker", new BackgroundLoopOptions { InitialDelay = TimeSpan.FromMilliseconds(1), MaxDelay = TimeSpan.FromMilliseconds(5) }, logger);
            using var stop = new CancellationTokenSource();
            var iterations = 0;

            var run = Task.Run(async () =>
            {
                while (!stop.Token.IsCancellationRequested)
                {
                    try
                    {
                        if (++iterations == 3)
                        {
                            throw new InvalidOperationException("once");
                        }

                        if (iterations == 10)
                        {
                            stop.Cancel();
                        }

                        await Task.Delay(1, stop.Token);
                        loop.Succeeded();
                    }
                    catch (Exception ex) when (!stop.Token.IsCancellationRequested)
                    {
                        await loop.FailedAsync(ex, stop.Token);
                    }
                }
            });

            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run.WaitAsync(TimeSpan.FromSeconds(30)));
            Assert.Equal(10, iterations);
            Assert.Equal(1, loop.FailureCount);
            Assert.Single(logger.Entries, e => e.Level == LogLevel.Error);
        }

        [Fact]
        public void WithoutALogger_FailuresGoToTheEvent_AndAThrowingHandlerIsNotRethrown()
        {
            var seen = new ConcurrentBag<BackgroundLoopFailedEventArgs>();
            var loop = new BackgroundLoop("poller", new BackgroundLoopOptions { InitialDelay = TimeSpan.Zero, MaxDelay = TimeSpan.Zero });
            loop.IterationFailed += (_, e) => seen.Add(e);
            loop.IterationFailed += (_, _) => throw new InvalidOperationException("handler bug");

            var previous = BackgroundTasks.Tracker.Logger;
            BackgroundTasks.Tracker.Logger = null;
            try
            {
                loop.Failed(new TimeoutException("slow"));
            }
            finally
            {
                BackgroundTasks.Tracker.Logger = previous;
            }

            var args = Assert.Single(seen);
            Assert.Equal("poller", args.LoopName);
            Assert.Equal(1, args.ConsecutiveFailures);
            Assert.Equal(TimeSpan.Zero, args.Delay);
            Assert.IsType<TimeoutException>(args.Exception);
        }

        [Fact]
        public async Task EightThreads_ReportConcurrently_EveryFailureCounted()
        {
            var logger = new ListLogger();
            var loop = new BackgroundLoop("shared", new BackgroundLoopOptions { InitialDelay = TimeSpan.Zero, MaxDelay = TimeSpan.Zero }, logger);

            await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(async () =>
            {
                for (var i = 0; i < 1_000; i++)
                {
                    await loop.FailedAsync(new TimeoutException());
                    if (i % 10 == 0)
                    {
                        loop.Succeeded();
                    }
                }
            })));

            Assert.Equal(8_000, loop.FailureCount);
            Assert.Equal(8_000, logger.Entries.Count(e => e.Level == LogLevel.Error));
        }

        [Fact]
        public async Task BadArguments_AreRejectedClearly()
        {
            Assert.Throws<ArgumentException>(() => new BackgroundLoop(""));
            Assert.Throws<ArgumentException>(() => new BackgroundLoop("  "));
            Assert.Throws<ArgumentOutOfRangeException>(() => new BackgroundLoop("x", new BackgroundLoopOptions { InitialDelay = TimeSpan.FromSeconds(-1) }));
            Assert.Throws<ArgumentOutOfRangeException>(() => new BackgroundLoop("x", new BackgroundLoopOptions { InitialDelay = TimeSpan.FromSeconds(2), MaxDelay = TimeSpan.FromSeconds(1) }));
            Assert.Throws<ArgumentOutOfRangeException>(() => new BackgroundLoop("x", new BackgroundLoopOptions { Multiplier = 0.5 }));
            Assert.Throws<ArgumentOutOfRangeException>(() => new BackgroundLoop("x", new BackgroundLoopOptions { Multiplier = double.NaN }));
            var loop = new BackgroundLoop("x");
            Assert.Throws<ArgumentNullException>(() => loop.Failed(null!));
            await Assert.ThrowsAsync<ArgumentNullException>(() => loop.FailedAsync(null!));
        }
    }
}
