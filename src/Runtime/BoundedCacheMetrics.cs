#if NET8_0_OR_GREATER
using System;
using System.Collections.Generic;
using System.Diagnostics.Metrics;

namespace Steadfast
{
    /// <summary>
    /// The <c>Steadfast.BoundedCache</c> meter: observable instruments that read the counters of every live, named
    /// <see cref="BoundedCache{TKey, TValue}"/>, tagged with <c>cache.name</c>. Caches are held weakly: registering one
    /// never keeps it alive.
    /// </summary>
    internal static class BoundedCacheMetrics
    {
        public const string MeterName = "Steadfast.BoundedCache";

        private static readonly Meter Meter = new Meter(MeterName);
        private static readonly List<(string Name, WeakReference<ICacheCounters> Cache)> Sources = new List<(string, WeakReference<ICacheCounters>)>();

        static BoundedCacheMetrics()
        {
            Meter.CreateObservableCounter("steadfast.cache.hits", () => Observe(0), unit: "{hit}", description: "Lookups that found a live entry.");
            Meter.CreateObservableCounter("steadfast.cache.misses", () => Observe(1), unit: "{miss}", description: "Lookups that found no live entry.");
            Meter.CreateObservableCounter("steadfast.cache.evictions", () => Observe(2), unit: "{entry}", description: "Entries removed to make room.");
            Meter.CreateObservableCounter("steadfast.cache.expirations", () => Observe(3), unit: "{entry}", description: "Entries removed because their time to live passed.");
            Meter.CreateObservableUpDownCounter("steadfast.cache.entries", () => Observe(4), unit: "{entry}", description: "Entries held.");
        }

        public static void Register(string name, ICacheCounters cache)
        {
            lock (Sources)
            {
                Sources.Add((name, new WeakReference<ICacheCounters>(cache)));
            }
        }

        private static List<Measurement<long>> Observe(int counter)
        {
            var measurements = new List<Measurement<long>>();
            lock (Sources)
            {
                for (var i = Sources.Count - 1; i >= 0; i--)
                {
                    if (Sources[i].Cache.TryGetTarget(out var source))
                    {
                        measurements.Add(new Measurement<long>(source.ReadCounters()[counter], new KeyValuePair<string, object?>("cache.name", Sources[i].Name)));
                    }
                    else
                    {
                        Sources.RemoveAt(i);
                    }
                }
            }

            return measurements;
        }
    }
}
#endif
