using System;

namespace Steadfast
{
    /// <summary>Settings of a <see cref="BoundedCache{TKey, TValue}"/>.</summary>
    public sealed class BoundedCacheOptions
    {
        /// <summary>The capacity the code fix writes when <c>SF4001.capacity</c> does not say otherwise.</summary>
        public const int DefaultCapacity = 1024;

        private int _capacity = DefaultCapacity;
        private TimeSpan? _timeToLive;

        /// <summary>The most entries the cache ever holds; adding one more evicts one first. Default: 1,024.</summary>
        public int Capacity
        {
            get => _capacity;
            set => _capacity = value > 0 ? value : throw new ArgumentOutOfRangeException(nameof(value), value, "A cache must hold at least one entry.");
        }

        /// <summary>
        /// How long an entry stays valid after it was written; null (the default) keeps entries until they are evicted.
        /// An expired entry is never returned: reads treat it as missing.
        /// </summary>
        public TimeSpan? TimeToLive
        {
            get => _timeToLive;
            set => _timeToLive = value is null || value.Value > TimeSpan.Zero
                ? value
                : throw new ArgumentOutOfRangeException(nameof(value), value, "The time to live must be positive, or null for none.");
        }

        /// <summary>The clock for <see cref="TimeToLive"/>; <see cref="TimeProvider.System"/> when null.</summary>
        public TimeProvider? TimeProvider { get; set; }

        /// <summary>
        /// Count hits and misses (<see cref="BoundedCache{TKey, TValue}.GetStatistics"/> and metrics). Off by default, as on
        /// <c>MemoryCacheOptions.TrackStatistics</c>: counting costs a few nanoseconds on every read. Setting
        /// <see cref="Name"/> turns it on. Evictions and expirations are always counted.
        /// </summary>
        public bool TrackStatistics { get; set; }

        /// <summary>
        /// The cache's name in metrics (meter <c>Steadfast.BoundedCache</c>, tag <c>cache.name</c>, on .NET 8 and later).
        /// Null (the default) publishes no metrics for this cache. Setting a name also turns on <see cref="TrackStatistics"/>.
        /// </summary>
        public string? Name { get; set; }
    }

    /// <summary>A snapshot of a <see cref="BoundedCache{TKey, TValue}"/>'s counters.</summary>
    public readonly struct BoundedCacheStatistics
    {
        internal BoundedCacheStatistics(long hits, long misses, long evictions, long expirations, int count, int capacity)
        {
            Hits = hits;
            Misses = misses;
            Evictions = evictions;
            Expirations = expirations;
            Count = count;
            Capacity = capacity;
        }

        /// <summary>Lookups that found a live entry (<c>TryGetValue</c>, the indexer, <c>GetOrAdd</c>); counted only with <see cref="BoundedCacheOptions.TrackStatistics"/>.</summary>
        public long Hits { get; }

        /// <summary>Lookups that found nothing, or only an expired entry; counted only with <see cref="BoundedCacheOptions.TrackStatistics"/>.</summary>
        public long Misses { get; }

        /// <summary>Entries removed to make room for a new one.</summary>
        public long Evictions { get; }

        /// <summary>Entries removed because their time to live had passed.</summary>
        public long Expirations { get; }

        /// <summary>Entries held when the snapshot was taken.</summary>
        public int Count { get; }

        /// <summary>The most entries the cache holds.</summary>
        public int Capacity { get; }

        /// <summary>Hits divided by all lookups; 0 before the first lookup.</summary>
        public double HitRatio => Hits + Misses == 0 ? 0 : (double)Hits / (Hits + Misses);

        /// <inheritdoc />
        public override string ToString() =>
            $"{Count}/{Capacity} entries, {Hits} hits, {Misses} misses ({HitRatio:P1}), {Evictions} evictions, {Expirations} expirations";
    }
}
