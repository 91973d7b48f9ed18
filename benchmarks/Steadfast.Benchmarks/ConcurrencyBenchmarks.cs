using System.Linq;
using System.Threading.Tasks;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;

namespace Steadfast.Benchmarks
{
    /// <summary>
    /// <see cref="Concurrency"/>.WhenAllBounded (8 at once) against what SF1003's fix replaces, <c>Task.WhenAll</c> over a
    /// Select (all at once), and against <c>Parallel.ForEachAsync</c> with <c>MaxDegreeOfParallelism = 8</c> (the fix's
    /// other rewrite), over 1,000 items of trivial work: an item that yields once (an asynchronous hop, the cheapest real
    /// await) and an item that completes synchronously. What is measured is the cost of the fan-out itself per item.
    /// </summary>
    [MemoryDiagnoser]
    [GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
    [CategoriesColumn]
    public class ConcurrencyBenchmarks
    {
        private const int Items = 1_000;
        private const int Limit = 8;
        private static readonly int[] Source = Enumerable.Range(0, Items).ToArray();
        private static readonly ParallelOptions Options = new ParallelOptions { MaxDegreeOfParallelism = Limit };

        private static async Task<int> YieldAsync(int i)
        {
            await Task.Yield();
            return i;
        }

        private static Task<int> CompletedAsync(int i) => Task.FromResult(i);

        [Benchmark(Baseline = true, OperationsPerInvoke = Items), BenchmarkCategory("yields once")]
        public Task<int[]> WhenAll_Yield() => Task.WhenAll(Source.Select(YieldAsync));

        [Benchmark(OperationsPerInvoke = Items), BenchmarkCategory("yields once")]
        public Task<int[]> WhenAllBounded_Yield() => Concurrency.WhenAllBounded(Source, Limit, YieldAsync);

        [Benchmark(OperationsPerInvoke = Items), BenchmarkCategory("yields once")]
        public Task WhenAllBoundedNoResults_Yield() => Concurrency.WhenAllBounded(Source, Limit, (int i) => (Task)YieldAsync(i));

        [Benchmark(OperationsPerInvoke = Items), BenchmarkCategory("yields once")]
        public Task ParallelForEachAsync_Yield() => Parallel.ForEachAsync(Source, Options, async (i, _) => await YieldAsync(i));

        [Benchmark(Baseline = true, OperationsPerInvoke = Items), BenchmarkCategory("completes synchronously")]
        public Task<int[]> WhenAll_Completed() => Task.WhenAll(Source.Select(CompletedAsync));

        [Benchmark(OperationsPerInvoke = Items), BenchmarkCategory("completes synchronously")]
        public Task<int[]> WhenAllBounded_Completed() => Concurrency.WhenAllBounded(Source, Limit, CompletedAsync);

        [Benchmark(OperationsPerInvoke = Items), BenchmarkCategory("completes synchronously")]
        public Task ParallelForEachAsync_Completed() => Parallel.ForEachAsync(Source, Options, async (i, _) => await CompletedAsync(i));
    }
}
