using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Testing;
using Steadfast.Analyzers.Rules;
using Steadfast.CodeFixes.Internal;
using Steadfast.CodeFixes.Rules;
using Steadfast.Tests.Verification;
using Xunit;
using VerifySF6003 = Steadfast.Tests.Verification.Verify<Steadfast.Analyzers.Rules.SF6003EndpointWithoutRateLimitAnalyzer, Steadfast.CodeFixes.Rules.SF6003EndpointWithoutRateLimitCodeFix>;

namespace Steadfast.Tests.Rules
{
    public sealed class SF6003EndpointWithoutRateLimitTests
    {
        private static readonly string PreferredKey = PlannedCodeFixProvider.PreferredKey("SF6003");

        private const string Usings = """
            using System;
            using System.Threading.RateLimiting;
            using Microsoft.AspNetCore.Builder;
            using Microsoft.AspNetCore.Http;
            using Microsoft.AspNetCore.Mvc;
            using Microsoft.AspNetCore.RateLimiting;
            using Microsoft.AspNetCore.Routing;
            using Microsoft.Extensions.DependencyInjection;

            """;

        /// <summary>A minimal API app (top-level statements): <paramref name="services"/> before Build, <paramref name="endpoints"/> after.</summary>
        private static string App(string endpoints, string services = "", string usings = Usings) => usings + """
            var builder = WebApplication.CreateBuilder(args);
            """ + (services.Length > 0 ? "\n" + services : "") + """

            var app = builder.Build();
            """ + "\n" + endpoints + """

            app.Run();
            """;

        private static Task AnalyzeAsync(params string[] sources) => AnalyzeWithConfigAsync(null, sources);

        private static Task AnalyzeWithConfigAsync(string? editorConfig, params string[] sources)
        {
            var test = new SteadfastAnalyzerTest<SF6003EndpointWithoutRateLimitAnalyzer> { OutputKind = OutputKind.ConsoleApplication, EditorConfig = editorConfig };
            foreach (var source in sources)
            {
                test.Sources.Add(source);
            }

            return test.RunAsync();
        }

        /// <summary>
        /// A fix test. SF6003 reports at compilation end (whether an endpoint is limited depends on the whole app), so its
        /// diagnostics are non-local: the fix runs where they were computed (dotnet format, the IDE's full solution
        /// analysis), which the framework's local-diagnostic check would refuse; the fixes themselves are checked in full.
        /// </summary>
        private static SteadfastCodeFixTest<SF6003EndpointWithoutRateLimitAnalyzer, SF6003EndpointWithoutRateLimitCodeFix> FixTest()
        {
            var test = new SteadfastCodeFixTest<SF6003EndpointWithoutRateLimitAnalyzer, SF6003EndpointWithoutRateLimitCodeFix> { CodeActionEquivalenceKey = PreferredKey, OutputKind = OutputKind.ConsoleApplication };
            test.CodeFixTestBehaviors |= CodeFixTestBehaviors.SkipLocalDiagnosticCheck;
            return test;
        }

        private const string Ok = "() => Results.Ok()";

        // ---------------------------------------------------------------- flagged

        [Fact]
        public Task Flags_LoginEndpoint_WithMessage()
        {
            var test = new SteadfastAnalyzerTest<SF6003EndpointWithoutRateLimitAnalyzer> { OutputKind = OutputKind.ConsoleApplication, TestCode = App("""app.{|#0:MapPost|}("/login", () => Results.Ok());""") };
            test.ExpectedDiagnostics.Add(VerifySF6003.Diagnostic("SF6003").WithLocation(0).WithMessage(
                "'POST /login' has no rate limit: a login, registration or token endpoint without one lets anyone guess passwords and codes as fast as the server answers. Add RequireRateLimiting or [EnableRateLimiting]; if a gateway in front of this service limits requests, turn SF6003 off."));
            return test.RunAsync();
        }

        [Fact]
        public Task Flags_WriteEndpoint_WithMessage()
        {
            var test = new SteadfastAnalyzerTest<SF6003EndpointWithoutRateLimitAnalyzer> { OutputKind = OutputKind.ConsoleApplication, TestCode = App("""app.{|#0:MapPut|}("/leads/{id}", (int id) => Results.Ok());""") };
            test.ExpectedDiagnostics.Add(VerifySF6003.Diagnostic("SF6003").WithLocation(0).WithMessage(
                "'PUT /leads/{id}' has no rate limit: it changes data, and one client can call it as fast as the server answers. Add RequireRateLimiting or [EnableRateLimiting]; if a gateway in front of this service limits requests, turn SF6003 off."));
            return test.RunAsync();
        }

        [Theory]
        [InlineData("""app.[|MapPost|]("/leads", () => Results.Ok());""")]
        [InlineData("""app.[|MapPatch|]("/leads/{id}", (int id) => Results.Ok());""")]
        [InlineData("""app.[|MapDelete|]("/leads/{id}", (int id) => Results.Ok());""")]
        [InlineData("""app.[|MapGet|]("/auth/token", (string code) => Results.Ok());""")] // a token endpoint, whatever its verb, when it takes a credential
        [InlineData("""app.[|MapGet|]("/account/sign-in", (HttpRequest request) => Results.Ok());""")]
        [InlineData("""app.[|MapMethods|]("/register", new[] { "POST" }, () => Results.Ok());""")]
        [InlineData("""app.[|MapPost|]("/leads", () => Results.Ok()).WithName("CreateLead");""")]
        [InlineData("""var leads = app.MapGroup("/leads"); leads.[|MapPost|]("/", () => Results.Ok());""")]
        [InlineData("""app.MapGroup("/leads").WithTags("leads").[|MapPost|]("/", () => Results.Ok());""")]
        [InlineData("""var group = app.MapGroup("/a"); var leads = group.MapGroup("/leads"); leads.[|MapDelete|]("/{id}", (int id) => Results.Ok());""")]
        public Task Flags_MinimalApiEndpoints(string endpoints) => AnalyzeAsync(App(endpoints));

        [Fact]
        public Task Flags_EndpointsMappedInAMethod_ThatNothingLimits() => AnalyzeAsync(
            App("app.MapLeads();"),
            Usings + """
            static class LeadEndpoints
            {
                public static IEndpointRouteBuilder MapLeads(this IEndpointRouteBuilder endpoints)
                {
                    endpoints.[|MapPut|]("/leads/{id}", (int id) => Results.Ok());
                    return endpoints;
                }
            }
            """);

        [Fact]
        public Task Flags_ControllerActions() => AnalyzeAsync(
            App("app.MapControllers();", "builder.Services.AddControllers();"),
            Usings + """
            [ApiController]
            [Route("api/[controller]")]
            public class LeadsController : ControllerBase
            {
                [HttpGet] public IActionResult List() => Ok();
                [HttpPost] public IActionResult [|Create|]() => Ok();
                [HttpPut("{id}")] public IActionResult [|Update|](int id) => Ok();
                [HttpPatch("{id}")] public IActionResult [|Patch|](int id) => Ok();
                [HttpDelete("{id}")] public IActionResult [|Delete|](int id) => Ok();
            }

            [ApiController]
            [Route("api/account")]
            public class AccountController : ControllerBase
            {
                [HttpGet("login")] public IActionResult [|LoginWithCode|](string code) => Ok();
                [HttpGet("login-page")] public IActionResult LoginPage() => Ok();
                [HttpGet("profile")] public IActionResult Profile() => Ok();
            }
            """);

        // ---------------------------------------------------------------- not flagged

        [Theory]
        [InlineData("""app.MapPost("/login", () => Results.Ok()).RequireRateLimiting("auth");""")]
        [InlineData("""app.MapPost("/login", () => Results.Ok()).WithName("Login").RequireRateLimiting("auth");""")]
        [InlineData("""app.MapPost("/webhook", () => Results.Ok()).DisableRateLimiting();""")]
        [InlineData("""app.MapPost("/leads", [EnableRateLimiting("write")] () => Results.Ok());""")]
        [InlineData("""app.MapPost("/leads", () => Results.Ok()).WithMetadata(new EnableRateLimitingAttribute("write"));""")]
        [InlineData("""var create = app.MapPost("/leads", () => Results.Ok()); create.RequireRateLimiting("write");""")]
        [InlineData("""app.MapGroup("/leads").RequireRateLimiting("write").MapPost("/", () => Results.Ok());""")]
        [InlineData("""var leads = app.MapGroup("/leads").RequireRateLimiting("write"); leads.MapPost("/", () => Results.Ok()); leads.MapDelete("/{id}", (int id) => Results.Ok());""")]
        [InlineData("""var leads = app.MapGroup("/leads"); leads.RequireRateLimiting("write"); leads.MapPut("/{id}", (int id) => Results.Ok());""")]
        [InlineData("""var api = app.MapGroup("/api").RequireRateLimiting("write"); var leads = api.MapGroup("/leads"); leads.MapPost("/", () => Results.Ok());""")]
        [InlineData("""app.MapGet("/leads", () => Results.Ok()); app.MapGet("/leads/{id}", (int id) => Results.Ok());""")] // reads
        [InlineData("""app.MapGet("/tokens-of-the-day", () => Results.Ok());""")] // not a token endpoint: the segment's parts are tokens, of, the, day
        [InlineData("""app.MapHealthChecks("/health"); app.MapGet("/healthz", () => Results.Ok());""")]
        public Task DoesNotFlag_LimitedOrReadOnlyEndpoints(string endpoints) => AnalyzeAsync(App(endpoints, "builder.Services.AddHealthChecks();"));

        [Fact]
        public Task DoesNotFlag_GlobalLimiter() => AnalyzeAsync(App(
            """app.UseRateLimiter(); app.MapPost("/login", () => Results.Ok());""",
            """
            builder.Services.AddRateLimiter(options =>
            {
                options.RejectionStatusCode = 429;
                options.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(context => RateLimitPartition.GetConcurrencyLimiter("all", _ => new ConcurrencyLimiterOptions { PermitLimit = 10 }));
            });
            """));

        [Fact]
        public Task DoesNotFlag_AnotherRateLimitingMiddleware() => AnalyzeAsync(
            App("""app.UseIpRateLimiting(); app.MapPost("/login", () => Results.Ok());""", usings: Usings + "using AspNetCoreRateLimit;\n"),
            """
            namespace AspNetCoreRateLimit
            {
                public static class IpRateLimitMiddlewareExtensions
                {
                    public static Microsoft.AspNetCore.Builder.IApplicationBuilder UseIpRateLimiting(this Microsoft.AspNetCore.Builder.IApplicationBuilder app) => app;
                }
            }
            """);

        [Fact]
        public Task DoesNotFlag_AGroupHandedToAMethod_ThatTheCallerLimits() => AnalyzeAsync(
            App("""app.MapGroup("/leads").RequireRateLimiting("write").MapLeads();"""),
            Usings + """
            static class LeadEndpoints
            {
                public static IEndpointRouteBuilder MapLeads(this IEndpointRouteBuilder endpoints)
                {
                    endpoints.MapPut("/{id}", (int id) => Results.Ok());
                    return endpoints;
                }
            }
            """);

        [Fact]
        public Task DoesNotFlag_AGroupBuilderParameter_OfALambda() => AnalyzeAsync(App(
            """Action<RouteGroupBuilder> map = group => group.MapPost("/", () => Results.Ok()); map(app.MapGroup("/leads"));"""));

        [Theory]
        [InlineData("[EnableRateLimiting(\"write\")]", "")]
        [InlineData("[DisableRateLimiting]", "")]
        [InlineData("", "[EnableRateLimiting(\"write\")]")]
        public Task DoesNotFlag_ControllerLimitedByAttribute(string onClass, string onMethod) => AnalyzeAsync(
            App("app.MapControllers();", "builder.Services.AddControllers();"),
            Usings + "[ApiController]\n" + onClass + """

            [Route("api/leads")]
            public class LeadsController : ControllerBase
            {
            """ + onMethod + """

                [HttpPost] public IActionResult Create() => Ok();
            }
            """);

        [Fact]
        public Task DoesNotFlag_ControllersLimitedWhereMapped() => AnalyzeAsync(
            App("""app.MapControllers().RequireRateLimiting("write");""", "builder.Services.AddControllers();"),
            Usings + """
            [ApiController]
            [Route("api/leads")]
            public class LeadsController : ControllerBase
            {
                [HttpPost] public IActionResult Create() => Ok();
            }
            """);

        [Fact]
        public Task DoesNotFlag_LookAlike_OwnMapPost() => AnalyzeAsync("""
            class Router { public void MapPost(string pattern, Action handler) { } }

            static class Program
            {
                static void Main() => new Router().MapPost("/login", () => { });
            }
            """.Insert(0, "using System;\n"));

        [Fact]
        public Task DoesNotFlag_AWorker_WithNoEndpoints() => AnalyzeAsync("""
            using Microsoft.Extensions.Hosting;

            var builder = Host.CreateApplicationBuilder(args);
            builder.Build().Run();
            """);

        // ---------------------------------------------------------------- where the limit is out of sight

        private const string LeadEndpoints = """
            public static class LeadEndpoints
            {
                public static IEndpointRouteBuilder MapLeads(this IEndpointRouteBuilder endpoints)
                {
                    endpoints.[|MapPost|]("/leads", () => Results.Ok());
                    return endpoints;
                }
            }
            """;

        [Fact]
        public Task DoesNotFlag_InALibrary() => new SteadfastAnalyzerTest<SF6003EndpointWithoutRateLimitAnalyzer>
        {
            TestCode = Usings + LeadEndpoints.Replace("[|MapPost|]", "MapPost"),
            OutputKind = OutputKind.DynamicallyLinkedLibrary, // the app that hosts these endpoints decides how they are limited
        }.RunAsync();

        [Fact]
        public Task Flags_TheSameEndpoints_InAnApp()
        {
            var test = new SteadfastAnalyzerTest<SF6003EndpointWithoutRateLimitAnalyzer> { OutputKind = OutputKind.ConsoleApplication };
            test.Sources.Add(App("app.MapLeads();"));
            test.Sources.Add(Usings + LeadEndpoints);
            return test.RunAsync();
        }

        [Fact]
        public Task DoesNotFlag_UseRateLimiter_WithItsConfigurationOutOfSight() => AnalyzeAsync(App(
            """app.UseRateLimiter(); app.MapPost("/login", () => Results.Ok()); app.MapDelete("/leads/{id}", (int id) => Results.Ok());"""));

        [Theory]
        [InlineData("app.UseMiddleware<CustomIpRateLimitMiddleware>();")]
        [InlineData("app.UseMiddleware(typeof(CustomIpRateLimitMiddleware));")]
        public Task DoesNotFlag_Middleware_WithAnUnresolvedBase(string use) => AnalyzeAsync(App(
            use + "\n" + """app.MapPost("/login", () => Results.Ok());"""), Usings + """
            public class CustomIpRateLimitMiddleware : {|CS0246:IpRateLimitMiddleware|}
            {
            }
            """);

        [Fact]
        public Task DoesNotFlag_Middleware_FromAspNetCoreRateLimit() => AnalyzeAsync(App(
            "app.UseMiddleware<CustomIpRateLimitMiddleware>();\n" + """app.MapPost("/login", () => Results.Ok());"""), Usings + """
            public class CustomIpRateLimitMiddleware : AspNetCoreRateLimit.IpRateLimitMiddleware
            {
                public CustomIpRateLimitMiddleware(RequestDelegate next) : base(next) { }
            }
            """,
            Usings + """
            namespace AspNetCoreRateLimit
            {
                public class IpRateLimitMiddleware
                {
                    private readonly RequestDelegate _next;
                    public IpRateLimitMiddleware(RequestDelegate next) => _next = next;
                    public System.Threading.Tasks.Task Invoke(HttpContext context) => _next(context);
                }
            }
            """);

        [Theory]
        [InlineData("app.UseMiddleware<AuditMiddleware>();")]
        [InlineData("app.UseMiddleware(typeof(AuditMiddleware));")]
        public Task Flags_Despite_AnOrdinaryMiddleware(string use) => AnalyzeAsync(App(
            use + "\n" + """app.[|MapPost|]("/login", () => Results.Ok());"""), Usings + """
            public class AuditMiddleware
            {
                private readonly RequestDelegate _next;
                public AuditMiddleware(RequestDelegate next) => _next = next;
                public System.Threading.Tasks.Task Invoke(HttpContext context) => _next(context);
            }
            """);

        // ---------------------------------------------------------------- round 6: a GET that takes no credential is a read

        /// <summary>
        /// A GET whose route has an auth word but that takes no credential from the request (real code: ArchiSteamFarm's
        /// <c>TokenGet</c>, which hands the signed-in caller the bot's current two-factor code; a sign-in page; an OAuth
        /// challenge): there is nothing to guess, so it belongs to the read tier, which SF6003 does not flag.
        /// </summary>
        [Theory]
        [InlineData("""app.MapGet("/auth/token", () => Results.Ok());""", "")]
        [InlineData("""app.MapGet("/account/sign-in", (string? returnUrl) => Results.Ok());""", "")]
        [InlineData("""app.MapGet("/bots/{names}/2fa/token", (string names, System.Threading.CancellationToken cancellationToken) => Results.Ok());""", "")]
        [InlineData("""app.MapGet("/login", (IServiceProvider tokenServices) => Results.Ok());""", "")] // a service, however named
        [InlineData("""app.MapGet("/login", ([AsParameters] Paging paging) => Results.Ok());""", "public record Paging(int Page, int Size);")]
        [InlineData("""app.MapGet("/token", Handlers.Issue);""", "public static class Handlers { public static IResult Issue(string botNames) => Results.Ok(); }")]
        public Task DoesNotFlag_GetWithoutCredential(string endpoints, string types) => AnalyzeAsync(App(endpoints), Usings + types);

        /// <summary>Near misses: a GET with an auth route that takes a credential (a parameter, a request model's property, the request itself) is still one to guess against.</summary>
        [Theory]
        [InlineData("""app.[|MapGet|]("/login", (string user, string password) => Results.Ok());""", "")]
        [InlineData("""app.[|MapGet|]("/verify-otp", (int code) => Results.Ok());""", "")]
        [InlineData("""app.[|MapGet|]("/reset-password", (string resetToken) => Results.Ok());""", "")]
        [InlineData("""app.[|MapGet|]("/2fa/verify", (string OTPCode) => Results.Ok());""", "")]
        [InlineData("""app.[|MapGet|]("/login", (HttpContext context) => Results.Ok());""", "")]
        [InlineData("""app.[|MapGet|]("/login", ([AsParameters] LoginQuery query) => Results.Ok());""", "public record LoginQuery(string User, string Password);")]
        [InlineData("""app.[|MapGet|]("/token", Handlers.Issue);""", "public static class Handlers { public static IResult Issue(string apiKey) => Results.Ok(); }")]
        [InlineData("""app.[|MapPost|]("/token", () => Results.Ok());""", "")] // any other verb: as before
        public Task Flags_GetThatTakesACredential(string endpoints, string types) => AnalyzeAsync(App(endpoints), Usings + types);

        [Fact]
        public Task Flags_ControllerGetActions_OnlyWithACredential() => AnalyzeAsync(
            App("app.MapControllers();", "builder.Services.AddControllers();"),
            Usings + """
            [ApiController]
            [Route("api/bots/{botNames}/2fa")]
            public class TwoFactorController : ControllerBase
            {
                [HttpGet("token")] public IActionResult TokenGet(string botNames) => Ok();
                [HttpGet("login")] public IActionResult SignInPage(System.Threading.CancellationToken cancellationToken) => Ok();
                [HttpGet("token/verify")] public IActionResult [|Verify|](string botNames, string code) => Ok();
                [HttpGet("login/basic")] public IActionResult [|Basic|]() => Ok(Request.Headers["Authorization"].ToString());
                [HttpGet("login/context")] public IActionResult [|Context|]() => Ok(HttpContext.Connection.RemoteIpAddress);
                [HttpGet("login/model")] public IActionResult [|Model|]([FromQuery] LoginQuery query) => Ok();
                [HttpPost("token")] public IActionResult [|TokenPost|](string botNames) => Ok();
            }

            public record LoginQuery(string User, string Password);
            """);

        // ---------------------------------------------------------------- options

        [Theory]
        [InlineData("SF6003.auth_path_words = connexion", """app.[|MapGet|]("/connexion", (string password) => Results.Ok()); app.MapGet("/login", (string password) => Results.Ok());""")]
        [InlineData("SF6003.auth_path_words = login;otp", """app.[|MapGet|]("/login", (string password) => Results.Ok()); app.MapGet("/token", (string password) => Results.Ok());""")]
        [InlineData("SF6003.auth_path_words =", """app.MapGet("/login", () => Results.Ok()); app.[|MapPost|]("/login", () => Results.Ok());""")] // empty: no auth words; mutations still flagged
        public Task Option_AuthPathWords(string setting, string endpoints) => AnalyzeWithConfigAsync("[*.cs]\n" + setting, App(endpoints));

        [Theory]
        [InlineData("SF6003.credential_parameter_words = pseudo", """app.[|MapGet|]("/login", (string pseudo) => Results.Ok()); app.MapGet("/token", (string password) => Results.Ok());""")]
        [InlineData("SF6003.credential_parameter_words = pin, otp", """app.[|MapGet|]("/login", (int otp) => Results.Ok()); app.MapGet("/token", (string code) => Results.Ok());""")]
        [InlineData("SF6003.credential_parameter_words =", """app.MapGet("/login", (string password) => Results.Ok()); app.[|MapGet|]("/token", (HttpContext context) => Results.Ok());""")] // empty: only the request itself counts
        public Task Option_CredentialParameterWords(string setting, string endpoints) => AnalyzeWithConfigAsync("[*.cs]\n" + setting, App(endpoints));

        [Theory]
        [InlineData("SF6003.include_test_code = true", true)]
        [InlineData("SF6003.include_test_code = yes please", false)] // does not parse: the default, silent in tests
        public Task Option_IncludeTestCode(string setting, bool reported)
        {
            var source = Usings + """
                namespace Xunit { public sealed class FactAttribute : System.Attribute { } }

                public class ApiTests
                {
                    [Xunit.Fact]
                    public void Maps()
                    {
                        var app = WebApplication.Create();
                        app.
                """ + (reported ? "[|MapPost|]" : "MapPost") + """
                ("/login", () => Results.Ok());
                    }
                }

                public static class Program { public static void Main() { } } // a test project is an executable (the test SDK's entry point)
                """;
            return new SteadfastAnalyzerTest<SF6003EndpointWithoutRateLimitAnalyzer> { TestCode = source, EditorConfig = "[*.cs]\n" + setting, OutputKind = OutputKind.ConsoleApplication }.RunAsync();
        }

        // ---------------------------------------------------------------- fixes

        [Fact]
        public Task Fix_AddsTheTiers_TheMiddleware_AndTheAuthTier()
        {
            var test = FixTest();
            test.TestCode = App("""app.[|MapPost|]("/login", () => Results.Ok());""");
            test.FixedCode = App(
                "app.UseRateLimiter();\n" + """app.MapPost("/login", () => Results.Ok()).RequireRateLimiting(RateLimitTiers.Auth);""",
                "builder.Services.AddSteadfastRateLimiting();",
                usings: Usings + "using Steadfast;\n");
            return test.RunAsync();
        }

        [Fact]
        public Task Fix_MiddlewareAfterRouting_WriteTier_WhenTheTiersAreRegistered()
        {
            var test = FixTest();
            test.TestCode = App("app.UseRouting();\n" + """app.[|MapDelete|]("/leads/{id}", (int id) => Results.Ok()).WithName("DeleteLead");""", "builder.Services.AddSteadfastRateLimiting();", Usings + "using Steadfast;\n");
            test.FixedCode = App("app.UseRouting();\napp.UseRateLimiter();\n" + """app.MapDelete("/leads/{id}", (int id) => Results.Ok()).RequireRateLimiting(RateLimitTiers.Write).WithName("DeleteLead");""", "builder.Services.AddSteadfastRateLimiting();", Usings + "using Steadfast;\n");
            return test.RunAsync();
        }

        [Fact]
        public Task Fix_ControllerAction_GetsTheAttribute()
        {
            var test = FixTest();
            var program = App("app.UseRateLimiter();\napp.MapControllers();", "builder.Services.AddControllers();\nbuilder.Services.AddSteadfastRateLimiting();", Usings + "using Steadfast;\n");
            test.Sources.Add(program);
            test.Sources.Add(Usings + """
                [ApiController]
                [Route("api/account")]
                public class AccountController : ControllerBase
                {
                    [HttpPost("login")]
                    public IActionResult [|Login|]() => Ok();
                }
                """);
            test.FixedSources.Add(program);
            test.FixedSources.Add(Usings + "using Steadfast;\n" + """
                [ApiController]
                [Route("api/account")]
                public class AccountController : ControllerBase
                {
                    [HttpPost("login")]
                    [EnableRateLimiting(RateLimitTiers.Auth)]
                    public IActionResult Login() => Ok();
                }
                """);
            return test.RunAsync();
        }

        [Fact]
        public Task Fix_NotOffered_WithoutTheRuntime()
        {
            var source = App("""app.[|MapPost|]("/login", () => Results.Ok());""");
            var test = FixTest();
            test.TestCode = source;
            test.FixedCode = source;
            test.ExcludedReferences.Add("Steadfast.AspNetCore");
            return test.RunAsync();
        }

        [Fact]
        public Task Fix_NotOffered_WhereTheAppConfiguresItsOwnLimiter() => RunNoFixAsync(App(
            """app.UseRateLimiter(); app.[|MapPost|]("/login", () => Results.Ok());""",
            """builder.Services.AddRateLimiter(options => options.AddConcurrencyLimiter("c", o => o.PermitLimit = 1));"""));

        [Fact]
        public Task Fix_NotOffered_InAFileWithoutTheApp_WhileTheTiersAreMissing()
        {
            var test = FixTest();
            var endpoints = Usings + """
                static class LeadEndpoints
                {
                    public static IEndpointRouteBuilder MapLeads(this IEndpointRouteBuilder endpoints)
                    {
                        endpoints.[|MapPut|]("/leads/{id}", (int id) => Results.Ok());
                        return endpoints;
                    }
                }
                """;
            test.Sources.Add(App("app.MapLeads();"));
            test.Sources.Add(endpoints);
            test.FixedSources.Add(App("app.MapLeads();"));
            test.FixedSources.Add(endpoints);
            return test.RunAsync();
        }

        private static Task RunNoFixAsync(string source)
        {
            var test = FixTest();
            test.TestCode = source;
            test.FixedCode = source;
            return test.RunAsync();
        }

        [Fact]
        public Task FixAll_OneDocument_RegistersOnce()
        {
            var test = FixTest();
            test.TestCode = App("""
                app.[|MapPost|]("/login", () => Results.Ok());
                app.[|MapPut|]("/leads/{id}", (int id) => Results.Ok());
                app.[|MapDelete|]("/leads/{id}", (int id) => Results.Ok());
                """);
            test.FixedCode = App(
                """
                app.UseRateLimiter();
                app.MapPost("/login", () => Results.Ok()).RequireRateLimiting(RateLimitTiers.Auth);
                app.MapPut("/leads/{id}", (int id) => Results.Ok()).RequireRateLimiting(RateLimitTiers.Write);
                app.MapDelete("/leads/{id}", (int id) => Results.Ok()).RequireRateLimiting(RateLimitTiers.Write);
                """,
                "builder.Services.AddSteadfastRateLimiting();",
                usings: Usings + "using Steadfast;\n");
            return test.RunAsync();
        }

        [Fact]
        public Task FixAll_SeveralDocuments_WithTheTiersRegistered()
        {
            var test = FixTest();
            var usings = Usings + "using Steadfast;\n";
            test.Sources.Add(App("app.UseRateLimiter();\n" + """app.[|MapPost|]("/register", () => Results.Ok());""" + "\napp.MapLeads();", "builder.Services.AddSteadfastRateLimiting();", usings));
            test.Sources.Add(usings + """
                static class LeadEndpoints
                {
                    public static IEndpointRouteBuilder MapLeads(this IEndpointRouteBuilder endpoints)
                    {
                        endpoints.[|MapPut|]("/leads/{id}", (int id) => Results.Ok());
                        endpoints.[|MapDelete|]("/leads/{id}", (int id) => Results.Ok());
                        return endpoints;
                    }
                }
                """);
            test.FixedSources.Add(App("app.UseRateLimiter();\n" + """app.MapPost("/register", () => Results.Ok()).RequireRateLimiting(RateLimitTiers.Auth);""" + "\napp.MapLeads();", "builder.Services.AddSteadfastRateLimiting();", usings));
            test.FixedSources.Add(usings + """
                static class LeadEndpoints
                {
                    public static IEndpointRouteBuilder MapLeads(this IEndpointRouteBuilder endpoints)
                    {
                        endpoints.MapPut("/leads/{id}", (int id) => Results.Ok()).RequireRateLimiting(RateLimitTiers.Write);
                        endpoints.MapDelete("/leads/{id}", (int id) => Results.Ok()).RequireRateLimiting(RateLimitTiers.Write);
                        return endpoints;
                    }
                }
                """);
            return test.RunAsync();
        }

        // ---------------------------------------------------------------- the route word matcher

        [Theory]
        [InlineData("/login", true)]
        [InlineData("/api/v1/auth/refresh-token", true)]
        [InlineData("/Account/SignIn", true)]
        [InlineData("/users/{id}/password", true)]
        [InlineData("/connect/token", true)]
        [InlineData("/tokens", false)]
        [InlineData("/{login}", false)] // a route parameter, not a path
        [InlineData("/leads", false)]
        [InlineData("", false)]
        [InlineData(null, false)]
        public void IsAuthRoute_MatchesWholeSegmentsOrTheirParts(string? template, bool expected) =>
            Assert.Equal(expected, SF6003EndpointWithoutRateLimitAnalyzer.IsAuthRoute(template, SF6003EndpointWithoutRateLimitAnalyzer.AuthPathWords.Read(EmptyOptions.Instance)));

        private sealed class EmptyOptions : Microsoft.CodeAnalysis.Diagnostics.AnalyzerConfigOptions
        {
            public static EmptyOptions Instance { get; } = new EmptyOptions();

            public override bool TryGetValue(string key, out string value)
            {
                value = string.Empty;
                return false;
            }
        }
    }
}
