using System;
using System.Diagnostics;
using System.Linq;
using System.Net.Http;
using System.Net.Http.Json;
using System.Threading.Tasks;
using Xunit;

namespace Steadfast.Tests.Samples
{
    /// <summary>SF4002 in samples/ReliableBot: the webhook's update history (UpdateHistory.cs), Before's grow-only, After's bounded.</summary>
    public sealed partial class ReliableBotBehaviourTests
    {
        private const int HistoryEvents = 100_000;
        private const long MiB = 1024 * 1024;

        private static readonly HttpClient DebugHttp = new HttpClient { Timeout = TimeSpan.FromSeconds(60) };

        /// <summary>
        /// 100,000 updates through the webhook (16 at a time, one user, a 512-character text that is no command: the bot
        /// records it and replies nothing), bounded to eight minutes. The bot's /debug/updates endpoint reports the
        /// history's count and the managed heap after a full collection. Before keeps every update: the count is 100,000
        /// and the heap grows by about a kilobyte per update (the text alone is 1 KiB). After keeps the last 1,024, and its
        /// heap ends where it started, within a few MiB.
        /// </summary>
        [Theory]
        [InlineData("Before", HistoryEvents, 64 * MiB, long.MaxValue)]
        [InlineData("After", 1_024, long.MinValue, 16 * MiB)]
        public async Task AHundredThousandUpdates_AftersHistoryStaysBounded_BeforesGrowsWithEveryUpdate(string version, int count, long leastGrowth, long mostGrowth)
        {
            await using var bot = await BotProcess.StartAsync(version, _botApi, _enrichment, _work);
            var text = new string('x', 512);

            // Warm up (JIT, connection pools, the first history items), then measure from there.
            await Parallel.ForEachAsync(Enumerable.Range(0, 2_000), new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (_, _) => await bot.SendAsync(7, text));
            var start = await DebugUpdatesAsync(bot);

            var stopwatch = Stopwatch.StartNew();
            await Parallel.ForEachAsync(Enumerable.Range(0, HistoryEvents - 2_000), new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (_, _) => await bot.SendAsync(7, text))
                .WaitAsync(TimeSpan.FromMinutes(8));
            var end = await DebugUpdatesAsync(bot);
            var growth = end.HeapBytes - start.HeapBytes;

            var measured = $"{version}: {HistoryEvents:N0} updates, the last {HistoryEvents - 2_000:N0} in {stopwatch.Elapsed.TotalSeconds:F0} s; history {start.Count:N0} -> {end.Count:N0}; heap {start.HeapBytes / MiB:N1} -> {end.HeapBytes / MiB:N1} MiB (growth {growth / (double)MiB:N1} MiB)";
            if (Environment.GetEnvironmentVariable("STEADFAST_MEASUREMENTS") is { Length: > 0 } measurements)
            {
                System.IO.File.AppendAllText(measurements, measured + "\n"); // for docs and reports: the numbers of this run
            }

            Assert.True(end.Count == count, measured);
            Assert.True(growth >= leastGrowth && growth <= mostGrowth, measured);
            Assert.Equal(text, end.Last.Last().Message!.Text); // the newest update is kept in both
            Assert.DoesNotContain(_botApi.Requests, r => r.PathAndQuery.EndsWith("/sendMessage", StringComparison.Ordinal)); // no command: no reply
        }

        private static async Task<DebugUpdates> DebugUpdatesAsync(BotProcess bot) =>
            (await DebugHttp.GetFromJsonAsync<DebugUpdates>(new Uri(bot.Address, "debug/updates")))!;

        private sealed record DebugUpdates(int Count, ReliableBotUpdate[] Last, long HeapBytes);

        private sealed record ReliableBotUpdate(long UpdateId, ReliableBotMessage? Message);

        private sealed record ReliableBotMessage(string? Text);
    }
}
