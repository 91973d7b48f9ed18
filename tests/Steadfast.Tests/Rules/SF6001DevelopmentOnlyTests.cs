using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Steadfast.Analyzers.Rules;
using Steadfast.CodeFixes.Internal;
using Steadfast.CodeFixes.Rules;
using Steadfast.Tests.Verification;
using Xunit;
using VerifySF6001 = Steadfast.Tests.Verification.Verify<Steadfast.Analyzers.Rules.SF6001DevelopmentOnlyAnalyzer, Steadfast.CodeFixes.Rules.SF6001DevelopmentOnlyCodeFix>;

namespace Steadfast.Tests.Rules
{
    public sealed class SF6001DevelopmentOnlyTests
    {
        /// <summary>The rule's one fix is each diagnostic's first, so it carries the preferred key.</summary>
        private static readonly string Key = PlannedCodeFixProvider.PreferredKey("SF6001");

        private const string Usings = """
            using System;
            using Microsoft.AspNetCore.Builder;
            using Microsoft.AspNetCore.Hosting;
            using Microsoft.AspNetCore.Routing;
            using Microsoft.Extensions.Configuration;
            using Microsoft.Extensions.DependencyInjection;
            using Microsoft.Extensions.Hosting;
            using Scalar.AspNetCore;

            """;

        /// <summary>A <c>Configure(WebApplication app, bool flag)</c> method with <paramref name="body"/>.</summary>
        private static string App(string body) => Usings + """

            public static class Web
            {
                public static void Configure(WebApplication app, bool flag)
                {

            """ + body + """

                }
            }
            """;

        // ---------------------------------------------------------------- flagged

        [Fact]
        public Task Flags_WithMessage() => VerifySF6001.AnalyzerAsync(
            App("{|#0:app.UseSwagger()|};"),
            VerifySF6001.Diagnostic("SF6001").WithLocation(0)
                .WithMessage("'UseSwagger' publishes the OpenAPI document, a map of every endpoint, in every environment, production included: call it only when the environment is Development"));

        [Theory]
        [InlineData("[|app.UseDeveloperExceptionPage()|];")]
        [InlineData("[|app.UseSwagger()|];")]
        [InlineData("[|app.MapSwagger()|];")]
        [InlineData("[|app.UseSwaggerUI()|];")]
        [InlineData("[|app.UseSwaggerUI(o => o.RoutePrefix = \"docs\")|];")]
        [InlineData("[|app.MapSwaggerUI()|];")]
        [InlineData("[|app.UseReDoc()|];")]
        [InlineData("[|app.MapReDoc()|];")]
        [InlineData("[|app.MapOpenApi()|];")]
        [InlineData("[|app.MapOpenApi(\"/openapi/{documentName}.json\")|].AllowAnonymous();")]
        [InlineData("[|app.MapScalarApiReference()|];")]
        [InlineData("[|app.UseMigrationsEndPoint()|];")]
        [InlineData("[|app.UseDatabaseErrorPage()|];")]
        [InlineData("[|[|app.UseSwagger()|].UseSwaggerUI()|];")]
        [InlineData("var docs = [|app.MapOpenApi()|];")]
        [InlineData("Action later = () => [|app.UseSwagger()|];")]
        public Task Flags_EveryTool(string body) => VerifySF6001.AnalyzerAsync(App(body));

        [Fact]
        public Task Flags_OnApplicationBuilderAndEndpointBuilder() => VerifySF6001.AnalyzerAsync(Usings + """

            public class Startup
            {
                public void Configure(IApplicationBuilder app)
                {
                    [|app.UseDeveloperExceptionPage()|];
                    app.UseRouting();
                    app.UseEndpoints(endpoints => [|endpoints.MapSwagger()|]);
                }

                public static void MapDocs(IEndpointRouteBuilder endpoints) => [|endpoints.MapOpenApi()|];
            }
            """);

        /// <summary>The else branch of a Development check, and checks of other environments: the call runs outside Development.</summary>
        [Theory]
        [InlineData("if (app.Environment.IsDevelopment()) { app.UseDeveloperExceptionPage(); } else { [|app.UseSwagger()|]; }")]
        [InlineData("if (app.Environment.IsDevelopment()) app.UseDeveloperExceptionPage(); else [|app.UseSwagger()|];")]
        [InlineData("if (!app.Environment.IsDevelopment()) { [|app.UseSwagger()|]; }")]
        [InlineData("if (app.Environment.IsDevelopment() == false) { [|app.UseSwagger()|]; }")]
        [InlineData("if (app.Environment.IsProduction()) { [|app.UseSwagger()|]; }")]
        [InlineData("if (app.Environment.IsStaging()) { [|app.UseSwagger()|]; }")]
        [InlineData("if (!app.Environment.IsProduction()) { [|app.UseSwagger()|]; }")]
        [InlineData("if (app.Environment.IsEnvironment(\"Staging\")) { [|app.UseSwagger()|]; }")]
        [InlineData("if (app.Environment.EnvironmentName != \"Development\") { [|app.UseSwagger()|]; }")]
        [InlineData("if (app.Environment.IsDevelopment() || app.Environment.IsStaging()) { [|app.UseSwagger()|]; }")]
        [InlineData("if (app.Environment.IsProduction()) return; [|app.UseSwagger()|];")]
        [InlineData("if (!app.Environment.IsDevelopment()) { Console.WriteLine(\"production\"); } [|app.UseSwagger()|];")]
        [InlineData("[|app.UseSwagger()|]; if (!app.Environment.IsDevelopment()) return; app.UseSwaggerUI();")]
        [InlineData("if (!app.Environment.IsDevelopment()) { if (flag) return; } [|app.UseSwagger()|];")]
        public Task Flags_OutsideDevelopment(string body) => VerifySF6001.AnalyzerAsync(App(body));

        [Fact]
        public Task Flags_TopLevelStatements() => new SteadfastAnalyzerTest<SF6001DevelopmentOnlyAnalyzer>
        {
            OutputKind = OutputKind.ConsoleApplication,
            TestCode = """
                using Microsoft.AspNetCore.Builder;
                using Microsoft.Extensions.DependencyInjection;
                using Microsoft.Extensions.Hosting;

                var builder = WebApplication.CreateBuilder(args);
                builder.Services.AddSwaggerGen();
                var app = builder.Build();
                [|app.UseSwagger()|];
                [|app.UseSwaggerUI()|];
                app.MapGet("/health", () => "ok");
                app.Run();
                """,
        }.RunAsync();

        /// <summary>Only the Development conventions are exempt: the same shapes for another environment are flagged.</summary>
        [Fact]
        public Task Flags_OtherEnvironmentConventions() => VerifySF6001.AnalyzerAsync(Usings + """

            public class Startup
            {
                public void ConfigureProduction(IApplicationBuilder app) => [|app.UseDeveloperExceptionPage()|];
                public void ConfigureDevelopmentTools(IApplicationBuilder app) => [|app.UseSwagger()|];
            }

            public class StartupProduction
            {
                public void Configure(IApplicationBuilder app) => [|app.UseSwagger()|];
            }
            """);

        // ---------------------------------------------------------------- not flagged

        [Theory]
        [InlineData("if (app.Environment.IsDevelopment()) { app.UseSwagger(); app.UseSwaggerUI(); }")]
        [InlineData("if (app.Environment.IsDevelopment()) app.MapOpenApi();")]
        [InlineData("if (app.Environment.IsDevelopment()) { app.UseDeveloperExceptionPage(); app.UseMigrationsEndPoint(); } else { app.UseExceptionHandler(\"/error\"); app.UseHsts(); }")]
        [InlineData("if (app.Environment.IsEnvironment(\"Development\")) app.MapOpenApi();")]
        [InlineData("if (app.Environment.IsEnvironment(\"development\")) app.MapOpenApi();")]
        [InlineData("if (app.Environment.IsEnvironment(Environments.Development)) app.MapOpenApi();")]
        [InlineData("if (app.Environment.EnvironmentName == \"Development\") app.MapOpenApi();")]
        [InlineData("if (Environments.Development == app.Environment.EnvironmentName) app.MapOpenApi();")]
        [InlineData("if (app.Environment.IsDevelopment() == true) app.MapOpenApi();")]
        [InlineData("if (app.Environment.IsDevelopment() && flag) app.MapOpenApi();")]
        [InlineData("if (flag && app.Environment.IsDevelopment()) { app.MapOpenApi(); }")]
        [InlineData("if (!(!app.Environment.IsDevelopment())) app.MapOpenApi();")]
        [InlineData("if (app.Environment.IsProduction()) { } else if (app.Environment.IsDevelopment()) { app.UseSwagger(); }")]
        [InlineData("if (app.Environment.IsDevelopment()) { if (flag) { app.UseSwagger(); } }")]
        [InlineData("if (app.Environment.IsDevelopment()) { app.UseEndpoints(endpoints => endpoints.MapSwagger()); }")]
        [InlineData("var env = app.Environment; if (env.IsDevelopment()) { app.MapScalarApiReference(); }")]
        [InlineData("if (!app.Environment.IsDevelopment()) return; app.UseSwagger(); app.UseSwaggerUI();")]
        [InlineData("if (!app.Environment.IsDevelopment()) { return; } app.MapOpenApi();")]
        [InlineData("if (!app.Environment.IsDevelopment()) throw new InvalidOperationException(\"development only\"); app.MapOpenApi();")]
        [InlineData("if (app.Environment.IsProduction() || !app.Environment.IsDevelopment()) return; app.MapOpenApi();")]
        [InlineData("{ if (!app.Environment.IsDevelopment()) return; { app.MapOpenApi(); } }")]
        // a deliberate switch: a configuration flag, an option, a parameter
        [InlineData("if (app.Configuration.GetValue<bool>(\"Docs:Enabled\")) { app.UseSwagger(); app.UseSwaggerUI(); }")]
        [InlineData("if (app.Configuration[\"Docs:Enabled\"] == \"true\") app.MapOpenApi();")]
        [InlineData("if (flag) app.MapOpenApi();")]
        [InlineData("if (!app.Configuration.GetValue<bool>(\"Docs:Enabled\")) return; app.MapOpenApi();")]
        [InlineData("if (app.Environment.IsDevelopment() || app.Configuration.GetValue<bool>(\"Docs:Enabled\")) app.MapOpenApi();")]
        [InlineData("if (app.Configuration.GetValue<bool>(\"Docs:Enabled\")) { } else { app.MapOpenApi(); }")]
        // not development tools
        [InlineData("app.UseExceptionHandler(\"/error\"); app.UseHsts(); app.UseStatusCodePages();")]
        [InlineData("app.MapGet(\"/swagger\", () => \"not swagger\"); app.MapHealthChecks(\"/health\");")]
        [InlineData("\"docs\".UseSwagger();")]
        public Task DoesNotFlag(string body) => VerifySF6001.AnalyzerAsync(App(body) + """

            public static class LookAlike
            {
                public static string UseSwagger(this string path) => path;
            }
            """);

        [Fact]
        public Task DoesNotFlag_EnvironmentParameterAndField() => VerifySF6001.AnalyzerAsync(Usings + """

            public class Startup
            {
                private readonly IWebHostEnvironment _env;
                public Startup(IWebHostEnvironment env) => _env = env;

                public void Configure(IApplicationBuilder app, IWebHostEnvironment env)
                {
                    if (env.IsDevelopment())
                    {
                        app.UseDeveloperExceptionPage();
                    }
                }

                public void ConfigureDocs(IApplicationBuilder app)
                {
                    if (_env.IsDevelopment()) app.UseSwagger();
                }

                public void ConfigureHost(IApplicationBuilder app, IHostEnvironment host)
                {
                    if (!host.IsDevelopment())
                    {
                        return;
                    }

                    app.UseSwaggerUI();
                }

            #pragma warning disable CS0618 // ASP.NET Core 2's IHostingEnvironment, still in old Startup classes
                public void ConfigureLegacy(IApplicationBuilder app, Microsoft.AspNetCore.Hosting.IHostingEnvironment legacy)
                {
                    if (legacy.IsDevelopment()) app.UseDatabaseErrorPage();
                }
            #pragma warning restore CS0618
            }
            """);

        /// <summary>ASP.NET Core runs <c>Configure{Environment}</c> and <c>Startup{Environment}</c> only in that environment, matching names ignoring case.</summary>
        [Fact]
        public Task DoesNotFlag_DevelopmentStartupConventions() => VerifySF6001.AnalyzerAsync(Usings + """

            public class Startup
            {
                public void ConfigureDevelopment(IApplicationBuilder app)
                {
                    app.UseDeveloperExceptionPage();
                    app.UseEndpoints(endpoints => endpoints.MapSwagger());
                }

                public void Configuredevelopment(IApplicationBuilder app) => app.UseSwagger();
            }

            public class StartupDevelopment
            {
                public void Configure(IApplicationBuilder app)
                {
                    app.UseDeveloperExceptionPage();
                    app.UseSwagger();
                    app.UseSwaggerUI();
                }
            }
            """);

        // ---------------------------------------------------------------- options

        [Fact]
        public Task Option_AllowedMethods_PublishTheDocumentOnPurpose() => new SteadfastAnalyzerTest<SF6001DevelopmentOnlyAnalyzer>
        {
            EditorConfig = "[*.cs]\nSF6001.allowed_methods = MapOpenApi, MapScalarApiReference",
            TestCode = App("""
                app.MapOpenApi();
                app.MapScalarApiReference();
                [|app.UseDeveloperExceptionPage()|];
                """),
        }.RunAsync();

        /// <summary>An empty list allows nothing; a name that is no tool changes nothing.</summary>
        [Theory]
        [InlineData("SF6001.allowed_methods = ")]
        [InlineData("SF6001.allowed_methods = ;;, ")]
        [InlineData("SF6001.allowed_methods = Swashbuckle.AspNetCore.UseSwagger")]
        public Task Option_AllowedMethods_ThatNameNoToolChangeNothing(string line) => new SteadfastAnalyzerTest<SF6001DevelopmentOnlyAnalyzer>
        {
            EditorConfig = "[*.cs]\n" + line,
            TestCode = App("[|app.MapOpenApi()|]; [|app.UseSwagger()|];"),
        }.RunAsync();

        private const string TestMethodSource = Usings + """
            namespace Xunit { public class FactAttribute : System.Attribute { } }

            public class DocsTests
            {
                [Xunit.Fact]
                public void Serves_the_document()
                {
                    var app = WebApplication.Create();
                    /*finding*/app.MapOpenApi()/*end*/;
                }
            }
            """;

        [Fact]
        public Task Option_IncludeTestCode_SilentInTestsByDefault() => VerifySF6001.AnalyzerAsync(
            TestMethodSource.Replace("/*finding*/", string.Empty, System.StringComparison.Ordinal).Replace("/*end*/", string.Empty, System.StringComparison.Ordinal));

        [Theory]
        [InlineData("true", true)]
        [InlineData("false", false)]
        [InlineData("yes please", false)] // does not parse: the default
        public Task Option_IncludeTestCode(string value, bool reports) => new SteadfastAnalyzerTest<SF6001DevelopmentOnlyAnalyzer>
        {
            EditorConfig = "[*.cs]\nSF6001.include_test_code = " + value,
            TestCode = TestMethodSource.Replace("/*finding*/", reports ? "[|" : string.Empty, System.StringComparison.Ordinal).Replace("/*end*/", reports ? "|]" : string.Empty, System.StringComparison.Ordinal),
        }.RunAsync();

        // ---------------------------------------------------------------- fix: Only in Development

        [Fact]
        public Task Fix_TopLevel_WrapsTheRunOfAdjacentCalls_InAppEnvironment() => new SteadfastCodeFixTest<SF6001DevelopmentOnlyAnalyzer, SF6001DevelopmentOnlyCodeFix>
        {
            OutputKind = OutputKind.ConsoleApplication,
            CodeActionEquivalenceKey = Key,
            TestCode = """
                using Microsoft.AspNetCore.Builder;
                using Microsoft.Extensions.DependencyInjection;
                using Microsoft.Extensions.Hosting;

                var builder = WebApplication.CreateBuilder(args);
                builder.Services.AddSwaggerGen();
                var app = builder.Build();

                // API documentation
                [|app.UseSwagger()|];
                [|app.UseSwaggerUI()|];

                app.MapGet("/health", () => "ok");
                [|app.UseDeveloperExceptionPage()|];
                app.Run();
                """,
            FixedCode = """
                using Microsoft.AspNetCore.Builder;
                using Microsoft.Extensions.DependencyInjection;
                using Microsoft.Extensions.Hosting;

                var builder = WebApplication.CreateBuilder(args);
                builder.Services.AddSwaggerGen();
                var app = builder.Build();

                // API documentation
                if (app.Environment.IsDevelopment())
                {
                    app.UseSwagger();
                    app.UseSwaggerUI();
                }

                app.MapGet("/health", () => "ok");
                if (app.Environment.IsDevelopment())
                {
                    app.UseDeveloperExceptionPage();
                }
                app.Run();
                """,
        }.RunAsync();

        [Fact]
        public Task Fix_ExtensionMethodOnWebApplication_ChainAndElseBranch() => VerifySF6001.CodeFixAsync(Usings + """

            public static class Docs
            {
                public static WebApplication MapDocs(this WebApplication app)
                {
                    [|app.MapOpenApi()|].AllowAnonymous();
                    if (app.Environment.IsProduction())
                    {
                        app.UseHsts();
                    }
                    else
                    {
                        [|app.MapScalarApiReference()|];
                    }

                    return app;
                }
            }
            """, Usings + """

            public static class Docs
            {
                public static WebApplication MapDocs(this WebApplication app)
                {
                    if (app.Environment.IsDevelopment())
                    {
                        app.MapOpenApi().AllowAnonymous();
                    }
                    if (app.Environment.IsProduction())
                    {
                        app.UseHsts();
                    }
                    else
                    {
                        if (app.Environment.IsDevelopment())
                        {
                            app.MapScalarApiReference();
                        }
                    }

                    return app;
                }
            }
            """, Key);

        [Fact]
        public Task Fix_StartupWithEnvironmentParameterOrField() => VerifySF6001.CodeFixAsync(Usings + """

            public class Startup
            {
                private readonly IHostEnvironment _host;
                public Startup(IHostEnvironment host) => _host = host;

                public void Configure(IApplicationBuilder app, IWebHostEnvironment env)
                {
                    [|app.UseDeveloperExceptionPage()|];
                    app.UseRouting();
                }

                public void ConfigureDocs(IApplicationBuilder app)
                {
                    [|app.UseSwagger()|];
                    [|app.UseSwaggerUI()|];
                }
            }
            """, Usings + """

            public class Startup
            {
                private readonly IHostEnvironment _host;
                public Startup(IHostEnvironment host) => _host = host;

                public void Configure(IApplicationBuilder app, IWebHostEnvironment env)
                {
                    if (env.IsDevelopment())
                    {
                        app.UseDeveloperExceptionPage();
                    }
                    app.UseRouting();
                }

                public void ConfigureDocs(IApplicationBuilder app)
                {
                    if (_host.IsDevelopment())
                    {
                        app.UseSwagger();
                        app.UseSwaggerUI();
                    }
                }
            }
            """, Key);

        /// <summary>Inside a lambda's block the environment parameter of the enclosing method is still in scope.</summary>
        [Fact]
        public Task Fix_InsideALambdaBlock_UsesTheEnclosingMethodsEnvironment() => VerifySF6001.CodeFixAsync(Usings + """

            public class Startup
            {
                public void Configure(IApplicationBuilder app, IWebHostEnvironment env)
                {
                    app.UseRouting();
                    app.UseEndpoints(endpoints =>
                    {
                        endpoints.MapGet("/health", () => "ok");
                        [|endpoints.MapSwagger()|];
                    });
                }
            }
            """, Usings + """

            public class Startup
            {
                public void Configure(IApplicationBuilder app, IWebHostEnvironment env)
                {
                    app.UseRouting();
                    app.UseEndpoints(endpoints =>
                    {
                        endpoints.MapGet("/health", () => "ok");
                        if (env.IsDevelopment())
                        {
                            endpoints.MapSwagger();
                        }
                    });
                }
            }
            """, Key);

        /// <summary>Without <c>using Microsoft.Extensions.Hosting;</c> the extension is not in scope: the fix calls it by its class and adds the using.</summary>
        [Fact]
        public Task Fix_WithoutTheHostingUsing_CallsTheExtensionByItsClass() => VerifySF6001.CodeFixAsync("""
            using Microsoft.AspNetCore.Builder;
            using Microsoft.AspNetCore.Hosting;

            public class Startup
            {
                public void Configure(IApplicationBuilder app, IWebHostEnvironment env)
                {
                    [|app.UseDeveloperExceptionPage()|];
                }
            }
            """, """
            using Microsoft.AspNetCore.Builder;
            using Microsoft.AspNetCore.Hosting;
            using Microsoft.Extensions.Hosting;

            public class Startup
            {
                public void Configure(IApplicationBuilder app, IWebHostEnvironment env)
                {
                    if (HostEnvironmentEnvExtensions.IsDevelopment(env))
                    {
                        app.UseDeveloperExceptionPage();
                    }
                }
            }
            """, Key);

        /// <summary>No environment in scope, a call inside a larger expression, a parameter hidden by a local of another type: nothing offered.</summary>
        [Theory]
        [InlineData("public static void Configure(IApplicationBuilder app) { [|app.UseSwagger()|]; }")]
        [InlineData("public static void Configure(WebApplication app) { var docs = [|app.MapOpenApi()|]; docs.AllowAnonymous(); }")]
        [InlineData("public static void Configure(WebApplication app) { Action later = () => [|app.UseSwagger()|]; later(); }")]
        [InlineData("public static void Configure(IApplicationBuilder app, IWebHostEnvironment env) { void Local() { string env = \"x\"; [|app.UseSwagger()|]; } Local(); }")]
        [InlineData("public static void Configure(WebApplication app) { if (app.Environment.IsProduction()) app.UseHsts(); else [|app.UseSwagger()|]; }")]
        public Task Fix_NotOffered(string members) => VerifySF6001.NoCodeFixAsync(Usings + """

            public static class Web
            {

            """ + members + """

            }
            """, Key);

        [Fact]
        public Task FixAll_SeveralDocuments() => new SteadfastCodeFixTest<SF6001DevelopmentOnlyAnalyzer, SF6001DevelopmentOnlyCodeFix>
        {
            CodeActionEquivalenceKey = Key,
            Sources =
            {
                Usings + """
                public static class Docs
                {
                    public static void Map(WebApplication app)
                    {
                        [|app.UseSwagger()|];
                        [|app.UseSwaggerUI()|];
                        [|app.UseReDoc()|];
                        app.MapGet("/", () => "ok");
                        [|app.MapOpenApi()|];
                    }
                }
                """,
                Usings + """
                public class Startup
                {
                    public void Configure(IApplicationBuilder app, IWebHostEnvironment env)
                    {
                        [|app.UseDeveloperExceptionPage()|];
                        [|app.UseMigrationsEndPoint()|];
                        app.UseRouting();
                    }
                }
                """,
            },
            FixedSources =
            {
                Usings + """
                public static class Docs
                {
                    public static void Map(WebApplication app)
                    {
                        if (app.Environment.IsDevelopment())
                        {
                            app.UseSwagger();
                            app.UseSwaggerUI();
                            app.UseReDoc();
                        }
                        app.MapGet("/", () => "ok");
                        if (app.Environment.IsDevelopment())
                        {
                            app.MapOpenApi();
                        }
                    }
                }
                """,
                Usings + """
                public class Startup
                {
                    public void Configure(IApplicationBuilder app, IWebHostEnvironment env)
                    {
                        if (env.IsDevelopment())
                        {
                            app.UseDeveloperExceptionPage();
                            app.UseMigrationsEndPoint();
                        }
                        app.UseRouting();
                    }
                }
                """,
            },
        }.RunAsync();
    }
}
