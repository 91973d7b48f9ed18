using System;
using System.Threading.Tasks;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;

namespace Steadfast.Benchmarks
{
    /// <summary>
    /// <see cref="BackgroundTasks"/>.Run against <see cref="Task.Run(Action)"/> on a trivial work item: start it and wait
    /// for it to complete, one at a time and 1,000 at once. The aim (issue: SF1001) is under 1.3x.
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
    }
}
