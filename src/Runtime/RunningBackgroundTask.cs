using System;
using System.Threading;
using System.Threading.Tasks;

namespace Steadfast
{
    /// <summary>
    /// A task a <see cref="BackgroundTaskTracker"/> keeps alive, as returned by <c>Run</c> and <c>Track</c>.
    /// It is deliberately not awaitable (so a call that starts background work is never mistaken for a dropped task);
    /// await <see cref="Task"/> when the caller does want to wait.
    /// </summary>
    public sealed class RunningBackgroundTask
    {
        private Task? _task;
        private Action? _work;

        internal RunningBackgroundTask(BackgroundTaskTracker tracker, long id, string name, DateTimeOffset startedAt, int stripe, Action? work)
        {
            Tracker = tracker;
            Id = id;
            Name = name;
            StartedAt = startedAt;
            Stripe = stripe;
            _work = work;
        }

        /// <summary>A number unique within its tracker, in start order.</summary>
        public long Id { get; }

        /// <summary>The name given when the task was started or tracked.</summary>
        public string Name { get; }

        /// <summary>
        /// When the tracker started tracking it: with the system clock, to within the tick count's resolution (1 to 16 ms,
        /// by system); with another <see cref="TimeProvider"/>, exactly what it said.
        /// </summary>
        public DateTimeOffset StartedAt { get; }

        /// <summary>The task itself.</summary>
        public Task Task => _task!;

        internal BackgroundTaskTracker Tracker { get; }

        internal int Stripe { get; }

        // The link of the tracker's running list (guarded by the stripe's lock).
        internal RunningBackgroundTask? Next;

        private int _finished;

        /// <summary>True once the task has finished and its failure, if any, has been reported.</summary>
        internal bool IsFinished => Volatile.Read(ref _finished) != 0;

        internal void MarkFinished() => Volatile.Write(ref _finished, 1);

        /// <summary>Set once, by the tracker, before the entry is published (the task may take the entry as its state).</summary>
        internal void SetTask(Task task) => _task = task;

        /// <summary>The work of a task the tracker runs itself; handed out once, then dropped so that the entry does not keep it alive.</summary>
        internal Action TakeWork()
        {
            var work = _work!;
            _work = null;
            return work;
        }

        /// <summary>The continuation of a task the tracker only observes: reports and forgets the entry.</summary>
        internal Action CreateCompletionCallback() => Complete;

        private void Complete() => Tracker.Complete(this);

        /// <inheritdoc />
        public override string ToString() => $"{Name} (started {StartedAt:O}, {Task.Status})";
    }

    /// <summary>Data of <see cref="BackgroundTaskTracker.TaskFailed"/>.</summary>
    public sealed class BackgroundTaskFailedEventArgs : EventArgs
    {
        /// <summary>Creates the event data.</summary>
        public BackgroundTaskFailedEventArgs(string name, Exception exception, DateTimeOffset startedAt)
        {
            Name = name ?? throw new ArgumentNullException(nameof(name));
            Exception = exception ?? throw new ArgumentNullException(nameof(exception));
            StartedAt = startedAt;
        }

        /// <summary>The task's name.</summary>
        public string Name { get; }

        /// <summary>What it failed with (the single inner exception, or the whole <see cref="AggregateException"/> when there were several).</summary>
        public Exception Exception { get; }

        /// <summary>When the task was started or tracked.</summary>
        public DateTimeOffset StartedAt { get; }
    }
}
