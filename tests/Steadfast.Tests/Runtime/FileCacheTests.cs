using System;
using System.Collections.Concurrent;
using System.IO;
using System.Linq;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Steadfast.Tests.Support;
using Xunit;

namespace Steadfast.Tests.Runtime
{
    public sealed class FileCacheTests : IDisposable
    {
        private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("steadfast-filecache-");
        private readonly ManualTimeProvider _clock = new ManualTimeProvider();

        public void Dispose() => _dir.Delete(recursive: true);

        private string PathOf(string name) => Path.Combine(_dir.FullName, name);

        private FileContentCache NewCache(int maxEntries = 256, long maxBytes = 64L * 1024 * 1024) => new FileContentCache(new FileCacheOptions
        {
            CheckInterval = TimeSpan.FromSeconds(1),
            MaxEntries = maxEntries,
            MaxBytes = maxBytes,
            TimeProvider = _clock,
        });

        /// <summary>Rewrites a file and moves its write time forward, so the change is visible whatever the file system's time granularity.</summary>
        private static void Rewrite(string path, string text, int secondsLater = 10)
        {
            var previous = File.Exists(path) ? File.GetLastWriteTimeUtc(path) : DateTime.UtcNow;
            File.WriteAllText(path, text);
            File.SetLastWriteTimeUtc(path, previous.AddSeconds(secondsLater));
        }

        public static TheoryData<string, byte[]> Contents() => new TheoryData<string, byte[]>
        {
            { "utf8 no bom", Encoding.UTF8.GetBytes("héllo\nwörld\r\nlast") },
            { "utf8 bom", Encoding.UTF8.GetPreamble().Concat(Encoding.UTF8.GetBytes("bom\r\n\r\nend\n")).ToArray() },
            { "utf16 bom", Encoding.Unicode.GetPreamble().Concat(Encoding.Unicode.GetBytes("ütf16\nline")).ToArray() },
            { "latin1 bytes", new byte[] { 0x63, 0x61, 0x66, 0xE9, 0x0A, 0x78 } },
            { "empty", Array.Empty<byte>() },
            { "cr only", Encoding.ASCII.GetBytes("a\rb\rc") },
        };

        [Theory]
        [MemberData(nameof(Contents))]
        public async Task SameResultsAsFile_ForEveryMethodAndEncoding(string name, byte[] content)
        {
            var path = PathOf(name.Replace(' ', '_') + ".txt");
            File.WriteAllBytes(path, content);
            var cache = NewCache();

            for (var round = 0; round < 2; round++)
            {
                Assert.Equal(File.ReadAllBytes(path), cache.ReadAllBytes(path));
                Assert.Equal(File.ReadAllText(path), cache.ReadAllText(path));
                Assert.Equal(File.ReadAllLines(path), cache.ReadAllLines(path));
                Assert.Equal(File.ReadLines(path), cache.ReadLines(path));
                foreach (var encoding in new[] { Encoding.UTF8, Encoding.Latin1, Encoding.Unicode, Encoding.ASCII })
                {
                    Assert.Equal(File.ReadAllText(path, encoding), cache.ReadAllText(path, encoding));
                    Assert.Equal(File.ReadAllLines(path, encoding), cache.ReadAllLines(path, encoding));
                    Assert.Equal(File.ReadLines(path, encoding), cache.ReadLines(path, encoding));
                    Assert.Equal(await File.ReadAllTextAsync(path, encoding), await cache.ReadAllTextAsync(path, encoding));
                    Assert.Equal(await File.ReadAllLinesAsync(path, encoding), await cache.ReadAllLinesAsync(path, encoding));
                }

                Assert.Equal(await File.ReadAllBytesAsync(path), await cache.ReadAllBytesAsync(path));
                Assert.Equal(await File.ReadAllTextAsync(path), await cache.ReadAllTextAsync(path));
                Assert.Equal(await File.ReadAllLinesAsync(path), await cache.ReadAllLinesAsync(path));
            }

            Assert.Equal(1, cache.Misses);
            Assert.True(cache.Hits > 10);
        }

        [Fact]
        public async Task SameExceptionsAsFile()
        {
            var cache = NewCache();
            var missing = PathOf("missing.txt");
            Assert.Throws<FileNotFoundException>(() => File.ReadAllText(missing));
            Assert.Throws<FileNotFoundException>(() => cache.ReadAllText(missing));
            Assert.Throws<FileNotFoundException>(() => cache.ReadAllBytes(missing));
            Assert.Throws<FileNotFoundException>(() => cache.ReadLines(missing)); // at the call, as File.ReadLines
            await Assert.ThrowsAsync<FileNotFoundException>(() => cache.ReadAllTextAsync(missing));
            Assert.Throws<DirectoryNotFoundException>(() => cache.ReadAllText(PathOf("no-such-dir/file.txt")));
            Assert.Throws<ArgumentNullException>(() => cache.ReadAllText(null!));
            Assert.Throws<ArgumentException>(() => cache.ReadAllText(string.Empty));
            Assert.Throws<ArgumentNullException>(() => cache.ReadAllText(PathOf("x"), null!));
            Assert.Throws<UnauthorizedAccessException>(() => cache.ReadAllText(_dir.FullName));
            Assert.Throws<UnauthorizedAccessException>(() => File.ReadAllText(_dir.FullName));
            Assert.Throws<ArgumentOutOfRangeException>(() => new FileCacheOptions { CheckInterval = TimeSpan.FromSeconds(-1) });
            Assert.Throws<ArgumentOutOfRangeException>(() => new FileCacheOptions { MaxEntries = 0 });
            Assert.Throws<ArgumentOutOfRangeException>(() => new FileCacheOptions { MaxBytes = 0 });
            Assert.Throws<ArgumentNullException>(() => FileCache.Configure(null!));
        }

        [Fact]
        public void ReadsOnce_ThenSeesAChangeAfterTheCheckInterval()
        {
            var path = PathOf("playbook.md");
            Rewrite(path, "v1");
            var cache = NewCache();

            Assert.Equal("v1", cache.ReadAllText(path));
            Rewrite(path, "version 2");
            _clock.Advance(TimeSpan.FromMilliseconds(900));
            Assert.Equal("v1", cache.ReadAllText(path)); // within the interval: no disk access at all
            Assert.Equal(1, cache.Misses);

            _clock.Advance(TimeSpan.FromMilliseconds(200));
            Assert.Equal("version 2", cache.ReadAllText(path));
            Assert.Equal(2, cache.Misses);

            // Unchanged after the interval: one stat, no read.
            _clock.Advance(TimeSpan.FromSeconds(5));
            Assert.Equal("version 2", cache.ReadAllText(path));
            Assert.Equal(2, cache.Misses);
        }

        [Fact]
        public void DeleteThenRecreate()
        {
            var path = PathOf("prompt.txt");
            Rewrite(path, "first");
            var cache = NewCache();
            Assert.Equal("first", cache.ReadAllText(path));

            File.Delete(path);
            _clock.Advance(TimeSpan.FromSeconds(2));
            Assert.Throws<FileNotFoundException>(() => cache.ReadAllText(path));
            Assert.Equal(0, cache.Count);

            Rewrite(path, "second");
            Assert.Equal("second", cache.ReadAllText(path));
        }

        [Fact]
        public void CallersGetCopies_TheCacheCannotBeCorrupted()
        {
            var path = PathOf("data.bin");
            File.WriteAllText(path, "abc\ndef");
            var cache = NewCache();

            var bytes = cache.ReadAllBytes(path);
            bytes[0] = (byte)'X';
            var lines = cache.ReadAllLines(path);
            lines[0] = "changed";

            Assert.Equal((byte)'a', cache.ReadAllBytes(path)[0]);
            Assert.Equal(new[] { "abc", "def" }, cache.ReadAllLines(path));
        }

        [Fact]
        public void BoundedInEntries_LeastRecentlyReadGoesFirst()
        {
            var cache = NewCache(maxEntries: 2);
            foreach (var name in new[] { "a", "b", "c" })
            {
                File.WriteAllText(PathOf(name), name);
            }

            cache.ReadAllText(PathOf("a"));
            cache.ReadAllText(PathOf("b"));
            cache.ReadAllText(PathOf("a")); // a is now more recent than b
            cache.ReadAllText(PathOf("c")); // evicts b
            Assert.Equal(2, cache.Count);
            Assert.Equal(3, cache.Misses);

            cache.ReadAllText(PathOf("a"));
            cache.ReadAllText(PathOf("c"));
            Assert.Equal(3, cache.Misses);
            cache.ReadAllText(PathOf("b"));
            Assert.Equal(4, cache.Misses);
            Assert.Equal(2, cache.Count);
        }

        [Fact]
        public void BoundedInBytes_AndTooLargeFilesAreNotCached()
        {
            var cache = NewCache(maxBytes: 100);
            File.WriteAllText(PathOf("small1"), new string('x', 40));
            File.WriteAllText(PathOf("small2"), new string('y', 40));
            File.WriteAllText(PathOf("small3"), new string('z', 40));
            File.WriteAllText(PathOf("large"), new string('L', 101));

            cache.ReadAllText(PathOf("small1"));
            cache.ReadAllText(PathOf("small2"));
            cache.ReadAllText(PathOf("small3"));
            Assert.True(cache.TotalBytes <= 100);
            Assert.Equal(2, cache.Count);

            Assert.Equal(new string('L', 101), cache.ReadAllText(PathOf("large")));
            Assert.Equal(new string('L', 101), cache.ReadAllText(PathOf("large")));
            Assert.True(cache.TotalBytes <= 100);
            Assert.DoesNotContain(cache.Count, new[] { 0, 3 });
        }

        [Fact]
        public async Task ConcurrentReadersDuringReplacement_SeeOnlyWholeVersions()
        {
            var path = PathOf("config.json");
            var versions = Enumerable.Range(0, 4).Select(v => new string((char)('A' + v), 32 * 1024)).ToArray();
            File.WriteAllText(path, versions[0]);
            var cache = new FileContentCache(new FileCacheOptions { CheckInterval = TimeSpan.Zero });
            var bad = new ConcurrentQueue<string>();
            using var stop = new CancellationTokenSource();

            var readers = Enumerable.Range(0, 4).Select(_ => Task.Run(() =>
            {
                var reads = 0;
                while (!stop.IsCancellationRequested && reads++ < 200_000)
                {
                    try
                    {
                        var text = cache.ReadAllText(path);
                        if (!versions.Contains(text))
                        {
                            bad.Enqueue(text.Length + " chars, starting " + text.Substring(0, Math.Min(8, text.Length)));
                        }
                    }
                    catch (FileNotFoundException)
                    {
                        // File.Move(overwrite) replaces atomically on Linux; elsewhere a reader may see no file for an instant.
                    }
                }
            })).ToArray();

            for (var i = 1; i <= 300; i++)
            {
                var temp = path + ".tmp";
                File.WriteAllText(temp, versions[i % versions.Length]);
                File.Move(temp, path, overwrite: true);
            }

            stop.Cancel();
            await Task.WhenAll(readers);
            Assert.Empty(bad);
            Assert.Equal(versions[300 % versions.Length], cache.ReadAllText(path));
        }

        [Fact]
        public void StaticFacade_UsesTheConfiguredDefault()
        {
            var path = PathOf("facade.txt");
            File.WriteAllText(path, "facade");
            var before = FileCache.Default;
            FileCache.Configure(new FileCacheOptions { MaxEntries = 3 });
            Assert.NotSame(before, FileCache.Default);
            Assert.Equal("facade", FileCache.ReadAllText(path));
            Assert.Equal(1, FileCache.Default.Count);
        }
    }
}
