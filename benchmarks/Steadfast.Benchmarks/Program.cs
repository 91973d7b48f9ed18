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
                case "analyzers":
                    return await AnalyzerCost.RunAsync(rest);
                default:
                    Console.Error.WriteLine("usage: dotnet run -c Release --project benchmarks/Steadfast.Benchmarks -- runtime|analyzers [options]");
                    return 2;
            }
        }
    }
}
