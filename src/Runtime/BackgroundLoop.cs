using System;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.Logging;

namespace Steadfast
{
    /// <summary>
    /// The error boundary of a background loop: an iteration that throws is reported once, with the loop's name and the
    /// exception, and the loop waits before the next one (exponential back-off, capped, reset after an iteration that
    /// succeeds), so one transient failure does not end the loop for good and a persistent one does not spin.
    /// </summary>
    /// <example>
    /// <code>
    /// var loop = new BackgroundLoop("FollowUpWorker.ExecuteAsync");
    /// while (!stoppingToken.IsCancellationRequested)
    /// {
    ///     try
    ///     {
    ///         await SendFollowUpsAsync(stoppingToken);
    ///         loop.Succeeded();
    ///     }
    ///     catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
    ///     {
    ///         await loop.FailedAsync(ex, stoppingToken);
    ///     }
    /// }
    /// </code>
    /// </example>
    /// <remarks>
    /// One instance belongs to one loop; its members are thread-safe all the same. Failures go to the logger given here,
    /// else to <see cref="BackgroundTasks"/>' logger (<c>services.AddBackgroundTaskTracking()</c> sets it), else to
    /// standard error, so none is lost silently.
    /// </remarks>
    public sealed class BackgroundLoop
    {
        private static readonly Action<ILogger, string, int, double, Exception?> LogFailure = LoggerMessage.Define<string, int, double>(
            LogLevel.Error,
            new EventId(1002, "BackgroundLoopIterationFailed"),
            "Background loop '{LoopName}' failed ({ConsecutiveFailures} in a row); next iteration in {DelaySeconds} s");

        private readonly BackgroundLoopOptions _options;
        private readonly ILogger? _logger;
        private readonly TimeProvider _timeProvider;
        private int _consecutiveFailures;
        private long _failures;

        /// <summary>Creates the boundary of the loop called <paramref name="name"/>.</summary>
        /// <param name="name">Names the loop in every report (the fix uses the type and member the loop is in).</param>
        /// <param name="options">The back-off; <see cref="BackgroundLoopOptions"/>' defaults (1 s doubling to 1 min) when null.</param>
        /// <param name="logger">Receives one Error entry per failed iteration; see the remarks for the fallback.</param>
        /// <param name="timeProvider">The clock the back-off waits on; <see cref="TimeProvider.System"/> when null.</param>
        /// <exception cref="ArgumentException"><paramref name="name"/> is null, empty or white space.</exception>
        public BackgroundLoop(string name, BackgroundLoopOptions? options = null, ILogger? logger = null, TimeProvider? timeProvider = null)
        {
            if (string.IsNullOrWhiteSpace(name))
            {
                throw new ArgumentException("A background loop needs a name for its failure reports.", nameof(name));
            }

            Name = name;
            _options = (options ?? new BackgroundLoopOptions()).Validated();
            _logger = logger;
            _timeProvider = timeProvider ?? TimeProvider.System;
        }

        /// <summary>The loop's name, as reported.</summary>
        public string Name { get; }

        /// <summary>Failed iterations since the last one that succeeded.</summary>
        public int ConsecutiveFailures => Volatile.Read(ref _consecutiveFailures);

        /// <summary>Failed iterations since this boundary was created.</summary>
        public long FailureCount => Interlocked.Read(ref _failures);

        /// <summary>Raised once for each failed iteration, after it is logged. A handler that throws is reported, never rethrown.</summary>
        public event EventHandler<BackgroundLoopFailedEventArgs>? IterationFailed;

        /// <summary>Marks an iteration that succeeded: the next failure waits the initial delay again.</summary>
        public void Succeeded() => Volatile.Write(ref _consecutiveFailures, 0);

        /// <summary>
        /// Reports <paramref name="exception"/> and waits the back-off before the next iteration. Returns early, without
        /// throwing, when <paramref name="cancellationToken"/> is cancelled, so the loop's own condition ends it promptly.
        /// </summary>
        /// <returns>The delay that was chosen (the wait may have ended sooner on cancellation).</returns>
        /// <exception cref="ArgumentNullException"><paramref name="exception"/> is null.</exception>
        public async Task<TimeSpan> FailedAsync(Exception exception, CancellationToken cancellationToken = default)
        {
            var delay = Report(exception);
            if (delay > TimeSpan.Zero && !cancellationToken.IsCancellationRequested)
            {
                try
                {
                    await Wait(delay, cancellationToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
                {
                    // Shutting down: the loop's condition (or its next cancellable call) ends it.
                }
            }

            return delay;
        }

        /// <summary>
        /// <see cref="FailedAsync"/> for a loop that runs on its own thread (a synchronous <c>Task.Run</c> body): blocks
        /// for the back-off, or until <paramref name="cancellationToken"/> is cancelled.
        /// </summary>
        /// <exception cref="ArgumentNullException"><paramref name="exception"/> is null.</exception>
        public TimeSpan Failed(Exception exception, CancellationToken cancellationToken = default)
        {
            var delay = Report(exception);
            if (delay > TimeSpan.Zero && !cancellationToken.IsCancellationRequested)
            {
                try
                {
                    Wait(delay, cancellationToken).Wait(CancellationToken.None);
                }
                catch (AggregateException wrapped) when (wrapped.InnerException is OperationCanceledException && cancellationToken.IsCancellationRequested)
                {
                    // Shutting down.
                }
            }

            return delay;
        }

        /// <summary>The wait after the given number of consecutive failures: initial × multiplier^(n−1), at most the maximum.</summary>
        public TimeSpan DelayAfter(int consecutiveFailures)
        {
            if (consecutiveFailures < 1)
            {
                return TimeSpan.Zero;
            }

            var ticks = _options.InitialDelay.Ticks * Math.Pow(_options.Multiplier, Math.Min(consecutiveFailures - 1, 62));
            return ticks >= _options.MaxDelay.Ticks ? _options.MaxDelay : TimeSpan.FromTicks((long)ticks);
        }

#if NET8_0_OR_GREATER
        private Task Wait(TimeSpan delay, CancellationToken cancellationToken) => Task.Delay(delay, _timeProvider, cancellationToken);
#else
        private Task Wait(TimeSpan delay, CancellationToken cancellationToken) => _timeProvider.Delay(delay, cancellationToken);
#endif

        private TimeSpan Report(Exception exception)
        {
            if (exception is null)
            {
                throw new ArgumentNullException(nameof(exception));
            }

            var consecutive = Interlocked.Increment(ref _consecutiveFailures);
            if (consecutive < 0)
            {
                Volatile.Write(ref _consecutiveFailures, int.MaxValue);
                consecutive = int.MaxValue;
            }

            Interlocked.Increment(ref _failures);
            var delay = DelayAfter(consecutive);
            var reported = false;
            var logger = _logger ?? BackgroundTasks.Tracker.Logger;
            if (logger is not null)
            {
                try
                {
                    LogFailure(logger, Name, consecutive, delay.TotalSeconds, exception);
                    reported = true;
                }
                catch (Exception loggerFailure)
                {
                    WriteToStandardError(new AggregateException(exception, loggerFailure), consecutive, delay);
                    reported = true;
                }
            }

            var handlers = IterationFailed;
            if (handlers is not null)
            {
                var args = new BackgroundLoopFailedEventArgs(Name, exception, consecutive, delay);
                foreach (var handler in handlers.GetInvocationList())
                {
                    try
                    {
                        ((EventHandler<BackgroundLoopFailedEventArgs>)handler)(this, args);
                        reported = true;
                    }
                    catch (Exception handlerFailure)
                    {
                        WriteToStandardError(handlerFailure, consecutive, delay);
                    }
                }
            }

            if (!reported)
            {
                WriteToStandardError(exception, consecutive, delay);
            }

            return delay;
        }

        private void WriteToStandardError(Exception exception, int consecutive, TimeSpan delay)
        {
            try
            {
                Console.Error.WriteLine($"Steadfast: background loop '{Name}' failed ({consecutive} in a row); next iteration in {delay.TotalSeconds} s: {exception}");
            }
            catch (Exception)
            {
                // Standard error is closed: there is nowhere left to report to.
            }
        }
    }

    /// <summary>The back-off of a <see cref="BackgroundLoop"/>.</summary>
    public sealed class BackgroundLoopOptions
    {
        /// <summary>The wait after the first failure in a row. Default 1 second; zero means no wait at all.</summary>
        public TimeSpan InitialDelay { get; set; } = TimeSpan.FromSeconds(1);

        /// <summary>The longest wait, however many failures in a row. Default 1 minute; at least <see cref="InitialDelay"/>.</summary>
        public TimeSpan MaxDelay { get; set; } = TimeSpan.FromMinutes(1);

        /// <summary>How much each further failure in a row multiplies the wait. Default 2; at least 1.</summary>
        public double Multiplier { get; set; } = 2;

        internal BackgroundLoopOptions Validated()
        {
            if (InitialDelay < TimeSpan.Zero)
            {
                throw new ArgumentOutOfRangeException(nameof(InitialDelay), InitialDelay, "The initial delay cannot be negative.");
            }

            if (MaxDelay < InitialDelay)
            {
                throw new ArgumentOutOfRangeException(nameof(MaxDelay), MaxDelay, "The maximum delay cannot be shorter than the initial delay.");
            }

            if (double.IsNaN(Multiplier) || double.IsInfinity(Multiplier) || Multiplier < 1)
            {
                throw new ArgumentOutOfRangeException(nameof(Multiplier), Multiplier, "The multiplier must be a finite number of at least 1.");
            }

            return new BackgroundLoopOptions { InitialDelay = InitialDelay, MaxDelay = MaxDelay, Multiplier = Multiplier };
        }
    }

    /// <summary>One failed iteration of a <see cref="BackgroundLoop"/>.</summary>
    public sealed class BackgroundLoopFailedEventArgs : EventArgs
    {
        /// <summary>Creates the event's data.</summary>
        public BackgroundLoopFailedEventArgs(string loopName, Exception exception, int consecutiveFailures, TimeSpan delay)
        {
            LoopName = loopName;
            Exception = exception;
            ConsecutiveFailures = consecutiveFailures;
            Delay = delay;
        }

        /// <summary>The loop's name.</summary>
        public string LoopName { get; }

        /// <summary>What the iteration threw.</summary>
        public Exception Exception { get; }

        /// <summary>Failed iterations in a row, this one included.</summary>
        public int ConsecutiveFailures { get; }

        /// <summary>The wait before the next iteration.</summary>
        public TimeSpan Delay { get; }
    }
}
