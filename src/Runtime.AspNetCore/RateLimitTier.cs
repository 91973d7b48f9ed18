using System;

namespace Steadfast
{
    /// <summary>
    /// One named tier: at most <see cref="PermitLimit"/> requests per partition (user or client IP) in each fixed
    /// <see cref="Window"/>. Registered as the ASP.NET Core rate limiting policy of the same <see cref="Name"/>.
    /// </summary>
    public sealed class RateLimitTier
    {
        internal RateLimitTier(string name, int permitLimit, TimeSpan window)
        {
            Name = name;
            PermitLimit = permitLimit;
            Window = window;
        }

        /// <summary>The policy name endpoints name in <c>RequireRateLimiting</c> or <c>[EnableRateLimiting]</c>.</summary>
        public string Name { get; }

        /// <summary>Requests allowed per partition in one window; must be positive (checked when the services are added).</summary>
        public int PermitLimit { get; set; }

        /// <summary>The length of one fixed window; must be positive (checked when the services are added).</summary>
        public TimeSpan Window { get; set; }

        /// <inheritdoc />
        public override string ToString() => $"{Name}: {PermitLimit} per {Window}";
    }
}
