using System;
using System.Collections.Concurrent;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Net.Http.Json;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Logging;
using Polly;
using Polly.Retry;
using Polly.Timeout;
using Steadfast.Tests.Support;
using Xunit;

namespace Steadfast.Tests.Runtime
{
    /// <summary>ResilientHttp against a real Kestrel server on 127.0.0.1 with scripted faults.</summary>
    public sealed class ResilientHttpTests : IAsyncLifetime
    {
        private FaultServer _server = null!;
        private readonly ListLogger _log = new ListLogger("Steadfast.ResilientHttp");

        public async Task InitializeAsync() => _server = await FaultServer.StartAsync();

        public async Task DisposeAsync() => await _server.DisposeAsync();

        /// <summary>Fast, deterministic retries on the real clock (the delays are not what these tests are about).</summary>
        private ResilientHttpOptions Fast(Action<ResilientHttpOptions>? change = null)
        {
            var options = new ResilientHttpOptions { BaseDelay = TimeSpan.FromMilliseconds(1), UseJitter = false, Logger = _log };
            change?.Invoke(options);
            return options;
        }

        private HttpClient Client(ResilientHttpOptions options) => ResilientHttp.CreateClient(baseAddress: _server.BaseAddress, options: options);

        // ---------------------------------------------------------------- what is retried

        [Fact]
        public async Task TwoServiceUnavailable_ThenOk_SucceedsInThreeAttempts()
        {
            _server.Enqueue(FaultServer.Status(503), FaultServer.Status(503), FaultServer.Status(200, "enriched"));
            using var client = Client(Fast());

            using var response = await client.GetAsync("leads/42");

            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("enriched", await response.Content.ReadAsStringAsync());
            Assert.Equal(3, _server.Count);
        }

        [Theory]
        [InlineData(408)]
        [InlineData(429)]
        [InlineData(500)]
        [InlineData(502)]
        [InlineData(504)]
        public async Task EveryTransientStatus_IsRetried(int status)
        {
            _server.Enqueue(FaultServer.Status(status));
            using var client = Client(Fast());
            using var response = await client.GetAsync("x");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal(2, _server.Count);
        }

        [Theory]
        [InlineData(400)]
        [InlineData(401)]
        [InlineData(404)]
        [InlineData(409)]
        [InlineData(501)]
        public async Task OtherStatuses_AreNotRetried(int status)
        {
            _server.Enqueue(FaultServer.Status(status));
            using var client = Client(Fast());
            using var response = await client.GetAsync("x");
            Assert.Equal(status, (int)response.StatusCode);
            Assert.Equal(1, _server.Count);
            Assert.Empty(_log.Entries);
        }

        [Fact]
        public async Task ADroppedConnection_IsRetried()
        {
            _server.Enqueue(FaultServer.Drop());
            using var client = Client(Fast());
            using var response = await client.GetAsync("x");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal(2, _server.Count);
        }

        [Fact]
        public async Task AnAttemptThatHangs_TimesOutAndIsRetried()
        {
            _server.Enqueue(FaultServer.Hang(TimeSpan.FromSeconds(20)));
            using var client = Client(Fast(o => o.AttemptTimeout = TimeSpan.FromMilliseconds(300)));
            using var response = await client.GetAsync("x");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal(2, _server.Count);
        }

        [Fact]
        public async Task Post_IsNotRetriedWithoutOptIn()
        {
            _server.Enqueue(FaultServer.Status(503));
            using var client = Client(Fast());
            using var response = await client.PostAsync("orders", new StringContent("{}"));
            Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
            Assert.Equal(1, _server.Count);
        }

        [Fact]
        public async Task Patch_WithAnIdempotencyKey_IsRetried_WithTheSameKey()
        {
            _server.Enqueue(FaultServer.Status(503));
            using var client = Client(Fast());
            using var request = new HttpRequestMessage(HttpMethod.Patch, "orders/1") { Content = new StringContent("{}") };
            request.Headers.Add(ResilientHttp.IdempotencyKeyHeader, "order-1-v2");
            using var response = await client.SendAsync(request);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal(new[] { "order-1-v2", "order-1-v2" }, _server.Requests.Select(r => r.IdempotencyKey));
        }

        [Fact]
        public async Task Post_WithRetryNonIdempotentRequests_IsRetried_AndTheBodyIsSentAgain()
        {
            _server.Enqueue(FaultServer.Status(503));
            using var client = Client(Fast(o => o.RetryNonIdempotentRequests = true));
            using var response = await client.PostAsJsonAsync("orders", new { Id = 7 });
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal(2, _server.Count);
        }

        // ---------------------------------------------------------------- delays

        [Fact]
        public async Task RetryAfterSeconds_WaitsWhatItSays()
        {
            var clock = new ManualTimeProvider();
            _server.Enqueue(FaultServer.Status(429, retryAfter: "7"));
            using var client = Client(new ResilientHttpOptions { TimeProvider = clock, AttemptTimeout = null, Logger = _log });

            var call = client.GetAsync("x");
            Assert.Equal(TimeSpan.FromSeconds(7), clock.WaitForTimer());
            clock.Advance(TimeSpan.FromSeconds(6.9));
            Assert.False(call.IsCompleted);
            Assert.Equal(1, _server.Count);
            clock.Advance(TimeSpan.FromSeconds(0.1));

            using var response = await call;
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal(2, _server.Count);
        }

        [Fact]
        public async Task RetryAfterDate_WaitsUntilThen_AndLongWaitsAreCapped()
        {
            var clock = new ManualTimeProvider();
            var then = clock.GetUtcNow().AddSeconds(20).ToString("r");
            _server.Enqueue(FaultServer.Status(503, retryAfter: then), FaultServer.Status(503, retryAfter: "3600"));
            using var client = Client(new ResilientHttpOptions { TimeProvider = clock, AttemptTimeout = null, MaxDelay = TimeSpan.FromSeconds(30) });

            var call = client.GetAsync("x");
            Assert.Equal(TimeSpan.FromSeconds(20), clock.WaitForTimer());
            clock.Advance(TimeSpan.FromSeconds(20));
            Assert.Equal(TimeSpan.FromSeconds(30), clock.WaitForTimer()); // an hour, capped
            clock.Advance(TimeSpan.FromSeconds(30));

            using var response = await call;
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal(3, _server.Count);
        }

        [Fact]
        public async Task Backoff_DoublesFromTheBaseDelay()
        {
            var clock = new ManualTimeProvider();
            _server.Enqueue(FaultServer.Status(503), FaultServer.Status(503), FaultServer.Status(503));
            using var client = Client(new ResilientHttpOptions { TimeProvider = clock, AttemptTimeout = null, UseJitter = false });

            var call = client.GetAsync("x");
            foreach (var expected in new[] { 0.5, 1.0, 2.0 })
            {
                Assert.Equal(TimeSpan.FromSeconds(expected), clock.WaitForTimer());
                clock.Advance(TimeSpan.FromSeconds(expected));
            }

            using var response = await call;
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        // ---------------------------------------------------------------- cancellation and the end of the retries

        [Fact]
        public async Task TheCallersCancellation_DuringABackoff_StopsAtOnce()
        {
            var clock = new ManualTimeProvider();
            _server.Enqueue(FaultServer.Status(503));
            using var client = Client(new ResilientHttpOptions { TimeProvider = clock, AttemptTimeout = null });
            using var cts = new CancellationTokenSource();

            var call = client.GetAsync("x", cts.Token);
            clock.WaitForTimer();
            cts.Cancel();

            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call);
            Assert.Equal(1, _server.Count);
        }

        [Fact]
        public async Task TheCallersCancellation_DuringARequest_IsNotRetried()
        {
            _server.Enqueue(FaultServer.Hang(TimeSpan.FromSeconds(20)));
            using var client = Client(Fast());
            using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));

            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => client.GetAsync("x", cts.Token));
            Assert.Equal(1, _server.Count);
        }

        [Fact]
        public async Task WhenRetriesRunOut_TheLastResponseIsReturned_AndEachRetryWasLogged()
        {
            _server.Default = FaultServer.Status(503, "still down");
            using var client = Client(Fast());

            using var response = await client.GetAsync("leads?token=secret-value");

            Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
            Assert.Equal("still down", await response.Content.ReadAsStringAsync());
            Assert.Equal(4, _server.Count);
            var warnings = _log.Entries.ToList();
            Assert.Equal(3, warnings.Count);
            Assert.All(warnings, w => Assert.Equal(LogLevel.Warning, w.Level));
            Assert.Equal($"HTTP GET {_server.BaseAddress}leads failed (503 ServiceUnavailable); retry 1 of 3 in 1 ms", warnings[0].Message);
            Assert.Contains("retry 3 of 3 in 4 ms", warnings[2].Message);
            Assert.DoesNotContain(warnings, w => w.Message.Contains("secret-value"));
        }

        [Fact]
        public async Task WhenRetriesRunOut_TheLastExceptionIsThrownUnchanged()
        {
            _server.Default = FaultServer.Drop();
            using var client = Client(Fast(o => o.MaxRetries = 2));
            await Assert.ThrowsAsync<HttpRequestException>(() => client.GetAsync("x"));
            Assert.Equal(3, _server.Count);
        }

        [Fact]
        public async Task AThousandConcurrentRequests_ThroughOneSharedClient_AllComplete()
        {
            var failedOnce = new ConcurrentDictionary<string, bool>();
            _server.Default = context =>
            {
                var id = context.Request.Path.Value!;
                var shouldFail = id.EndsWith("7", StringComparison.Ordinal) && failedOnce.TryAdd(id, true);
                return FaultServer.Status(shouldFail ? 503 : 200, "ok")(context);
            };
            using var client = Client(Fast(o => o.Logger = null));

            var responses = await Task.WhenAll(Enumerable.Range(0, 1000).Select(async i =>
            {
                using var response = await client.GetAsync("item/" + i);
                return response.StatusCode;
            }));

            Assert.All(responses, s => Assert.Equal(HttpStatusCode.OK, s));
            Assert.Equal(1000 + 100, _server.Count);
        }

        // ---------------------------------------------------------------- RetryAsync

        [Fact]
        public async Task RetryAsync_GetString_RetriesATransientStatus_NotA404()
        {
            using var plain = new HttpClient { BaseAddress = _server.BaseAddress };
            _server.Enqueue(FaultServer.Status(503), FaultServer.Status(200, "profile"));
            Assert.Equal("profile", await ResilientHttp.RetryAsync(ct => plain.GetStringAsync("p", ct), Fast(), CancellationToken.None));
            Assert.Equal(2, _server.Count);

            _server.Enqueue(FaultServer.Status(404));
            var ex = await Assert.ThrowsAsync<HttpRequestException>(() => ResilientHttp.RetryAsync(ct => plain.GetStringAsync("missing", ct), Fast(), CancellationToken.None));
            Assert.Equal(HttpStatusCode.NotFound, ex.StatusCode);
            Assert.Equal(3, _server.Count);
        }

        [Fact]
        public async Task RetryAsync_Response_RetriesOnStatus()
        {
            using var plain = new HttpClient { BaseAddress = _server.BaseAddress };
            _server.Enqueue(FaultServer.Status(502));
            using var response = await ResilientHttp.RetryAsync(ct => plain.GetAsync("x", ct), Fast(), CancellationToken.None);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal(2, _server.Count);
        }

        [Fact]
        public async Task RetryAsync_TheCallersTokenReachesTheCall_AndItsCancellationIsNotRetried()
        {
            using var plain = new HttpClient { BaseAddress = _server.BaseAddress };
            _server.Default = FaultServer.Hang(TimeSpan.FromSeconds(20));
            using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => ResilientHttp.RetryAsync(ct => plain.GetAsync("x", ct), Fast(), cts.Token));
            Assert.Equal(1, _server.Count);
        }

        [Fact]
        public async Task RetryAsync_WithTheDefaults_UsesConfigure()
        {
            using var plain = new HttpClient { BaseAddress = _server.BaseAddress };
            _server.Enqueue(FaultServer.Status(503));
            using var response = await ResilientHttp.RetryAsync(ct => plain.GetAsync("x", ct)); // default options: 0.5 s backoff, real clock
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal(2, _server.Count);
        }

        // ---------------------------------------------------------------- composition

        [Fact]
        public async Task AddSteadfastRetry_OnAFactoryClient_RetriesAndLogsThroughTheContainer()
        {
            var services = new ServiceCollection();
            services.AddLogging(b => b.AddProvider(_log));
            services.AddHttpClient("enrichment", c => c.BaseAddress = _server.BaseAddress)
                .AddSteadfastRetry(o => { o.BaseDelay = TimeSpan.FromMilliseconds(1); o.UseJitter = false; });
            using var provider = services.BuildServiceProvider();
            _server.Enqueue(FaultServer.Status(503));

            using var response = await provider.GetRequiredService<IHttpClientFactory>().CreateClient("enrichment").GetAsync("x");

            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal(2, _server.Count);
            Assert.Contains(_log.Entries, e => e.Category == "Steadfast.ResilientHttp" && e.Level == LogLevel.Warning);
        }

        [Fact]
        public async Task YourOwnPipeline_IsUsedInstead()
        {
            var pipeline = new ResiliencePipelineBuilder<HttpResponseMessage>()
                .AddRetry(new RetryStrategyOptions<HttpResponseMessage>
                {
                    MaxRetryAttempts = 1,
                    Delay = TimeSpan.Zero,
                    ShouldHandle = args => ValueTask.FromResult(args.Outcome.Result?.StatusCode == HttpStatusCode.NotFound),
                })
                .Build();
            _server.Enqueue(FaultServer.Status(404));
            using var client = Client(new ResilientHttpOptions { Pipeline = pipeline });
            using var response = await client.GetAsync("x");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal(2, _server.Count);
        }

        [Fact]
        public async Task CreateClient_OnAChainThatIsAlreadyResilient_DoesNotStackASecondLayer()
        {
            _server.Default = FaultServer.Status(503);
            var options = Fast();
            using var client = ResilientHttp.CreateClient(new ResilientHttpHandler(new SocketsHttpHandler(), options), _server.BaseAddress, options);
            using var response = await client.GetAsync("x");
            Assert.Equal(4, _server.Count); // 1 + 3, not (1 + 3) * (1 + 3)
        }

        [Fact]
        public void BadArguments_AreRejected()
        {
            Assert.Throws<ArgumentOutOfRangeException>(() => new ResilientHttpOptions { MaxRetries = -1 });
            Assert.Throws<ArgumentOutOfRangeException>(() => new ResilientHttpOptions { BaseDelay = TimeSpan.FromSeconds(-1) });
            Assert.Throws<ArgumentOutOfRangeException>(() => new ResilientHttpOptions { MaxDelay = TimeSpan.FromSeconds(-1) });
            Assert.Throws<ArgumentOutOfRangeException>(() => new ResilientHttpOptions { AttemptTimeout = TimeSpan.Zero });
            Assert.Throws<ArgumentNullException>(() => ResilientHttp.Configure(null!));
            Assert.Throws<ArgumentNullException>(() => { _ = ResilientHttp.RetryAsync<string>(null!); }); // thrown at the call, not in the task
            Assert.Throws<ArgumentNullException>(() => new ResilientHttpHandler(null!, null));
            Assert.Throws<ArgumentNullException>(() => ResilientHttpClientBuilderExtensions.AddSteadfastRetry(null!));
        }

        [Fact]
        public async Task MaxRetriesZero_SendsOnce()
        {
            _server.Enqueue(FaultServer.Status(503));
            using var client = Client(Fast(o => o.MaxRetries = 0));
            using var response = await client.GetAsync("x");
            Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
            Assert.Equal(1, _server.Count);
        }

        [Fact]
        public async Task Timeouts_OfTheLastAttempt_SurfaceAsPollysTimeoutRejectedException()
        {
            _server.Default = FaultServer.Hang(TimeSpan.FromSeconds(20));
            using var client = Client(Fast(o => { o.MaxRetries = 1; o.AttemptTimeout = TimeSpan.FromMilliseconds(200); }));
            await Assert.ThrowsAsync<TimeoutRejectedException>(() => client.GetAsync("x"));
            Assert.Equal(2, _server.Count);
        }

        // ---------------------------------------------------------------- on Microsoft.Extensions.Http.Resilience

        [Fact]
        public void TheHandler_IsTheLibrarysResilienceHandler()
        {
            using var handler = new ResilientHttpHandler(new SocketsHttpHandler());
            Assert.IsAssignableFrom<ResilienceHandler>(handler);

            var retry = HttpRetryPipeline.RetryOptions(new ResilientHttpOptions());
            Assert.IsAssignableFrom<HttpRetryStrategyOptions>(retry);
            Assert.True(retry.ShouldRetryAfterHeader);
            Assert.Equal(DelayBackoffType.Exponential, retry.BackoffType);
            Assert.Equal(3, retry.MaxRetryAttempts);
            Assert.Equal(TimeSpan.FromSeconds(0.5), retry.Delay);
            Assert.Equal(TimeSpan.FromSeconds(30), retry.MaxDelay);
            Assert.True(retry.UseJitter);
        }

        [Fact]
        public async Task AddSteadfastRetry_RegistersTheLibrarysResilienceHandler_AndNoOtherRetryLayer()
        {
            var services = new ServiceCollection();
            services.AddHttpClient("enrichment").AddSteadfastRetry();
            using var provider = services.BuildServiceProvider();

            using var handler = provider.GetRequiredService<IHttpMessageHandlerFactory>().CreateHandler("enrichment");
            var chain = Chain(handler).ToList();

            var resilience = Assert.Single(chain.OfType<ResilienceHandler>());
            Assert.IsNotType<ResilientHttpHandler>(resilience); // the library's own, from AddResilienceHandler

            _server.Default = FaultServer.Status(503);
            var options = Fast();
            using var client = ResilientHttp.CreateClient(handler, _server.BaseAddress, options);
            using var response = await client.GetAsync("x");
            Assert.Equal(4, _server.Count); // CreateClient saw the library's handler: 1 + 3, not (1 + 3) * (1 + 3)
        }

        [Fact]
        public async Task AddSteadfastRetry_AppliesTheConfiguredOptions_AndHoldsBackAPost()
        {
            var services = new ServiceCollection();
            services.AddLogging(b => b.AddProvider(_log));
            services.AddHttpClient("enrichment", c => c.BaseAddress = _server.BaseAddress)
                .AddSteadfastRetry(o => { o.MaxRetries = 1; o.BaseDelay = TimeSpan.FromMilliseconds(1); o.UseJitter = false; });
            using var provider = services.BuildServiceProvider();
            var client = provider.GetRequiredService<IHttpClientFactory>().CreateClient("enrichment");
            _server.Default = FaultServer.Status(503);

            using (var response = await client.GetAsync("x"))
            {
                Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
            }

            Assert.Equal(2, _server.Count); // 1 + MaxRetries
            Assert.Contains(_log.Entries, e => e.Category == "Steadfast.ResilientHttp" && e.Message == $"HTTP GET {_server.BaseAddress}x failed (503 ServiceUnavailable); retry 1 of 1 in 1 ms");

            using (var response = await client.PostAsync("orders", new StringContent("{}")))
            {
                Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
            }

            Assert.Equal(3, _server.Count); // the POST went once
        }

        [Fact]
        public async Task AddSteadfastRetry_InConfigureHttpClientDefaults_CoversEveryClient()
        {
            var services = new ServiceCollection();
            services.ConfigureHttpClientDefaults(b => b.AddSteadfastRetry(o => { o.BaseDelay = TimeSpan.FromMilliseconds(1); o.UseJitter = false; }));
            services.AddHttpClient("a", c => c.BaseAddress = _server.BaseAddress);
            using var provider = services.BuildServiceProvider();
            var factory = provider.GetRequiredService<IHttpClientFactory>();
            _server.Enqueue(FaultServer.Status(503), FaultServer.Status(200), FaultServer.Status(503));

            using (var named = await factory.CreateClient("a").GetAsync("x"))
            {
                Assert.Equal(HttpStatusCode.OK, named.StatusCode);
            }

            var unnamed = factory.CreateClient();
            unnamed.BaseAddress = _server.BaseAddress;
            using (var response = await unnamed.GetAsync("y"))
            {
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            }

            Assert.Equal(4, _server.Count);
        }

        [Fact]
        public void AddSteadfastRetry_ReturnsTheSameBuilder()
        {
            var builder = new ServiceCollection().AddHttpClient("x");
            Assert.Same(builder, builder.AddSteadfastRetry());
        }

        [Theory]
        [InlineData(501)]
        [InlineData(505)]
        [InlineData(507)]
        [InlineData(511)]
        public async Task ServerErrorsTheLibraryWouldRetry_AreNotRetried(int status)
        {
            _server.Enqueue(FaultServer.Status(status));
            using var client = Client(Fast());
            using var response = await client.GetAsync("x");
            Assert.Equal(status, (int)response.StatusCode);
            Assert.Equal(1, _server.Count);
            Assert.Empty(_log.Entries);
        }

        [Fact]
        public async Task Post_ADroppedConnection_IsNotRetriedWithoutOptIn()
        {
            _server.Default = FaultServer.Drop();
            using var client = Client(Fast());
            await Assert.ThrowsAsync<HttpRequestException>(() => client.PostAsync("orders", new StringContent("{}")));
            Assert.Equal(1, _server.Count);
        }

        [Fact]
        public async Task ADroppedConnection_IsLoggedWithTheRequestItWasSending()
        {
            _server.Enqueue(FaultServer.Drop());
            using var client = Client(Fast());
            using var response = await client.GetAsync("leads/7?token=secret-value");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var warning = Assert.Single(_log.Entries);
            Assert.Equal($"HTTP GET {_server.BaseAddress}leads/7 failed (HttpRequestException); retry 1 of 3 in 1 ms", warning.Message);
            Assert.IsType<HttpRequestException>(warning.Exception);
        }

        [Fact]
        public async Task RetryAfter_OnTheSystemClock_IsHonouredAndCapped()
        {
            // A backoff of 20 s would outlast the test; Retry-After says 0, then an hour capped at 50 ms.
            _server.Enqueue(FaultServer.Status(503, retryAfter: "0"), FaultServer.Status(503, retryAfter: "3600"), FaultServer.Status(429, retryAfter: DateTimeOffset.UtcNow.AddHours(-1).ToString("r")));
            using var client = Client(Fast(o => { o.BaseDelay = TimeSpan.FromSeconds(20); o.MaxDelay = TimeSpan.FromMilliseconds(50); }));
            var watch = System.Diagnostics.Stopwatch.StartNew();
            using var response = await client.GetAsync("x");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal(4, _server.Count);
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(10), watch.Elapsed.ToString());
            Assert.Equal(new[] { "in 0 ms", "in 50 ms", "in 0 ms" }, _log.Entries.Select(e => e.Message.Substring(e.Message.LastIndexOf(" in ", StringComparison.Ordinal) + 1)));
        }

        [Fact]
        public async Task RetryAsync_OfAString_RetriesADroppedConnection()
        {
            using var plain = new HttpClient { BaseAddress = _server.BaseAddress };
            _server.Enqueue(FaultServer.Drop(), FaultServer.Status(200, "profile"));
            Assert.Equal("profile", await ResilientHttp.RetryAsync(ct => plain.GetStringAsync("p", ct), Fast(), CancellationToken.None));
            Assert.Equal(2, _server.Count);
            Assert.Contains("failed (HttpRequestException); retry 1 of 3", Assert.Single(_log.Entries).Message);
        }

        private static System.Collections.Generic.IEnumerable<HttpMessageHandler> Chain(HttpMessageHandler handler)
        {
            for (HttpMessageHandler? current = handler; current is not null; current = (current as DelegatingHandler)?.InnerHandler)
            {
                yield return current;
            }
        }
    }
}
