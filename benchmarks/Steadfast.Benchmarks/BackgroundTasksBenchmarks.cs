using System;
using System.Threading;
using System.Threading.Tasks;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;

namespace Steadfast.Benchmarks
{
    /// <summary>
    /// <see cref="BackgroundTasks"/>.Run against <see cref="Task.Run(Action)"/> on a trivial work item: start it and wait
    /// for it to complete, one at a time and 1,000 at once. The aims: under 1.3x one at a time (SF1001 issue); at most 1.5x
    /// per task 1,000 at once (performance issue). The "cost breakdown" category adds the tracker's pieces to Task.Run one at
    /// a time (the start time, the handle's allocation, a striped lock to register and one to unregister), to show where the
    /// difference goes.
    /// </summary>
    [MemoryDiagnoser]
    [GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
    [CategoriesColumn]
    public class BackgroundTasksBenchmarks
    {
        private const int Batch = 1_000;
        private static readonly Action Work = static () => { };
        private static readonly Func<Task> AsyncWork = static () => Task.CompletedTask;
        private readonly BackgroundTaskTracker _tracker = new BackgroundTaskTracker();
        private readonly Task[] _tasks = new Task[Batch];

        [Benchmark(Baseline = true), BenchmarkCategory("one Action")]
        public Task TaskRun() => Task.Run(Work);

        [Benchmark, BenchmarkCategory("one Action")]
        public Task BackgroundTasksRun() => _tracker.Run(Work, "bench").Task;

        [Benchmark(Baseline = true), BenchmarkCategory("one Func<Task>")]
        public Task TaskRunAsync() => Task.Run(AsyncWork);

        [Benchmark, BenchmarkCategory("one Func<Task>")]
        public Task BackgroundTasksRunAsync() => _tracker.Run(AsyncWork, "bench").Task;

        [Benchmark(Baseline = true, OperationsPerInvoke = Batch), BenchmarkCategory("1000 at once")]
        public Task TaskRunBatch()
        {
            for (var i = 0; i < Batch; i++)
            {
                _tasks[i] = Task.Run(Work);
            }

            return Task.WhenAll(_tasks);
        }

        [Benchmark(OperationsPerInvoke = Batch), BenchmarkCategory("1000 at once")]
        public Task BackgroundTasksRunBatch()
        {
            for (var i = 0; i < Batch; i++)
            {
                _tasks[i] = _tracker.Run(Work, "bench").Task;
            }

            return Task.WhenAll(_tasks);
        }

        // ------------------------------------------------------------ where the per-task cost goes (1,000 at once)

        [Benchmark(OperationsPerInvoke = Batch), BenchmarkCategory("1000 at once, cost breakdown")]
        public Task TaskRunBatch_PlusStartTime()
        {
            for (var i = 0; i < Batch; i++)
            {
                _startedAt[i & 7] = TimeProvider.System.GetUtcNow();
                _tasks[i] = Task.Run(Work);
            }

            return Task.WhenAll(_tasks);
        }

        [Benchmark(OperationsPerInvoke = Batch), BenchmarkCategory("1000 at once, cost breakdown")]
        public Task TaskRunBatch_PlusStartTime_Handle()
        {
            for (var i = 0; i < Batch; i++)
            {
                _handles[i] = new FakeHandle(Interlocked.Increment(ref _nextId), TimeProvider.System.GetUtcNow(), Work);
                _tasks[i] = Task.Run(Work);
            }

            return Task.WhenAll(_tasks);
        }

        [Benchmark(OperationsPerInvoke = Batch), BenchmarkCategory("1000 at once, cost breakdown")]
        public Task TaskRunBatch_PlusStartTime_Handle_Locks()
        {
            for (var i = 0; i < Batch; i++)
            {
                var handle = new FakeHandle(Interlocked.Increment(ref _nextId), TimeProvider.System.GetUtcNow(), Work);
                _handles[i] = handle;
                lock (_stripes[handle.Id & 7])
                {
                    handle.Linked = true;
                }

                _tasks[i] = Task.Factory.StartNew(
                    static s =>
                    {
                        var h = (FakeHandle)s!;
                        h.Work();
                        lock (h.Stripes![h.Id & 7])
                        {
                            h.Linked = false;
                        }
                    },
                    handle.WithStripes(_stripes),
                    CancellationToken.None,
                    TaskCreationOptions.DenyChildAttach,
                    TaskScheduler.Default);
            }

            return Task.WhenAll(_tasks);
        }

        private readonly DateTimeOffset[] _startedAt = new DateTimeOffset[8];
        private readonly FakeHandle[] _handles = new FakeHandle[Batch];
        private readonly object[] _stripes = { new object(), new object(), new object(), new object(), new object(), new object(), new object(), new object() };
        private long _nextId;

        /// <summary>A stand-in of the tracker's handle, about its size (id, start time, name, work, links, tracker).</summary>
        private sealed class FakeHandle
        {
            public FakeHandle(long id, DateTimeOffset startedAt, Action work)
            {
                Id = id;
                StartedAt = startedAt;
                Work = work;
                Name = "bench";
                Next = this;
            }

            public long Id;
            public DateTimeOffset StartedAt;
            public Action Work;
            public object[]? Stripes;
            public object? Name;
            public object? Next;
            public bool Linked;

            public FakeHandle WithStripes(object[] stripes)
            {
                Stripes = stripes;
                return this;
            }
        }
    }
}
