using System.Collections.Generic;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;

namespace Steadfast.Benchmarks
{
    /// <summary>
    /// <see cref="BoundedHistory{T}"/> against the grow-only <see cref="List{T}"/> it replaces (the SF4002 fix): adding
    /// items one at a time, and enumerating a full history. The list is given the same work, but it keeps every item
    /// (the bug), so "add" measures a history's first 10,000 items: a list that keeps growing (and copying its array)
    /// against a ring that stays at its capacity of 1,024.
    /// </summary>
    [MemoryDiagnoser]
    [GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
    [CategoriesColumn]
    public class BoundedHistoryBenchmarks
    {
        private const int Adds = 10_000;
        private const int Capacity = 1_024;
        private readonly object _gate = new object();
        private readonly List<string> _fullList = new List<string>();
        private readonly BoundedHistory<string> _fullHistory = new BoundedHistory<string>(Capacity);

        [GlobalSetup]
        public void Setup()
        {
            for (var i = 0; i < Capacity; i++)
            {
                _fullList.Add("update " + i);
                _fullHistory.Add("update " + i);
            }
        }

        /// <summary>A bare list, as a single-threaded history would be (not safe from concurrent handlers).</summary>
        [Benchmark(Baseline = true, OperationsPerInvoke = Adds), BenchmarkCategory("add")]
        public int ListAdd()
        {
            var list = new List<string>();
            for (var i = 0; i < Adds; i++)
            {
                list.Add("update");
            }

            return list.Count;
        }

        /// <summary>A list behind a lock, as a history written by concurrent handlers has to be (the sample bot's).</summary>
        [Benchmark(OperationsPerInvoke = Adds), BenchmarkCategory("add")]
        public int LockedListAdd()
        {
            var list = new List<string>();
            for (var i = 0; i < Adds; i++)
            {
                lock (_gate)
                {
                    list.Add("update");
                }
            }

            return list.Count;
        }

        [Benchmark(OperationsPerInvoke = Adds), BenchmarkCategory("add")]
        public int BoundedHistoryAdd()
        {
            var history = new BoundedHistory<string>(Capacity);
            for (var i = 0; i < Adds; i++)
            {
                history.Add("update");
            }

            return history.Count;
        }

        [Benchmark(Baseline = true, OperationsPerInvoke = Capacity), BenchmarkCategory("enumerate 1,024")]
        public int ListEnumerate()
        {
            var length = 0;
            foreach (var item in _fullList)
            {
                length += item.Length;
            }

            return length;
        }

        [Benchmark(OperationsPerInvoke = Capacity), BenchmarkCategory("enumerate 1,024")]
        public int BoundedHistoryEnumerate()
        {
            var length = 0;
            foreach (var item in _fullHistory)
            {
                length += item.Length;
            }

            return length;
        }
    }
}
