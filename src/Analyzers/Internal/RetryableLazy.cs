using System;
using System.Threading;

namespace Steadfast.Analyzers.Internal
{
    /// <summary>
    /// A value computed once per compilation, on first use, with the token of the callback that needs it. Unlike
    /// <see cref="Lazy{T}"/> with <see cref="LazyThreadSafetyMode.ExecutionAndPublication"/>, a computation that is
    /// cancelled or throws is not cached: the driver keeps a compilation's start actions across analysis sessions
    /// (the IDE cancels and restarts them as the user types), and the next session must compute the value afresh
    /// rather than rethrow the first session's cancellation.
    /// </summary>
    internal sealed class RetryableLazy<T>
        where T : class
    {
        private readonly Func<CancellationToken, T> _factory;
        private readonly object _gate = new object();
        private T? _value;

        public RetryableLazy(Func<CancellationToken, T> factory) => _factory = factory;

        /// <summary>The value when it has been computed already; never computes it.</summary>
        public bool TryGetComputed(out T? value)
        {
            value = Volatile.Read(ref _value);
            return value is not null;
        }

        public T GetValue(CancellationToken cancellationToken)
        {
            var value = Volatile.Read(ref _value);
            if (value is not null)
            {
                return value;
            }

            lock (_gate)
            {
                value = _value;
                if (value is null)
                {
                    value = _factory(cancellationToken);
                    Volatile.Write(ref _value, value);
                }

                return value;
            }
        }
    }
}
