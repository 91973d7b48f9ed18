using System;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Threading.Tasks;
using BenchmarkDotNet.Attributes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Steadfast.Benchmarks
{
    /// <summary>
    /// The success path (no fault, no retry) of <see cref="ResilientHttp"/> against a raw <see cref="HttpClient"/> call to
    /// a Kestrel server on 127.0.0.1 that answers "ok", in the same run: what the retry pipeline costs when nothing fails.
    /// </summary>
    [MemoryDiagnoser]
    public class ResilientHttpBenchmarks
    {
        private WebApplication _server = null!;
        private HttpClient _raw = null!;
        private HttpClient _resilient = null!;
        private HttpClient _resilientNoTimeout = null!;

        [GlobalSetup]
        public void Setup()
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.WebHost.UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
            builder.Logging.ClearProviders();
            _server = builder.Build();
            _server.Run(context => context.Response.WriteAsync("ok"));
            _server.StartAsync().GetAwaiter().GetResult();
            var address = new Uri(_server.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single());

            _raw = new HttpClient(new SocketsHttpHandler()) { BaseAddress = address };
            _resilient = ResilientHttp.CreateClient(new SocketsHttpHandler(), address);
            _resilientNoTimeout = ResilientHttp.CreateClient(new SocketsHttpHandler(), address, new ResilientHttpOptions { AttemptTimeout = null });
        }

        [GlobalCleanup]
        public void Cleanup()
        {
            _raw.Dispose();
            _resilient.Dispose();
            _resilientNoTimeout.Dispose();
            _server.StopAsync().GetAwaiter().GetResult();
        }

        [Benchmark(Baseline = true)]
        public Task<string> RawHttpClient() => _raw.GetStringAsync("x");

        [Benchmark]
        public Task<string> ResilientClient() => _resilient.GetStringAsync("x");

        [Benchmark]
        public Task<string> ResilientClient_NoAttemptTimeout() => _resilientNoTimeout.GetStringAsync("x");

        [Benchmark]
        public Task<string> RetryAsyncAroundRawClient() => ResilientHttp.RetryAsync(ct => _raw.GetStringAsync("x", ct));
    }
}
