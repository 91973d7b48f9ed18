using System;
using System.Linq;
using System.Threading.Tasks;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;

namespace Steadfast.Benchmarks
{
    public static class Program
    {
        /// <summary>
        /// <c>runtime [BenchmarkDotNet arguments]</c>: the runtime suites (BenchmarkDotNet).
        /// <c>interleaved [--rounds N]</c>: BoundedCache and BackgroundTasks against their peers, A/B per round (for a busy machine).
        /// <c>hitratio</c>: BoundedCache (SIEVE) against a textbook LRU and BitFaster's ConcurrentLru and ConcurrentLfu on Zipf traces, same capacity.
        /// <c>fixes [--lines N] [--runs N] [--only SFxxxx] [--counts 50,500] [--repeat 3] [--no-lightbulb]</c>: the lightbulb's cost for one diagnostic, and Fix All of 50 against 500 findings.
        /// <c>load --url http://127.0.0.1:PORT --request "GET /path" […]</c>: a bounded HTTP load test with latency percentiles (LoadTest).
        /// <c>ide --path DIR --document FILE [--sizes 200,2000] [--runs N] [--analyzers DLL]</c>: the IDE's per-document cost in a small and a large project (IdeCost).
        /// <c>analyzers [--size N] [--plant-every N] [--scaling] [--peers] [--path DIR] [--iterations N]</c>: analyzer cost on a synthetic corpus or a folder of .cs files.
        /// </summary>
        public static async Task<int> Main(string[] args)
        {
            var mode = args.Length > 0 ? args[0] : string.Empty;
            var rest = args.Skip(1).ToArray();
            switch (mode)
            {
                case "runtime":
                    var config = DefaultConfig.Instance.AddJob(Job.Default.WithWarmupCount(3).WithIterationCount(12).AsDefault());
                    BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(rest.Length == 0 ? new[] { "--filter", "*" } : rest, config);
                    return 0;
                case "hitratio":
                    PrintHitRatios();
                    return 0;
                case "interleaved":
                    return Interleaved.Run(rest);
                case "analyzers":
                    return await AnalyzerCost.RunAsync(rest);
                case "fixes":
                    return await FixCost.RunAsync(rest);
                case "ide":
                    return await IdeCost.RunAsync(rest);
                case "load":
                    return await LoadTest.RunAsync(rest);
                default:
                    Console.Error.WriteLine("usage: dotnet run -c Release --project benchmarks/Steadfast.Benchmarks -- runtime|hitratio|interleaved|analyzers|ide|fixes|load [options]");
                    return 2;
            }
        }

        private static void PrintHitRatios()
        {
            Console.WriteLine("Hit ratio on Zipf traces: look up, store on a miss; the same trace and capacity for every cache.");
            Console.WriteLine();
            Console.WriteLine("| trace | skew | capacity | BoundedCache (SIEVE) | LRU | ConcurrentLru | ConcurrentLfu (W-TinyLFU) | SIEVE - ConcurrentLru |");
            Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|---:|");
            foreach (var (label, length, keys, seed, capacities) in new[]
            {
                ("1,000,000 over 100,000 keys (seed 42)", 1_000_000, 100_000, 42, new[] { 100, 1_000, 10_000 }),
                ("1,000,000 over 20,000 keys (seed 7, the benchmarks' keys)", 1_000_000, 20_000, 7, new[] { 1_000 }),
            })
            {
                foreach (var skew in new[] { 0.8, 1.0, 1.2 })
                {
                    var trace = CacheWorkloads.Zipf(length, keys, skew, seed);
                    foreach (var capacity in capacities)
                    {
                        var sieve = CacheWorkloads.BoundedCacheHitRatio(trace, capacity);
                        var lru = CacheWorkloads.LruHitRatio(trace, capacity);
                        var concurrentLru = PeerCaches.ConcurrentLruHitRatio(trace, capacity);
                        var concurrentLfu = PeerCaches.ConcurrentLfuHitRatio(trace, capacity);
                        Console.WriteLine($"| {label} | {skew:0.0} | {capacity:N0} | {sieve:P2} | {lru:P2} | {concurrentLru:P2} | {concurrentLfu:P2} | {(sieve - concurrentLru) * 100:+0.00;-0.00} pt |");
                    }
                }
            }
        }
    }
}
