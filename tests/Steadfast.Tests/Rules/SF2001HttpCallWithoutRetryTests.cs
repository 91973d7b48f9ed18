using System.Linq;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis.Testing;
using Steadfast.Analyzers.Rules;
using Steadfast.CodeFixes.Internal;
using Steadfast.CodeFixes.Rules;
using Steadfast.Tests.Verification;
using Xunit;
using VerifySF2001 = Steadfast.Tests.Verification.Verify<Steadfast.Analyzers.Rules.SF2001HttpCallWithoutRetryAnalyzer, Steadfast.CodeFixes.Rules.SF2001HttpCallWithoutRetryCodeFix>;

namespace Steadfast.Tests.Rules
{
    public sealed class SF2001HttpCallWithoutRetryTests
    {
        /// <summary>Each diagnostic's first fix (making a new client resilient, else retrying the call) carries the preferred key.</summary>
        private static readonly string Preferred = PlannedCodeFixProvider.PreferredKey("SF2001");
        private const string MakeResilient = SF2001HttpCallWithoutRetryCodeFix.MakeClientResilientKey;
        private const string Retry = SF2001HttpCallWithoutRetryCodeFix.RetryKey;

        /// <summary>Clients the code is handed (a parameter, a typed client registered elsewhere) are trusted by default; this reports each call on them.</summary>
        private const string ReportClientsFromOutside = "[*.cs]\nSF2001.trust_injected_clients = false";

        private static Task AnalyzerReportingClientsFromOutsideAsync(string source, params DiagnosticResult[] expected)
        {
            var test = new SteadfastAnalyzerTest<SF2001HttpCallWithoutRetryAnalyzer> { TestCode = source, EditorConfig = ReportClientsFromOutside };
            test.ExpectedDiagnostics.AddRange(expected);
            return test.RunAsync();
        }

        private static Task CodeFixReportingClientsFromOutsideAsync(string source, string fixedSource, string equivalenceKey) =>
            new SteadfastCodeFixTest<SF2001HttpCallWithoutRetryAnalyzer, SF2001HttpCallWithoutRetryCodeFix>
            {
                TestCode = source, FixedCode = fixedSource, CodeActionEquivalenceKey = equivalenceKey, EditorConfig = ReportClientsFromOutside,
            }.RunAsync();

        private static Task NoCodeFixReportingClientsFromOutsideAsync(string source, string equivalenceKey) =>
            CodeFixReportingClientsFromOutsideAsync(source, source, equivalenceKey);

        private const string Usings = """
            using System;
            using System.Net.Http;
            using System.Net.Http.Json;
            using System.Threading;
            using System.Threading.Tasks;
            using Microsoft.Extensions.DependencyInjection;
            using Steadfast;

            """;

        private static string Api(string members, string usings = Usings) => usings + """

            public record Lead(string Name);

            public class EnrichmentApi
            {

            """ + members + """

            }
            """;

        /// <summary>
        /// Microsoft.Extensions.Http.Polly is not referenced here: its registration method, declared as there (same type and
        /// namespace, so it is recognised by symbol). Inputs get the real Microsoft.Extensions.Http.Resilience
        /// (AddStandardResilienceHandler, AddResilienceHandler) through Steadfast.Runtime.
        /// </summary>
        private const string ResilienceStubs = """

            namespace Microsoft.Extensions.DependencyInjection
            {
                public static class PollyHttpClientBuilderExtensions
                {
                    public static IHttpClientBuilder AddPolicyHandler(this IHttpClientBuilder builder, object policy) => builder;
                }
            }
            """;

        // ---------------------------------------------------------------- flagged

        [Fact]
        public Task Flags_WithMessage() => VerifySF2001.AnalyzerAsync(Api("""

                private static readonly HttpClient Http = new HttpClient();
                public Task<HttpResponseMessage> Enrich(string url) => {|#0:Http.GetAsync(url)|};
            """),
            VerifySF2001.Diagnostic("SF2001").WithLocation(0)
                .WithMessage("'HttpClient.GetAsync' is sent once: a 503, a 429 or a dropped connection fails it for good. Retry it with ResilientHttp, or make the client resilient."));

        [Theory]
        [InlineData("await [|Http.GetAsync(url, ct)|];")]
        [InlineData("await [|Http.PostAsync(url, new StringContent(\"x\"), ct)|];")]
        [InlineData("await [|Http.PutAsync(url, new StringContent(\"x\"))|];")]
        [InlineData("await [|Http.PatchAsync(url, new StringContent(\"x\"))|];")]
        [InlineData("await [|Http.DeleteAsync(url)|];")]
        [InlineData("await [|Http.SendAsync(new HttpRequestMessage(HttpMethod.Get, url), ct)|];")]
        [InlineData("await [|Http.GetStringAsync(url)|];")]
        [InlineData("await [|Http.GetByteArrayAsync(url)|];")]
        [InlineData("await [|Http.GetStreamAsync(url)|];")]
        [InlineData("await [|Http.GetFromJsonAsync<Lead>(url, ct)|];")]
        [InlineData("await [|Http.PostAsJsonAsync(url, new Lead(\"a\"), ct)|];")]
        [InlineData("await [|Http.PutAsJsonAsync(url, new Lead(\"a\"))|];")]
        [InlineData("await [|Http.PatchAsJsonAsync(url, new Lead(\"a\"))|];")]
        [InlineData("await [|Http.DeleteFromJsonAsync<Lead>(url)|];")]
        [InlineData("await [|HttpClientJsonExtensions.GetFromJsonAsync<Lead>(Http, url)|];")]
        public Task Flags_EveryCallForm(string statement) => VerifySF2001.AnalyzerAsync(Api("""

                private static readonly HttpClient Http = new HttpClient();
                public async Task Run(string url, CancellationToken ct)
                {
                    
            """ + statement + """

                }
            """));

        [Theory]
        // a local new HttpClient
        [InlineData("public async Task Run(string url) { using var client = new HttpClient(); await [|client.GetAsync(url)|]; }")]
        // a handler that does not retry
        [InlineData("private readonly HttpClient _http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }); public Task Run(string url) => [|_http.GetAsync(url)|];")]
        // created in the constructor
        [InlineData("private readonly HttpClient _http; public EnrichmentApi() { _http = new HttpClient(); } public Task Run(string url) => [|_http.GetAsync(url)|];")]
        // a conditional where one branch is not resilient
        [InlineData("private readonly HttpClient _a = ResilientHttp.CreateClient(); private readonly HttpClient _b = new HttpClient(); public Task Run(bool x, string url) => [|(x ? _a : _b).GetAsync(url)|];")]
        // a lambda that is not a retry
        [InlineData("private static readonly HttpClient Http = new HttpClient(); public Task Run(string url) => Task.Run(() => [|Http.GetAsync(url)|]);")]
        // a named client from the factory, registered elsewhere (or nowhere): the factory is asked here, so it is judged here
        [InlineData("private readonly IHttpClientFactory _factory; public EnrichmentApi(IHttpClientFactory f) => _factory = f; public Task Run(string url) => [|_factory.CreateClient(\"github\").GetAsync(url)|];")]
        [InlineData("public Task Run(IHttpClientFactory f, string url) => [|f.CreateClient().GetAsync(url)|];")]
        // a lambda's parameter: not a client handed in by a caller
        [InlineData("public Func<HttpClient, Task> Run = c => [|c.GetAsync(\"x\")|];")]
        // a private helper whose every caller here passes a new client
        [InlineData("public Task Run() => Get(new HttpClient()); private Task<HttpResponseMessage> Get(HttpClient c) => [|c.GetAsync(\"x\")|];")]
        public Task Flags_ClientsNotKnownToRetry(string members) => VerifySF2001.AnalyzerAsync(Api(members));

        [Theory]
        // a parameter of a public method, no factory-wide resilience
        [InlineData("public Task Run(HttpClient client, string url) => [|client.GetAsync(url)|];")]
        // a typed client with no registration in this project
        [InlineData("private readonly HttpClient _http; public EnrichmentApi(HttpClient http) => _http = http; public Task Run(string url) => [|_http.GetAsync(url)|];")]
        public Task Option_TrustInjectedClientsFalse_FlagsClientsFromOutside(string members) => AnalyzerReportingClientsFromOutsideAsync(Api(members));

        [Theory]
        // judged where they are made: a parameter, a typed client with no registration here
        [InlineData("public Task Run(HttpClient client, string url) => client.GetAsync(url);")]
        [InlineData("private readonly HttpClient _http; public EnrichmentApi(HttpClient http) => _http = http; public Task Run(string url) => _http.GetAsync(url);")]
        // btcpayserver's rate providers: a constructor parameter with a fallback; an SDK's optional client
        [InlineData("private readonly HttpClient _http; public EnrichmentApi(HttpClient http) { _http = http ?? new HttpClient(); } public Task<string> Run(string url) => _http.GetStringAsync(url);")]
        [InlineData("private readonly HttpClient _http; public EnrichmentApi(Uri host, HttpClient? http = null) { _http = http ?? new HttpClient(); } public Task Run(string url) => _http.SendAsync(new HttpRequestMessage(HttpMethod.Get, url));")]
        [InlineData("private HttpClient Http { get; } public EnrichmentApi(HttpClient http) { Http = http; } public Task Run(string url) => Http.GetFromJsonAsync<Lead>(url);")]
        // a method parameter kept in a field; a public static helper; a private helper used as a delegate
        [InlineData("private HttpClient? _http; public void Use(HttpClient http) => _http = http; public Task Run(string url) => _http!.GetAsync(url);")]
        [InlineData("public static Task<string> Fetch(HttpClient client, string url) => client.GetStringAsync(url);")]
        [InlineData("public Func<HttpClient, Task<HttpResponseMessage>> Run() => Get; private Task<HttpResponseMessage> Get(HttpClient c) => c.GetAsync(\"x\");")]
        // a private helper handed a client from outside
        [InlineData("private readonly HttpClient _http; public EnrichmentApi(HttpClient http) => _http = http; public Task Run() => Get(_http); private Task<HttpResponseMessage> Get(HttpClient c) => c.GetAsync(\"x\");")]
        public Task DoesNotFlag_ClientsFromOutside(string members) => VerifySF2001.AnalyzerAsync(Api(members));

        [Fact]
        public Task Flags_TypedClientRegistrationWithoutResilience_AtTheRegistrationNotAtTheCall() => new SteadfastAnalyzerTest<SF2001HttpCallWithoutRetryAnalyzer>
        {
            // One warning per mistake: the registration lacks resilience, so it carries the warning (and the fix), not each call.
            Sources =
            {
                Api("private readonly HttpClient _http; public EnrichmentApi(HttpClient http) => _http = http; public Task Run(string url) => _http.GetAsync(url); public Task Again(string url) => _http.GetAsync(url);"),
                "using Microsoft.Extensions.DependencyInjection; static class Setup { public static void Add(IServiceCollection s) => {|#0:s.AddHttpClient<EnrichmentApi>()|}.ConfigureHttpClient(c => c.Timeout = System.TimeSpan.FromSeconds(5)); }",
            },
            ExpectedDiagnostics =
            {
                VerifySF2001.Diagnostic("SF2001").WithLocation(0).WithMessage(
                    "Every request of the client registered by 'AddHttpClient<EnrichmentApi>' is sent once: a 503, a 429 or a dropped connection fails it for good. Add a resilience handler to the registration."),
            },
        }.RunAsync();

        [Theory]
        [InlineData("[|s.AddHttpClient(\"github\")|];")]
        [InlineData("[|s.AddHttpClient<EnrichmentApi>()|].SetHandlerLifetime(System.TimeSpan.FromMinutes(5)).ConfigureHttpClient(c => c.BaseAddress = new System.Uri(\"https://x\"));")]
        [InlineData("var b = [|s.AddHttpClient(\"github\", c => c.Timeout = System.TimeSpan.FromSeconds(5))|]; b.SetHandlerLifetime(System.TimeSpan.FromMinutes(5));")]
        [InlineData("[|s.AddHttpClient<EnrichmentApi>(\"named\")|].AddHttpMessageHandler(() => new LoggingHandler()).AddTypedClient<EnrichmentApi>();")]
        [InlineData("[|s.AddHttpClient(\"github\")|].AddHttpMessageHandler<LoggingHandler>();")]
        [InlineData("_ = [|s.AddHttpClient(\"github\")|];")]
        public Task Flags_RegistrationsThatAddNoResilience(string registration) => VerifySF2001.AnalyzerAsync(
            Api("") + "\nsealed class LoggingHandler : DelegatingHandler { }\nstatic class Setup { public static void Add(IServiceCollection s) { " + registration + " } }");

        [Theory]
        [InlineData("s.AddHttpClient(\"github\").AddStandardResilienceHandler();")]
        [InlineData("s.AddHttpClient(\"github\").AddStandardHedgingHandler();")]
        [InlineData("s.AddHttpClient(\"github\").AddResilienceHandler(\"retry\", b => { });")]
        [InlineData("s.AddHttpClient<EnrichmentApi>().ConfigureHttpClient(c => { }).AddSteadfastRetry(o => o.MaxRetries = 5);")]
        [InlineData("s.AddHttpClient(\"github\").AddHttpMessageHandler(() => new ResilientHttpHandler());")]
        [InlineData("s.AddHttpClient(\"github\").AddHttpMessageHandler<ResilientHttpHandler>();")]
        [InlineData("var b = s.AddHttpClient(\"github\"); b.AddStandardResilienceHandler();")]
        [InlineData("s.AddHttpClient(\"github\").AddPolicyHandler(new object());")]
        // the builder escapes, or meets a method of unknown effect: not judged
        [InlineData("Configure(s.AddHttpClient(\"github\"));")]
        [InlineData("s.AddHttpClient(\"github\").AddOurPolicies();")]
        [InlineData("var b = s.AddHttpClient(\"github\"); Configure(b);")]
        // only the factory, no client registered
        [InlineData("s.AddHttpClient();")]
        public Task DoesNotFlag_RegistrationsWithResilienceOrUnknown(string registration) => VerifySF2001.AnalyzerAsync(
            Api("") + ResilienceStubs + """

            static class OurPolicies { public static IHttpClientBuilder AddOurPolicies(this IHttpClientBuilder b) { b.AddStandardResilienceHandler(); return b; } }
            static class Setup
            {
                static void Configure(IHttpClientBuilder b) => b.AddStandardResilienceHandler();
                public static IHttpClientBuilder Returned(IServiceCollection s) => s.AddHttpClient("returned");
                public static void Add(IServiceCollection s)
                {
            """ + registration + """

                }
            }
            """);

        [Fact]
        public Task DoesNotFlag_RegistrationsWhenTheFactoryDefaultsAreResilient() => new SteadfastAnalyzerTest<SF2001HttpCallWithoutRetryAnalyzer>
        {
            Sources =
            {
                "using Microsoft.Extensions.DependencyInjection; static class Setup { public static void Add(IServiceCollection s) { s.AddHttpClient(\"github\"); s.AddHttpClient<Setup2>(); } }",
                "using Microsoft.Extensions.DependencyInjection; class Setup2 { public static void Add(IServiceCollection s) => s.ConfigureHttpClientDefaults(b => b.AddStandardResilienceHandler()); }",
            },
        }.RunAsync();

        [Fact]
        public Task Flags_CallOnANamedClientWhoseRegistrationIsNotInTheCompilation() => VerifySF2001.AnalyzerAsync(Api("""

                private static readonly string Dynamic = System.Environment.GetEnvironmentVariable("CLIENT") ?? "x";
                public Task A(IHttpClientFactory f, string url) => [|f.CreateClient("elsewhere").GetAsync(url)|];
                public Task B(IHttpClientFactory f, string url) => [|f.CreateClient(Dynamic).GetAsync(url)|];
                public Task C(IHttpClientFactory f, string url) => f.CreateClient("registered").GetAsync(url);
                public static void Add(IServiceCollection s) => s.AddHttpClient("registered").AddStandardResilienceHandler();
            """));

        // ---------------------------------------------------------------- not flagged: known resilient

        [Theory]
        [InlineData("private static readonly HttpClient Http = ResilientHttp.CreateClient(); public Task Run(string url) => Http.GetAsync(url);")]
        [InlineData("private HttpClient Http { get; } = ResilientHttp.CreateClient(baseAddress: new Uri(\"https://api.example.com\")); public Task Run(string url) => Http.GetAsync(url);")]
        [InlineData("public async Task Run(string url) { var client = ResilientHttp.CreateClient(); await client.GetStringAsync(url); }")]
        [InlineData("private static readonly HttpClient Http = new HttpClient(new ResilientHttpHandler(new HttpClientHandler())); public Task Run(string url) => Http.GetAsync(url);")]
        [InlineData("public Task Run(string url) { var handler = new ResilientHttpHandler(new SocketsHttpHandler()); var client = new HttpClient(handler); return client.GetAsync(url); }")]
        [InlineData("private readonly HttpClient _http; public EnrichmentApi() { _http = ResilientHttp.CreateClient(); } public Task Run(string url) => _http.GetAsync(url);")]
        [InlineData("private HttpClient? _http; public Task Run(string url) => (_http ??= ResilientHttp.CreateClient()).GetAsync(url);")]
        // already inside a retry
        [InlineData("private static readonly HttpClient Http = new HttpClient(); public Task<HttpResponseMessage> Run(string url, CancellationToken ct) => ResilientHttp.RetryAsync(t => Http.GetAsync(url, t), ct);")]
        [InlineData("private static readonly HttpClient Http = new HttpClient(); private static readonly Polly.ResiliencePipeline Pipeline = Polly.ResiliencePipeline.Empty; public async Task Run(string url) => await Pipeline.ExecuteAsync(async t => await Http.GetStringAsync(url, t));")]
        [InlineData("private static readonly HttpClient Http = new HttpClient(); public Task<string> Run(string url) => ResilientHttp.RetryAsync(async t => { var r = await Http.GetAsync(url, t); return await r.Content.ReadAsStringAsync(t); });")]
        // a member of another type initialized resiliently
        [InlineData("public Task Run(string url) => Clients.Shared.GetAsync(url); static class Clients { public static readonly HttpClient Shared = ResilientHttp.CreateClient(); }")]
        public Task DoesNotFlag_KnownResilient(string members) => VerifySF2001.AnalyzerAsync(Api(members));

        [Theory]
        // Not HttpClient: matched by symbol, never by name
        [InlineData("public Task Run(Discord d) => d.SendAsync(\"hi\"); public class Discord { public Task SendAsync(string m) => Task.CompletedTask; }")]
        [InlineData("public Task Run(Repo r) => r.GetAsync(1); public class Repo { public Task<Lead?> GetAsync(int id) => Task.FromResult<Lead?>(null); }")]
        [InlineData("public Task Run(Microsoft.Extensions.Caching.Distributed.IDistributedCache c) => c.GetAsync(\"k\");")]
        [InlineData("public Task Run(System.Net.WebSockets.WebSocket s) => s.SendAsync(new ArraySegment<byte>(new byte[1]), System.Net.WebSockets.WebSocketMessageType.Text, true, default);")]
        [InlineData("public Task Run(Microsoft.AspNetCore.SignalR.IClientProxy p) => Microsoft.AspNetCore.SignalR.ClientProxyExtensions.SendAsync(p, \"m\");")]
        [InlineData("public Task Run(HttpMessageInvoker i) => i.SendAsync(new HttpRequestMessage(), default);")]
        public Task DoesNotFlag_LookAlikes(string members) => VerifySF2001.AnalyzerAsync(Api(members));

        [Theory]
        [InlineData("s.AddHttpClient<EnrichmentApi>().AddStandardResilienceHandler();")]
        [InlineData("s.AddHttpClient<EnrichmentApi>(c => c.BaseAddress = new System.Uri(\"https://x\")).AddSteadfastRetry();")]
        [InlineData("s.AddHttpClient<IEnrichment, EnrichmentApi>().AddPolicyHandler(new object());")]
        [InlineData("s.AddHttpClient<EnrichmentApi>().AddHttpMessageHandler(() => new Steadfast.ResilientHttpHandler());")]
        [InlineData("s.AddHttpClient<EnrichmentApi>().AddHttpMessageHandler<Steadfast.ResilientHttpHandler>();")]
        [InlineData("var b = s.AddHttpClient<EnrichmentApi>(); b.AddResilienceHandler(\"x\", _ => { });")]
        [InlineData("s.ConfigureHttpClientDefaults(b => b.AddStandardResilienceHandler());")]
        public Task DoesNotFlag_TypedClientRegisteredWithResilience(string registration) => new SteadfastAnalyzerTest<SF2001HttpCallWithoutRetryAnalyzer>
        {
            Sources =
            {
                Api("private readonly HttpClient _http; public EnrichmentApi(HttpClient http) => _http = http; public Task Run(string url) => _http.GetAsync(url);").Replace("public class EnrichmentApi", "public interface IEnrichment { } public class EnrichmentApi : IEnrichment"),
                "using Microsoft.Extensions.DependencyInjection; using Steadfast; static class Setup { public static void Add(IServiceCollection s) { " + registration + " } }" + ResilienceStubs,
            },
        }.RunAsync();

        [Fact]
        public Task RegisteredClients_AreWarnedAtTheirRegistration_NotAtTheirCalls() => new SteadfastAnalyzerTest<SF2001HttpCallWithoutRetryAnalyzer>
        {
            Sources =
            {
                // The unprotected registrations carry the warnings; the call on "other" does not (one warning per mistake).
                Api("private const string Name = \"github\"; public Task Run(IHttpClientFactory f, string url) => f.CreateClient(Name).GetAsync(url); public Task Other(IHttpClientFactory f, string url) => f.CreateClient(\"other\").GetAsync(url);"),
                "using Microsoft.Extensions.DependencyInjection; static class Setup { public static void Add(IServiceCollection s) { [|s.AddHttpClient(\"Name\")|]; s.AddHttpClient(\"github\").AddStandardResilienceHandler(); [|s.AddHttpClient(\"other\")|]; } }" + ResilienceStubs,
                "using System.Net.Http; using System.Threading.Tasks; public class Typed(HttpClient http) { public Task Run() => http.GetAsync(\"x\"); }",
                "using Microsoft.Extensions.DependencyInjection; static class More { public static void Add(IServiceCollection s) => s.AddHttpClient<Typed>().AddStandardResilienceHandler(); }",
            },
        }.RunAsync();

        [Fact]
        public Task DoesNotFlag_FactoryDefaultsCoverParametersAndNamedClients() => new SteadfastAnalyzerTest<SF2001HttpCallWithoutRetryAnalyzer>
        {
            Sources =
            {
                Api("public Task Run(HttpClient client, IHttpClientFactory f, string url) => Task.WhenAll(client.GetAsync(url), f.CreateClient().GetAsync(url), f.CreateClient(\"x\").GetAsync(url), [|new HttpClient().GetAsync(url)|]);"),
                "using Microsoft.Extensions.DependencyInjection; using Steadfast; static class Setup { public static void Add(IServiceCollection s) => s.ConfigureHttpClientDefaults(b => b.AddSteadfastRetry()); }",
            },
        }.RunAsync();

        [Fact]
        public Task Option_ResilientHandlerTypesAndRetryMethods() => new SteadfastAnalyzerTest<SF2001HttpCallWithoutRetryAnalyzer>
        {
            EditorConfig = "[*.cs]\nSF2001.resilient_handler_types = App.RetryHandler\nSF2001.retry_methods = App.Retrier.Run",
            TestCode = Api("""

                    private static readonly HttpClient A = new HttpClient(new App.RetryHandler());
                    private static readonly HttpClient B = new HttpClient();
                    public Task Run(string url) => Task.WhenAll(A.GetAsync(url), App.Retrier.Run(() => B.GetAsync(url)), [|B.GetAsync(url)|]);
                """) + """

                namespace App
                {
                    public sealed class RetryHandler : DelegatingHandler { }
                    public static class Retrier { public static Task<T> Run<T>(Func<Task<T>> f) => f(); }
                }
                """,
        }.RunAsync();

        [Fact]
        public Task Flags_TopLevelStatements() => new SteadfastAnalyzerTest<SF2001HttpCallWithoutRetryAnalyzer>
        {
            OutputKind = Microsoft.CodeAnalysis.OutputKind.ConsoleApplication,
            TestCode = "using System.Net.Http; var http = new HttpClient(); var page = await [|http.GetStringAsync(\"https://example.com\")|]; System.Console.WriteLine(page);",
        }.RunAsync();

        // ---------------------------------------------------------------- already inside a retry: Polly and hand-written loops

        /// <summary>Polly v7 (the Polly package, not referenced here) as it declares its policies: same namespaces and names, so recognised by symbol.</summary>
        private const string PollyV7 = """

            namespace Polly
            {
                public interface IsPolicy { }
                public interface IAsyncPolicy : IsPolicy
                {
                    Task ExecuteAsync(Func<Task> action);
                    Task<TResult> ExecuteAsync<TResult>(Func<CancellationToken, Task<TResult>> action, CancellationToken cancellationToken);
                    Task<PolicyResult<TResult>> ExecuteAndCaptureAsync<TResult>(Func<Task<TResult>> action);
                }
                public interface IAsyncPolicy<TResult> : IsPolicy { Task<TResult> ExecuteAsync(Func<Task<TResult>> action); }
                public interface ISyncPolicy : IsPolicy { TResult Execute<TResult>(Func<TResult> action); }
                public sealed class PolicyResult<TResult> { }
                public abstract class AsyncPolicy : IAsyncPolicy
                {
                    public Task ExecuteAsync(Func<Task> action) => action();
                    public Task<TResult> ExecuteAsync<TResult>(Func<CancellationToken, Task<TResult>> action, CancellationToken cancellationToken) => action(cancellationToken);
                    public Task<PolicyResult<TResult>> ExecuteAndCaptureAsync<TResult>(Func<Task<TResult>> action) => Task.FromResult(new PolicyResult<TResult>());
                }
                public abstract class Policy : ISyncPolicy { public TResult Execute<TResult>(Func<TResult> action) => action(); }
                /// <summary>Named like Polly's, in its namespace, but no policy.</summary>
                public static class Helpers { public static Task<T> ExecuteAsync<T>(Func<Task<T>> action) => action(); }
                namespace Retry { public sealed class AsyncRetryPolicy : AsyncPolicy { } }
                namespace Wrap { public sealed class AsyncPolicyWrap<TResult> : IAsyncPolicy<TResult> { public Task<TResult> ExecuteAsync(Func<Task<TResult>> action) => action(); } }
            }
            namespace Ours
            {
                public sealed class Policy { public Task<T> ExecuteAsync<T>(Func<Task<T>> action) => action(); }
            }
            """;

        [Theory]
        // Polly v7: by the receiver's type, which is or implements IAsyncPolicy / IAsyncPolicy<T>
        [InlineData("private readonly Polly.IAsyncPolicy _policy = null!; public Task Run(string url) => _policy.ExecuteAsync(() => Http.GetAsync(url));")]
        [InlineData("private readonly Polly.Retry.AsyncRetryPolicy _retry = null!; public Task<HttpResponseMessage> Run(string url, CancellationToken ct) => _retry.ExecuteAsync(t => Http.GetAsync(url, t), ct);")]
        [InlineData("private readonly Polly.AsyncPolicy _policy = null!; public Task Run(string url) => _policy.ExecuteAndCaptureAsync(() => Http.GetStringAsync(url));")]
        [InlineData("private readonly Polly.IAsyncPolicy<HttpResponseMessage> _policy = null!; public Task Run(string url) => _policy.ExecuteAsync(async () => { var r = await Http.GetAsync(url); return r; });")]
        [InlineData("private readonly Polly.Wrap.AsyncPolicyWrap<string> _wrap = null!; public Task Run(string url) => _wrap.ExecuteAsync(() => Http.GetStringAsync(url));")]
        // Polly v8 (Polly.Core is referenced): ResiliencePipeline and ResiliencePipeline<T>
        [InlineData("private static readonly Polly.ResiliencePipeline<HttpResponseMessage> Pipeline = Polly.ResiliencePipeline<HttpResponseMessage>.Empty; public async Task Run(string url) => await Pipeline.ExecuteAsync(async t => await Http.GetAsync(url, t));")]
        // a synchronous execute that waits for the call sees its failure
        [InlineData("private readonly Polly.ISyncPolicy _policy = null!; public string Run(string url) => _policy.Execute(() => Http.GetStringAsync(url).Result);")]
        [InlineData("private readonly Polly.Policy _policy = null!; public HttpResponseMessage Run(string url) => _policy.Execute(() => Http.GetAsync(url).GetAwaiter().GetResult());")]
        [InlineData("private static readonly Polly.ResiliencePipeline Pipeline = Polly.ResiliencePipeline.Empty; public string Run(string url) => Pipeline.Execute(() => Http.GetStringAsync(url).Result);")]
        public Task DoesNotFlag_InsidePolly(string members) => VerifySF2001.AnalyzerAsync(Api("private static readonly HttpClient Http = new HttpClient(); " + members) + PollyV7);

        [Theory]
        // a synchronous execute that hands the task back finishes before the request fails: the policy never sees it
        [InlineData("private readonly Polly.ISyncPolicy _policy = null!; public Task<string> Run(string url) => _policy.Execute(() => [|Http.GetStringAsync(url)|]);")]
        [InlineData("private static readonly Polly.ResiliencePipeline Pipeline = Polly.ResiliencePipeline.Empty; public Task<string> Run(string url) => Pipeline.Execute(() => [|Http.GetStringAsync(url)|]);")]
        // Execute… in the Polly namespace on a type that is no policy, and a policy of our own
        [InlineData("public Task<string> Run(string url) => Polly.Helpers.ExecuteAsync(() => [|Http.GetStringAsync(url)|]);")]
        [InlineData("private readonly Ours.Policy _policy = new(); public Task<string> Run(string url) => _policy.ExecuteAsync(() => [|Http.GetStringAsync(url)|]);")]
        public Task Flags_NotARetry_PollyLookAlikes(string members) => VerifySF2001.AnalyzerAsync(Api("private static readonly HttpClient Http = new HttpClient(); " + members) + PollyV7);

        [Theory]
        // try/catch: left on success (return, break, a flag the condition reads), round again on failure
        [InlineData("public async Task<string> Run(string url) { for (var attempt = 0; ; attempt++) { try { return await Http.GetStringAsync(url); } catch (HttpRequestException) when (attempt < 3) { await Task.Delay(100); } } }")]
        [InlineData("public async Task Run(string url) { while (true) { try { await Http.PostAsync(url, null); break; } catch (HttpRequestException) { await Task.Delay(1000); } } }")]
        [InlineData("public async Task Run(string url) { var done = false; var tries = 0; while (!done && tries < 3) { try { (await Http.GetAsync(url)).EnsureSuccessStatusCode(); done = true; } catch (HttpRequestException) { tries++; } } }")]
        [InlineData("public async Task<string> Run(string url) { for (var i = 0; ; i++) { try { return await Http.GetStringAsync(url); } catch (HttpRequestException) { if (i == 3) throw; await Task.Delay(100 << i); } } }")]
        [InlineData("public async Task<string> Run(string url) { var n = 0; do { try { return await Http.GetStringAsync(url); } catch (HttpRequestException) { n++; continue; } } while (n < 3); return \"\"; }")]
        // a failover over mirrors: left on the first success, the next mirror on failure
        [InlineData("public async Task<string?> Run(string[] mirrors) { foreach (var mirror in mirrors) { try { return await Http.GetStringAsync(mirror); } catch (HttpRequestException) { } } return null; }")]
        // the status decides: round again while it failed, left when it succeeded
        [InlineData("public async Task<HttpResponseMessage> Run(string url) { HttpResponseMessage r; var n = 0; do { r = await Http.GetAsync(url); } while (!r.IsSuccessStatusCode && ++n < 3); return r; }")]
        [InlineData("public async Task<HttpResponseMessage?> Run(string url) { for (var i = 0; i < 3; i++) { var r = await Http.GetAsync(url); if (r.IsSuccessStatusCode) return r; await Task.Delay(100); } return null; }")]
        [InlineData("public async Task<HttpResponseMessage> Run(string url) { while (true) { var r = await Http.GetAsync(url); if (r.StatusCode == System.Net.HttpStatusCode.TooManyRequests) { await Task.Delay(1000); continue; } return r; } }")]
        [InlineData("public async Task<HttpResponseMessage?> Run(string url) { for (var i = 0; i < 5; i++) { var r = await Http.GetAsync(url); if (r.StatusCode != System.Net.HttpStatusCode.TooManyRequests) return r; await Task.Delay(1000); } return null; }")]
        [InlineData("public async Task<HttpResponseMessage> Run(string url) { HttpResponseMessage? r = null; while (r is null || (int)r.StatusCode >= 500) { r = await Http.GetAsync(url); } return r; }")]
        public Task DoesNotFlag_InsideARetryLoop(string members) => VerifySF2001.AnalyzerAsync(Api("private static readonly HttpClient Http = new HttpClient(); " + members));

        [Theory]
        // a loop that runs until the app stops (a periodic job): its next round sends again
        [InlineData("public async Task Run(string url, CancellationToken ct) { while (!ct.IsCancellationRequested) { try { await Http.GetAsync(url, ct); } catch (HttpRequestException) { } await Task.Delay(1000, ct); } }")]
        [InlineData("public async Task Run(string url) { while (true) { await Http.PostAsync(url, null); await Task.Delay(60_000); } }")]
        [InlineData("public async Task Run(string url) { for (;;) { var r = await Http.GetAsync(url); Console.WriteLine(r.StatusCode); await Task.Delay(60_000); } }")]
        [InlineData("public async Task Run(string url, CancellationToken ct) { using var timer = new PeriodicTimer(TimeSpan.FromMinutes(1)); while (await timer.WaitForNextTickAsync(ct)) { await Http.GetStringAsync(url, ct); } }")]
        [InlineData("public async Task Run(string url, bool on, CancellationToken ct) { while (on && !ct.IsCancellationRequested) { if (on) { await Http.GetAsync(url, ct); } await Task.Delay(1000, ct); } }")]
        public Task DoesNotFlag_InALoopThatRunsForever(string members) => VerifySF2001.AnalyzerAsync(Api("private static readonly HttpClient Http = new HttpClient(); " + members));

        [Theory]
        // once per URL: the loop goes on to the next URL whether or not the call failed
        [InlineData("public async Task Run(string[] urls) { for (var i = 0; i < urls.Length; i++) { try { await [|Http.GetAsync(urls[i])|]; } catch (HttpRequestException) { } } }")]
        [InlineData("public async Task Run(string[] urls) { foreach (var url in urls) { var r = await [|Http.GetAsync(url)|]; if (!r.IsSuccessStatusCode) continue; Console.WriteLine(url); } }")]
        [InlineData("public async Task Run(string[] urls) { foreach (var url in urls) { var r = await [|Http.GetAsync(url)|]; if (r.IsSuccessStatusCode) Console.WriteLine(url); } }")]
        // left on failure, not on success
        [InlineData("public async Task Run(string[] urls) { foreach (var url in urls) { var r = await [|Http.GetAsync(url)|]; if (!r.IsSuccessStatusCode) return; } }")]
        // every catch leaves the loop: the failure is not retried
        [InlineData("public async Task<string> Run(string url) { for (var i = 0; i < 3; i++) { try { return await [|Http.GetStringAsync(url)|]; } catch (HttpRequestException) { throw; } } return \"\"; }")]
        [InlineData("public async Task<string?> Run(string url) { while (true) { try { return await [|Http.GetStringAsync(url)|]; } catch (HttpRequestException) { return null; } } }")]
        // a loop that runs forever, but the call is in a lambda it hands out, or in its incrementor, or a failure leaves it
        [InlineData("public async Task Run(string url, List<Func<Task>> work) { while (true) { work.Add(() => [|Http.GetAsync(url)|]); await Task.Delay(1000); } }")]
        [InlineData("public async Task Run(string url) { for (;; await [|Http.GetAsync(url)|]) { await Task.Delay(1000); } }")]
        [InlineData("public async Task Run(string url, CancellationToken ct) { while (!ct.IsCancellationRequested) { try { await [|Http.GetAsync(url, ct)|]; } catch (HttpRequestException) { break; } await Task.Delay(1000, ct); } }")]
        // a loop over a channel's items: the next item is other work, not a retry
        [InlineData("public async Task Run(System.Threading.Channels.ChannelReader<string> reader) { await foreach (var url in reader.ReadAllAsync()) { await [|Http.GetAsync(url)|]; } }")]
        // paging: round again while it succeeds
        [InlineData("public async Task Run(string url) { HttpResponseMessage r; do { r = await [|Http.GetAsync(url)|]; } while (r.IsSuccessStatusCode && r.Headers.Contains(\"Link\")); }")]
        // the retry loop is around a lambda that runs elsewhere
        [InlineData("public void Run(string url, List<Func<Task>> work) { for (var i = 0; i < 3; i++) { try { work.Add(() => [|Http.GetAsync(url)|]); return; } catch (HttpRequestException) { } } }")]
        public Task Flags_LoopsThatAreNotRetries(string members) => VerifySF2001.AnalyzerAsync(Api("private static readonly HttpClient Http = new HttpClient(); " + members, Usings + "using System.Collections.Generic;\n"));

        [Theory]
        // the method sends again by calling itself with the same request after a 429 (a retry flag, a try count and a token may change)
        [InlineData("public async Task<string> Run(string user, bool retry) { var r = await Http.GetAsync(\"https://x/\" + user); if (r.StatusCode == System.Net.HttpStatusCode.TooManyRequests && retry) { await Task.Delay(2000); return await Run(user, false); } return await r.Content.ReadAsStringAsync(); }")]
        [InlineData("public async Task Run(string url, int attempt, CancellationToken ct) { try { await Http.PostAsync(url, null, ct); } catch (HttpRequestException) when (attempt < 3) { await Task.Delay(1000, CancellationToken.None); await Run(url, attempt + 1, CancellationToken.None); } }")]
        // or re-schedules itself from its catch
        [InlineData("public async Task Run(string url, List<Func<Task>> later) { try { await Http.PostAsync(url, null); } catch (HttpRequestException) { later.Add(() => Run(url, later)); } }")]
        public Task DoesNotFlag_SendsAgainByCallingItself(string members) => VerifySF2001.AnalyzerAsync(Api("private static readonly HttpClient Http = new HttpClient(); " + members, Usings + "using System.Collections.Generic;\n"));

        [Theory]
        // recursion that walks pages: another URL each time, not the same request again
        [InlineData("public async Task Run(string url) { var r = await [|Http.GetAsync(url)|]; if (r.Headers.TryGetValues(\"Link\", out var next)) { foreach (var n in next) await Run(n); } }")]
        // recursion over a tree of items
        [InlineData("public async Task Run(string url, string[] children) { await [|Http.GetAsync(url)|]; foreach (var child in children) await Run(url + \"/\" + child, Array.Empty<string>()); }")]
        // a call of another overload is not a call of itself
        [InlineData("public async Task Run(string url) { var r = await [|Http.GetAsync(url)|]; if (!r.IsSuccessStatusCode) await Run(url, 1); } public Task Run(string url, int n) => Task.CompletedTask;")]
        public Task Flags_SelfCallsThatAreNotRetries(string members) => VerifySF2001.AnalyzerAsync(Api("private static readonly HttpClient Http = new HttpClient(); " + members, Usings + "using System.Collections.Generic;\n"));

        // ---------------------------------------------------------------- command-line tools

        /// <summary>A console program's files: its entry point and a class that sends (one call each, silent or flagged by the test).</summary>
        private static string Tool(string entryPoint, string call) => Usings + entryPoint + """

            public static class Installer
            {
                private static readonly HttpClient Http = new HttpClient();

                public static async Task<string> FetchAsync(string id) =>
            """ + " await " + call + """
            ;
            }
            """;

        [Theory]
        // reads its arguments, runs one command and exits: the person who ran it sees the failure
        [InlineData("""
            public static class Program
            {
                public static async Task Main(string[] args) => Console.WriteLine(await Installer.FetchAsync(args[0]));
            }
            """)]
        [InlineData("""
            public static class Program
            {
                public static void Main(string[] args) => Run(args);
                private static void Run(string[] args) { foreach (var a in args) Console.WriteLine(Installer.FetchAsync(a).GetAwaiter().GetResult()); }
            }
            """)]
        [InlineData("""
            public static class Program
            {
                public static async Task<int> Main(string[] args) { if (args.Length == 0) return 1; Console.WriteLine(await Installer.FetchAsync(args[0])); return 0; }
            }
            """)]
        public Task DoesNotFlag_CommandLineTool(string entryPoint) => new SteadfastAnalyzerTest<SF2001HttpCallWithoutRetryAnalyzer>
        {
            OutputKind = Microsoft.CodeAnalysis.OutputKind.ConsoleApplication,
            TestCode = Tool(entryPoint, "Http.GetStringAsync(\"https://example.com/\" + id)"),
        }.RunAsync();

        [Fact]
        public Task DoesNotFlag_CommandLineTool_TopLevelStatements() => new SteadfastAnalyzerTest<SF2001HttpCallWithoutRetryAnalyzer>
        {
            OutputKind = Microsoft.CodeAnalysis.OutputKind.ConsoleApplication,
            TestCode = "using System.Net.Http; var http = new HttpClient(); var page = await http.GetStringAsync(\"https://example.com/\" + args[0]); System.Console.WriteLine(page);",
        }.RunAsync();

        [Theory]
        // no arguments read: a demo or a bot started as is, not a tool
        [InlineData("""
            public static class Program
            {
                public static async Task Main() => Console.WriteLine(await Installer.FetchAsync("a"));
            }
            """)]
        // reads its arguments but keeps running: waits forever (a bot), or loops until stopped, directly or in a method it calls
        [InlineData("""
            public static class Program
            {
                public static async Task Main(string[] args) { Console.WriteLine(await Installer.FetchAsync(args[0])); await Task.Delay(-1); }
            }
            """)]
        [InlineData("""
            public static class Program
            {
                public static async Task Main(string[] args) { Console.WriteLine(await Installer.FetchAsync(args[0])); await Task.Delay(Timeout.InfiniteTimeSpan); }
            }
            """)]
        [InlineData("""
            public static class Program
            {
                public static Task Main(string[] args) => RunAsync(args[0]);
                private static async Task RunAsync(string id) { while (true) { Console.WriteLine(await Installer.FetchAsync(id)); await Task.Delay(60_000); } }
            }
            """)]
        // reads its arguments and runs a host: a service
        [InlineData("""
            public static class Program
            {
                public static void Main(string[] args)
                {
                    var app = Microsoft.AspNetCore.Builder.WebApplication.CreateBuilder(args).Build();
                    Microsoft.AspNetCore.Builder.EndpointRouteBuilderExtensions.MapGet(app, "/", () => Installer.FetchAsync("a"));
                    app.Run();
                }
            }
            """)]
        [InlineData("""
            public static class Program
            {
                public static void Main(string[] args) => Microsoft.Extensions.Hosting.HostingAbstractionsHostExtensions.Run(Microsoft.Extensions.Hosting.Host.CreateDefaultBuilder(args).Build());
            }
            """)]
        public Task Flags_ConsoleProgramsThatAreNotCommandLineTools(string entryPoint) => new SteadfastAnalyzerTest<SF2001HttpCallWithoutRetryAnalyzer>
        {
            OutputKind = Microsoft.CodeAnalysis.OutputKind.ConsoleApplication,
            TestCode = Tool(entryPoint, "[|Http.GetStringAsync(\"https://example.com/\" + id)|]"),
        }.RunAsync();

        [Fact]
        public Task Flags_ALibraryWhoseMainLooksLikeATool() => new SteadfastAnalyzerTest<SF2001HttpCallWithoutRetryAnalyzer>
        {
            TestCode = Tool("""
                public static class Program
                {
                    public static async Task Main(string[] args) => Console.WriteLine(await Installer.FetchAsync(args[0]));
                }
                """, "[|Http.GetStringAsync(\"https://example.com/\" + id)|]"),
        }.RunAsync();

        // ---------------------------------------------------------------- in-memory test servers

        /// <summary>Microsoft.AspNetCore.TestHost and Microsoft.AspNetCore.Mvc.Testing (not referenced here), as they declare their types.</summary>
        private const string TestServers = """

            namespace Microsoft.AspNetCore.TestHost
            {
                public class TestServer : IDisposable
                {
                    public HttpClient CreateClient() => throw new NotSupportedException();
                    public HttpMessageHandler CreateHandler() => throw new NotSupportedException();
                    public void Dispose() { }
                }
                public static class HostBuilderTestServerExtensions
                {
                    public static HttpClient GetTestClient(this Microsoft.Extensions.Hosting.IHost host) => throw new NotSupportedException();
                }
            }
            namespace Microsoft.AspNetCore.Mvc.Testing
            {
                public class WebApplicationFactoryClientOptions { }
                public class WebApplicationFactory<TEntryPoint> : IDisposable where TEntryPoint : class
                {
                    public Microsoft.AspNetCore.TestHost.TestServer Server => throw new NotSupportedException();
                    public HttpClient CreateClient() => throw new NotSupportedException();
                    public HttpClient CreateClient(WebApplicationFactoryClientOptions options) => throw new NotSupportedException();
                    public HttpClient CreateDefaultClient(params DelegatingHandler[] handlers) => throw new NotSupportedException();
                    public void Dispose() { }
                }
            }
            namespace Lookalike
            {
                public class TestServer { public HttpClient CreateClient() => new HttpClient(); public HttpMessageHandler CreateHandler() => new HttpClientHandler(); }
            }
            public sealed class LoggingHandler : DelegatingHandler { }
            public sealed class ApiFixture
            {
                public HttpClient Client { get; private set; } = null!;
                public void Start(Microsoft.AspNetCore.TestHost.TestServer server) => Client = server.CreateClient();
            }
            """;

        private static string Server(string members) => Api(members, Usings + "using Microsoft.AspNetCore.TestHost;\nusing Microsoft.AspNetCore.Mvc.Testing;\n") + TestServers;

        [Theory]
        [InlineData("public Task Run(TestServer server) => server.CreateClient().GetAsync(\"/health\");")]
        [InlineData("public Task Run(WebApplicationFactory<Lead> f) => f.CreateClient().GetAsync(\"/health\");")]
        [InlineData("public Task Run(WebApplicationFactory<Lead> f) => f.CreateClient(new WebApplicationFactoryClientOptions()).GetAsync(\"/health\");")]
        [InlineData("public Task Run(WebApplicationFactory<Lead> f) => f.CreateDefaultClient(new LoggingHandler()).GetAsync(\"/health\");")]
        [InlineData("public Task Run(WebApplicationFactory<Lead> f) => f.Server.CreateClient().GetAsync(\"/health\");")]
        [InlineData("public Task Run(Microsoft.Extensions.Hosting.IHost host) => host.GetTestClient().GetAsync(\"/health\");")]
        // new HttpClient over a test server's handler: directly, wrapped, through a local
        [InlineData("public Task Run(TestServer server) { var client = new HttpClient(server.CreateHandler()) { BaseAddress = new Uri(\"http://localhost\") }; return client.GetAsync(\"/health\"); }")]
        [InlineData("public Task Run(TestServer server) => new HttpClient(new LoggingHandler { InnerHandler = server.CreateHandler() }).GetAsync(\"/health\");")]
        [InlineData("public Task Run(TestServer server) { var handler = server.CreateHandler(); var client = new HttpClient(handler); return client.GetAsync(\"/health\"); }")]
        // followed through fields and properties assigned only from such calls
        [InlineData("private readonly HttpClient _client; public EnrichmentApi(WebApplicationFactory<Lead> f) { _client = f.CreateClient(); } public Task Run() => _client.GetAsync(\"/health\");")]
        [InlineData("private HttpClient Client { get; } public EnrichmentApi(TestServer s) { Client = s.CreateClient(); } public Task Run() => Client.GetStringAsync(\"/health\");")]
        [InlineData("private HttpClient? _client; public Task Run(TestServer s) => (_client ??= s.CreateClient()).GetAsync(\"/health\");")]
        [InlineData("private readonly ApiFixture _fixture = new(); public Task Run() => _fixture.Client.GetAsync(\"/health\");")]
        // helpers that receive them: a private method and a local function whose every caller here passes one
        [InlineData("public Task Run(TestServer s) => Get(s.CreateClient(), \"/a\"); private Task<HttpResponseMessage> Get(HttpClient c, string path) => c.GetAsync(path);")]
        [InlineData("public Task Run(TestServer s) { return Get(s.CreateClient()); Task<HttpResponseMessage> Get(HttpClient c) => c.GetAsync(\"/a\"); }")]
        public Task DoesNotFlag_InMemoryTestServerClients(string members) => VerifySF2001.AnalyzerAsync(Server(members));

        [Theory]
        // also given a real client somewhere
        [InlineData("private HttpClient _c = null!; public void A(TestServer s) { _c = s.CreateClient(); } public void B() { _c = new HttpClient(); } public Task Run() => [|_c.GetAsync(\"/a\")|];")]
        [InlineData("public Task Run(TestServer s) => Task.WhenAll(Get(s.CreateClient()), Get(new HttpClient())); private Task<HttpResponseMessage> Get(HttpClient c) => [|c.GetAsync(\"/a\")|];")]
        // callers not all known: a public helper, a private one used as a delegate
        [InlineData("public Task<HttpResponseMessage> Get(HttpClient c) => [|c.GetAsync(\"/a\")|]; public Task Run(TestServer s) => Get(s.CreateClient());")]
        [InlineData("public Task Run(TestServer s) { Func<HttpClient, Task<HttpResponseMessage>> f = Get; return Get(s.CreateClient()); } private Task<HttpResponseMessage> Get(HttpClient c) => [|c.GetAsync(\"/a\")|];")]
        // a type of our own named TestServer
        [InlineData("public Task Run(Lookalike.TestServer s) => [|s.CreateClient().GetAsync(\"/a\")|];")]
        [InlineData("public Task Run(Lookalike.TestServer s) => [|new HttpClient(s.CreateHandler()).GetAsync(\"/a\")|];")]
        public Task Flags_NotOnlyTestServerClients(string members) => AnalyzerReportingClientsFromOutsideAsync(Server(members)); // callers not all known: from outside, trusted by default

        // ---------------------------------------------------------------- one warning per mistake

        [Fact]
        public Task RegisteredTypedClient_ThreeCalls_OneWarningAtTheRegistration() => new SteadfastAnalyzerTest<SF2001HttpCallWithoutRetryAnalyzer>
        {
            Sources =
            {
                "using System.Net.Http; using System.Threading.Tasks; public class GitHubClient(HttpClient http) { public Task A() => http.GetAsync(\"a\"); public Task B() => http.PostAsync(\"b\", null); public Task<string> C() => http.GetStringAsync(\"c\"); }",
                "using Microsoft.Extensions.DependencyInjection; static class Setup { public static void Add(IServiceCollection s) => {|#0:s.AddHttpClient<GitHubClient>()|}; }",
            },
            ExpectedDiagnostics =
            {
                VerifySF2001.Diagnostic("SF2001").WithLocation(0)
                    .WithMessage("Every request of the client registered by 'AddHttpClient<GitHubClient>' is sent once: a 503, a 429 or a dropped connection fails it for good. Add a resilience handler to the registration."),
            },
        }.RunAsync();

        [Theory]
        [InlineData("public class PluginBuilderClient { private readonly HttpClient httpClient; public HttpClient HttpClient => httpClient; public PluginBuilderClient(HttpClient httpClient) { this.httpClient = httpClient; } }")]
        [InlineData("public class PluginBuilderClient(HttpClient http) { public HttpClient HttpClient { get; } = http; }")]
        public Task TypedClientsExposedHttpClient_OneWarningAtTheRegistration(string typedClient) => new SteadfastAnalyzerTest<SF2001HttpCallWithoutRetryAnalyzer>
        {
            // btcpayserver's UIServerController: _pluginBuilderClient.HttpClient.GetAsync(url), its registration already reported.
            EditorConfig = ReportClientsFromOutside, // not trust: the registration in this project decides
            Sources =
            {
                "using System.Net.Http; " + typedClient,
                "using System.Threading.Tasks; public class Controller { private readonly PluginBuilderClient _pluginBuilderClient; public Controller(PluginBuilderClient c) => _pluginBuilderClient = c; public Task Get(string url) => _pluginBuilderClient.HttpClient.GetAsync(url); }",
                "using Microsoft.Extensions.DependencyInjection; static class Setup { public static void Add(IServiceCollection s) => [|s.AddHttpClient<PluginBuilderClient>()|]; }",
            },
        }.RunAsync();

        [Fact]
        public Task Flags_AnotherTypesExposedHttpClient_MadeThere() => new SteadfastAnalyzerTest<SF2001HttpCallWithoutRetryAnalyzer>
        {
            // the look-alike: the other type makes its client itself, and is registered as nothing
            Sources =
            {
                "using System.Net.Http; public class PluginBuilderClient { public HttpClient HttpClient { get; } = new HttpClient(); }",
                "using System.Threading.Tasks; public class Controller { private readonly PluginBuilderClient _pluginBuilderClient = new(); public Task Get(string url) => [|_pluginBuilderClient.HttpClient.GetAsync(url)|]; }",
            },
        }.RunAsync();

        [Fact]
        public Task DoesNotFlag_ClientsFromCallsThatDoNotResolve() => new SteadfastAnalyzerTest<SF2001HttpCallWithoutRetryAnalyzer>
        {
            // ReliableBot's LeadBot without Steadfast.Runtime: ResilientHttp.CreateClient() does not resolve, so nothing is known of the client.
            ReferenceSteadfastRuntime = false,
            TestCode = """
                using System.Net.Http;
                using System.Threading.Tasks;
                public class LeadBot
                {
                    private static readonly HttpClient Shared = {|CS0103:ResilientHttp|}.CreateClient();
                    private readonly HttpClient _made = new {|CS0246:ResilientClient|}();
                    private readonly HttpClient _candidate = Make({|CS1503:1|});
                    private static HttpClient Make(string name) => null!;
                    public Task A(string url) => Shared.GetAsync(url);
                    public Task B(string url) => _made.GetStringAsync(url);
                    public Task C(string url) => _candidate.GetAsync(url);
                    public async Task D(string url) { var client = Shared; await client.GetAsync(url); }
                    // the look-alikes: a client made here, resolved, still reported
                    public Task E(string url) => [|new HttpClient().GetAsync(url)|];
                    public Task F(bool x, string url) => [|(x ? Shared : new HttpClient()).GetAsync(url)|];
                }
                """,
        }.RunAsync();

        [Fact]
        public Task Flags_FactoryClientsWhoseRegistrationIsNotInThisProject_SaySo() => AnalyzerReportingClientsFromOutsideAsync(
            Api("""

                public Task Named(IHttpClientFactory f) => {|#0:f.CreateClient("github").GetAsync("x")|};
                public Task Default(IHttpClientFactory f) => {|#1:f.CreateClient().GetAsync("x")|};
                public Task Parameter(HttpClient c) => {|#2:c.GetAsync("x")|};
            """) + """

            public class Typed(HttpClient http) { public Task A() => {|#3:http.GetAsync("a")|}; }
            """,
            VerifySF2001.Diagnostic("SF2001").WithLocation(0)
                .WithMessage("'HttpClient.GetAsync' is sent once: a 503, a 429 or a dropped connection fails it for good. Its AddHttpClient(\"github\") registration is not in this project: add a resilience handler to it there, or retry the call with ResilientHttp."),
            VerifySF2001.Diagnostic("SF2001").WithLocation(1)
                .WithMessage("'HttpClient.GetAsync' is sent once: a 503, a 429 or a dropped connection fails it for good. Its IHttpClientFactory registration is not in this project: add a resilience handler to it there, or retry the call with ResilientHttp."),
            VerifySF2001.Diagnostic("SF2001").WithLocation(2)
                .WithMessage("'HttpClient.GetAsync' is sent once: a 503, a 429 or a dropped connection fails it for good. Retry it with ResilientHttp, or make the client resilient."),
            VerifySF2001.Diagnostic("SF2001").WithLocation(3)
                .WithMessage("'HttpClient.GetAsync' is sent once: a 503, a 429 or a dropped connection fails it for good. The client is injected into 'Typed', and its AddHttpClient<Typed> registration is not in this project: add a resilience handler to it there, or retry the call with ResilientHttp."));

        [Theory]
        [InlineData("true", false)]
        [InlineData("TRUE", false)]
        [InlineData("false", true)]
        [InlineData("sometimes", true)] // does not parse: the default
        public Task Option_TrustFactoryClients(string value, bool flagged)
        {
            string Mark(string call) => flagged ? "[|" + call + "|]" : call;
            return new SteadfastAnalyzerTest<SF2001HttpCallWithoutRetryAnalyzer>
            {
                EditorConfig = "[*.cs]\nSF2001.trust_injected_clients = false\nSF2001.trust_factory_clients = " + value,
                Sources =
                {
                    Api("public Task Named(IHttpClientFactory f) => " + Mark("f.CreateClient(\"github\").GetAsync(\"x\")") + ";" +
                        " public Task Parameter(HttpClient c) => [|c.GetAsync(\"x\")|];" +
                        " public Task New() => [|new HttpClient().GetAsync(\"x\")|];") +
                    "\npublic class Typed(HttpClient http) { public Task A() => " + Mark("http.GetAsync(\"a\")") + "; }",
                    // a registration in this project is judged here either way
                    "using Microsoft.Extensions.DependencyInjection; public class Local(System.Net.Http.HttpClient http) { public System.Threading.Tasks.Task A() => http.GetAsync(\"a\"); } static class Setup { public static void Add(IServiceCollection s) => [|s.AddHttpClient<Local>()|]; }",
                },
            }.RunAsync();
        }

        [Theory]
        [InlineData("true", false)]
        [InlineData("TRUE", false)]
        [InlineData("false", true)]
        [InlineData("sometimes", false)] // does not parse: the default (true)
        public Task Option_TrustInjectedClients(string value, bool flagged)
        {
            string Mark(string call) => flagged ? "[|" + call + "|]" : call;
            return new SteadfastAnalyzerTest<SF2001HttpCallWithoutRetryAnalyzer>
            {
                EditorConfig = "[*.cs]\nSF2001.trust_injected_clients = " + value,
                Sources =
                {
                    // a parameter and a typed client follow the option; a named client and a new client are reported either way
                    Api("public Task Named(IHttpClientFactory f) => [|f.CreateClient(\"github\").GetAsync(\"x\")|];" +
                        " public Task Parameter(HttpClient c) => " + Mark("c.GetAsync(\"x\")") + ";" +
                        " public Task New() => [|new HttpClient().GetAsync(\"x\")|];") +
                    "\npublic class Typed(HttpClient http) { public Task A() => " + Mark("http.GetAsync(\"a\")") + "; }",
                    // a registration in this project is judged here either way
                    "using Microsoft.Extensions.DependencyInjection; public class Local(System.Net.Http.HttpClient http) { public System.Threading.Tasks.Task A() => http.GetAsync(\"a\"); } static class Setup { public static void Add(IServiceCollection s) => [|s.AddHttpClient<Local>()|]; }",
                },
            }.RunAsync();
        }

        // ---------------------------------------------------------------- fix: make the client resilient

        [Fact]
        public Task Fix_MakeClientResilient_FieldWithHandlerAndBaseAddress_FixesEveryCall() => VerifySF2001.CodeFixAsync(Api("""

                private static readonly HttpClient Http = new HttpClient(new HttpClientHandler()) { BaseAddress = new Uri("https://enrich.example.com/") };
                public Task<HttpResponseMessage> Enrich(string id) => [|Http.GetAsync("leads/" + id)|];
                public Task<Lead?> Get(string id) => [|Http.GetFromJsonAsync<Lead>("leads/" + id)|];
            """), Api("""

                private static readonly HttpClient Http = ResilientHttp.CreateClient(new HttpClientHandler(), baseAddress: new Uri("https://enrich.example.com/"));
                public Task<HttpResponseMessage> Enrich(string id) => Http.GetAsync("leads/" + id);
                public Task<Lead?> Get(string id) => Http.GetFromJsonAsync<Lead>("leads/" + id);
            """), Preferred);

        [Fact]
        public Task Fix_MakeClientResilient_LocalInOneTimeSetUp_AndUsingAdded() => VerifySF2001.CodeFixAsync("""
            using System.Net.Http;
            using System.Threading.Tasks;

            class Program
            {
                static async Task Main()
                {
                    var client = new HttpClient();
                    System.Console.WriteLine(await [|client.GetStringAsync("https://example.com")|]);
                }
            }
            """, """
            using System.Net.Http;
            using System.Threading.Tasks;
            using Steadfast;

            class Program
            {
                static async Task Main()
                {
                    var client = ResilientHttp.CreateClient();
                    System.Console.WriteLine(await client.GetStringAsync("https://example.com"));
                }
            }
            """, Preferred);

        /// <summary>A client created per call is SF2002's to fix (shared and resilient at once); fixing the call here would stack two retry layers.</summary>
        [Theory]
        [InlineData(MakeResilient)]
        [InlineData(Retry)]
        public Task Fix_NotOfferedForAClientCreatedPerCall(string key) => VerifySF2001.NoCodeFixAsync(Api("""

                public async Task<string> Get(string url)
                {
                    using var client = new HttpClient();
                    return await [|client.GetStringAsync(url)|] + await [|new HttpClient().GetStringAsync(url)|];
                }
            """), key);

        /// <summary>
        /// dotnet format computes every diagnostic first and fixes one rule after another: when SF2002's "share one client"
        /// ran first, SF2001's stale diagnostic now sits on a call whose client is shared and resilient. No fix may be
        /// offered there (it would stack a second retry layer).
        /// </summary>
        [Fact]
        public async Task Fix_NotOfferedOnceAnotherFixMadeTheClientResilient()
        {
            var source = Api("""

                    private static readonly HttpClient SharedHttpClient = CreateSharedHttpClient();
                    private static HttpClient CreateSharedHttpClient() { var client = ResilientHttp.CreateClient(); client.Timeout = TimeSpan.FromSeconds(5); return client; }
                    public async Task<string> Get(string url)
                    {
                        var client = SharedHttpClient;
                        return await client.GetStringAsync(url);
                    }
                """);
            var document = AnalyzerRunner.CreateProject(new[] { source }).Documents.Single();
            var root = (await document.GetSyntaxRootAsync())!;
            var call = root.DescendantNodes().OfType<Microsoft.CodeAnalysis.CSharp.Syntax.InvocationExpressionSyntax>().Single(i => i.ToString() == "client.GetStringAsync(url)");
            var stale = Microsoft.CodeAnalysis.Diagnostic.Create(Steadfast.Analyzers.Descriptors.SF2001HttpCallWithoutRetry, call.GetLocation(), "HttpClient.GetStringAsync");

            var offered = new System.Collections.Generic.List<string?>();
            var context = new Microsoft.CodeAnalysis.CodeFixes.CodeFixContext(document, stale, (action, _) => offered.Add(action.EquivalenceKey), default);
            await new SF2001HttpCallWithoutRetryCodeFix().RegisterCodeFixesAsync(context);

            Assert.Empty(offered);
            var found = await AnalyzerRunner.RunAsync(document.Project, new SF2001HttpCallWithoutRetryAnalyzer()); // fails on compiler errors
            Assert.Empty(found); // and the analyzer agrees: the shared client retries
        }

        [Theory]
        [InlineData("private static readonly HttpClient Http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) }; public Task Run(string url) => [|Http.GetAsync(url)|];")]
        [InlineData("private static readonly HttpClient Http = new HttpClient(new HttpClientHandler(), disposeHandler: false); public Task Run(string url) => [|Http.GetAsync(url)|];")]
        [InlineData("public Task Run(HttpClient client, string url) => [|client.GetAsync(url)|];")]
        public Task Fix_MakeClientResilient_NotOffered(string members) => NoCodeFixReportingClientsFromOutsideAsync(Api(members), MakeResilient);

        // ---------------------------------------------------------------- fix: a resilience handler on the registration

        private const string Registrations = """
            using System.Net.Http;
            using Microsoft.Extensions.DependencyInjection;

            public class GitHubClient { }

            static class Setup
            {
                public static void Add(IServiceCollection services)
                {
                    [|services.AddHttpClient<GitHubClient>()|]
                        .ConfigureHttpClient(c => c.BaseAddress = new System.Uri("https://api.github.com"))
                        .SetHandlerLifetime(System.TimeSpan.FromMinutes(5));
                    var crm = [|services.AddHttpClient("crm")|];
                    crm.ConfigureHttpClient(c => c.Timeout = System.TimeSpan.FromSeconds(10));
                }
            }
            """;

        [Fact]
        public Task Fix_Registration_AddsTheStandardResilienceHandler_WhereMicrosoftExtensionsHttpResilienceIsReferenced() => VerifySF2001.CodeFixAsync(
            Registrations,
            """
            using System.Net.Http;
            using Microsoft.Extensions.DependencyInjection;

            public class GitHubClient { }

            static class Setup
            {
                public static void Add(IServiceCollection services)
                {
                    services.AddHttpClient<GitHubClient>()
                        .ConfigureHttpClient(c => c.BaseAddress = new System.Uri("https://api.github.com"))
                        .SetHandlerLifetime(System.TimeSpan.FromMinutes(5)).AddStandardResilienceHandler();
                    var crm = services.AddHttpClient("crm");
                    crm.AddStandardResilienceHandler();
                    crm.ConfigureHttpClient(c => c.Timeout = System.TimeSpan.FromSeconds(10));
                }
            }
            """,
            Preferred);

        [Fact]
        public Task Fix_Registration_AddsSteadfastsRetry_WithoutMicrosoftExtensionsHttpResilience() => new SteadfastCodeFixTest<SF2001HttpCallWithoutRetryAnalyzer, SF2001HttpCallWithoutRetryCodeFix>
        {
            ExcludedReferences = { "Microsoft.Extensions.Http.Resilience" },
            TestCode = Registrations,
            FixedCode = """
                using System.Net.Http;
                using Microsoft.Extensions.DependencyInjection;
                using Steadfast;

                public class GitHubClient { }

                static class Setup
                {
                    public static void Add(IServiceCollection services)
                    {
                        services.AddHttpClient<GitHubClient>()
                            .ConfigureHttpClient(c => c.BaseAddress = new System.Uri("https://api.github.com"))
                            .SetHandlerLifetime(System.TimeSpan.FromMinutes(5)).AddSteadfastRetry();
                        var crm = services.AddHttpClient("crm");
                        crm.AddSteadfastRetry();
                        crm.ConfigureHttpClient(c => c.Timeout = System.TimeSpan.FromSeconds(10));
                    }
                }
                """,
            CodeActionEquivalenceKey = Preferred,
        }.RunAsync();

        [Fact]
        public Task Fix_Registration_NotOfferedWithNeitherLibrary() => new SteadfastCodeFixTest<SF2001HttpCallWithoutRetryAnalyzer, SF2001HttpCallWithoutRetryCodeFix>
        {
            ReferenceSteadfastRuntime = false,
            ExcludedReferences = { "Microsoft.Extensions.Http.Resilience" },
            TestCode = "using Microsoft.Extensions.DependencyInjection; static class Setup { public static void Add(IServiceCollection s) => [|s.AddHttpClient(\"crm\")|]; }",
            CodeActionEquivalenceKey = Preferred,
        }.RunAsync();

        // ---------------------------------------------------------------- fix: retry the call

        [Fact]
        public Task Fix_Retry_PassesTheCallsTokenThrough() => CodeFixReportingClientsFromOutsideAsync(Api("""

                public async Task<Lead?> Get(HttpClient client, string url, CancellationToken ct)
                {
                    using var response = await [|client.GetAsync(url, ct)|];
                    return await [|client.GetFromJsonAsync<Lead>(url, ct)|];
                }
            """), Api("""

                public async Task<Lead?> Get(HttpClient client, string url, CancellationToken ct)
                {
                    using var response = await ResilientHttp.RetryAsync(retryToken => client.GetAsync(url, retryToken), ct);
                    return await ResilientHttp.RetryAsync(retryToken => client.GetFromJsonAsync<Lead>(url, retryToken), ct);
                }
            """), Preferred);

        [Fact]
        public Task Fix_Retry_UsesATokenInScope_AndHandsTheCallOne() => CodeFixReportingClientsFromOutsideAsync(Api("""

                public Task<string> Get(HttpClient client, string url, CancellationToken cancellationToken) => [|client.GetStringAsync(url)|];
                public Task<HttpResponseMessage> Delete(HttpClient client, string url) => [|client.DeleteAsync(url)|];
                public Task<HttpResponseMessage> Send(HttpClient client, string url) => [|client.SendAsync(new HttpRequestMessage(HttpMethod.Get, url))|];
            """), Api("""

                public Task<string> Get(HttpClient client, string url, CancellationToken cancellationToken) => ResilientHttp.RetryAsync(ct => client.GetStringAsync(url, cancellationToken: ct), cancellationToken);
                public Task<HttpResponseMessage> Delete(HttpClient client, string url) => ResilientHttp.RetryAsync(ct => client.DeleteAsync(url, cancellationToken: ct));
                public Task<HttpResponseMessage> Send(HttpClient client, string url) => ResilientHttp.RetryAsync(ct => client.SendAsync(new HttpRequestMessage(HttpMethod.Get, url), cancellationToken: ct));
            """), Preferred);

        [Theory]
        [InlineData("public Task Run(HttpClient c, string url) => [|c.PostAsync(url, new StringContent(\"x\"))|];")]
        [InlineData("public Task Run(HttpClient c, string url) => [|c.PatchAsJsonAsync(url, new Lead(\"a\"))|];")]
        [InlineData("public Task Run(HttpClient c, HttpRequestMessage request) => [|c.SendAsync(request)|];")]
        [InlineData("public Task Run(HttpClient c, string url) => [|c.SendAsync(new HttpRequestMessage(HttpMethod.Post, url))|];")]
        public Task Fix_Retry_NotOfferedForCallsThatCannotBeRepeated(string members) => NoCodeFixReportingClientsFromOutsideAsync(Api(members), Retry);

        [Fact]
        public Task Fix_NotOfferedWithoutRuntime() => new SteadfastCodeFixTest<SF2001HttpCallWithoutRetryAnalyzer, SF2001HttpCallWithoutRetryCodeFix>
        {
            ReferenceSteadfastRuntime = false,
            EditorConfig = ReportClientsFromOutside,
            TestCode = "using System.Net.Http; using System.Threading.Tasks; class C { public Task Run(HttpClient c) => [|c.GetAsync(\"x\")|]; }",
            CodeActionEquivalenceKey = Retry,
        }.RunAsync();

        [Fact]
        public Task FixAll_Retry_EveryCallInEveryDocument() => new SteadfastCodeFixTest<SF2001HttpCallWithoutRetryAnalyzer, SF2001HttpCallWithoutRetryCodeFix>
        {
            EditorConfig = ReportClientsFromOutside,
            Sources =
            {
                "using System.Net.Http;\nusing System.Threading.Tasks;\nclass A\n{\n    public Task<string> Get(HttpClient c) => [|c.GetStringAsync(\"a\")|];\n    public Task<HttpResponseMessage> Put(HttpClient c) => [|c.PutAsync(\"a\", null)|];\n}",
                "using System.Net.Http;\nusing System.Threading.Tasks;\nclass B\n{\n    public Task<byte[]> Get(HttpClient c) => [|c.GetByteArrayAsync(\"b\")|];\n}",
            },
            FixedSources =
            {
                "using System.Net.Http;\nusing System.Threading.Tasks;\nusing Steadfast;\nclass A\n{\n    public Task<string> Get(HttpClient c) => ResilientHttp.RetryAsync(ct => c.GetStringAsync(\"a\", cancellationToken: ct));\n    public Task<HttpResponseMessage> Put(HttpClient c) => ResilientHttp.RetryAsync(ct => c.PutAsync(\"a\", null, cancellationToken: ct));\n}",
                "using System.Net.Http;\nusing System.Threading.Tasks;\nusing Steadfast;\nclass B\n{\n    public Task<byte[]> Get(HttpClient c) => ResilientHttp.RetryAsync(ct => c.GetByteArrayAsync(\"b\", cancellationToken: ct));\n}",
            },
            CodeActionEquivalenceKey = Preferred,
        }.RunAsync();

        // ---------------------------------------------------------------- round 4: real-code look-alikes

        private const string ClientNames = """

            public static class Names
            {
                public const string Webhook = "webhook";
                public static string Onion { get; set; } = "onion";
                public static readonly string[] All = { Webhook, "other" };
            }
            """;

        [Theory]
        // The registrations are read without binding the method around them (round 4's cost work): the name as a
        // literal, a constant of another type, nameof, a named argument, or a static property; the type arguments.
        [InlineData("[|s.AddHttpClient(Names.Webhook)|];", "f.CreateClient(\"webhook\")")]
        [InlineData("[|s.AddHttpClient(\"webhook\", c => c.Timeout = TimeSpan.FromSeconds(5))|];", "f.CreateClient(Names.Webhook)")]
        [InlineData("[|s.AddHttpClient(nameof(EnrichmentApi))|];", "f.CreateClient(\"EnrichmentApi\")")]
        [InlineData("[|s.AddHttpClient(configureClient: c => { }, name: Names.Webhook)|];", "f.CreateClient(Names.Webhook)")]
        [InlineData("[|s.AddHttpClient(Names.Onion)|];", "f.CreateClient(Names.Onion)")]
        public Task RegisteredNamedClients_AreWarnedAtTheirRegistration_WhateverTheNamesSpelling(string registration, string client) => new SteadfastAnalyzerTest<SF2001HttpCallWithoutRetryAnalyzer>
        {
            Sources =
            {
                Api("public Task Run(IHttpClientFactory f, string url) => " + client + ".GetAsync(url);") + ClientNames,
                "using System; using Microsoft.Extensions.DependencyInjection; static class Setup { public static void Add(IServiceCollection s) { " + registration + " } }",
            },
        }.RunAsync();

        [Fact]
        public Task Flags_CallOnANamedClientRegisteredUnderANameNotKnownHere() => new SteadfastAnalyzerTest<SF2001HttpCallWithoutRetryAnalyzer>
        {
            // the names come from a loop: which clients are registered is not known, so the call is judged as unregistered
            Sources =
            {
                Api("public Task Run(IHttpClientFactory f, string url) => [|f.CreateClient(Names.Webhook).GetAsync(url)|];") + ClientNames,
                "using System; using Microsoft.Extensions.DependencyInjection; static class Setup { public static void Add(IServiceCollection s) { foreach (var n in Names.All) { [|s.AddHttpClient(n)|]; } } }",
            },
        }.RunAsync();

        [Theory]
        // btcpayserver's Kraken rate provider: a client other code sets through a public setter, read through a getter
        // that falls back to a shared client; the setter's value is handed in, like a constructor's parameter
        [InlineData("HttpClient? _local; static readonly HttpClient Shared = new HttpClient(); public HttpClient Http { get => _local ?? Shared; set => _local = value; } public Task Run(string url) => Http.SendAsync(new HttpRequestMessage(HttpMethod.Get, url));")]
        [InlineData("HttpClient? _local; public HttpClient Http { get { return _local!; } set { _local = value; } } public Task Run(string url) => Http.GetAsync(url);")]
        [InlineData("HttpClient? _local; public HttpClient Http { get => _local!; init => _local = value; } public Task Run(string url) => Http.GetAsync(url);")]
        public Task DoesNotFlag_ClientHandedInThroughAPublicSetter(string members) => VerifySF2001.AnalyzerAsync(Api(members));

        [Theory]
        // the setter is private: every value it gets is set here, and here the client is made without retries
        [InlineData("HttpClient? _local; public EnrichmentApi() { Http = new HttpClient(); } public HttpClient Http { get => _local!; private set => _local = value; } public Task Run(string url) => [|Http.GetAsync(url)|];")]
        // a getter that hands out a shared client made here
        [InlineData("static readonly HttpClient Shared = new HttpClient(); public HttpClient Http { get => Shared; } public Task Run(string url) => [|Http.GetAsync(url)|];")]
        public Task Flags_ClientThroughAPropertyMadeHere(string members) => VerifySF2001.AnalyzerAsync(Api(members));

        [Theory]
        // btcpayserver's NBXplorer client: no timeout, for long polling that its listeners reconnect
        [InlineData("s.AddHttpClient(\"explorer\", c => { c.Timeout = System.Threading.Timeout.InfiniteTimeSpan; });")]
        [InlineData("s.AddHttpClient(\"explorer\").ConfigureHttpClient(c => c.Timeout = System.Threading.Timeout.InfiniteTimeSpan);")]
        [InlineData("s.AddHttpClient<EnrichmentApi>().SetHandlerLifetime(System.TimeSpan.FromMinutes(5)).ConfigureHttpClient(c => { c.BaseAddress = new System.Uri(\"https://x\"); c.Timeout = System.Threading.Timeout.InfiniteTimeSpan; });")]
        public Task DoesNotFlag_RegistrationOfAClientWithNoTimeout(string registration) => VerifySF2001.AnalyzerAsync(
            Api("") + "\nstatic class Setup { public static void Add(IServiceCollection s) { " + registration + " } }");

        [Theory]
        // a timeout that is long but finite; a TimeSpan that is not Timeout.InfiniteTimeSpan; another object's Timeout
        [InlineData("[|s.AddHttpClient(\"explorer\", c => { c.Timeout = System.TimeSpan.FromMinutes(10); })|];")]
        [InlineData("[|s.AddHttpClient(\"explorer\")|].ConfigureHttpClient(c => c.Timeout = System.TimeSpan.MaxValue);")]
        [InlineData("[|s.AddHttpClient(\"explorer\")|].ConfigureHttpClient(c => new Options().Timeout = System.Threading.Timeout.InfiniteTimeSpan);")]
        public Task Flags_RegistrationOfAClientWithATimeout(string registration) => VerifySF2001.AnalyzerAsync(
            Api("") + "\nsealed class Options { public System.TimeSpan Timeout { get; set; } }\nstatic class Setup { public static void Add(IServiceCollection s) { " + registration + " } }");

        private const string SelfCallController = """
            using System;
            using System.Net.Http;
            using System.Threading.Tasks;
            using Microsoft.AspNetCore.Http;
            using Microsoft.AspNetCore.Mvc;

            public static class RequestExtensions
            {
                public static string GetAbsoluteUri(this HttpRequest request, string path) => request.Scheme + "://" + request.Host + path;
            }

            public class PayController : Controller
            {
                private static readonly HttpClient Http = new HttpClient();

                public IActionResult Invoice(string id) => Ok(id);

            """;

        [Theory]
        // btcpayserver's NFC controller: a request to one of this application's own routes
        [InlineData("await Http.GetStringAsync(Url.Action(nameof(Invoice), \"Pay\", new { id }, Request.Scheme));")]
        [InlineData("var self = Url.Action(nameof(Invoice), \"Pay\", new { id }, Request.Scheme); await Http.GetAsync($\"{self}?amount=1\");")]
        [InlineData("await Http.GetAsync(new Uri(Url.Action(nameof(Invoice), \"Pay\", new { id }, Request.Scheme)));")]
        [InlineData("await Http.GetStringAsync(Url.RouteUrl(\"invoice\", new { id }, Request.Scheme));")]
        [InlineData("var path = Url.Action(nameof(Invoice), \"Pay\", new { id }); var url = Request.GetAbsoluteUri(path); await Http.GetAsync(url);")]
        [InlineData("var path = Url.Action(nameof(Invoice), \"Pay\", new { id }); await Http.GetAsync(Request.GetAbsoluteUri(path));")]
        public Task DoesNotFlag_RequestToTheApplicationsOwnRoute(string body) => VerifySF2001.AnalyzerAsync(
            SelfCallController + "    public async Task<IActionResult> Pay(string id) { " + body + " return Ok(); }\n}\n");

        [Theory]
        // the own route only rides along, as a callback URL in a remote service's query
        [InlineData("var self = Url.Action(nameof(Invoice), \"Pay\", new { id }, Request.Scheme); await [|Http.GetAsync($\"https://lnurl.example.com/pay?callback={self}\")|];")]
        [InlineData("var self = Url.Action(nameof(Invoice), \"Pay\", new { id }, Request.Scheme); await [|Http.GetAsync(\"https://lnurl.example.com/pay?callback=\" + self)|];")]
        // a URL from the request's query, or one local that is our route on one path and a remote one on another
        [InlineData("await [|Http.GetAsync(Request.Query[\"callback\"].ToString())|];")]
        [InlineData("var url = Url.Action(nameof(Invoice), \"Pay\", new { id }, Request.Scheme); if (id.Length > 3) url = \"https://remote.example.com\"; await [|Http.GetAsync(url)|];")]
        public Task Flags_RequestToARemoteUrlInAController(string body) => VerifySF2001.AnalyzerAsync(
            SelfCallController + "    public async Task<IActionResult> Pay(string id) { " + body + " return Ok(); }\n}\n");

        [Theory]
        // btcpayserver's NFC controller on real code: a route value of a type from a package that did not restore
        [InlineData("var path = Url.Action(nameof(Invoice), \"Pay\", new { id, amount = {|CS0103:Missing|}.LightMoney.Zero }); await Http.GetAsync(Request.GetAbsoluteUri(path));")]
        [InlineData("await Http.GetStringAsync(Url.Action(nameof(Invoice), \"Pay\", new { amount = {|CS0103:missing|} }, Request.Scheme));")]
        public Task DoesNotFlag_RequestToTheApplicationsOwnRoute_WithAnUnresolvedRouteValue(string body) => VerifySF2001.AnalyzerAsync(
            SelfCallController + "    public async Task<IActionResult> Pay(string id) { " + body + " return Ok(); }\n}\n");

        [Fact]
        public Task DoesNotFlag_RequestToTheApplicationsOwnRoute_WhenTheAppDeclaresItsOwnUrlHelperExtensions() => VerifySF2001.AnalyzerAsync(
            // btcpayserver declares a Microsoft.AspNetCore.Mvc.UrlHelperExtensions of its own, which shadows ASP.NET Core's for
            // a look-up by metadata name: ASP.NET Core's Url.Action is still known by its IUrlHelper 'this' parameter
            SelfCallController + "    public async Task<IActionResult> Pay(string id) { var path = Url.Action(nameof(Invoice), \"Pay\", new { id }); await Http.GetAsync(Request.GetAbsoluteUri(path)); return Ok(); }\n}\n" +
            "namespace Microsoft.AspNetCore.Mvc { public static class UrlHelperExtensions { public static string Home(this IUrlHelper url) => \"/\"; } }\n");

        [Theory]
        // an unresolved call that is not a route method: nothing known of the URL, so the call stays judged by its client
        [InlineData("string url = {|CS0103:Build|}(id); await [|Http.GetAsync(url)|];")]
        public Task Flags_RequestToAnUnresolvedUrl(string body) => VerifySF2001.AnalyzerAsync(
            SelfCallController + "    public async Task<IActionResult> Pay(string id) { " + body + " return Ok(); }\n}\n");

        [Theory]
        // the route URL with a null-forgiving '!' (Url.Action returns string?): '!' changes no value, so it is the same request to self
        [InlineData("await Http.GetStringAsync(Url.Action(nameof(Invoice), \"Pay\", new { id }, Request.Scheme)!);")]
        [InlineData("var path = Url.Action(nameof(Invoice), \"Pay\", new { id })!; await Http.GetAsync(Request.GetAbsoluteUri(path));")]
        public Task DoesNotFlag_RequestToTheApplicationsOwnRoute_NullForgiving(string body) => VerifySF2001.AnalyzerAsync(
            "#nullable enable\n" + SelfCallController + "    public async Task<IActionResult> Pay(string id) { " + body + " return Ok(); }\n}\n");

        [Theory]
        // the '!' on a remote URL next to an own route: still a remote service
        [InlineData("var self = Url.Action(nameof(Invoice), \"Pay\", new { id }, Request.Scheme)!; await [|Http.GetAsync($\"https://lnurl.example.com/pay?callback={self}\")|];")]
        [InlineData("string? remote = Request.Headers[\"X-Callback\"]; await [|Http.GetAsync(remote!)|];")]
        public Task Flags_RequestToARemoteUrlInAController_NullForgiving(string body) => VerifySF2001.AnalyzerAsync(
            "#nullable enable\n" + SelfCallController + "    public async Task<IActionResult> Pay(string id) { " + body + " return Ok(); }\n}\n");

        // ---------------------------------------------------------------- round 6: a retry written by hand in the callers

        /// <summary>btcpayserver's webhook sender: the send is two private methods below a loop that waits, sends again and stops when the result says so.</summary>
        private const string RedeliveryLoop = """
                private static readonly HttpClient Http = new HttpClient();
                public sealed record Result(bool ShouldRetry);

                private async Task<Result> Send(string url, CancellationToken ct)
                {
                    try
                    {
                        using var response = await Http.PostAsync(url, new StringContent("{}"), ct);
                        return new Result((int)response.StatusCode >= 500);
                    }
                    catch (HttpRequestException)
                    {
                        return new Result(true);
                    }
                }

                private async Task<Result> SendAndSave(string url, CancellationToken ct)
                {
                    var result = await Send(url, ct);
                    Console.WriteLine(result);
                    return result;
                }

            """;

        [Theory]
        // the first attempt before the loop, the next ones in it
        [InlineData("""
                public async Task Deliver(string url, CancellationToken ct)
                {
                    var result = await SendAndSave(url, ct);
                    foreach (var wait in new[] { TimeSpan.FromSeconds(10), TimeSpan.FromMinutes(1) })
                    {
                        if (!result.ShouldRetry)
                            return;
                        await Task.Delay(wait, ct);
                        result = await SendAndSave(url, ct);
                    }
                }
            """)]
        // a counted loop left with break when the result is good
        [InlineData("""
                public async Task Deliver(string url, CancellationToken ct)
                {
                    for (var attempt = 0; attempt < 5; attempt++)
                    {
                        var result = await SendAndSave(url, ct);
                        if (!result.ShouldRetry)
                            break;
                        await Task.Delay(1000 * attempt, ct);
                    }
                }
            """)]
        // the condition is the call itself
        [InlineData("""
                public async Task Deliver(string url, CancellationToken ct)
                {
                    while (true)
                    {
                        if (!(await SendAndSave(url, ct)).ShouldRetry)
                            return;
                        await Task.Delay(TimeSpan.FromSeconds(30), ct);
                    }
                }
            """)]
        public Task DoesNotFlag_CallRetriedByItsCallers(string caller) => VerifySF2001.AnalyzerAsync(Api(RedeliveryLoop + caller));

        [Theory]
        // one item after another with a pause between (a rate limit), never left on the result: each item sent once
        [InlineData("""
                public async Task DeliverAll(string[] urls, CancellationToken ct)
                {
                    foreach (var url in urls)
                    {
                        var result = await SendAndSave(url, ct);
                        Console.WriteLine(result.ShouldRetry);
                        await Task.Delay(100, ct);
                    }
                }
            """)]
        // one caller retries, another sends once
        [InlineData("""
                public async Task Deliver(string url, CancellationToken ct)
                {
                    for (var attempt = 0; attempt < 5; attempt++)
                    {
                        var result = await SendAndSave(url, ct);
                        if (!result.ShouldRetry)
                            break;
                        await Task.Delay(1000, ct);
                    }
                }

                public Task<Result> SendNow(string url) => SendAndSave(url, CancellationToken.None);
            """)]
        // a caller retries, but the method is also handed out as a delegate: its other callers are not known
        [InlineData("""
                public Func<string, CancellationToken, Task<Result>> Sender => SendAndSave;

                public async Task Deliver(string url, CancellationToken ct)
                {
                    for (var attempt = 0; attempt < 5; attempt++)
                    {
                        var result = await SendAndSave(url, ct);
                        if (!result.ShouldRetry)
                            break;
                        await Task.Delay(1000, ct);
                    }
                }
            """)]
        // a loop left on the result that never waits before the next round is no redelivery: a poll of pages
        [InlineData("""
                public async Task Deliver(string url, CancellationToken ct)
                {
                    while (true)
                    {
                        var result = await SendAndSave(url, ct);
                        if (!result.ShouldRetry)
                            return;
                    }
                }
            """)]
        public Task Flags_CallInAPrivateMethodItsCallersDoNotRetry(string caller) => VerifySF2001.AnalyzerAsync(
            Api(RedeliveryLoop.Replace("await Http.PostAsync(url, new StringContent(\"{}\"), ct)", "await [|Http.PostAsync(url, new StringContent(\"{}\"), ct)|]") + caller));

        // ---------------------------------------------------------------- round 6: a status probe

        [Theory]
        // bitwarden's keep-alive job: the status is logged, the body never read
        [InlineData("public async Task Ping(string url) { var response = await Http.GetAsync(url); Console.WriteLine(response.StatusCode); }")]
        [InlineData("public async Task<bool> IsUp(string url) { using var response = await Http.GetAsync(url).ConfigureAwait(false); return response.IsSuccessStatusCode; }")]
        [InlineData("public async Task<bool> IsUp(string url) => (await Http.GetAsync(url)).IsSuccessStatusCode;")]
        [InlineData("public async Task<string> Status(string url) { try { var r = await Http.GetAsync(url); return r.IsSuccessStatusCode ? \"up\" : \"down: \" + (int)r.StatusCode; } catch (HttpRequestException) { return \"unreachable\"; } }")]
        public Task DoesNotFlag_StatusProbe(string members) => VerifySF2001.AnalyzerAsync(
            Api("private static readonly HttpClient Http = new HttpClient();\n" + members));

        [Theory]
        // the body is read: the answer is the content, not the status
        [InlineData("public async Task<string> Version(string url) { var response = await [|Http.GetAsync(url)|]; return response.IsSuccessStatusCode ? await response.Content.ReadAsStringAsync() : \"-\"; }")]
        // a POST whose status alone is checked still sends something that can be lost
        [InlineData("public async Task Notify(string url) { var response = await [|Http.PostAsync(url, new StringContent(\"hi\"))|]; Console.WriteLine(response.StatusCode); }")]
        // failure as an exception, a response dropped (a GET used as a command), one handed on
        [InlineData("public async Task Check(string url) { var response = await [|Http.GetAsync(url)|]; response.EnsureSuccessStatusCode(); }")]
        [InlineData("public async Task Trigger(string url) { await [|Http.GetAsync(url)|]; }")]
        [InlineData("public async Task<HttpResponseMessage> Fetch(string url) { var response = await [|Http.GetAsync(url)|]; Console.WriteLine(response.StatusCode); return response; }")]
        public Task Flags_GetWhoseResponseIsMoreThanAStatus(string members) => VerifySF2001.AnalyzerAsync(
            Api("private static readonly HttpClient Http = new HttpClient();\n" + members));

        // ---------------------------------------------------------------- round 6: registrations by symbol

        [Fact]
        public Task DoesNotFlag_CallOnANamedClientRegisteredByAStaticCall() => new SteadfastAnalyzerTest<SF2001HttpCallWithoutRetryAnalyzer>
        {
            // the extension called as a static method: the same registration, found by symbol (its name after the services)
            Sources =
            {
                Api("public Task Run(IHttpClientFactory f, string url) => f.CreateClient(\"webhook\").GetAsync(url);"),
                "using Microsoft.Extensions.DependencyInjection; static class Setup { public static void Add(IServiceCollection s) { [|HttpClientFactoryServiceCollectionExtensions.AddHttpClient(s, \"webhook\")|]; } }",
            },
        }.RunAsync();

        [Fact]
        public Task Flags_CallOnANamedClientRegisteredByALookAlike() => new SteadfastAnalyzerTest<SF2001HttpCallWithoutRetryAnalyzer>
        {
            // an AddHttpClient of another type (same name, same shape) registers nothing with IHttpClientFactory: the call is
            // judged as one whose registration is not here, and the look-alike is not reported
            Sources =
            {
                Api("public Task Run(IHttpClientFactory f, string url) => [|f.CreateClient(\"webhook\").GetAsync(url)|];"),
                """
                using Microsoft.Extensions.DependencyInjection;
                namespace Mine { public static class Registrations { public static IServiceCollection AddHttpClient(this IServiceCollection s, string name) => s; } }
                static class Setup { public static void Add(IServiceCollection s) { Mine.Registrations.AddHttpClient(s, "webhook"); } }
                """,
            },
        }.RunAsync();
    }
}
