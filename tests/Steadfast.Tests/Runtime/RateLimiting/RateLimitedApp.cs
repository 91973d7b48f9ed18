using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Diagnostics.Metrics;
using System.IO;
using System.Linq;
using System.Net;
using System.Security.Claims;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Steadfast.Tests.Support;

namespace Steadfast.Tests.Runtime.RateLimiting
{
    /// <summary>
    /// A small API on TestServer with the tiers on its endpoints, the way an application wires them: POST /login (auth),
    /// POST /leads (write), GET /leads (read), GET /health (health). A request may name a user (an authentication
    /// middleware before the limiter turns <c>X-Test-User</c> into an authenticated principal) and sets the connection's
    /// remote IP, as a server would. Records the <c>Steadfast.RateLimiting</c> meter of this host only, and its logs.
    /// </summary>
    internal sealed class RateLimitedApp : IAsyncDisposable
    {
        public const string DefaultIp = "203.0.113.7";
        public const string ProxyIp = "10.0.0.1";

        private readonly WebApplication _app;
        private readonly MeterListener _listener;

        private RateLimitedApp(WebApplication app, MeterListener listener, ListLogger logs, ConcurrentQueue<(string Instrument, long Value, Dictionary<string, object?> Tags)> measurements)
        {
            _app = app;
            _listener = listener;
            Logs = logs;
            Measurements = measurements;
        }

        public ListLogger Logs { get; }

        public ConcurrentQueue<(string Instrument, long Value, Dictionary<string, object?> Tags)> Measurements { get; }

        public TestServer Server => _app.GetTestServer();

        public static async Task<RateLimitedApp> StartAsync(Action<SteadfastRateLimitingOptions>? configure = null, bool trustProxy = false, Action<IServiceCollection>? services = null)
        {
            var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { EnvironmentName = "Production" });
            builder.WebHost.UseTestServer();
            builder.Services.AddMetrics();
            var logs = new ListLogger();
            builder.Logging.ClearProviders();
            builder.Logging.AddProvider(logs);
            builder.Logging.SetMinimumLevel(LogLevel.Debug);
            builder.Services.AddSteadfastRateLimiting(configure);
            services?.Invoke(builder.Services);
            if (trustProxy)
            {
                builder.Services.Configure<ForwardedHeadersOptions>(o =>
                {
                    o.ForwardedHeaders = ForwardedHeaders.XForwardedFor;
                    o.KnownProxies.Add(IPAddress.Parse(ProxyIp));
                });
            }

            var app = builder.Build();

            var measurements = new ConcurrentQueue<(string, long, Dictionary<string, object?>)>();
            var factory = app.Services.GetRequiredService<IMeterFactory>();
            var listener = new MeterListener();
            listener.InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Name == "Steadfast.RateLimiting" && ReferenceEquals(instrument.Meter.Scope, factory))
                {
                    l.EnableMeasurementEvents(instrument);
                }
            };
            listener.SetMeasurementEventCallback<long>((instrument, value, tags, state) =>
            {
                var copy = new Dictionary<string, object?>();
                foreach (var tag in tags)
                {
                    copy[tag.Key] = tag.Value;
                }

                measurements.Enqueue((instrument.Name, value, copy));
            });
            listener.Start();

            if (trustProxy)
            {
                app.UseForwardedHeaders();
            }

            app.Use((context, next) =>
            {
                if (context.Request.Headers.TryGetValue("X-Test-User", out var user))
                {
                    context.User = new ClaimsPrincipal(new ClaimsIdentity(new[] { new Claim(ClaimTypes.NameIdentifier, user.ToString()) }, "test"));
                }

                return next(context);
            });
            app.UseRateLimiter();
            app.MapPost("/login", () => "token").RequireRateLimiting(RateLimitTiers.Auth);
            app.MapPost("/leads", () => "saved").RequireRateLimiting(RateLimitTiers.Write);
            app.MapGet("/leads", () => "leads").RequireRateLimiting(RateLimitTiers.Read);
            app.MapGet("/health", () => "healthy").RequireRateLimiting(RateLimitTiers.Health);
            var probe = new SteadfastRateLimitingOptions();
            configure?.Invoke(probe);
            foreach (var tier in probe.Tiers.Skip(4))
            {
                app.MapGet("/" + tier.Name, () => tier.Name).RequireRateLimiting(tier.Name); // each added tier at /{name}
            }

            app.MapGet("/unlimited", () => "free");
            await app.StartAsync();
            return new RateLimitedApp(app, listener, logs, measurements);
        }

        public async Task<Reply> SendAsync(string method, string path, string ip = DefaultIp, string? user = null, string? forwardedFor = null)
        {
            var context = await Server.SendAsync(c =>
            {
                c.Request.Method = method;
                c.Request.Path = path;
                c.Connection.RemoteIpAddress = IPAddress.Parse(ip);
                if (user is not null)
                {
                    c.Request.Headers["X-Test-User"] = user;
                }

                if (forwardedFor is not null)
                {
                    c.Request.Headers["X-Forwarded-For"] = forwardedFor;
                }
            });
            var body = context.Response.Body is { } stream ? await new StreamReader(stream).ReadToEndAsync() : string.Empty;
            return new Reply(context.Response.StatusCode, context.Response.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase), context.Response.ContentType, body);
        }

        public Task<Reply> LoginAsync(string ip = DefaultIp, string? user = null, string? forwardedFor = null) => SendAsync("POST", "/login", ip, user, forwardedFor);

        public long Count(string instrument, string tag, string value) =>
            Measurements.Where(m => m.Instrument == instrument && Equals(m.Tags.GetValueOrDefault(tag), value)).Sum(m => m.Value);

        public async ValueTask DisposeAsync()
        {
            _listener.Dispose();
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
    }

    internal sealed record Reply(int Status, Dictionary<string, string> Headers, string? ContentType, string Body)
    {
        public string? Header(string name) => Headers.TryGetValue(name, out var value) ? value : null;

        public long LongHeader(string name)
        {
            var text = Header(name) ?? throw new Xunit.Sdk.XunitException($"No {name} header; the headers were: {string.Join(", ", Headers.Keys)}");
            return long.Parse(text, System.Globalization.CultureInfo.InvariantCulture);
        }
    }
}
