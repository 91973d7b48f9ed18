using System;
using System.Diagnostics;
using System.Threading;
using System.Threading.RateLimiting;
using System.Threading.Tasks;

namespace Steadfast
{
    /// <summary>
    /// One partition of a tier, counted in this process: System.Threading.RateLimiting's <see cref="FixedWindowRateLimiter"/>
    /// does the counting (no queue: over the limit is rejected at once); this wrapper only adds what the RateLimit headers
    /// need (remaining permits, time to the window's end). Replenished by the partitioned limiter's timer, like the
    /// built-in fixed window partitions.
    /// </summary>
    internal sealed class MemoryTierLimiter : ReplenishingRateLimiter
    {
        private readonly TierSettings _tier;
        private readonly FixedWindowRateLimiter _inner;
        private readonly RateLimitHeaderWriter _headers;
        private readonly object _lock = new object();
        private long _windowStart;

        public MemoryTierLimiter(TierSettings tier, RateLimitHeaderWriter headers)
        {
            _tier = tier;
            _headers = headers;
            _inner = new FixedWindowRateLimiter(new FixedWindowRateLimiterOptions
            {
                PermitLimit = tier.PermitLimit,
                Window = tier.Window,
                QueueLimit = 0,
                QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
                AutoReplenishment = false,
            });
            _windowStart = Stopwatch.GetTimestamp();
        }

        public override TimeSpan? IdleDuration => _inner.IdleDuration;

        public override bool IsAutoReplenishing => false;

        public override TimeSpan ReplenishmentPeriod => _inner.ReplenishmentPeriod;

        public override RateLimiterStatistics? GetStatistics() => _inner.GetStatistics();

        public override bool TryReplenish()
        {
            lock (_lock)
            {
                // The inner limiter starts a new window when a whole window has passed since its last one; follow it.
                var now = Stopwatch.GetTimestamp();
                if (Stopwatch.GetElapsedTime(_windowStart, now) >= _tier.Window)
                {
                    _windowStart = now;
                }

                return _inner.TryReplenish();
            }
        }

        protected override RateLimitLease AttemptAcquireCore(int permitCount) => Wrap(_inner.AttemptAcquire(permitCount));

        protected override async ValueTask<RateLimitLease> AcquireAsyncCore(int permitCount, CancellationToken cancellationToken)
        {
            return Wrap(await _inner.AcquireAsync(permitCount, cancellationToken).ConfigureAwait(false));
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                _inner.Dispose();
            }

            base.Dispose(disposing);
        }

        protected override ValueTask DisposeAsyncCore() => _inner.DisposeAsync();

        private TierLease Wrap(RateLimitLease lease)
        {
            long windowStart;
            lock (_lock)
            {
                windowStart = _windowStart;
            }

            var remaining = _inner.GetStatistics()?.CurrentAvailablePermits ?? 0;
            var resetAfter = _tier.Window - Stopwatch.GetElapsedTime(windowStart);
            var tierLease = TierLease.FromCount(lease, _tier.Name, _tier.PermitLimit, remaining, resetAfter);
            _headers.Write(tierLease);
            return tierLease;
        }
    }
}
