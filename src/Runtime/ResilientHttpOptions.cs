using System;
using System.Net.Http;
using Microsoft.Extensions.Logging;
using Polly;

namespace Steadfast
{
    /// <summary>How <see cref="ResilientHttp"/> and <see cref="ResilientHttpHandler"/> retry.</summary>
    public sealed class ResilientHttpOptions
    {
        private int _maxRetries = 3;
        private TimeSpan _baseDelay = TimeSpan.FromSeconds(0.5);
        private TimeSpan _maxDelay = TimeSpan.FromSeconds(30);
        private TimeSpan? _attemptTimeout = TimeSpan.FromSeconds(10);

        /// <summary>Retries after the first attempt (so at most <c>MaxRetries + 1</c> attempts). Zero turns retrying off. Default: 3.</summary>
        public int MaxRetries
        {
            get => _maxRetries;
            set => _maxRetries = value >= 0 ? value : throw new ArgumentOutOfRangeException(nameof(value), value, "The number of retries cannot be negative.");
        }

        /// <summary>The first backoff delay; each retry doubles it (with jitter). Default: 0.5 seconds.</summary>
        public TimeSpan BaseDelay
        {
            get => _baseDelay;
            set => _baseDelay = value >= TimeSpan.Zero ? value : throw new ArgumentOutOfRangeException(nameof(value), value, "The delay cannot be negative.");
        }

        /// <summary>The longest wait between attempts, for backoff and for a server's <c>Retry-After</c> alike. Default: 30 seconds.</summary>
        public TimeSpan MaxDelay
        {
            get => _maxDelay;
            set => _maxDelay = value >= TimeSpan.Zero ? value : throw new ArgumentOutOfRangeException(nameof(value), value, "The maximum delay cannot be negative.");
        }

        /// <summary>Randomise each backoff delay so that many clients do not retry in step. Default: true.</summary>
        public bool UseJitter { get; set; } = true;

        /// <summary>
        /// How long one attempt may take before it is abandoned and retried (a Polly <c>TimeoutRejectedException</c> if it
        /// was the last). Applies to <see cref="ResilientHttpHandler"/> and <see cref="ResilientHttp.CreateClient"/>;
        /// null for none. Default: 10 seconds.
        /// </summary>
        public TimeSpan? AttemptTimeout
        {
            get => _attemptTimeout;
            set => _attemptTimeout = value is null || value.Value > TimeSpan.Zero
                ? value
                : throw new ArgumentOutOfRangeException(nameof(value), value, "The attempt timeout must be positive, or null for none.");
        }

        /// <summary>
        /// Retry POST and PATCH requests too. Off by default: repeating them can do the work twice. A request that
        /// carries an <c>Idempotency-Key</c> header is retried either way.
        /// </summary>
        public bool RetryNonIdempotentRequests { get; set; }

        /// <summary>The clock for backoff delays and <c>Retry-After</c> dates; <see cref="TimeProvider.System"/> when null.</summary>
        public TimeProvider? TimeProvider { get; set; }

        /// <summary>
        /// Where each retry is logged, at Warning (EventId 2001). When null: the logger <see cref="ResilientHttp.Configure"/> set,
        /// else the host's once <c>AddBackgroundTaskTracking</c> is registered (<c>AddSteadfastRetry</c> sets the container's), or none.
        /// </summary>
        public ILogger? Logger { get; set; }

        /// <summary>
        /// Your own Polly pipeline, used instead of the retry and timeout built from the settings above (for HTTP
        /// responses: the handler, <see cref="ResilientHttp.CreateClient"/>, and <c>RetryAsync</c> of an
        /// <see cref="HttpResponseMessage"/>).
        /// </summary>
        public ResiliencePipeline<HttpResponseMessage>? Pipeline { get; set; }

        internal ResilientHttpOptions Clone() => (ResilientHttpOptions)MemberwiseClone();
    }
}
