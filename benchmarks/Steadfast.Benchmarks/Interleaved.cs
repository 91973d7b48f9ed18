using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using BitFaster.Caching.Lfu;
using BitFaster.Caching.Lru;
using Microsoft.Extensions.Caching.Memory;

namespace Steadfast.Benchmarks
{
    /// <summary>
    /// A/B measurements for a machine too busy for BenchmarkDotNet's one-benchmark-after-another runs: every round times each
    /// contender once, in a shuffled order, and the ratio is taken within the round; the report gives the median and the
    /// range (10th to 90th percentile) of the per-round ratios, so that load that comes and goes hits every contender alike.
    /// <c>interleaved [--rounds N] [--tasks-only]</c>.
    /// </summary>
    public static class Interleaved
    {
        private const int Operations = 65_536;
        private const int Capacity = 1_000;
        private const int DistinctKeys = 20_000;

        public static int Run(string[] args)
        {
            var rounds = 41;
            for (var i = 0; i + 1 < args.Length; i++)
            {
                if (args[i] == "--rounds")
                {
                    rounds = int.Parse(args[i + 1], System.Globalization.CultureInfo.InvariantCulture);
                }
            }

            Console.WriteLine($"Interleaved A/B, {rounds} rounds, {Environment.ProcessorCount} cores; per-round ratios: median [p10 - p90].");
            foreach (var threads in Array.IndexOf(args, "--tasks-only") >= 0 ? Array.Empty<int>() : new[] { 8, 1 })
            {
                foreach (var skew in new[] { 0.8, 1.0, 1.2 })
                {
                    CacheRound(skew, threads, rounds);
                }
            }

            TasksRound(rounds);
            return 0;
        }

        private static void CacheRound(double skew, int threads, int rounds)
        {
            var keys = Array.ConvertAll(CacheWorkloads.Zipf(Operations, DistinctKeys, skew, seed: 7), k => "user:" + k);
            var bounded = new BoundedCache<string, string>(Capacity);
            var globalLock = new BoundedCache<string, string>(new BoundedCacheOptions { Capacity = Capacity }, comparer: null, segments: 1);
            using var memory = new MemoryCache(new MemoryCacheOptions { SizeLimit = Capacity });
            var lru = new ConcurrentLru<string, string>(Capacity);
            var lfu = new ConcurrentLfu<string, string>(Capacity);
            var contenders = new (string Name, Func<string, bool> Op)[]
            {
                ("BoundedCache", k => bounded.GetOrAdd(k, k) is not null),
                ("BoundedCache, one segment (global lock)", k => globalLock.GetOrAdd(k, k) is not null),
                ("MemoryCache", k => BoundedCacheBenchmarks.LookupOrStore(memory, k)),
                ("ConcurrentLru", k => lru.GetOrAdd(k, static k => k) is not null),
                ("ConcurrentLfu", k => lfu.GetOrAdd(k, static k => k) is not null),
            };

            var times = Measure(contenders.Select(c => (Action)(() => RunTrace(keys, threads, c.Op))).ToArray(), rounds);
            Report($"Zipf({skew:0.0}), capacity {Capacity:N0}, {threads} thread(s)", contenders.Select(c => c.Name).ToArray(), times, baseline: 2, Operations);
        }

        private static void TasksRound(int rounds)
        {
            var tracker = new BackgroundTaskTracker();
            var tasks = new Task[1_000];
            Action work = static () => { };
            var stamps = new DateTimeOffset[8];
            var holders = new Holder96[tasks.Length];
            var gate = new object();
            long counter = 0;
            var contenders = new (string Name, Action Run)[]
            {
                ("Task.Run x1,000, WhenAll", () =>
                {
                    for (var i = 0; i < tasks.Length; i++)
                    {
                        tasks[i] = Task.Run(work);
                    }

                    Task.WaitAll(tasks);
                }),
                ("BackgroundTasks.Run x1,000, WhenAll", () =>
                {
                    for (var i = 0; i < tasks.Length; i++)
                    {
                        tasks[i] = tracker.Run(work, "bench").Task;
                    }

                    Task.WaitAll(tasks);
                }),
                ("  breakdown: Task.Run + TimeProvider.System.GetUtcNow()", () =>
                {
                    for (var i = 0; i < tasks.Length; i++)
                    {
                        stamps[i & 7] = TimeProvider.System.GetUtcNow();
                        tasks[i] = Task.Run(work);
                    }

                    Task.WaitAll(tasks);
                }),
                ("  breakdown: new Task(body, state) + Start(), body calls the work", () =>
                {
                    for (var i = 0; i < tasks.Length; i++)
                    {
                        var task = new Task(static s => ((Action)s!)(), work, CancellationToken.None, TaskCreationOptions.DenyChildAttach);
                        task.Start(TaskScheduler.Default);
                        tasks[i] = task;
                    }

                    Task.WaitAll(tasks);
                }),
                ("  breakdown: Task.Run + a 96-byte object per task", () =>
                {
                    for (var i = 0; i < tasks.Length; i++)
                    {
                        holders[i] = new Holder96(i, work);
                        tasks[i] = Task.Run(work);
                    }

                    Task.WaitAll(tasks);
                }),
                ("  breakdown: Task.Run + Interlocked.Increment + lock per task", () =>
                {
                    for (var i = 0; i < tasks.Length; i++)
                    {
                        Interlocked.Increment(ref counter);
                        lock (gate)
                        {
                            counter++;
                        }

                        tasks[i] = Task.Run(work);
                    }

                    Task.WaitAll(tasks);
                }),
            };

            var times = Measure(contenders.Select(c => c.Run).ToArray(), rounds * 5);
            Report("1,000 tasks started at once from one thread", contenders.Select(c => c.Name).ToArray(), times, baseline: 0, tasks.Length);
        }

        private static void RunTrace(string[] keys, int threads, Func<string, bool> op)
        {
            if (threads == 1)
            {
                foreach (var key in keys)
                {
                    op(key);
                }

                return;
            }

            var workers = new Task[threads];
            for (var t = 0; t < threads; t++)
            {
                var offset = t;
                workers[t] = Task.Factory.StartNew(() =>
                {
                    for (var i = offset; i < keys.Length; i += threads)
                    {
                        op(keys[i]);
                    }
                }, default, TaskCreationOptions.None, TaskScheduler.Default);
            }

            Task.WaitAll(workers);
        }

        /// <summary>Times every contender once per round (after two warm-up rounds), in a fresh random order each round.</summary>
        private static double[][] Measure(Action[] contenders, int rounds)
        {
            var random = new Random(1);
            var times = contenders.Select(_ => new double[rounds]).ToArray();
            var order = Enumerable.Range(0, contenders.Length).ToArray();
            for (var round = -2; round < rounds; round++)
            {
                order = order.OrderBy(_ => random.Next()).ToArray();
                foreach (var c in order)
                {
                    var watch = Stopwatch.StartNew();
                    contenders[c]();
                    watch.Stop();
                    if (round >= 0)
                    {
                        times[c][round] = watch.Elapsed.TotalMilliseconds * 1e6;
                    }
                }
            }

            return times;
        }

        private static void Report(string title, string[] names, double[][] times, int baseline, int operations)
        {
            Console.WriteLine();
            Console.WriteLine($"{title}; ratio against {names[baseline]} (below 1: faster)");
            Console.WriteLine("| contender | median ns/op | ratio, median [p10 - p90] |");
            Console.WriteLine("|---|---:|---:|");
            for (var c = 0; c < names.Length; c++)
            {
                var ratios = times[c].Select((t, r) => t / times[baseline][r]).OrderBy(x => x).ToArray();
                var median = times[c].OrderBy(x => x).ElementAt(times[c].Length / 2) / operations;
                Console.WriteLine($"| {names[c]} | {median:0.0} | {Pct(ratios, 0.5):0.00} [{Pct(ratios, 0.1):0.00} - {Pct(ratios, 0.9):0.00}] |");
            }
        }

        /// <summary>About the size of the tracker's handle.</summary>
        private sealed class Holder96
        {
            private readonly long _id;
            private readonly Action _work;
            private readonly DateTimeOffset _at = default;
            private readonly object? _a = null, _b = null, _c = null, _d = null;

            public Holder96(long id, Action work)
            {
                _id = id;
                _work = work;
            }

            public override string ToString() => $"{_id} {_work} {_at} {_a}{_b}{_c}{_d}";
        }

        private static double Pct(double[] sorted, double p) => sorted[(int)Math.Round(p * (sorted.Length - 1))];
    }
}
