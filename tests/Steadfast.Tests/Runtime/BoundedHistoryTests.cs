using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Xunit;

namespace Steadfast.Tests.Runtime
{
    public sealed class BoundedHistoryTests
    {
        // ---------------------------------------------------------------- arguments

        [Theory]
        [InlineData(0)]
        [InlineData(-1)]
        [InlineData(int.MinValue)]
        public void RejectsCapacityBelowOne(int capacity)
        {
            var ex = Assert.Throws<ArgumentOutOfRangeException>(() => new BoundedHistory<string>(capacity));
            Assert.Equal("capacity", ex.ParamName);
            Assert.Contains("at least 1", ex.Message);
        }

        [Fact]
        public void RejectsANullRangeAndAnIndexOutOfRange()
        {
            var history = new BoundedHistory<int>(4) { 1, 2 };
            Assert.Equal("items", Assert.Throws<ArgumentNullException>(() => history.AddRange(null!)).ParamName);
            Assert.Throws<ArgumentOutOfRangeException>(() => history[2]);
            Assert.Throws<ArgumentOutOfRangeException>(() => history[-1]);
            Assert.Equal(2, history[1]);
        }

        // ---------------------------------------------------------------- a ring buffer

        [Fact]
        public void KeepsTheLastN_OldestToNewest()
        {
            var history = new BoundedHistory<int>(3);
            Assert.Empty(history);
            Assert.Equal(3, history.Capacity);

            history.Add(1);
            history.Add(2);
            Assert.Equal(new[] { 1, 2 }, history);
            Assert.Equal(0, history.Dropped);

            history.Add(3);
            history.Add(4);
            history.Add(5);
            Assert.Equal(new[] { 3, 4, 5 }, history);
            Assert.Equal(new[] { 3, 4, 5 }, history.ToArray());
            Assert.Equal(3, history.Count);
            Assert.Equal(2, history.Dropped);
            Assert.Equal(3, history[0]);
            Assert.Equal(5, history[2]);
            Assert.Equal(5, history[^1]);
        }

        [Fact]
        public void MatchesPythonsDequeWithMaxlen_OverManyWrapArounds()
        {
            var random = new Random(7);
            foreach (var capacity in new[] { 1, 2, 5, 16, 17, 100 })
            {
                var history = new BoundedHistory<int>(capacity);
                var model = new List<int>();
                for (var i = 0; i < 1000; i++)
                {
                    switch (random.Next(20))
                    {
                        case 0:
                            history.Clear();
                            model.Clear();
                            break;
                        case 1:
                            var range = Enumerable.Range(i * 10, random.Next(0, capacity * 2)).ToArray();
                            history.AddRange(range);
                            model.AddRange(range);
                            break;
                        default:
                            history.Add(i);
                            model.Add(i);
                            break;
                    }

                    if (model.Count > capacity)
                    {
                        model.RemoveRange(0, model.Count - capacity);
                    }

                    Assert.Equal(model, history);
                    Assert.Equal(model.Count, history.Count);
                    if (model.Count > 0)
                    {
                        Assert.Equal(model[model.Count / 2], history[model.Count / 2]);
                    }
                }
            }
        }

        [Fact]
        public void Clear_EmptiesAndStartsOver()
        {
            var history = new BoundedHistory<string>(2) { "a", "b", "c" };
            history.Clear();
            Assert.Empty(history);
            history.Add("d");
            Assert.Equal(new[] { "d" }, history);
            Assert.Equal(1, history.Dropped); // "a" made room for "c"; Clear drops nothing
        }

        [Fact]
        public void LargeCapacity_GrowsAsItemsArrive()
        {
            var history = new BoundedHistory<int>(int.MaxValue);
            for (var i = 0; i < 100; i++)
            {
                history.Add(i);
            }

            Assert.Equal(Enumerable.Range(0, 100), history);
            Assert.Equal(0, history.Dropped);
        }

        [Fact]
        public void Enumeration_IsASnapshot_TheHistoryMayChangeMeanwhile()
        {
            var history = new BoundedHistory<int>(4) { 1, 2, 3 };
            var seen = new List<int>();
            foreach (var item in history)
            {
                seen.Add(item);
                history.Add(item * 10); // a List<T> would throw here
            }

            Assert.Equal(new[] { 1, 2, 3 }, seen);
            Assert.Equal(new[] { 3, 10, 20, 30 }, history);
        }

        [Fact]
        public void AddRange_OfItself_AddsWhatItHeld()
        {
            var history = new BoundedHistory<int>(10) { 1, 2 };
            history.AddRange(history);
            Assert.Equal(new[] { 1, 2, 1, 2 }, history);
        }

        // ---------------------------------------------------------------- concurrency

        [Fact]
        public async Task Stress_EightThreads_NeverAboveCapacity_EachThreadsItemsInOrder()
        {
            const int capacity = 128;
            const int perThread = 50_000;
            var history = new BoundedHistory<(int Thread, int Seq)>(capacity);
            using var start = new Barrier(9);
            var readerErrors = 0;
            using var done = new CancellationTokenSource();

            // A reader enumerating and indexing while eight writers add.
            var reader = Task.Factory.StartNew(
                () =>
                {
                    start.SignalAndWait();
                    while (!done.IsCancellationRequested)
                    {
                        var snapshot = history.ToArray();
                        if (snapshot.Length > capacity || !InOrderPerThread(snapshot))
                        {
                            Interlocked.Increment(ref readerErrors);
                        }

                        var count = history.Count;
                        if (count > capacity)
                        {
                            Interlocked.Increment(ref readerErrors);
                        }
                    }
                },
                TaskCreationOptions.LongRunning);

            var writers = Enumerable.Range(0, 8).Select(t => Task.Factory.StartNew(
                () =>
                {
                    start.SignalAndWait();
                    for (var i = 0; i < perThread; i++)
                    {
                        history.Add((t, i));
                    }
                },
                TaskCreationOptions.LongRunning)).ToArray();

            await Task.WhenAll(writers);
            done.Cancel();
            await reader;

            Assert.Equal(0, readerErrors);
            Assert.Equal(capacity, history.Count);
            Assert.Equal((8L * perThread) - capacity, history.Dropped);
            var final = history.ToArray();
            Assert.True(InOrderPerThread(final));
            Assert.Contains(final, item => item.Seq == perThread - 1); // the last thread to finish left its last item
        }

        private static bool InOrderPerThread((int Thread, int Seq)[] items)
        {
            var last = new Dictionary<int, int>();
            foreach (var (thread, seq) in items)
            {
                if (last.TryGetValue(thread, out var previous) && previous >= seq)
                {
                    return false;
                }

                last[thread] = seq;
            }

            return true;
        }
    }
}
