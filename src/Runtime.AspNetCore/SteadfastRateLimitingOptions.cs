using System;
using System.Collections.Generic;
using Microsoft.AspNetCore.Http;
using StackExchange.Redis;

namespace Steadfast
{
    /// <summary>
    /// The tiers <see cref="SteadfastRateLimitingExtensions.AddSteadfastRateLimiting"/> registers, how requests are
    /// partitioned, and where they are counted (in process by default, or in Redis through <see cref="UseRedis(string, Action{SteadfastRedisRateLimitingOptions}?)"/>).
    /// </summary>
    /// <example><code>
    /// services.AddSteadfastRateLimiting(o =>
    /// {
    ///     o.Auth.PermitLimit = 10;                       // 10 log-ins a minute
    ///     o.AddTier("export", 2, TimeSpan.FromMinutes(1));
    ///     o.UseRedis("redis:6379", r => r.FailureMode = RedisFailureMode.FailClosed);
    /// });
    /// </code></example>
    public sealed class SteadfastRateLimitingOptions
    {
        /// <summary>The default window of the four built-in tiers: one minute.</summary>
        public static readonly TimeSpan DefaultWindow = TimeSpan.FromMinutes(1);

        private readonly Dictionary<string, RateLimitTier> _tiers = new Dictionary<string, RateLimitTier>(StringComparer.Ordinal);
        private readonly List<RateLimitTier> _order = new List<RateLimitTier>();

        /// <summary>Creates the options with the four built-in tiers at their defaults (auth 5, write 30, read 120, health 300 a minute).</summary>
        public SteadfastRateLimitingOptions()
        {
            AddTier(RateLimitTiers.Auth, 5, DefaultWindow);
            AddTier(RateLimitTiers.Write, 30, DefaultWindow);
            AddTier(RateLimitTiers.Read, 120, DefaultWindow);
            AddTier(RateLimitTiers.Health, 300, DefaultWindow);
        }

        /// <summary>The <see cref="RateLimitTiers.Auth"/> tier (default 5 a minute).</summary>
        public RateLimitTier Auth => _tiers[RateLimitTiers.Auth];

        /// <summary>The <see cref="RateLimitTiers.Write"/> tier (default 30 a minute).</summary>
        public RateLimitTier Write => _tiers[RateLimitTiers.Write];

        /// <summary>The <see cref="RateLimitTiers.Read"/> tier (default 120 a minute).</summary>
        public RateLimitTier Read => _tiers[RateLimitTiers.Read];

        /// <summary>The <see cref="RateLimitTiers.Health"/> tier (default 300 a minute).</summary>
        public RateLimitTier Health => _tiers[RateLimitTiers.Health];

        /// <summary>Every tier, the four built-in ones first, then the added ones in the order they were added.</summary>
        public IReadOnlyList<RateLimitTier> Tiers => _order;

        /// <summary>
        /// Chooses the partition a request is counted in, instead of the default (the authenticated user, else the client
        /// IP). Return null to fall back to the default for that request. The tier name is added to the key by the runtime.
        /// </summary>
        public Func<HttpContext, string?>? PartitionKey { get; set; }

        /// <summary>The Redis mode, or null (the default) when each instance counts in its own memory.</summary>
        public SteadfastRedisRateLimitingOptions? Redis { get; private set; }

        /// <summary>The tier of this name.</summary>
        /// <exception cref="ArgumentNullException"><paramref name="name"/> is null.</exception>
        /// <exception cref="KeyNotFoundException">No tier has this name.</exception>
        public RateLimitTier this[string name]
        {
            get
            {
                if (name is null)
                {
                    throw new ArgumentNullException(nameof(name));
                }

                return _tiers.TryGetValue(name, out var tier)
                    ? tier
                    : throw new KeyNotFoundException($"No rate limit tier is named '{name}'; the tiers are: {string.Join(", ", _tiers.Keys)}.");
            }
        }

        /// <summary>Adds a tier of this name, or changes the limits of the existing one, and returns it.</summary>
        /// <param name="name">The policy name endpoints will name in <c>RequireRateLimiting</c>.</param>
        /// <param name="permitLimit">Requests allowed per partition in one window (validated when the services are added).</param>
        /// <param name="window">The length of one window (validated when the services are added).</param>
        /// <exception cref="ArgumentException"><paramref name="name"/> is null, empty or white space.</exception>
        public RateLimitTier AddTier(string name, int permitLimit, TimeSpan window)
        {
            if (string.IsNullOrWhiteSpace(name))
            {
                throw new ArgumentException("A rate limit tier needs a name.", nameof(name));
            }

            if (_tiers.TryGetValue(name, out var existing))
            {
                existing.PermitLimit = permitLimit;
                existing.Window = window;
                return existing;
            }

            var tier = new RateLimitTier(name, permitLimit, window);
            _tiers.Add(name, tier);
            _order.Add(tier);
            return tier;
        }

        /// <summary>
        /// Counts every tier in Redis, so that all instances of the service that use the same Redis (and the same
        /// <see cref="SteadfastRedisRateLimitingOptions.KeyPrefix"/>) share one count. The connection is made lazily, with
        /// bounded connect and operation timeouts; while Redis cannot be reached, requests fail open or closed as
        /// <see cref="SteadfastRedisRateLimitingOptions.FailureMode"/> says, and each failure is logged.
        /// </summary>
        /// <param name="configuration">A StackExchange.Redis configuration string, such as <c>"localhost:6379"</c>.</param>
        /// <param name="configure">Sets the failure mode, timeouts and key prefix.</param>
        /// <returns>These options.</returns>
        /// <exception cref="ArgumentException"><paramref name="configuration"/> is null, empty or white space.</exception>
        public SteadfastRateLimitingOptions UseRedis(string configuration, Action<SteadfastRedisRateLimitingOptions>? configure = null)
        {
            if (string.IsNullOrWhiteSpace(configuration))
            {
                throw new ArgumentException("UseRedis needs a Redis configuration string, such as \"localhost:6379\".", nameof(configuration));
            }

            var redis = new SteadfastRedisRateLimitingOptions(configuration, null);
            configure?.Invoke(redis);
            Redis = redis;
            return this;
        }

        /// <summary>
        /// Counts every tier in Redis through the application's own connection (called once, lazily). The connection's
        /// own timeouts apply; <see cref="SteadfastRedisRateLimitingOptions.OperationTimeout"/> still bounds each count.
        /// </summary>
        /// <param name="connectionFactory">Returns the application's connection.</param>
        /// <param name="configure">Sets the failure mode, operation timeout and key prefix.</param>
        /// <returns>These options.</returns>
        /// <exception cref="ArgumentNullException"><paramref name="connectionFactory"/> is null.</exception>
        public SteadfastRateLimitingOptions UseRedis(Func<IConnectionMultiplexer> connectionFactory, Action<SteadfastRedisRateLimitingOptions>? configure = null)
        {
            if (connectionFactory is null)
            {
                throw new ArgumentNullException(nameof(connectionFactory));
            }

            var redis = new SteadfastRedisRateLimitingOptions(null, connectionFactory);
            configure?.Invoke(redis);
            Redis = redis;
            return this;
        }

        /// <summary>Throws, with a message that names the tier or setting, when a limit, window or timeout is not positive.</summary>
        internal void Validate()
        {
            var problems = new List<string>();
            foreach (var tier in _order)
            {
                if (tier.PermitLimit <= 0)
                {
                    problems.Add($"tier '{tier.Name}': PermitLimit must be positive, but is {tier.PermitLimit}");
                }

                if (tier.Window <= TimeSpan.Zero)
                {
                    problems.Add($"tier '{tier.Name}': Window must be positive, but is {tier.Window}");
                }
            }

            if (Redis is { } redis)
            {
                if (redis.ConnectTimeout <= TimeSpan.Zero)
                {
                    problems.Add($"Redis: ConnectTimeout must be positive, but is {redis.ConnectTimeout}");
                }

                if (redis.OperationTimeout <= TimeSpan.Zero)
                {
                    problems.Add($"Redis: OperationTimeout must be positive, but is {redis.OperationTimeout}");
                }

                if (redis.FailClosedRetryAfter < TimeSpan.FromSeconds(1))
                {
                    problems.Add($"Redis: FailClosedRetryAfter must be at least one second, but is {redis.FailClosedRetryAfter}");
                }

                if (string.IsNullOrWhiteSpace(redis.KeyPrefix))
                {
                    problems.Add("Redis: KeyPrefix must not be empty");
                }

                if (redis.FailureMode != RedisFailureMode.FailOpen && redis.FailureMode != RedisFailureMode.FailClosed)
                {
                    problems.Add($"Redis: FailureMode {(int)redis.FailureMode} is neither FailOpen nor FailClosed");
                }
            }

            if (problems.Count > 0)
            {
                throw new ArgumentException("Steadfast rate limiting is misconfigured: " + string.Join("; ", problems) + ".");
            }
        }
    }
}
