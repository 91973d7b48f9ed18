using System;
using System.Net.Http;
using System.Threading.Tasks;
using Microsoft.Extensions.Logging;
using Polly;
using Polly.Retry;
using Polly.Timeout;

namespace Steadfast
{
    /// <summary>Builds the Polly pipeline behind <see cref="ResilientHttp"/>: retry outside, per-attempt timeout inside.</summary>
    internal static class HttpRetryPipeline
    {
        /// <summary>The request being sent, when the pipeline runs inside <see cref="ResilientHttpHandler"/>.</summary>
        internal static readonly ResiliencePropertyKey<HttpRequestMessage> RequestKey = new ResiliencePropertyKey<HttpRequestMessage>("Steadfast.HttpRequest");

        private static readonly Action<ILogger, string, string, string, int, int, double, Exception?> LogRetry = LoggerMessage.Define<string, string, string, int, int, double>(
            LogLevel.Warning,
            new EventId(2001, "HttpRetry"),
            "HTTP {Method} {Url} failed ({Outcome}); retry {Retry} of {MaxRetries} in {DelayMs:0} ms");

        public static ResiliencePipeline<T> Build<T>(ResilientHttpOptions options)
        {
            var time = options.TimeProvider ?? TimeProvider.System;
            var builder = new ResiliencePipelineBuilder<T> { TimeProvider = time };
            if (options.MaxRetries > 0)
            {
                var maxRetries = options.MaxRetries;
                var maxDelay = options.MaxDelay;
                var logger = options.Logger;
                builder.AddRetry(new RetryStrategyOptions<T>
                {
                    MaxRetryAttempts = maxRetries,
                    BackoffType = DelayBackoffType.Exponential,
                    UseJitter = options.UseJitter,
                    Delay = options.BaseDelay,
                    MaxDelay = maxDelay,
                    ShouldHandle = args => new ValueTask<bool>(ShouldRetry(args.Outcome, args.Context, options.RetryNonIdempotentRequests)),
                    DelayGenerator = args => new ValueTask<TimeSpan?>(RetryAfter(args.Outcome, time, maxDelay)),
                    OnRetry = args =>
                    {
                        if ((logger ?? ResilientHttp.DefaultLogger) is { } log && log.IsEnabled(LogLevel.Warning))
                        {
                            var (method, url) = Describe(args.Outcome, args.Context);
                            LogRetry(log, method, url, DescribeOutcome(args.Outcome), args.AttemptNumber + 1, maxRetries, args.RetryDelay.TotalMilliseconds, args.Outcome.Exception);
                        }

                        return default;
                    },
                });
            }

            if (options.AttemptTimeout is { } timeout)
            {
                builder.AddTimeout(timeout);
            }

            return builder.Build();
        }

        internal static bool ShouldRetry<T>(Outcome<T> outcome, ResilienceContext context, bool retryNonIdempotent)
        {
            if (context.Properties.TryGetValue(RequestKey, out var request) && !CanRepeat(request, retryNonIdempotent))
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
                    HttpRequestException http => IsTransient(http),
                    TimeoutRejectedException => true,
                    OperationCanceledException => true, // not the caller's token: HttpClient.Timeout
                    _ => false,
                };
            }

            return outcome.Result is HttpResponseMessage response && ResilientHttp.IsTransient(response.StatusCode);
        }

        private static bool CanRepeat(HttpRequestMessage request, bool retryNonIdempotent)
        {
            var method = request.Method.Method;
            var unsafeMethod = string.Equals(method, "POST", StringComparison.OrdinalIgnoreCase) || string.Equals(method, "PATCH", StringComparison.OrdinalIgnoreCase);
            return !unsafeMethod || retryNonIdempotent || request.Headers.Contains(ResilientHttp.IdempotencyKeyHeader);
        }

        private static bool IsTransient(HttpRequestException exception)
        {
#if NET5_0_OR_GREATER
            return exception.StatusCode is not { } status || ResilientHttp.IsTransient(status);
#else
            return true;
#endif
        }

        /// <summary>The server's <c>Retry-After</c> (seconds or a date), capped at <paramref name="maxDelay"/>; null to use the backoff.</summary>
        internal static TimeSpan? RetryAfter<T>(Outcome<T> outcome, TimeProvider time, TimeSpan maxDelay)
        {
            if (outcome.Result is not HttpResponseMessage { Headers.RetryAfter: { } retryAfter })
            {
                return null;
            }

            TimeSpan? delay = retryAfter.Delta ?? (retryAfter.Date is { } date ? date - time.GetUtcNow() : null);
            if (delay is not { } value)
            {
                return null;
            }

            return value < TimeSpan.Zero ? TimeSpan.Zero : value > maxDelay ? maxDelay : value;
        }

        private static (string Method, string Url) Describe<T>(Outcome<T> outcome, ResilienceContext context)
        {
            var request = context.Properties.TryGetValue(RequestKey, out var fromHandler)
                ? fromHandler
                : (outcome.Result as HttpResponseMessage)?.RequestMessage;
            if (request is null)
            {
                return ("call", "(address not known)");
            }

            var uri = request.RequestUri;
            var url = uri is null ? "(no address)" : uri.IsAbsoluteUri ? uri.GetLeftPart(UriPartial.Path) : uri.OriginalString.Split('?')[0];
            return (request.Method.Method, url);
        }

        private static string DescribeOutcome<T>(Outcome<T> outcome) =>
            outcome.Exception is { } exception
                ? exception.GetType().Name
                : outcome.Result is HttpResponseMessage response ? ((int)response.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture) + " " + response.StatusCode : "result";
    }
}
