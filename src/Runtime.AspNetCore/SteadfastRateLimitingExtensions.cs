using System;
using System.Linq;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Steadfast
{
    /// <summary>Registers Steadfast's tiered rate limits on ASP.NET Core's rate limiting middleware.</summary>
    public static class SteadfastRateLimitingExtensions
    {
        /// <summary>The logger category of the rate limiting runtime (Redis failures are logged under it).</summary>
        public const string LoggerCategory = "Steadfast.RateLimiting";

        /// <summary>
        /// Registers ASP.NET Core's rate limiter (<c>AddRateLimiter</c>) with each tier of <see cref="SteadfastRateLimitingOptions"/>
        /// as a named policy (<see cref="RateLimitTiers"/>), <see cref="RateLimiterOptions.RejectionStatusCode"/> 429 and
        /// <see cref="RateLimitRejection.WriteRetryAfter"/> as <see cref="RateLimiterOptions.OnRejected"/>. Each tier
        /// counts per authenticated user, or else per client IP, in a fixed window, in this process or (with
        /// <see cref="SteadfastRateLimitingOptions.UseRedis(string, Action{SteadfastRedisRateLimitingOptions}?)"/>) in Redis.
        /// The application still calls <c>app.UseRateLimiter()</c> (after <c>UseRouting</c> and authentication, when it has them)
        /// and puts a tier on each endpoint with <c>RequireRateLimiting(RateLimitTiers.Auth)</c> or <c>[EnableRateLimiting(…)]</c>.
        /// </summary>
        /// <param name="services">The application's services.</param>
        /// <param name="configure">Changes tiers, adds tiers, sets the partition key or the Redis mode; run once, here.</param>
        /// <returns><paramref name="services"/>.</returns>
        /// <example><code>
        /// builder.Services.AddSteadfastRateLimiting(o => o.Auth.PermitLimit = 10);
        /// var app = builder.Build();
        /// app.UseRateLimiter();
        /// app.MapPost("/login", Login).RequireRateLimiting(RateLimitTiers.Auth);
        /// app.MapGet("/health", () => "ok").RequireRateLimiting(RateLimitTiers.Health);
        /// </code></example>
        /// <exception cref="ArgumentNullException"><paramref name="services"/> is null.</exception>
        /// <exception cref="ArgumentException">A tier's limit or window, or a Redis timeout, is zero or negative: the message names each.</exception>
        /// <exception cref="InvalidOperationException">It was already called on these services.</exception>
        public static IServiceCollection AddSteadfastRateLimiting(this IServiceCollection services, Action<SteadfastRateLimitingOptions>? configure = null)
        {
            if (services is null)
            {
                throw new ArgumentNullException(nameof(services));
            }

            if (services.Any(d => d.ServiceType == typeof(Registered)))
            {
                throw new InvalidOperationException("AddSteadfastRateLimiting was called twice: its tiers would be registered twice. Call it once, with every tier change in its configure callback.");
            }

            var options = new SteadfastRateLimitingOptions();
            configure?.Invoke(options);
            options.Validate();

            var tiers = options.Tiers.Select(t => new TierSettings(t)).ToArray();
            var partitionKey = options.PartitionKey;
            var redisOptions = options.Redis?.Copy();
            var fallbackRetryAfter = tiers.Max(t => t.Window);
            if (fallbackRetryAfter < TimeSpan.FromSeconds(1))
            {
                fallbackRetryAfter = TimeSpan.FromSeconds(1);
            }

            services.AddSingleton<Registered>();
            services.AddHttpContextAccessor();
            if (redisOptions is not null)
            {
                services.AddSingleton(sp => new RedisStore(
                    redisOptions,
                    sp.GetService<ILoggerFactory>()?.CreateLogger(LoggerCategory) ?? NullLogger.Instance,
                    RateLimitingMetrics.For(sp)));
                services.AddSingleton<IHostedService>(sp => new RedisWarmUp(sp.GetRequiredService<RedisStore>()));
            }

            services.AddRateLimiter(_ => { });
            services.AddOptions<RateLimiterOptions>().Configure<IServiceProvider>((limiter, sp) =>
            {
                limiter.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
                limiter.OnRejected = RateLimitRejection.WriteRetryAfter(fallbackRetryAfter);
                var headers = new RateLimitHeaderWriter(sp.GetService<IHttpContextAccessor>());
                var redis = redisOptions is null ? null : sp.GetRequiredService<RedisStore>();
                foreach (var tier in tiers)
                {
                    limiter.AddPolicy(tier.Name, new TierPolicy(tier, partitionKey, redis, headers));
                }
            });
            return services;
        }

        /// <summary>Marks the services as registered once.</summary>
        private sealed class Registered
        {
        }
    }
}
