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
    /// <summary>
    /// SF5001 on real services: code that runs once (start-up, hosted-service start, singletons), reads that exist to see
    /// an edit (reloads, watchers, change tokens), and the misses — a template read per recipient in a loop, a read on
    /// every request, one of a closed set of shipped files read on every command.
    /// </summary>
    public sealed class SF5001RepeatedFileReadContextTests
    {
        private static readonly string CacheKey = PlannedCodeFixProvider.PreferredKey("SF5001");
        private const string LoadOnceKey = SF5001RepeatedFileReadCodeFix.LoadOnceKey;

        private const string Usings = """
            using System;
            using System.Collections.Generic;
            using System.IO;
            using System.Threading;
            using System.Threading.Tasks;
            using Microsoft.AspNetCore.Builder;
            using Microsoft.AspNetCore.Hosting;
            using Microsoft.AspNetCore.Mvc;
            using Microsoft.Extensions.DependencyInjection;
            using Microsoft.Extensions.Hosting;
            using Microsoft.Extensions.Options;
            using Microsoft.Extensions.Primitives;

            """;

        private static string Code(string types) => Usings + types;

        // ---------------------------------------------------------------- runs once: not flagged

        [Theory]
        // Startup's ConfigureServices and Configure, by the types they are handed; an extension of the service collection
        [InlineData("public class Startup { public void ConfigureServices(IServiceCollection services) { var json = File.ReadAllText(\"seed.json\"); } public void Configure(IApplicationBuilder app) { var banner = File.ReadAllText(\"banner.txt\"); } }")]
        [InlineData("public static class Registration { public static IServiceCollection AddBot(this IServiceCollection services) { var prompt = File.ReadAllText(\"prompt.md\"); return services; } }")]
        [InlineData("public static class Program { public static IHostBuilder CreateHostBuilder(string[] args) { var extra = File.ReadAllText(\"hosts.json\"); return Host.CreateDefaultBuilder(args); } }")]
        [InlineData("public static class Routes { public static void MapBot(this WebApplication app) { var routes = File.ReadAllText(\"routes.json\"); } }")]
        // a hosted service's StartAsync; a BackgroundService's ExecuteAsync before its loop
        [InlineData("public class Warmup : IHostedService { public Task StartAsync(CancellationToken ct) { var s = File.ReadAllText(\"warm.json\"); return Task.CompletedTask; } public Task StopAsync(CancellationToken ct) => Task.CompletedTask; }")]
        [InlineData("public class Worker : BackgroundService { protected override async Task ExecuteAsync(CancellationToken ct) { var template = File.ReadAllText(\"t.txt\"); while (!ct.IsCancellationRequested) { Console.WriteLine(template); await Task.Delay(1000, ct); } } }")]
        [InlineData("public class Worker : BackgroundService { public override Task StartAsync(CancellationToken ct) { var s = File.ReadAllText(\"t.txt\"); return base.StartAsync(ct); } protected override Task ExecuteAsync(CancellationToken ct) => Task.CompletedTask; }")]
        // a private Initialize called only from start-up code
        [InlineData("public class Startup { public void ConfigureServices(IServiceCollection services) => Initialize(); private void Initialize() => Console.WriteLine(File.ReadAllText(\"seed.json\")); }")]
        // a singleton's factory; a service's constructor; static initializers
        [InlineData("public static class Registration { public static void Add(IServiceCollection s) => Use(s); private static void Use(IServiceCollection s) { } public static void AddPrompt(IServiceCollection services) => services.AddSingleton(sp => new Prompt(File.ReadAllText(\"prompt.md\"))); } public record Prompt(string Text);")]
        [InlineData("public class PromptService { private readonly string _prompt; public PromptService() { _prompt = File.ReadAllText(\"prompt.md\"); } }")]
        [InlineData("public class PromptService { private readonly string _prompt = File.ReadAllText(\"prompt.md\"); }")]
        [InlineData("public class Prompts { private static readonly string[] Lines = File.ReadAllLines(\"prompts.txt\"); }")]
        // foreach's collection runs once
        [InlineData("public static class Tool { public static void Main() { foreach (var line in File.ReadLines(\"list.txt\")) { Console.WriteLine(line); } } }")]
        public Task DoesNotFlag_RunsOnce(string types) => VerifySF5001.AnalyzerAsync(Code(types));

        [Fact]
        public Task DoesNotFlag_TopLevelComposition() => new SteadfastAnalyzerTest<SF5001RepeatedFileReadAnalyzer>
        {
            OutputKind = OutputKind.ConsoleApplication,
            TestCode = Usings + """
                var builder = WebApplication.CreateBuilder(args);
                var seed = File.ReadAllText("seed.json");
                builder.Services.AddSingleton(_ => File.ReadAllText("prompt.md"));
                var app = builder.Build();
                app.Run();

                """,
        }.RunAsync();

        // ---------------------------------------------------------------- runs once, but not quite: flagged

        [Theory]
        // a loop inside start-up code still reads the same file on every turn
        [InlineData("public class Startup { public void ConfigureServices(IServiceCollection services) { for (var i = 0; i < 3; i++) { Console.WriteLine([|File.ReadAllText(\"seed.json\")|]); } } }")]
        // a handler registered in start-up code runs on every request
        [InlineData("public static class Routes { public static void MapBot(this WebApplication app) { app.MapGet(\"/faq\", () => [|File.ReadAllText(\"faq.md\")|]); } }")]
        // a scoped or transient factory runs per scope
        [InlineData("public static class Registration { public static void AddPrompt(IServiceCollection services) => services.AddScoped(sp => new Prompt([|File.ReadAllText(\"prompt.md\")|])); } public record Prompt(string Text);")]
        // a controller is made for every request: its constructor and initializers read on every request
        [InlineData("public class FaqController : ControllerBase { private readonly string _faq; public FaqController() { _faq = [|System.IO.File.ReadAllText(\"faq.md\")|]; } }")]
        [InlineData("[ApiController] public class FaqController { private readonly string _faq = [|File.ReadAllText(\"faq.md\")|]; }")]
        // a public Initialize: its callers are not all in view
        [InlineData("public class Rules { public void Initialize() => Console.WriteLine([|File.ReadAllText(\"rules.md\")|]); }")]
        // a method named like a start-up method, handed nothing of start-up
        [InlineData("public class Startup { public void Configure(string env) { Console.WriteLine([|File.ReadAllText(\"banner.txt\")|]); } }")]
        public Task Flags_NotRunOnce(string types) => VerifySF5001.AnalyzerAsync(Code(types));

        // ---------------------------------------------------------------- reads that exist to see edits: not flagged

        [Theory]
        // a reload that refreshes a cache: stored after parsing, or through a local
        [InlineData("public class Rules { private string[] _rules = Array.Empty<string>(); public void Reload() { _rules = File.ReadAllText(\"rules.md\").Split('\\n'); } }")]
        [InlineData("public class Rules { private Settings _s = new(\"\"); public void Reload() { _s = new Settings(File.ReadAllText(\"rules.md\")); } } public record Settings(string Text);")]
        [InlineData("public class Rules { private Settings? _s; public async Task ReloadAsync() { var json = await File.ReadAllTextAsync(\"rules.json\"); _s = Parse(json); } private static Settings Parse(string s) => new(s); } public record Settings(string Text);")]
        [InlineData("public class Rules { public string Text { get; private set; } = \"\"; public void Reload() => Text = File.ReadAllText(\"rules.md\"); }")]
        // a FileSystemWatcher's handler, as a lambda or a method group; a private method called only from it
        [InlineData("public class Rules { private readonly FileSystemWatcher _w = new(\".\"); public Rules() { _w.Changed += (s, e) => Console.WriteLine(File.ReadAllText(\"rules.md\")); } }")]
        [InlineData("public class Rules { private readonly FileSystemWatcher _w = new(\".\"); public Rules() { _w.Changed += OnChanged; } private void OnChanged(object s, FileSystemEventArgs e) => Console.WriteLine(File.ReadAllText(\"rules.md\")); }")]
        [InlineData("public class Rules { private readonly FileSystemWatcher _w = new(\".\"); public Rules() { _w.Changed += OnChanged; } public void OnChanged(object s, FileSystemEventArgs e) => Load(); private void Load() => Console.WriteLine(File.ReadAllText(\"rules.md\")); }")]
        // ChangeToken.OnChange and IOptionsMonitor.OnChange callbacks
        [InlineData("public class Rules { public Rules(Func<IChangeToken> token) { ChangeToken.OnChange(token, () => Console.WriteLine(File.ReadAllText(\"rules.md\"))); } }")]
        [InlineData("public class Rules { public Rules(IOptionsMonitor<BotOptions> monitor) { monitor.OnChange(o => Console.WriteLine(File.ReadAllText(\"rules.md\"))); } } public class BotOptions { }")]
        public Task DoesNotFlag_SeesEdits(string types) => VerifySF5001.AnalyzerAsync(Code(types));

        [Theory]
        // a watcher's handler handed out elsewhere too is called from there as well
        [InlineData("public class Rules { private readonly FileSystemWatcher _w = new(\".\"); public Rules() { _w.Changed += OnChanged; Action<object, FileSystemEventArgs> a = OnChanged; } private void OnChanged(object s, FileSystemEventArgs e) => Console.WriteLine([|File.ReadAllText(\"rules.md\")|]); }")]
        // a handler of some other event is no change notification
        [InlineData("public class Rules { public event EventHandler? Changed; public Rules() { Changed += (s, e) => Console.WriteLine([|File.ReadAllText(\"rules.md\")|]); } }")]
        // a read whose result is only shown, not kept
        [InlineData("public class Rules { public void Show() { var text = [|File.ReadAllText(\"rules.md\")|]; Console.WriteLine(text); } }")]
        public Task Flags_LooksLikeReloadButIsNot(string types) => VerifySF5001.AnalyzerAsync(Code(types));

        // ---------------------------------------------------------------- misses now caught

        [Theory]
        // the same template for every recipient: a parameter, a local set before the loop, a field, an options property
        [InlineData("public class Mailer { public void SendAll(IEnumerable<string> to, string templatePath) { foreach (var r in to) { var body = [|File.ReadAllText(templatePath)|]; Send(r, body); } } private static void Send(string r, string b) { } }")]
        [InlineData("public class Mailer { public void SendAll(List<string> to, string dir) { var path = Path.Combine(dir, \"welcome.html\"); for (var i = 0; i < to.Count; i++) { Send(to[i], [|File.ReadAllText(path)|]); } } private static void Send(string r, string b) { } }")]
        [InlineData("public class Mailer { private string _templatePath = \"t.html\"; public void SendAll(string[] to) { var i = 0; while (i < to.Length) { Send(to[i++], [|File.ReadAllText(_templatePath)|]); } } private static void Send(string r, string b) { } }")]
        [InlineData("public class Mailer { public void SendAll(string[] to, MailOptions o) { foreach (var r in to) { Send(r, [|File.ReadAllText($\"{o.TemplateDir}/welcome.html\")|]); } } private static void Send(string r, string b) { } } public class MailOptions { public string TemplateDir { get; set; } = \"\"; }")]
        [InlineData("public static class Tool { public static async Task Main(string[] args) { foreach (var r in args) { var body = await [|File.ReadAllTextAsync(args[0])|]; } } }")]
        // a file read on every request: a controller action, a minimal-API handler, from the host's content or web root
        [InlineData("public class FaqController : ControllerBase { private readonly IWebHostEnvironment _env; public FaqController(IWebHostEnvironment env) => _env = env; [HttpGet] public string Get() => [|System.IO.File.ReadAllText(Path.Combine(_env.ContentRootPath, \"faq.md\"))|]; }")]
        [InlineData("public static class Routes { public static void MapFaq(this WebApplication app) { app.MapGet(\"/faq\", (IWebHostEnvironment env) => [|File.ReadAllText(Path.Combine(env.WebRootPath, \"faq.html\"))|]); } }")]
        // one of a closed set of shipped files, read on every command
        [InlineData("public enum Topic { Start, Help } public class Bot { public string Answer(Topic t) => [|File.ReadAllText(Path.Combine(\"answers\", t + \".md\"))|]; }")]
        [InlineData("public enum Topic { Start, Help } public class Bot { public string Answer(Topic t) => [|File.ReadAllText($\"answers/{t.ToString().ToLowerInvariant()}.md\")|]; }")]
        [InlineData("public class Bot { public string Answer(bool admin) => [|File.ReadAllText(admin ? \"admin.md\" : \"user.md\")|]; }")]
        [InlineData("public class Bot { public string Answer(int lang) => [|File.ReadAllText(Path.Combine(AppContext.BaseDirectory, lang switch { 0 => \"en.md\", 1 => \"de.md\", _ => \"fr.md\" }))|]; }")]
        [InlineData("public class Bot { private static readonly string[] Files = { \"a.md\", \"b.md\" }; public string Answer(int i) => [|File.ReadAllText(Files[i % 2])|]; }")]
        public Task Flags_Misses(string types) => VerifySF5001.AnalyzerAsync(Code(types));

        [Theory]
        // a file per recipient, or a path changed inside the loop
        [InlineData("public class Mailer { public void SendAll(IEnumerable<string> paths) { foreach (var p in paths) { Console.WriteLine(File.ReadAllText(p)); } } }")]
        [InlineData("public class Mailer { public void SendAll(string[] to, string dir) { foreach (var r in to) { Console.WriteLine(File.ReadAllText(Path.Combine(dir, r + \".html\"))); } } }")]
        [InlineData("public class Mailer { public void SendAll(string[] to, string path) { foreach (var r in to) { path = path + \"x\"; Console.WriteLine(File.ReadAllText(path)); } } }")]
        [InlineData("public class Mailer { public void SendAll(string[] to, string dir) { foreach (var r in to) { var path = Path.Combine(dir, r); Console.WriteLine(File.ReadAllText(path)); } } }")]
        [InlineData("public class Mailer { public void SendAll(string[] to) { foreach (var r in to) { Console.WriteLine(File.ReadAllText(Next())); } } private string Next() => Guid.NewGuid().ToString(); }")]
        [InlineData("public class Mailer { public string Dir => DateTime.Now.ToString(\"yyyyMMdd\"); public void SendAll(string[] to) { foreach (var r in to) { Console.WriteLine(File.ReadAllText(Dir)); } } }")]
        // the current directory: the program may change it
        [InlineData("public class FaqController : ControllerBase { [HttpGet] public string Get() => System.IO.File.ReadAllText(Path.Combine(Directory.GetCurrentDirectory(), \"faq.md\")); }")]
        // a parameter path outside a loop: each call may read another file
        [InlineData("public class Mailer { public string Load(string templatePath) => File.ReadAllText(templatePath); }")]
        // loading each of a closed set of files once, in a loop
        [InlineData("public enum Topic { Start, Help } public static class Tool { public static void Main() { foreach (var t in Enum.GetValues<Topic>()) { Console.WriteLine(File.ReadAllText(t + \".md\")); } } }")]
        [InlineData("public enum Kind { A, B } public class Mailer { public void SendAll(List<(string To, Kind Kind)> to, string dir) { foreach (var r in to) { Console.WriteLine(File.ReadAllText(Path.Combine(dir, r.Kind + \".html\"))); } } }")]
        // a string from a set that is not closed: a mutable array, a parameter
        [InlineData("public class Bot { private static string[] Files = { \"a.md\", \"b.md\" }; public string Answer(int i) => File.ReadAllText(Files[i % 2]); }")]
        [InlineData("public class Bot { public string Answer(bool admin, string other) => File.ReadAllText(admin ? \"admin.md\" : other); }")]
        public Task DoesNotFlag_NotTheSameFile(string types) => VerifySF5001.AnalyzerAsync(Code(types));

        // ---------------------------------------------------------------- fixes for the new shapes

        [Fact]
        public Task Fix_FileCache_InsideALoop() => VerifySF5001.CodeFixAsync(
            Code("public class Mailer { public void SendAll(IEnumerable<string> to, string templatePath) { foreach (var r in to) { Console.WriteLine([|File.ReadAllText(templatePath)|]); } } }"),
            Code("public class Mailer { public void SendAll(IEnumerable<string> to, string templatePath) { foreach (var r in to) { Console.WriteLine(FileCache.ReadAllText(templatePath)); } } }").Replace("using Microsoft.Extensions.Primitives;\n", "using Microsoft.Extensions.Primitives;\nusing Steadfast;\n"),
            CacheKey);

        [Fact]
        public Task Fix_FileCache_ClosedSetOfFiles() => VerifySF5001.CodeFixAsync(
            Code("public enum Topic { Start, Help } public class Bot { public string Answer(Topic t) => [|File.ReadAllText(Path.Combine(\"answers\", t + \".md\"))|]; }"),
            Code("public enum Topic { Start, Help } public class Bot { public string Answer(Topic t) => FileCache.ReadAllText(Path.Combine(\"answers\", t + \".md\")); }").Replace("using Microsoft.Extensions.Primitives;\n", "using Microsoft.Extensions.Primitives;\nusing Steadfast;\n"),
            CacheKey);

        /// <summary>A load-once field holds one file: not offered for a loop's parameter path, a closed set of files, or a host's root.</summary>
        [Theory]
        [InlineData("public class Mailer { public void SendAll(IEnumerable<string> to, string templatePath) { foreach (var r in to) { Console.WriteLine([|File.ReadAllText(templatePath)|]); } } }")]
        [InlineData("public enum Topic { Start, Help } public class Bot { public string Answer(Topic t) => [|File.ReadAllText(Path.Combine(\"answers\", t + \".md\"))|]; }")]
        [InlineData("public class Bot { public string Answer(bool admin) => [|File.ReadAllText(admin ? \"admin.md\" : \"user.md\")|]; }")]
        [InlineData("public class FaqController : ControllerBase { private readonly IWebHostEnvironment _env; public FaqController(IWebHostEnvironment env) => _env = env; [HttpGet] public string Get() => [|System.IO.File.ReadAllText(Path.Combine(_env.ContentRootPath, \"faq.md\"))|]; }")]
        public Task Fix_LoadOnce_NotOffered(string types) => VerifySF5001.NoCodeFixAsync(Code(types), LoadOnceKey);
    }
}
