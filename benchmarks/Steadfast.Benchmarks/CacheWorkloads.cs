using System;
using System.Collections.Generic;

namespace Steadfast.Benchmarks
{
    /// <summary>Deterministic cache traces, and the plain LRU that <see cref="BoundedCache{TKey, TValue}"/>'s hit ratio is compared with.</summary>
    public static class CacheWorkloads
    {
        /// <summary>
        /// <paramref name="length"/> keys drawn from 0..<paramref name="distinctKeys"/>-1 with Zipf(<paramref name="skew"/>)
        /// popularity (key k has weight 1/(k+1)^skew), shuffled so popularity does not follow key order. Same seed, same trace.
        /// </summary>
        public static int[] Zipf(int length, int distinctKeys, double skew, int seed)
        {
            if (length < 0 || distinctKeys < 1 || skew < 0)
            {
                throw new ArgumentOutOfRangeException(nameof(length));
            }

            var cumulative = new double[distinctKeys];
            double sum = 0;
            for (var k = 0; k < distinctKeys; k++)
            {
                sum += 1.0 / Math.Pow(k + 1, skew);
                cumulative[k] = sum;
            }

            var random = new Random(seed);
            var relabel = new int[distinctKeys];
            for (var i = 0; i < distinctKeys; i++)
            {
                relabel[i] = i;
            }

            for (var i = distinctKeys - 1; i > 0; i--)
            {
                var j = random.Next(i + 1);
                (relabel[i], relabel[j]) = (relabel[j], relabel[i]);
            }

            var trace = new int[length];
            for (var i = 0; i < length; i++)
            {
                var index = Array.BinarySearch(cumulative, random.NextDouble() * sum);
                trace[i] = relabel[Math.Min(index < 0 ? ~index : index, distinctKeys - 1)];
            }

            return trace;
        }

        /// <summary>Replays a trace as "look up; on a miss, store": the hit ratio a cache of this capacity gets.</summary>
        public static double HitRatio(int[] trace, Func<int, bool> lookupOrStore)
        {
            var hits = 0;
            foreach (var key in trace)
            {
                if (lookupOrStore(key))
                {
                    hits++;
                }
            }

            return trace.Length == 0 ? 0 : (double)hits / trace.Length;
        }

        /// <summary>The hit ratio of <see cref="BoundedCache{TKey, TValue}"/> on a trace.</summary>
        public static double BoundedCacheHitRatio(int[] trace, int capacity)
        {
            var cache = new BoundedCache<int, int>(capacity);
            return HitRatio(trace, key =>
            {
                if (cache.TryGetValue(key, out _))
                {
                    return true;
                }

                cache[key] = key;
                return false;
            });
        }

        /// <summary>The hit ratio of a textbook LRU (hash map + linked list, move to front on every hit) on a trace.</summary>
        public static double LruHitRatio(int[] trace, int capacity)
        {
            var lru = new Lru<int, int>(capacity);
            return HitRatio(trace, key =>
            {
                if (lru.TryGet(key, out _))
                {
                    return true;
                }

                lru.Set(key, key);
                return false;
            });
        }

        /// <summary>A textbook LRU: single-threaded, the baseline policy.</summary>
        public sealed class Lru<TKey, TValue>
            where TKey : notnull
        {
            private readonly int _capacity;
            private readonly Dictionary<TKey, LinkedListNode<KeyValuePair<TKey, TValue>>> _map = new Dictionary<TKey, LinkedListNode<KeyValuePair<TKey, TValue>>>();
            private readonly LinkedList<KeyValuePair<TKey, TValue>> _order = new LinkedList<KeyValuePair<TKey, TValue>>();

            public Lru(int capacity) => _capacity = capacity;

            public bool TryGet(TKey key, out TValue value)
            {
                if (_map.TryGetValue(key, out var node))
                {
                    _order.Remove(node);
                    _order.AddFirst(node);
                    value = node.Value.Value;
                    return true;
                }

                value = default!;
                return false;
            }

            public void Set(TKey key, TValue value)
            {
                if (_map.TryGetValue(key, out var node))
                {
                    _order.Remove(node);
                }
                else if (_map.Count >= _capacity)
                {
                    var last = _order.Last!;
                    _order.RemoveLast();
                    _map.Remove(last.Value.Key);
                }

                _map[key] = _order.AddFirst(new KeyValuePair<TKey, TValue>(key, value));
            }
        }
    }
}
