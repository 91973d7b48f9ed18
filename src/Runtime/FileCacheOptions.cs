using System;

namespace Steadfast
{
    /// <summary>Settings of a <see cref="FileContentCache"/>.</summary>
    public sealed class FileCacheOptions
    {
        private TimeSpan _checkInterval = TimeSpan.FromSeconds(1);
        private int _maxEntries = 256;
        private long _maxBytes = 64L * 1024 * 1024;

        /// <summary>
        /// How often, at most, a cached file is checked for a change (its last write time and length). A change is seen
        /// within this time. Zero checks on every read. Default: 1 second.
        /// </summary>
        public TimeSpan CheckInterval
        {
            get => _checkInterval;
            set => _checkInterval = value >= TimeSpan.Zero ? value : throw new ArgumentOutOfRangeException(nameof(value), value, "The check interval cannot be negative.");
        }

        /// <summary>How many files are kept at most; the least recently read goes first. Default: 256.</summary>
        public int MaxEntries
        {
            get => _maxEntries;
            set => _maxEntries = value > 0 ? value : throw new ArgumentOutOfRangeException(nameof(value), value, "At least one entry must fit.");
        }

        /// <summary>
        /// How many bytes of file content are kept at most; the least recently read go first. A file larger than this
        /// is read from disk every time, never cached. Default: 64 MiB.
        /// </summary>
        public long MaxBytes
        {
            get => _maxBytes;
            set => _maxBytes = value > 0 ? value : throw new ArgumentOutOfRangeException(nameof(value), value, "The byte bound must be positive.");
        }

        /// <summary>The clock for change checks; <see cref="TimeProvider.System"/> when null.</summary>
        public TimeProvider? TimeProvider { get; set; }

        internal FileCacheOptions Clone() => new FileCacheOptions
        {
            CheckInterval = CheckInterval,
            MaxEntries = MaxEntries,
            MaxBytes = MaxBytes,
            TimeProvider = TimeProvider,
        };
    }
}
