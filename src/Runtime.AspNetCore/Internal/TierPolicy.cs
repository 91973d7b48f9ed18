using System;
using System.Security.Claims;
using System.Threading;
using System.Threading.RateLimiting;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.RateLimiting;

namespace Steadfast
{
    /// <summary>
    /// A tier as an ASP.NET Core rate limiting policy: partitions by user or client IP, one limiter per partition (in
    /// memory or in Redis). Rejections are answered by the limiter options' <c>OnRejected</c>.
    /// </summary>
    internal sealed class TierPolicy : IRateLimiterPolicy<string>
    {
        private readonly TierSettings _tier;
        private readonly Func<HttpContext, string?>? _partitionKey;
        private readonly RedisStore? _redis;
        private readonly RateLimitHeaderWriter _headers;

        public TierPolicy(TierSettings tier, Func<HttpContext, string?>? partitionKey, RedisStore? redis, RateLimitHeaderWriter headers)
        {
            _tier = tier;
            _partitionKey = partitionKey;
            _redis = redis;
            _headers = headers;
        }

        public Func<OnRejectedContext, CancellationToken, ValueTask>? OnRejected => null;

        public RateLimitPartition<string> GetPartition(HttpContext httpContext)
        {
            var key = _partitionKey?.Invoke(httpContext) ?? DefaultPartitionKey(httpContext);
            return _redis is { } redis
                ? RateLimitPartition.Get(key, k => new RedisTierLimiter(_tier, k, redis, _headers))
                : RateLimitPartition.Get(key, _ => new MemoryTierLimiter(_tier, _headers));
        }

        /// <summary>
        /// <c>user:{id}</c> for an authenticated user (the name identifier claim, else <c>sub</c>, else the identity's
        /// name), else <c>ip:{address}</c> from <see cref="ConnectionInfo.RemoteIpAddress"/>: the proxy's address unless
        /// the application's own forwarded headers middleware replaced it. Forwarded headers are never read here.
        /// </summary>
        internal static string DefaultPartitionKey(HttpContext httpContext)
        {
            var user = httpContext.User;
            if (user?.Identity is { IsAuthenticated: true } identity)
            {
                var id = user.FindFirst(ClaimTypes.NameIdentifier)?.Value ?? user.FindFirst("sub")?.Value ?? identity.Name;
                if (!string.IsNullOrEmpty(id))
                {
                    return "user:" + id;
                }
            }

            var address = httpContext.Connection.RemoteIpAddress;
            if (address is null)
            {
                return "ip:unknown";
            }

            if (address.IsIPv4MappedToIPv6)
            {
                address = address.MapToIPv4();
            }

            return "ip:" + address.ToString();
        }

    }
}
