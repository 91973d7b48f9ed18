using System;
using System.Collections.Generic;
using System.Diagnostics.Metrics;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.DependencyInjection;

namespace Steadfast
{
    /// <summary>
    /// The <c>Steadfast.RateLimiting</c> meter: <c>steadfast.rate_limiting.rejections</c> (requests answered 429, tagged
    /// <c>tier</c>) and <c>steadfast.rate_limiting.store_failures</c> (requests the Redis store could not count, tagged
    /// <c>tier</c> and <c>mode</c>: <c>fail_open</c> or <c>fail_closed</c>). Created through the application's
    /// <see cref="IMeterFactory"/> when it has one (so each host's meter is its own), else one process-wide meter.
    /// </summary>
    internal sealed class RateLimitingMetrics
    {
        public const string MeterName = "Steadfast.RateLimiting";
        public const string RejectionsName = "steadfast.rate_limiting.rejections";
        public const string StoreFailuresName = "steadfast.rate_limiting.store_failures";

        private static readonly ConditionalWeakTable<IMeterFactory, RateLimitingMetrics> ByFactory = new ConditionalWeakTable<IMeterFactory, RateLimitingMetrics>();
        private static readonly Lazy<RateLimitingMetrics> Shared = new Lazy<RateLimitingMetrics>(() => new RateLimitingMetrics(new Meter(MeterName)));

        private readonly Counter<long> _rejections;
        private readonly Counter<long> _storeFailures;

        private RateLimitingMetrics(Meter meter)
        {
            _rejections = meter.CreateCounter<long>(RejectionsName, unit: "{request}", description: "Requests rejected with 429 by a rate limit.");
            _storeFailures = meter.CreateCounter<long>(StoreFailuresName, unit: "{request}", description: "Requests the shared (Redis) rate limit store could not count; let through or rejected as configured.");
        }

        public static RateLimitingMetrics For(IServiceProvider? services)
        {
            var factory = services?.GetService<IMeterFactory>();
            return factory is null ? Shared.Value : ByFactory.GetValue(factory, f => new RateLimitingMetrics(f.Create(MeterName)));
        }

        public void Rejected(string? tier)
        {
            _rejections.Add(1, new KeyValuePair<string, object?>("tier", tier ?? "unknown"));
        }

        public void StoreFailed(string tier, RedisFailureMode mode)
        {
            _storeFailures.Add(1, new KeyValuePair<string, object?>("tier", tier), new KeyValuePair<string, object?>("mode", mode == RedisFailureMode.FailOpen ? "fail_open" : "fail_closed"));
        }
    }
}
