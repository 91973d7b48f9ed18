using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Threading;
using System.Threading.RateLimiting;
using System.Threading.Tasks;
using RedisRateLimiting;
using StackExchange.Redis;

namespace Steadfast
{
    /// <summary>
    /// One partition of a tier, counted in Redis by the RedisRateLimiting library's fixed window (one Lua script per
    /// request, so every instance shares the count). When Redis fails or is slower than the operation timeout, the
    /// request fails open or closed as configured, and the failure is logged and counted.
    /// </summary>
    internal sealed class RedisTierLimiter : RateLimiter
    {
        private readonly TierSettings _tier;
        private readonly string _key;
        private readonly RedisStore _store;
        private readonly RateLimitHeaderWriter _headers;
        private readonly object _lock = new object();
        private RedisFixedWindowRateLimiter<string>? _inner;
        private int _active;
        private long _idleSince = Stopwatch.GetTimestamp();

        public RedisTierLimiter(TierSettings tier, string partitionKey, RedisStore store, RateLimitHeaderWriter headers)
        {
            _tier = tier;
            _store = store;
            _headers = headers;
            _key = store.Options.KeyPrefix + ":" + tier.Name + ":" + partitionKey;
        }

        public override TimeSpan? IdleDuration => Volatile.Read(ref _active) > 0 ? null : Stopwatch.GetElapsedTime(Interlocked.Read(ref _idleSince));

        public override RateLimiterStatistics? GetStatistics() => null;

        protected override RateLimitLease AttemptAcquireCore(int permitCount)
        {
            // Counting needs a round trip to Redis, which a synchronous call must not wait for on a request thread. ASP.NET
            // Core's middleware tries AttemptAcquire first and, on a lease that is not acquired, calls AcquireAsync: this
            // lease sends it there, uncounted (the RedisRateLimiting limiters do the same).
            return NotAttempted.Instance;
        }

        protected override async ValueTask<RateLimitLease> AcquireAsyncCore(int permitCount, CancellationToken cancellationToken)
        {
            if (permitCount > _tier.PermitLimit)
            {
                throw new ArgumentOutOfRangeException(nameof(permitCount), permitCount, $"{permitCount} permits exceed the limit of tier '{_tier.Name}' ({_tier.PermitLimit}).");
            }

            Interlocked.Increment(ref _active);
            try
            {
                var connection = await _store.GetConnectionAsync(cancellationToken).ConfigureAwait(false);
                var inner = Inner(connection);
                var lease = await inner.AcquireAsync(permitCount, cancellationToken).AsTask()
                    .WaitAsync(_store.Options.OperationTimeout, cancellationToken).ConfigureAwait(false);
                var tierLease = Wrap(lease);
                _headers.Write(tierLease);
                return tierLease;
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                throw;
            }
            catch (Exception exception)
            {
                // Refused, timed out, not connected, or a script error: whatever it is, the store did not count this request.
                _store.Failed(_tier.Name, exception);
                return _store.Options.FailureMode == RedisFailureMode.FailOpen
                    ? TierLease.FailedOpen(_tier.Name)
                    : TierLease.FailedClosed(_tier.Name, _store.Options.FailClosedRetryAfter);
            }
            finally
            {
                Interlocked.Exchange(ref _idleSince, Stopwatch.GetTimestamp());
                Interlocked.Decrement(ref _active);
            }
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                lock (_lock)
                {
                    _inner?.Dispose();
                }
            }

            base.Dispose(disposing);
        }

        private RedisFixedWindowRateLimiter<string> Inner(IConnectionMultiplexer connection)
        {
            lock (_lock)
            {
                return _inner ??= new RedisFixedWindowRateLimiter<string>(_key, new RedisFixedWindowRateLimiterOptions
                {
                    PermitLimit = _tier.PermitLimit,
                    Window = _tier.Window,
                    ConnectionMultiplexerFactory = () => connection,
                });
            }
        }

        private TierLease Wrap(RateLimitLease lease)
        {
            long remaining = 0;
            if (lease.TryGetMetadata(RateLimitMetadataName.Remaining.Name, out var rawRemaining) && rawRemaining is long r)
            {
                remaining = r;
            }

            // The library's window ends at a Unix time in seconds (its RetryAfter is that time less now, in whole seconds).
            var resetAfter = _tier.Window;
            if (lease.TryGetMetadata(RateLimitMetadataName.Reset.Name, out var rawReset) && rawReset is long expiresAt)
            {
                resetAfter = DateTimeOffset.FromUnixTimeSeconds(expiresAt) - DateTimeOffset.UtcNow;
            }
            else if (lease.TryGetMetadata(RateLimitMetadataName.RetryAfter.Name, out var rawRetry) && rawRetry is int seconds)
            {
                resetAfter = TimeSpan.FromSeconds(seconds);
            }

            return TierLease.FromCount(lease, _tier.Name, _tier.PermitLimit, remaining, resetAfter);
        }

        private sealed class NotAttempted : RateLimitLease
        {
            public static readonly NotAttempted Instance = new NotAttempted();

            public override bool IsAcquired => false;

            public override IEnumerable<string> MetadataNames => Array.Empty<string>();

            public override bool TryGetMetadata(string metadataName, out object? metadata)
            {
                metadata = null;
                return false;
            }
        }
    }
}
