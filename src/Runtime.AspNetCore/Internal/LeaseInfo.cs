using System;
using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Http;

namespace Steadfast
{
    /// <summary>Reads what a lease knows (its own <see cref="TierLease"/>, or any limiter's metadata) and writes the RateLimit headers.</summary>
    internal static class LeaseInfo
    {
        public const string LimitHeader = "RateLimit-Limit";
        public const string RemainingHeader = "RateLimit-Remaining";
        public const string ResetHeader = "RateLimit-Reset";

        /// <summary>The lease's retry-after: a <see cref="TierLease"/>'s own, or <see cref="MetadataName.RetryAfter"/> read without assuming its boxed type.</summary>
        public static TimeSpan? RetryAfter(RateLimitLease lease)
        {
            if (lease is TierLease tierLease)
            {
                return tierLease.RetryAfter;
            }

            // Not TryGetMetadata(MetadataName.RetryAfter, …): it casts, and some limiters box seconds as an int.
            if (lease.TryGetMetadata(MetadataName.RetryAfter.Name, out var raw))
            {
                switch (raw)
                {
                    case TimeSpan span when span > TimeSpan.Zero:
                        return span;
                    case int seconds when seconds > 0:
                        return TimeSpan.FromSeconds(seconds);
                    case long seconds when seconds > 0:
                        return TimeSpan.FromSeconds(seconds);
                    case double seconds when seconds > 0:
                        return TimeSpan.FromSeconds(seconds);
                    case string text when double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) && seconds > 0:
                        return TimeSpan.FromSeconds(seconds);
                }
            }

            return null;
        }

        /// <summary>Whole seconds, rounded up, at least 1: what a <c>Retry-After</c> may say.</summary>
        public static long WholeSeconds(TimeSpan span)
        {
            var seconds = (long)Math.Ceiling(span.TotalSeconds);
            return seconds < 1 ? 1 : seconds;
        }

        /// <summary>Seconds rounded up, at least 0: what a <c>RateLimit-Reset</c> may say.</summary>
        public static long ResetSeconds(TimeSpan span)
        {
            var seconds = (long)Math.Ceiling(span.TotalSeconds);
            return seconds < 0 ? 0 : seconds;
        }

        /// <summary>Writes RateLimit-Limit, -Remaining and -Reset when the lease is a <see cref="TierLease"/> that counted the request.</summary>
        public static void WriteRateLimitHeaders(HttpResponse response, RateLimitLease lease)
        {
            if (lease is not TierLease { Counted: true } tierLease || response.HasStarted)
            {
                return;
            }

            response.Headers[LimitHeader] = tierLease.Limit.ToString(CultureInfo.InvariantCulture);
            response.Headers[RemainingHeader] = tierLease.Remaining.ToString(CultureInfo.InvariantCulture);
            response.Headers[ResetHeader] = ResetSeconds(tierLease.ResetAfter).ToString(CultureInfo.InvariantCulture);
        }
    }
}
