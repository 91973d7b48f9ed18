using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Xunit;

namespace Steadfast.Tests.Runtime
{
    public sealed class ConcurrencyTests
    {
        /// <summary>Counts the selectors running at once and keeps the most seen.</summary>
        private sealed class InFlight
        {
            private int _now;
            private int _most;

            public int Most => Volatile.Read(ref _most);

            public int Now => Volatile.Read(ref _now);

            public async Task<T> RunAsync<T>(Func<Task<T>> work)
            {
                var now = Interlocked.Increment(ref _now);
                for (var most = Volatile.Read(ref _most); now > most; most = Volatile.Read(ref _most))
                {
                    if (Interlocked.CompareExchange(ref _most, now, most) == most)
                    {
                        break;
                    }
                }

                try
                {
                    return await work();
                }
                finally
                {
                    Interlocked.Decrement(ref _now);
                }
            }
        }

        [Fact]
        public async Task Results_ComeInTheOrderOfTheItems_WhateverOrderTheyFinishIn()
        {
            var items = Enumerable.Range(0, 50).ToList();

            // Later items finish first.
            var results = await Concurrency.WhenAllBounded(items, 8, async i =>
            {
                await Task.Delay((50 - i) % 7);
                return i * 10;
            });

            Assert.Equal(items.Select(i => i * 10), results);
        }

        [Theory]
        [InlineData(1)]
        [InlineData(3)]
        [InlineData(8)]
        public async Task AtMostMaxConcurrency_RunAtOnce_AndThatManyDo(int max)
        {
            var counter = new InFlight();
            var results = await Concurrency.WhenAllBounded(Enumerable.Range(0, 60), max, i => counter.RunAsync(async () =>
            {
                await Task.Delay(5);
                return i;
            }));

            Assert.Equal(60, results.Length);
            Assert.Equal(max, counter.Most); // never more, and the limit is used
            Assert.Equal(0, counter.Now);
        }

        [Fact]
        public async Task TaskWhenAll_RunsThemAllAtOnce_ForComparison()
        {
            var counter = new InFlight();
            await Task.WhenAll(Enumerable.Range(0, 60).Select(i => counter.RunAsync(async () =>
            {
                await Task.Delay(20);
                return i;
            })));

            Assert.Equal(60, counter.Most);
        }

        [Fact]
        public async Task WithoutResults_EveryItemRuns_AtMostMaxAtOnce()
        {
            var counter = new InFlight();
            var seen = new ConcurrentBag<int>();
            await Concurrency.WhenAllBounded(Enumerable.Range(0, 40), 4, async (int i, CancellationToken token) =>
            {
                await counter.RunAsync(async () =>
                {
                    await Task.Delay(2, token);
                    return 0;
                });
                seen.Add(i);
            });

            Assert.Equal(Enumerable.Range(0, 40), seen.OrderBy(i => i));
            Assert.Equal(4, counter.Most);
        }

        [Fact]
        public async Task AFailure_DoesNotStopTheOthers_AwaitThrowsTheFirstInItemOrder_AndTheTaskHoldsAll()
        {
            var ran = 0;
            var all = Concurrency.WhenAllBounded(Enumerable.Range(0, 20), 3, async i =>
            {
                Interlocked.Increment(ref ran);
                await Task.Delay(i == 12 ? 1 : 10);
                if (i is 12 or 5)
                {
                    throw new InvalidOperationException("item " + i);
                }

                return i;
            });

            var thrown = await Assert.ThrowsAsync<InvalidOperationException>(() => all);

            // As with Task.WhenAll: every item ran, await throws the failure of the first item in order (5, though 12 failed first), Exception holds both.
            Assert.Equal(20, ran);
            Assert.Equal("item 5", thrown.Message);
            Assert.True(all.IsFaulted);
            Assert.Equal(new[] { "item 5", "item 12" }, all.Exception!.InnerExceptions.Select(e => e.Message));
        }

        [Fact]
        public async Task ASelectorThatThrowsSynchronously_FailsItsItemOnly()
        {
            var all = Concurrency.WhenAllBounded<int, int>(Enumerable.Range(0, 5), 2, i => i == 2 ? throw new ArgumentException("sync " + i) : Task.FromResult(i));

            var thrown = await Assert.ThrowsAsync<ArgumentException>(() => all);
            Assert.Equal("sync 2", thrown.Message);
            Assert.Single(all.Exception!.InnerExceptions);
        }

        [Fact]
        public async Task AnItemCanceled_IsACanceledWhole_WhenNothingFailed_AndTheOthersStillRun()
        {
            var ran = 0;
            var all = Concurrency.WhenAllBounded(Enumerable.Range(0, 10), 2, async i =>
            {
                Interlocked.Increment(ref ran);
                await Task.Yield();
                if (i == 3)
                {
                    throw new TaskCanceledException("an HttpClient timeout");
                }

                return i;
            });

            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => all);
            Assert.True(all.IsCanceled);
            Assert.Equal(10, ran);
        }

        [Fact]
        public async Task AFailureWinsOverACancellation_AsWithTaskWhenAll()
        {
            var all = Concurrency.WhenAllBounded<int, int>(new[] { 1, 2 }, 2, async i =>
            {
                await Task.Yield();
                if (i == 1)
                {
                    throw new OperationCanceledException();
                }

                throw new InvalidOperationException("failed");
            });

            await Assert.ThrowsAsync<InvalidOperationException>(() => all);
            Assert.True(all.IsFaulted);
        }

        [Fact]
        public async Task CancellingTheToken_StartsNoFurtherItem_AndCancelsTheWhole()
        {
            using var cts = new CancellationTokenSource();
            var started = 0;
            var release = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
            var all = Concurrency.WhenAllBounded(Enumerable.Range(0, 100), 4, async (i, token) =>
            {
                if (Interlocked.Increment(ref started) == 4)
                {
                    cts.Cancel();
                }

                await release.Task;
                return i;
            }, cts.Token);

            release.SetResult(true);
            var thrown = await Assert.ThrowsAnyAsync<OperationCanceledException>(() => all);

            Assert.Equal(4, started);
            Assert.True(all.IsCanceled);
            Assert.Equal(cts.Token, thrown.CancellationToken);
        }

        [Fact]
        public async Task AnAlreadyCanceledToken_StartsNothing()
        {
            var started = 0;
            var all = Concurrency.WhenAllBounded(new[] { 1, 2, 3 }, 2, i => { started++; return Task.FromResult(i); }, new CancellationToken(true));

            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => all);
            Assert.Equal(0, started);
        }

        [Fact]
        public async Task NoItems_CompletesAtOnce_WithNoResults()
        {
            var results = await Concurrency.WhenAllBounded(Array.Empty<int>(), 4, i => Task.FromResult(i));
            Assert.Empty(results);
            await Concurrency.WhenAllBounded(new List<int>(), 4, i => Task.CompletedTask);
        }

        [Fact]
        public async Task SynchronouslyCompletedTasks_AllRun_WithoutDeepRecursion()
        {
            var results = await Concurrency.WhenAllBounded(Enumerable.Range(0, 100_000), 2, i => Task.FromResult(i));
            Assert.Equal(99_999, results[^1]);
        }

        [Fact]
        public async Task ASelectorThatReturnsNull_FailsItsItem()
        {
            await Assert.ThrowsAsync<InvalidOperationException>(() => Concurrency.WhenAllBounded(new[] { 1 }, 1, i => (Task<int>)null!));
            await Assert.ThrowsAsync<InvalidOperationException>(() => Concurrency.WhenAllBounded(new[] { 1 }, 1, i => (Task)null!));
        }

        [Fact]
        public void Arguments_AreChecked()
        {
            Assert.Equal("items", Assert.Throws<ArgumentNullException>(() => { _ = Concurrency.WhenAllBounded<int, int>(null!, 1, i => Task.FromResult(i)); }).ParamName);
            Assert.Equal("selector", Assert.Throws<ArgumentNullException>(() => { _ = Concurrency.WhenAllBounded(new[] { 1 }, 1, (Func<int, Task<int>>)null!); }).ParamName);
            Assert.Equal("selector", Assert.Throws<ArgumentNullException>(() => { _ = Concurrency.WhenAllBounded(new[] { 1 }, 1, (Func<int, CancellationToken, Task>)null!); }).ParamName);
            Assert.Equal("maxConcurrency", Assert.Throws<ArgumentOutOfRangeException>(() => { _ = Concurrency.WhenAllBounded(new[] { 1 }, 0, i => Task.FromResult(i)); }).ParamName);
            Assert.Equal("maxConcurrency", Assert.Throws<ArgumentOutOfRangeException>(() => { _ = Concurrency.WhenAllBounded(new[] { 1 }, -1, i => Task.CompletedTask); }).ParamName);
        }

        [Fact]
        public async Task EightThreads_EachWithItsOwnCall_AndOneSharedCounterPerCall_StayWithinTheirLimits()
        {
            // Eight threads run bounded fan-outs at once, each over items whose work hops threads; each call's own limit holds,
            // every result lands in its slot, and a shared counter across all calls never exceeds the sum of the limits.
            var shared = new InFlight();
            var failures = new ConcurrentQueue<string>();
            var threads = Enumerable.Range(0, 8).Select(t => Task.Run(async () =>
            {
                for (var round = 0; round < 20; round++)
                {
                    var own = new InFlight();
                    var max = 1 + ((t + round) % 5);
                    var items = Enumerable.Range(round * 100, 30 + t).ToArray();
                    var results = await Concurrency.WhenAllBounded(items, max, i => own.RunAsync(() => shared.RunAsync(async () =>
                    {
                        if (i % 3 == 0)
                        {
                            await Task.Yield();
                        }
                        else
                        {
                            await Task.Delay(1);
                        }

                        return -i;
                    })));

                    if (!results.SequenceEqual(items.Select(i => -i)))
                    {
                        failures.Enqueue($"thread {t} round {round}: results out of order");
                    }

                    if (own.Most > max)
                    {
                        failures.Enqueue($"thread {t} round {round}: {own.Most} in flight, limit {max}");
                    }
                }
            })).ToArray();

            await Task.WhenAll(threads);

            Assert.Empty(failures);
            Assert.InRange(shared.Most, 1, 8 * 5);
            Assert.Equal(0, shared.Now);
        }
    }
}
