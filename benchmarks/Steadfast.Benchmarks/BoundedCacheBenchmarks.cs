using System;
using System.Collections.Concurrent;
using System.Threading.Tasks;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BitFaster.Caching.Lfu;
using BitFaster.Caching.Lru;
using Microsoft.Extensions.Caching.Memory;

namespace Steadfast.Benchmarks
{
    /// <summary>
    /// <see cref="BoundedCache{TKey, TValue}"/> against <see cref="ConcurrentDictionary{TKey, TValue}"/> (unbounded: the
    /// speed to match), <see cref="MemoryCache"/> with a SizeLimit (the bounded cache people reach for) and BitFaster.Caching's
    /// <see cref="ConcurrentLru{K, V}"/> and <see cref="ConcurrentLfu{K, V}"/> (what a .NET team picks for a fast bounded
    /// cache), in the same run. Aims (SF4001 issue): read hits within 1.5x of ConcurrentDictionary and at least 3x faster
    /// than MemoryCache; (performance issue) no slower than ConcurrentLru. The Zipf workloads with eviction are in
    /// <see cref="BoundedCacheZipfBenchmarks"/>. Every benchmark does <see cref="Operations"/> operations per invoke; times
    /// are per operation.
    /// </summary>
    [MemoryDiagnoser]
    [GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
    [CategoriesColumn]
    public class BoundedCacheBenchmarks
    {
        private const int Operations = 8_192;
        internal const int Threads = 8;
        private const int HotKeys = 1_000;
        private const int Capacity = 1_000;

        internal static readonly MemoryCacheEntryOptions SizeOne = new MemoryCacheEntryOptions { Size = 1 };

        private string[] _hot = Array.Empty<string>();
        private ConcurrentDictionary<string, string> _dictionary = null!;
        private BoundedCache<string, string> _bounded = null!;
        private BoundedCache<string, string> _boundedTracked = null!;
        private MemoryCache _memory = null!;
        private ConcurrentLru<string, string> _lru = null!;
        private ConcurrentLfu<string, string> _lfu = null!;

        [GlobalSetup]
        public void Setup()
        {
            _hot = new string[Operations];
            for (var i = 0; i < Operations; i++)
            {
                _hot[i] = "user:" + (i % HotKeys);
            }

            // Filled once: read hits find every key.
            _dictionary = new ConcurrentDictionary<string, string>();
            _bounded = new BoundedCache<string, string>(Capacity);
            _boundedTracked = new BoundedCache<string, string>(new BoundedCacheOptions { Capacity = Capacity, TrackStatistics = true });
            _memory = new MemoryCache(new MemoryCacheOptions { SizeLimit = Capacity });
            _lru = new ConcurrentLru<string, string>(Capacity);
            _lfu = new ConcurrentLfu<string, string>(Capacity);
            for (var i = 0; i < HotKeys; i++)
            {
                var key = "user:" + i;
                _dictionary[key] = key;
                _bounded[key] = key;
                _boundedTracked[key] = key;
                _memory.Set(key, key, SizeOne);
                _lru.AddOrUpdate(key, key);
                _lfu.AddOrUpdate(key, key);
            }
        }

        [GlobalCleanup]
        public void Cleanup() => _memory.Dispose();

        // ------------------------------------------------------------ read hits, one thread

        [Benchmark(Baseline = true, OperationsPerInvoke = Operations), BenchmarkCategory("read hit, 1 thread")]
        public int ReadHit_ConcurrentDictionary()
        {
            var found = 0;
            foreach (var key in _hot)
            {
                found += _dictionary.TryGetValue(key, out _) ? 1 : 0;
            }

            return found;
        }

        [Benchmark(OperationsPerInvoke = Operations), BenchmarkCategory("read hit, 1 thread")]
        public int ReadHit_BoundedCache()
        {
            var found = 0;
            foreach (var key in _hot)
            {
                found += _bounded.TryGetValue(key, out _) ? 1 : 0;
            }

            return found;
        }

        [Benchmark(OperationsPerInvoke = Operations), BenchmarkCategory("read hit, 1 thread")]
        public int ReadHit_BoundedCache_TrackStatistics()
        {
            var found = 0;
            foreach (var key in _hot)
            {
                found += _boundedTracked.TryGetValue(key, out _) ? 1 : 0;
            }

            return found;
        }

        [Benchmark(OperationsPerInvoke = Operations), BenchmarkCategory("read hit, 1 thread")]
        public int ReadHit_MemoryCache()
        {
            var found = 0;
            foreach (var key in _hot)
            {
                found += _memory.TryGetValue(key, out _) ? 1 : 0;
            }

            return found;
        }

        [Benchmark(OperationsPerInvoke = Operations), BenchmarkCategory("read hit, 1 thread")]
        public int ReadHit_ConcurrentLru()
        {
            var found = 0;
            foreach (var key in _hot)
            {
                found += _lru.TryGet(key, out _) ? 1 : 0;
            }

            return found;
        }

        [Benchmark(OperationsPerInvoke = Operations), BenchmarkCategory("read hit, 1 thread")]
        public int ReadHit_ConcurrentLfu()
        {
            var found = 0;
            foreach (var key in _hot)
            {
                found += _lfu.TryGet(key, out _) ? 1 : 0;
            }

            return found;
        }

        // ------------------------------------------------------------ read hits, 8 threads

        [Benchmark(Baseline = true, OperationsPerInvoke = Operations), BenchmarkCategory("read hit, 8 threads")]
        public void ReadHit8_ConcurrentDictionary() => Parallel8(i => ReadAll(_hot, i, Operations / Threads, static (c, k) => ((ConcurrentDictionary<string, string>)c).TryGetValue(k, out _), _dictionary));

        [Benchmark(OperationsPerInvoke = Operations), BenchmarkCategory("read hit, 8 threads")]
        public void ReadHit8_BoundedCache() => Parallel8(i => ReadAll(_hot, i, Operations / Threads, static (c, k) => ((BoundedCache<string, string>)c).TryGetValue(k, out _), _bounded));

        [Benchmark(OperationsPerInvoke = Operations), BenchmarkCategory("read hit, 8 threads")]
        public void ReadHit8_BoundedCache_TrackStatistics() => Parallel8(i => ReadAll(_hot, i, Operations / Threads, static (c, k) => ((BoundedCache<string, string>)c).TryGetValue(k, out _), _boundedTracked));

        [Benchmark(OperationsPerInvoke = Operations), BenchmarkCategory("read hit, 8 threads")]
        public void ReadHit8_MemoryCache() => Parallel8(i => ReadAll(_hot, i, Operations / Threads, static (c, k) => ((MemoryCache)c).TryGetValue(k, out _), _memory));

        [Benchmark(OperationsPerInvoke = Operations), BenchmarkCategory("read hit, 8 threads")]
        public void ReadHit8_ConcurrentLru() => Parallel8(i => ReadAll(_hot, i, Operations / Threads, static (c, k) => ((ConcurrentLru<string, string>)c).TryGet(k, out _), _lru));

        [Benchmark(OperationsPerInvoke = Operations), BenchmarkCategory("read hit, 8 threads")]
        public void ReadHit8_ConcurrentLfu() => Parallel8(i => ReadAll(_hot, i, Operations / Threads, static (c, k) => ((ConcurrentLfu<string, string>)c).TryGet(k, out _), _lfu));

        // ------------------------------------------------------------ writes (overwrite of present keys), one thread

        [Benchmark(Baseline = true, OperationsPerInvoke = Operations), BenchmarkCategory("write, 1 thread")]
        public void Write_ConcurrentDictionary()
        {
            foreach (var key in _hot)
            {
                _dictionary[key] = key;
            }
        }

        [Benchmark(OperationsPerInvoke = Operations), BenchmarkCategory("write, 1 thread")]
        public void Write_BoundedCache()
        {
            foreach (var key in _hot)
            {
                _bounded[key] = key;
            }
        }

        [Benchmark(OperationsPerInvoke = Operations), BenchmarkCategory("write, 1 thread")]
        public void Write_MemoryCache()
        {
            foreach (var key in _hot)
            {
                _memory.Set(key, key, SizeOne);
                _lru.AddOrUpdate(key, key);
                _lfu.AddOrUpdate(key, key);
            }
        }

        [Benchmark(OperationsPerInvoke = Operations), BenchmarkCategory("write, 1 thread")]
        public void Write_ConcurrentLru()
        {
            foreach (var key in _hot)
            {
                _lru.AddOrUpdate(key, key);
            }
        }

        [Benchmark(OperationsPerInvoke = Operations), BenchmarkCategory("write, 1 thread")]
        public void Write_ConcurrentLfu()
        {
            foreach (var key in _hot)
            {
                _lfu.AddOrUpdate(key, key);
            }
        }

        internal static bool LookupOrStore(MemoryCache cache, string key)
        {
            if (cache.TryGetValue(key, out _))
            {
                return true;
            }

            cache.Set(key, key, SizeOne);
            return false;
        }

        /// <summary>Strided so that each of the 8 workers walks its own share of the same key sequence.</summary>
        internal static int ReadAll(string[] keys, int offset, int count, Func<object, string, bool> op, object cache)
        {
            var found = 0;
            var stride = count == keys.Length ? 1 : Threads;
            for (int i = offset, n = 0; n < count; i += stride, n++)
            {
                if (op(cache, keys[i]))
                {
                    found++;
                }
            }

            return found;
        }

        internal static void Parallel8(Action<int> worker)
        {
            var tasks = new Task[Threads];
            for (var t = 0; t < Threads; t++)
            {
                var id = t;
                tasks[t] = Task.Factory.StartNew(() => worker(id), default, TaskCreationOptions.None, TaskScheduler.Default);
            }

            Task.WaitAll(tasks);
        }
    }

    /// <summary>
    /// Zipf traces over 20,000 keys through caches of capacity 1,000 (the bounded ones full and evicting): look a key up and
    /// store it on a miss, on one thread and on 8, for skews 0.8, 1.0 and 1.2. <see cref="ConcurrentDictionary{TKey, TValue}"/>
    /// is unbounded (it keeps every key: all hits once warm), the speed of doing no eviction at all;
    /// "GlobalLock" is the same <see cref="BoundedCache{TKey, TValue}"/> with one segment: one lock, one queue, as it was before its segments.
    /// </summary>
    [MemoryDiagnoser]
    [GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory, BenchmarkLogicalGroupRule.ByParams)]
    [CategoriesColumn]
    public class BoundedCacheZipfBenchmarks
    {
        private const int Operations = 65_536;
        private const int Capacity = 1_000;
        private const int DistinctKeys = 20_000;
        private const int Threads = BoundedCacheBenchmarks.Threads;

        private string[] _zipf = Array.Empty<string>();
        private ConcurrentDictionary<string, string> _dictionary = null!;
        private BoundedCache<string, string> _bounded = null!;
        private BoundedCache<string, string> _globalLock = null!;
        private MemoryCache _memory = null!;
        private ConcurrentLru<string, string> _lru = null!;
        private ConcurrentLfu<string, string> _lfu = null!;

        /// <summary>The Zipf skew: key k has weight 1/(k+1)^Skew.</summary>
        [Params(0.8, 1.0, 1.2)]
        public double Skew { get; set; }

        [GlobalSetup]
        public void Setup()
        {
            var trace = CacheWorkloads.Zipf(Operations, DistinctKeys, Skew, seed: 7);
            _zipf = Array.ConvertAll(trace, k => "user:" + k);
            _dictionary = new ConcurrentDictionary<string, string>();
            _bounded = new BoundedCache<string, string>(Capacity);
            _globalLock = new BoundedCache<string, string>(new BoundedCacheOptions { Capacity = Capacity }, comparer: null, segments: 1);
            _memory = new MemoryCache(new MemoryCacheOptions { SizeLimit = Capacity });
            _lru = new ConcurrentLru<string, string>(Capacity);
            _lfu = new ConcurrentLfu<string, string>(Capacity);
        }

        [GlobalCleanup]
        public void Cleanup() => _memory.Dispose();

        [Benchmark(Baseline = true, OperationsPerInvoke = Operations), BenchmarkCategory("Zipf mixed, 1 thread")]
        public int Zipf_ConcurrentDictionary_Unbounded() => BoundedCacheBenchmarks.ReadAll(_zipf, 0, Operations, static (c, k) => ((ConcurrentDictionary<string, string>)c).GetOrAdd(k, k) is not null, _dictionary);

        [Benchmark(OperationsPerInvoke = Operations), BenchmarkCategory("Zipf mixed, 1 thread")]
        public int Zipf_BoundedCache() => BoundedCacheBenchmarks.ReadAll(_zipf, 0, Operations, static (c, k) => ((BoundedCache<string, string>)c).GetOrAdd(k, k) is not null, _bounded);

        [Benchmark(OperationsPerInvoke = Operations), BenchmarkCategory("Zipf mixed, 1 thread")]
        public int Zipf_BoundedCacheGlobalLock() => BoundedCacheBenchmarks.ReadAll(_zipf, 0, Operations, static (c, k) => ((BoundedCache<string, string>)c).GetOrAdd(k, k) is not null, _globalLock);

        [Benchmark(OperationsPerInvoke = Operations), BenchmarkCategory("Zipf mixed, 1 thread")]
        public int Zipf_MemoryCache() => BoundedCacheBenchmarks.ReadAll(_zipf, 0, Operations, static (c, k) => BoundedCacheBenchmarks.LookupOrStore((MemoryCache)c, k), _memory);

        [Benchmark(OperationsPerInvoke = Operations), BenchmarkCategory("Zipf mixed, 1 thread")]
        public int Zipf_ConcurrentLru() => BoundedCacheBenchmarks.ReadAll(_zipf, 0, Operations, static (c, k) => ((ConcurrentLru<string, string>)c).GetOrAdd(k, static k => k) is not null, _lru);

        [Benchmark(OperationsPerInvoke = Operations), BenchmarkCategory("Zipf mixed, 1 thread")]
        public int Zipf_ConcurrentLfu() => BoundedCacheBenchmarks.ReadAll(_zipf, 0, Operations, static (c, k) => ((ConcurrentLfu<string, string>)c).GetOrAdd(k, static k => k) is not null, _lfu);

        [Benchmark(Baseline = true, OperationsPerInvoke = Operations), BenchmarkCategory("Zipf mixed, 8 threads")]
        public void Zipf8_ConcurrentDictionary_Unbounded() => BoundedCacheBenchmarks.Parallel8(i => BoundedCacheBenchmarks.ReadAll(_zipf, i, Operations / Threads, static (c, k) => ((ConcurrentDictionary<string, string>)c).GetOrAdd(k, k) is not null, _dictionary));

        [Benchmark(OperationsPerInvoke = Operations), BenchmarkCategory("Zipf mixed, 8 threads")]
        public void Zipf8_BoundedCache() => BoundedCacheBenchmarks.Parallel8(i => BoundedCacheBenchmarks.ReadAll(_zipf, i, Operations / Threads, static (c, k) => ((BoundedCache<string, string>)c).GetOrAdd(k, k) is not null, _bounded));

        [Benchmark(OperationsPerInvoke = Operations), BenchmarkCategory("Zipf mixed, 8 threads")]
        public void Zipf8_BoundedCacheGlobalLock() => BoundedCacheBenchmarks.Parallel8(i => BoundedCacheBenchmarks.ReadAll(_zipf, i, Operations / Threads, static (c, k) => ((BoundedCache<string, string>)c).GetOrAdd(k, k) is not null, _globalLock));

        [Benchmark(OperationsPerInvoke = Operations), BenchmarkCategory("Zipf mixed, 8 threads")]
        public void Zipf8_MemoryCache() => BoundedCacheBenchmarks.Parallel8(i => BoundedCacheBenchmarks.ReadAll(_zipf, i, Operations / Threads, static (c, k) => BoundedCacheBenchmarks.LookupOrStore((MemoryCache)c, k), _memory));

        [Benchmark(OperationsPerInvoke = Operations), BenchmarkCategory("Zipf mixed, 8 threads")]
        public void Zipf8_ConcurrentLru() => BoundedCacheBenchmarks.Parallel8(i => BoundedCacheBenchmarks.ReadAll(_zipf, i, Operations / Threads, static (c, k) => ((ConcurrentLru<string, string>)c).GetOrAdd(k, static k => k) is not null, _lru));

        [Benchmark(OperationsPerInvoke = Operations), BenchmarkCategory("Zipf mixed, 8 threads")]
        public void Zipf8_ConcurrentLfu() => BoundedCacheBenchmarks.Parallel8(i => BoundedCacheBenchmarks.ReadAll(_zipf, i, Operations / Threads, static (c, k) => ((ConcurrentLfu<string, string>)c).GetOrAdd(k, static k => k) is not null, _lfu));
    }
}
