using System;
using System.Collections;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Collections.ObjectModel;
using System.Diagnostics;
using System.Threading;

namespace Steadfast
{
    /// <summary>
    /// A thread-safe dictionary that never holds more than <see cref="Capacity"/> entries: adding one more evicts one,
    /// chosen by the SIEVE policy (a FIFO queue with a "visited" bit and a moving hand), which keeps popular keys at
    /// least as well as LRU on skewed traffic while a read hit takes no lock and moves nothing.
    /// </summary>
    /// <remarks>
    /// <para>
    /// It offers the members caches use on <see cref="Dictionary{TKey, TValue}"/> and
    /// <see cref="ConcurrentDictionary{TKey, TValue}"/>, with the same results and exceptions (the SF4001 code fix relies on
    /// it), except that an entry may disappear at any time because it was evicted or expired.
    /// </para>
    /// <para>
    /// Reads (<see cref="TryGetValue"/>, the indexer, <see cref="ContainsKey"/>, enumeration) take no lock; writes take one
    /// short lock and run in O(1). A large cache is split into segments by key hash, each with its own lock, queue and hand,
    /// so that writes to different segments (and the evictions they cause) run in parallel; the capacity stays one number
    /// for the whole cache, held exactly: a write that adds a key to a full cache evicts from its own segment first (or,
    /// when that segment is empty, from another one), so the cache never holds more than <see cref="Capacity"/> entries
    /// and never evicts while it has room. Factories (<see cref="GetOrAdd(TKey, Func{TKey, TValue})"/>,
    /// <see cref="AddOrUpdate(TKey, Func{TKey, TValue}, Func{TKey, TValue, TValue})"/>) run outside the lock, so, as with
    /// <see cref="ConcurrentDictionary{TKey, TValue}"/>, two threads missing the same key at once may both run the factory;
    /// one value wins and both callers get it.
    /// </para>
    /// </remarks>
    /// <typeparam name="TKey">The key type.</typeparam>
    /// <typeparam name="TValue">The value type.</typeparam>
    [DebuggerDisplay("Count = {Count}, Capacity = {Capacity}")]
    public sealed class BoundedCache<TKey, TValue> : IDictionary<TKey, TValue>, IReadOnlyDictionary<TKey, TValue>, ICacheCounters
        where TKey : notnull
    {
        private const long NoExpiry = long.MaxValue;

        /// <summary>A segment holds at least this many entries on average (smaller caches have a single segment).</summary>
        private const int MinEntriesPerSegment = 64;

        /// <summary>No more segments than this, whatever the processor count.</summary>
        private const int MaxSegments = 64;

        private readonly ConcurrentDictionary<TKey, Node> _map;
        private readonly Segment[] _segments; // a power of two of them
        private readonly int _segmentMask;
        private readonly TimeProvider _time;
        private readonly long _timeToLiveTicks; // in TimeProvider timestamp units; 0 = no expiry
        private readonly StripedCounter? _hits;   // null unless statistics are tracked
        private readonly StripedCounter? _misses;

        // Entries held (or reserved by a writer about to link one), over all segments: never above Capacity.
        private int _count;

        /// <summary>Creates a cache that holds at most <paramref name="capacity"/> entries.</summary>
        /// <param name="capacity">The most entries the cache holds; at least 1.</param>
        /// <param name="comparer">How keys compare; <see cref="EqualityComparer{T}.Default"/> when null.</param>
        /// <exception cref="ArgumentOutOfRangeException"><paramref name="capacity"/> is less than 1.</exception>
        public BoundedCache(int capacity, IEqualityComparer<TKey>? comparer = null)
            : this(new BoundedCacheOptions { Capacity = capacity }, comparer)
        {
        }

        /// <summary>Creates a cache with the given capacity, time to live, clock and metrics name.</summary>
        /// <param name="options">The settings; they are read once, here.</param>
        /// <param name="comparer">How keys compare; <see cref="EqualityComparer{T}.Default"/> when null.</param>
        /// <exception cref="ArgumentNullException"><paramref name="options"/> is null.</exception>
        public BoundedCache(BoundedCacheOptions options, IEqualityComparer<TKey>? comparer = null)
            : this(options, comparer, segments: 0)
        {
        }

        /// <summary>Test hook: <paramref name="segments"/> forces the number of segments (a power of two); 0 chooses it.</summary>
        internal BoundedCache(BoundedCacheOptions options, IEqualityComparer<TKey>? comparer, int segments)
        {
            if (options is null)
            {
                throw new ArgumentNullException(nameof(options));
            }

            if (segments < 0 || (segments & (segments - 1)) != 0)
            {
                throw new ArgumentOutOfRangeException(nameof(segments), segments, "The number of segments must be 0 (chosen) or a power of two.");
            }

            Capacity = options.Capacity;
            TimeToLive = options.TimeToLive;
            Name = options.Name;
            if (options.TrackStatistics || options.Name is not null)
            {
                _hits = new StripedCounter();
                _misses = new StripedCounter();
            }

            _time = options.TimeProvider ?? TimeProvider.System;
            if (options.TimeToLive is { } ttl)
            {
                var ticks = ttl.Ticks * (double)_time.TimestampFrequency / TimeSpan.TicksPerSecond;
                _timeToLiveTicks = ticks >= long.MaxValue / 2 ? long.MaxValue / 2 : Math.Max(1, (long)ticks);
            }

            Comparer = comparer ?? EqualityComparer<TKey>.Default;
            _map = new ConcurrentDictionary<TKey, Node>(Environment.ProcessorCount, Math.Min(Capacity, 4096) + 1, Comparer);
            _segments = new Segment[segments == 0 ? SegmentCount(Capacity) : segments];
            for (var i = 0; i < _segments.Length; i++)
            {
                _segments[i] = new Segment();
            }

            _segmentMask = _segments.Length - 1;
#if NET8_0_OR_GREATER
            if (Name is not null)
            {
                BoundedCacheMetrics.Register(Name, this);
            }
#endif
        }

        /// <summary>The most entries the cache holds.</summary>
        public int Capacity { get; }

        /// <summary>How long an entry stays valid after it was written; null when entries do not expire.</summary>
        public TimeSpan? TimeToLive { get; }

        /// <summary>The name given in <see cref="BoundedCacheOptions.Name"/>, if any.</summary>
        public string? Name { get; }

        /// <summary>How keys compare.</summary>
        public IEqualityComparer<TKey> Comparer { get; }

        /// <summary>The number of entries held (entries past their time to live count until a read or an eviction removes them).</summary>
        public int Count => Volatile.Read(ref _count);

        /// <summary>True when the cache holds no entry.</summary>
        public bool IsEmpty => Count == 0;

        /// <summary>A snapshot of the keys of live entries.</summary>
        public ICollection<TKey> Keys => Snapshot(static pair => pair.Key);

        /// <summary>A snapshot of the values of live entries.</summary>
        public ICollection<TValue> Values => Snapshot(static pair => pair.Value);

        IEnumerable<TKey> IReadOnlyDictionary<TKey, TValue>.Keys => Keys;

        IEnumerable<TValue> IReadOnlyDictionary<TKey, TValue>.Values => Values;

        bool ICollection<KeyValuePair<TKey, TValue>>.IsReadOnly => false;

        /// <summary>Gets or sets the value of a key. Setting adds the entry, or replaces the value of an existing one.</summary>
        /// <exception cref="ArgumentNullException"><paramref name="key"/> is null.</exception>
        /// <exception cref="KeyNotFoundException">Getting a key that is not in the cache (never added, evicted, removed or expired).</exception>
        public TValue this[TKey key]
        {
            get => TryGetValue(key, out var value) ? value : throw new KeyNotFoundException($"The given key '{key}' was not present in the cache.");
            set
            {
                ThrowIfNull(key);
                var segment = SegmentOf(key);
                while (true)
                {
                    lock (segment)
                    {
                        _map.TryGetValue(key, out var existing);
                        if (SetLocked(segment, key, value, existing))
                        {
                            return;
                        }
                    }

                    MakeRoomOutside(segment);
                }
            }
        }

        /// <summary>Looks a key up; a hit marks the entry as recently used, taking no lock.</summary>
        /// <exception cref="ArgumentNullException"><paramref name="key"/> is null.</exception>
        public bool TryGetValue(TKey key, out TValue value)
        {
            if (_map.TryGetValue(key, out var node))
            {
                if (node.ExpiresAt == NoExpiry || _time.GetTimestamp() < node.ExpiresAt)
                {
                    if (!node.Visited)
                    {
                        node.Visited = true;
                    }

                    _hits?.Increment();
                    value = node.Value;
                    return true;
                }

                RemoveExpired(node);
            }

            _misses?.Increment();
            value = default!;
            return false;
        }

        /// <summary>True when the key has a live entry. Does not count as a hit or a miss, and does not mark the entry as used.</summary>
        /// <exception cref="ArgumentNullException"><paramref name="key"/> is null.</exception>
        public bool ContainsKey(TKey key) => _map.TryGetValue(key, out var node) && IsLive(node);

        /// <summary>True when some live entry holds <paramref name="value"/> (a linear scan, as on <see cref="Dictionary{TKey, TValue}"/>).</summary>
        public bool ContainsValue(TValue value)
        {
            var comparer = EqualityComparer<TValue>.Default;
            foreach (var pair in this)
            {
                if (comparer.Equals(pair.Value, value))
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>Adds an entry.</summary>
        /// <exception cref="ArgumentNullException"><paramref name="key"/> is null.</exception>
        /// <exception cref="ArgumentException">The key already has a live entry.</exception>
        public void Add(TKey key, TValue value)
        {
            if (!TryAdd(key, value))
            {
                throw new ArgumentException($"An item with the same key has already been added. Key: {key}", nameof(key));
            }
        }

        /// <summary>Adds an entry unless the key already has a live one.</summary>
        /// <returns>True when the entry was added.</returns>
        /// <exception cref="ArgumentNullException"><paramref name="key"/> is null.</exception>
        public bool TryAdd(TKey key, TValue value)
        {
            ThrowIfNull(key);
            var segment = SegmentOf(key);
            while (true)
            {
                lock (segment)
                {
                    if (_map.TryGetValue(key, out var node) && IsLive(node))
                    {
                        return false;
                    }

                    if (SetLocked(segment, key, value, node))
                    {
                        return true;
                    }
                }

                MakeRoomOutside(segment);
            }
        }

        /// <summary>Returns the value of a key, adding <paramref name="value"/> first when the key has none.</summary>
        /// <exception cref="ArgumentNullException"><paramref name="key"/> is null.</exception>
        public TValue GetOrAdd(TKey key, TValue value)
        {
            if (TryGetValue(key, out var existing))
            {
                return existing;
            }

            return AddIfAbsent(key, value);
        }

        /// <summary>Returns the value of a key, adding the value <paramref name="valueFactory"/> makes when the key has none.</summary>
        /// <exception cref="ArgumentNullException"><paramref name="key"/> or <paramref name="valueFactory"/> is null.</exception>
        public TValue GetOrAdd(TKey key, Func<TKey, TValue> valueFactory)
        {
            ThrowIfNull(valueFactory, nameof(valueFactory));
            if (TryGetValue(key, out var existing))
            {
                return existing;
            }

            return AddIfAbsent(key, valueFactory(key));
        }

        /// <summary>Returns the value of a key, adding the value <paramref name="valueFactory"/> makes from the key and <paramref name="factoryArgument"/> when the key has none.</summary>
        /// <exception cref="ArgumentNullException"><paramref name="key"/> or <paramref name="valueFactory"/> is null.</exception>
        public TValue GetOrAdd<TArg>(TKey key, Func<TKey, TArg, TValue> valueFactory, TArg factoryArgument)
        {
            ThrowIfNull(valueFactory, nameof(valueFactory));
            if (TryGetValue(key, out var existing))
            {
                return existing;
            }

            return AddIfAbsent(key, valueFactory(key, factoryArgument));
        }

        /// <summary>Adds <paramref name="addValue"/> when the key has no entry, or replaces its value with what <paramref name="updateValueFactory"/> makes of it.</summary>
        /// <returns>The value the key now has.</returns>
        /// <exception cref="ArgumentNullException"><paramref name="key"/> or <paramref name="updateValueFactory"/> is null.</exception>
        public TValue AddOrUpdate(TKey key, TValue addValue, Func<TKey, TValue, TValue> updateValueFactory)
        {
            ThrowIfNull(updateValueFactory, nameof(updateValueFactory));
            return AddOrUpdateCore(key, (addValue, updateValueFactory), static (_, state) => state.addValue, static (k, old, state) => state.updateValueFactory(k, old));
        }

        /// <summary>Adds what <paramref name="addValueFactory"/> makes when the key has no entry, or replaces its value with what <paramref name="updateValueFactory"/> makes of it.</summary>
        /// <returns>The value the key now has.</returns>
        /// <exception cref="ArgumentNullException"><paramref name="key"/> or a factory is null.</exception>
        public TValue AddOrUpdate(TKey key, Func<TKey, TValue> addValueFactory, Func<TKey, TValue, TValue> updateValueFactory)
        {
            ThrowIfNull(addValueFactory, nameof(addValueFactory));
            ThrowIfNull(updateValueFactory, nameof(updateValueFactory));
            return AddOrUpdateCore(key, (addValueFactory, updateValueFactory), static (k, state) => state.addValueFactory(k), static (k, old, state) => state.updateValueFactory(k, old));
        }

        /// <summary>As <see cref="AddOrUpdate(TKey, Func{TKey, TValue}, Func{TKey, TValue, TValue})"/>, with an argument handed to both factories.</summary>
        /// <exception cref="ArgumentNullException"><paramref name="key"/> or a factory is null.</exception>
        public TValue AddOrUpdate<TArg>(TKey key, Func<TKey, TArg, TValue> addValueFactory, Func<TKey, TValue, TArg, TValue> updateValueFactory, TArg factoryArgument)
        {
            ThrowIfNull(addValueFactory, nameof(addValueFactory));
            ThrowIfNull(updateValueFactory, nameof(updateValueFactory));
            return AddOrUpdateCore(
                key,
                (addValueFactory, updateValueFactory, factoryArgument),
                static (k, state) => state.addValueFactory(k, state.factoryArgument),
                static (k, old, state) => state.updateValueFactory(k, old, state.factoryArgument));
        }

        /// <summary>Replaces the value of a key with <paramref name="newValue"/> when its current value equals <paramref name="comparisonValue"/>.</summary>
        /// <exception cref="ArgumentNullException"><paramref name="key"/> is null.</exception>
        public bool TryUpdate(TKey key, TValue newValue, TValue comparisonValue)
        {
            ThrowIfNull(key);
            var segment = SegmentOf(key);
            lock (segment)
            {
                if (!_map.TryGetValue(key, out var node) || !IsLive(node) || !EqualityComparer<TValue>.Default.Equals(node.Value, comparisonValue))
                {
                    return false;
                }

                SetLocked(segment, key, newValue, node); // replaces a present entry: never needs room
                return true;
            }
        }

        /// <summary>Removes a key's entry.</summary>
        /// <returns>True when a live entry was removed.</returns>
        /// <exception cref="ArgumentNullException"><paramref name="key"/> is null.</exception>
        public bool Remove(TKey key) => TryRemove(key, out _);

        /// <summary>Removes a key's entry and returns its value.</summary>
        /// <returns>True when a live entry was removed.</returns>
        /// <exception cref="ArgumentNullException"><paramref name="key"/> is null.</exception>
        public bool Remove(TKey key, out TValue value) => TryRemove(key, out value);

        /// <summary>Removes a key's entry and returns its value.</summary>
        /// <returns>True when a live entry was removed.</returns>
        /// <exception cref="ArgumentNullException"><paramref name="key"/> is null.</exception>
        public bool TryRemove(TKey key, out TValue value)
        {
            ThrowIfNull(key);
            var segment = SegmentOf(key);
            lock (segment)
            {
                if (_map.TryGetValue(key, out var node))
                {
                    var live = IsLive(node);
                    UnlinkLocked(segment, node, freeSlot: true);
                    if (live)
                    {
                        value = node.Value;
                        return true;
                    }

                    Interlocked.Increment(ref segment.Expirations);
                }
            }

            value = default!;
            return false;
        }

        /// <summary>Removes an entry only when it holds exactly this key and value.</summary>
        /// <exception cref="ArgumentNullException">The key is null.</exception>
        public bool TryRemove(KeyValuePair<TKey, TValue> item)
        {
            ThrowIfNull(item.Key);
            var segment = SegmentOf(item.Key);
            lock (segment)
            {
                if (_map.TryGetValue(item.Key, out var node) && IsLive(node) && EqualityComparer<TValue>.Default.Equals(node.Value, item.Value))
                {
                    UnlinkLocked(segment, node, freeSlot: true);
                    return true;
                }

                return false;
            }
        }

        /// <summary>Removes every entry. The hit, miss and eviction counts are kept.</summary>
        public void Clear()
        {
            EnterAll();
            try
            {
                _map.Clear();
                foreach (var segment in _segments)
                {
                    segment.Newest = segment.Oldest = segment.Hand = null;
                    segment.Count = 0;
                }

                Volatile.Write(ref _count, 0);
            }
            finally
            {
                ExitAll();
            }
        }

        /// <summary>A snapshot of the live entries.</summary>
        public KeyValuePair<TKey, TValue>[] ToArray()
        {
            var list = new List<KeyValuePair<TKey, TValue>>(Count);
            foreach (var pair in this)
            {
                list.Add(pair);
            }

            return list.ToArray();
        }

        /// <summary>
        /// The hit, miss, eviction and expiration counts since the cache was created, and its size. Hits and misses are
        /// counted only with <see cref="BoundedCacheOptions.TrackStatistics"/> (or a <see cref="BoundedCacheOptions.Name"/>).
        /// </summary>
        public BoundedCacheStatistics GetStatistics() =>
            new BoundedCacheStatistics(_hits?.Sum() ?? 0, _misses?.Sum() ?? 0, SumEvictions(), SumExpirations(), Count, Capacity);

        /// <summary>
        /// Enumerates the live entries without a lock. As with <see cref="ConcurrentDictionary{TKey, TValue}"/>, entries added
        /// or removed meanwhile may or may not be seen; enumeration never throws because the cache changed.
        /// </summary>
        public IEnumerator<KeyValuePair<TKey, TValue>> GetEnumerator()
        {
            foreach (var pair in _map)
            {
                if (IsLive(pair.Value))
                {
                    yield return new KeyValuePair<TKey, TValue>(pair.Key, pair.Value.Value);
                }
            }
        }

        IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

        void ICollection<KeyValuePair<TKey, TValue>>.Add(KeyValuePair<TKey, TValue> item) => Add(item.Key, item.Value);

        bool ICollection<KeyValuePair<TKey, TValue>>.Contains(KeyValuePair<TKey, TValue> item) =>
            _map.TryGetValue(item.Key, out var node) && IsLive(node) && EqualityComparer<TValue>.Default.Equals(node.Value, item.Value);

        bool ICollection<KeyValuePair<TKey, TValue>>.Remove(KeyValuePair<TKey, TValue> item) => TryRemove(item);

        void ICollection<KeyValuePair<TKey, TValue>>.CopyTo(KeyValuePair<TKey, TValue>[] array, int arrayIndex)
        {
            if (array is null)
            {
                throw new ArgumentNullException(nameof(array));
            }

            if (arrayIndex < 0 || arrayIndex > array.Length)
            {
                throw new ArgumentOutOfRangeException(nameof(arrayIndex), arrayIndex, "The index is outside the array.");
            }

            var items = ToArray();
            if (array.Length - arrayIndex < items.Length)
            {
                throw new ArgumentException("The array is too small to hold the entries.", nameof(array));
            }

            items.CopyTo(array, arrayIndex);
        }

        long[] ICacheCounters.ReadCounters() => new[] { _hits?.Sum() ?? 0, _misses?.Sum() ?? 0, SumEvictions(), SumExpirations(), Count };

        /// <summary>Test hook: the number of segments.</summary>
        internal int SegmentCountForTests => _segments.Length;

        /// <summary>
        /// Test hook: the keys in queue order, oldest first (segment after segment), and where the first segment's hand is;
        /// checks, under every segment's lock, that each segment's links and count agree and that each key sits in its own segment.
        /// </summary>
        internal (List<TKey> OldestFirst, TKey? Hand) DescribeQueue()
        {
            EnterAll();
            try
            {
                var keys = new List<TKey>(Volatile.Read(ref _count));
                for (var i = 0; i < _segments.Length; i++)
                {
                    var segment = _segments[i];
                    var linked = 0;
                    Node? previous = null;
                    for (var node = segment.Oldest; node is not null; node = node.Newer)
                    {
                        if (!ReferenceEquals(node.Older, previous) || !ReferenceEquals(SegmentOf(node.Key), segment))
                        {
                            throw new InvalidOperationException($"Segment {i}: the queue is broken at '{node.Key}'.");
                        }

                        keys.Add(node.Key);
                        previous = node;
                        linked++;
                    }

                    if (linked != segment.Count || !ReferenceEquals(previous, segment.Newest))
                    {
                        throw new InvalidOperationException($"Segment {i}: {linked} linked entries, count {segment.Count}.");
                    }
                }

                var hand = _segments[0].Hand;
                return (keys, hand is null ? default : hand.Key);
            }
            finally
            {
                ExitAll();
            }
        }

        private bool IsLive(Node node) => node.ExpiresAt == NoExpiry || _time.GetTimestamp() < node.ExpiresAt;

        private TValue AddIfAbsent(TKey key, TValue value)
        {
            var segment = SegmentOf(key);
            while (true)
            {
                lock (segment)
                {
                    if (_map.TryGetValue(key, out var node) && IsLive(node))
                    {
                        return node.Value; // another thread added it meanwhile: its value wins, as with ConcurrentDictionary
                    }

                    if (SetLocked(segment, key, value, node))
                    {
                        return value;
                    }
                }

                MakeRoomOutside(segment);
            }
        }

        private TValue AddOrUpdateCore<TState>(TKey key, TState state, Func<TKey, TState, TValue> add, Func<TKey, TValue, TState, TValue> update)
        {
            ThrowIfNull(key);
            var segment = SegmentOf(key);
            while (true)
            {
                // Run the factory outside the lock, then commit only if nobody changed the entry meanwhile.
                _map.TryGetValue(key, out var seen);
                var live = seen is not null && IsLive(seen);
                var value = live ? update(key, seen!.Value, state) : add(key, state);
                while (true)
                {
                    var committed = false;
                    lock (segment)
                    {
                        _map.TryGetValue(key, out var current);
                        var stillLive = current is not null && IsLive(current);
                        if (!(live ? ReferenceEquals(current, seen) && stillLive : !stillLive))
                        {
                            break; // changed meanwhile: run the factory again
                        }

                        committed = SetLocked(segment, key, value, current);
                    }

                    if (committed)
                    {
                        return value;
                    }

                    MakeRoomOutside(segment);
                }
            }
        }

        /// <summary>
        /// Adds or replaces, under <paramref name="segment"/>'s lock; <paramref name="existing"/> is what the map holds for the
        /// key (null when nothing). A new key in a full cache takes the slot of an entry evicted from its own segment.
        /// </summary>
        /// <returns>False, with nothing changed, when the cache is full and this segment has nothing to evict: the caller
        /// leaves the lock, calls <see cref="MakeRoomOutside"/> and tries again.</returns>
        private bool SetLocked(Segment segment, TKey key, TValue value, Node? existing)
        {
            var expiresAt = _timeToLiveTicks == 0 ? NoExpiry : _time.GetTimestamp() + _timeToLiveTicks;
            if (existing is not null)
            {
                // A new node in the old one's place (keeping the key as first added, as Dictionary does): readers see the old
                // value or the new one, never a torn struct.
                var old = existing;
                var replacement = new Node(old.Key, value, expiresAt) { Visited = old.Visited, Newer = old.Newer, Older = old.Older };
                if (old.Newer is null)
                {
                    segment.Newest = replacement;
                }
                else
                {
                    old.Newer.Older = replacement;
                }

                if (old.Older is null)
                {
                    segment.Oldest = replacement;
                }
                else
                {
                    old.Older.Newer = replacement;
                }

                if (ReferenceEquals(segment.Hand, old))
                {
                    segment.Hand = replacement;
                }

                _map[key] = replacement;
                return true;
            }

            if (!ReserveSlot())
            {
                // Full: the evicted entry's slot passes to the new one, so the count never goes above the capacity.
                if (segment.Oldest is null)
                {
                    return false;
                }

                EvictLocked(segment);
            }

            var node = new Node(key, value, expiresAt) { Older = segment.Newest };
            if (segment.Newest is null)
            {
                segment.Oldest = node;
            }
            else
            {
                segment.Newest.Newer = node;
            }

            segment.Newest = node;
            segment.Count++;
            _map[key] = node;
            return true;
        }

        /// <summary>Takes one slot of the capacity when one is free.</summary>
        private bool ReserveSlot()
        {
            var count = Volatile.Read(ref _count);
            while (count < Capacity)
            {
                var seen = Interlocked.CompareExchange(ref _count, count + 1, count);
                if (seen == count)
                {
                    return true;
                }

                count = seen;
            }

            return false;
        }

        /// <summary>
        /// The cache is full and <paramref name="full"/> (whose lock the caller does not hold) had nothing to evict: evict one
        /// entry from another segment, freeing a slot. Takes one lock at a time, so it never deadlocks with another writer.
        /// </summary>
        private void MakeRoomOutside(Segment full)
        {
            var start = Array.IndexOf(_segments, full);
            for (var i = 1; i <= _segments.Length; i++)
            {
                if (Volatile.Read(ref _count) < Capacity)
                {
                    return; // someone removed an entry meanwhile: there is room again
                }

                var segment = _segments[(start + i) & _segmentMask];
                lock (segment)
                {
                    if (segment.Oldest is not null && Volatile.Read(ref _count) >= Capacity)
                    {
                        EvictLocked(segment);
                        Interlocked.Decrement(ref _count);
                        return;
                    }
                }
            }
        }

        /// <summary>
        /// SIEVE within one segment: the hand walks from the oldest entry towards the newest, wrapping around, clearing
        /// "visited" bits; the first entry it finds unvisited (or expired) goes. It stops within two laps. The segment must
        /// not be empty. The slot is not freed: the caller passes it on, or frees it.
        /// </summary>
        private void EvictLocked(Segment segment)
        {
            var node = segment.Hand ?? segment.Oldest;
            while (node is not null)
            {
                if (!IsLive(node))
                {
                    Interlocked.Increment(ref segment.Expirations);
                    break;
                }

                if (!node.Visited)
                {
                    Interlocked.Increment(ref segment.Evictions);
                    break;
                }

                node.Visited = false;
                node = node.Newer ?? segment.Oldest;
            }

            if (node is not null)
            {
                segment.Hand = node; // unlinking moves the hand on to the next newer entry
                UnlinkLocked(segment, node, freeSlot: false);
            }
        }

        private void UnlinkLocked(Segment segment, Node node, bool freeSlot)
        {
            if (ReferenceEquals(segment.Hand, node))
            {
                segment.Hand = node.Newer;
            }

            if (node.Newer is null)
            {
                segment.Newest = node.Older;
            }
            else
            {
                node.Newer.Older = node.Older;
            }

            if (node.Older is null)
            {
                segment.Oldest = node.Newer;
            }
            else
            {
                node.Older.Newer = node.Newer;
            }

            node.Newer = node.Older = null;
            segment.Count--;
#if NET5_0_OR_GREATER
            _map.TryRemove(new KeyValuePair<TKey, Node>(node.Key, node));
#else
            ((ICollection<KeyValuePair<TKey, Node>>)_map).Remove(new KeyValuePair<TKey, Node>(node.Key, node));
#endif
            if (freeSlot)
            {
                Interlocked.Decrement(ref _count);
            }
        }

        private void RemoveExpired(Node node)
        {
            var segment = SegmentOf(node.Key);
            lock (segment)
            {
                if (_map.TryGetValue(node.Key, out var current) && ReferenceEquals(current, node))
                {
                    UnlinkLocked(segment, node, freeSlot: true);
                    Interlocked.Increment(ref segment.Expirations);
                }
            }
        }

        private Segment SegmentOf(TKey key)
        {
            if (_segmentMask == 0)
            {
                return _segments[0];
            }

            // The comparer's hash, so that keys it calls equal share a segment; mixed, so that low bits alone do not decide.
            var hash = (uint)Comparer.GetHashCode(key);
            hash ^= hash >> 15;
            hash *= 0x2c1b3c6dU;
            hash ^= hash >> 12;
            return _segments[(int)(hash & (uint)_segmentMask)];
        }

        /// <summary>One segment per <see cref="MinEntriesPerSegment"/> entries, up to four per processor: a power of two.</summary>
        private static int SegmentCount(int capacity)
        {
            var limit = Math.Min(Math.Min(Environment.ProcessorCount * 4, MaxSegments), capacity / MinEntriesPerSegment);
            var count = 1;
            while (count * 2 <= limit)
            {
                count *= 2;
            }

            return count;
        }

        private void EnterAll()
        {
            for (var i = 0; i < _segments.Length; i++)
            {
                Monitor.Enter(_segments[i]);
            }
        }

        private void ExitAll()
        {
            for (var i = _segments.Length - 1; i >= 0; i--)
            {
                Monitor.Exit(_segments[i]);
            }
        }

        private long SumEvictions()
        {
            long sum = 0;
            foreach (var segment in _segments)
            {
                sum += Interlocked.Read(ref segment.Evictions);
            }

            return sum;
        }

        private long SumExpirations()
        {
            long sum = 0;
            foreach (var segment in _segments)
            {
                sum += Interlocked.Read(ref segment.Expirations);
            }

            return sum;
        }

        private ICollection<T> Snapshot<T>(Func<KeyValuePair<TKey, TValue>, T> select)
        {
            var list = new List<T>(Count);
            foreach (var pair in this)
            {
                list.Add(select(pair));
            }

            return new ReadOnlyCollection<T>(list);
        }

        private static void ThrowIfNull(TKey key)
        {
            if (key is null)
            {
                throw new ArgumentNullException(nameof(key));
            }
        }

        private static void ThrowIfNull(object? argument, string name)
        {
            if (argument is null)
            {
                throw new ArgumentNullException(name);
            }
        }

        /// <summary>
        /// One SIEVE queue, newest first, with its hand; its own object is its lock. The links, the hand and the count change
        /// under that lock only; the counters are written under it too (interlocked, so that statistics read them whole).
        /// </summary>
        private sealed class Segment
        {
            public Node? Newest;
            public Node? Oldest;
            public Node? Hand;
            public int Count;
            public long Evictions;
            public long Expirations;

            // Keeps two segments' hot fields off one cache line (segments are allocated one after another).
#pragma warning disable CS0169, IDE0051 // never read: padding
            private long _pad0, _pad1, _pad2, _pad3, _pad4, _pad5, _pad6;
#pragma warning restore CS0169, IDE0051
        }

        private sealed class Node
        {
            public Node(TKey key, TValue value, long expiresAt)
            {
                Key = key;
                Value = value;
                ExpiresAt = expiresAt;
            }

            public TKey Key { get; }

            public TValue Value { get; }

            public long ExpiresAt { get; }

            // Set by readers without a lock (a benign race: the worst case is one extra lap of the hand), cleared by the hand.
            public bool Visited;

            public Node? Newer;

            public Node? Older;
        }
    }
}
