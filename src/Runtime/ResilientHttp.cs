using System;
using System.Net;
using System.Net.Http;
using System.Runtime.CompilerServices;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Logging;
using Polly;

namespace Steadfast
{
    /// <summary>
    /// HTTP calls that survive a 503 or a 429: a shared client with retries built in (<see cref="CreateClient"/>), or
    /// retries around one call (<see cref="RetryAsync{T}(Func{CancellationToken, Task{T}}, CancellationToken)"/>). Built on
    /// Microsoft.Extensions.Http.Resilience: its <see cref="HttpRetryStrategyOptions"/> and <see cref="ResilienceHandler"/>,
    /// over Polly's <see cref="ResiliencePipeline{T}"/>; pass your own pipeline in <see cref="ResilientHttpOptions.Pipeline"/>.
    /// </summary>
    /// <remarks>
    /// Defaults: 3 retries on 408, 429, 500, 502, 503, 504, <see cref="HttpRequestException"/> (a refused or dropped
    /// connection) and timeouts, never on any other status and never after the caller's own cancellation; exponential
    /// backoff with jitter from 0.5 s; <c>Retry-After</c> (seconds or a date) honoured; every wait capped at 30 s; POST
    /// and PATCH not retried unless <see cref="ResilientHttpOptions.RetryNonIdempotentRequests"/> is set or the request
    /// carries an <c>Idempotency-Key</c> header. Each retry is logged at Warning. When the retries run out, the last
    /// response is returned, or the last exception thrown, unchanged.
    /// </remarks>
    public static class ResilientHttp
    {
        /// <summary>The header that marks a POST or PATCH as safe to repeat.</summary>
        public const string IdempotencyKeyHeader = "Idempotency-Key";

        private static ResilientHttpOptions s_defaults = new ResilientHttpOptions();
        private static ILogger? s_hostLogger;

        /// <summary>Sets the options that calls without options use (a copy is taken).</summary>
        /// <exception cref="ArgumentNullException"><paramref name="options"/> is null.</exception>
        public static void Configure(ResilientHttpOptions options)
        {
            if (options is null)
            {
                throw new ArgumentNullException(nameof(options));
            }

            Volatile.Write(ref s_defaults, options.Clone());
        }

        /// <summary>
        /// A client whose every request goes through the retry pipeline. Create it once and share it (a static field, a
        /// singleton): it pools connections, and on .NET 8 and later refreshes them every 2 minutes so DNS changes are seen.
        /// </summary>
        /// <param name="handler">
        /// The handler that sends requests (your own <c>HttpClientHandler</c>, a test double...); a pooled default when
        /// null. If its chain already holds a <see cref="ResilientHttpHandler"/> or the library's <see cref="ResilienceHandler"/>,
        /// no second retry layer is added.
        /// </param>
        /// <param name="baseAddress">The client's <see cref="HttpClient.BaseAddress"/>.</param>
        /// <param name="options">How to retry; the defaults (see <see cref="Configure"/>) when null.</param>
        public static HttpClient CreateClient(HttpMessageHandler? handler = null, Uri? baseAddress = null, ResilientHttpOptions? options = null)
        {
            var client = handler is not null && HasResilience(handler)
                ? new HttpClient(handler, disposeHandler: true)
                : new HttpClient(new ResilientHttpHandler(handler ?? DefaultHandler(), options), disposeHandler: true);
            if (baseAddress is not null)
            {
                client.BaseAddress = baseAddress;
            }

            return client;
        }

        /// <summary>The pipeline <see cref="CreateClient"/> and <see cref="ResilientHttpHandler"/> use, to run calls of your own through.</summary>
        public static ResiliencePipeline<HttpResponseMessage> CreatePipeline(ResilientHttpOptions? options = null)
        {
            options ??= Volatile.Read(ref s_defaults);
            return options.Pipeline ?? HttpRetryPipeline.Build(options);
        }

        /// <summary>
        /// Runs an HTTP call, and runs it again on a transient failure. The call receives a token to pass on to
        /// <see cref="HttpClient"/>: it is cancelled when <paramref name="cancellationToken"/> is, or when an attempt times out.
        /// </summary>
        /// <example><code>var reply = await ResilientHttp.RetryAsync(ct =&gt; client.GetAsync(url, ct), cancellationToken);</code></example>
        /// <remarks>
        /// Wrapping a call says it is safe to repeat: use it for GET, PUT and DELETE, or for a POST the server
        /// de-duplicates. An <see cref="HttpResponseMessage"/> is retried on a transient status; any other result only on
        /// exceptions (<c>GetStringAsync</c> and <c>GetFromJsonAsync</c> throw <see cref="HttpRequestException"/> carrying the status).
        /// </remarks>
        /// <exception cref="ArgumentNullException"><paramref name="action"/> is null.</exception>
        public static Task<T> RetryAsync<T>(Func<CancellationToken, Task<T>> action, CancellationToken cancellationToken = default) =>
            RetryAsync(action, null, cancellationToken);

        /// <summary>As <see cref="RetryAsync{T}(Func{CancellationToken, Task{T}}, CancellationToken)"/>, with options of your own.</summary>
        /// <exception cref="ArgumentNullException"><paramref name="action"/> is null.</exception>
        public static Task<T> RetryAsync<T>(Func<CancellationToken, Task<T>> action, ResilientHttpOptions? options, CancellationToken cancellationToken = default)
        {
            if (action is null)
            {
                throw new ArgumentNullException(nameof(action));
            }

            var pipeline = PipelineCache<T>.Get(options ?? Volatile.Read(ref s_defaults));
            return pipeline.ExecuteAsync(static async (call, token) => await call(token).ConfigureAwait(false), action, cancellationToken).AsTask();
        }

        /// <summary>True for the statuses worth retrying: 408, 429, 500, 502, 503 and 504.</summary>
        public static bool IsTransient(HttpStatusCode status)
        {
            switch ((int)status)
            {
                case 408:
                case 429:
                case 500:
                case 502:
                case 503:
                case 504:
                    return true;
                default:
                    return false;
            }
        }

        /// <summary>The logger retries go to when the options name none: <see cref="Configure"/>'s, else the host's.</summary>
        internal static ILogger? DefaultLogger => Volatile.Read(ref s_defaults).Logger ?? Volatile.Read(ref s_hostLogger);

        /// <summary>Set by the hosting integration (<c>AddBackgroundTaskTracking</c>): the container's logger, as a last resort.</summary>
        internal static void UseHostLogger(ILogger logger) => Volatile.Write(ref s_hostLogger, logger);

        private static bool HasResilience(HttpMessageHandler handler)
        {
            for (var current = handler; current is not null; current = (current as DelegatingHandler)?.InnerHandler)
            {
                if (current is ResilienceHandler) // ResilientHttpHandler is one
                {
                    return true;
                }
            }

            return false;
        }

        private static HttpMessageHandler DefaultHandler()
        {
#if NET8_0_OR_GREATER
            return new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(2) };
#else
            return new HttpClientHandler();
#endif
        }

        /// <summary>One pipeline per options instance and result type, built on first use.</summary>
        private static class PipelineCache<T>
        {
            private static readonly ConditionalWeakTable<ResilientHttpOptions, ResiliencePipeline<T>> Pipelines = new ConditionalWeakTable<ResilientHttpOptions, ResiliencePipeline<T>>();

            public static ResiliencePipeline<T> Get(ResilientHttpOptions options) =>
                Pipelines.GetValue(options, static o => typeof(T) == typeof(HttpResponseMessage)
                    ? (ResiliencePipeline<T>)(object)CreatePipeline(o)
                    : HttpRetryPipeline.BuildFor<T>(o));
        }
    }
}
