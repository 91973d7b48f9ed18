using System;
using System.Globalization;
using System.Text.Json;
using System.Threading;
using System.Threading.RateLimiting;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.DependencyInjection;

namespace Steadfast
{
    /// <summary>
    /// What a rejected request gets: 429 Too Many Requests, a <c>Retry-After</c> in whole seconds, the
    /// <c>RateLimit-Limit</c>/<c>RateLimit-Remaining</c>/<c>RateLimit-Reset</c> headers where the lease knows them, and a
    /// problem-details body. Each rejection is counted in the <c>Steadfast.RateLimiting</c> meter.
    /// </summary>
    public static class RateLimitRejection
    {
        /// <summary>
        /// Returns an <see cref="RateLimiterOptions.OnRejected"/> callback that sets 429 and <c>Retry-After</c> in whole
        /// seconds (rounded up, at least 1) from the lease's <see cref="MetadataName.RetryAfter"/>, or else
        /// <paramref name="fallbackRetryAfter"/>, adds the RateLimit headers the lease can give, counts the rejection in the
        /// <c>Steadfast.RateLimiting</c> meter, and writes a problem-details body (through the application's
        /// <c>IProblemDetailsService</c> when it has one).
        /// </summary>
        /// <param name="fallbackRetryAfter">The wait to announce when the lease gives none, such as the policy's window; at least one second.</param>
        /// <example><code>
        /// services.AddRateLimiter(options =>
        /// {
        ///     options.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
        ///     options.OnRejected = RateLimitRejection.WriteRetryAfter(TimeSpan.FromMinutes(1));
        ///     options.AddFixedWindowLimiter("login", o => { o.PermitLimit = 5; o.Window = TimeSpan.FromMinutes(1); });
        /// });
        /// </code></example>
        /// <exception cref="ArgumentOutOfRangeException"><paramref name="fallbackRetryAfter"/> is less than one second.</exception>
        public static Func<OnRejectedContext, CancellationToken, ValueTask> WriteRetryAfter(TimeSpan fallbackRetryAfter)
        {
            if (fallbackRetryAfter < TimeSpan.FromSeconds(1))
            {
                throw new ArgumentOutOfRangeException(nameof(fallbackRetryAfter), fallbackRetryAfter, "The fallback Retry-After must be at least one second.");
            }

            return (context, cancellationToken) => WriteAsync(context, fallbackRetryAfter, cancellationToken);
        }

        private static async ValueTask WriteAsync(OnRejectedContext context, TimeSpan fallbackRetryAfter, CancellationToken cancellationToken)
        {
            var httpContext = context.HttpContext;
            var lease = context.Lease;
            var tier = lease is TierLease tierLease ? tierLease.Tier : PolicyName(httpContext);
            RateLimitingMetrics.For(httpContext.RequestServices).Rejected(tier);

            if (httpContext.Response.HasStarted)
            {
                return;
            }

            var retryAfter = LeaseInfo.RetryAfter(lease) ?? fallbackRetryAfter;
            var seconds = LeaseInfo.WholeSeconds(retryAfter);
            httpContext.Response.StatusCode = StatusCodes.Status429TooManyRequests;
            httpContext.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
            LeaseInfo.WriteRateLimitHeaders(httpContext.Response, lease);

            var problem = new ProblemDetails
            {
                Type = "https://www.rfc-editor.org/rfc/rfc6585#section-4",
                Title = "Too Many Requests",
                Status = StatusCodes.Status429TooManyRequests,
                Detail = $"Too many requests. Retry after {seconds.ToString(CultureInfo.InvariantCulture)} seconds.",
            };
            problem.Extensions["retryAfter"] = seconds;
            if (tier is not null)
            {
                problem.Extensions["tier"] = tier;
            }

            // The application's problem details service (AddProblemDetails) when it has one, so its customisations apply.
            if (httpContext.RequestServices?.GetService<IProblemDetailsService>() is { } service
                && await service.TryWriteAsync(new ProblemDetailsContext { HttpContext = httpContext, ProblemDetails = problem }).ConfigureAwait(false))
            {
                return;
            }

            await httpContext.Response.WriteAsJsonAsync(problem, Json, "application/problem+json", cancellationToken).ConfigureAwait(false);
        }

        private static string? PolicyName(HttpContext httpContext)
        {
            return httpContext.GetEndpoint()?.Metadata.GetMetadata<EnableRateLimitingAttribute>()?.PolicyName;
        }
        private static readonly JsonSerializerOptions Json = new JsonSerializerOptions(JsonSerializerDefaults.Web);
    }
}
