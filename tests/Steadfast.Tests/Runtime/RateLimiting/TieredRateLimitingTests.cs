using System;
using System.Linq;
using System.Text.Json;
using System.Threading.Tasks;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace Steadfast.Tests.Runtime.RateLimiting
{
    /// <summary>The tiers counted in process, on a real ASP.NET Core pipeline (TestServer).</summary>
    public sealed class TieredRateLimitingTests
    {
        [Fact]
        public async Task SixthLogin_InTheWindow_Gets429_WithRetryAfter_RateLimitHeaders_AndProblemDetails()
        {
            await using var app = await RateLimitedApp.StartAsync();

            for (var i = 1; i <= 5; i++)
            {
                var ok = await app.LoginAsync();
                Assert.Equal(200, ok.Status);
                Assert.Equal(5, ok.LongHeader("RateLimit-Limit"));
                Assert.Equal(5 - i, ok.LongHeader("RateLimit-Remaining"));
                Assert.InRange(ok.LongHeader("RateLimit-Reset"), 1, 60);
                Assert.Null(ok.Header("Retry-After"));
            }

            var rejected = await app.LoginAsync();
            Assert.Equal(429, rejected.Status);
            Assert.InRange(rejected.LongHeader("Retry-After"), 1, 60);
            Assert.Equal(5, rejected.LongHeader("RateLimit-Limit"));
            Assert.Equal(0, rejected.LongHeader("RateLimit-Remaining"));
            Assert.InRange(rejected.LongHeader("RateLimit-Reset"), 1, 60);
            Assert.Equal(rejected.LongHeader("RateLimit-Reset"), rejected.LongHeader("Retry-After"));

            Assert.StartsWith("application/problem+json", rejected.ContentType);
            using var problem = JsonDocument.Parse(rejected.Body);
            Assert.Equal(429, problem.RootElement.GetProperty("status").GetInt32());
            Assert.Equal("Too Many Requests", problem.RootElement.GetProperty("title").GetString());
            Assert.Equal(rejected.LongHeader("Retry-After"), problem.RootElement.GetProperty("retryAfter").GetInt64());
            Assert.Equal("auth", problem.RootElement.GetProperty("tier").GetString());
        }

        [Fact]
        public async Task TheProblemBody_GoesThroughTheAppsProblemDetailsService_WhenItHasOne()
        {
            await using var app = await RateLimitedApp.StartAsync(o => o.Auth.PermitLimit = 1, services: s => s.AddProblemDetails(p =>
                p.CustomizeProblemDetails = c => c.ProblemDetails.Extensions["service"] = "crm"));
            await app.LoginAsync();
            var rejected = await app.LoginAsync();

            Assert.Equal(429, rejected.Status);
            using var problem = JsonDocument.Parse(rejected.Body);
            Assert.Equal("crm", problem.RootElement.GetProperty("service").GetString());
            Assert.Equal(rejected.LongHeader("Retry-After"), problem.RootElement.GetProperty("retryAfter").GetInt64());
        }

        [Fact]
        public async Task DefaultTiers_AreAuth5_Write30_Read120_Health300_PerMinute()
        {
            var options = new SteadfastRateLimitingOptions();
            Assert.Equal(new[] { ("auth", 5), ("write", 30), ("read", 120), ("health", 300) }, options.Tiers.Select(t => (t.Name, t.PermitLimit)));
            Assert.All(options.Tiers, t => Assert.Equal(TimeSpan.FromMinutes(1), t.Window));

            await using var app = await RateLimitedApp.StartAsync();
            Assert.Equal(30, (await app.SendAsync("POST", "/leads")).LongHeader("RateLimit-Limit"));
            Assert.Equal(120, (await app.SendAsync("GET", "/leads")).LongHeader("RateLimit-Limit"));
            Assert.Equal(300, (await app.SendAsync("GET", "/health")).LongHeader("RateLimit-Limit"));
            Assert.Null((await app.SendAsync("GET", "/unlimited")).Header("RateLimit-Limit"));
        }

        [Fact]
        public async Task TiersAreChangeable_AndNewTiersCanBeAdded()
        {
            await using var app = await RateLimitedApp.StartAsync(o =>
            {
                o.Auth.PermitLimit = 2;
                o.Write.Window = TimeSpan.FromMinutes(10);
                o.AddTier("export", 1, TimeSpan.FromHours(1));
            });

            Assert.Equal(200, (await app.LoginAsync()).Status);
            Assert.Equal(200, (await app.LoginAsync()).Status);
            Assert.Equal(429, (await app.LoginAsync()).Status);

            Assert.InRange((await app.SendAsync("POST", "/leads")).LongHeader("RateLimit-Reset"), 61, 600);

            Assert.Equal(200, (await app.SendAsync("GET", "/export")).Status);
            var second = await app.SendAsync("GET", "/export");
            Assert.Equal(429, second.Status);
            Assert.InRange(second.LongHeader("Retry-After"), 3000, 3600);
        }

        [Fact]
        public async Task HealthStaysAvailable_WhileAuthIsLimited()
        {
            await using var app = await RateLimitedApp.StartAsync();
            for (var i = 0; i < 6; i++)
            {
                await app.LoginAsync();
            }

            Assert.Equal(429, (await app.LoginAsync()).Status);
            for (var i = 0; i < 20; i++)
            {
                Assert.Equal(200, (await app.SendAsync("GET", "/health")).Status);
            }

            Assert.Equal(200, (await app.SendAsync("GET", "/leads")).Status);
            Assert.Equal(429, (await app.LoginAsync()).Status);
        }

        [Fact]
        public async Task AuthenticatedUsers_AreCountedPerUser_AnonymousRequests_PerClientIp()
        {
            await using var app = await RateLimitedApp.StartAsync(o => o.Auth.PermitLimit = 2);

            // Two users behind one IP each get their own count.
            for (var i = 0; i < 2; i++)
            {
                Assert.Equal(200, (await app.LoginAsync(user: "alice")).Status);
                Assert.Equal(200, (await app.LoginAsync(user: "bob")).Status);
            }

            Assert.Equal(429, (await app.LoginAsync(user: "alice")).Status);
            Assert.Equal(429, (await app.LoginAsync(user: "bob")).Status);

            // One user is one count from any IP.
            Assert.Equal(429, (await app.LoginAsync(ip: "198.51.100.1", user: "alice")).Status);

            // Anonymous requests from that same IP have a count of their own, and each IP another.
            Assert.Equal(200, (await app.LoginAsync()).Status);
            Assert.Equal(200, (await app.LoginAsync()).Status);
            Assert.Equal(429, (await app.LoginAsync()).Status);
            Assert.Equal(200, (await app.LoginAsync(ip: "198.51.100.2")).Status);
            Assert.Equal(200, (await app.LoginAsync(ip: "2001:db8::1")).Status);
        }

        [Fact]
        public async Task XForwardedFor_IsIgnored_UnlessTheAppConfiguredForwardedHeaders()
        {
            // No forwarded headers middleware: every request comes from the proxy's address, whatever the header says.
            await using (var app = await RateLimitedApp.StartAsync(o => o.Auth.PermitLimit = 1))
            {
                Assert.Equal(200, (await app.LoginAsync(ip: RateLimitedApp.ProxyIp, forwardedFor: "192.0.2.1")).Status);
                Assert.Equal(429, (await app.LoginAsync(ip: RateLimitedApp.ProxyIp, forwardedFor: "192.0.2.2")).Status);
            }

            // The app trusts its proxy (UseForwardedHeaders with KnownProxies): each client IP is counted.
            await using (var app = await RateLimitedApp.StartAsync(o => o.Auth.PermitLimit = 1, trustProxy: true))
            {
                Assert.Equal(200, (await app.LoginAsync(ip: RateLimitedApp.ProxyIp, forwardedFor: "192.0.2.1")).Status);
                Assert.Equal(200, (await app.LoginAsync(ip: RateLimitedApp.ProxyIp, forwardedFor: "192.0.2.2")).Status);
                Assert.Equal(429, (await app.LoginAsync(ip: RateLimitedApp.ProxyIp, forwardedFor: "192.0.2.1")).Status);

                // A client that is not the known proxy cannot choose its partition with the header.
                Assert.Equal(200, (await app.LoginAsync(ip: "198.51.100.9", forwardedFor: "192.0.2.3")).Status);
                Assert.Equal(429, (await app.LoginAsync(ip: "198.51.100.9", forwardedFor: "192.0.2.4")).Status);
            }
        }

        [Fact]
        public async Task CustomPartitionKey_IsUsed_AndNullFallsBackToTheDefault()
        {
            await using var app = await RateLimitedApp.StartAsync(o =>
            {
                o.Auth.PermitLimit = 1;
                o.PartitionKey = c => c.Request.Headers.TryGetValue("X-Test-User", out var u) && u == "tenant-shared" ? "tenant:acme" : null;
            });

            Assert.Equal(200, (await app.LoginAsync(ip: "198.51.100.1", user: "tenant-shared")).Status);
            Assert.Equal(429, (await app.LoginAsync(ip: "198.51.100.2", user: "tenant-shared")).Status);
            Assert.Equal(200, (await app.LoginAsync(ip: "198.51.100.1", user: "carol")).Status);
        }

        [Fact]
        public async Task TheWindowReplenishes_AndRateLimitResetCountsDown()
        {
            await using var app = await RateLimitedApp.StartAsync(o =>
            {
                o.Auth.PermitLimit = 1;
                o.Auth.Window = TimeSpan.FromSeconds(2);
            });
            Assert.Equal(200, (await app.LoginAsync()).Status);

            var rejected = await app.LoginAsync();
            Assert.Equal(429, rejected.Status);
            Assert.InRange(rejected.LongHeader("Retry-After"), 1, 2);
            Assert.InRange(rejected.LongHeader("RateLimit-Reset"), 0, 2);

            await Task.Delay(TimeSpan.FromMilliseconds(2600));
            var again = await app.LoginAsync();
            Assert.Equal(200, again.Status);
            Assert.Equal(0, again.LongHeader("RateLimit-Remaining"));
            Assert.InRange(again.LongHeader("RateLimit-Reset"), 1, 2);
        }

        [Fact]
        public async Task Rejections_AreCountedInTheSteadfastRateLimitingMeter_ByTier()
        {
            await using var app = await RateLimitedApp.StartAsync(o => o.Auth.PermitLimit = 2);
            for (var i = 0; i < 5; i++)
            {
                await app.LoginAsync();
            }

            await app.SendAsync("GET", "/health");

            Assert.Equal(3, app.Count("steadfast.rate_limiting.rejections", "tier", "auth"));
            Assert.Equal(0, app.Count("steadfast.rate_limiting.rejections", "tier", "health"));
            Assert.Equal(3, app.Measurements.Count(m => m.Instrument == "steadfast.rate_limiting.rejections"));
        }

        [Fact]
        public async Task EightThreads_HammeringOneTier_GetExactlyTheLimit()
        {
            await using var app = await RateLimitedApp.StartAsync(o => o.Write.PermitLimit = 50);
            var replies = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(async () =>
            {
                var statuses = new int[25];
                for (var i = 0; i < statuses.Length; i++)
                {
                    statuses[i] = (await app.SendAsync("POST", "/leads")).Status;
                }

                return statuses;
            })));

            var all = replies.SelectMany(r => r).ToList();
            Assert.Equal(50, all.Count(s => s == 200));
            Assert.Equal(150, all.Count(s => s == 429));
            Assert.Equal(150, app.Count("steadfast.rate_limiting.rejections", "tier", "write"));
        }
    }
}
