using System;
using System.Collections.Generic;
using System.IO;
using System.Runtime.InteropServices;
using System.Text;
using System.Threading;
using System.Threading.Tasks;

namespace Steadfast
{
    /// <summary>
    /// Reads files once and serves them from memory until they change. Same results and exceptions as the
    /// <see cref="File"/> methods it stands in for; a change is seen within <see cref="FileCacheOptions.CheckInterval"/>;
    /// bounded in entries and bytes; thread safe. <see cref="FileCache"/> is the static facade.
    /// </summary>
    /// <remarks>
    /// A reload reads the file between two checks of its write time and length and retries while they differ, so a
    /// file replaced while it is read is read again; readers see one whole version or the other, never a mix. A file
    /// rewritten in place (truncated, then written) can be read half-written by any reader, <see cref="File"/>'s
    /// included: write to a temporary file and move it over the old one to change files atomically.
    /// </remarks>
    public sealed class FileContentCache
    {
        private const int MaxReadAttempts = 5;
        private static readonly StringComparer PathComparer =
            RuntimeInformation.IsOSPlatform(OSPlatform.Windows) || RuntimeInformation.IsOSPlatform(OSPlatform.OSX)
                ? StringComparer.OrdinalIgnoreCase
                : StringComparer.Ordinal;

        private readonly object _gate = new object();
        private readonly Dictionary<string, Entry> _entries = new Dictionary<string, Entry>(PathComparer);
        private readonly LinkedList<Entry> _recency = new LinkedList<Entry>();
        private readonly FileCacheOptions _options;
        private readonly TimeProvider _time;
        private readonly long _checkTicks;
        private long _bytes;
        private long _hits;
        private long _misses;

        /// <summary>Creates a cache; <paramref name="options"/> are copied.</summary>
        public FileContentCache(FileCacheOptions? options = null)
        {
            _options = (options ?? new FileCacheOptions()).Clone();
            _time = _options.TimeProvider ?? TimeProvider.System;
            _checkTicks = (long)(_options.CheckInterval.TotalSeconds * _time.TimestampFrequency);
        }

        /// <summary>How many files are cached.</summary>
        public int Count
        {
            get
            {
                lock (_gate)
                {
                    return _entries.Count;
                }
            }
        }

        /// <summary>How many bytes of file content are cached.</summary>
        public long TotalBytes => Interlocked.Read(ref _bytes);

        /// <summary>Reads served from memory.</summary>
        public long Hits => Interlocked.Read(ref _hits);

        /// <summary>Reads that went to disk (first reads, reloads after a change, files too large to cache).</summary>
        public long Misses => Interlocked.Read(ref _misses);

        /// <summary>The same as <see cref="File.ReadAllBytes(string)"/>; the array is the caller's own copy.</summary>
        public byte[] ReadAllBytes(string path) => (byte[])Get(path).Bytes.Clone();

        /// <summary>The same as <see cref="File.ReadAllText(string)"/> (UTF-8 unless a byte order mark says otherwise).</summary>
        public string ReadAllText(string path) => Get(path).Decode(null).Text;

        /// <summary>The same as <see cref="File.ReadAllText(string, Encoding)"/>.</summary>
        public string ReadAllText(string path, Encoding encoding)
        {
            Require(encoding);
            return Get(path).Decode(encoding).Text;
        }

        /// <summary>The same as <see cref="File.ReadAllLines(string)"/>; the array is the caller's own copy.</summary>
        public string[] ReadAllLines(string path) => (string[])Get(path).Decode(null).Lines.Clone();

        /// <summary>The same as <see cref="File.ReadAllLines(string, Encoding)"/>; the array is the caller's own copy.</summary>
        public string[] ReadAllLines(string path, Encoding encoding)
        {
            Require(encoding);
            return (string[])Get(path).Decode(encoding).Lines.Clone();
        }

        /// <summary>The same as <see cref="File.ReadLines(string)"/>: a missing file throws at the call, not at enumeration.</summary>
        public IEnumerable<string> ReadLines(string path) => Enumerate(Get(path).Decode(null).Lines);

        /// <summary>The same as <see cref="File.ReadLines(string, Encoding)"/>.</summary>
        public IEnumerable<string> ReadLines(string path, Encoding encoding)
        {
            Require(encoding);
            return Enumerate(Get(path).Decode(encoding).Lines);
        }

        /// <summary>The same as <c>File.ReadAllBytesAsync</c>; the array is the caller's own copy.</summary>
        public async Task<byte[]> ReadAllBytesAsync(string path, CancellationToken cancellationToken = default) =>
            (byte[])(await GetAsync(path, cancellationToken).ConfigureAwait(false)).Bytes.Clone();

        /// <summary>The same as <c>File.ReadAllTextAsync</c>.</summary>
        public async Task<string> ReadAllTextAsync(string path, CancellationToken cancellationToken = default) =>
            (await GetAsync(path, cancellationToken).ConfigureAwait(false)).Decode(null).Text;

        /// <summary>The same as <c>File.ReadAllTextAsync</c> with an encoding.</summary>
        public async Task<string> ReadAllTextAsync(string path, Encoding encoding, CancellationToken cancellationToken = default)
        {
            Require(encoding);
            return (await GetAsync(path, cancellationToken).ConfigureAwait(false)).Decode(encoding).Text;
        }

        /// <summary>The same as <c>File.ReadAllLinesAsync</c>; the array is the caller's own copy.</summary>
        public async Task<string[]> ReadAllLinesAsync(string path, CancellationToken cancellationToken = default) =>
            (string[])(await GetAsync(path, cancellationToken).ConfigureAwait(false)).Decode(null).Lines.Clone();

        /// <summary>The same as <c>File.ReadAllLinesAsync</c> with an encoding; the array is the caller's own copy.</summary>
        public async Task<string[]> ReadAllLinesAsync(string path, Encoding encoding, CancellationToken cancellationToken = default)
        {
            Require(encoding);
            return (string[])(await GetAsync(path, cancellationToken).ConfigureAwait(false)).Decode(encoding).Lines.Clone();
        }

        /// <summary>Forgets one file; the next read goes to disk.</summary>
        public void Invalidate(string path)
        {
            var full = FullPath(path);
            lock (_gate)
            {
                if (_entries.TryGetValue(full, out var entry))
                {
                    RemoveLocked(entry);
                }
            }
        }

        /// <summary>Forgets every file.</summary>
        public void Clear()
        {
            lock (_gate)
            {
                _entries.Clear();
                _recency.Clear();
                Interlocked.Exchange(ref _bytes, 0);
            }
        }

        private Entry Get(string path)
        {
            var full = FullPath(path);
            var entry = TryGetFresh(full);
            if (entry is not null)
            {
                return entry;
            }

            for (var attempt = 1; ; attempt++)
            {
                var before = Stat(full);
                var bytes = File.ReadAllBytes(full); // throws exactly what File would
                var after = Stat(full);
                if (Stable(before, after, bytes.Length) || attempt == MaxReadAttempts)
                {
                    return Store(full, bytes, after);
                }
            }
        }

        private async Task<Entry> GetAsync(string path, CancellationToken cancellationToken)
        {
            var full = FullPath(path);
            var entry = TryGetFresh(full);
            if (entry is not null)
            {
                return entry;
            }

            for (var attempt = 1; ; attempt++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var before = Stat(full);
                var bytes = await ReadBytesAsync(full, cancellationToken).ConfigureAwait(false);
                var after = Stat(full);
                if (Stable(before, after, bytes.Length) || attempt == MaxReadAttempts)
                {
                    return Store(full, bytes, after);
                }
            }
        }

        /// <summary>The cached entry when it was checked recently or is unchanged on disk; null when the file must be read.</summary>
        private Entry? TryGetFresh(string full)
        {
            Entry? entry;
            var now = _time.GetTimestamp();
            lock (_gate)
            {
                if (!_entries.TryGetValue(full, out entry))
                {
                    return null;
                }

                if (now - Volatile.Read(ref entry.CheckedAt) < _checkTicks)
                {
                    TouchLocked(entry);
                    Interlocked.Increment(ref _hits);
                    return entry;
                }
            }

            var stat = Stat(full);
            if (stat is { } s && s.Length == entry.Length && s.LastWriteUtc == entry.LastWriteUtc)
            {
                Volatile.Write(ref entry.CheckedAt, now);
                lock (_gate)
                {
                    if (_entries.TryGetValue(full, out var current) && ReferenceEquals(current, entry))
                    {
                        TouchLocked(entry);
                    }
                }

                Interlocked.Increment(ref _hits);
                return entry;
            }

            // Changed or gone: forget it; the caller reads the file (and throws as File does if it is gone).
            lock (_gate)
            {
                if (_entries.TryGetValue(full, out var current) && ReferenceEquals(current, entry))
                {
                    RemoveLocked(entry);
                }
            }

            return null;
        }

        private Entry Store(string full, byte[] bytes, FileStamp? stamp)
        {
            Interlocked.Increment(ref _misses);
            var entry = new Entry(full, bytes, stamp?.LastWriteUtc ?? DateTime.MinValue, stamp?.Length ?? -1, _time.GetTimestamp());
            if (stamp is null || bytes.LongLength > _options.MaxBytes)
            {
                // Gone again already, or too large to keep: serve this read, cache nothing.
                return entry;
            }

            lock (_gate)
            {
                if (_entries.TryGetValue(full, out var old))
                {
                    RemoveLocked(old);
                }

                entry.Node = _recency.AddFirst(entry);
                _entries.Add(full, entry);
                Interlocked.Add(ref _bytes, bytes.LongLength);
                while (_entries.Count > _options.MaxEntries || Interlocked.Read(ref _bytes) > _options.MaxBytes)
                {
                    RemoveLocked(_recency.Last!.Value);
                }
            }

            return entry;
        }

        private void TouchLocked(Entry entry)
        {
            if (entry.Node is not null && entry.Node != _recency.First)
            {
                _recency.Remove(entry.Node);
                _recency.AddFirst(entry.Node);
            }
        }

        private void RemoveLocked(Entry entry)
        {
            _entries.Remove(entry.FullPath);
            if (entry.Node is not null)
            {
                _recency.Remove(entry.Node);
                entry.Node = null;
            }

            Interlocked.Add(ref _bytes, -entry.Bytes.LongLength);
        }

        private static bool Stable(FileStamp? before, FileStamp? after, int length) =>
            before is { } b && after is { } a && b.LastWriteUtc == a.LastWriteUtc && b.Length == a.Length && a.Length == length;

        private static FileStamp? Stat(string full)
        {
            var info = new FileInfo(full);
            return info.Exists ? new FileStamp(info.LastWriteTimeUtc, info.Length) : (FileStamp?)null;
        }

        private static string FullPath(string path)
        {
            if (path is null)
            {
                throw new ArgumentNullException(nameof(path));
            }

            if (path.Length == 0)
            {
                throw new ArgumentException("The path is empty.", nameof(path));
            }

            return Path.GetFullPath(path);
        }

        private static Encoding Require(Encoding encoding) => encoding ?? throw new ArgumentNullException(nameof(encoding));

        private static IEnumerable<string> Enumerate(string[] lines)
        {
            foreach (var line in lines)
            {
                yield return line;
            }
        }

        private static async Task<byte[]> ReadBytesAsync(string full, CancellationToken cancellationToken)
        {
#if NET8_0_OR_GREATER
            return await File.ReadAllBytesAsync(full, cancellationToken).ConfigureAwait(false);
#else
            using var stream = new FileStream(full, FileMode.Open, FileAccess.Read, FileShare.Read, 4096, FileOptions.Asynchronous | FileOptions.SequentialScan);
            var buffer = new MemoryStream(stream.CanSeek ? (int)Math.Min(stream.Length, int.MaxValue) : 0);
            await stream.CopyToAsync(buffer, 81920, cancellationToken).ConfigureAwait(false);
            return buffer.ToArray();
#endif
        }

        private readonly struct FileStamp
        {
            public FileStamp(DateTime lastWriteUtc, long length)
            {
                LastWriteUtc = lastWriteUtc;
                Length = length;
            }

            public DateTime LastWriteUtc { get; }

            public long Length { get; }
        }

        private sealed class Entry
        {
            private Decoded[] _decoded = Array.Empty<Decoded>();

            public Entry(string fullPath, byte[] bytes, DateTime lastWriteUtc, long length, long checkedAt)
            {
                FullPath = fullPath;
                Bytes = bytes;
                LastWriteUtc = lastWriteUtc;
                Length = length;
                CheckedAt = checkedAt;
            }

            public string FullPath { get; }

            public byte[] Bytes { get; }

            public DateTime LastWriteUtc { get; }

            public long Length { get; }

            public long CheckedAt;

            public LinkedListNode<Entry>? Node;

            /// <summary>Text and lines decoded as File would (BOM detection on, UTF-8 by default), once per encoding.</summary>
            public Decoded Decode(Encoding? encoding)
            {
                foreach (var d in Volatile.Read(ref _decoded))
                {
                    if (Equals(d.Encoding, encoding))
                    {
                        return d;
                    }
                }

                string text;
                using (var reader = new StreamReader(new MemoryStream(Bytes, writable: false), encoding ?? Encoding.UTF8, detectEncodingFromByteOrderMarks: true))
                {
                    text = reader.ReadToEnd();
                }

                var lines = new List<string>();
                using (var reader = new StringReader(text))
                {
                    string? line;
                    while ((line = reader.ReadLine()) is not null)
                    {
                        lines.Add(line);
                    }
                }

                var decoded = new Decoded(encoding, text, lines.ToArray());
                lock (this)
                {
                    var current = _decoded;
                    var next = new Decoded[current.Length + 1];
                    Array.Copy(current, next, current.Length);
                    next[current.Length] = decoded;
                    Volatile.Write(ref _decoded, next);
                }

                return decoded;
            }
        }

        private sealed class Decoded
        {
            public Decoded(Encoding? encoding, string text, string[] lines)
            {
                Encoding = encoding;
                Text = text;
                Lines = lines;
            }

            public Encoding? Encoding { get; }

            public string Text { get; }

            public string[] Lines { get; }
        }
    }
}
