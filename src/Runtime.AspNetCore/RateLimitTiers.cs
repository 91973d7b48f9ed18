namespace Steadfast
{
    /// <summary>
    /// The names of the tiers <see cref="SteadfastRateLimitingExtensions.AddSteadfastRateLimiting"/> registers as
    /// ASP.NET Core rate limiting policies. Put one on an endpoint with ASP.NET Core's own
    /// <c>RequireRateLimiting(RateLimitTiers.Auth)</c> or <c>[EnableRateLimiting(RateLimitTiers.Auth)]</c>.
    /// </summary>
    /// <remarks>Defaults (each changeable through <see cref="SteadfastRateLimitingOptions"/>): auth 5 requests a minute, write 30,
    /// read 120, health 300; each counted per authenticated user, or else per client IP.</remarks>
    public static class RateLimitTiers
    {
        /// <summary>Log-in, registration, token and password endpoints: 5 requests a minute by default.</summary>
        public const string Auth = "auth";

        /// <summary>Mutating endpoints (POST, PUT, PATCH, DELETE): 30 requests a minute by default.</summary>
        public const string Write = "write";

        /// <summary>Reading endpoints: 120 requests a minute by default.</summary>
        public const string Read = "read";

        /// <summary>Health and readiness probes: 300 requests a minute by default.</summary>
        public const string Health = "health";
    }
}
