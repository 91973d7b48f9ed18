using System;
using System.Collections.Concurrent;
using System.Threading.Tasks;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using Microsoft.Extensions.Caching.Memory;

namespace Steadfast.Benchmarks
{
    /// <summary>
    /// <see cref="BoundedCache{TKey, TValue}"/> against <see cref="ConcurrentDictionary{TKey, TValue}"/> (unbounded: the
    /// speed to match) and <see cref="MemoryCache"/> with a SizeLimit (the bounded cache people reach for), in the same run.
    /// Aims (SF4001 issue): read hits within 1.5x of ConcurrentDictionary and at least 3x faster than MemoryCache.
    /// Every benchmark does <see cref="Operations"/> operations per invoke; times are per operation.
    /// </summary>
    [MemoryDiagnoser]
    [GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
    [CategoriesColumn]
    public class BoundedCacheBenchmarks
    {
        private const int Operations = 8_192;
        private const int Threads = 8;
        private const int HotKeys = 1_000;
        private const int Capacity = 1_000;
        private const int DistinctKeys = 20_000;

        private static readonly MemoryCacheEntryOptions SizeOne = new MemoryCacheEntryOptions { Size = 1 };

        private string[] _hot = Array.Empty<string>();
        private string[] _zipf = Array.Empty<string>();
        private ConcurrentDictionary<string, string> _dictionary = null!;
        private BoundedCache<string, string> _bounded = null!;
        private BoundedCache<string, string> _boundedTracked = null!;
        private MemoryCache _memory = null!;

        [GlobalSetup]
        public void Setup()
        {
            _hot = new string[Operations];
            for (var i = 0; i < Operations; i++)
            {
                _hot[i] = "user:" + (i % HotKeys);
            }

            var trace = CacheWorkloads.Zipf(Operations, DistinctKeys, 1.0, seed: 7);
            _zipf = Array.ConvertAll(trace, k => "user:" + k);

            // Filled once: read hits find every key; the Zipf runs reach their steady state (the bounded caches full and
            // evicting, the dictionary holding every key it has seen) within the warm-up.
            _dictionary = new ConcurrentDictionary<string, string>();
            _bounded = new BoundedCache<string, string>(Capacity);
            _boundedTracked = new BoundedCache<string, string>(new BoundedCacheOptions { Capacity = Capacity, TrackStatistics = true });
            _memory = new MemoryCache(new MemoryCacheOptions { SizeLimit = Capacity });
            for (var i = 0; i < HotKeys; i++)
            {
                var key = "user:" + i;
                _dictionary[key] = key;
                _bounded[key] = key;
                _boundedTracked[key] = key;
                _memory.Set(key, key, SizeOne);
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

        // ------------------------------------------------------------ read hits, 8 threads

        [Benchmark(Baseline = true, OperationsPerInvoke = Operations), BenchmarkCategory("read hit, 8 threads")]
        public void ReadHit8_ConcurrentDictionary() => Parallel8(i => ReadAll(_hot, i, Operations / Threads, static (c, k) => ((ConcurrentDictionary<string, string>)c).TryGetValue(k, out _), _dictionary));

        [Benchmark(OperationsPerInvoke = Operations), BenchmarkCategory("read hit, 8 threads")]
        public void ReadHit8_BoundedCache() => Parallel8(i => ReadAll(_hot, i, Operations / Threads, static (c, k) => ((BoundedCache<string, string>)c).TryGetValue(k, out _), _bounded));

        [Benchmark(OperationsPerInvoke = Operations), BenchmarkCategory("read hit, 8 threads")]
        public void ReadHit8_BoundedCache_TrackStatistics() => Parallel8(i => ReadAll(_hot, i, Operations / Threads, static (c, k) => ((BoundedCache<string, string>)c).TryGetValue(k, out _), _boundedTracked));

        [Benchmark(OperationsPerInvoke = Operations), BenchmarkCategory("read hit, 8 threads")]
        public void ReadHit8_MemoryCache() => Parallel8(i => ReadAll(_hot, i, Operations / Threads, static (c, k) => ((MemoryCache)c).TryGetValue(k, out _), _memory));

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
            }
        }

        // ------------------------------------------------------------ Zipf(1.0) over 20,000 keys, capacity 1,000: look up, store on a miss

        [Benchmark(Baseline = true, OperationsPerInvoke = Operations), BenchmarkCategory("Zipf mixed, 1 thread")]
        public int Zipf_ConcurrentDictionary_Unbounded() => ReadAll(_zipf, 0, Operations, static (c, k) => ((ConcurrentDictionary<string, string>)c).GetOrAdd(k, k) is not null, _dictionary);

        [Benchmark(OperationsPerInvoke = Operations), BenchmarkCategory("Zipf mixed, 1 thread")]
        public int Zipf_BoundedCache() => ReadAll(_zipf, 0, Operations, static (c, k) => ((BoundedCache<string, string>)c).GetOrAdd(k, k) is not null, _bounded);

        [Benchmark(OperationsPerInvoke = Operations), BenchmarkCategory("Zipf mixed, 1 thread")]
        public int Zipf_MemoryCache() => ReadAll(_zipf, 0, Operations, static (c, k) => LookupOrStore((MemoryCache)c, k), _memory);

        [Benchmark(Baseline = true, OperationsPerInvoke = Operations), BenchmarkCategory("Zipf mixed, 8 threads")]
        public void Zipf8_ConcurrentDictionary_Unbounded() => Parallel8(i => ReadAll(_zipf, i, Operations / Threads, static (c, k) => ((ConcurrentDictionary<string, string>)c).GetOrAdd(k, k) is not null, _dictionary));

        [Benchmark(OperationsPerInvoke = Operations), BenchmarkCategory("Zipf mixed, 8 threads")]
        public void Zipf8_BoundedCache() => Parallel8(i => ReadAll(_zipf, i, Operations / Threads, static (c, k) => ((BoundedCache<string, string>)c).GetOrAdd(k, k) is not null, _bounded));

        [Benchmark(OperationsPerInvoke = Operations), BenchmarkCategory("Zipf mixed, 8 threads")]
        public void Zipf8_MemoryCache() => Parallel8(i => ReadAll(_zipf, i, Operations / Threads, static (c, k) => LookupOrStore((MemoryCache)c, k), _memory));

        private static bool LookupOrStore(MemoryCache cache, string key)
        {
            if (cache.TryGetValue(key, out _))
            {
                return true;
            }

            cache.Set(key, key, SizeOne);
            return false;
        }

        /// <summary>Strided so that each of the 8 workers walks its own share of the same key sequence.</summary>
        private static int ReadAll(string[] keys, int offset, int count, Func<object, string, bool> op, object cache)
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

        private static void Parallel8(Action<int> worker)
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
}
