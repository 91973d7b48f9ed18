using System;
using System.Diagnostics;
using System.Linq;
using System.Threading.Tasks;
using Microsoft.Extensions.Logging;
using Xunit;

namespace Steadfast.Tests.Runtime.RateLimiting
{
    /// <summary>
    /// The Redis mode against a real <c>redis-server</c> that each test starts on 127.0.0.1 at a free port and stops:
    /// instances share one count; Redis killed mid-test fails open or closed as configured, is logged and counted, and
    /// no request hangs.
    /// </summary>
    public sealed class RedisRateLimitingTests
    {
        /// <summary>
        /// Generous on a busy shared machine, and far below "hangs": after a kill the connection fails fast, and a Redis
        /// that never answers costs at most the connect plus the operation timeout (2 s + 1 s by default, 1 s in that test).
        /// </summary>
        private static readonly TimeSpan NoHang = TimeSpan.FromSeconds(6);

        [Fact]
        public async Task TwoInstances_SharingOneRedis_TogetherRejectTheRequestOverTheLimit()
        {
            await using var redis = await RedisServer.StartAsync();
            await using var first = await RateLimitedApp.StartAsync(o => o.UseRedis(redis.Configuration));
            await using var second = await RateLimitedApp.StartAsync(o => o.UseRedis(redis.Configuration));

            // Five logins between two instances: each alone would allow five, together they allow five.
            var remaining = new long[5];
            for (var i = 0; i < 5; i++)
            {
                var reply = await (i % 2 == 0 ? first : second).LoginAsync();
                Assert.Equal(200, reply.Status);
                Assert.Equal(5, reply.LongHeader("RateLimit-Limit"));
                remaining[i] = reply.LongHeader("RateLimit-Remaining");
            }

            Assert.Equal(new long[] { 4, 3, 2, 1, 0 }, remaining);

            var rejectedBySecond = await second.LoginAsync();
            var rejectedByFirst = await first.LoginAsync();
            foreach (var rejected in new[] { rejectedBySecond, rejectedByFirst })
            {
                Assert.Equal(429, rejected.Status);
                Assert.InRange(rejected.LongHeader("Retry-After"), 1, 61);
                Assert.Equal(0, rejected.LongHeader("RateLimit-Remaining"));
                Assert.StartsWith("application/problem+json", rejected.ContentType);
            }

            Assert.Equal(1, first.Count("steadfast.rate_limiting.rejections", "tier", "auth"));
            Assert.Equal(1, second.Count("steadfast.rate_limiting.rejections", "tier", "auth"));

            // Other tiers and other clients keep counts of their own in the same Redis.
            Assert.Equal(200, (await first.SendAsync("GET", "/health")).Status);
            Assert.Equal(200, (await second.LoginAsync(ip: "198.51.100.1")).Status);
            Assert.Equal(200, (await first.LoginAsync(user: "alice")).Status);
        }

        [Fact]
        public async Task KeyPrefix_SeparatesServicesThatShareARedis()
        {
            await using var redis = await RedisServer.StartAsync();
            await using var billing = await RateLimitedApp.StartAsync(o => { o.Auth.PermitLimit = 1; o.UseRedis(redis.Configuration, r => r.KeyPrefix = "billing"); });
            await using var crm = await RateLimitedApp.StartAsync(o => { o.Auth.PermitLimit = 1; o.UseRedis(redis.Configuration, r => r.KeyPrefix = "crm"); });

            Assert.Equal(200, (await billing.LoginAsync()).Status);
            Assert.Equal(200, (await crm.LoginAsync()).Status);
            Assert.Equal(429, (await billing.LoginAsync()).Status);
            Assert.Equal(429, (await crm.LoginAsync()).Status);
        }

        [Fact]
        public async Task RedisKilledMidTest_FailOpen_LetsRequestsThrough_LogsAndCounts_WithoutHanging()
        {
            await using var redis = await RedisServer.StartAsync();
            await using var app = await RateLimitedApp.StartAsync(o =>
            {
                o.Auth.PermitLimit = 2;
                o.UseRedis(redis.Configuration, r =>
                {
                    r.FailureMode = RedisFailureMode.FailOpen;
                });
            });
            AssertCounted(app, await app.LoginAsync(), 200);
            AssertCounted(app, await app.LoginAsync(), 200);
            AssertCounted(app, await app.LoginAsync(), 429);

            await redis.KillAsync();

            for (var i = 0; i < 4; i++)
            {
                var (reply, took) = await TimedAsync(() => app.LoginAsync());
                Assert.Equal(200, reply.Status); // over the limit, but uncounted: fail-open
                Assert.Null(reply.Header("RateLimit-Remaining")); // no count to report
                Assert.True(took < NoHang, $"request {i} took {took}");
            }

            Assert.Equal(4, app.Count("steadfast.rate_limiting.store_failures", "mode", "fail_open"));
            var warning = Assert.Single(app.Logs.Entries, e => e.Level == LogLevel.Warning && e.Category == "Steadfast.RateLimiting");
            Assert.Contains("tier 'auth'", warning.Message);
            Assert.Contains("fail-open", warning.Message);
            Assert.NotNull(warning.Exception);
        }

        [Fact]
        public async Task RedisKilledMidTest_FailClosed_Rejects429WithRetryAfter_LogsAndCounts_WithoutHanging()
        {
            await using var redis = await RedisServer.StartAsync();
            await using var app = await RateLimitedApp.StartAsync(o =>
            {
                o.Auth.PermitLimit = 2;
                o.UseRedis(redis.Configuration, r =>
                {
                    r.FailureMode = RedisFailureMode.FailClosed;
                    r.FailClosedRetryAfter = TimeSpan.FromSeconds(3);
                });
            });
            Assert.Equal(200, (await app.LoginAsync()).Status);
            Assert.Equal(200, (await app.SendAsync("GET", "/health")).Status);

            await redis.KillAsync();

            foreach (var path in new[] { "/login", "/health", "/login" })
            {
                var (reply, took) = await TimedAsync(() => app.SendAsync(path == "/login" ? "POST" : "GET", path));
                Assert.Equal(429, reply.Status); // under the limit, but Redis cannot count it: fail-closed
                Assert.Equal(3, reply.LongHeader("Retry-After"));
                Assert.StartsWith("application/problem+json", reply.ContentType);
                Assert.True(took < NoHang, $"{path} took {took}");
            }

            Assert.Equal(2, app.Count("steadfast.rate_limiting.store_failures", "tier", "auth"));
            Assert.Equal(1, app.Count("steadfast.rate_limiting.store_failures", "tier", "health"));
            Assert.Equal(3, app.Count("steadfast.rate_limiting.store_failures", "mode", "fail_closed"));
            Assert.Equal(3, app.Measurements.Count(m => m.Instrument == "steadfast.rate_limiting.rejections"));
            var warning = Assert.Single(app.Logs.Entries, e => e.Level == LogLevel.Warning && e.Category == "Steadfast.RateLimiting");
            Assert.Contains("fail-closed", warning.Message);
        }

        [Fact]
        public async Task RedisNeverReachable_IsBounded_FromTheFirstRequest()
        {
            var nothingListens = RedisServer.FreePort();
            await using var app = await RateLimitedApp.StartAsync(o => o.UseRedis($"127.0.0.1:{nothingListens}", r =>
            {
                r.FailureMode = RedisFailureMode.FailClosed;
                r.ConnectTimeout = TimeSpan.FromMilliseconds(500);
                r.OperationTimeout = TimeSpan.FromMilliseconds(500);
            }));

            for (var i = 0; i < 3; i++)
            {
                var (reply, took) = await TimedAsync(() => app.LoginAsync());
                Assert.Equal(429, reply.Status);
                Assert.True(took < NoHang, $"request {i} took {took}");
            }

            Assert.Equal(3, app.Count("steadfast.rate_limiting.store_failures", "mode", "fail_closed"));
        }

        [Fact]
        public async Task RedisBack_CountsAgain()
        {
            await using var redis = await RedisServer.StartAsync();
            var port = redis.Port;
            await using var app = await RateLimitedApp.StartAsync(o =>
            {
                o.Auth.PermitLimit = 1;
                o.UseRedis(redis.Configuration, r =>
                {
                    r.FailureMode = RedisFailureMode.FailOpen;
                });
            });
            Assert.Equal(200, (await app.LoginAsync()).Status);
            await redis.KillAsync();
            Assert.Equal(200, (await app.LoginAsync()).Status);

            await using var restarted = await RedisServer.StartOnAsync(port);
            var deadline = Stopwatch.StartNew();
            Reply reply;
            do
            {
                await Task.Delay(200);
                reply = await app.LoginAsync();
            }
            while (reply.Header("RateLimit-Limit") is null && deadline.Elapsed < TimeSpan.FromSeconds(30));

            // The restarted Redis is empty: the first counted login is allowed, the next one is over the limit.
            Assert.Equal(200, reply.Status);
            Assert.Equal(0, reply.LongHeader("RateLimit-Remaining"));
            Assert.Equal(429, (await app.LoginAsync()).Status);
        }

        [Fact]
        public async Task NoRedisServerOnThePath_FailsWithTheInstallCommand_InsteadOfSkipping()
        {
            var error = await Assert.ThrowsAsync<InvalidOperationException>(() => RedisServer.StartOnAsync(RedisServer.FreePort(), path: "/nonexistent-steadfast-bin"));
            Assert.Contains("redis-server is not on PATH", error.Message);
            Assert.Contains("apt-get install -y redis-server", error.Message);
        }

        /// <summary>Counted in Redis (it has the RateLimit numbers), with this status; else the log says why not.</summary>
        private static void AssertCounted(RateLimitedApp app, Reply reply, int status)
        {
            var log = string.Join(" | ", app.Logs.Entries.Where(e => e.Level >= LogLevel.Warning).Select(e => e.Message + " " + e.Exception));
            Assert.True(reply.Status == status && reply.Header("RateLimit-Limit") is not null, $"expected {status}, counted; got {reply.Status}, headers {string.Join(", ", reply.Headers.Keys)}; the log: {log}");
        }

        private static async Task<(Reply Reply, TimeSpan Took)> TimedAsync(Func<Task<Reply>> send)
        {
            var watch = Stopwatch.StartNew();
            var reply = await send().WaitAsync(TimeSpan.FromSeconds(30));
            return (reply, watch.Elapsed);
        }
    }
}
