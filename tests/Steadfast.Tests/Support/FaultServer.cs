using System;
using System.Collections.Concurrent;
using System.Linq;
using System.Net;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Steadfast.Tests.Support
{
    /// <summary>
    /// A real Kestrel server on 127.0.0.1 (a free port) that answers from a script: each request takes the next step
    /// (a status, a dropped connection, a hang), and <see cref="Default"/> once the script is used up.
    /// </summary>
    public sealed class FaultServer : IAsyncDisposable
    {
        private readonly WebApplication _app;
        private readonly ConcurrentQueue<Func<HttpContext, Task>> _script = new();

        private FaultServer(WebApplication app) => _app = app;

        /// <summary>Every request seen: method, path and query, and its Idempotency-Key header.</summary>
        public ConcurrentQueue<(string Method, string PathAndQuery, string? IdempotencyKey)> Requests { get; } = new();

        public Func<HttpContext, Task> Default { get; set; } = Status(200, "ok");

        public Uri BaseAddress { get; private set; } = null!;

        /// <summary>The body of the last request that had one.</summary>
        public string? LastBody { get; private set; }

        public int Count => Requests.Count;

        /// <summary>The most requests this server was handling at the same moment.</summary>
        public int MaxInFlight => System.Threading.Volatile.Read(ref _maxInFlight);

        private int _inFlight;
        private int _maxInFlight;

        public static async Task<FaultServer> StartAsync()
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.WebHost.UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
            builder.Logging.ClearProviders();
            var app = builder.Build();
            var server = new FaultServer(app);
            app.Run(async context =>
            {
                if (context.Request.ContentLength is > 0 || context.Request.Headers.TransferEncoding.Count > 0)
                {
                    using var reader = new System.IO.StreamReader(context.Request.Body);
                    server.LastBody = await reader.ReadToEndAsync();
                }

                server.Requests.Enqueue((context.Request.Method, context.Request.Path + context.Request.QueryString, context.Request.Headers["Idempotency-Key"].FirstOrDefault()));
                var step = server._script.TryDequeue(out var next) ? next : server.Default;
                var now = System.Threading.Interlocked.Increment(ref server._inFlight);
                for (var most = System.Threading.Volatile.Read(ref server._maxInFlight); now > most; most = System.Threading.Volatile.Read(ref server._maxInFlight))
                {
                    if (System.Threading.Interlocked.CompareExchange(ref server._maxInFlight, now, most) == most)
                    {
                        break;
                    }
                }

                try
                {
                    await step(context);
                }
                finally
                {
                    System.Threading.Interlocked.Decrement(ref server._inFlight);
                }
            });
            await app.StartAsync();
            var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
            server.BaseAddress = new Uri(address.EndsWith('/') ? address : address + "/");
            return server;
        }

        public void Enqueue(params Func<HttpContext, Task>[] steps)
        {
            foreach (var step in steps)
            {
                _script.Enqueue(step);
            }
        }

        public static Func<HttpContext, Task> Status(int code, string? body = null, string? retryAfter = null) => async context =>
        {
            context.Response.StatusCode = code;
            if (retryAfter is not null)
            {
                context.Response.Headers["Retry-After"] = retryAfter;
            }

            if (body is not null)
            {
                await context.Response.WriteAsync(body);
            }
        };

        /// <summary>Drops the connection without an answer.</summary>
        public static Func<HttpContext, Task> Drop() => context =>
        {
            context.Abort();
            return Task.CompletedTask;
        };

        /// <summary>Answers nothing until <paramref name="time"/> has passed or the client gives up.</summary>
        public static Func<HttpContext, Task> Hang(TimeSpan time) => async context =>
        {
            try
            {
                await Task.Delay(time, context.RequestAborted);
                context.Response.StatusCode = 200;
            }
            catch (OperationCanceledException)
            {
            }
        };

        public async ValueTask DisposeAsync()
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
    }
}
