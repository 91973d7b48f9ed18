using System;
using System.Collections.Generic;
using System.Text;
using System.Threading;
using System.Threading.Tasks;

namespace Steadfast
{
    /// <summary>
    /// Drop-in replacements for <see cref="System.IO.File"/>'s read methods that read each file once and serve it from
    /// memory until it changes (checked at most once a second by default). A static facade over <see cref="Default"/>.
    /// </summary>
    /// <example><code>var playbook = FileCache.ReadAllText(Path.Combine(AppContext.BaseDirectory, "playbook.md"));</code></example>
    public static class FileCache
    {
        private static FileContentCache _default = new FileContentCache();

        /// <summary>The process-wide cache the static methods use.</summary>
        public static FileContentCache Default => Volatile.Read(ref _default);

        /// <summary>Replaces <see cref="Default"/> with a new, empty cache with these options (check interval, bounds, clock).</summary>
        public static void Configure(FileCacheOptions options)
        {
            if (options is null)
            {
                throw new ArgumentNullException(nameof(options));
            }

            Volatile.Write(ref _default, new FileContentCache(options));
        }

        /// <inheritdoc cref="FileContentCache.ReadAllBytes(string)"/>
        public static byte[] ReadAllBytes(string path) => Default.ReadAllBytes(path);

        /// <inheritdoc cref="FileContentCache.ReadAllText(string)"/>
        public static string ReadAllText(string path) => Default.ReadAllText(path);

        /// <inheritdoc cref="FileContentCache.ReadAllText(string, Encoding)"/>
        public static string ReadAllText(string path, Encoding encoding) => Default.ReadAllText(path, encoding);

        /// <inheritdoc cref="FileContentCache.ReadAllLines(string)"/>
        public static string[] ReadAllLines(string path) => Default.ReadAllLines(path);

        /// <inheritdoc cref="FileContentCache.ReadAllLines(string, Encoding)"/>
        public static string[] ReadAllLines(string path, Encoding encoding) => Default.ReadAllLines(path, encoding);

        /// <inheritdoc cref="FileContentCache.ReadLines(string)"/>
        public static IEnumerable<string> ReadLines(string path) => Default.ReadLines(path);

        /// <inheritdoc cref="FileContentCache.ReadLines(string, Encoding)"/>
        public static IEnumerable<string> ReadLines(string path, Encoding encoding) => Default.ReadLines(path, encoding);

        /// <inheritdoc cref="FileContentCache.ReadAllBytesAsync(string, CancellationToken)"/>
        public static Task<byte[]> ReadAllBytesAsync(string path, CancellationToken cancellationToken = default) => Default.ReadAllBytesAsync(path, cancellationToken);

        /// <inheritdoc cref="FileContentCache.ReadAllTextAsync(string, CancellationToken)"/>
        public static Task<string> ReadAllTextAsync(string path, CancellationToken cancellationToken = default) => Default.ReadAllTextAsync(path, cancellationToken);

        /// <inheritdoc cref="FileContentCache.ReadAllTextAsync(string, Encoding, CancellationToken)"/>
        public static Task<string> ReadAllTextAsync(string path, Encoding encoding, CancellationToken cancellationToken = default) => Default.ReadAllTextAsync(path, encoding, cancellationToken);

        /// <inheritdoc cref="FileContentCache.ReadAllLinesAsync(string, CancellationToken)"/>
        public static Task<string[]> ReadAllLinesAsync(string path, CancellationToken cancellationToken = default) => Default.ReadAllLinesAsync(path, cancellationToken);

        /// <inheritdoc cref="FileContentCache.ReadAllLinesAsync(string, Encoding, CancellationToken)"/>
        public static Task<string[]> ReadAllLinesAsync(string path, Encoding encoding, CancellationToken cancellationToken = default) => Default.ReadAllLinesAsync(path, encoding, cancellationToken);
    }
}
