using System;
using System.Collections;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Collections.ObjectModel;
using System.Diagnostics;
using System.Threading;

namespace Steadfast.Benchmarks
{
    /// <summary>
    /// The BoundedCache of commit c982b3f (one global lock over one SIEVE queue), frozen here so that benchmarks compare the
    /// segmented cache with it in the same run (two busy cores make runs hard to compare). Statistics and metrics removed
    /// (they use the runtime's internals; the benchmarks measure caches without statistics); nothing else changed.
    /// </summary>
    public sealed class BoundedCacheGlobalLock<TKey, TValue> : IDictionary<TKey, TValue>, IReadOnlyDictionary<TKey, TValue>
        where TKey : notnull
    {
        private const long NoExpiry = long.MaxValue;

        private readonly ConcurrentDictionary<TKey, Node> _map;
        private readonly object _gate = new object();
        private readonly TimeProvider _time;
        private readonly long _timeToLiveTicks; // in TimeProvider timestamp units; 0 = no expiry
        private long _evictions;
        private long _expirations;

        // The queue, newest first. All of these change under _gate only.
        private Node? _newest;
        private Node? _oldest;
        private Node? _hand;
        private int _count;

        /// <summary>Creates a cache that holds at most <paramref name="capacity"/> entries.</summary>
        /// <param name="capacity">The most entries the cache holds; at least 1.</param>
        /// <param name="comparer">How keys compare; <see cref="EqualityComparer{T}.Default"/> when null.</param>
        /// <exception cref="ArgumentOutOfRangeException"><paramref name="capacity"/> is less than 1.</exception>
        public BoundedCacheGlobalLock(int capacity, IEqualityComparer<TKey>? comparer = null)
            : this(new BoundedCacheOptions { Capacity = capacity }, comparer)
        {
        }

        /// <summary>Creates a cache with the given capacity, time to live, clock and metrics name.</summary>
        /// <param name="options">The settings; they are read once, here.</param>
        /// <param name="comparer">How keys compare; <see cref="EqualityComparer{T}.Default"/> when null.</param>
        /// <exception cref="ArgumentNullException"><paramref name="options"/> is null.</exception>
        public BoundedCacheGlobalLock(BoundedCacheOptions options, IEqualityComparer<TKey>? comparer = null)
        {
            if (options is null)
            {
                throw new ArgumentNullException(nameof(options));
            }

            Capacity = options.Capacity;
            TimeToLive = options.TimeToLive;
            Name = options.Name;

            _time = options.TimeProvider ?? TimeProvider.System;
            if (options.TimeToLive is { } ttl)
            {
                var ticks = ttl.Ticks * (double)_time.TimestampFrequency / TimeSpan.TicksPerSecond;
                _timeToLiveTicks = ticks >= long.MaxValue / 2 ? long.MaxValue / 2 : Math.Max(1, (long)ticks);
            }

            Comparer = comparer ?? EqualityComparer<TKey>.Default;
            _map = new ConcurrentDictionary<TKey, Node>(Environment.ProcessorCount, Math.Min(Capacity, 4096) + 1, Comparer);
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
                lock (_gate)
                {
                    SetLocked(key, value);
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

                    value = node.Value;
                    return true;
                }

                RemoveExpired(node);
            }

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
            lock (_gate)
            {
                if (_map.TryGetValue(key, out var node) && IsLive(node))
                {
                    return false;
                }

                SetLocked(key, value);
                return true;
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
            lock (_gate)
            {
                if (!_map.TryGetValue(key, out var node) || !IsLive(node) || !EqualityComparer<TValue>.Default.Equals(node.Value, comparisonValue))
                {
                    return false;
                }

                SetLocked(key, newValue);
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
            lock (_gate)
            {
                if (_map.TryGetValue(key, out var node))
                {
                    var live = IsLive(node);
                    UnlinkLocked(node);
                    if (live)
                    {
                        value = node.Value;
                        return true;
                    }

                    Interlocked.Increment(ref _expirations);
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
            lock (_gate)
            {
                if (_map.TryGetValue(item.Key, out var node) && IsLive(node) && EqualityComparer<TValue>.Default.Equals(node.Value, item.Value))
                {
                    UnlinkLocked(node);
                    return true;
                }

                return false;
            }
        }

        /// <summary>Removes every entry. The hit, miss and eviction counts are kept.</summary>
        public void Clear()
        {
            lock (_gate)
            {
                _map.Clear();
                _newest = _oldest = _hand = null;
                Volatile.Write(ref _count, 0);
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

        /// <summary>Test hook: the keys in queue order, oldest first, and where the hand is.</summary>
        internal (List<TKey> OldestFirst, TKey? Hand) DescribeQueue()
        {
            lock (_gate)
            {
                var keys = new List<TKey>(_count);
                for (var node = _oldest; node is not null; node = node.Newer)
                {
                    keys.Add(node.Key);
                }

                return (keys, _hand is null ? default : _hand.Key);
            }
        }

        private bool IsLive(Node node) => node.ExpiresAt == NoExpiry || _time.GetTimestamp() < node.ExpiresAt;

        private TValue AddIfAbsent(TKey key, TValue value)
        {
            lock (_gate)
            {
                if (_map.TryGetValue(key, out var node) && IsLive(node))
                {
                    return node.Value; // another thread added it meanwhile: its value wins, as with ConcurrentDictionary
                }

                SetLocked(key, value);
                return value;
            }
        }

        private TValue AddOrUpdateCore<TState>(TKey key, TState state, Func<TKey, TState, TValue> add, Func<TKey, TValue, TState, TValue> update)
        {
            ThrowIfNull(key);
            while (true)
            {
                // Run the factory outside the lock, then commit only if nobody changed the entry meanwhile.
                _map.TryGetValue(key, out var seen);
                var live = seen is not null && IsLive(seen);
                var value = live ? update(key, seen!.Value, state) : add(key, state);
                lock (_gate)
                {
                    _map.TryGetValue(key, out var current);
                    var stillLive = current is not null && IsLive(current);
                    if (live ? ReferenceEquals(current, seen) && stillLive : !stillLive)
                    {
                        SetLocked(key, value);
                        return value;
                    }
                }
            }
        }

        /// <summary>Adds or replaces; evicts first when a new key would exceed the capacity.</summary>
        private void SetLocked(TKey key, TValue value)
        {
            var expiresAt = _timeToLiveTicks == 0 ? NoExpiry : _time.GetTimestamp() + _timeToLiveTicks;
            if (_map.TryGetValue(key, out var old))
            {
                // A new node in the old one's place (keeping the key as first added, as Dictionary does): readers see the old
                // value or the new one, never a torn struct.
                var replacement = new Node(old.Key, value, expiresAt) { Visited = old.Visited, Newer = old.Newer, Older = old.Older };
                if (old.Newer is null)
                {
                    _newest = replacement;
                }
                else
                {
                    old.Newer.Older = replacement;
                }

                if (old.Older is null)
                {
                    _oldest = replacement;
                }
                else
                {
                    old.Older.Newer = replacement;
                }

                if (ReferenceEquals(_hand, old))
                {
                    _hand = replacement;
                }

                _map[key] = replacement;
                return;
            }

            if (_count >= Capacity)
            {
                EvictLocked();
            }

            var node = new Node(key, value, expiresAt) { Older = _newest };
            if (_newest is null)
            {
                _oldest = node;
            }
            else
            {
                _newest.Newer = node;
            }

            _newest = node;
            _map[key] = node;
            Volatile.Write(ref _count, _count + 1);
        }

        /// <summary>
        /// SIEVE: the hand walks from the oldest entry towards the newest, wrapping around, clearing "visited" bits; the first
        /// entry it finds unvisited (or expired) goes. It stops within two laps.
        /// </summary>
        private void EvictLocked()
        {
            var node = _hand ?? _oldest;
            while (node is not null)
            {
                if (!IsLive(node))
                {
                    Interlocked.Increment(ref _expirations);
                    break;
                }

                if (!node.Visited)
                {
                    Interlocked.Increment(ref _evictions);
                    break;
                }

                node.Visited = false;
                node = node.Newer ?? _oldest;
            }

            if (node is not null)
            {
                _hand = node; // unlinking moves the hand on to the next newer entry
                UnlinkLocked(node);
            }
        }

        private void UnlinkLocked(Node node)
        {
            if (ReferenceEquals(_hand, node))
            {
                _hand = node.Newer;
            }

            if (node.Newer is null)
            {
                _newest = node.Older;
            }
            else
            {
                node.Newer.Older = node.Older;
            }

            if (node.Older is null)
            {
                _oldest = node.Newer;
            }
            else
            {
                node.Older.Newer = node.Newer;
            }

            node.Newer = node.Older = null;
#if NET5_0_OR_GREATER
            _map.TryRemove(new KeyValuePair<TKey, Node>(node.Key, node));
#else
            ((ICollection<KeyValuePair<TKey, Node>>)_map).Remove(new KeyValuePair<TKey, Node>(node.Key, node));
#endif
            Volatile.Write(ref _count, _count - 1);
        }

        private void RemoveExpired(Node node)
        {
            lock (_gate)
            {
                if (_map.TryGetValue(node.Key, out var current) && ReferenceEquals(current, node))
                {
                    UnlinkLocked(node);
                    Interlocked.Increment(ref _expirations);
                }
            }
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
