using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Testing;
using Steadfast.Analyzers.Rules;
using Steadfast.CodeFixes.Internal;
using Steadfast.CodeFixes.Rules;
using Steadfast.Tests.Verification;
using Xunit;
using VerifySF6002 = Steadfast.Tests.Verification.Verify<Steadfast.Analyzers.Rules.SF6002RateLimiterRejectsBadlyAnalyzer, Steadfast.CodeFixes.Rules.SF6002RateLimiterRejectsBadlyCodeFix>;

namespace Steadfast.Tests.Rules
{
    public sealed class SF6002RateLimiterRejectsBadlyTests
    {
        private static readonly string PreferredKey = PlannedCodeFixProvider.PreferredKey("SF6002");

        private const string Usings = """
            using System;
            using System.Threading;
            using System.Threading.RateLimiting;
            using System.Threading.Tasks;
            using Microsoft.AspNetCore.Builder;
            using Microsoft.AspNetCore.Http;
            using Microsoft.AspNetCore.RateLimiting;
            using Microsoft.Extensions.DependencyInjection;
            using Microsoft.Net.Http.Headers;

            """;

        /// <summary>A library that registers the limiter with <paramref name="options"/> as the body of the options lambda (a library: no UseRateLimiter finding).</summary>
        private static string Library(string options, string usings = Usings) => usings + """
            static class Limits
            {
                public static void Register(IServiceCollection services)
                {
                    services.AddRateLimiter(options =>
                    {
            """ + "\n" + options + """

                    });
                }

                public static ValueTask Reject(OnRejectedContext context, CancellationToken token) => ValueTask.CompletedTask;

                public static void WriteHeaders(HttpContext context) => context.Response.Headers.RetryAfter = "60";
            }
            """;

        /// <summary>An application (top-level statements) with <paramref name="registration"/> and <paramref name="pipeline"/>.</summary>
        private static string App(string registration, string pipeline) => Usings + """
            var builder = WebApplication.CreateBuilder(args);
            """ + "\n" + registration + """

            var app = builder.Build();
            """ + "\n" + pipeline + """

            app.MapGet("/", () => "hi");
            app.Run();
            """;

        private static Task AnalyzeAsync(string source, OutputKind kind, params DiagnosticResult[] expected)
        {
            var test = new SteadfastAnalyzerTest<SF6002RateLimiterRejectsBadlyAnalyzer> { TestCode = source, OutputKind = kind };
            test.ExpectedDiagnostics.AddRange(expected);
            return test.RunAsync();
        }

        private const string WithSteadfast = Usings + "using Steadfast;\n";

        private const string Concurrency = """options.AddConcurrencyLimiter("c", o => o.PermitLimit = 4);""";

        // ---------------------------------------------------------------- flagged

        [Fact]
        public Task Flags_DefaultStatusCode_WithMessage() => VerifySF6002.AnalyzerAsync(
            Library(Concurrency).Replace("services.AddRateLimiter", "services.{|#0:AddRateLimiter|}"),
            VerifySF6002.Diagnostic("SF6002").WithLocation(0)
                .WithMessage("The rate limiter rejects with 503 Service Unavailable, the default RejectionStatusCode: clients and load balancers read it as the server being down. Set RejectionStatusCode to 429 Too Many Requests"));

        [Theory]
        [InlineData("options.RejectionStatusCode = [|503|];")]
        [InlineData("options.RejectionStatusCode = [|StatusCodes.Status503ServiceUnavailable|];")]
        [InlineData("options.RejectionStatusCode = [|400|];")]
        public Task Flags_WrongStatusCode(string assignment) => VerifySF6002.AnalyzerAsync(Library(assignment + "\n" + Concurrency));

        [Fact]
        public Task Flags_WrongStatusCode_WithMessage() => VerifySF6002.AnalyzerAsync(
            Library("options.RejectionStatusCode = {|#0:503|};\n" + Concurrency),
            VerifySF6002.Diagnostic("SF6002").WithLocation(0)
                .WithMessage("The rate limiter rejects with 503: clients and load balancers read 503 Service Unavailable as the server being down. Set RejectionStatusCode to 429 Too Many Requests"));

        [Theory]
        [InlineData("""options.[|AddFixedWindowLimiter|]("w", o => { o.PermitLimit = 5; o.Window = TimeSpan.FromMinutes(1); });""")]
        [InlineData("""options.[|AddSlidingWindowLimiter|]("s", o => { o.PermitLimit = 5; o.Window = TimeSpan.FromMinutes(1); o.SegmentsPerWindow = 4; });""")]
        [InlineData("""options.[|AddTokenBucketLimiter|]("t", o => { o.TokenLimit = 5; o.TokensPerPeriod = 5; o.ReplenishmentPeriod = TimeSpan.FromSeconds(10); });""")]
        [InlineData("""options.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(context => RateLimitPartition.[|GetFixedWindowLimiter|]("all", _ => new FixedWindowRateLimiterOptions { PermitLimit = 100, Window = TimeSpan.FromSeconds(10) }));""")]
        [InlineData("""options.AddPolicy("user", context => RateLimitPartition.[|GetTokenBucketLimiter|](context.Request.Path.Value ?? "", _ => new TokenBucketRateLimiterOptions { TokenLimit = 5, TokensPerPeriod = 5, ReplenishmentPeriod = TimeSpan.FromSeconds(1) }));""")]
        public Task Flags_WindowedPolicy_WithoutOnRejected(string policy) =>
            VerifySF6002.AnalyzerAsync(Library("options.RejectionStatusCode = 429;\n" + policy));

        [Fact]
        public Task Flags_WindowedPolicy_WithoutOnRejected_WithMessage() => VerifySF6002.AnalyzerAsync(
            Library("""
                        options.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
                        options.{|#0:AddFixedWindowLimiter|}("w", o => { o.PermitLimit = 5; o.Window = TimeSpan.FromMinutes(1); });
            """),
            VerifySF6002.Diagnostic("SF6002").WithLocation(0)
                .WithMessage("The fixed window limiter knows when a rejected client may retry, but no OnRejected sends Retry-After: clients retry at once and are rejected again. Set OnRejected to write Retry-After"));

        [Fact]
        public Task Flags_OnRejected_WithoutRetryAfter() => VerifySF6002.AnalyzerAsync(
            Library("""
                        options.RejectionStatusCode = 429;
                        options.AddFixedWindowLimiter("w", o => { o.PermitLimit = 5; o.Window = TimeSpan.FromMinutes(1); });
                        {|#0:options.OnRejected|} = async (context, token) =>
                        {
                            context.HttpContext.Response.ContentType = "text/plain";
                            await context.HttpContext.Response.WriteAsync("slow down", token);
                        };
            """),
            VerifySF6002.Diagnostic("SF6002").WithLocation(0)
                .WithMessage("OnRejected never sets Retry-After, though the fixed window limiter knows when a rejected client may retry: clients retry at once and are rejected again. Write Retry-After from the lease's MetadataName.RetryAfter"));

        [Fact]
        public Task Flags_BothMistakes_InOneRegistration() => VerifySF6002.AnalyzerAsync(
            Library("""options.[|AddTokenBucketLimiter|]("t", o => { o.TokenLimit = 5; o.TokensPerPeriod = 5; o.ReplenishmentPeriod = TimeSpan.FromSeconds(10); });""")
                .Replace("services.AddRateLimiter", "services.[|AddRateLimiter|]"));

        [Fact]
        public Task Flags_NoUseRateLimiter_InAnApplication() => AnalyzeAsync(
            App("{|#0:builder.Services.AddRateLimiter(options => { options.RejectionStatusCode = 429; " + Concurrency + " })|};", "app.UseRouting();"),
            OutputKind.ConsoleApplication,
            VerifySF6002.Diagnostic("SF6002").WithLocation(0)
                .WithMessage("AddRateLimiter registers a rate limiter, but nothing in this application calls UseRateLimiter: no request is ever limited. Add app.UseRateLimiter() after UseRouting"));

        // ---------------------------------------------------------------- not flagged

        [Theory]
        [InlineData("options.RejectionStatusCode = 429;")]
        [InlineData("options.RejectionStatusCode = StatusCodes.Status429TooManyRequests;")]
        [InlineData("""options.RejectionStatusCode = int.Parse(Environment.GetEnvironmentVariable("LIMIT_STATUS") ?? "429");""")] // configuration: the code does not say
        [InlineData("options.RejectionStatusCode = 503; options.RejectionStatusCode = 429;")]
        public Task DoesNotFlag_StatusCode(string assignment) => VerifySF6002.AnalyzerAsync(Library(assignment + "\n" + Concurrency));

        [Theory]
        [InlineData("""options.OnRejected = (context, token) => { context.HttpContext.Response.Headers.RetryAfter = "60"; return ValueTask.CompletedTask; };""")]
        [InlineData("""options.OnRejected = (context, token) => { context.HttpContext.Response.Headers[HeaderNames.RetryAfter] = "60"; return ValueTask.CompletedTask; };""")]
        [InlineData("""options.OnRejected = (context, token) => { context.HttpContext.Response.Headers.Append("retry-after", "60"); return ValueTask.CompletedTask; };""")]
        [InlineData("""options.OnRejected = (context, token) => { if (context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait)) { context.HttpContext.Response.Headers["Retry-After"] = ((int)wait.TotalSeconds).ToString(); } return ValueTask.CompletedTask; };""")]
        [InlineData("options.OnRejected = Reject;")] // a method group: not judged
        [InlineData("options.OnRejected = (context, token) => { WriteHeaders(context.HttpContext); return ValueTask.CompletedTask; };")] // the project's own code may set it
        [InlineData("options.OnRejected = Steadfast.RateLimitRejection.WriteRetryAfter(TimeSpan.FromMinutes(1));")]
        public Task DoesNotFlag_OnRejected_ThatSetsRetryAfter(string onRejected) => VerifySF6002.AnalyzerAsync(Library(
            "options.RejectionStatusCode = 429;\n" + """options.AddFixedWindowLimiter("w", o => { o.PermitLimit = 5; o.Window = TimeSpan.FromMinutes(1); });""" + "\n" + onRejected));

        [Theory]
        [InlineData("options.RejectionStatusCode = 429;\n" + Concurrency)] // a concurrency limiter knows no wait
        [InlineData("""options.RejectionStatusCode = 429; options.AddConcurrencyLimiter("c", o => { o.PermitLimit = 4; o.QueueLimit = 10; });""")]
        public Task DoesNotFlag_ConcurrencyLimiter_WithoutOnRejected(string options) => VerifySF6002.AnalyzerAsync(Library(options));

        [Fact]
        public Task DoesNotFlag_Application_WithUseRateLimiter() => AnalyzeAsync(
            App("builder.Services.AddRateLimiter(options => { options.RejectionStatusCode = 429; " + Concurrency + " });", "app.UseRouting();\napp.UseRateLimiter();"),
            OutputKind.ConsoleApplication);

        [Fact]
        public Task DoesNotFlag_Library_WithoutUseRateLimiter() =>
            VerifySF6002.AnalyzerAsync(Library("options.RejectionStatusCode = 429;\n" + Concurrency)); // the app that uses the library adds the middleware

        [Fact]
        public Task DoesNotFlag_LookAlike_OwnAddRateLimiter() => VerifySF6002.AnalyzerAsync("""
            using System;
            using System.Collections.Generic;

            class RateLimiterOptions { public int RejectionStatusCode { get; set; } = 503; }

            static class OwnExtensions
            {
                public static List<string> AddRateLimiter(this List<string> services, Action<RateLimiterOptions> configure) { configure(new RateLimiterOptions()); return services; }
            }

            static class Limits
            {
                public static void Register(List<string> services) => services.AddRateLimiter(options => options.RejectionStatusCode = 503);
            }
            """);

        // ---------------------------------------------------------------- fixes

        [Fact]
        public Task Fix_RejectWith429_WhenMissing() => VerifySF6002.CodeFixAsync(
            Library(Concurrency).Replace("services.AddRateLimiter", "services.[|AddRateLimiter|]"),
            Library(Concurrency + "\n" + "            options.RejectionStatusCode = StatusCodes.Status429TooManyRequests;"),
            PreferredKey);

        [Fact]
        public Task Fix_RejectWith429_ReplacesWrongConstant() => VerifySF6002.CodeFixAsync(
            Library("options.RejectionStatusCode = [|503|];\n" + Concurrency),
            Library("options.RejectionStatusCode = StatusCodes.Status429TooManyRequests;\n" + Concurrency),
            PreferredKey);

        [Fact]
        public Task Fix_RejectWith429_ExpressionBodiedLambda() => VerifySF6002.CodeFixAsync(
            Usings + """
            static class Limits
            {
                public static void Register(IServiceCollection services) =>
                    services.[|AddRateLimiter|](options => options.AddConcurrencyLimiter("c", o => o.PermitLimit = 4));
            }
            """,
            Usings + """
            static class Limits
            {
                public static void Register(IServiceCollection services) =>
                    services.AddRateLimiter(options =>
                    {
                        options.AddConcurrencyLimiter("c", o => o.PermitLimit = 4);
                        options.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
                    });
            }
            """,
            PreferredKey);

        [Fact]
        public Task Fix_WriteRetryAfter_WithThePolicysWindow() => VerifySF6002.CodeFixAsync(
            Library("""
                        options.RejectionStatusCode = 429;
                        options.[|AddFixedWindowLimiter|]("w", o => { o.PermitLimit = 5; o.Window = TimeSpan.FromSeconds(30); });
            """),
            Library(usings: WithSteadfast, options: """
                        options.RejectionStatusCode = 429;
                        options.AddFixedWindowLimiter("w", o => { o.PermitLimit = 5; o.Window = TimeSpan.FromSeconds(30); });
                        options.OnRejected = RateLimitRejection.WriteRetryAfter(TimeSpan.FromSeconds(30));
            """),
            PreferredKey);

        [Fact]
        public Task Fix_WriteRetryAfter_WindowFromAVariableInsideTheLambda_FallsBackToOneMinute() => VerifySF6002.CodeFixAsync(
            Library("""
                        options.RejectionStatusCode = 429;
                        var seconds = 30;
                        options.[|AddFixedWindowLimiter|]("w", o => { o.PermitLimit = 5; o.Window = TimeSpan.FromSeconds(seconds); });
            """),
            Library(usings: WithSteadfast, options: """
                        options.RejectionStatusCode = 429;
                        var seconds = 30;
                        options.AddFixedWindowLimiter("w", o => { o.PermitLimit = 5; o.Window = TimeSpan.FromSeconds(seconds); });
                        options.OnRejected = RateLimitRejection.WriteRetryAfter(TimeSpan.FromMinutes(1));
            """),
            PreferredKey);

        [Fact]
        public Task Fix_WriteRetryAfter_NotOfferedOverTheAuthorsHandler() => VerifySF6002.NoCodeFixAsync(
            Library("""
                        options.RejectionStatusCode = 429;
                        options.AddFixedWindowLimiter("w", o => { o.PermitLimit = 5; o.Window = TimeSpan.FromMinutes(1); });
                        [|options.OnRejected|] = (context, token) => ValueTask.CompletedTask;
            """),
            PreferredKey);

        [Fact]
        public Task Fix_WriteRetryAfter_NotOfferedWithoutTheRuntime()
        {
            var source = Library("""
                        options.RejectionStatusCode = 429;
                        options.[|AddFixedWindowLimiter|]("w", o => { o.PermitLimit = 5; o.Window = TimeSpan.FromMinutes(1); });
            """);
            var test = new SteadfastCodeFixTest<SF6002RateLimiterRejectsBadlyAnalyzer, SF6002RateLimiterRejectsBadlyCodeFix> { TestCode = source, FixedCode = source, CodeActionEquivalenceKey = PreferredKey };
            test.ExcludedReferences.Add("Steadfast.AspNetCore");
            return test.RunAsync();
        }

        [Fact]
        public Task Fix_UseRateLimiter_AfterUseRouting() => FixAppAsync(
            App("[|builder.Services.AddRateLimiter(options => { options.RejectionStatusCode = 429; " + Concurrency + " })|];", "app.UseRouting();\napp.UseAuthorization();"),
            App("builder.Services.AddRateLimiter(options => { options.RejectionStatusCode = 429; " + Concurrency + " });", "app.UseRouting();\napp.UseRateLimiter();\napp.UseAuthorization();"));

        [Fact]
        public Task Fix_UseRateLimiter_AfterBuild_WhenNoRouting() => FixAppAsync(
            App("[|builder.Services.AddRateLimiter(options => { options.RejectionStatusCode = 429; " + Concurrency + " })|];", ""),
            App("builder.Services.AddRateLimiter(options => { options.RejectionStatusCode = 429; " + Concurrency + " });", "app.UseRateLimiter();\n"));

        /// <summary>
        /// "No UseRateLimiter" is reported at compilation end (only the whole compilation can tell), a non-local diagnostic:
        /// its fix runs where it was computed (dotnet format, full solution analysis), which the framework's
        /// local-diagnostic check would refuse; the fix itself is checked in full.
        /// </summary>
        private static Task FixAppAsync(string source, string fixedSource)
        {
            var test = new SteadfastCodeFixTest<SF6002RateLimiterRejectsBadlyAnalyzer, SF6002RateLimiterRejectsBadlyCodeFix>
            {
                TestCode = source,
                FixedCode = fixedSource,
                CodeActionEquivalenceKey = PreferredKey,
                OutputKind = OutputKind.ConsoleApplication,
            };
            test.CodeFixTestBehaviors |= CodeFixTestBehaviors.SkipLocalDiagnosticCheck;
            return test.RunAsync();
        }

        [Fact]
        public Task FixAll_SeveralRegistrations_InSeveralDocuments()
        {
            var test = new SteadfastCodeFixTest<SF6002RateLimiterRejectsBadlyAnalyzer, SF6002RateLimiterRejectsBadlyCodeFix> { CodeActionEquivalenceKey = PreferredKey };
            test.Sources.Add(Library("""            options.[|AddFixedWindowLimiter|]("w", o => { o.PermitLimit = 5; o.Window = TimeSpan.FromMinutes(1); });""")
                .Replace("services.AddRateLimiter", "services.[|AddRateLimiter|]"));
            test.Sources.Add(Library("options.RejectionStatusCode = [|503|];\n" + Concurrency).Replace("class Limits", "class MoreLimits"));
            test.FixedSources.Add(Library(usings: WithSteadfast, options: """
                        options.AddFixedWindowLimiter("w", o => { o.PermitLimit = 5; o.Window = TimeSpan.FromMinutes(1); });
                        options.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
                        options.OnRejected = RateLimitRejection.WriteRetryAfter(TimeSpan.FromMinutes(1));
            """));
            test.FixedSources.Add(Library("options.RejectionStatusCode = StatusCodes.Status429TooManyRequests;\n" + Concurrency).Replace("class Limits", "class MoreLimits"));
            return test.RunAsync();
        }

        // ---------------------------------------------------------------- options

        [Theory]
        [InlineData("SF6002.include_test_code = true", true)]
        [InlineData("SF6002.include_test_code = false", false)]
        [InlineData("SF6002.include_test_code = maybe", false)] // does not parse: the default, silent in tests
        public Task Option_IncludeTestCode(string setting, bool reported)
        {
            var source = """
                using Microsoft.AspNetCore.Builder;
                using Microsoft.AspNetCore.RateLimiting;
                using Microsoft.Extensions.DependencyInjection;

                namespace Xunit { public sealed class FactAttribute : System.Attribute { } }

                public class LimitsTests
                {
                    [Xunit.Fact]
                    public void Registers()
                    {
                        new ServiceCollection().
                """ + (reported ? "[|AddRateLimiter|]" : "AddRateLimiter") + """
                (options => options.AddConcurrencyLimiter("c", o => o.PermitLimit = 1));
                    }
                }
                """;
            return new SteadfastAnalyzerTest<SF6002RateLimiterRejectsBadlyAnalyzer> { TestCode = source, EditorConfig = "[*.cs]\n" + setting }.RunAsync();
        }
    }
}
