using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Xunit;

namespace Steadfast.Tests.Runtime
{
    public sealed class KeyedRowsTests
    {
        private sealed record Row(long Key, string Name);

        private static readonly Row[] Table =
        {
            new(1, "a"), new(2, "b1"), new(2, "b2"), new(3, "c"), new(5, "e"),
        };

        /// <summary>The query a database would run for one chunk: the rows whose key is in the chunk, in table order; the chunks are recorded.</summary>
        private static Func<IReadOnlyList<long>, IEnumerable<Row>> Query(List<long[]> chunks) => chunk =>
        {
            chunks.Add(chunk.ToArray());
            return Table.Where(r => chunk.Contains(r.Key)).ToList();
        };

        // ---------------------------------------------------------------- arguments

        [Fact]
        public void RejectsNullArgumentsAndAChunkSizeBelowOne()
        {
            var chunks = new List<long[]>();
            Assert.Equal("keys", Assert.Throws<ArgumentNullException>(() => KeyedRows.Load(null!, Query(chunks), r => r.Key)).ParamName);
            Assert.Equal("query", Assert.Throws<ArgumentNullException>(() => KeyedRows.Load(new[] { 1L }, (Func<IReadOnlyList<long>, IEnumerable<Row>>)null!, r => r.Key)).ParamName);
            Assert.Equal("keyOf", Assert.Throws<ArgumentNullException>(() => KeyedRows.Load(new[] { 1L }, Query(chunks), null!)).ParamName);
            Assert.Equal("items", Assert.Throws<ArgumentNullException>(() => KeyedRows.Load((long[])null!, k => k, Query(chunks), r => r.Key)).ParamName);
            Assert.Equal("keyOfItem", Assert.Throws<ArgumentNullException>(() => KeyedRows.Load(new[] { 1L }, (Func<long, long>)null!, Query(chunks), r => r.Key)).ParamName);
            var ex = Assert.Throws<ArgumentOutOfRangeException>(() => KeyedRows.Load(new[] { 1L }, Query(chunks), r => r.Key, chunkSize: 0));
            Assert.Equal("chunkSize", ex.ParamName);
            Assert.Contains("at least 1", ex.Message);
            Assert.Throws<InvalidOperationException>(() => KeyedRows.Load(new[] { 1L }, _ => (IEnumerable<Row>)null!, r => r.Key));
            Assert.Empty(chunks);
        }

        [Fact]
        public async Task RejectsNullArgumentsAsync()
        {
            Assert.Equal("keys", (await Assert.ThrowsAsync<ArgumentNullException>(() => KeyedRows.LoadAsync(null!, k => Task.FromResult<IEnumerable<Row>>(Table), (Row r) => r.Key))).ParamName);
            await Assert.ThrowsAsync<InvalidOperationException>(() => KeyedRows.LoadAsync(new[] { 1L }, k => Task.FromResult<IEnumerable<Row>>(null!), (Row r) => r.Key));
        }

        // ---------------------------------------------------------------- the look-ups answer as the per-key query

        [Fact]
        public void LookUps_AnswerAsTheQueryForOneKey()
        {
            var rows = KeyedRows.Load(new long[] { 1, 2, 3, 4 }, Query(new List<long[]>()), r => r.Key);

            Assert.Equal("a", rows.Single(1).Name);
            Assert.Equal("a", rows.SingleOrDefault(1)!.Name);
            Assert.Equal("b1", rows.First(2).Name);
            Assert.Equal("b1", rows.FirstOrDefault(2)!.Name);
            Assert.Equal(new[] { "b1", "b2" }, rows.Rows(2).Select(r => r.Name));

            // Missing key: Single/First throw what Dapper and LINQ throw, the OrDefault forms give null, Rows is empty.
            Assert.Equal("Sequence contains no elements", Assert.Throws<InvalidOperationException>(() => rows.Single(4)).Message);
            Assert.Equal("Sequence contains no elements", Assert.Throws<InvalidOperationException>(() => rows.First(4)).Message);
            Assert.Null(rows.SingleOrDefault(4));
            Assert.Null(rows.FirstOrDefault(4));
            Assert.Empty(rows.Rows(4));

            // Two rows for a key: Single and SingleOrDefault throw, as QuerySingle does.
            Assert.Equal("Sequence contains more than one element", Assert.Throws<InvalidOperationException>(() => rows.Single(2)).Message);
            Assert.Equal("Sequence contains more than one element", Assert.Throws<InvalidOperationException>(() => rows.SingleOrDefault(2)).Message);

            // A key that was never asked for has no rows either.
            Assert.Empty(rows.Rows(5));
            Assert.Equal(3, rows.KeyCount);
        }

        [Fact]
        public void Rows_CannotBeChangedThroughTheLookUp()
        {
            var rows = KeyedRows.Load(new long[] { 2 }, Query(new List<long[]>()), r => r.Key);
            var group = rows.Rows(2);
            Assert.Throws<NotSupportedException>(() => ((ICollection<Row>)group).Clear());
            Assert.Equal(2, rows.Rows(2).Count());
        }

        [Fact]
        public void NullKeys_AreNotQueriedAndHaveNoRows()
        {
            var asked = new List<long?[]>();
            var rows = KeyedRows.Load(
                new long?[] { null, 1, null },
                chunk =>
                {
                    asked.Add(chunk.ToArray());
                    return Table.Where(r => chunk.Contains(r.Key)).Select(r => (Key: (long?)r.Key, r.Name)).ToList();
                },
                r => r.Key);

            Assert.Equal(new long?[] { 1 }, Assert.Single(asked));
            Assert.Empty(rows.Rows(null));
            Assert.Equal("a", rows.Single(1).Name);
        }

        // ---------------------------------------------------------------- chunks

        [Fact]
        public void Chunks_DistinctKeysInFirstSeenOrder_AtMostChunkSizeEach()
        {
            var chunks = new List<long[]>();
            var keys = Enumerable.Range(1, 2500).Select(i => (long)i).Concat(new long[] { 3, 2, 1 }).ToList();
            var rows = KeyedRows.Load(keys, Query(chunks), r => r.Key);

            Assert.Equal(new[] { 1000, 1000, 500 }, chunks.Select(c => c.Length));
            Assert.Equal(keys.Distinct(), chunks.SelectMany(c => c));
            Assert.Equal("e", rows.Single(5).Name);
        }

        [Fact]
        public void NoKeys_NoQuery()
        {
            var chunks = new List<long[]>();
            var rows = KeyedRows.Load(Array.Empty<long>(), Query(chunks), r => r.Key);
            Assert.Empty(chunks);
            Assert.Empty(rows.Rows(1));
        }

        [Fact]
        public void ItemsForm_TakesEachItemsKey()
        {
            var chunks = new List<long[]>();
            var items = new[] { (Id: 7, Owner: 2L), (Id: 8, Owner: 1L), (Id: 9, Owner: 2L) };
            var rows = KeyedRows.Load(items, i => i.Owner, Query(chunks), r => r.Key, chunkSize: 1);
            Assert.Equal(new[] { new long[] { 2 }, new long[] { 1 } }, chunks);
            Assert.Equal("a", rows.Single(1).Name);
        }

        [Fact]
        public async Task Async_BothQueryShapes()
        {
            var chunks = new List<long[]>();
            var fromSequence = await KeyedRows.LoadAsync(
                new long[] { 1, 2 }, async chunk => { await Task.Yield(); return Query(chunks)(chunk); }, r => r.Key);
            var fromList = await KeyedRows.LoadAsync(
                new[] { "x" }, _ => 3L, async chunk => { await Task.Yield(); return Query(chunks)(chunk).ToList(); }, r => r.Key, chunkSize: 1);

            Assert.Equal(new[] { "b1", "b2" }, fromSequence.Rows(2).Select(r => r.Name));
            Assert.Equal("c", fromList.Single(3).Name);
            Assert.Equal(2, chunks.Count);
        }

        // ---------------------------------------------------------------- threads

        [Fact]
        public async Task ReadFromEightThreads_GivesTheSameAnswers()
        {
            var keys = Enumerable.Range(0, 5000).Select(i => (long)i).ToList();
            var rows = KeyedRows.Load(keys, chunk => chunk.SelectMany(k => new[] { new Row(k, "x" + k), new Row(k, "y" + k) }).ToList(), r => r.Key);
            var failures = 0;
            using var start = new ManualResetEventSlim();
            var threads = Enumerable.Range(0, 8).Select(t => Task.Run(() =>
            {
                start.Wait();
                for (var i = 0; i < 20_000; i++)
                {
                    var key = (long)((i * 7 + t) % 5000);
                    if (rows.First(key).Name != "x" + key || rows.Rows(key).Count() != 2 || rows.FirstOrDefault(key + 10_000) is not null)
                    {
                        Interlocked.Increment(ref failures);
                    }
                }
            })).ToArray();
            start.Set();
            await Task.WhenAll(threads).WaitAsync(TimeSpan.FromSeconds(60));
            Assert.Equal(0, failures);
        }
    }
}
