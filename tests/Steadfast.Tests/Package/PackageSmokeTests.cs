using System;
using System.IO;
using System.IO.Compression;
using System.Linq;
using System.Text.Json;
using System.Threading.Tasks;
using Steadfast.Tests.Support;
using Xunit;

namespace Steadfast.Tests.Package
{
    /// <summary>
    /// Packs the one Steadfast package and uses it as a new user would: a fresh console project in a temp folder,
    /// the package installed from a local folder source, built with the real SDK. This is where the analyzers run on the
    /// newest host, the .NET 10 SDK's own compiler; the rule and fix tests run them on Roslyn 4.8, the oldest supported.
    /// </summary>
    [Collection(DotNetCliCollection.Name)]
    public sealed class PackageSmokeTests
    {
        private static readonly TimeSpan Step = TimeSpan.FromMinutes(5);

        [Fact]
        public async Task Pack_Install_Build_WarnAsError_EditorConfig_Sarif_Runtime()
        {
            var work = Directory.CreateTempSubdirectory("steadfast-smoke-");
            var version = "0.0.0-smoke." + DateTime.UtcNow.ToString("yyyyMMddHHmmssfff", System.Globalization.CultureInfo.InvariantCulture);
            try
            {
                var feed = Directory.CreateDirectory(Path.Combine(work.FullName, "feed")).FullName;
                var pack = await DotNetCli.RunAsync(DotNetCli.RepositoryRoot, Step,
                    "pack", "src/Runtime/Steadfast.Runtime.csproj", "-c", "Release", "-o", feed, "-p:Version=" + version,
                    "-nodeReuse:false", "-p:UseSharedCompilation=false");
                Assert.True(pack.ExitCode == 0, "dotnet pack failed:\n" + pack.Output);

                // The package layout.
                var nupkg = Path.Combine(feed, $"Steadfast.{version}.nupkg");
                using (var zip = ZipFile.OpenRead(nupkg))
                {
                    var entries = zip.Entries.Select(e => e.FullName).ToHashSet();
                    Assert.Contains("analyzers/dotnet/cs/Steadfast.Analyzers.dll", entries);
                    Assert.Contains("analyzers/dotnet/cs/Steadfast.CodeFixes.dll", entries);
                    Assert.Contains("lib/netstandard2.0/Steadfast.Runtime.dll", entries);
                    Assert.Contains("lib/net8.0/Steadfast.Runtime.dll", entries);
                    Assert.Contains("lib/net8.0/Steadfast.Runtime.xml", entries);
                    Assert.Equal(2, entries.Count(e => e.StartsWith("analyzers/", StringComparison.Ordinal)));
                    Assert.DoesNotContain(entries, e => e.Contains("AspNetCore", StringComparison.Ordinal)); // the web part is its own package
                }

                // A fresh console project that installs the package from the local folder.
                var app = Directory.CreateDirectory(Path.Combine(work.FullName, "app")).FullName;
                File.WriteAllText(Path.Combine(app, "nuget.config"), $@"<?xml version=""1.0"" encoding=""utf-8""?>
<configuration>
  <packageSources>
    <add key=""steadfast-local"" value=""{feed}"" />
  </packageSources>
</configuration>
");
                File.WriteAllText(Path.Combine(app, "app.csproj"), $@"<Project Sdk=""Microsoft.NET.Sdk"">
  <PropertyGroup>
    <OutputType>Exe</OutputType>
    <TargetFramework>net10.0</TargetFramework>
    <Nullable>enable</Nullable>
    <ImplicitUsings>enable</ImplicitUsings>
  </PropertyGroup>
  <ItemGroup>
    <PackageReference Include=""Steadfast"" Version=""{version}"" />
  </ItemGroup>
</Project>
");
                var program = Path.Combine(app, "Program.cs");
                // A synchronous Main on purpose: in top-level statements the compiler's own CS4014 would fail -warnaserror too.
                File.WriteAllText(program, @"static class Program
{
    static void Main()
    {
        Task.Run(() => Console.WriteLine(""fire and forget""));
        Thread.Sleep(10);
    }
}
");

                // 1. The flagged pattern gives the warning.
                var build = await BuildAsync(app);
                Assert.True(build.ExitCode == 0, build.Output);
                Assert.Contains("warning SF1001", build.Output, StringComparison.Ordinal);
                Assert.Contains("The task returned by 'Task.Run' is never observed", build.Output, StringComparison.Ordinal);

                // 2. -warnaserror fails the build.
                var strict = await BuildAsync(app, "-warnaserror");
                Assert.True(strict.ExitCode != 0, strict.Output);
                Assert.Contains("error SF1001", strict.Output, StringComparison.Ordinal);

                // 3. The strict preset makes it an error without -warnaserror.
                var preset = await BuildAsync(app, "-p:SteadfastPreset=strict");
                Assert.True(preset.ExitCode != 0, preset.Output);
                Assert.Contains("error SF1001", preset.Output, StringComparison.Ordinal);

                // 4. .editorconfig severity none silences it.
                var editorConfig = Path.Combine(app, ".editorconfig");
                File.WriteAllText(editorConfig, "root = true\n\n[*.cs]\ndotnet_diagnostic.SF1001.severity = none\n");
                var silenced = await BuildAsync(app, "-warnaserror");
                Assert.True(silenced.ExitCode == 0, silenced.Output);
                Assert.DoesNotContain("SF1001", silenced.Output, StringComparison.Ordinal);
                File.Delete(editorConfig);

                // 5. SARIF names the rule.
                var sarif = Path.Combine(app, "out.sarif");
                var logged = await BuildAsync(app, "-p:ErrorLog=" + sarif + "%2Cversion=2.1");
                Assert.True(logged.ExitCode == 0, logged.Output);
                using (var document = JsonDocument.Parse(File.ReadAllText(sarif)))
                {
                    var run = document.RootElement.GetProperty("runs")[0];
                    var results = run.GetProperty("results").EnumerateArray().ToList();
                    Assert.Contains(results, r => r.GetProperty("ruleId").GetString() == "SF1001");
                    var rules = run.GetProperty("tool").GetProperty("driver").GetProperty("rules").EnumerateArray().ToList();
                    var rule = Assert.Single(rules, r => r.GetProperty("id").GetString() == "SF1001");
                    Assert.EndsWith("docs/rules/SF1001.md", rule.GetProperty("helpUri").GetString(), StringComparison.Ordinal);
                }

                // 6. Bulk fixing, as the README says: dotnet format applies the package's code fix (in a sync method: tracking, named after the call).
                var format = await DotNetCli.RunAsync(app, Step, "format", "analyzers", "--diagnostics", "SF1001", "--severity", "warn");
                Assert.True(format.ExitCode == 0, format.Output);
                var formatted = File.ReadAllText(program);
                Assert.True(formatted.Contains("BackgroundTasks.Run(() => Console.WriteLine(\"fire and forget\"), name: \"WriteLine\");", StringComparison.Ordinal), formatted);
                Assert.Contains("using Steadfast;", formatted, StringComparison.Ordinal);
                var afterFormat = await BuildAsync(app, "-warnaserror");
                Assert.True(afterFormat.ExitCode == 0, formatted + "\n" + afterFormat.Output);

                // 7. The fixed code uses the runtime from lib/: it builds clean under -warnaserror and runs.
                File.WriteAllText(program, @"using Steadfast;

BackgroundTasks.Run(() => Console.WriteLine(""tracked work ran""), name: ""demo"");
var unfinished = await BackgroundTasks.DrainAsync(TimeSpan.FromSeconds(30));
Console.WriteLine($""unfinished: {unfinished.Count}"");
");
                var clean = await BuildAsync(app, "-warnaserror");
                Assert.True(clean.ExitCode == 0, clean.Output);
                var run1 = await DotNetCli.RunAsync(app, Step, "run", "--no-build");
                Assert.True(run1.ExitCode == 0, run1.Output);
                Assert.Contains("tracked work ran", run1.Output, StringComparison.Ordinal);
                Assert.Contains("unfinished: 0", run1.Output, StringComparison.Ordinal);

                // 8. Test code: a project MSBuild marks IsTestProject (Microsoft.NET.Test.Sdk sets it; the package's build
                // targets make it compiler-visible) hears nothing from the rules that are quiet in tests, SF1001 still
                // speaks, and SFxxxx.include_test_code turns a rule back on.
                File.WriteAllText(program, @"static class Program
{
    static void Main()
    {
        Task.Run(() => Console.WriteLine(""fire and forget""));
        foreach (var name in new[] { ""a"", ""b"" })
        {
            using var client = new HttpClient();
            Console.WriteLine(name + client.Timeout);
        }
    }
}
");
                var production = await BuildAsync(app);
                Assert.True(production.ExitCode == 0, production.Output);
                Assert.Contains("warning SF2002", production.Output, StringComparison.Ordinal);
                var tests = await BuildAsync(app, "-p:IsTestProject=true");
                Assert.True(tests.ExitCode == 0, tests.Output);
                Assert.DoesNotContain("SF2002", tests.Output, StringComparison.Ordinal);
                Assert.Contains("warning SF1001", tests.Output, StringComparison.Ordinal);
                File.WriteAllText(editorConfig, "root = true\n\n[*.cs]\nSF2002.include_test_code = true\n");
                var included = await BuildAsync(app, "-p:IsTestProject=true");
                Assert.True(included.ExitCode == 0, included.Output);
                Assert.Contains("warning SF2002", included.Output, StringComparison.Ordinal);
                File.Delete(editorConfig);
            }
            finally
            {
                TryDelete(work.FullName);
                TryDelete(Path.Combine(Environment.GetEnvironmentVariable("NUGET_PACKAGES") ??
                    Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages"), "steadfast", version));
            }
        }

        /// <summary>
        /// The ASP.NET Core part (tiered rate limiting, Redis mode) is a second package, so that console bots that take
        /// Steadfast carry neither the ASP.NET Core shared framework nor StackExchange.Redis: its layout and dependencies.
        /// </summary>
        [Fact]
        public async Task Pack_AspNetCore_IsASecondPackage_WithTheWebAndRedisDependencies()
        {
            var work = Directory.CreateTempSubdirectory("steadfast-smoke-web-");
            var version = "0.0.0-smoke." + DateTime.UtcNow.ToString("yyyyMMddHHmmssfff", System.Globalization.CultureInfo.InvariantCulture);
            try
            {
                var feed = Directory.CreateDirectory(Path.Combine(work.FullName, "feed")).FullName;
                var pack = await DotNetCli.RunAsync(DotNetCli.RepositoryRoot, Step,
                    "pack", "src/Runtime.AspNetCore/Steadfast.AspNetCore.csproj", "-c", "Release", "-o", feed, "-p:Version=" + version,
                    "-nodeReuse:false", "-p:UseSharedCompilation=false");
                Assert.True(pack.ExitCode == 0, "dotnet pack failed:\n" + pack.Output);

                using var zip = ZipFile.OpenRead(Path.Combine(feed, $"Steadfast.AspNetCore.{version}.nupkg"));
                var entries = zip.Entries.Select(e => e.FullName).ToHashSet();
                Assert.Contains("lib/net8.0/Steadfast.AspNetCore.dll", entries);
                Assert.Contains("lib/net8.0/Steadfast.AspNetCore.xml", entries);
                Assert.DoesNotContain(entries, e => e.StartsWith("analyzers/", StringComparison.Ordinal) || e.Contains("Steadfast.Runtime.dll", StringComparison.Ordinal));

                var nuspecEntry = zip.Entries.Single(e => e.FullName.EndsWith(".nuspec", StringComparison.Ordinal));
                using var reader = new StreamReader(nuspecEntry.Open());
                var nuspec = System.Xml.Linq.XDocument.Parse(reader.ReadToEnd());
                var dependencies = nuspec.Descendants().Where(e => e.Name.LocalName == "dependency")
                    .ToDictionary(e => (string)e.Attribute("id")!, e => (string)e.Attribute("version")!);
                Assert.Equal(version, dependencies["Steadfast"]);
                Assert.Equal("1.2.1", dependencies["RedisRateLimiting"]);
                Assert.True(dependencies.ContainsKey("StackExchange.Redis"), string.Join(", ", dependencies.Keys));
                Assert.Contains(nuspec.Descendants(), e => e.Name.LocalName == "frameworkReference" && (string?)e.Attribute("name") == "Microsoft.AspNetCore.App");
            }
            finally
            {
                TryDelete(work.FullName);
            }
        }

        private static Task<(int ExitCode, string Output)> BuildAsync(string app, params string[] extra) =>
            DotNetCli.RunAsync(app, Step, new[] { "build", "--no-incremental", "-nodeReuse:false", "-p:UseSharedCompilation=false" }.Concat(extra).ToArray());

        private static void TryDelete(string path)
        {
            try
            {
                if (Directory.Exists(path))
                {
                    Directory.Delete(path, recursive: true);
                }
            }
            catch (IOException)
            {
            }
            catch (UnauthorizedAccessException)
            {
            }
        }
    }
}
