using System;
using System.Threading.RateLimiting;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Xunit;

namespace Steadfast.Tests.Runtime.RateLimiting
{
    /// <summary>Bad input rejected at start-up, the registration itself, and <see cref="RateLimitRejection.WriteRetryAfter"/> on its own.</summary>
    public sealed class RateLimitingConfigurationTests
    {
        public static TheoryData<string, Action<SteadfastRateLimitingOptions>> BadTiers => new()
        {
            { "tier 'auth': PermitLimit must be positive, but is 0", o => o.Auth.PermitLimit = 0 },
            { "tier 'write': PermitLimit must be positive, but is -3", o => o.Write.PermitLimit = -3 },
            { "tier 'read': Window must be positive, but is 00:00:00", o => o.Read.Window = TimeSpan.Zero },
            { "tier 'health': Window must be positive, but is -00:00:01", o => o.Health.Window = TimeSpan.FromSeconds(-1) },
            { "tier 'export': PermitLimit must be positive, but is 0", o => o.AddTier("export", 0, TimeSpan.FromMinutes(1)) },
            { "tier 'export': Window must be positive, but is 00:00:00", o => o.AddTier("export", 1, TimeSpan.Zero) },
            { "Redis: ConnectTimeout must be positive", o => o.UseRedis("localhost:1", r => r.ConnectTimeout = TimeSpan.Zero) },
            { "Redis: OperationTimeout must be positive", o => o.UseRedis("localhost:1", r => r.OperationTimeout = TimeSpan.FromSeconds(-1)) },
            { "Redis: FailClosedRetryAfter must be at least one second", o => o.UseRedis("localhost:1", r => r.FailClosedRetryAfter = TimeSpan.FromMilliseconds(500)) },
            { "Redis: KeyPrefix must not be empty", o => o.UseRedis("localhost:1", r => r.KeyPrefix = " ") },
            { "Redis: FailureMode 7 is neither FailOpen nor FailClosed", o => o.UseRedis("localhost:1", r => r.FailureMode = (RedisFailureMode)7) },
        };

        [Theory]
        [MemberData(nameof(BadTiers))]
        public void ZeroOrNegativeLimitsWindowsAndTimeouts_AreRejectedAtStartUp_WithAMessageThatNamesThem(string expected, Action<SteadfastRateLimitingOptions> configure)
        {
            var services = new ServiceCollection();
            var error = Assert.Throws<ArgumentException>(() => services.AddSteadfastRateLimiting(configure));
            Assert.StartsWith("Steadfast rate limiting is misconfigured: ", error.Message);
            Assert.Contains(expected, error.Message);
        }

        [Fact]
        public void EveryProblem_IsNamedInOneMessage()
        {
            var error = Assert.Throws<ArgumentException>(() => new ServiceCollection().AddSteadfastRateLimiting(o =>
            {
                o.Auth.PermitLimit = 0;
                o.Read.Window = TimeSpan.Zero;
            }));
            Assert.Contains("tier 'auth'", error.Message);
            Assert.Contains("tier 'read'", error.Message);
        }

        [Fact]
        public void CalledTwice_IsAClearError()
        {
            var services = new ServiceCollection().AddSteadfastRateLimiting();
            var error = Assert.Throws<InvalidOperationException>(() => services.AddSteadfastRateLimiting(o => o.Auth.PermitLimit = 10));
            Assert.Contains("AddSteadfastRateLimiting was called twice", error.Message);
        }

        [Fact]
        public void Arguments_AreChecked()
        {
            Assert.Throws<ArgumentNullException>(() => ((IServiceCollection)null!).AddSteadfastRateLimiting());
            var options = new SteadfastRateLimitingOptions();
            Assert.Throws<ArgumentException>(() => options.AddTier(" ", 1, TimeSpan.FromSeconds(1)));
            Assert.Throws<ArgumentException>(() => options.UseRedis(""));
            Assert.Throws<ArgumentNullException>(() => options.UseRedis((Func<StackExchange.Redis.IConnectionMultiplexer>)null!));
            Assert.Throws<System.Collections.Generic.KeyNotFoundException>(() => options["nope"]);
            Assert.Same(options.Auth, options[RateLimitTiers.Auth]);
            Assert.Throws<ArgumentOutOfRangeException>(() => RateLimitRejection.WriteRetryAfter(TimeSpan.FromMilliseconds(999)));
        }

        [Fact]
        public void TheRegistration_Sets429_TheRejectionWriter_AndOnePolicyPerTier()
        {
            var services = new ServiceCollection();
            services.AddLogging();
            services.AddSteadfastRateLimiting(o => o.AddTier("export", 2, TimeSpan.FromMinutes(5)));
            using var provider = services.BuildServiceProvider();
            var limiter = provider.GetRequiredService<IOptions<RateLimiterOptions>>().Value;

            Assert.Equal(StatusCodes.Status429TooManyRequests, limiter.RejectionStatusCode);
            Assert.NotNull(limiter.OnRejected);
            Assert.Null(limiter.GlobalLimiter);
        }

        [Fact]
        public async Task WriteRetryAfter_OnAPlainFixedWindowLimiter_WritesTheLeasesRetryAfter()
        {
            // The shape SF6002's fix writes into an application's own AddRateLimiter.
            await using var app = await StartPlainAsync(options => options.AddFixedWindowLimiter("login", o =>
            {
                o.PermitLimit = 1;
                o.Window = TimeSpan.FromSeconds(90);
                o.QueueLimit = 0;
            }), TimeSpan.FromSeconds(7));
            var client = app.GetTestClient();

            Assert.Equal(200, (int)(await client.PostAsync("/login", null)).StatusCode);
            var rejected = await client.PostAsync("/login", null);
            Assert.Equal(429, (int)rejected.StatusCode);
            Assert.Equal(TimeSpan.FromSeconds(90), rejected.Headers.RetryAfter?.Delta);
            Assert.Equal("application/problem+json", rejected.Content.Headers.ContentType?.MediaType);
            Assert.False(rejected.Headers.Contains("RateLimit-Limit")); // a plain limiter's lease does not know it
        }

        [Fact]
        public async Task WriteRetryAfter_FallsBack_WhenTheLeaseHasNoRetryAfter()
        {
            // A concurrency limiter's rejected lease carries no retry-after.
            var entered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            await using var app = await StartPlainAsync(options => options.AddConcurrencyLimiter("login", o =>
            {
                o.PermitLimit = 1;
                o.QueueLimit = 0;
            }), TimeSpan.FromSeconds(7), entered, gate.Task);
            var client = app.GetTestClient();

            var first = client.PostAsync("/login", null);
            await entered.Task.WaitAsync(TimeSpan.FromSeconds(30));
            var rejected = await client.PostAsync("/login", null);
            gate.SetResult();
            Assert.Equal(200, (int)(await first).StatusCode);
            Assert.Equal(429, (int)rejected.StatusCode);
            Assert.Equal(TimeSpan.FromSeconds(7), rejected.Headers.RetryAfter?.Delta);
        }

        private static async Task<WebApplication> StartPlainAsync(Action<RateLimiterOptions> policies, TimeSpan fallback, TaskCompletionSource? entered = null, Task? hold = null)
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.WebHost.UseTestServer();
            builder.Services.AddRateLimiter(options =>
            {
                options.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
                options.OnRejected = RateLimitRejection.WriteRetryAfter(fallback);
                policies(options);
            });
            var app = builder.Build();
            app.UseRateLimiter();
            app.MapPost("/login", async () =>
            {
                entered?.TrySetResult();
                if (hold is not null)
                {
                    await hold;
                }

                return "token";
            }).RequireRateLimiting("login");
            await app.StartAsync();
            return app;
        }
    }
}
