using System;
using System.Threading;
using System.Threading.Tasks;
using Steadfast.Analyzers.Internal;
using Xunit;

namespace Steadfast.Tests.Determinism
{
    /// <summary>A per-compilation value whose first computation was cancelled is computed again, not rethrown.</summary>
    public sealed class RetryableLazyTests
    {
        [Fact]
        public void CancelledComputation_IsNotCached_TheNextCallComputesIt()
        {
            var calls = 0;
            var lazy = new RetryableLazy<string>(token =>
            {
                calls++;
                token.ThrowIfCancellationRequested();
                return "value";
            });

            using var cancelled = new CancellationTokenSource();
            cancelled.Cancel();
            Assert.Throws<OperationCanceledException>(() => lazy.GetValue(cancelled.Token));
            Assert.Equal("value", lazy.GetValue(CancellationToken.None));
            Assert.Equal("value", lazy.GetValue(CancellationToken.None));
            Assert.Equal(2, calls);
        }

        [Fact]
        public async Task ConcurrentCallers_ComputeOnce_AndShareTheValue()
        {
            var calls = 0;
            var lazy = new RetryableLazy<object>(_ =>
            {
                Interlocked.Increment(ref calls);
                Thread.Sleep(20);
                return new object();
            });

            var values = await Task.WhenAll(Enumerable(8, () => Task.Run(() => lazy.GetValue(CancellationToken.None))));
            Assert.Equal(1, calls);
            Assert.All(values, v => Assert.Same(values[0], v));
        }

        private static Task<object>[] Enumerable(int count, Func<Task<object>> start)
        {
            var tasks = new Task<object>[count];
            for (var i = 0; i < count; i++)
            {
                tasks[i] = start();
            }

            return tasks;
        }
    }
}
