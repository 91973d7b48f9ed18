using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading.Tasks;

namespace Steadfast
{
    /// <summary>
    /// Loads the rows for many keys in a few queries instead of one query per key (the N+1 pattern SF3002 flags), and
    /// answers each key's look-up afterwards as the per-key query would have: <see cref="KeyedRows{TKey, TRow}.Single"/>,
    /// <see cref="KeyedRows{TKey, TRow}.First"/>, their <c>…OrDefault</c> forms and <see cref="KeyedRows{TKey, TRow}.Rows"/>.
    /// The SF3002 code fix "Load all keys in one query" rewrites a key look-up in a loop to it.
    /// </summary>
    /// <remarks>
    /// <para>
    /// The keys are made distinct (by <see cref="EqualityComparer{T}.Default"/>), null keys are dropped (a per-key query
    /// <c>WHERE key = NULL</c> finds nothing), and the rest are passed to the query in chunks of at most
    /// <see cref="DefaultChunkSize"/> keys, in their first-seen order: Dapper expands <c>IN @ids</c> to one parameter per
    /// key, and SQL Server takes at most 2,100 parameters in one command (Oracle at most 1,000 values in one <c>IN</c> list).
    /// No keys, no query.
    /// </para>
    /// <para>
    /// Each key's rows keep the order in which the queries returned them; a key occurs in one chunk only, so an
    /// <c>ORDER BY</c> in the query orders each key's rows as the per-key query would.
    /// </para>
    /// </remarks>
    public static class KeyedRows
    {
        /// <summary>The most keys passed to one query: 1,000, under SQL Server's 2,100 parameters and Oracle's 1,000 <c>IN</c> values.</summary>
        public const int DefaultChunkSize = 1000;

        /// <summary>Runs <paramref name="query"/> once per chunk of the distinct, non-null <paramref name="keys"/> and groups the rows by <paramref name="keyOf"/>.</summary>
        /// <typeparam name="TKey">The key type.</typeparam>
        /// <typeparam name="TRow">The row type.</typeparam>
        /// <param name="keys">The keys to load; duplicates and nulls are dropped.</param>
        /// <param name="query">The query for one chunk of keys (for Dapper, <c>… WHERE id IN @ids</c> with <c>new { ids = chunk }</c>).</param>
        /// <param name="keyOf">The key of a row, the column the query filters on.</param>
        /// <param name="chunkSize">The most keys per query; at least 1.</param>
        /// <returns>The rows by key.</returns>
        /// <exception cref="ArgumentNullException">An argument is null.</exception>
        /// <exception cref="ArgumentOutOfRangeException"><paramref name="chunkSize"/> is less than 1.</exception>
        /// <exception cref="InvalidOperationException"><paramref name="query"/> returned null.</exception>
        public static KeyedRows<TKey, TRow> Load<TKey, TRow>(
            IEnumerable<TKey> keys, Func<IReadOnlyList<TKey>, IEnumerable<TRow>> query, Func<TRow, TKey> keyOf, int chunkSize = DefaultChunkSize)
        {
            Check(keys, query, keyOf, chunkSize);
            var rows = new KeyedRows<TKey, TRow>();
            foreach (var chunk in Chunks(keys, chunkSize))
            {
                rows.AddAll(query(chunk) ?? throw NullRows(), keyOf);
            }

            return rows;
        }

        /// <summary>The asynchronous form of <see cref="Load{TKey, TRow}"/>, for a query that returns a sequence (Dapper's <c>QueryAsync</c>).</summary>
        /// <inheritdoc cref="Load{TKey, TRow}"/>
        public static Task<KeyedRows<TKey, TRow>> LoadAsync<TKey, TRow>(
            IEnumerable<TKey> keys, Func<IReadOnlyList<TKey>, Task<IEnumerable<TRow>>> query, Func<TRow, TKey> keyOf, int chunkSize = DefaultChunkSize)
        {
            Check(keys, query, keyOf, chunkSize);
            return LoadCoreAsync(keys, query, keyOf, chunkSize);
        }

        /// <summary>The asynchronous form of <see cref="Load{TKey, TRow}"/>, for a query that returns a list (EF Core's <c>ToListAsync</c>).</summary>
        /// <inheritdoc cref="Load{TKey, TRow}"/>
        public static Task<KeyedRows<TKey, TRow>> LoadAsync<TKey, TRow>(
            IEnumerable<TKey> keys, Func<IReadOnlyList<TKey>, Task<List<TRow>>> query, Func<TRow, TKey> keyOf, int chunkSize = DefaultChunkSize)
        {
            Check(keys, query, keyOf, chunkSize);
            return LoadCoreAsync(keys, async chunk => (IEnumerable<TRow>)await query(chunk).ConfigureAwait(false), keyOf, chunkSize);
        }

        /// <summary>
        /// <see cref="Load{TKey, TRow}"/> for the keys of <paramref name="items"/>: <c>KeyedRows.Load(leads, lead =&gt; lead.OwnerId, …)</c>
        /// (what the SF3002 fix writes before a loop over <paramref name="items"/>).
        /// </summary>
        /// <typeparam name="TItem">The item type.</typeparam>
        /// <typeparam name="TKey">The key type.</typeparam>
        /// <typeparam name="TRow">The row type.</typeparam>
        /// <param name="items">The items whose keys to load.</param>
        /// <param name="keyOfItem">An item's key.</param>
        /// <param name="query">The query for one chunk of keys.</param>
        /// <param name="keyOf">The key of a row.</param>
        /// <param name="chunkSize">The most keys per query; at least 1.</param>
        /// <returns>The rows by key.</returns>
        /// <exception cref="ArgumentNullException">An argument is null.</exception>
        /// <exception cref="ArgumentOutOfRangeException"><paramref name="chunkSize"/> is less than 1.</exception>
        /// <exception cref="InvalidOperationException"><paramref name="query"/> returned null.</exception>
        public static KeyedRows<TKey, TRow> Load<TItem, TKey, TRow>(
            IEnumerable<TItem> items, Func<TItem, TKey> keyOfItem, Func<IReadOnlyList<TKey>, IEnumerable<TRow>> query, Func<TRow, TKey> keyOf, int chunkSize = DefaultChunkSize) =>
            Load(KeysOf(items, keyOfItem), query, keyOf, chunkSize);

        /// <summary>The asynchronous form of <see cref="Load{TItem, TKey, TRow}"/>, for a query that returns a sequence (Dapper's <c>QueryAsync</c>).</summary>
        /// <inheritdoc cref="Load{TItem, TKey, TRow}"/>
        public static Task<KeyedRows<TKey, TRow>> LoadAsync<TItem, TKey, TRow>(
            IEnumerable<TItem> items, Func<TItem, TKey> keyOfItem, Func<IReadOnlyList<TKey>, Task<IEnumerable<TRow>>> query, Func<TRow, TKey> keyOf, int chunkSize = DefaultChunkSize) =>
            LoadAsync(KeysOf(items, keyOfItem), query, keyOf, chunkSize);

        /// <summary>The asynchronous form of <see cref="Load{TItem, TKey, TRow}"/>, for a query that returns a list (EF Core's <c>ToListAsync</c>).</summary>
        /// <inheritdoc cref="Load{TItem, TKey, TRow}"/>
        public static Task<KeyedRows<TKey, TRow>> LoadAsync<TItem, TKey, TRow>(
            IEnumerable<TItem> items, Func<TItem, TKey> keyOfItem, Func<IReadOnlyList<TKey>, Task<List<TRow>>> query, Func<TRow, TKey> keyOf, int chunkSize = DefaultChunkSize) =>
            LoadAsync(KeysOf(items, keyOfItem), query, keyOf, chunkSize);

        private static IEnumerable<TKey> KeysOf<TItem, TKey>(IEnumerable<TItem> items, Func<TItem, TKey> keyOfItem)
        {
            if (items is null)
            {
                throw new ArgumentNullException(nameof(items));
            }

            if (keyOfItem is null)
            {
                throw new ArgumentNullException(nameof(keyOfItem));
            }

            var keys = new List<TKey>();
            foreach (var item in items)
            {
                keys.Add(keyOfItem(item));
            }

            return keys;
        }

        private static async Task<KeyedRows<TKey, TRow>> LoadCoreAsync<TKey, TRow>(
            IEnumerable<TKey> keys, Func<IReadOnlyList<TKey>, Task<IEnumerable<TRow>>> query, Func<TRow, TKey> keyOf, int chunkSize)
        {
            var rows = new KeyedRows<TKey, TRow>();
            foreach (var chunk in Chunks(keys, chunkSize))
            {
                var task = query(chunk) ?? throw NullRows();
                rows.AddAll(await task.ConfigureAwait(false) ?? throw NullRows(), keyOf);
            }

            return rows;
        }

        /// <summary>The distinct, non-null keys in first-seen order, in chunks of at most <paramref name="chunkSize"/>.</summary>
        internal static List<TKey[]> Chunks<TKey>(IEnumerable<TKey> keys, int chunkSize)
        {
            var seen = new HashSet<TKey>();
            var distinct = new List<TKey>();
            foreach (var key in keys)
            {
                if (key is not null && seen.Add(key))
                {
                    distinct.Add(key);
                }
            }

            var chunks = new List<TKey[]>((distinct.Count + chunkSize - 1) / chunkSize);
            for (var start = 0; start < distinct.Count; start += chunkSize)
            {
                chunks.Add(distinct.GetRange(start, Math.Min(chunkSize, distinct.Count - start)).ToArray());
            }

            return chunks;
        }

        private static void Check<TKey, TQuery, TRow>(IEnumerable<TKey> keys, TQuery query, Func<TRow, TKey> keyOf, int chunkSize)
            where TQuery : class
        {
            if (keys is null)
            {
                throw new ArgumentNullException(nameof(keys));
            }

            if (query is null)
            {
                throw new ArgumentNullException(nameof(query));
            }

            if (keyOf is null)
            {
                throw new ArgumentNullException(nameof(keyOf));
            }

            if (chunkSize < 1)
            {
                throw new ArgumentOutOfRangeException(nameof(chunkSize), chunkSize, "The chunk size of KeyedRows.Load must be at least 1.");
            }
        }

        private static InvalidOperationException NullRows() => new InvalidOperationException("The query of KeyedRows.Load returned null instead of rows.");
    }

    /// <summary>
    /// Rows grouped by key, as <see cref="KeyedRows.Load{TKey, TRow}"/> loaded them: each look-up answers as the per-key
    /// query would have. Read-only once loaded, so safe to read from any number of threads.
    /// </summary>
    /// <typeparam name="TKey">The key type.</typeparam>
    /// <typeparam name="TRow">The row type.</typeparam>
    public sealed class KeyedRows<TKey, TRow>
    {
        private static readonly TRow[] None = new TRow[0];

        // Null keys never go in (AddAll and Of check): TKey may be nullable (long?) for the look-ups, never for the dictionary.
#pragma warning disable CS8714
        private readonly Dictionary<TKey, List<TRow>> _rows = new Dictionary<TKey, List<TRow>>();
#pragma warning restore CS8714

        internal KeyedRows()
        {
        }

        /// <summary>How many keys have at least one row.</summary>
        public int KeyCount => _rows.Count;

        /// <summary>The key's rows in the order the query returned them; empty when it has none (as a per-key query returns no rows).</summary>
        /// <param name="key">The key; a null key has no rows.</param>
        /// <returns>The rows.</returns>
        public IEnumerable<TRow> Rows(TKey key) => Of(key);

        /// <summary>The key's only row, as Dapper's <c>QuerySingle</c> and LINQ's <c>Single</c> give it.</summary>
        /// <param name="key">The key.</param>
        /// <returns>The row.</returns>
        /// <exception cref="InvalidOperationException">The key has no row ("Sequence contains no elements") or more than one ("Sequence contains more than one element").</exception>
        public TRow Single(TKey key) => Of(key).Single();

        /// <summary>The key's only row, or <c>default</c> when it has none, as Dapper's <c>QuerySingleOrDefault</c> gives it.</summary>
        /// <param name="key">The key.</param>
        /// <returns>The row or <c>default</c>.</returns>
        /// <exception cref="InvalidOperationException">The key has more than one row ("Sequence contains more than one element").</exception>
        public TRow? SingleOrDefault(TKey key) => Of(key).SingleOrDefault();

        /// <summary>The key's first row, as Dapper's <c>QueryFirst</c> gives it.</summary>
        /// <param name="key">The key.</param>
        /// <returns>The row.</returns>
        /// <exception cref="InvalidOperationException">The key has no row ("Sequence contains no elements").</exception>
        public TRow First(TKey key) => Of(key).First();

        /// <summary>The key's first row, or <c>default</c> when it has none, as Dapper's <c>QueryFirstOrDefault</c> gives it.</summary>
        /// <param name="key">The key.</param>
        /// <returns>The row or <c>default</c>.</returns>
        public TRow? FirstOrDefault(TKey key) => Of(key).FirstOrDefault();

        internal void AddAll(IEnumerable<TRow> rows, Func<TRow, TKey> keyOf)
        {
            foreach (var row in rows)
            {
                var key = keyOf(row);
                if (key is null)
                {
                    continue; // no per-key query finds a row by a null key
                }

                if (!_rows.TryGetValue(key, out var list))
                {
                    list = new List<TRow>(1);
                    _rows.Add(key, list);
                }

                list.Add(row);
            }
        }

        private IReadOnlyList<TRow> Of(TKey key) =>
            key is not null && _rows.TryGetValue(key, out var list) ? list.AsReadOnly() : None;
    }
}
