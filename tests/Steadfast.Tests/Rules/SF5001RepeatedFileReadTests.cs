using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Steadfast.Analyzers.Rules;
using Steadfast.CodeFixes.Internal;
using Steadfast.CodeFixes.Rules;
using Steadfast.Tests.Verification;
using Xunit;
using VerifySF5001 = Steadfast.Tests.Verification.Verify<Steadfast.Analyzers.Rules.SF5001RepeatedFileReadAnalyzer, Steadfast.CodeFixes.Rules.SF5001RepeatedFileReadCodeFix>;

namespace Steadfast.Tests.Rules
{
    public sealed class SF5001RepeatedFileReadTests
    {
        /// <summary>FileCache is the first fix offered, so it carries the preferred key.</summary>
        private static readonly string CacheKey = PlannedCodeFixProvider.PreferredKey("SF5001");
        private const string LoadOnceKey = SF5001RepeatedFileReadCodeFix.LoadOnceKey;

        private static string Bot(string members) => """
            using System;
            using System.Collections.Concurrent;
            using System.IO;
            using System.Threading;
            using System.Threading.Tasks;

            class Bot
            {
                private const string PlaybookPath = "playbook.md";
                private static readonly string PromptPath = Path.Combine(AppContext.BaseDirectory, "prompt.txt");
                private readonly string _rulesPath = "rules.md";
                private string _mutablePath = "mutable.md";

            """ + members + """

            }
            """;

        // ---------------------------------------------------------------- flagged

        [Fact]
        public Task Flags_WithMessage() => VerifySF5001.AnalyzerAsync(Bot("""

                public string Reply() => {|#0:File.ReadAllText(PlaybookPath)|};
            """),
            VerifySF5001.Diagnostic("SF5001").WithLocation(0)
                .WithMessage("'File.ReadAllText' reads 'playbook.md' from disk every time this code runs: cache it with FileCache or load it once"));

        [Theory]
        [InlineData("var a = [|File.ReadAllText(PlaybookPath)|];")]
        [InlineData("var a = [|File.ReadAllText(PlaybookPath, System.Text.Encoding.UTF8)|];")]
        [InlineData("var a = [|File.ReadAllLines(PlaybookPath)|];")]
        [InlineData("var a = [|File.ReadAllBytes(PlaybookPath)|];")]
        [InlineData("foreach (var line in [|File.ReadLines(PlaybookPath)|]) { }")]
        [InlineData("var a = await [|File.ReadAllTextAsync(PlaybookPath)|];")]
        [InlineData("var a = await [|File.ReadAllLinesAsync(PlaybookPath, ct)|];")]
        [InlineData("var a = await [|File.ReadAllBytesAsync(PlaybookPath, ct)|];")]
        public Task Flags_EveryReadMethod(string statement) => VerifySF5001.AnalyzerAsync(Bot("""

                public async Task Handle(CancellationToken ct)
                {
                    
            """ + statement + """

                }
            """));

        [Theory]
        [InlineData("[|File.ReadAllText(\"playbook.md\")|]")]
        [InlineData("[|File.ReadAllText(PromptPath)|]")]
        [InlineData("[|File.ReadAllText(_rulesPath)|]")]
        [InlineData("[|File.ReadAllText(Path.Combine(AppContext.BaseDirectory, PlaybookPath))|]")]
        [InlineData("[|File.ReadAllText(Path.Combine(AppDomain.CurrentDomain.BaseDirectory, \"data\", \"faq.md\"))|]")]
        [InlineData("[|File.ReadAllText(Path.Join(AppContext.BaseDirectory, \"faq.md\"))|]")]
        [InlineData("[|File.ReadAllText(AppContext.BaseDirectory + \"/faq.md\")|]")]
        [InlineData("[|File.ReadAllText($\"{AppContext.BaseDirectory}/faq.md\")|]")]
        public Task Flags_EveryInvariantPathForm(string read) => VerifySF5001.AnalyzerAsync(Bot("""

                public string Reply() => 
            """ + read + ";"));

        [Fact]
        public Task Flags_LocalInitialisedFromInvariantPath() => VerifySF5001.AnalyzerAsync(Bot("""

                public string Reply()
                {
                    var path = Path.Combine(AppContext.BaseDirectory, "playbook.md");
                    return [|File.ReadAllText(path)|];
                }
            """));

        [Theory]
        [InlineData("public string Text => [|File.ReadAllText(PlaybookPath)|];")]
        [InlineData("public Bot() { var t = new Timer(_ => Console.WriteLine([|File.ReadAllText(PlaybookPath)|]), null, 0, 1000); }")]
        [InlineData("public Bot() { string Read() => [|File.ReadAllText(PlaybookPath)|]; Console.WriteLine(Read()); }")]
        [InlineData("static void Main() { while (true) { Console.WriteLine([|File.ReadAllText(PlaybookPath)|]); } }")]
        [InlineData("public async Task RunAsync(CancellationToken ct) { while (!ct.IsCancellationRequested) { Console.WriteLine(await [|File.ReadAllTextAsync(PlaybookPath, ct)|]); await Task.Delay(1000, ct); } }")]
        [InlineData("public Bot() { LoadRules(); } public void OnMessage() { LoadRules(); } private void LoadRules() => Console.WriteLine([|File.ReadAllText(PlaybookPath)|]);")]
        [InlineData("public Bot() { Action a = LoadRules; a(); } private void LoadRules() => Console.WriteLine([|File.ReadAllText(PlaybookPath)|]);")]
        public Task Flags_RepeatedContexts(string members) => VerifySF5001.AnalyzerAsync(Bot(members));

        [Fact]
        public Task Flags_MinimalApiHandlerInTopLevelStatements() => new SteadfastAnalyzerTest<SF5001RepeatedFileReadAnalyzer>
        {
            OutputKind = OutputKind.ConsoleApplication,
            TestCode = """
                using System.IO;
                using Microsoft.AspNetCore.Builder;
                using Microsoft.AspNetCore.Http;

                var app = WebApplication.CreateBuilder(args).Build();
                var setup = File.ReadAllText("appsettings.local.json");
                app.MapGet("/playbook", () => [|File.ReadAllText("playbook.md")|]);
                app.Run();

                """,
        }.RunAsync();

        [Fact]
        public Task Flags_ControllerActionAndHostedServiceLoop() => VerifySF5001.AnalyzerAsync("""
            using System.IO;
            using System.Threading;
            using System.Threading.Tasks;
            using Microsoft.AspNetCore.Mvc;
            using Microsoft.Extensions.Hosting;

            [ApiController]
            public class PlaybookController : ControllerBase
            {
                private const string PlaybookPath = "playbook.md";

                [HttpGet("/playbook")]
                public IActionResult Get() => Ok([|System.IO.File.ReadAllText(PlaybookPath)|]);
            }

            public class FollowUpScheduler : BackgroundService
            {
                private static readonly string TemplatePath = Path.Combine(System.AppContext.BaseDirectory, "follow-up.txt");

                protected override async Task ExecuteAsync(CancellationToken stoppingToken)
                {
                    while (!stoppingToken.IsCancellationRequested)
                    {
                        var template = await [|File.ReadAllTextAsync(TemplatePath, stoppingToken)|];
                        await Task.Delay(60_000, stoppingToken);
                    }
                }
            }
            """);

        [Fact]
        public Task Flags_PartialTypes_PerPart() => new SteadfastAnalyzerTest<SF5001RepeatedFileReadAnalyzer>
        {
            Sources =
            {
                "using System.IO; partial class P { private const string F = \"a.md\"; public P() { Load(); } }",
                "using System.IO; partial class P { private void Load() => System.Console.WriteLine(File.ReadAllText(F)); public string Get() => [|File.ReadAllText(F)|]; }",
            },
        }.RunAsync();

        // ---------------------------------------------------------------- not flagged

        /// <summary>A console program with <paramref name="entryPoint"/> and a class whose method reads a file on every call.</summary>
        private static string ConsoleProgram(string entryPoint, string read) =>
            "using System;\nusing System.IO;\nusing System.Threading;\nusing System.Threading.Tasks;\n\n" + entryPoint + "\n\n" +
            "public sealed class CertBuilder\n{\n    public string Config(string domain) => " + read + " + \"DNS:\" + domain;\n}\n";

        [Theory]
        // a command-line tool (SF2001's OneShotTool): reads its arguments, runs one command and exits, so each read runs once per process
        [InlineData("""
            public static class Program
            {
                public static void Main(string[] args) => Console.WriteLine(new CertBuilder().Config(args[0]));
            }
            """)]
        [InlineData("""
            public static class Program
            {
                public static int Main(string[] args) { if (args.Length == 0) return 1; foreach (var a in args) Console.WriteLine(new CertBuilder().Config(a)); return 0; }
            }
            """)]
        public Task DoesNotFlag_CommandLineTool(string entryPoint) => new SteadfastAnalyzerTest<SF5001RepeatedFileReadAnalyzer>
        {
            OutputKind = OutputKind.ConsoleApplication,
            TestCode = ConsoleProgram(entryPoint, "File.ReadAllText(\"/etc/ssl/openssl.cnf\")"),
        }.RunAsync();

        [Theory]
        // no arguments read: a bot or a demo started as is
        [InlineData("""
            public static class Program
            {
                public static void Main() => Console.WriteLine(new CertBuilder().Config("a"));
            }
            """)]
        // reads its arguments but keeps running: loops until stopped, or waits forever
        [InlineData("""
            public static class Program
            {
                public static async Task Main(string[] args) { while (true) { Console.WriteLine(new CertBuilder().Config(args[0])); await Task.Delay(1000); } }
            }
            """)]
        [InlineData("""
            public static class Program
            {
                public static async Task Main(string[] args) { Console.WriteLine(new CertBuilder().Config(args[0])); await Task.Delay(Timeout.Infinite); }
            }
            """)]
        // reads its arguments and runs a host: a service
        [InlineData("""
            public static class Program
            {
                public static void Main(string[] args) => Microsoft.Extensions.Hosting.HostingAbstractionsHostExtensions.Run(Microsoft.Extensions.Hosting.Host.CreateDefaultBuilder(args).Build());
            }
            """)]
        public Task Flags_ConsoleProgramsThatAreNotCommandLineTools(string entryPoint) => new SteadfastAnalyzerTest<SF5001RepeatedFileReadAnalyzer>
        {
            OutputKind = OutputKind.ConsoleApplication,
            TestCode = ConsoleProgram(entryPoint, "[|File.ReadAllText(\"/etc/ssl/openssl.cnf\")|]"),
        }.RunAsync();

        [Fact]
        public Task Flags_ALibraryWhoseMainLooksLikeATool() => new SteadfastAnalyzerTest<SF5001RepeatedFileReadAnalyzer>
        {
            TestCode = ConsoleProgram("""
                public static class Program
                {
                    public static void Main(string[] args) => Console.WriteLine(new CertBuilder().Config(args[0]));
                }
                """, "[|File.ReadAllText(\"/etc/ssl/openssl.cnf\")|]"),
        }.RunAsync();

        /// <summary>A method merely named like a cache's factory method (GetValue, GetOrAdd) runs its lambda on every call: still flagged.</summary>
        [Theory]
        [InlineData("public string Get() => Settings.GetValue(\"playbook\", () => [|File.ReadAllText(PlaybookPath)|]);")]
        [InlineData("public string Get() => Settings.GetOrAdd(\"playbook\", _ => [|File.ReadAllText(PlaybookPath)|]);")]
        public Task Flags_LambdasOfMethodsNamedLikeCacheFactories(string members) => VerifySF5001.AnalyzerAsync(Bot(members + """

                static class Settings
                {
                    public static string GetValue(string key, Func<string> read) => read();
                    public static string GetOrAdd(string key, Func<string, string> read) => read(key);
                }
            """));

        [Theory]
        [InlineData("public string Reply(string path) => File.ReadAllText(path);")]
        [InlineData("public string Reply() => File.ReadAllText(_mutablePath);")]
        [InlineData("public string Reply() { var p = PlaybookPath; p += \".bak\"; return File.ReadAllText(p); }")]
        [InlineData("public string Reply(string user) => File.ReadAllText(Path.Combine(AppContext.BaseDirectory, user));")]
        [InlineData("public Bot() { Console.WriteLine(File.ReadAllText(PlaybookPath)); }")]
        [InlineData("static Bot() { Console.WriteLine(File.ReadAllText(PlaybookPath)); }")]
        [InlineData("private readonly string _text = File.ReadAllText(PlaybookPath);")]
        [InlineData("public string Text { get; } = File.ReadAllText(PlaybookPath);")]
        [InlineData("static void Main() { Console.WriteLine(File.ReadAllText(PlaybookPath)); }")]
        [InlineData("public Bot() { LoadPlaybook(); } private void LoadPlaybook() => Console.WriteLine(File.ReadAllText(PlaybookPath));")]
        [InlineData("static void Main() { Run(); } private static void Run() => Helper(); private static void Helper() => Console.WriteLine(File.ReadAllText(PlaybookPath));")]
        [InlineData("public string Load() => File.ReadAllText(PlaybookPath); public void Save(string s) => File.WriteAllText(PlaybookPath, s);")]
        [InlineData("public string Count() => File.ReadAllText(PromptPath); public void Bump() => File.AppendAllText(PromptPath, \"x\");")]
        [InlineData("private string? _text; public string Text => _text ??= File.ReadAllText(PlaybookPath);")]
        [InlineData("private string? _text; public void Reload() { _text = File.ReadAllText(PlaybookPath); }")]
        [InlineData("private Task<string>? _text; public Task<string> Text() => _text ??= File.ReadAllTextAsync(PlaybookPath);")]
        [InlineData("private DateTime _seen; private string _text = \"\"; public string Text() { var t = File.GetLastWriteTimeUtc(PlaybookPath); if (t != _seen) { _seen = t; var s = File.ReadAllText(PlaybookPath); _text = s; } return _text; }")]
        [InlineData("private readonly ConcurrentDictionary<string, string> _c = new(); public string Get() => _c.GetOrAdd(PlaybookPath, p => File.ReadAllText(PlaybookPath));")]
        [InlineData("private static readonly Lazy<string> Text = new Lazy<string>(() => File.ReadAllText(PlaybookPath)); public string Get() => Text.Value;")]
        [InlineData("private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<object, string> T = new(); public string Get(object k) => T.GetValue(k, _ => File.ReadAllText(PlaybookPath));")]
        [InlineData("private string? _t; public string Get() => System.Threading.LazyInitializer.EnsureInitialized(ref _t, () => File.ReadAllText(PlaybookPath))!;")]
        [InlineData("public string Cpu() => File.ReadAllText(\"/proc/cpuinfo\");")]
        [InlineData("public string Temp() => File.ReadAllText(Path.Combine(\"/sys/class/thermal\", \"temp\"));")]
        [InlineData("public string Other() => Fake.File.ReadAllText(PlaybookPath);")]
        public Task DoesNotFlag(string members) => VerifySF5001.AnalyzerAsync(Bot(members + """

                static class Fake { public static class File { public static string ReadAllText(string p) => p; } }
            """));

        [Fact]
        public Task DoesNotFlag_TopLevelStatementsWithoutLoop() => new SteadfastAnalyzerTest<SF5001RepeatedFileReadAnalyzer>
        {
            OutputKind = OutputKind.ConsoleApplication,
            TestCode = "using System.IO; var config = File.ReadAllText(\"config.json\"); System.Console.WriteLine(config);",
        }.RunAsync();

        [Fact]
        public Task Option_FreshPathPrefixes_ReplacesTheDefaults() => new SteadfastAnalyzerTest<SF5001RepeatedFileReadAnalyzer>
        {
            EditorConfig = "[*.cs]\nSF5001.fresh_path_prefixes = /var/log/, live/",
            TestCode = Bot("""

                    public string A() => File.ReadAllText("/var/log/bot.log");
                    public string B() => File.ReadAllText("live/playlist.m3u");
                    public string C() => [|File.ReadAllText("/proc/cpuinfo")|];
                """),
        }.RunAsync();

        // ---------------------------------------------------------------- fix: FileCache

        [Fact]
        public Task Fix_FileCache_EveryVariantKeepsItsArguments() => VerifySF5001.CodeFixAsync(Bot("""

                public async Task<string> Handle(CancellationToken ct)
                {
                    var a = [|File.ReadAllText(PlaybookPath)|];
                    var b = [|File.ReadAllLines(PromptPath, System.Text.Encoding.UTF8)|];
                    var c = [|System.IO.File.ReadAllBytes(_rulesPath)|];
                    var d = await [|File.ReadAllTextAsync(PlaybookPath, ct)|];
                    foreach (var line in [|File.ReadLines(PlaybookPath)|]) { }
                    return a + b[0] + c.Length + d;
                }
            """), Bot("""

                public async Task<string> Handle(CancellationToken ct)
                {
                    var a = FileCache.ReadAllText(PlaybookPath);
                    var b = FileCache.ReadAllLines(PromptPath, System.Text.Encoding.UTF8);
                    var c = FileCache.ReadAllBytes(_rulesPath);
                    var d = await FileCache.ReadAllTextAsync(PlaybookPath, ct);
                    foreach (var line in FileCache.ReadLines(PlaybookPath)) { }
                    return a + b[0] + c.Length + d;
                }
            """).Replace("using System.Threading.Tasks;\n", "using System.Threading.Tasks;\nusing Steadfast;\n"), CacheKey);

        [Fact]
        public Task Fix_FileCache_UsingStatic() => VerifySF5001.CodeFixAsync("""
            using static System.IO.File;
            class C
            {
                public string Get() => [|ReadAllText("faq.md")|];
            }
            """, """
            using Steadfast;
            using static System.IO.File;
            class C
            {
                public string Get() => FileCache.ReadAllText("faq.md");
            }
            """, CacheKey);

        [Fact]
        public Task Fix_FileCache_NotOfferedWithoutRuntime() => new SteadfastCodeFixTest<SF5001RepeatedFileReadAnalyzer, SF5001RepeatedFileReadCodeFix>
        {
            ReferenceSteadfastRuntime = false,
            TestCode = "using System.IO; class C { public string Get() => [|File.ReadAllText(\"faq.md\")|]; }",
            CodeActionEquivalenceKey = SF5001RepeatedFileReadCodeFix.FileCacheKey,
        }.RunAsync();

        // ---------------------------------------------------------------- fix: load once

        [Fact]
        public Task Fix_LoadOnce_Text() => VerifySF5001.CodeFixAsync(Bot("""

                public string Reply() => [|File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "playbook.md"))|];
            """), Bot("""

                public string Reply() => PlaybookText.Value;
            """).Replace("class Bot\n{\n", "class Bot\n{\n    private static readonly Lazy<string> PlaybookText = new Lazy<string>(() => File.ReadAllText(Path.Combine(AppContext.BaseDirectory, \"playbook.md\")));\n"), LoadOnceKey);

        [Fact]
        public Task Fix_LoadOnce_AsyncStaysAsync_AndNamesAreUnique() => VerifySF5001.CodeFixAsync(Bot("""

                public async Task<string> Reply() => await [|File.ReadAllTextAsync(PromptPath)|] + [|File.ReadAllText("prompt.md")|];
            """), Bot("""

                public async Task<string> Reply() => await PromptText.Value + PromptText2.Value;
            """).Replace("class Bot\n{\n", "class Bot\n{\n    private static readonly Lazy<string> PromptText2 = new Lazy<string>(() => File.ReadAllText(\"prompt.md\"));\n    private static readonly Lazy<Task<string>> PromptText = new Lazy<Task<string>>(() => File.ReadAllTextAsync(PromptPath));\n"), LoadOnceKey);

        [Theory]
        [InlineData("public string Reply() => [|File.ReadAllText(_rulesPath)|];")]
        [InlineData("public string Reply() { var p = PlaybookPath; return [|File.ReadAllText(p)|]; }")]
        [InlineData("public string[] Reply() => [|File.ReadAllLines(PlaybookPath)|];")]
        [InlineData("public Task<string> Reply(CancellationToken ct) => [|File.ReadAllTextAsync(PlaybookPath, ct)|];")]
        public Task Fix_LoadOnce_NotOffered(string members) => VerifySF5001.NoCodeFixAsync(Bot(members), LoadOnceKey);
    }
}
