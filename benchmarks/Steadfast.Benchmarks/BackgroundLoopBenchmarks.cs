using System;
using System.Threading;
using System.Threading.Tasks;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;

namespace Steadfast.Benchmarks
{
    /// <summary>
    /// What the SF1002 fix ("Keep the loop alive") adds to a loop: a <see cref="BackgroundLoop"/> made once, a
    /// <c>try</c> around the body with <see cref="BackgroundLoop.Succeeded"/> at its end, and a catch that reports to
    /// <see cref="BackgroundLoop.FailedAsync"/>. Against the bare loop it replaces, on a body that does almost nothing
    /// (so the difference is all the guard's): "ok" runs 10,000 iterations that all succeed; "failing" makes every 100th
    /// iteration throw, where the bare loop can only survive with a hand-written catch that swallows the exception
    /// (the baseline there), and the guarded loop reports it (no back-off wait: <c>InitialDelay</c> zero, so the
    /// measure is the report, not the wait): with no logger the report goes to standard error with the exception's stack
    /// trace (the default when nothing is configured), with a switched-off logger it goes nowhere.
    /// </summary>
    [MemoryDiagnoser]
    [GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
    [CategoriesColumn]
    public class BackgroundLoopBenchmarks
    {
        private const int Iterations = 10_000;
        private static readonly BackgroundLoopOptions NoWait = new BackgroundLoopOptions { InitialDelay = TimeSpan.Zero, MaxDelay = TimeSpan.Zero };
        private readonly CancellationTokenSource _stop = new CancellationTokenSource();
        private long _sum;

        [Benchmark(Baseline = true, OperationsPerInvoke = Iterations), BenchmarkCategory("ok")]
        public async Task<long> BareLoop()
        {
            var token = _stop.Token;
            for (var i = 0; i < Iterations && !token.IsCancellationRequested; i++)
            {
                await Work(i, fail: false);
            }

            return _sum;
        }

        [Benchmark(OperationsPerInvoke = Iterations), BenchmarkCategory("ok")]
        public async Task<long> GuardedLoop()
        {
            var token = _stop.Token;
            var loop = new BackgroundLoop("bench", NoWait);
            for (var i = 0; i < Iterations && !token.IsCancellationRequested; i++)
            {
                try
                {
                    await Work(i, fail: false);
                    loop.Succeeded();
                }
                catch (Exception ex) when (!token.IsCancellationRequested)
                {
                    await loop.FailedAsync(ex, token);
                }
            }

            return _sum;
        }

        [Benchmark(Baseline = true, OperationsPerInvoke = Iterations), BenchmarkCategory("failing")]
        public async Task<long> SwallowingLoop()
        {
            var token = _stop.Token;
            for (var i = 0; i < Iterations && !token.IsCancellationRequested; i++)
            {
                try
                {
                    await Work(i, fail: i % 100 == 99);
                }
                catch (Exception) when (!token.IsCancellationRequested)
                {
                    // swallowed: what a hand-written "keep going" catch does
                }
            }

            return _sum;
        }

        [Benchmark(OperationsPerInvoke = Iterations), BenchmarkCategory("failing")]
        public async Task<long> GuardedFailingLoop()
        {
            var token = _stop.Token;
            var loop = new BackgroundLoop("bench", NoWait);
            for (var i = 0; i < Iterations && !token.IsCancellationRequested; i++)
            {
                try
                {
                    await Work(i, fail: i % 100 == 99);
                    loop.Succeeded();
                }
                catch (Exception ex) when (!token.IsCancellationRequested)
                {
                    await loop.FailedAsync(ex, token);
                }
            }

            return _sum;
        }

        /// <summary>The same with a logger that is switched off: the guard's own cost, without writing the report anywhere.</summary>
        [Benchmark(OperationsPerInvoke = Iterations), BenchmarkCategory("failing")]
        public async Task<long> GuardedFailingLoopNullLogger()
        {
            var token = _stop.Token;
            var loop = new BackgroundLoop("bench", NoWait, Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance);
            for (var i = 0; i < Iterations && !token.IsCancellationRequested; i++)
            {
                try
                {
                    await Work(i, fail: i % 100 == 99);
                    loop.Succeeded();
                }
                catch (Exception ex) when (!token.IsCancellationRequested)
                {
                    await loop.FailedAsync(ex, token);
                }
            }

            return _sum;
        }

        /// <summary>A body that completes synchronously, as a loop's await on cached or ready work does.</summary>
        private Task Work(int i, bool fail)
        {
            if (fail)
            {
                throw new InvalidOperationException("iteration " + i);
            }

            _sum += i;
            return Task.CompletedTask;
        }
    }
}
