using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.Logging;

namespace Steadfast
{
    /// <summary>
    /// Keeps every background task referenced until it completes, reports each failure exactly once
    /// (to an <see cref="ILogger"/> and to <see cref="TaskFailed"/>), and lets shutdown wait for in-flight work.
    /// </summary>
    /// <remarks>
    /// <see cref="BackgroundTasks"/> is a static facade over <see cref="BackgroundTasks.Tracker"/>; create instances
    /// of your own for dependency injection or tests. All members are thread safe.
    /// </remarks>
    public sealed class BackgroundTaskTracker
    {
        private static readonly Action<ILogger, string, Exception?> LogFailure = LoggerMessage.Define<string>(
            LogLevel.Error, new EventId(1001, "BackgroundTaskFailed"), "Background task '{TaskName}' failed");

        // Running tasks live in striped, intrusive singly-linked lists, one stripe per starting thread (by thread id), so
        // that registering allocates nothing and takes a lock nobody else wants (a ConcurrentDictionary node per task cost
        // more than Task.Run itself). A task that completes only marks its entry and counts itself on a striped counter of
        // its own thread: it touches no lock and no line the starting thread writes (a lock to unlink it from the completing
        // thread cost about 100 ns per task, a cache line moving between cores twice). Marked entries are unlinked in
        // batches: by the stripe's next registrations once it has doubled, by every 256th completion on a thread, and by
        // Running (so by DrainAsync), so a few hundred completed entries per processor at most wait to be dropped.
        private readonly Stripe[] _stripes = CreateStripes();
        private readonly StripedCounter _finished = new StripedCounter();
        private readonly TimeProvider _timeProvider;
#if NET5_0_OR_GREATER
        private readonly bool _systemClock;
        private ClockBase _clockBase;
#endif
        private readonly CancellationTokenSource _abandoned = new CancellationTokenSource();
        private long _nextId;
        private long _failed;
        private ILogger? _logger;

        /// <summary>Creates a tracker.</summary>
        /// <param name="logger">Receives one Error entry per failed task; may be set later through <see cref="Logger"/>.</param>
        /// <param name="timeProvider">The clock for start times and drain time-outs; <see cref="TimeProvider.System"/> when null.</param>
        public BackgroundTaskTracker(ILogger? logger = null, TimeProvider? timeProvider = null)
        {
            _logger = logger;
            _timeProvider = timeProvider ?? TimeProvider.System;
#if NET5_0_OR_GREATER
            _systemClock = ReferenceEquals(_timeProvider, TimeProvider.System);
            _clockBase = new ClockBase(Environment.TickCount64, _timeProvider.GetUtcNow());
#endif
        }

        /// <summary>
        /// Raised once for each task that fails. Cancellation is not a failure; a time-out that surfaces as a
        /// <see cref="TaskCanceledException"/> wrapping a <see cref="TimeoutException"/> (as HttpClient's does) is.
        /// Handlers run on the thread that completed the task; an exception thrown by a handler is reported, never rethrown.
        /// </summary>
        public event EventHandler<BackgroundTaskFailedEventArgs>? TaskFailed;

        /// <summary>
        /// The logger failures go to. When neither a logger nor a <see cref="TaskFailed"/> handler is present,
        /// failures are written to standard error so that none is ever lost silently.
        /// </summary>
        public ILogger? Logger
        {
            get => Volatile.Read(ref _logger);
            set => Volatile.Write(ref _logger, value);
        }

        /// <summary>How many tasks are running now.</summary>
        /// <remarks>While tasks start and finish on other threads it may count one that has just finished, never miss one
        /// that is running (finished tasks are summed first, then started ones, and both only grow).</remarks>
        public int Count
        {
            get
            {
                var finished = _finished.Sum();
                long started = 0;
                foreach (var stripe in _stripes)
                {
                    started += Volatile.Read(ref stripe.Started);
                }

                return (int)Math.Max(0, started - finished);
            }
        }

        /// <summary>How many tracked tasks have failed since the tracker was created.</summary>
        public long FailedCount => Interlocked.Read(ref _failed);

        /// <summary>A snapshot of the tasks running now, oldest first.</summary>
        public IReadOnlyList<RunningBackgroundTask> Running
        {
            get
            {
                var list = new List<RunningBackgroundTask>(Count);
                foreach (var stripe in _stripes)
                {
                    lock (stripe)
                    {
                        SweepLocked(stripe);
                        for (var e = stripe.Head; e is not null; e = e.Next)
                        {
                            list.Add(e);
                        }
                    }
                }

                list.Sort(static (a, b) => a.Id.CompareTo(b.Id));
                return list;
            }
        }

        /// <summary>Runs <paramref name="work"/> on the thread pool and tracks it until it completes.</summary>
        /// <param name="work">The work.</param>
        /// <param name="name">The name failures and <see cref="Running"/> report; the delegate's method name when null.</param>
        /// <param name="cancellationToken">Cancels the work if it has not started yet, as with <see cref="Task.Run(Func{Task}, CancellationToken)"/>.</param>
        /// <returns>The handle of the tracked work; its <see cref="RunningBackgroundTask.Task"/> may be awaited, which is optional.</returns>
        public RunningBackgroundTask Run(Func<Task> work, string? name = null, CancellationToken cancellationToken = default)
        {
            if (work is null)
            {
                throw new ArgumentNullException(nameof(work));
            }

            return TrackCore(Task.Run(work, cancellationToken), name ?? NameOf(work));
        }

        /// <summary>
        /// Runs <paramref name="work"/> on the thread pool and tracks it. The token it receives is cancelled when
        /// <paramref name="cancellationToken"/> is, or when a drain gives up waiting for it (see <see cref="DrainAsync(TimeSpan)"/>).
        /// </summary>
        public RunningBackgroundTask Run(Func<CancellationToken, Task> work, string? name = null, CancellationToken cancellationToken = default)
        {
            if (work is null)
            {
                throw new ArgumentNullException(nameof(work));
            }

            Task task;
            if (cancellationToken.CanBeCanceled)
            {
                var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _abandoned.Token);
                task = Task.Run(() => work(linked.Token), cancellationToken);
                task.ContinueWith(static (_, s) => ((CancellationTokenSource)s!).Dispose(), linked, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            }
            else
            {
                var token = _abandoned.Token;
                task = Task.Run(() => work(token), CancellationToken.None);
            }

            return TrackCore(task, name ?? NameOf(work));
        }

        /// <summary>Runs synchronous <paramref name="work"/> on the thread pool and tracks it.</summary>
        public RunningBackgroundTask Run(Action work, string? name = null, CancellationToken cancellationToken = default)
        {
            if (work is null)
            {
                throw new ArgumentNullException(nameof(work));
            }

            if (cancellationToken.CanBeCanceled)
            {
                // A token may cancel the task before its body runs: only a continuation sees that end.
                return TrackCore(Task.Run(work, cancellationToken), name ?? NameOf(work));
            }

            // The common case, and the cheap one: the task's own body reports a failure and forgets the entry, so there is no
            // continuation to allocate, register and run. The task is what Task.Run makes (DenyChildAttach, default scheduler),
            // with the entry as its state instead of a closure.
            var id = Interlocked.Increment(ref _nextId);
            var entry = new RunningBackgroundTask(this, id, name ?? NameOf(work), StartTime(), StripeOfCurrentThread(), work);
            var task = new Task(RunTrackedAction, entry, CancellationToken.None, TaskCreationOptions.DenyChildAttach);
            entry.SetTask(task);
            Link(entry);
            task.Start(TaskScheduler.Default);
            return entry;
        }

        /// <summary>Tracks a task that has already been started, until it completes.</summary>
        /// <returns>The handle of the tracked task.</returns>
        public RunningBackgroundTask Track(Task task, string? name = null)
        {
            if (task is null)
            {
                throw new ArgumentNullException(nameof(task));
            }

            return TrackCore(task, name ?? "background task");
        }

        /// <summary>Tracks a <see cref="ValueTask"/> until it completes.</summary>
        /// <returns>The handle of the tracked task.</returns>
        public RunningBackgroundTask Track(ValueTask task, string? name = null) => Track(task.AsTask(), name);

        /// <summary>Tracks a <see cref="ValueTask{TResult}"/> until it completes.</summary>
        /// <returns>The handle of the tracked task.</returns>
        public RunningBackgroundTask Track<T>(ValueTask<T> task, string? name = null) => Track(task.AsTask(), name);

        /// <summary>
        /// Waits until every tracked task has completed, or <paramref name="timeout"/> has passed.
        /// Tasks started while draining are waited for too. When the wait gives up, the tokens handed to
        /// <see cref="Run(Func{CancellationToken, Task}, string?, CancellationToken)"/> work are cancelled.
        /// </summary>
        /// <returns>The tasks that had not finished; empty when all did.</returns>
        public async Task<IReadOnlyList<RunningBackgroundTask>> DrainAsync(TimeSpan timeout)
        {
            if (timeout < TimeSpan.Zero && timeout != Timeout.InfiniteTimeSpan)
            {
                throw new ArgumentOutOfRangeException(nameof(timeout), timeout, "The time-out must be positive or Timeout.InfiniteTimeSpan.");
            }

            using var cts = new CancellationTokenSource();
            using var timer = timeout == Timeout.InfiniteTimeSpan ? null : _timeProvider.CreateTimer(static s => ((CancellationTokenSource)s!).Cancel(), cts, timeout, Timeout.InfiniteTimeSpan);
            return await DrainAsync(cts.Token).ConfigureAwait(false);
        }

        /// <summary>
        /// Waits until every tracked task has completed, or <paramref name="cancellationToken"/> is cancelled
        /// (a host passes its shutdown-timeout token here). Never throws on cancellation.
        /// </summary>
        /// <returns>The tasks that had not finished; empty when all did.</returns>
        public async Task<IReadOnlyList<RunningBackgroundTask>> DrainAsync(CancellationToken cancellationToken)
        {
            var gaveUp = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
            using (cancellationToken.Register(static s => ((TaskCompletionSource<bool>)s!).TrySetResult(true), gaveUp))
            {
                while (Count > 0 && !cancellationToken.IsCancellationRequested)
                {
                    var running = Running;
                    if (running.Count == 0)
                    {
                        // Counted but not listed: a task between registering and linking, or between being marked
                        // finished and counting itself. Let it get there (off any synchronization context).
                        await Task.Delay(1, CancellationToken.None).ConfigureAwait(false);
                        continue;
                    }

                    var snapshot = new Task[running.Count];
                    for (var i = 0; i < snapshot.Length; i++)
                    {
                        snapshot[i] = running[i].Task;
                    }

                    // WhenAll faults when a task in it does: those failures are reported by the tracker, so observe them here
                    // too, or the WhenAll task would raise UnobservedTaskException when collected.
                    var all = Task.WhenAll(snapshot);
                    _ = all.ContinueWith(static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously | TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
                    await Task.WhenAny(all, gaveUp.Task).ConfigureAwait(false);
                }
            }

            var stragglers = Running;
            if (stragglers.Count > 0)
            {
                _abandoned.Cancel();
            }

            return stragglers;
        }

        private RunningBackgroundTask TrackCore(Task task, string name)
        {
            var id = Interlocked.Increment(ref _nextId);
            var entry = new RunningBackgroundTask(this, id, name, StartTime(), StripeOfCurrentThread(), work: null);
            entry.SetTask(task);
            if (task.IsCompleted)
            {
                Report(entry, task);
                return entry;
            }

            Link(entry);

            // A bare awaiter continuation: no continuation Task, no ExecutionContext capture; runs inline on completion.
            task.ConfigureAwait(false).GetAwaiter().UnsafeOnCompleted(entry.CreateCompletionCallback());
            return entry;
        }

        /// <summary>The body of a task started by <see cref="Run(Action, string?, CancellationToken)"/> without a token.</summary>
        private static void RunTrackedAction(object? state)
        {
            var entry = (RunningBackgroundTask)state!;
            var work = entry.TakeWork();
            try
            {
                work();
            }
            catch (Exception exception)
            {
                // Report before forgetting (the finally below), then let the task fault with the exception as Task.Run's
                // would. The failure has been reported: observe it so that it never reaches UnobservedTaskException.
                entry.Tracker.Report(entry, exception);
                entry.Task.ContinueWith(static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously | TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
                throw;
            }
            finally
            {
                entry.Tracker.Unlink(entry);
            }
        }

        internal void Complete(RunningBackgroundTask entry)
        {
            // Report before forgetting: once a drain sees the task gone, its failure has been reported.
            Report(entry, entry.Task);
            Unlink(entry);
        }

        /// <summary>Registers a running entry: counted first (so that <see cref="Count"/> never misses it), then linked.</summary>
        private void Link(RunningBackgroundTask entry)
        {
            var stripe = _stripes[entry.Stripe];
            lock (stripe)
            {
                Volatile.Write(ref stripe.Started, stripe.Started + 1); // only ever written under the lock; read whole
                entry.Next = stripe.Head;
                stripe.Head = entry;
                if (++stripe.Linked >= stripe.SweepAt)
                {
                    SweepLocked(stripe);
                }
            }
        }

        /// <summary>Forgets a finished entry: marked (Running no longer lists it), then counted; unlinked later, in a batch.</summary>
        private void Unlink(RunningBackgroundTask entry)
        {
            entry.MarkFinished();
            if ((_finished.IncrementAndGetCell() & 255) == 0)
            {
                foreach (var stripe in _stripes)
                {
                    if (Monitor.TryEnter(stripe))
                    {
                        try
                        {
                            SweepLocked(stripe);
                        }
                        finally
                        {
                            Monitor.Exit(stripe);
                        }
                    }
                }
            }
        }

        /// <summary>Unlinks the stripe's finished entries (under its lock); the next sweep comes when the list has doubled.</summary>
        private static void SweepLocked(Stripe stripe)
        {
            RunningBackgroundTask? kept = null;
            var linked = 0;
            for (var e = stripe.Head; e is not null;)
            {
                var next = e.Next;
                if (e.IsFinished)
                {
                    e.Next = null;
                    if (kept is null)
                    {
                        stripe.Head = next;
                    }
                    else
                    {
                        kept.Next = next;
                    }
                }
                else
                {
                    kept = e;
                    linked++;
                }

                e = next;
            }

            stripe.Linked = linked;
            stripe.SweepAt = Math.Max(MinSweep, linked * 2);
        }

        private const int MinSweep = 64;

        /// <summary>
        /// When a task starts. With the system clock, the wall clock read at most once a second plus the milliseconds the
        /// tick count has moved since (reading the wall clock cost a quarter of Task.Run per task); so a start time is
        /// exact to the tick count's resolution (1 to 16 ms, by system). Any other TimeProvider is asked every time.
        /// </summary>
        private DateTimeOffset StartTime()
        {
#if NET5_0_OR_GREATER
            if (_systemClock)
            {
                var tick = Environment.TickCount64;
                var clock = Volatile.Read(ref _clockBase);
                var elapsed = tick - clock.Tick;
                if (elapsed >= 0 && elapsed < 1000)
                {
                    return new DateTimeOffset(clock.UtcTicks + elapsed * TimeSpan.TicksPerMillisecond, TimeSpan.Zero);
                }

                clock = new ClockBase(tick, _timeProvider.GetUtcNow());
                Volatile.Write(ref _clockBase, clock);
                return new DateTimeOffset(clock.UtcTicks, TimeSpan.Zero);
            }
#endif
            return _timeProvider.GetUtcNow();
        }

#if NET5_0_OR_GREATER
        /// <summary>A wall-clock reading and the tick count it was taken at; replaced whole, never changed.</summary>
        private sealed class ClockBase
        {
            public ClockBase(long tick, DateTimeOffset utc)
            {
                Tick = tick;
                UtcTicks = utc.UtcTicks;
            }

            public long Tick { get; }

            public long UtcTicks { get; }
        }
#endif

        /// <summary>The stripe a thread registers its tasks in.</summary>
        private int StripeOfCurrentThread() => Environment.CurrentManagedThreadId & (_stripes.Length - 1);

        private static Stripe[] CreateStripes()
        {
            var count = 1;
            while (count < Environment.ProcessorCount * 4 && count < 256)
            {
                count <<= 1;
            }

            var stripes = new Stripe[count];
            for (var i = 0; i < stripes.Length; i++)
            {
                stripes[i] = new Stripe();
            }

            return stripes;
        }

        private sealed class Stripe
        {
            public RunningBackgroundTask? Head;
            public long Started;
            public int Linked;
            public int SweepAt = MinSweep;

            // Keeps two stripes' fields off one cache line (stripes are allocated one after another).
#pragma warning disable CS0169, IDE0051 // never read: padding
            private long _pad0, _pad1, _pad2, _pad3, _pad4, _pad5, _pad6;
#pragma warning restore CS0169, IDE0051
        }

        private void Report(RunningBackgroundTask entry, Task task)
        {
            Exception exception;
            if (task.IsFaulted)
            {
                // Reading Exception marks the task's failure observed: no UnobservedTaskException later.
                var aggregate = task.Exception!;
                exception = aggregate.InnerExceptions.Count == 1 ? aggregate.InnerExceptions[0] : aggregate;
            }
            else if (task.IsCanceled)
            {
                // An async method that throws TaskCanceledException ends Canceled, not Faulted: an HttpClient
                // time-out does. Awaiting rethrows the exception it ended with, which tells the two apart.
                try
                {
                    task.GetAwaiter().GetResult();
                    return;
                }
                catch (OperationCanceledException canceled)
                {
                    exception = canceled;
                }
            }
            else
            {
                return;
            }

            Report(entry, exception);
        }

        /// <summary>Reports a task's failure once (to the logger and <see cref="TaskFailed"/>); cancellation is no failure.</summary>
        private void Report(RunningBackgroundTask entry, Exception exception)
        {
            if (IsCancellation(exception))
            {
                return;
            }

            Interlocked.Increment(ref _failed);
            var reported = false;
            var logger = Logger;
            if (logger is not null)
            {
                try
                {
                    LogFailure(logger, entry.Name, exception);
                    reported = true;
                }
                catch (Exception loggerFailure)
                {
                    WriteToStandardError(entry.Name, new AggregateException(exception, loggerFailure));
                    reported = true;
                }
            }

            var handlers = TaskFailed;
            if (handlers is not null)
            {
                var args = new BackgroundTaskFailedEventArgs(entry.Name, exception, entry.StartedAt);
                foreach (var handler in handlers.GetInvocationList())
                {
                    try
                    {
                        ((EventHandler<BackgroundTaskFailedEventArgs>)handler)(this, args);
                        reported = true;
                    }
                    catch (Exception handlerFailure)
                    {
                        WriteToStandardError(entry.Name + " (TaskFailed handler)", handlerFailure);
                    }
                }
            }

            if (!reported)
            {
                WriteToStandardError(entry.Name, exception);
            }
        }

        /// <summary>Cancellation is not a failure; a time-out dressed as cancellation (HttpClient's) is.</summary>
        private static bool IsCancellation(Exception exception) =>
            exception is OperationCanceledException && exception.InnerException is not TimeoutException;

        private static void WriteToStandardError(string name, Exception exception)
        {
            try
            {
                Console.Error.WriteLine($"Steadfast: background task '{name}' failed: {exception}");
            }
            catch (Exception)
            {
                // Standard error is closed: there is nowhere left to report to.
            }
        }

        private static string NameOf(Delegate work)
        {
            var method = work.Method;
            var name = method.Name;

            // Local functions compile to "<Outer>g__Name|0_0": report the local function's name.
            var local = name.IndexOf(">g__", StringComparison.Ordinal);
            if (local > 0)
            {
                var start = local + 4;
                var bar = name.IndexOf('|', start);
                return bar > start ? name.Substring(start, bar - start) : name.Substring(start);
            }

            // Lambdas compile to "<Outer>b__0_0": report the enclosing method's name.
            if (name.Length > 0 && name[0] == '<')
            {
                var end = name.IndexOf('>');
                if (end > 1)
                {
                    return name.Substring(1, end - 1);
                }
            }

            return name;
        }
    }
}
