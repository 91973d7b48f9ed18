using System;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Net.Http;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Http;
using Microsoft.Data.Sqlite;
using Steadfast.Tests.Support;
using Xunit;
using Xunit.Abstractions;

namespace Steadfast.Tests.Samples
{
    /// <summary>
    /// Both versions of samples/ReliableBot as real processes on 127.0.0.1, against a fake Bot API and a fake enrichment
    /// API (Kestrel, in this process) with scripted faults. Every wait is bounded.
    /// </summary>
    [Collection(DotNetCliCollection.Name)]
    public sealed partial class ReliableBotBehaviourTests : IAsyncLifetime, IClassFixture<ReliableBotBehaviourTests.Builds>
    {
        private FaultServer _botApi = null!;
        private FaultServer _enrichment = null!;
        private readonly string _work = Directory.CreateTempSubdirectory("steadfast-bot-").FullName;

        private readonly ITestOutputHelper _output;

        public ReliableBotBehaviourTests(Builds builds, ITestOutputHelper output)
        {
            _output = output;
            Assert.True(builds.Succeeded, builds.Output);
        }

        public async Task InitializeAsync()
        {
            _botApi = await FaultServer.StartAsync();
            _enrichment = await FaultServer.StartAsync();
            _enrichment.Default = FaultServer.Status(200, "{\"industry\":\"Logistics\",\"employees\":120}");
        }

        public async Task DisposeAsync()
        {
            await _botApi.DisposeAsync();
            await _enrichment.DisposeAsync();
            try
            {
                Directory.Delete(_work, recursive: true);
            }
            catch (IOException)
            {
            }
        }

        [Theory]
        [InlineData("Before", false)]
        [InlineData("After", true)]
        public async Task EnrichmentAnswering503Twice_AfterEnrichesTheLead_BeforeLosesIt(string version, bool enriched)
        {
            _enrichment.Enqueue(FaultServer.Status(503), FaultServer.Status(503));
            await using var bot = await BotProcess.StartAsync(version, _botApi, _enrichment, _work);

            await bot.SendAsync(userId: 1, "/lead Ann Acme");
            var industry = await PollAsync(() => bot.Industry("Ann"), TimeSpan.FromSeconds(enriched ? 20 : 5));

            Assert.Equal(enriched ? "Logistics" : null, industry);
            Assert.Equal(enriched ? 3 : 1, _enrichment.Requests.Count(r => r.PathAndQuery.StartsWith("/companies/Acme", StringComparison.Ordinal)));
            Assert.Equal(enriched ? 2 : 0, bot.Output.Count(l => l.Contains("/companies/Acme failed (503 ServiceUnavailable); retry", StringComparison.Ordinal)));
        }

        [Theory]
        [InlineData("Before", false)]
        [InlineData("After", true)]
        public async Task AnEnrichmentThatThrows_AfterLogsItWithTheTasksName_BeforeLogsNothing(string version, bool logged)
        {
            _enrichment.Enqueue(FaultServer.Status(400)); // not transient: no retry, the task fails at once
            await using var bot = await BotProcess.StartAsync(version, _botApi, _enrichment, _work);

            await bot.SendAsync(userId: 2, "/lead Bob Globex");
            await PollAsync(() => _enrichment.Requests.Any(r => r.PathAndQuery.Contains("Globex", StringComparison.Ordinal)) ? "seen" : null, TimeSpan.FromSeconds(10));
            var failure = await PollAsync(() => bot.Output.FirstOrDefault(l => l.Contains("EnrichAsync", StringComparison.Ordinal) && l.Contains("fail", StringComparison.OrdinalIgnoreCase)), TimeSpan.FromSeconds(logged ? 10 : 3));

            if (logged)
            {
                Assert.NotNull(failure);
                Assert.Contains(bot.Output, l => l.Contains("400", StringComparison.Ordinal));
            }
            else
            {
                Assert.Null(failure);
                Assert.DoesNotContain(bot.Output, l => l.Contains("HttpRequestException", StringComparison.Ordinal));
            }
        }

        /// <summary>
        /// Before's count lands a little under 10,000: its plain Dictionary, written by concurrent webhook requests, loses
        /// entries (a second bug the fix removes, since BoundedCache is thread safe). What matters is that it grows with
        /// every user, where After's stays at its capacity.
        /// </summary>
        [Theory]
        [InlineData("Before", 9_000, 10_000)]
        [InlineData("After", 1_024, 1_024)]
        public async Task TenThousandUsers_AftersProfileCacheStaysAtItsCapacity_BeforesGrowsWithEveryUser(string version, int least, int most)
        {
            await using var bot = await BotProcess.StartAsync(version, _botApi, _enrichment, _work);

            // Each message is a real webhook call and a real reply through the fake Bot API.
            await Parallel.ForEachAsync(Enumerable.Range(1_000, 10_000), new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (user, _) => await bot.SendAsync(user, "/start"));

            Assert.InRange(await bot.KnownUsersAsync(), least, most);
            Assert.Equal(10_000, _botApi.Requests.Count(r => r.PathAndQuery.EndsWith("/sendMessage", StringComparison.Ordinal)));
        }

        /// <summary>Opens of playbook.md are counted with strace (openat), so the count is the process's own, not a guess.</summary>
        [Theory]
        [InlineData("Before", 1_000, 1_001)]
        [InlineData("After", 1, 2)]
        public async Task AThousandPlaybookMessages_AfterReadsTheFileOnce_AndAgainWhenItChanges(string version, int opensFirst, int opensAfterChange)
        {
            var trace = Path.Combine(_work, version + "-opens.txt");
            await using var bot = await BotProcess.StartAsync(version, _botApi, _enrichment, _work, trace);
            var playbook = Path.Combine(bot.Directory, "playbook.md");
            var original = File.ReadAllText(playbook);
            try
            {
                for (var i = 0; i < 1_000; i++)
                {
                    await bot.SendAsync(3, "/playbook");
                }

                Assert.Contains("Lead playbook", bot.LastReply, StringComparison.Ordinal);
                Assert.Equal(opensFirst, await PlaybookOpensAsync(trace, opensFirst));

                File.WriteAllText(playbook, "# Playbook v2\nCall within the hour.\n");
                File.SetLastWriteTimeUtc(playbook, DateTime.UtcNow.AddSeconds(5));
                await Task.Delay(TimeSpan.FromSeconds(1.5)); // FileCache checks a file at most once a second
                await bot.SendAsync(3, "/playbook");

                Assert.Contains("Call within the hour", bot.LastReply, StringComparison.Ordinal);
                Assert.Equal(opensAfterChange, await PlaybookOpensAsync(trace, opensAfterChange));
            }
            finally
            {
                File.WriteAllText(playbook, original);
            }
        }

        [Theory]
        [InlineData("Before", false)]
        [InlineData("After", true)]
        public async Task ShutdownDuringEnrichment_AfterFinishesIt_BeforeDropsIt(string version, bool finished)
        {
            // The enrichment API takes 3 s to answer; the bot is told to stop in the meantime.
            _enrichment.Enqueue(async context =>
            {
                await Task.Delay(TimeSpan.FromSeconds(3), context.RequestAborted);
                await FaultServer.Status(200, "{\"industry\":\"Logistics\",\"employees\":120}")(context);
            });
            await using var bot = await BotProcess.StartAsync(version, _botApi, _enrichment, _work);
            await bot.SendAsync(userId: 4, "/lead Cy Initech");
            await PollAsync(() => _enrichment.Requests.Any(r => r.PathAndQuery.Contains("Initech", StringComparison.Ordinal)) ? "seen" : null, TimeSpan.FromSeconds(10));

            await bot.TerminateAsync(TimeSpan.FromSeconds(60)); // SIGTERM, as a deploy or `docker stop` sends

            // After waits for its tracked enrichment (and reports the endless follow-up loop it cannot wait for); Before exits without it.
            Assert.Equal(finished ? "Logistics" : null, bot.Industry("Cy"));
            if (finished)
            {
                Assert.Contains(bot.Output, l => l.Contains("Waiting for", StringComparison.Ordinal) && l.Contains("background task", StringComparison.Ordinal));
                Assert.Contains(bot.Output, l => l.Contains("did not finish before shutdown", StringComparison.Ordinal)); // the follow-up loop, reported
            }
        }

        /// <summary>
        /// The follow-up loop (every second here) retries the lead whose enrichment failed; its first retry fails too (a 400,
        /// which no retry policy repeats). Before's loop has no catch: that iteration's exception ends the loop for good and
        /// nothing ever retries again. After's loop reports the failure with its name, backs off and carries on.
        /// </summary>
        [Theory]
        [InlineData("Before", false)]
        [InlineData("After", true)]
        public async Task AFollowUpIterationThatThrows_AfterLogsItAndCarriesOn_BeforesLoopIsGone(string version, bool carriesOn)
        {
            _enrichment.Enqueue(FaultServer.Status(400), FaultServer.Status(400)); // the webhook's enrichment, then the loop's first retry
            await using var bot = await BotProcess.StartAsync(version, _botApi, _enrichment, _work, followUpSeconds: 1);

            await bot.SendAsync(userId: 5, "/lead Dee Umbrella");
            var industry = await PollAsync(() => bot.Industry("Dee"), TimeSpan.FromSeconds(carriesOn ? 30 : 8));
            var requests = _enrichment.Requests.Count(r => r.PathAndQuery.Contains("Umbrella", StringComparison.Ordinal));

            if (carriesOn)
            {
                Assert.Equal("Logistics", industry);
                Assert.Contains(bot.Output, l => l.Contains("Background loop 'Program.Main' failed (1 in a row)", StringComparison.Ordinal));
                Assert.True(requests >= 3, $"{requests} requests");
            }
            else
            {
                // Eight follow-up periods passed; after its first failure the loop asked nothing more.
                Assert.Null(industry);
                Assert.Equal(2, requests);
                Assert.DoesNotContain(bot.Output, l => l.Contains("Background loop", StringComparison.Ordinal));
            }
        }

        /// <summary>
        /// A broadcast to 2,000 leads; the fake Bot API takes 20 ms per message and records the most requests it handled at
        /// once. Before starts one reply per lead at the same moment (more than 8 in flight); After's Parallel.ForEachAsync
        /// keeps at most 8 (SF1003.max_concurrency) in flight and still delivers every message.
        /// </summary>
        [Theory]
        [InlineData("Before", false)]
        [InlineData("After", true)]
        public async Task ABroadcastToTwoThousandLeads_AfterStaysAtItsLimit_BeforeDoesNot(string version, bool bounded)
        {
            const int Leads = 2_000;
            const int Limit = 8;
            _botApi.Default = async context =>
            {
                await Task.Delay(20);
                await FaultServer.Status(200, "{\"ok\":true}")(context);
            };
            await using var bot = await BotProcess.StartAsync(version, _botApi, _enrichment, _work);
            bot.AddLeads(Leads);

            var sent = await bot.BroadcastAsync("Prices change on Monday");

            var delivered = _botApi.Requests.Count(r => r.PathAndQuery.EndsWith("/sendMessage", StringComparison.Ordinal));
            _output.WriteLine($"{version}: {delivered} messages delivered, at most {_botApi.MaxInFlight} in flight");
            if (bounded)
            {
                Assert.Equal(Leads, sent);
                Assert.Equal(Leads, delivered);
                Assert.InRange(_botApi.MaxInFlight, 1, Limit);
            }
            else
            {
                Assert.True(_botApi.MaxInFlight > Limit, $"{_botApi.MaxInFlight} requests in flight at most, {delivered} delivered");
            }
        }

        private static async Task<int> PlaybookOpensAsync(string trace, int expected)
        {
            // strace writes as the calls happen; give it a moment to catch up with the last ones.
            var count = 0;
            for (var attempt = 0; attempt < 50; attempt++)
            {
                count = File.Exists(trace) ? File.ReadLines(trace).Count(l => l.Contains("playbook.md", StringComparison.Ordinal) && !l.Contains("ENOENT", StringComparison.Ordinal)) : 0;
                if (count >= expected)
                {
                    break;
                }

                await Task.Delay(100);
            }

            return count;
        }

        private static async Task<string?> PollAsync(Func<string?> probe, TimeSpan timeout)
        {
            var stopwatch = Stopwatch.StartNew();
            while (stopwatch.Elapsed < timeout)
            {
                if (probe() is { } value)
                {
                    return value;
                }

                await Task.Delay(100);
            }

            return probe();
        }

        /// <summary>Both versions built once for all the tests of the class.</summary>
        public sealed class Builds : IAsyncLifetime
        {
            public bool Succeeded { get; private set; }

            public string Output { get; private set; } = string.Empty;

            public async Task InitializeAsync()
            {
                Succeeded = true;
                foreach (var version in new[] { "Before", "After" })
                {
                    var build = await DotNetCli.RunAsync(Path.Combine(DotNetCli.RepositoryRoot, "samples", "ReliableBot", version), TimeSpan.FromMinutes(6), "build", "-nodeReuse:false");
                    Succeeded &= build.ExitCode == 0;
                    Output += build.Output;
                }
            }

            public Task DisposeAsync() => Task.CompletedTask;
        }

        /// <summary>The bot's built dll run as its own process, configured through environment variables.</summary>
        private sealed class BotProcess : IAsyncDisposable
        {
            private static readonly HttpClient Http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
            private readonly Process _process;
            private readonly string _database;
            private readonly FaultServer _botApi;

            private BotProcess(Process process, string directory, string database, FaultServer botApi)
            {
                _process = process;
                Directory = directory;
                _database = database;
                _botApi = botApi;
            }

            public ConcurrentQueue<string> Output { get; } = new ConcurrentQueue<string>();

            public string Directory { get; }

            public Uri Address { get; private set; } = null!;

            public string LastReply { get; private set; } = string.Empty;

            public static async Task<BotProcess> StartAsync(string version, FaultServer botApi, FaultServer enrichment, string work, string? traceOpensTo = null, int followUpSeconds = 3600)
            {
                var directory = Path.Combine(DotNetCli.RepositoryRoot, "samples", "ReliableBot", version, "bin", "Debug", "net10.0");
                var database = Path.Combine(work, version + "-" + Guid.NewGuid().ToString("N")[..8] + ".db");
                var start = new ProcessStartInfo(traceOpensTo is null ? "dotnet" : "strace") { WorkingDirectory = directory, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
                if (traceOpensTo is not null)
                {
                    foreach (var argument in new[] { "-f", "-qq", "-e", "trace=openat", "-o", traceOpensTo, "dotnet" })
                    {
                        start.ArgumentList.Add(argument);
                    }
                }

                start.ArgumentList.Add("ReliableBot.dll");
                start.ArgumentList.Add("--urls");
                start.ArgumentList.Add("http://127.0.0.1:0");
                start.Environment["BotApi__BaseUrl"] = botApi.BaseAddress + "bot-token";
                start.Environment["Enrichment__BaseUrl"] = enrichment.BaseAddress.ToString().TrimEnd('/');
                start.Environment["ConnectionStrings__Leads"] = "Data Source=" + database;
                start.Environment["FollowUpSeconds"] = followUpSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
                start.Environment["DOTNET_ENVIRONMENT"] = "Production";
                start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
                start.Environment["DOTNET_shutdownTimeoutSeconds"] = "8";

                var process = new Process { StartInfo = start };
                var bot = new BotProcess(process, directory, database, botApi);
                var listening = new TaskCompletionSource<Uri>(TaskCreationOptions.RunContinuationsAsynchronously);
                void OnLine(string? line)
                {
                    if (line is null)
                    {
                        return;
                    }

                    bot.Output.Enqueue(line);
                    if (Regex.Match(line, @"Now listening on: (http://127\.0\.0\.1:\d+)") is { Success: true } match)
                    {
                        listening.TrySetResult(new Uri(match.Groups[1].Value));
                    }
                }

                process.OutputDataReceived += (_, e) => OnLine(e.Data);
                process.ErrorDataReceived += (_, e) => OnLine(e.Data);
                process.Start();
                process.BeginOutputReadLine();
                process.BeginErrorReadLine();

                var started = await Task.WhenAny(listening.Task, Task.Delay(TimeSpan.FromSeconds(60)));
                if (started != listening.Task)
                {
                    process.Kill(entireProcessTree: true);
                    throw new TimeoutException("The bot did not start:\n" + string.Join("\n", bot.Output));
                }

                bot.Address = await listening.Task;
                return bot;
            }

            public async Task SendAsync(long userId, string text)
            {
                var update = new { updateId = userId, message = new { messageId = 1, from = new { id = userId, firstName = "U" + userId }, chat = new { id = userId }, text } };
                using var response = await Http.PostAsJsonAsync(new Uri(Address, "webhook"), update);
                Assert.True(response.IsSuccessStatusCode, $"webhook answered {(int)response.StatusCode}:\n{string.Join("\n", Output)}");
                LastReply = _botApi.LastBody ?? string.Empty;
            }

            /// <summary>Sends SIGTERM and waits for the process to exit by itself.</summary>
            public async Task TerminateAsync(TimeSpan timeout)
            {
                using (var kill = Process.Start("kill", new[] { "-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture) }))
                {
                    await kill!.WaitForExitAsync();
                }

                await _process.WaitForExitAsync().WaitAsync(timeout);
                _process.WaitForExit(); // drains the output readers
            }

            /// <summary>Adds <paramref name="count"/> leads straight into the bot's database, each in its own chat.</summary>
            public void AddLeads(int count)
            {
                using var connection = new SqliteConnection("Data Source=" + _database + ";Pooling=False");
                connection.Open();
                using var transaction = connection.BeginTransaction();
                using var command = connection.CreateCommand();
                command.Transaction = transaction;
                command.CommandText = "INSERT INTO leads (chat_id, name, company) VALUES ($chat, $name, 'Acme')";
                var chat = command.Parameters.Add("$chat", SqliteType.Integer);
                var name = command.Parameters.Add("$name", SqliteType.Text);
                for (var i = 0; i < count; i++)
                {
                    chat.Value = 100_000 + i;
                    name.Value = "Lead" + i;
                    command.ExecuteNonQuery();
                }

                transaction.Commit();
            }

            /// <summary>POST /broadcast?text=…: the number of leads the bot says it sent to (the wait is generous: After sends 8 at a time).</summary>
            public async Task<int> BroadcastAsync(string text)
            {
                using var slow = new HttpClient { Timeout = TimeSpan.FromMinutes(3) };
                using var response = await slow.PostAsync(new Uri(Address, "broadcast?text=" + Uri.EscapeDataString(text)), content: null);
                Assert.True(response.IsSuccessStatusCode, $"broadcast answered {(int)response.StatusCode}:\n{string.Join("\n", Output.TakeLast(40))}");
                var result = await response.Content.ReadFromJsonAsync<BroadcastResult>();
                return result!.Sent;
            }

            public async Task<int> KnownUsersAsync()
            {
                var stats = await Http.GetFromJsonAsync<Stats>(new Uri(Address, "stats"));
                return stats!.KnownUsers;
            }

            public string? Industry(string lead)
            {
                using var connection = new SqliteConnection("Data Source=" + _database + ";Mode=ReadOnly;Pooling=False");
                connection.Open();
                using var command = connection.CreateCommand();
                command.CommandText = "SELECT industry FROM leads WHERE name = $name";
                command.Parameters.AddWithValue("$name", lead);
                return command.ExecuteScalar() as string;
            }

            public async ValueTask DisposeAsync()
            {
                if (!_process.HasExited)
                {
                    _process.Kill(entireProcessTree: true);
                    await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
                }

                _process.Dispose();
            }

            private sealed record Stats(int KnownUsers);

            private sealed record BroadcastResult(int Sent);
        }
    }
}
