using System;
using System.IO;
using BenchmarkDotNet.Attributes;

namespace Steadfast.Benchmarks
{
    /// <summary>
    /// <see cref="FileCache"/> against <see cref="File.ReadAllText(string)"/> on a 64 KB file, in the same run.
    /// Aim (SF5001 issue): a cached read at least 100x faster. "EveryReadChecked" measures the cost of the change
    /// check alone (check interval zero: one stat per read).
    /// </summary>
    [MemoryDiagnoser]
    public class FileCacheBenchmarks
    {
        private string _path = string.Empty;
        private FileContentCache _cache = null!;
        private FileContentCache _checkedEveryRead = null!;

        [GlobalSetup]
        public void Setup()
        {
            _path = Path.Combine(Path.GetTempPath(), "steadfast-bench-64k.md");
            var line = "- When a lead asks about pricing, answer with the plan table and offer a call.\n";
            var text = new System.Text.StringBuilder();
            while (text.Length < 64 * 1024)
            {
                text.Append(line);
            }

            File.WriteAllText(_path, text.ToString(0, 64 * 1024));
            _cache = new FileContentCache();
            _checkedEveryRead = new FileContentCache(new FileCacheOptions { CheckInterval = TimeSpan.Zero });
            _cache.ReadAllText(_path);
            _checkedEveryRead.ReadAllText(_path);
        }

        [GlobalCleanup]
        public void Cleanup() => File.Delete(_path);

        [Benchmark(Baseline = true)]
        public string FileReadAllText() => File.ReadAllText(_path);

        [Benchmark]
        public string FileCacheReadAllText() => _cache.ReadAllText(_path);

        [Benchmark]
        public string FileCacheReadAllText_EveryReadChecked() => _checkedEveryRead.ReadAllText(_path);
    }
}
