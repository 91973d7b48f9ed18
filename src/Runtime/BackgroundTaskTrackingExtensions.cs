using System;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Steadfast
{
    /// <summary>Hosting integration for <see cref="BackgroundTasks"/>.</summary>
    public static class BackgroundTaskTrackingExtensions
    {
        /// <summary>
        /// Registers <see cref="BackgroundTasks.Tracker"/> as the <see cref="BackgroundTaskTracker"/> singleton, sends its
        /// failures to the host's logging (category <c>Steadfast.BackgroundTasks</c>), and makes graceful shutdown wait for
        /// in-flight background work up to the host's shutdown timeout. It also sends the retries of
        /// <see cref="ResilientHttp"/> clients that name no logger to the host's logging (category <c>Steadfast.ResilientHttp</c>).
        /// </summary>
        /// <remarks>Call it before registering other hosted services: hosts stop services in reverse order, so work those
        /// services start while stopping is still drained.</remarks>
        public static IServiceCollection AddBackgroundTaskTracking(this IServiceCollection services)
        {
            if (services is null)
            {
                throw new ArgumentNullException(nameof(services));
            }

            services.TryAddSingleton(BackgroundTasks.Tracker);
            services.AddHostedService<BackgroundTaskDrainService>();
            return services;
        }

        private sealed class BackgroundTaskDrainService : IHostedService
        {
            private static readonly Action<ILogger, int, Exception?> LogDraining = LoggerMessage.Define<int>(
                LogLevel.Information, new EventId(1002, "BackgroundTasksDraining"), "Waiting for {Count} background task(s) to finish");

            private static readonly Action<ILogger, string, DateTimeOffset, Exception?> LogStraggler = LoggerMessage.Define<string, DateTimeOffset>(
                LogLevel.Warning, new EventId(1003, "BackgroundTaskAbandoned"), "Background task '{TaskName}' (started {StartedAt:O}) did not finish before shutdown");

            private readonly BackgroundTaskTracker _tracker;
            private readonly ILogger? _logger;

            public BackgroundTaskDrainService(BackgroundTaskTracker tracker, IServiceProvider services)
            {
                _tracker = tracker;
                _logger = services.GetService<ILoggerFactory>()?.CreateLogger("Steadfast.BackgroundTasks");
                if (_logger is not null && _tracker.Logger is null)
                {
                    _tracker.Logger = _logger;
                }

                if (services.GetService<ILoggerFactory>() is { } loggers)
                {
                    ResilientHttp.UseHostLogger(loggers.CreateLogger("Steadfast.ResilientHttp"));
                }
            }

            public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

            public async Task StopAsync(CancellationToken cancellationToken)
            {
                if (_tracker.Count > 0 && _logger is not null)
                {
                    LogDraining(_logger, _tracker.Count, null);
                }

                var stragglers = await _tracker.DrainAsync(cancellationToken).ConfigureAwait(false);
                if (_logger is not null)
                {
                    foreach (var task in stragglers)
                    {
                        LogStraggler(_logger, task.Name, task.StartedAt, null);
                    }
                }
            }
        }
    }
}
