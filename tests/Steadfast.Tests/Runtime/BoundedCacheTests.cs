using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Diagnostics.Metrics;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Steadfast.Benchmarks;
using Steadfast.Tests.Support;
using Xunit;

namespace Steadfast.Tests.Runtime
{
    public sealed class BoundedCacheTests
    {
        // ---------------------------------------------------------------- arguments

        [Theory]
        [InlineData(0)]
        [InlineData(-1)]
        public void RejectsCapacityBelowOne(int capacity)
        {
            var ex = Assert.Throws<ArgumentOutOfRangeException>(() => new BoundedCache<string, int>(capacity));
            Assert.Contains("at least one entry", ex.Message);
        }

        [Fact]
        public void RejectsNonPositiveTimeToLiveAndNullArguments()
        {
            Assert.Throws<ArgumentOutOfRangeException>(() => new BoundedCacheOptions { TimeToLive = TimeSpan.Zero });
            Assert.Throws<ArgumentOutOfRangeException>(() => new BoundedCacheOptions { TimeToLive = TimeSpan.FromSeconds(-1) });
            Assert.Throws<ArgumentNullException>(() => new BoundedCache<string, int>((BoundedCacheOptions)null!));

            var cache = new BoundedCache<string, int>(4);
            Assert.Throws<ArgumentNullException>(() => cache[null!] = 1);
            Assert.Throws<ArgumentNullException>(() => cache.TryGetValue(null!, out _));
            Assert.Throws<ArgumentNullException>(() => cache.GetOrAdd("a", (Func<string, int>)null!));
            Assert.Throws<ArgumentNullException>(() => cache.AddOrUpdate("a", 1, null!));
            Assert.Empty(cache);
        }

        // ---------------------------------------------------------------- capacity and eviction order

        [Fact]
        public void NeverHoldsMoreThanCapacity()
        {
            var cache = new BoundedCache<int, int>(10);
            for (var i = 0; i < 1000; i++)
            {
                cache[i] = i;
                Assert.True(cache.Count <= 10);
            }

            Assert.Equal(10, cache.Count);
            Assert.Equal(990, cache.GetStatistics().Evictions);
        }

        [Fact]
        public void Sieve_EvictsTheFirstUnvisitedEntryFromTheHand_AndKeepsVisitedOnes()
        {
            var cache = new BoundedCache<string, int>(3);
            cache["a"] = 1;
            cache["b"] = 2;
            cache["c"] = 3;
            Assert.True(cache.TryGetValue("a", out _)); // a visited

            cache["d"] = 4; // hand starts at the oldest: a is visited (cleared, kept), b is not: b goes
            Assert.Equal(new[] { "a", "c", "d" }, cache.DescribeQueue().OldestFirst);
            Assert.Equal("c", cache.DescribeQueue().Hand);

            cache["e"] = 5; // hand at c, unvisited: c goes
            Assert.Equal(new[] { "a", "d", "e" }, cache.DescribeQueue().OldestFirst);

            cache["f"] = 6; // hand at d, unvisited: d goes; a stays although it is the oldest (its bit was cleared, not re-set)
            Assert.Equal(new[] { "a", "e", "f" }, cache.DescribeQueue().OldestFirst);

            // New entries nobody reads again go quickly (SIEVE's "quick demotion"): the hand stays just behind the newest
            // entry, and a, once used, waits behind it until the hand comes round.
            cache["g"] = 7;
            cache["h"] = 8;
            cache["i"] = 9;
            Assert.Equal(new[] { "a", "h", "i" }, cache.DescribeQueue().OldestFirst);
            Assert.True(cache.ContainsKey("a"));
        }

        [Fact]
        public void Sieve_WhenEveryEntryIsVisited_ClearsALapAndEvictsWhereItStarted()
        {
            var cache = new BoundedCache<int, int>(3);
            cache[1] = 1;
            cache[2] = 2;
            cache[3] = 3;
            foreach (var key in new[] { 1, 2, 3 })
            {
                Assert.True(cache.TryGetValue(key, out _));
            }

            cache[4] = 4;
            Assert.Equal(new[] { 2, 3, 4 }, cache.DescribeQueue().OldestFirst);
        }

        [Fact]
        public void UpdatingAKey_KeepsItsPlaceAndDoesNotEvict()
        {
            var cache = new BoundedCache<string, int>(2);
            cache["a"] = 1;
            cache["b"] = 2;
            cache["a"] = 10;
            cache.AddOrUpdate("b", 0, (_, v) => v + 1);
            Assert.Equal(new[] { "a", "b" }, cache.DescribeQueue().OldestFirst);
            Assert.Equal(10, cache["a"]);
            Assert.Equal(3, cache["b"]);
            Assert.Equal(0, cache.GetStatistics().Evictions);
        }

        [Fact]
        public void HitRatio_OnAZipfTrace_IsAtLeastLru()
        {
            foreach (var (skew, capacity) in new[] { (0.8, 100), (1.0, 100), (1.0, 1000), (1.2, 500) })
            {
                var trace = CacheWorkloads.Zipf(200_000, 20_000, skew, seed: 42);
                var sieve = CacheWorkloads.BoundedCacheHitRatio(trace, capacity);
                var lru = CacheWorkloads.LruHitRatio(trace, capacity);
                Assert.True(sieve >= lru, $"Zipf({skew}), capacity {capacity}: SIEVE {sieve:P2} < LRU {lru:P2}");
            }
        }

        /// <summary>
        /// Segments keep the policy: each segment evicts by SIEVE within itself, the capacity is shared. Up to 64 segments
        /// (16 entries each at capacity 1,000: the most any machine gets), the hit ratio stays at least LRU's.
        /// </summary>
        [Theory]
        [InlineData(8)]
        [InlineData(64)]
        public void HitRatio_Segmented_OnAZipfTrace_IsAtLeastLru(int segments)
        {
            foreach (var skew in new[] { 0.8, 1.0, 1.2 })
            {
                var trace = CacheWorkloads.Zipf(200_000, 20_000, skew, seed: 42);
                var cache = new BoundedCache<int, int>(new BoundedCacheOptions { Capacity = 1000 }, null, segments);
                var sieve = CacheWorkloads.HitRatio(trace, key =>
                {
                    if (cache.TryGetValue(key, out _))
                    {
                        return true;
                    }

                    cache[key] = key;
                    return false;
                });
                var lru = CacheWorkloads.LruHitRatio(trace, 1000);
                Assert.True(sieve >= lru, $"Zipf({skew}), {segments} segments: SIEVE {sieve:P2} < LRU {lru:P2}");
                Assert.Equal(1000, cache.Count);
            }
        }

        // ---------------------------------------------------------------- time to live

        [Fact]
        public void TimeToLive_ExpiredEntriesAreNeverReturned_AndLeaveOnRead()
        {
            var clock = new ManualTimeProvider();
            var cache = new BoundedCache<string, string>(new BoundedCacheOptions { Capacity = 10, TimeToLive = TimeSpan.FromMinutes(5), TimeProvider = clock });
            cache["alice"] = "profile-a";

            clock.Advance(TimeSpan.FromMinutes(4));
            Assert.Equal("profile-a", cache["alice"]);
            cache["bob"] = "profile-b";

            clock.Advance(TimeSpan.FromMinutes(1)); // alice's 5 minutes are up; bob has 1 left
            Assert.False(cache.TryGetValue("alice", out _));
            Assert.False(cache.ContainsKey("alice"));
            Assert.Throws<KeyNotFoundException>(() => cache["alice"]);
            Assert.True(cache.ContainsKey("bob"));
            Assert.Equal("bob", Assert.Single(cache.Keys));
            Assert.Equal(1, cache.GetStatistics().Count);

            Assert.Equal("fresh", cache.GetOrAdd("alice", "fresh"));
            Assert.True(cache.TryAdd("carol", "c"));
            clock.Advance(TimeSpan.FromMinutes(5));
            Assert.Empty(cache);
            Assert.True(cache.TryAdd("bob", "again")); // an expired entry does not block TryAdd
            Assert.Equal(1, cache.GetStatistics().Expirations);
        }

        [Fact]
        public void TimeToLive_EvictionTakesExpiredEntriesFirst()
        {
            var clock = new ManualTimeProvider();
            var cache = new BoundedCache<int, int>(new BoundedCacheOptions { Capacity = 2, TimeToLive = TimeSpan.FromSeconds(10), TimeProvider = clock });
            cache[1] = 1;
            clock.Advance(TimeSpan.FromSeconds(6));
            cache[2] = 2;
            clock.Advance(TimeSpan.FromSeconds(6)); // 1 expired, 2 live
            cache[3] = 3;
            Assert.Equal(new[] { 2, 3 }, cache.DescribeQueue().OldestFirst);
            var stats = cache.GetStatistics();
            Assert.Equal(0, stats.Evictions);
            Assert.Equal(1, stats.Expirations);
        }

        // ---------------------------------------------------------------- statistics and metrics

        [Fact]
        public void Statistics_CountHitsMissesAndEvictions()
        {
            var untracked = new BoundedCache<int, int>(1);
            untracked.TryGetValue(1, out _);
            untracked[1] = 1;
            untracked[2] = 2;
            untracked.TryGetValue(2, out _);
            Assert.Equal((0L, 0L, 1L), (untracked.GetStatistics().Hits, untracked.GetStatistics().Misses, untracked.GetStatistics().Evictions));

            var cache = new BoundedCache<int, int>(new BoundedCacheOptions { Capacity = 2, TrackStatistics = true });
            Assert.False(cache.TryGetValue(1, out _));
            cache.GetOrAdd(1, k => k);
            cache.GetOrAdd(1, k => k);
            Assert.Equal(1, cache[1]);
            Assert.True(cache.ContainsKey(1)); // neither a hit nor a miss
            cache[2] = 2;
            cache[3] = 3;

            var stats = cache.GetStatistics();
            Assert.Equal(2, stats.Hits);
            Assert.Equal(2, stats.Misses);
            Assert.Equal(1, stats.Evictions);
            Assert.Equal(2, stats.Count);
            Assert.Equal(0.5, stats.HitRatio);
            Assert.Contains("2 hits", stats.ToString());
        }

        [Fact]
        public void Metrics_NamedCachesPublishTheirCountersTaggedWithTheirName()
        {
            var name = "profiles-" + Guid.NewGuid().ToString("N");
            var cache = new BoundedCache<string, int>(new BoundedCacheOptions { Capacity = 1, Name = name });
            cache["a"] = 1;
            cache.TryGetValue("a", out _);
            cache.TryGetValue("zzz", out _);
            cache["b"] = 2; // evicts a

            var seen = new ConcurrentDictionary<string, long>();
            using var listener = new MeterListener();
            listener.InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Name == "Steadfast.BoundedCache")
                {
                    l.EnableMeasurementEvents(instrument);
                }
            };
            listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
            {
                foreach (var tag in tags)
                {
                    if (tag.Key == "cache.name" && (string?)tag.Value == name)
                    {
                        seen[instrument.Name] = value;
                    }
                }
            });
            listener.Start();
            listener.RecordObservableInstruments();

            Assert.Equal(1, seen["steadfast.cache.hits"]);
            Assert.Equal(1, seen["steadfast.cache.misses"]);
            Assert.Equal(1, seen["steadfast.cache.evictions"]);
            Assert.Equal(0, seen["steadfast.cache.expirations"]);
            Assert.Equal(1, seen["steadfast.cache.entries"]);
            GC.KeepAlive(cache);
        }

        // ---------------------------------------------------------------- parity with Dictionary and ConcurrentDictionary

        /// <summary>
        /// Every member the SF4001 fix relies on, driven by one random script against both a Dictionary (or a
        /// ConcurrentDictionary for its own members) and a cache too large to evict: same results, same exception types.
        /// </summary>
        [Theory]
        [InlineData(1)]
        [InlineData(2)]
        [InlineData(3)]
        public void Parity_WithDictionaryAndConcurrentDictionary(int seed)
        {
            var random = new Random(seed);
            var dictionary = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
            var concurrent = new ConcurrentDictionary<string, int>(StringComparer.OrdinalIgnoreCase);
            var cache = new BoundedCache<string, int>(10_000, StringComparer.OrdinalIgnoreCase);
            IDictionary<string, int> asDictionary = cache;
            IReadOnlyDictionary<string, int> asReadOnly = cache;

            string Key() => random.Next(2) == 0 ? "k" + random.Next(40) : "K" + random.Next(40);

            for (var step = 0; step < 4000; step++)
            {
                var key = Key();
                var value = random.Next(100);
                var op = random.Next(20);
                switch (op)
                {
                    case 0: Same(() => dictionary[key] = value, () => cache[key] = value, () => concurrent[key] = value); break;
                    case 1: Same(() => dictionary[key], () => cache[key], () => concurrent[key]); break;
                    case 2: Same(() => dictionary.TryGetValue(key, out var v) ? v : -1, () => cache.TryGetValue(key, out var v) ? v : -1, () => concurrent.TryGetValue(key, out var v) ? v : -1); break;
                    case 3: Same(() => dictionary.ContainsKey(key), () => cache.ContainsKey(key), () => concurrent.ContainsKey(key)); break;
                    case 4: Same(() => { dictionary.Add(key, value); return 0; }, () => { cache.Add(key, value); return 0; }, () => concurrent.TryAdd(key, value) ? 0 : throw new ArgumentException()); break;
                    case 5: Same(() => dictionary.TryAdd(key, value), () => cache.TryAdd(key, value), () => concurrent.TryAdd(key, value)); break;
                    case 6: Same(() => dictionary.Remove(key), () => cache.Remove(key), () => concurrent.TryRemove(key, out _)); break;
                    case 7: Same(() => dictionary.Remove(key, out var v) ? v : -1, () => cache.Remove(key, out var v) ? v : -1, () => concurrent.TryRemove(key, out var v) ? v : -1); break;
                    case 8: Same(() => dictionary.GetValueOrDefault(key, -1), () => cache.GetValueOrDefault(key, -1), () => concurrent.GetValueOrDefault(key, -1)); break;
                    case 9: Same(() => Dict(dictionary, () => concurrent.GetOrAdd(key, value)), () => cache.GetOrAdd(key, value), () => concurrent.GetOrAdd(key, value)); break;
                    case 10: Same(() => Dict(dictionary, () => concurrent.GetOrAdd(key, k => k.Length + value)), () => cache.GetOrAdd(key, k => k.Length + value), null); break;
                    case 11: Same(() => Dict(dictionary, () => concurrent.GetOrAdd(key, (k, a) => k.Length * a, value)), () => cache.GetOrAdd(key, (k, a) => k.Length * a, value), null); break;
                    case 12: Same(() => Dict(dictionary, () => concurrent.AddOrUpdate(key, value, (_, old) => old + value)), () => cache.AddOrUpdate(key, value, (_, old) => old + value), null); break;
                    case 13: Same(() => Dict(dictionary, () => concurrent.AddOrUpdate(key, _ => value, (_, old) => old - 1)), () => cache.AddOrUpdate(key, _ => value, (_, old) => old - 1), null); break;
                    case 14: Same(() => Dict(dictionary, () => concurrent.TryUpdate(key, value, value % 3) ? 1 : 0), () => cache.TryUpdate(key, value, value % 3) ? 1 : 0, null); break;
                    case 15: Same(() => Dict(dictionary, () => concurrent.TryRemove(new KeyValuePair<string, int>(key, value)) ? 1 : 0), () => cache.TryRemove(new KeyValuePair<string, int>(key, value)) ? 1 : 0, null); break;
                    case 16: Same(() => dictionary.Count, () => cache.Count, () => concurrent.Count); break;
                    case 17: Same(() => Sorted(dictionary), () => Sorted(cache), () => Sorted(concurrent)); break;
                    case 18: Same(() => Sorted(dictionary.Keys) + Sorted(dictionary.Values), () => Sorted(asDictionary.Keys) + Sorted(asReadOnly.Values), () => Sorted(concurrent.Keys) + Sorted(concurrent.Values)); break;
                    case 19 when random.Next(50) == 0: Same(() => { dictionary.Clear(); return 0; }, () => { cache.Clear(); return 0; }, () => { concurrent.Clear(); return 0; }); break;
                    default: Same(() => dictionary.ContainsValue(value), () => cache.ContainsValue(value), null); break;
                }
            }

            Assert.Equal(Sorted(dictionary), Sorted(cache.ToArray()));
            Assert.Equal(dictionary.Count, cache.Count);
            Assert.Equal(dictionary.Count == 0, cache.IsEmpty);

            // The ConcurrentDictionary-only members are driven on a mirror of the dictionary: keep the two equal.
            int Dict(Dictionary<string, int> d, Func<int> onConcurrent)
            {
                var result = onConcurrent();
                d.Clear();
                foreach (var pair in concurrent)
                {
                    d[pair.Key] = pair.Value;
                }

                return result;
            }
        }

        [Fact]
        public void Parity_CollectionInterfacesAndCollectionInitializer()
        {
            var cache = new BoundedCache<string, int>(8) { { "a", 1 }, { "b", 2 } };
            Assert.Equal(7, new BoundedCache<string, int>(8) { ["x"] = 7 }["x"]);
            ICollection<KeyValuePair<string, int>> collection = cache;
            Assert.False(collection.IsReadOnly);
            Assert.Contains(new KeyValuePair<string, int>("a", 1), collection);
            Assert.DoesNotContain(new KeyValuePair<string, int>("a", 2), collection);
            Assert.False(collection.Remove(new KeyValuePair<string, int>("a", 2)));
            Assert.True(collection.Remove(new KeyValuePair<string, int>("a", 1)));
            collection.Add(new KeyValuePair<string, int>("c", 3));
            Assert.Throws<ArgumentException>(() => collection.Add(new KeyValuePair<string, int>("c", 4)));

            var array = new KeyValuePair<string, int>[3];
            collection.CopyTo(array, 1);
            Assert.Equal(new[] { "b", "c" }, array.Skip(1).Select(p => p.Key).OrderBy(k => k));
            Assert.Throws<ArgumentException>(() => collection.CopyTo(new KeyValuePair<string, int>[2], 1));
            Assert.Equal(5, cache.Sum(p => p.Value)); // LINQ over the enumeration
        }

        // ---------------------------------------------------------------- concurrency

        [Fact]
        public async Task Stress_EightThreads_CapacityNeverExceeded_AndTheQueueMatchesTheIndex()
        {
            const int capacity = 64;
            var cache = new BoundedCache<int, int>(capacity);
            var maxSeen = 0;
            using var done = new CancellationTokenSource();
            var sampler = Task.Factory.StartNew(
                () =>
                {
                    while (!done.IsCancellationRequested)
                    {
                        var count = cache.Count;
                        if (count > Volatile.Read(ref maxSeen))
                        {
                            Volatile.Write(ref maxSeen, count);
                        }
                    }
                },
                TaskCreationOptions.LongRunning);
            SpinWait.SpinUntil(() => sampler.Status == TaskStatus.Running);

            var workers = Enumerable.Range(0, 8).Select(t => Task.Run(() =>
            {
                var random = new Random(t);
                for (var i = 0; i < 100_000; i++)
                {
                    var key = random.Next(1000);
                    switch (random.Next(8))
                    {
                        case 0: cache[key] = i; break;
                        case 1: cache.GetOrAdd(key, k => k); break;
                        case 2: cache.AddOrUpdate(key, 1, (_, v) => v + 1); break;
                        case 3: cache.TryRemove(key, out _); break;
                        case 4: cache.TryAdd(key, i); break;
                        case 5 when i % 1000 == 0: cache.Clear(); break;
                        default: cache.TryGetValue(key, out _); break;
                    }

                    if (cache.Count > capacity)
                    {
                        throw new InvalidOperationException($"Count {cache.Count} > capacity {capacity}");
                    }
                }
            })).ToArray();

            await Task.WhenAll(workers);
            done.Cancel();
            await sampler;

            Assert.InRange(maxSeen, 1, capacity);
            var (queue, _) = cache.DescribeQueue();
            Assert.Equal(queue.Count, queue.Distinct().Count());
            Assert.Equal(queue.OrderBy(k => k), cache.Keys.OrderBy(k => k));
            Assert.Equal(queue.Count, cache.Count);
        }

        /// <summary>
        /// The segmented write path: 8 segments of a 64-entry cache (8 entries each on average), 8 threads over 1,000 keys, so
        /// that segments fill unevenly, a full cache often meets an empty segment and evicts from another one. The capacity is
        /// one number for the whole cache: never exceeded, reached once enough keys were added, and the segments' queues
        /// always match the index.
        /// </summary>
        [Theory]
        [InlineData(8)]
        [InlineData(64)]
        public async Task Stress_EightThreads_Segmented_CapacityNeverExceeded_AndTheQueuesMatchTheIndex(int segments)
        {
            const int capacity = 64;
            var cache = new BoundedCache<int, int>(new BoundedCacheOptions { Capacity = capacity }, comparer: null, segments);
            Assert.Equal(segments, cache.SegmentCountForTests);
            var maxSeen = 0;
            using var done = new CancellationTokenSource();
            var sampler = Task.Factory.StartNew(
                () =>
                {
                    while (!done.IsCancellationRequested)
                    {
                        var count = cache.Count;
                        if (count > Volatile.Read(ref maxSeen))
                        {
                            Volatile.Write(ref maxSeen, count);
                        }
                    }
                },
                TaskCreationOptions.LongRunning);
            SpinWait.SpinUntil(() => sampler.Status == TaskStatus.Running);

            var workers = Enumerable.Range(0, 8).Select(t => Task.Run(() =>
            {
                var random = new Random(100 + t);
                for (var i = 0; i < 100_000; i++)
                {
                    var key = random.Next(1000);
                    switch (random.Next(10))
                    {
                        case 0: cache[key] = i; break;
                        case 1: cache.GetOrAdd(key, k => k); break;
                        case 2: cache.AddOrUpdate(key, 1, (_, v) => v + 1); break;
                        case 3: cache.TryRemove(key, out _); break;
                        case 4: cache.TryAdd(key, i); break;
                        case 5 when i % 5000 == 0: cache.Clear(); break;
                        case 6: cache.GetOrAdd(key, (k, a) => k + a, i); break;
                        default: cache.TryGetValue(key, out _); break;
                    }

                    if (cache.Count > capacity)
                    {
                        throw new InvalidOperationException($"Count {cache.Count} > capacity {capacity}");
                    }
                }
            })).ToArray();

            await Task.WhenAll(workers);
            done.Cancel();
            await sampler;

            Assert.InRange(maxSeen, 1, capacity);
            var (queue, _) = cache.DescribeQueue(); // also checks each segment's links and count
            Assert.Equal(queue.Count, queue.Distinct().Count());
            Assert.Equal(queue.OrderBy(k => k), cache.Keys.OrderBy(k => k));
            Assert.Equal(queue.Count, cache.Count);

            // Quiet again: one thread fills it. A full cache evicts one entry per new key, from whichever segment has one,
            // and holds exactly its capacity.
            for (var key = 10_000; key < 10_000 + 4 * capacity; key++)
            {
                cache[key] = key;
                Assert.InRange(cache.Count, 1, capacity);
            }

            Assert.Equal(capacity, cache.Count);
            Assert.Equal(capacity, cache.DescribeQueue().OldestFirst.Count);
        }

        [Fact]
        public void Segments_ChosenByCapacity_AndTheCapacityIsHeldExactlyForTheWholeCache()
        {
            Assert.Equal(1, new BoundedCache<int, int>(3).SegmentCountForTests);
            Assert.Equal(1, new BoundedCache<int, int>(127).SegmentCountForTests);
            var large = new BoundedCache<string, int>(10_000, StringComparer.OrdinalIgnoreCase);
            Assert.InRange(large.SegmentCountForTests, 1, 64);
            Assert.Equal(0, large.SegmentCountForTests & (large.SegmentCountForTests - 1));

            // No eviction while there is room, though keys land in segments unevenly.
            var cache = new BoundedCache<int, int>(new BoundedCacheOptions { Capacity = 1000, TrackStatistics = true }, null, segments: 16);
            for (var i = 0; i < 1000; i++)
            {
                cache[i] = i;
            }

            Assert.Equal(1000, cache.Count);
            Assert.Equal(0, cache.GetStatistics().Evictions);
            for (var i = 1000; i < 3000; i++)
            {
                cache[i] = i;
                Assert.Equal(1000, cache.Count);
            }

            Assert.Equal(2000, cache.GetStatistics().Evictions);
            Assert.Throws<ArgumentOutOfRangeException>(() => new BoundedCache<int, int>(new BoundedCacheOptions(), null, segments: 3));
        }

        [Fact]
        public async Task AddOrUpdate_FromEightThreads_LosesNoUpdate()
        {
            var cache = new BoundedCache<string, int>(16);
            await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() =>
            {
                for (var i = 0; i < 10_000; i++)
                {
                    cache.AddOrUpdate("counter", 1, (_, v) => v + 1);
                }
            })));

            Assert.Equal(80_000, cache["counter"]);
        }

        [Fact]
        public void GetOrAdd_RacingThreadsAllGetTheValueThatWon()
        {
            for (var round = 0; round < 20; round++)
            {
                var cache = new BoundedCache<string, object>(16);
                using var start = new ManualResetEventSlim();
                var results = new object[8];
                var threads = Enumerable.Range(0, 8).Select(i => new Thread(() =>
                {
                    start.Wait();
                    results[i] = cache.GetOrAdd("k", _ => new object());
                })).ToList();
                threads.ForEach(t => t.Start());
                start.Set();
                threads.ForEach(t => t.Join());

                Assert.Single(results.Distinct());
                Assert.Same(results[0], cache["k"]);
            }
        }

        // ---------------------------------------------------------------- helpers

        private static void Same<T>(Func<T> expected, Func<T> actual, Func<T>? concurrent)
        {
            var (expectedValue, expectedError) = Run(expected);
            var (actualValue, actualError) = Run(actual);
            Assert.Equal(expectedError, actualError);
            Assert.Equal(expectedValue, actualValue);
            if (concurrent is not null && expectedError is null)
            {
                var (concurrentValue, _) = Run(concurrent);
                Assert.Equal(expectedValue, concurrentValue);
            }
        }

        private static (T? Value, Type? Error) Run<T>(Func<T> action)
        {
            try
            {
                return (action(), null);
            }
            catch (Exception ex)
            {
                return (default, ex.GetType());
            }
        }

        private static string Sorted<T>(IEnumerable<T> items) => string.Join(",", items.Select(i => i!.ToString()).OrderBy(s => s, StringComparer.Ordinal));
    }
}
