using System;
using System.Collections.Generic;
using System.Threading;

namespace Steadfast.Tests.Support
{
    /// <summary>A clock that moves only when told to; timers fire during <see cref="Advance"/>.</summary>
    public sealed class ManualTimeProvider : TimeProvider
    {
        private readonly object _gate = new object();
        private readonly List<ManualTimer> _timers = new List<ManualTimer>();
        private DateTimeOffset _now;

        public ManualTimeProvider(DateTimeOffset? start = null) => _now = start ?? new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

        public override DateTimeOffset GetUtcNow()
        {
            lock (_gate)
            {
                return _now;
            }
        }

        /// <summary>Timestamps move with the manual clock too (in ticks).</summary>
        public override long TimestampFrequency => TimeSpan.TicksPerSecond;

        public override long GetTimestamp() => GetUtcNow().UtcTicks;

        /// <summary>How long until the earliest pending timer is due, or null when none is pending.</summary>
        public TimeSpan? NextTimerDueIn
        {
            get
            {
                lock (_gate)
                {
                    TimeSpan? next = null;
                    foreach (var timer in _timers)
                    {
                        var dueIn = timer.DueAt - _now;
                        if (next is null || dueIn < next)
                        {
                            next = dueIn;
                        }
                    }

                    return next;
                }
            }
        }

        /// <summary>Waits (really, bounded) until some code has started a timer, then returns how long until it is due.</summary>
        public TimeSpan WaitForTimer(TimeSpan? timeout = null)
        {
            var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(10));
            while (DateTime.UtcNow < deadline)
            {
                if (NextTimerDueIn is { } due)
                {
                    return due;
                }

                Thread.Sleep(1);
            }

            throw new TimeoutException("No timer was started.");
        }

        public void Advance(TimeSpan by)
        {
            if (by < TimeSpan.Zero)
            {
                throw new ArgumentOutOfRangeException(nameof(by));
            }

            DateTimeOffset target;
            lock (_gate)
            {
                target = _now + by;
            }

            while (true)
            {
                ManualTimer? due = null;
                lock (_gate)
                {
                    foreach (var timer in _timers)
                    {
                        if (timer.DueAt <= target && (due is null || timer.DueAt < due.DueAt))
                        {
                            due = timer;
                        }
                    }

                    if (due is null)
                    {
                        _now = target;
                        return;
                    }

                    _now = due.DueAt;
                    if (due.Period is { } period && period > TimeSpan.Zero)
                    {
                        due.DueAt = _now + period;
                    }
                    else
                    {
                        _timers.Remove(due);
                    }
                }

                due.Callback(due.State);
            }
        }

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
        {
            var timer = new ManualTimer(this, callback, state);
            timer.Change(dueTime, period);
            return timer;
        }

        private sealed class ManualTimer : ITimer
        {
            private readonly ManualTimeProvider _owner;

            public ManualTimer(ManualTimeProvider owner, TimerCallback callback, object? state)
            {
                _owner = owner;
                Callback = callback;
                State = state;
            }

            public TimerCallback Callback { get; }

            public object? State { get; }

            public DateTimeOffset DueAt { get; set; }

            public TimeSpan? Period { get; private set; }

            public bool Change(TimeSpan dueTime, TimeSpan period)
            {
                lock (_owner._gate)
                {
                    _owner._timers.Remove(this);
                    if (dueTime == Timeout.InfiniteTimeSpan)
                    {
                        return true;
                    }

                    DueAt = _owner._now + dueTime;
                    Period = period == Timeout.InfiniteTimeSpan ? null : period;
                    _owner._timers.Add(this);
                    return true;
                }
            }

            public void Dispose()
            {
                lock (_owner._gate)
                {
                    _owner._timers.Remove(this);
                }
            }

            public System.Threading.Tasks.ValueTask DisposeAsync()
            {
                Dispose();
                return default;
            }
        }
    }
}
