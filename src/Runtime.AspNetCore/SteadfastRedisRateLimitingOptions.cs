using System;
using StackExchange.Redis;

namespace Steadfast
{
    /// <summary>
    /// The Redis mode of <see cref="SteadfastRateLimitingOptions"/>: the same tiers, counted in Redis (by the
    /// <c>RedisRateLimiting</c> library's fixed window) so that every instance of a service that points at the same Redis
    /// shares one count. Set through <see cref="SteadfastRateLimitingOptions.UseRedis(string, Action{SteadfastRedisRateLimitingOptions}?)"/>.
    /// </summary>
    public sealed class SteadfastRedisRateLimitingOptions
    {
        internal SteadfastRedisRateLimitingOptions(string? configuration, Func<IConnectionMultiplexer>? connectionFactory)
        {
            Configuration = configuration;
            ConnectionFactory = connectionFactory;
        }

        /// <summary>A copy, taken when the services are added, so that later changes change nothing.</summary>
        internal SteadfastRedisRateLimitingOptions Copy() => new SteadfastRedisRateLimitingOptions(Configuration, ConnectionFactory)
        {
            FailureMode = FailureMode,
            ConnectTimeout = ConnectTimeout,
            OperationTimeout = OperationTimeout,
            FailClosedRetryAfter = FailClosedRetryAfter,
            KeyPrefix = KeyPrefix,
        };

        /// <summary>The StackExchange.Redis configuration string (for example <c>"redis:6379"</c>), or null when a connection factory was given.</summary>
        public string? Configuration { get; }

        /// <summary>The application's own connection, or null when <see cref="Configuration"/> was given.</summary>
        public Func<IConnectionMultiplexer>? ConnectionFactory { get; }

        /// <summary>What requests get while Redis cannot be reached. Default <see cref="RedisFailureMode.FailOpen"/>.</summary>
        public RedisFailureMode FailureMode { get; set; } = RedisFailureMode.FailOpen;

        /// <summary>
        /// How long connecting to Redis may take (StackExchange.Redis' <c>ConnectTimeout</c>, for a connection made from
        /// <see cref="Configuration"/>). Default 2 seconds; must be positive.
        /// </summary>
        public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(2);

        /// <summary>
        /// How long one counting operation may take before the request is treated as a Redis failure (also the
        /// connection's <c>SyncTimeout</c>/<c>AsyncTimeout</c>). Default 1 second; must be positive.
        /// </summary>
        public TimeSpan OperationTimeout { get; set; } = TimeSpan.FromSeconds(1);

        /// <summary>The <c>Retry-After</c> a request rejected by <see cref="RedisFailureMode.FailClosed"/> gets. Default 5 seconds; must be at least one second.</summary>
        public TimeSpan FailClosedRetryAfter { get; set; } = TimeSpan.FromSeconds(5);

        /// <summary>
        /// The start of every Redis key this service counts under (then the tier and the partition). Services that share
        /// a Redis but must not share counts use different prefixes. Default <c>steadfast</c>.
        /// </summary>
        public string KeyPrefix { get; set; } = "steadfast";
    }
}
