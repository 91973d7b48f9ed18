using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;

namespace Steadfast
{
    /// <summary>
    /// Fire-and-forget done right: background work stays referenced until it completes, every failure is logged
    /// with the task's name, and shutdown waits for it. A static facade over <see cref="Tracker"/>.
    /// </summary>
    /// <example>
    /// <code>
    /// BackgroundTasks.Run(() => EnrichLeadAsync(lead), name: "EnrichLeadAsync");
    /// BackgroundTasks.Track(SendWelcomeAsync(user), name: "SendWelcomeAsync");
    /// </code>
    /// </example>
    public static class BackgroundTasks
    {
        /// <summary>The process-wide tracker the static methods use. <c>services.AddBackgroundTaskTracking()</c> registers this same instance.</summary>
        public static BackgroundTaskTracker Tracker { get; } = new BackgroundTaskTracker();

        /// <inheritdoc cref="BackgroundTaskTracker.Running"/>
        public static IReadOnlyList<RunningBackgroundTask> Running => Tracker.Running;

        /// <inheritdoc cref="BackgroundTaskTracker.Run(Func{Task}, string?, CancellationToken)"/>
        public static RunningBackgroundTask Run(Func<Task> work, string? name = null, CancellationToken cancellationToken = default) =>
            Tracker.Run(work, name, cancellationToken);

        /// <inheritdoc cref="BackgroundTaskTracker.Run(Func{CancellationToken, Task}, string?, CancellationToken)"/>
        public static RunningBackgroundTask Run(Func<CancellationToken, Task> work, string? name = null, CancellationToken cancellationToken = default) =>
            Tracker.Run(work, name, cancellationToken);

        /// <inheritdoc cref="BackgroundTaskTracker.Run(Action, string?, CancellationToken)"/>
        public static RunningBackgroundTask Run(Action work, string? name = null, CancellationToken cancellationToken = default) =>
            Tracker.Run(work, name, cancellationToken);

        /// <inheritdoc cref="BackgroundTaskTracker.Track(Task, string?)"/>
        public static RunningBackgroundTask Track(Task task, string? name = null) => Tracker.Track(task, name);

        /// <inheritdoc cref="BackgroundTaskTracker.Track(ValueTask, string?)"/>
        public static RunningBackgroundTask Track(ValueTask task, string? name = null) => Tracker.Track(task, name);

        /// <inheritdoc cref="BackgroundTaskTracker.Track{T}(ValueTask{T}, string?)"/>
        public static RunningBackgroundTask Track<T>(ValueTask<T> task, string? name = null) => Tracker.Track(task, name);

        /// <inheritdoc cref="BackgroundTaskTracker.DrainAsync(TimeSpan)"/>
        public static Task<IReadOnlyList<RunningBackgroundTask>> DrainAsync(TimeSpan timeout) => Tracker.DrainAsync(timeout);

        /// <inheritdoc cref="BackgroundTaskTracker.DrainAsync(CancellationToken)"/>
        public static Task<IReadOnlyList<RunningBackgroundTask>> DrainAsync(CancellationToken cancellationToken) => Tracker.DrainAsync(cancellationToken);
    }
}
