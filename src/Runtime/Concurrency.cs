using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;

namespace Steadfast
{
    /// <summary>
    /// Fan-out with a limit: what <c>Task.WhenAll(items.Select(selector))</c> does, with at most
    /// <c>maxConcurrency</c> of the selector's tasks running at once.
    /// </summary>
    /// <example>
    /// <code>
    /// // Before: one request per lead, all at once (10,000 leads, 10,000 connections).
    /// var profiles = await Task.WhenAll(leads.Select(lead => LoadProfileAsync(lead)));
    /// // After: 8 at a time, results in the order of the leads.
    /// var profiles = await Concurrency.WhenAllBounded(leads, 8, lead => LoadProfileAsync(lead));
    /// </code>
    /// </example>
    /// <remarks>
    /// <para>Behaves as <c>Task.WhenAll</c> does for its callers:</para>
    /// <list type="bullet">
    /// <item>results come in the order of the items, whatever order the tasks finish in;</item>
    /// <item>every item runs, even after another has failed; the returned task faults with the exception of each item that
    /// failed, in the order of the items, so <c>await</c> throws the first of them and <c>Task.Exception</c> holds all;</item>
    /// <item>an item whose task is canceled (an <see cref="OperationCanceledException"/>, an <c>HttpClient</c> timeout)
    /// does not stop the others; when no item failed, the returned task is canceled.</item>
    /// </list>
    /// <para>The differences, both deliberate: an item starts only when fewer than <c>maxConcurrency</c> are running
    /// (later than with <c>WhenAll</c>, which starts them all at once); and once <c>cancellationToken</c> is canceled, no
    /// further item starts (those running finish or observe the token) and the returned task is canceled, unless an item
    /// failed. The items are enumerated once, up front, on the calling thread, as <c>WhenAll</c> does; the first
    /// <c>maxConcurrency</c> selectors start on the calling thread, the others on the thread that finished a task.</para>
    /// <para>Thread-safe: the items, results and failures are shared only through interlocked operations and a lock.</para>
    /// </remarks>
    public static class Concurrency
    {
        /// <summary>
        /// Runs <paramref name="selector"/> for each item, at most <paramref name="maxConcurrency"/> at once, and gives the
        /// results in the order of the items.
        /// </summary>
        /// <param name="items">The items; enumerated once, before the first selector runs.</param>
        /// <param name="maxConcurrency">How many selector tasks may run at once; at least 1.</param>
        /// <param name="selector">Starts the work for one item; receives <paramref name="cancellationToken"/>.</param>
        /// <param name="cancellationToken">Once canceled, no further item starts.</param>
        /// <returns>The results, in the order of <paramref name="items"/>.</returns>
        /// <exception cref="ArgumentNullException"><paramref name="items"/> or <paramref name="selector"/> is null.</exception>
        /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxConcurrency"/> is less than 1.</exception>
        public static Task<TResult[]> WhenAllBounded<TSource, TResult>(
            IEnumerable<TSource> items, int maxConcurrency, Func<TSource, CancellationToken, Task<TResult>> selector, CancellationToken cancellationToken = default)
        {
            Check(items, maxConcurrency, selector);
            return new Run<TSource, TResult>(items, selector, cancellationToken).Start(maxConcurrency);
        }

        /// <summary>
        /// Runs <paramref name="selector"/> for each item, at most <paramref name="maxConcurrency"/> at once, and gives the
        /// results in the order of the items.
        /// </summary>
        /// <param name="items">The items; enumerated once, before the first selector runs.</param>
        /// <param name="maxConcurrency">How many selector tasks may run at once; at least 1.</param>
        /// <param name="selector">Starts the work for one item.</param>
        /// <param name="cancellationToken">Once canceled, no further item starts.</param>
        /// <returns>The results, in the order of <paramref name="items"/>.</returns>
        /// <exception cref="ArgumentNullException"><paramref name="items"/> or <paramref name="selector"/> is null.</exception>
        /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxConcurrency"/> is less than 1.</exception>
        public static Task<TResult[]> WhenAllBounded<TSource, TResult>(
            IEnumerable<TSource> items, int maxConcurrency, Func<TSource, Task<TResult>> selector, CancellationToken cancellationToken = default)
        {
            Check(items, maxConcurrency, selector);
            return new Run<TSource, TResult>(items, (item, _) => selector(item), cancellationToken).Start(maxConcurrency);
        }

        /// <summary>Runs <paramref name="selector"/> for each item, at most <paramref name="maxConcurrency"/> at once.</summary>
        /// <param name="items">The items; enumerated once, before the first selector runs.</param>
        /// <param name="maxConcurrency">How many selector tasks may run at once; at least 1.</param>
        /// <param name="selector">Starts the work for one item; receives <paramref name="cancellationToken"/>.</param>
        /// <param name="cancellationToken">Once canceled, no further item starts.</param>
        /// <returns>A task that completes when every item's task has.</returns>
        /// <exception cref="ArgumentNullException"><paramref name="items"/> or <paramref name="selector"/> is null.</exception>
        /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxConcurrency"/> is less than 1.</exception>
        public static Task WhenAllBounded<TSource>(
            IEnumerable<TSource> items, int maxConcurrency, Func<TSource, CancellationToken, Task> selector, CancellationToken cancellationToken = default)
        {
            Check(items, maxConcurrency, selector);
            return new Run<TSource, bool>(
                items,
                async (item, token) =>
                {
                    var task = selector(item, token) ?? throw new InvalidOperationException(NullTask);
                    await task.ConfigureAwait(false);
                    return true;
                },
                cancellationToken).Start(maxConcurrency);
        }

        /// <summary>Runs <paramref name="selector"/> for each item, at most <paramref name="maxConcurrency"/> at once.</summary>
        /// <param name="items">The items; enumerated once, before the first selector runs.</param>
        /// <param name="maxConcurrency">How many selector tasks may run at once; at least 1.</param>
        /// <param name="selector">Starts the work for one item.</param>
        /// <param name="cancellationToken">Once canceled, no further item starts.</param>
        /// <returns>A task that completes when every item's task has.</returns>
        /// <exception cref="ArgumentNullException"><paramref name="items"/> or <paramref name="selector"/> is null.</exception>
        /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxConcurrency"/> is less than 1.</exception>
        public static Task WhenAllBounded<TSource>(
            IEnumerable<TSource> items, int maxConcurrency, Func<TSource, Task> selector, CancellationToken cancellationToken = default)
        {
            Check(items, maxConcurrency, selector);
            return WhenAllBounded(items, maxConcurrency, (item, _) => selector(item), cancellationToken);
        }

        private const string NullTask = "The selector returned null instead of a task.";

        private static void Check(object items, int maxConcurrency, object selector)
        {
            if (items is null)
            {
                throw new ArgumentNullException(nameof(items));
            }

            if (selector is null)
            {
                throw new ArgumentNullException(nameof(selector));
            }

            if (maxConcurrency < 1)
            {
                throw new ArgumentOutOfRangeException(nameof(maxConcurrency), maxConcurrency, "At least one task must be allowed to run at once.");
            }
        }

        /// <summary>One call: the items, their results, the failures, and the workers that pull the next item.</summary>
        private sealed class Run<TSource, TResult>
        {
            private readonly TSource[] _items;
            private readonly TResult[] _results;
            private readonly Func<TSource, CancellationToken, Task<TResult>> _selector;
            private readonly CancellationToken _cancellationToken;
            private readonly TaskCompletionSource<TResult[]> _completion = new TaskCompletionSource<TResult[]>(TaskCreationOptions.RunContinuationsAsynchronously);
            private readonly List<(int Index, Exception Error)> _failures = new List<(int, Exception)>();
            private int _next = -1;
            private int _workers;
            private int _canceled;

            public Run(IEnumerable<TSource> items, Func<TSource, CancellationToken, Task<TResult>> selector, CancellationToken cancellationToken)
            {
                _items = items.ToArray();
                _results = new TResult[_items.Length];
                _selector = selector;
                _cancellationToken = cancellationToken;
            }

            public Task<TResult[]> Start(int maxConcurrency)
            {
                if (_cancellationToken.IsCancellationRequested)
                {
                    return Task.FromCanceled<TResult[]>(_cancellationToken);
                }

                if (_items.Length == 0)
                {
                    return Task.FromResult(_results);
                }

                var workers = Math.Min(maxConcurrency, _items.Length);
                _workers = workers;
                for (var i = 0; i < workers; i++)
                {
                    _ = WorkAsync();
                }

                return _completion.Task;
            }

            private async Task WorkAsync()
            {
                try
                {
                    while (!_cancellationToken.IsCancellationRequested)
                    {
                        var index = Interlocked.Increment(ref _next);
                        if (index >= _items.Length)
                        {
                            break;
                        }

                        try
                        {
                            var task = _selector(_items[index], _cancellationToken) ?? throw new InvalidOperationException(NullTask);
                            _results[index] = await task.ConfigureAwait(false);
                        }
                        catch (OperationCanceledException)
                        {
                            Volatile.Write(ref _canceled, 1);
                        }
                        catch (Exception ex)
                        {
                            lock (_failures)
                            {
                                _failures.Add((index, ex));
                            }
                        }
                    }
                }
                finally
                {
                    if (Interlocked.Decrement(ref _workers) == 0)
                    {
                        Complete();
                    }
                }
            }

            private void Complete()
            {
                List<(int Index, Exception Error)> failures;
                lock (_failures)
                {
                    failures = new List<(int, Exception)>(_failures);
                }

                if (failures.Count > 0)
                {
                    failures.Sort(static (a, b) => a.Index.CompareTo(b.Index));
                    _completion.TrySetException(failures.Select(f => f.Error));
                }
                else if (Volatile.Read(ref _canceled) == 1 || Volatile.Read(ref _next) < _items.Length - 1)
                {
                    _completion.TrySetCanceled(_cancellationToken.IsCancellationRequested ? _cancellationToken : new CancellationToken(true));
                }
                else
                {
                    _completion.TrySetResult(_results);
                }
            }
        }
    }
}
