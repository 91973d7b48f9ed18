using BitFaster.Caching.Lfu;
using BitFaster.Caching.Lru;
using BitFaster.Caching.Scheduler;

namespace Steadfast.Benchmarks
{
    /// <summary>
    /// The hit ratios of BitFaster.Caching's caches on a trace, replayed as in <see cref="CacheWorkloads.HitRatio"/>. Kept out
    /// of <see cref="CacheWorkloads"/>, which the test project compiles too: the tests never reference BitFaster.
    /// </summary>
    public static class PeerCaches
    {
        /// <summary><c>ConcurrentLru</c> (BitFaster's pseudo-LRU: hot, warm and cold queues, as in 2Q), capacity as given.</summary>
        public static double ConcurrentLruHitRatio(int[] trace, int capacity)
        {
            var cache = new ConcurrentLru<int, int>(capacity);
            return CacheWorkloads.HitRatio(trace, key =>
            {
                if (cache.TryGet(key, out _))
                {
                    return true;
                }

                cache.AddOrUpdate(key, key);
                return false;
            });
        }

        /// <summary>
        /// <c>ConcurrentLfu</c> (W-TinyLFU), with its maintenance run in line on the caller's thread (ForegroundScheduler) so
        /// that a replay sees the policy itself, not a background thread's lag.
        /// </summary>
        public static double ConcurrentLfuHitRatio(int[] trace, int capacity)
        {
            var cache = new ConcurrentLfu<int, int>(1, capacity, new ForegroundScheduler(), System.Collections.Generic.EqualityComparer<int>.Default);
            return CacheWorkloads.HitRatio(trace, key =>
            {
                if (cache.TryGet(key, out _))
                {
                    return true;
                }

                cache.AddOrUpdate(key, key);
                return false;
            });
        }
    }
}
