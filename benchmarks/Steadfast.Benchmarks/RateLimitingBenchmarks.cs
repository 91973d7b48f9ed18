using System;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Threading.RateLimiting;
using System.Threading.Tasks;
using BenchmarkDotNet.Attributes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Steadfast.Benchmarks
{
    /// <summary>
    /// What a Steadfast tier costs on a request that is let through (the common case), against the same endpoint
    /// with no policy and against ASP.NET Core's own fixed window partitioned by client IP, in one Kestrel app on
    /// 127.0.0.1 that runs <c>UseRateLimiter</c>. Limits are set so high that nothing is rejected.
    /// </summary>
    [MemoryDiagnoser]
    public class RateLimitingBenchmarks
    {
        private const int Unreachable = 1_000_000_000;
        private WebApplication _server = null!;
        private HttpClient _client = null!;

        [GlobalSetup]
        public void Setup()
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.WebHost.UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
            builder.Logging.ClearProviders();
            builder.Services.AddSteadfastRateLimiting(o => o.Read.PermitLimit = Unreachable);
            builder.Services.AddRateLimiter(o => o.AddPolicy("builtin", context => RateLimitPartition.GetFixedWindowLimiter(
                context.Connection.RemoteIpAddress?.ToString() ?? string.Empty,
                _ => new FixedWindowRateLimiterOptions { PermitLimit = Unreachable, Window = TimeSpan.FromMinutes(1) })));
            _server = builder.Build();
            _server.UseRateLimiter();
            _server.MapGet("/none", () => "ok");
            _server.MapGet("/builtin", () => "ok").RequireRateLimiting("builtin");
            _server.MapGet("/steadfast", () => "ok").RequireRateLimiting(RateLimitTiers.Read);
            _server.StartAsync().GetAwaiter().GetResult();
            var address = new Uri(_server.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single());
            _client = new HttpClient(new SocketsHttpHandler()) { BaseAddress = address };
        }

        [GlobalCleanup]
        public void Cleanup()
        {
            _client.Dispose();
            _server.StopAsync().GetAwaiter().GetResult();
        }

        [Benchmark(Baseline = true)]
        public Task<string> NoPolicy() => _client.GetStringAsync("none");

        [Benchmark]
        public Task<string> BuiltInFixedWindowPerIp() => _client.GetStringAsync("builtin");

        [Benchmark]
        public Task<string> SteadfastReadTier() => _client.GetStringAsync("steadfast");
    }
}
