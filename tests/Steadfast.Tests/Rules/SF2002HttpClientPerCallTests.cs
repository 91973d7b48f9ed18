using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Steadfast.Analyzers.Rules;
using Steadfast.CodeFixes.Internal;
using Steadfast.CodeFixes.Rules;
using Steadfast.Tests.Verification;
using Xunit;
using VerifySF2002 = Steadfast.Tests.Verification.Verify<Steadfast.Analyzers.Rules.SF2002HttpClientPerCallAnalyzer, Steadfast.CodeFixes.Rules.SF2002HttpClientPerCallCodeFix>;

namespace Steadfast.Tests.Rules
{
    public sealed class SF2002HttpClientPerCallTests
    {
        /// <summary>The rule's one fix is each diagnostic's first, so it carries the preferred key.</summary>
        private static readonly string Key = PlannedCodeFixProvider.PreferredKey("SF2002");

        private const string Usings = """
            using System;
            using System.Collections.Generic;
            using System.Net.Http;
            using System.Net.Http.Headers;
            using System.Threading;
            using System.Threading.Tasks;
            using Microsoft.Extensions.DependencyInjection;

            """;

        private static string Bot(string members) => Usings + """

            public class BotApi
            {

            """ + members + """

            }
            """;

        // ---------------------------------------------------------------- flagged

        [Fact]
        public Task Flags_WithMessage() => VerifySF2002.AnalyzerAsync(Bot("""

                public async Task<string> Reply(string url)
                {
                    using var client = {|#0:new HttpClient()|};
                    return await client.GetStringAsync(url);
                }
            """),
            VerifySF2002.Diagnostic("SF2002").WithLocation(0)
                .WithMessage("A new HttpClient is created every time 'Reply' runs: under load this exhausts sockets. Share one client."));

        [Theory]
        [InlineData("public Task<string> Get(string url) => [|new HttpClient()|].GetStringAsync(url);")]
        [InlineData("public static async Task Send(string url) { var c = [|new HttpClient(new HttpClientHandler())|]; await c.GetAsync(url); c.Dispose(); }")]
        [InlineData("public Func<string, Task<string>> Get => url => [|new HttpClient()|].GetStringAsync(url);")]
        [InlineData("public void Run() { Task<string> Local(string u) => [|new HttpClient()|].GetStringAsync(u); _ = Local(\"x\"); }")]
        [InlineData("public string Name { get { using var c = [|new HttpClient()|]; return c.BaseAddress?.Host ?? \"\"; } }")]
        [InlineData("static async Task Main() { foreach (var u in new[] { \"a\", \"b\" }) { using var c = [|new HttpClient()|]; await c.GetAsync(u); } }")]
        [InlineData("static void Main() { Action a = () => { using var c = [|new HttpClient()|]; }; a(); }")]
        // a resilient client is still a new client, with its own connection pool
        [InlineData("public Task<string> Get(string url) { using var c = [|Steadfast.ResilientHttp.CreateClient()|]; return c.GetStringAsync(url); }")]
        public Task Flags_CodeThatRunsPerCall(string members) => VerifySF2002.AnalyzerAsync(Bot(members));

        [Fact]
        public Task Flags_ControllerConstructor_RunsPerRequest() => VerifySF2002.AnalyzerAsync(Usings + """

            public class LeadsController : Microsoft.AspNetCore.Mvc.ControllerBase
            {
                private readonly HttpClient _http = [|new HttpClient()|];
                public LeadsController() { var other = [|new HttpClient()|]; other.Dispose(); }
            }
            """);

        [Fact]
        public Task Flags_LambdaInTopLevelStatements() => new SteadfastAnalyzerTest<SF2002HttpClientPerCallAnalyzer>
        {
            OutputKind = OutputKind.ConsoleApplication,
            TestCode = "using System; using System.Net.Http; var setup = new HttpClient(); Func<string, System.Threading.Tasks.Task<string>> get = u => [|new HttpClient()|].GetStringAsync(u); for (var i = 0; i < 2; i++) { using var c = [|new HttpClient()|]; } setup.Dispose();",
        }.RunAsync();

        // ---------------------------------------------------------------- not flagged

        [Theory]
        [InlineData("private static readonly HttpClient Http = new HttpClient();")]
        [InlineData("private static HttpClient Http { get; } = new HttpClient();")]
        [InlineData("private static readonly HttpClient Http; static BotApi() { Http = new HttpClient(); }")]
        [InlineData("private readonly HttpClient _http = new HttpClient();")]
        [InlineData("private readonly HttpClient _http; public BotApi() { _http = new HttpClient(); }")]
        [InlineData("private HttpClient? _http; public HttpClient Http => _http ??= new HttpClient();")]
        [InlineData("private HttpClient? _http; public void Init() { if (_http is null) { _http = new HttpClient(); } }")]
        [InlineData("public static HttpClient CreateClient() => new HttpClient { Timeout = TimeSpan.FromSeconds(5) };")]
        [InlineData("public static HttpClient CreateClient() { var handler = new HttpClientHandler(); return new HttpClient(handler); }")]
        [InlineData("public static HttpClient CreateClient() { var c = new HttpClient(); c.Timeout = TimeSpan.FromSeconds(5); return c; }")]
        [InlineData("private HttpClient? _http; public void Init() { var c = Steadfast.ResilientHttp.CreateClient(); _http = c; }")]
        [InlineData("public static void Register(IServiceCollection s) => s.AddSingleton(new HttpClient());")]
        [InlineData("public static void Register(IServiceCollection s) => s.AddSingleton(sp => new HttpClient());")]
        [InlineData("static async Task Main() { using var c = new HttpClient(); await c.GetAsync(\"x\"); }")]
        [InlineData("public Task<string> Get(HttpMessageInvoker i) => Task.FromResult(new HttpRequestMessage().ToString());")]
        public Task DoesNotFlag(string members) => VerifySF2002.AnalyzerAsync(Bot(members));

        /// <summary>Test methods and composition roots are recognised by symbol and shape, not by the names of attributes or classes.</summary>
        [Fact]
        public Task TestMethodsAndCompositionRoots_BySymbolAndShape_NotByName() => new SteadfastAnalyzerTest<SF2002HttpClientPerCallAnalyzer>
        {
            Sources =
            {
                """
                namespace Xunit { public class FactAttribute : System.Attribute { } public sealed class TheoryAttribute : FactAttribute { } }
                namespace NUnit.Framework { public sealed class TestAttribute : System.Attribute { } }
                namespace Microsoft.VisualStudio.TestTools.UnitTesting { public class TestMethodAttribute : System.Attribute { } }
                """,
                """
                using System.Net.Http;
                using System.Threading.Tasks;
                using Microsoft.AspNetCore.Builder;
                using Microsoft.Extensions.DependencyInjection;

                public class Tests
                {
                    [Xunit.Fact] public async Task A() { using var c = new HttpClient(); await c.GetAsync("x"); }
                    [Xunit.Theory] public async Task B() { using var c = new HttpClient(); await c.GetAsync("x"); }
                    [NUnit.Framework.Test] public async Task C() { using var c = new HttpClient(); await c.GetAsync("x"); }
                    [Microsoft.VisualStudio.TestTools.UnitTesting.TestMethod] public async Task D() { using var c = new HttpClient(); await c.GetAsync("x"); }
                }

                public class LookAlikes
                {
                    // an attribute of our own that is merely named like a test attribute
                    [Fact] public async Task E() { using var c = [|new HttpClient()|]; await c.GetAsync("x"); }
                }

                public sealed class FactAttribute : System.Attribute { }

                public class Startup
                {
                    public void ConfigureServices(IServiceCollection services) { using var c = new HttpClient(); }
                    public void Configure(IApplicationBuilder app) { using var c = new HttpClient(); }
                }

                // named like a composition root, but not one: it runs per call
                public class Program2 { }
                public class Startup2
                {
                    public Task<string> Get() { using var c = [|new HttpClient()|]; return c.GetStringAsync("x"); }
                }
                """,
            },
        }.RunAsync();

        /// <summary>Microsoft.AspNetCore.TestHost (not referenced here), as it declares its server; and a look-alike of our own.</summary>
        private const string TestServers = """

            namespace Microsoft.AspNetCore.TestHost
            {
                public class TestServer { public HttpMessageHandler CreateHandler() => throw new NotSupportedException(); }
            }
            namespace Lookalike
            {
                public class TestServer { public HttpMessageHandler CreateHandler() => new HttpClientHandler(); }
            }
            public sealed class LoggingHandler : DelegatingHandler { }
            """;

        /// <summary>A client over an in-memory test server's handler opens no socket: one per call costs nothing.</summary>
        [Theory]
        [InlineData("public async Task Get(Microsoft.AspNetCore.TestHost.TestServer server) { using var c = new HttpClient(server.CreateHandler()); await c.GetAsync(\"/a\"); }")]
        [InlineData("public async Task Get(Microsoft.AspNetCore.TestHost.TestServer server) { var handler = server.CreateHandler(); using var c = new HttpClient(handler) { BaseAddress = new Uri(\"http://localhost\") }; await c.GetAsync(\"/a\"); }")]
        [InlineData("public Task Get(Microsoft.AspNetCore.TestHost.TestServer server) => new HttpClient(new LoggingHandler { InnerHandler = server.CreateHandler() }).GetAsync(\"/a\");")]
        public Task DoesNotFlag_InMemoryTestServerClients(string members) => VerifySF2002.AnalyzerAsync(Bot(members) + TestServers);

        [Theory]
        [InlineData("public async Task Get(Lookalike.TestServer server) { using var c = [|new HttpClient(server.CreateHandler())|]; await c.GetAsync(\"/a\"); }")]
        [InlineData("public async Task Get(Microsoft.AspNetCore.TestHost.TestServer server) { using var c = [|new HttpClient(new HttpClientHandler())|]; await c.GetAsync(\"/a\"); }")]
        public Task Flags_NotATestServerHandler(string members) => VerifySF2002.AnalyzerAsync(Bot(members) + TestServers);

        [Fact]
        public Task DoesNotFlag_TopLevelStatementsAndProgramSetup() => new SteadfastAnalyzerTest<SF2002HttpClientPerCallAnalyzer>
        {
            OutputKind = OutputKind.ConsoleApplication,
            Sources =
            {
                "using System.Net.Http; using var http = new HttpClient(); var page = await http.GetStringAsync(\"https://example.com\"); System.Console.WriteLine(page + Program.Build());",
                "using System.Net.Http; partial class Program { internal static string Build() { using var c = new HttpClient(); return c.Timeout.ToString(); } }",
            },
        }.RunAsync();

        // ---------------------------------------------------------------- fix

        [Fact]
        public Task Fix_HoistsIntoAStaticField_MovesTheSetup_DropsTheUsing() => VerifySF2002.CodeFixAsync(Bot("""

                public async Task<string> Reply(string chatId)
                {
                    using var client = [|new HttpClient()|];
                    client.BaseAddress = new Uri("https://api.telegram.example/");
                    client.DefaultRequestHeaders.UserAgent.ParseAdd("lead-bot/1.0");
                    var reply = await client.GetStringAsync("getChat?chat_id=" + chatId);
                    return reply;
                }
            """), Bot("""
                private static readonly HttpClient SharedHttpClient = CreateSharedHttpClient();

                private static HttpClient CreateSharedHttpClient()
                {
                    var client = ResilientHttp.CreateClient();
                    client.BaseAddress = new Uri("https://api.telegram.example/");
                    client.DefaultRequestHeaders.UserAgent.ParseAdd("lead-bot/1.0");
                    return client;
                }

                public async Task<string> Reply(string chatId)
                {
                    var client = SharedHttpClient;
                    var reply = await client.GetStringAsync("getChat?chat_id=" + chatId);
                    return reply;
                }
            """).Replace("using Microsoft.Extensions.DependencyInjection;\n", "using Microsoft.Extensions.DependencyInjection;\nusing Steadfast;\n"), Key);

        [Fact]
        public Task Fix_InitializerAndHandler_DisposeRemoved_AndFixAllSharesOneField() => new SteadfastCodeFixTest<SF2002HttpClientPerCallAnalyzer, SF2002HttpClientPerCallCodeFix>
        {
            TestCode = Bot("""

                    public async Task<string> A(string url)
                    {
                        var client = [|new HttpClient()|];
                        var text = await client.GetStringAsync(url);
                        client.Dispose();
                        return text;
                    }

                    public Task<string> B(string url) => [|new HttpClient()|].GetStringAsync(url);

                    public async Task<int> C(string url)
                    {
                        using (var http = [|new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { Timeout = TimeSpan.FromSeconds(5) }|])
                        {
                            var bytes = await http.GetByteArrayAsync(url);
                            return bytes.Length;
                        }
                    }
                """),
            FixedCode = Bot("""
                    private static readonly HttpClient SharedHttpClient2 = CreateSharedHttpClient2();

                    private static HttpClient CreateSharedHttpClient2()
                    {
                        var http = ResilientHttp.CreateClient(new HttpClientHandler { AllowAutoRedirect = false });
                        http.Timeout = TimeSpan.FromSeconds(5);
                        return http;
                    }

                    private static readonly HttpClient SharedHttpClient = ResilientHttp.CreateClient();

                    public async Task<string> A(string url)
                    {
                        var client = SharedHttpClient;
                        var text = await client.GetStringAsync(url);
                        return text;
                    }

                    public Task<string> B(string url) => SharedHttpClient.GetStringAsync(url);

                    public async Task<int> C(string url)
                    {
                        var http = SharedHttpClient2;
                        var bytes = await http.GetByteArrayAsync(url);
                        return bytes.Length;
                    }
                """).Replace("using Microsoft.Extensions.DependencyInjection;\n", "using Microsoft.Extensions.DependencyInjection;\nusing Steadfast;\n"),
            CodeActionEquivalenceKey = Key,
        }.RunAsync();

        [Fact]
        public Task Fix_AResilientHandlerIsNotWrappedTwice() => VerifySF2002.CodeFixAsync(Bot("""

                public Task<string> Get(string url) => [|new HttpClient(new ResilientHttpHandler(new HttpClientHandler()))|].GetStringAsync(url);
            """).Replace("using Microsoft.Extensions.DependencyInjection;\n", "using Microsoft.Extensions.DependencyInjection;\nusing Steadfast;\n"), Bot("""
                private static readonly HttpClient SharedHttpClient = new HttpClient(new ResilientHttpHandler(new HttpClientHandler()));

                public Task<string> Get(string url) => SharedHttpClient.GetStringAsync(url);
            """).Replace("using Microsoft.Extensions.DependencyInjection;\n", "using Microsoft.Extensions.DependencyInjection;\nusing Steadfast;\n"), Key);

        [Fact]
        public Task Fix_APerCallResilientClient_IsHoistedAsWritten() => VerifySF2002.CodeFixAsync(Bot("""

                public Task<string> Get(string url) => [|ResilientHttp.CreateClient(baseAddress: new Uri("https://x.example/"))|].GetStringAsync(url);
            """).Replace("using Microsoft.Extensions.DependencyInjection;\n", "using Microsoft.Extensions.DependencyInjection;\nusing Steadfast;\n"), Bot("""
                private static readonly HttpClient SharedHttpClient = ResilientHttp.CreateClient(baseAddress: new Uri("https://x.example/"));

                public Task<string> Get(string url) => SharedHttpClient.GetStringAsync(url);
            """).Replace("using Microsoft.Extensions.DependencyInjection;\n", "using Microsoft.Extensions.DependencyInjection;\nusing Steadfast;\n"), Key);

        [Theory]
        // a per-call header on the shared client would leak between calls
        [InlineData("public async Task<string> Get(string url, string token) { using var c = [|new HttpClient()|]; c.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue(\"Bearer\", token); return await c.GetStringAsync(url); }")]
        [InlineData("public async Task<string> Get(string url, string token) { using var c = [|new HttpClient()|]; var x = 1; c.DefaultRequestHeaders.Add(\"X-Id\", \"1\"); return await c.GetStringAsync(url + x); }")]
        // a handler or address from a parameter
        [InlineData("public Task<string> Get(HttpMessageHandler h, string url) => [|new HttpClient(h)|].GetStringAsync(url);")]
        [InlineData("public Task<string> Get(string baseUrl) => [|new HttpClient { BaseAddress = new Uri(baseUrl) }|].GetStringAsync(\"x\");")]
        // handed to something that may keep or dispose it
        [InlineData("public void Use() => Keep([|new HttpClient()|]); private static void Keep(HttpClient c) { }")]
        public Task Fix_NotOffered(string members) => VerifySF2002.NoCodeFixAsync(Bot(members), Key);

        [Fact]
        public Task Fix_NotOfferedWithoutRuntime() => new SteadfastCodeFixTest<SF2002HttpClientPerCallAnalyzer, SF2002HttpClientPerCallCodeFix>
        {
            ReferenceSteadfastRuntime = false,
            TestCode = "using System.Net.Http; using System.Threading.Tasks; class C { public Task<string> Get(string u) => [|new HttpClient()|].GetStringAsync(u); }",
            CodeActionEquivalenceKey = Key,
        }.RunAsync();
    }
}
