using System;
using System.Collections.Generic;
using System.Threading.RateLimiting;

namespace Steadfast
{
    /// <summary>
    /// The lease a tier's limiter hands out: the inner limiter's lease (in-memory fixed window or Redis), plus what the
    /// RateLimit headers need. <see cref="MetadataName.RetryAfter"/> is a <see cref="TimeSpan"/>, as ASP.NET Core expects.
    /// </summary>
    internal sealed class TierLease : RateLimitLease
    {
        private static readonly string[] RejectedNames = { MetadataName.RetryAfter.Name };
        private readonly RateLimitLease? _inner;

        private TierLease(RateLimitLease? inner, bool isAcquired, string tier, bool counted, long limit, long remaining, TimeSpan resetAfter, TimeSpan? retryAfter)
        {
            _inner = inner;
            IsAcquired = isAcquired;
            Tier = tier;
            Counted = counted;
            Limit = limit;
            Remaining = remaining;
            ResetAfter = resetAfter;
            RetryAfter = retryAfter;
        }

        public override bool IsAcquired { get; }

        /// <summary>The tier's name.</summary>
        public string Tier { get; }

        /// <summary>False when the store could not count the request (Redis down): then there are no RateLimit numbers.</summary>
        public bool Counted { get; }

        public long Limit { get; }

        public long Remaining { get; }

        public TimeSpan ResetAfter { get; }

        public TimeSpan? RetryAfter { get; }

        public override IEnumerable<string> MetadataNames => RetryAfter is null ? Array.Empty<string>() : RejectedNames;

        public static TierLease FromCount(RateLimitLease inner, string tier, long limit, long remaining, TimeSpan resetAfter)
        {
            if (resetAfter < TimeSpan.Zero)
            {
                resetAfter = TimeSpan.Zero;
            }

            TimeSpan? retryAfter = inner.IsAcquired ? null : resetAfter < TimeSpan.FromSeconds(1) ? TimeSpan.FromSeconds(1) : resetAfter;
            return new TierLease(inner, inner.IsAcquired, tier, counted: true, limit, remaining < 0 ? 0 : remaining, resetAfter, retryAfter);
        }

        /// <summary>The store failed and the tier fails open: let through, uncounted.</summary>
        public static TierLease FailedOpen(string tier) => new TierLease(null, isAcquired: true, tier, counted: false, 0, 0, TimeSpan.Zero, null);

        /// <summary>The store failed and the tier fails closed: rejected, uncounted, retry after the configured wait.</summary>
        public static TierLease FailedClosed(string tier, TimeSpan retryAfter) => new TierLease(null, isAcquired: false, tier, counted: false, 0, 0, TimeSpan.Zero, retryAfter);

        public override bool TryGetMetadata(string metadataName, out object? metadata)
        {
            if (RetryAfter is { } retryAfter && metadataName == MetadataName.RetryAfter.Name)
            {
                metadata = retryAfter;
                return true;
            }

            metadata = null;
            return false;
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                _inner?.Dispose();
            }

            base.Dispose(disposing);
        }
    }
}
