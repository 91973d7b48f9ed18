using System;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace Steadfast
{
    /// <summary>
    /// The Redis connection of the Redis mode, made lazily and never under the partitioned limiter's lock, with bounded
    /// connect and operation timeouts; and what happens when Redis fails (log, count, fail open or closed).
    /// </summary>
    internal sealed class RedisStore : IDisposable
    {
        private static readonly TimeSpan LogInterval = TimeSpan.FromSeconds(10);

        private readonly SteadfastRedisRateLimitingOptions _options;
        private readonly ILogger _logger;
        private readonly RateLimitingMetrics _metrics;
        private readonly object _lock = new object();
        private Task<IConnectionMultiplexer>? _connecting;
        private bool _ownsConnection;
        private long _lastLogTicks = long.MinValue;
        private long _unlogged;

        public RedisStore(SteadfastRedisRateLimitingOptions options, ILogger logger, RateLimitingMetrics metrics)
        {
            _options = options;
            _logger = logger;
            _metrics = metrics;
        }

        public SteadfastRedisRateLimitingOptions Options => _options;

        /// <summary>The shared connection; a failed attempt is forgotten so that the next request tries again.</summary>
        public async Task<IConnectionMultiplexer> GetConnectionAsync(CancellationToken cancellationToken)
        {
            Task<IConnectionMultiplexer> connecting;
            lock (_lock)
            {
                if (_connecting is null || _connecting.IsFaulted || _connecting.IsCanceled)
                {
                    _connecting = Task.Run(ConnectAsync);
                }

                connecting = _connecting;
            }

            // Bounded even when the application's own factory, or the connect itself, does not give up in time.
            return await connecting.WaitAsync(_options.ConnectTimeout + _options.OperationTimeout, cancellationToken).ConfigureAwait(false);
        }

        private async Task<IConnectionMultiplexer> ConnectAsync()
        {
            if (_options.ConnectionFactory is { } factory)
            {
                return factory() ?? throw new InvalidOperationException("The Redis connection factory given to UseRedis returned null.");
            }

            var configuration = ConfigurationOptions.Parse(_options.Configuration!);
            configuration.AbortOnConnectFail = false;
            configuration.ConnectTimeout = (int)_options.ConnectTimeout.TotalMilliseconds;
            configuration.SyncTimeout = (int)_options.OperationTimeout.TotalMilliseconds;
            configuration.AsyncTimeout = (int)_options.OperationTimeout.TotalMilliseconds;
            // While disconnected, fail at once instead of queueing commands until the timeout.
            configuration.BacklogPolicy = BacklogPolicy.FailFast;
            var connection = await ConnectionMultiplexer.ConnectAsync(configuration).ConfigureAwait(false);
            lock (_lock)
            {
                _ownsConnection = true;
            }

            return connection;
        }

        /// <summary>
        /// Connects while the application starts (bounded like any connect), so that the first requests are counted; a
        /// failure is logged and the application starts anyway, failing open or closed until Redis answers.
        /// </summary>
        public async Task WarmUpAsync(CancellationToken cancellationToken)
        {
            try
            {
                await GetConnectionAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception exception) when (!cancellationToken.IsCancellationRequested)
            {
                _logger.LogWarning(
                    exception,
                    "Rate limit store (Redis) not reachable at start-up: requests {Outcome} until it answers.",
                    _options.FailureMode == RedisFailureMode.FailOpen ? "are let through uncounted (fail-open)" : "are rejected with 429 (fail-closed)");
            }
        }

        /// <summary>Logs (at most once per 10 seconds, with the number of failures since) and counts a failure.</summary>
        public void Failed(string tier, Exception exception)
        {
            _metrics.StoreFailed(tier, _options.FailureMode);
            var now = Environment.TickCount64;
            var last = Interlocked.Read(ref _lastLogTicks);
            if (last != long.MinValue && now - last < (long)LogInterval.TotalMilliseconds)
            {
                Interlocked.Increment(ref _unlogged);
                return;
            }

            if (Interlocked.CompareExchange(ref _lastLogTicks, now, last) != last)
            {
                Interlocked.Increment(ref _unlogged);
                return;
            }

            var since = Interlocked.Exchange(ref _unlogged, 0);
            _logger.LogWarning(
                exception,
                "Rate limit store (Redis) unreachable while counting tier '{Tier}': requests {Outcome} until it answers again ({Unlogged} earlier failures not logged).",
                tier,
                _options.FailureMode == RedisFailureMode.FailOpen ? "are let through uncounted (fail-open)" : "are rejected with 429 (fail-closed)",
                since);
        }

        public void Dispose()
        {
            Task<IConnectionMultiplexer>? connecting;
            bool owns;
            lock (_lock)
            {
                connecting = _connecting;
                owns = _ownsConnection;
            }

            if (owns && connecting is { IsCompletedSuccessfully: true })
            {
                connecting.Result.Dispose();
            }
        }
    }
}
