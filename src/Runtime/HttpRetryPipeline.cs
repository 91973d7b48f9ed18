using System;
using System.Globalization;
using System.Net.Http;
using System.Threading.Tasks;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Logging;
using Polly;
using Polly.Retry;

namespace Steadfast
{
    /// <summary>
    /// Steadfast's preset on Microsoft.Extensions.Http.Resilience: the library's <see cref="HttpRetryStrategyOptions"/>
    /// (its transient-failure predicate, <c>Retry-After</c> handling, exponential backoff with jitter) held to what
    /// <see cref="ResilientHttp"/> promises, outside the library's <see cref="HttpTimeoutStrategyOptions"/> per attempt.
    /// </summary>
    /// <remarks>
    /// What is Steadfast's own, because the library does not do it: the statuses are narrowed to 408, 429, 500, 502,
    /// 503 and 504 (the library retries every 5xx, 501 and 505 included), an <see cref="HttpRequestException"/> that carries
    /// a permanent status is not retried (the library retries them all), any <see cref="OperationCanceledException"/> not
    /// caused by the caller counts as a timeout (the library knows only .NET 5+'s form of <c>HttpClient.Timeout</c>), a
    /// <c>Retry-After</c> is capped at <see cref="ResilientHttpOptions.MaxDelay"/> and its date read on the configured
    /// clock (the library reads <see cref="TimeProvider.System"/> and caps nothing), POST and PATCH are held back unless
    /// marked safe to repeat, and each retry is logged with EventId 2001.
    /// </remarks>
    internal static class HttpRetryPipeline
    {
        private static readonly Action<ILogger, string, string, string, int, int, double, Exception?> LogRetry = LoggerMessage.Define<string, string, string, int, int, double>(
            LogLevel.Warning,
            new EventId(2001, "HttpRetry"),
            "HTTP {Method} {Url} failed ({Outcome}); retry {Retry} of {MaxRetries} in {DelayMs:0} ms");

        /// <summary>The pipeline for HTTP responses: <see cref="ResilientHttpHandler"/>, <see cref="ResilientHttp.CreateClient"/>, <c>RetryAsync</c> of a response.</summary>
        public static ResiliencePipeline<HttpResponseMessage> Build(ResilientHttpOptions options) =>
            AddTo(new ResiliencePipelineBuilder<HttpResponseMessage>(), options).Build();

        /// <summary>Adds the preset's strategies to <paramref name="builder"/> (also the one <c>AddResilienceHandler</c> hands <c>AddSteadfastRetry</c>).</summary>
        public static ResiliencePipelineBuilder<HttpResponseMessage> AddTo(ResiliencePipelineBuilder<HttpResponseMessage> builder, ResilientHttpOptions options)
        {
            if (options.TimeProvider is { } time)
            {
                builder.TimeProvider = time;
            }

            if (options.MaxRetries > 0)
            {
                builder.AddRetry(RetryOptions(options));
            }

            if (options.AttemptTimeout is { } timeout)
            {
                builder.AddTimeout(new HttpTimeoutStrategyOptions { Timeout = timeout });
            }

            return builder;
        }

        /// <summary>
        /// The pipeline for <c>RetryAsync</c> of anything but a response (a string, a deserialised body): the same preset,
        /// which then sees only the exceptions the call throws.
        /// </summary>
        public static ResiliencePipeline<T> BuildFor<T>(ResilientHttpOptions options)
        {
            var builder = new ResiliencePipelineBuilder<T>();
            if (options.TimeProvider is { } time)
            {
                builder.TimeProvider = time;
            }

            if (options.MaxRetries > 0)
            {
                var http = RetryOptions(options);
                var shouldHandle = http.ShouldHandle;
                var onRetry = http.OnRetry!;
                builder.AddRetry(new RetryStrategyOptions<T>
                {
                    MaxRetryAttempts = http.MaxRetryAttempts,
                    BackoffType = http.BackoffType,
                    UseJitter = http.UseJitter,
                    Delay = http.Delay,
                    MaxDelay = http.MaxDelay,
                    ShouldHandle = args => shouldHandle(new RetryPredicateArguments<HttpResponseMessage>(args.Context, AsHttp(args.Outcome), args.AttemptNumber)),
                    OnRetry = args => onRetry(new OnRetryArguments<HttpResponseMessage>(args.Context, AsHttp(args.Outcome), args.AttemptNumber, args.RetryDelay, args.Duration)),
                });
            }

            if (options.AttemptTimeout is { } timeout)
            {
                builder.AddTimeout(new HttpTimeoutStrategyOptions { Timeout = timeout });
            }

            return builder.Build();
        }

        /// <summary>The library's retry options with Steadfast's preset.</summary>
        internal static HttpRetryStrategyOptions RetryOptions(ResilientHttpOptions options)
        {
            var maxRetries = options.MaxRetries;
            var maxDelay = options.MaxDelay;
            var time = options.TimeProvider;
            var logger = options.Logger;
            var retryNonIdempotent = options.RetryNonIdempotentRequests;

            // The library's defaults stay: exponential backoff, ShouldRetryAfterHeader = true.
            var retry = new HttpRetryStrategyOptions
            {
                MaxRetryAttempts = maxRetries,
                Delay = options.BaseDelay,
                MaxDelay = maxDelay,
                UseJitter = options.UseJitter,
            };

            var retryAfter = retry.DelayGenerator!; // the library's Retry-After reader, set by ShouldRetryAfterHeader
            retry.DelayGenerator = args => RetryAfter(args, retryAfter, time, maxDelay);
            retry.ShouldHandle = args => new ValueTask<bool>(ShouldRetry(args.Outcome, args.Context, retryNonIdempotent));
            retry.OnRetry = args =>
            {
                if ((logger ?? ResilientHttp.DefaultLogger) is { } log && log.IsEnabled(LogLevel.Warning))
                {
                    var (method, url) = Describe(args.Outcome, args.Context);
                    LogRetry(log, method, url, DescribeOutcome(args.Outcome), args.AttemptNumber + 1, maxRetries, args.RetryDelay.TotalMilliseconds, args.Outcome.Exception);
                }

                return default;
            };
            return retry;
        }

        internal static bool ShouldRetry(Outcome<HttpResponseMessage> outcome, ResilienceContext context, bool retryNonIdempotent)
        {
            // The library's ResilienceHandler puts the request in the context; RetryAsync has none (wrapping a call says it is safe to repeat).
            if (RequestOf(context) is { } request && !CanRepeat(request, retryNonIdempotent))
            {
                return false;
            }

            if (outcome.Exception is { } exception)
            {
                if (context.CancellationToken.IsCancellationRequested)
                {
                    return false; // the caller gave up: never retry that
                }

                return exception switch
                {
                    OperationCanceledException => true, // not the caller's token: HttpClient.Timeout, on any runtime
                    HttpRequestException http when HasPermanentStatus(http) => false, // GetStringAsync's 404
                    _ => HttpClientResiliencePredicates.IsTransient(outcome), // HttpRequestException, TimeoutRejectedException
                };
            }

            // The library: 408, 429 and every 5xx. Steadfast: those of them that are worth repeating.
            return HttpClientResiliencePredicates.IsTransient(outcome) && ResilientHttp.IsTransient(outcome.Result!.StatusCode);
        }

        /// <summary>The request the library's <see cref="ResilienceHandler"/> is sending, or null outside one.</summary>
        /// <remarks>
        /// <c>GetRequestMessage</c> is marked experimental (EXTEXP0001); it is the library's own way in, the one its
        /// <c>DisableFor</c> uses, and the package version is pinned.
        /// </remarks>
        private static HttpRequestMessage? RequestOf(ResilienceContext context)
        {
#pragma warning disable EXTEXP0001
            return context.GetRequestMessage();
#pragma warning restore EXTEXP0001
        }

        private static bool CanRepeat(HttpRequestMessage request, bool retryNonIdempotent)
        {
            var method = request.Method.Method;
            var unsafeMethod = string.Equals(method, "POST", StringComparison.OrdinalIgnoreCase) || string.Equals(method, "PATCH", StringComparison.OrdinalIgnoreCase);
            return !unsafeMethod || retryNonIdempotent || request.Headers.Contains(ResilientHttp.IdempotencyKeyHeader);
        }

        private static bool HasPermanentStatus(HttpRequestException exception)
        {
#if NET5_0_OR_GREATER
            return exception.StatusCode is { } status && !ResilientHttp.IsTransient(status);
#else
            _ = exception;
            return false;
#endif
        }

        /// <summary>
        /// The library's reading of <c>Retry-After</c> (seconds, or a date), capped at <paramref name="maxDelay"/>; a date is
        /// measured against <paramref name="time"/> when one is configured. Null: the backoff's delay.
        /// </summary>
        private static async ValueTask<TimeSpan?> RetryAfter(
            RetryDelayGeneratorArguments<HttpResponseMessage> args,
            Func<RetryDelayGeneratorArguments<HttpResponseMessage>, ValueTask<TimeSpan?>> library,
            TimeProvider? time,
            TimeSpan maxDelay)
        {
            TimeSpan? delay;
            if (time is not null && time != TimeProvider.System && args.Outcome.Result?.Headers.RetryAfter?.Date is { } date)
            {
                var untilThen = date - time.GetUtcNow();
                delay = untilThen < TimeSpan.Zero ? TimeSpan.Zero : untilThen;
            }
            else
            {
                delay = await library(args).ConfigureAwait(false);
            }

            return delay > maxDelay ? maxDelay : delay;
        }

        private static Outcome<HttpResponseMessage> AsHttp<T>(Outcome<T> outcome) =>
            outcome.Exception is { } exception ? Outcome.FromException<HttpResponseMessage>(exception) : Outcome.FromResult<HttpResponseMessage>(null!);

        private static (string Method, string Url) Describe(Outcome<HttpResponseMessage> outcome, ResilienceContext context)
        {
            var request = RequestOf(context) ?? outcome.Result?.RequestMessage;
            if (request is null)
            {
                return ("call", "(address not known)");
            }

            var uri = request.RequestUri;
            var url = uri is null ? "(no address)" : uri.IsAbsoluteUri ? uri.GetLeftPart(UriPartial.Path) : uri.OriginalString.Split('?')[0];
            return (request.Method.Method, url);
        }

        private static string DescribeOutcome(Outcome<HttpResponseMessage> outcome) =>
            outcome.Exception is { } exception
                ? exception.GetType().Name
                : outcome.Result is { } response ? ((int)response.StatusCode).ToString(CultureInfo.InvariantCulture) + " " + response.StatusCode : "result";
    }
}
