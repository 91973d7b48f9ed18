using System;
using System.Runtime.InteropServices;
using System.Threading;

namespace Steadfast
{
    /// <summary>
    /// A counter that many threads increment at once without fighting over one cache line: each thread adds to one of
    /// several padded cells, and <see cref="Sum"/> adds the cells up.
    /// </summary>
    internal sealed class StripedCounter
    {
        private readonly Cell[] _cells;
        private readonly int _mask;

        public StripedCounter()
        {
            var size = 1;
            while (size < Environment.ProcessorCount && size < 64)
            {
                size <<= 1;
            }

            _cells = new Cell[size];
            _mask = size - 1;
        }

        public void Increment() => Interlocked.Increment(ref _cells[Environment.CurrentManagedThreadId & _mask].Value);

        /// <summary>Increments and returns the new value of the calling thread's cell (not the sum).</summary>
        public long IncrementAndGetCell() => Interlocked.Increment(ref _cells[Environment.CurrentManagedThreadId & _mask].Value);

        public long Sum()
        {
            long sum = 0;
            for (var i = 0; i < _cells.Length; i++)
            {
                sum += Interlocked.Read(ref _cells[i].Value);
            }

            return sum;
        }

        // 128 bytes: the value sits alone on its cache line (and its neighbour, for adjacent-line prefetching).
        [StructLayout(LayoutKind.Explicit, Size = 128)]
        private struct Cell
        {
            [FieldOffset(64)]
            public long Value;
        }
    }
}

namespace Steadfast
{
    /// <summary>What the metrics meter reads from a cache: hits, misses, evictions, expirations and entries, in that order.</summary>
    internal interface ICacheCounters
    {
        long[] ReadCounters();
    }
}
