using System;
using System.Collections;
using System.Collections.Generic;
using System.Diagnostics;

namespace Steadfast
{
    /// <summary>
    /// A thread-safe history that keeps the last <see cref="Capacity"/> items added to it: a ring buffer, what Python's
    /// <c>collections.deque(maxlen=N)</c> is. Adding one more item when it is full drops the oldest. Enumeration gives
    /// the items from the oldest to the newest.
    /// </summary>
    /// <remarks>
    /// <para>
    /// It offers the members a grow-only <see cref="List{T}"/>, <see cref="Queue{T}"/> or
    /// <see cref="System.Collections.Concurrent.ConcurrentQueue{T}"/> history uses (add, enumerate in order, count, clear,
    /// read by position, copy to an array); the SF4002 code fix rewrites such a field to it.
    /// </para>
    /// <para>
    /// Every member takes one short lock and runs in O(1), except <see cref="AddRange"/>, <see cref="ToArray"/> and
    /// enumeration, which are O(n). Enumeration works on a snapshot taken when it starts, so the history may change while
    /// it is being enumerated (unlike <see cref="List{T}"/>, which throws). The storage grows as items arrive, doubling
    /// up to <see cref="Capacity"/>, so a large capacity costs nothing until it is used.
    /// </para>
    /// </remarks>
    /// <typeparam name="T">The item type.</typeparam>
    [DebuggerDisplay("Count = {Count}, Capacity = {Capacity}")]
    public sealed class BoundedHistory<T> : IReadOnlyList<T>
    {
        private const int InitialSize = 16;

        private readonly object _gate = new object();
        private readonly int _capacity;

        // The items, oldest at _head. Until the array reaches the capacity, _head stays 0 and the items are contiguous.
        private T[] _items;
        private int _head;
        private int _count;
        private long _dropped;

        /// <summary>Creates a history that keeps the last <paramref name="capacity"/> items.</summary>
        /// <param name="capacity">The most items the history keeps; at least 1.</param>
        /// <exception cref="ArgumentOutOfRangeException"><paramref name="capacity"/> is less than 1.</exception>
        public BoundedHistory(int capacity)
        {
            if (capacity < 1)
            {
                throw new ArgumentOutOfRangeException(nameof(capacity), capacity, "The capacity of a BoundedHistory must be at least 1.");
            }

            _capacity = capacity;
            _items = new T[Math.Min(capacity, InitialSize)];
        }

        /// <summary>The most items the history keeps.</summary>
        public int Capacity => _capacity;

        /// <summary>How many items the history holds now (at most <see cref="Capacity"/>).</summary>
        public int Count
        {
            get
            {
                lock (_gate)
                {
                    return _count;
                }
            }
        }

        /// <summary>How many items were dropped, since the history was created, to make room for newer ones (<see cref="Clear"/> does not count).</summary>
        public long Dropped
        {
            get
            {
                lock (_gate)
                {
                    return _dropped;
                }
            }
        }

        /// <summary>The item at <paramref name="index"/>, counting from the oldest (0) to the newest (<see cref="Count"/> - 1).</summary>
        /// <param name="index">The position, from the oldest item.</param>
        /// <exception cref="ArgumentOutOfRangeException"><paramref name="index"/> is negative, or not less than <see cref="Count"/>.</exception>
        public T this[int index]
        {
            get
            {
                lock (_gate)
                {
                    if ((uint)index >= (uint)_count)
                    {
                        throw new ArgumentOutOfRangeException(nameof(index), index, "The index must be at least 0 and less than Count.");
                    }

                    var at = _head + index;
                    return _items[at >= _items.Length ? at - _items.Length : at];
                }
            }
        }

        /// <summary>Adds <paramref name="item"/> as the newest item; when the history is full, the oldest item is dropped.</summary>
        /// <param name="item">The item to add.</param>
        public void Add(T item)
        {
            lock (_gate)
            {
                AddLocked(item);
            }
        }

        /// <summary>Adds each of <paramref name="items"/> in order, as <see cref="Add"/> does.</summary>
        /// <param name="items">The items to add.</param>
        /// <exception cref="ArgumentNullException"><paramref name="items"/> is null.</exception>
        public void AddRange(IEnumerable<T> items)
        {
            if (items is null)
            {
                throw new ArgumentNullException(nameof(items));
            }

            // Enumerate the source outside the lock (it may be slow, or be this history).
            var copy = new List<T>(items);
            lock (_gate)
            {
                foreach (var item in copy)
                {
                    AddLocked(item);
                }
            }
        }

        /// <summary>Removes every item.</summary>
        public void Clear()
        {
            lock (_gate)
            {
                Array.Clear(_items, 0, _items.Length);
                _head = 0;
                _count = 0;
            }
        }

        /// <summary>The items, from the oldest to the newest, in a new array.</summary>
        /// <returns>A copy of the items.</returns>
        public T[] ToArray()
        {
            lock (_gate)
            {
                return ToArrayLocked();
            }
        }

        /// <summary>Enumerates a snapshot of the items, from the oldest to the newest.</summary>
        /// <returns>An enumerator over the items as they were when it was made.</returns>
        public IEnumerator<T> GetEnumerator() => ((IEnumerable<T>)ToArray()).GetEnumerator();

        IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

        private void AddLocked(T item)
        {
            if (_count < _items.Length)
            {
                var index = _head + _count;
                if (index >= _items.Length)
                {
                    index -= _items.Length;
                }

                _items[index] = item;
                _count++;
                return;
            }

            if (_items.Length < _capacity)
            {
                // Full below the capacity: grow (the items are contiguous from 0 until the array reaches the capacity).
                var grown = new T[(int)Math.Min(_capacity, (long)_items.Length * 2)];
                Array.Copy(_items, 0, grown, 0, _count);
                _items = grown;
                _items[_count] = item;
                _count++;
                return;
            }

            // Full at the capacity: overwrite the oldest.
            _items[_head] = item;
            if (++_head == _items.Length)
            {
                _head = 0;
            }

            _dropped++;
        }

        private T[] ToArrayLocked()
        {
            var result = new T[_count];
            var first = Math.Min(_count, _items.Length - _head);
            Array.Copy(_items, _head, result, 0, first);
            Array.Copy(_items, 0, result, first, _count - first);
            return result;
        }
    }
}
