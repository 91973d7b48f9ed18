using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using System.Threading.Tasks;
using Steadfast.Tests.Support;
using Xunit;

namespace Steadfast.Tests.Samples
{
    /// <summary>
    /// The sample bot's dashboard API (samples/ReliableBot/*/Dashboard.cs) as a real process on 127.0.0.1, in the
    /// environment ASPNETCORE_ENVIRONMENT names: SF6001's fix gates its Swagger document and UI to Development, so After
    /// answers 404 for them in Production and serves them in Development; Before serves them everywhere. The dashboard
    /// itself works the same in both, except that SF6002's fixes make its login limit answer 429 with Retry-After.
    /// </summary>
    [Collection(DotNetCliCollection.Name)]
    public sealed class ReliableBotDashboardTests : IClassFixture<ReliableBotBehaviourTests.Builds>, IDisposable
    {
        private static readonly HttpClient Http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        private readonly string _work = Directory.CreateTempSubdirectory("steadfast-dashboard-").FullName;

        public ReliableBotDashboardTests(ReliableBotBehaviourTests.Builds builds) => Assert.True(builds.Succeeded, builds.Output);

        public void Dispose()
        {
            try
            {
                Directory.Delete(_work, recursive: true);
            }
            catch (IOException)
            {
            }
        }

        [Theory]
        [InlineData("After", "Production", false)]
        [InlineData("After", "Development", true)]
        [InlineData("Before", "Production", true)]
        public async Task SwaggerDocumentAndUi_OnlyInDevelopment_AfterTheFix(string version, string environment, bool served)
        {
            await using var app = await DashboardProcess.StartAsync(version, environment, _work);

            using var document = await Http.GetAsync(new Uri(app.Address, "swagger/v1/swagger.json"));
            using var ui = await Http.GetAsync(new Uri(app.Address, "swagger/index.html"));

            Assert.Equal(served ? HttpStatusCode.OK : HttpStatusCode.NotFound, document.StatusCode);
            Assert.Equal(served ? HttpStatusCode.OK : HttpStatusCode.NotFound, ui.StatusCode);
            if (served)
            {
                var json = await document.Content.ReadAsStringAsync();
                Assert.Contains("\"/api/login\"", json, StringComparison.Ordinal);
                Assert.Contains("\"/api/leads/{id}\"", json, StringComparison.Ordinal);
                Assert.Contains("swagger-ui", await ui.Content.ReadAsStringAsync(), StringComparison.OrdinalIgnoreCase);
            }
        }

        /// <summary>The dashboard API itself is the same in every environment: health, login, list, read, update.</summary>
        [Theory]
        [InlineData("After", "Production")]
        [InlineData("After", "Development")]
        public async Task DashboardApi_Works_InEveryEnvironment(string version, string environment)
        {
            await using var app = await DashboardProcess.StartAsync(version, environment, _work);

            using (var health = await Http.GetAsync(new Uri(app.Address, "health")))
            {
                Assert.Equal(HttpStatusCode.OK, health.StatusCode);
            }

            using (var wrong = await Http.PostAsJsonAsync(new Uri(app.Address, "api/login"), new { user = "admin", password = "guess" }))
            {
                Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
            }

            using (var anonymous = await Http.GetAsync(new Uri(app.Address, "api/leads")))
            {
                Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
            }

            using var login = await Http.PostAsJsonAsync(new Uri(app.Address, "api/login"), new { user = "admin", password = "change-me" });
            Assert.Equal(HttpStatusCode.OK, login.StatusCode);
            var token = (await login.Content.ReadFromJsonAsync<LoginResponse>())!.Token;

            // A lead, through the bot's own store (the webhook would need the fake Bot API).
            using (var connection = new Microsoft.Data.Sqlite.SqliteConnection("Data Source=" + app.Database + ";Pooling=False"))
            {
                connection.Open();
                using var insert = connection.CreateCommand();
                insert.CommandText = "INSERT INTO leads (chat_id, name, company) VALUES (7, 'Ann', 'Acme')";
                insert.ExecuteNonQuery();
            }

            var list = await Send(HttpMethod.Get, app.Address, "api/leads", token);
            Assert.Equal(HttpStatusCode.OK, list.Status);
            Assert.Contains("\"name\":\"Ann\"", list.Body, StringComparison.Ordinal);
            var id = Regex.Match(list.Body, "\"id\":(\\d+)").Groups[1].Value;

            var update = await Send(HttpMethod.Put, app.Address, "api/leads/" + id, token, new { name = "Ann", company = "Acme Ltd", industry = "Logistics" });
            Assert.Equal(HttpStatusCode.NoContent, update.Status);

            var read = await Send(HttpMethod.Get, app.Address, "api/leads/" + id, token);
            Assert.Equal(HttpStatusCode.OK, read.Status);
            Assert.Contains("\"company\":\"Acme Ltd\"", read.Body, StringComparison.Ordinal);
            Assert.Contains("\"industry\":\"Logistics\"", read.Body, StringComparison.Ordinal);

            Assert.Equal(HttpStatusCode.NotFound, (await Send(HttpMethod.Get, app.Address, "api/leads/999999", token)).Status);
        }

        /// <summary>
        /// Login is limited to five a minute (Dashboard.cs's fixed window): SF6002's fixes make After reject the sixth with
        /// 429 and a Retry-After in whole seconds within the window; Before rejects it with ASP.NET Core's default 503 and
        /// no Retry-After. Health has no limit and answers 200 in both while login is limited.
        /// </summary>
        [Theory]
        [InlineData("After", HttpStatusCode.TooManyRequests, true)]
        [InlineData("Before", HttpStatusCode.ServiceUnavailable, false)]
        public async Task SixthLoginWithinAMinute_AfterAnswers429WithRetryAfter_BeforeAnswers503Without(string version, HttpStatusCode rejected, bool retryAfter)
        {
            await using var app = await DashboardProcess.StartAsync(version, "Production", _work);
            var credentials = new { user = "admin", password = "change-me" };

            for (var attempt = 1; attempt <= 5; attempt++)
            {
                using var allowed = await Http.PostAsJsonAsync(new Uri(app.Address, "api/login"), credentials);
                Assert.True(allowed.StatusCode == HttpStatusCode.OK, $"login {attempt} answered {(int)allowed.StatusCode}");
            }

            using var sixth = await Http.PostAsJsonAsync(new Uri(app.Address, "api/login"), credentials);
            Assert.Equal(rejected, sixth.StatusCode);
            if (retryAfter)
            {
                var delta = sixth.Headers.RetryAfter?.Delta;
                Assert.True(delta is { } seconds && seconds > TimeSpan.Zero && seconds <= TimeSpan.FromMinutes(1), $"Retry-After: {sixth.Headers.RetryAfter}");
            }
            else
            {
                Assert.Null(sixth.Headers.RetryAfter);
                Assert.False(sixth.Headers.Contains("Retry-After"));
            }

            // Login stays limited; health is not.
            for (var check = 0; check < 3; check++)
            {
                using var health = await Http.GetAsync(new Uri(app.Address, "health"));
                Assert.Equal(HttpStatusCode.OK, health.StatusCode);
            }

            using var seventh = await Http.PostAsJsonAsync(new Uri(app.Address, "api/login"), credentials);
            Assert.Equal(rejected, seventh.StatusCode);
        }

        /// <summary>
        /// The leads listing (<c>/api/leads</c>, each lead with its activity) on 50 leads: Before runs one query for the leads
        /// and one per lead for its activity (SF3002), 51 statements; After, as SF3002's fix "Load all keys in one query" wrote
        /// it, one for the leads and one for all their activity, 2. Both answer the same JSON. The statements are counted by
        /// SQLite's own trace on the listing's connection, which the sample turns on only when <c>Dashboard:CountSqlStatements</c>
        /// asks for it (the <c>X-Sql-Statements</c> header).
        /// </summary>
        [Fact]
        public async Task LeadsListing_FiftyLeads_Before51Statements_After2_SameJson()
        {
            var settings = new Dictionary<string, string> { ["Dashboard__CountSqlStatements"] = "true" };
            var answers = new Dictionary<string, (string Body, string? Statements)>();
            foreach (var version in new[] { "Before", "After" })
            {
                await using var app = await DashboardProcess.StartAsync(version, "Production", _work, settings);
                using (var connection = new Microsoft.Data.Sqlite.SqliteConnection("Data Source=" + app.Database + ";Pooling=False"))
                {
                    connection.Open();
                    using var transaction = connection.BeginTransaction();
                    using var insert = connection.CreateCommand();
                    insert.Transaction = transaction;
                    for (var lead = 1; lead <= 50; lead++)
                    {
                        insert.CommandText =
                            $"INSERT INTO leads (id, chat_id, name, company, created_at) VALUES ({lead}, {1000 + lead}, 'Lead {lead}', 'Company {lead}', '2026-01-01 10:{lead:00}:00');" +
                            string.Concat(Enumerable.Range(0, lead % 4).Select(i =>
                                $"INSERT INTO activity (lead_id, kind, detail, at) VALUES ({lead}, '{(i == 0 ? "taken" : "enriched")}', 'step {i}', '2026-01-01 11:{i:00}:00');"));
                        insert.ExecuteNonQuery();
                    }

                    transaction.Commit();
                }

                using var login = await Http.PostAsJsonAsync(new Uri(app.Address, "api/login"), new { user = "admin", password = "change-me" });
                var token = (await login.Content.ReadFromJsonAsync<LoginResponse>())!.Token;
                using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(app.Address, "api/leads?limit=50"));
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
                using var response = await Http.SendAsync(request);
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                answers[version] = (await response.Content.ReadAsStringAsync(), response.Headers.TryGetValues("X-Sql-Statements", out var values) ? values.Single() : null);
            }

            Assert.Equal("51", answers["Before"].Statements);
            Assert.Equal("2", answers["After"].Statements);
            Assert.Equal(answers["Before"].Body, answers["After"].Body);

            // The listing holds the 50 leads, newest first, each with its own activity in order.
            var listing = JsonDocument.Parse(answers["After"].Body).RootElement;
            Assert.Equal(50, listing.GetArrayLength());
            Assert.Equal(50, listing[0].GetProperty("lead").GetProperty("id").GetInt64());
            Assert.Equal(new[] { "taken", "enriched", "enriched" }, listing[3].GetProperty("activity").EnumerateArray().Select(a => a.GetProperty("kind").GetString()));
            Assert.All(listing[3].GetProperty("activity").EnumerateArray(), a => Assert.Equal(47, a.GetProperty("leadId").GetInt64()));
            Assert.Equal(0, listing[2].GetProperty("activity").GetArrayLength());
        }

        private static async Task<(HttpStatusCode Status, string Body)> Send(HttpMethod method, Uri address, string path, string token, object? body = null)
        {
            using var request = new HttpRequestMessage(method, new Uri(address, path));
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            if (body is not null)
            {
                request.Content = JsonContent.Create(body);
            }

            using var response = await Http.SendAsync(request);
            return (response.StatusCode, await response.Content.ReadAsStringAsync());
        }

        private sealed record LoginResponse(string Token);

        /// <summary>The bot's built dll run as its own process in one environment; its upstream APIs point nowhere (the dashboard never calls them).</summary>
        private sealed class DashboardProcess : IAsyncDisposable
        {
            private readonly Process _process;

            private DashboardProcess(Process process, string database)
            {
                _process = process;
                Database = database;
            }

            public ConcurrentQueue<string> Output { get; } = new ConcurrentQueue<string>();

            public Uri Address { get; private set; } = null!;

            public string Database { get; }

            public static async Task<DashboardProcess> StartAsync(string version, string environment, string work, IReadOnlyDictionary<string, string>? settings = null)
            {
                var directory = Path.Combine(DotNetCli.RepositoryRoot, "samples", "ReliableBot", version, "bin", "Debug", "net10.0");
                var database = Path.Combine(work, version + "-" + environment + "-" + Guid.NewGuid().ToString("N")[..8] + ".db");
                var start = new ProcessStartInfo("dotnet") { WorkingDirectory = directory, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
                foreach (var argument in new[] { "ReliableBot.dll", "--urls", "http://127.0.0.1:0" })
                {
                    start.ArgumentList.Add(argument);
                }

                start.Environment["BotApi__BaseUrl"] = "http://127.0.0.1:9/bot-token";
                start.Environment["Enrichment__BaseUrl"] = "http://127.0.0.1:9";
                start.Environment["ConnectionStrings__Leads"] = "Data Source=" + database;
                start.Environment["FollowUpSeconds"] = "3600";
                start.Environment["DOTNET_ENVIRONMENT"] = environment;
                start.Environment["ASPNETCORE_ENVIRONMENT"] = environment;
                foreach (var (name, value) in settings ?? new Dictionary<string, string>())
                {
                    start.Environment[name] = value;
                }

                var process = new Process { StartInfo = start };
                var app = new DashboardProcess(process, database);
                var listening = new TaskCompletionSource<Uri>(TaskCreationOptions.RunContinuationsAsynchronously);
                void OnLine(string? line)
                {
                    if (line is null)
                    {
                        return;
                    }

                    app.Output.Enqueue(line);
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

                if (await Task.WhenAny(listening.Task, Task.Delay(TimeSpan.FromSeconds(60))) != listening.Task)
                {
                    process.Kill(entireProcessTree: true);
                    throw new TimeoutException("The bot did not start:\n" + string.Join("\n", app.Output));
                }

                app.Address = await listening.Task;
                return app;
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
        }
    }
}
