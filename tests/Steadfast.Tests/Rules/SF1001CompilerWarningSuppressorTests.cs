using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Steadfast.Analyzers.Rules;
using Steadfast.Tests.Verification;
using Xunit;

namespace Steadfast.Tests.Rules
{
    /// <summary>
    /// One warning per mistake: where SF1001 reports a dropped task in async code, the compiler's CS4014 on the same
    /// statement is suppressed (by <see cref="SF1001CompilerWarningSuppressor"/>); wherever SF1001 is silent, off or hidden,
    /// CS4014 stays. Microsoft.CodeAnalysis.Testing does not run suppressors over compiler warnings, so these tests
    /// compile with <see cref="CompilationWithAnalyzers.GetAllDiagnosticsAsync()"/> and read <see cref="Diagnostic.IsSuppressed"/>.
    /// Every run also checks the invariant: never CS4014 and SF1001 both shown for one statement, never CS4014 hidden
    /// without SF1001 shown in its place.
    /// </summary>
    public sealed class SF1001CompilerWarningSuppressorTests
    {
        private const string CS4014 = "CS4014";
        private const string SF1001 = "SF1001";

        private const string Usings = """
            using System;
            using System.Diagnostics.CodeAnalysis;
            using System.Threading.Tasks;

            """;

        private const string Members = """

                interface IService { Task SendAsync(); Task<int> CountAsync(); }
                IService svc = null!;
                async Task SafeAsync() { try { await Task.Delay(1); } catch (Exception ex) { Console.WriteLine(ex); } }
                static Task Fire() => Task.CompletedTask;
            """;

        private static string InAsyncMethod(string statements, string attributes = "") => Usings + "class C\n{" + Members + "\n    " + attributes + "\n    async Task M()\n    {\n" + statements + "\n        await Task.Yield();\n    }\n}\n";

        [Fact]
        public async Task SuppressesCS4014_WhereSF1001Reports()
        {
            var diagnostics = await RunAsync(InAsyncMethod("""
                        svc.SendAsync();
                        svc.CountAsync();
                        Task.Run(() => Console.WriteLine(1));
                        svc.SendAsync().ConfigureAwait(false);
                        Task.Factory.StartNew(async () => await svc.SendAsync());
                        Task.Delay(1).ContinueWith(t => { });
                        Func<Task> f = async () => { svc.SendAsync(); await Task.Yield(); };
                """));

            var compiler = diagnostics.Where(d => d.Id == CS4014).ToList();
            Assert.Equal(7, compiler.Count);
            Assert.All(compiler, d => Assert.True(d.IsSuppressed, d.ToString()));
            Assert.Equal(7, Shown(diagnostics, SF1001).Count);
            Assert.Empty(Shown(diagnostics, CS4014));
        }

        [Theory]
        [InlineData("svc?.SendAsync();")]
        [InlineData("_ = svc.SendAsync();")]
        [InlineData("lock (this) { svc.SendAsync(); }")]
        [InlineData("Action a = async () => svc.SendAsync();")]
        [InlineData("Action a = async () => { svc.SendAsync(); await Task.Yield(); };")]
        [InlineData("async Task Local() { svc.SendAsync(); await Task.Yield(); } await Local();")]
        [InlineData("(svc.SendAsync()).ConfigureAwait(false);")]
        [InlineData("Task.FromResult(1);")]
        [InlineData("Task.Run(() => SafeAsync());")]
        [InlineData("svc.SendAsync().ContinueWith(t => Console.WriteLine(t.Exception));")]
        [InlineData("svc.SendAsync().ContinueWith(t => Console.WriteLine(t.Status));")]
        [InlineData("Steadfast.BackgroundTasks.Track(svc.SendAsync(), name: \"x\");")]
        public async Task NeverBothNorNeither_OnEachShape(string statement)
        {
            // The invariant itself (checked by RunAsync): for every CS4014 exactly one of CS4014 and SF1001 is shown.
            var diagnostics = await RunAsync(InAsyncMethod(statement));
            Assert.All(diagnostics.Where(d => d.Id == CS4014 && d.IsSuppressed), d => Assert.Contains(Shown(diagnostics, SF1001), r => r.Location.SourceSpan.Contains(d.Location.SourceSpan)));
        }

        [Fact]
        public async Task SuppressesCS4014_InTopLevelStatements_AsInTheQuickStart()
        {
            var diagnostics = await RunAsync("""
                using System.Threading.Tasks;
                Task.Run(() => System.Console.WriteLine("hi"));
                await Task.Delay(1);
                """, outputKind: OutputKind.ConsoleApplication);

            var shown = Assert.Single(diagnostics, d => !d.IsSuppressed && d.Severity != DiagnosticSeverity.Hidden);
            Assert.Equal(SF1001, shown.Id);
            Assert.Contains(diagnostics, d => d.Id == CS4014 && d.IsSuppressed);
        }

        [Theory]
        [InlineData("SafeAsync();")]
        [InlineData("Task.Run(SafeAsync);")]
        [InlineData("Fire();")]
        public async Task KeepsCS4014_WhereSF1001DoesNotReport(string statement)
        {
            // SafeAsync catches every exception (SF1001 trusts it); Fire is allowed by option. The compiler still speaks.
            var diagnostics = await RunAsync(InAsyncMethod(statement), "[*.cs]\nSF1001.allowed_methods = C.Fire");

            Assert.Single(Shown(diagnostics, CS4014));
            Assert.Empty(Shown(diagnostics, SF1001));
        }

        [Theory]
        [InlineData("dotnet_diagnostic.SF1001.severity = none")]
        [InlineData("dotnet_diagnostic.SF1001.severity = silent")]
        [InlineData("dotnet_diagnostic.sf1001.severity = none")]
        [InlineData("dotnet_analyzer_diagnostic.category-Reliability.severity = none")]
        [InlineData("dotnet_analyzer_diagnostic.severity = silent")]
        public async Task KeepsCS4014_WhenSF1001IsOffOrHidden(string setting)
        {
            var diagnostics = await RunAsync(InAsyncMethod("svc.SendAsync();"), "[*.cs]\n" + setting);

            Assert.Single(Shown(diagnostics, CS4014));
            Assert.Empty(Shown(diagnostics, SF1001));
        }

        [Theory]
        [InlineData("dotnet_diagnostic.SF1001.severity = suggestion", DiagnosticSeverity.Info)]
        [InlineData("dotnet_diagnostic.SF1001.severity = error", DiagnosticSeverity.Error)]
        [InlineData("dotnet_diagnostic.SF1001.severity = warning\ndotnet_analyzer_diagnostic.category-Reliability.severity = none", DiagnosticSeverity.Warning)]
        [InlineData("dotnet_analyzer_diagnostic.category-Reliability.severity = error", DiagnosticSeverity.Error)]
        [InlineData("dotnet_diagnostic.SF1001.severity = nonsense", DiagnosticSeverity.Warning)]
        public async Task SuppressesCS4014_WhenSF1001IsShownAtAnySeverity(string setting, DiagnosticSeverity expected)
        {
            var diagnostics = await RunAsync(InAsyncMethod("svc.SendAsync();"), "[*.cs]\n" + setting);

            Assert.Empty(Shown(diagnostics, CS4014));
            Assert.Equal(expected, Assert.Single(Shown(diagnostics, SF1001)).Severity);
        }

        [Fact]
        public async Task KeepsCS4014_WhenAGlobalConfigTurnsSF1001Off()
        {
            var diagnostics = await RunAsync(InAsyncMethod("svc.SendAsync();"), "is_global = true\ndotnet_diagnostic.SF1001.severity = none");

            Assert.Single(Shown(diagnostics, CS4014));
            Assert.Empty(Shown(diagnostics, SF1001));
        }

        [Fact]
        public async Task FollowsTheEditorConfigSectionOfTheFile()
        {
            // The rule is off for another folder only: this file keeps SF1001, so CS4014 goes.
            var diagnostics = await RunAsync(InAsyncMethod("svc.SendAsync();"), "[/other/**.cs]\ndotnet_diagnostic.SF1001.severity = none");

            Assert.Empty(Shown(diagnostics, CS4014));
            Assert.Single(Shown(diagnostics, SF1001));
        }

        [Theory]
        [InlineData(ReportDiagnostic.Suppress, true)]
        [InlineData(ReportDiagnostic.Hidden, true)]
        [InlineData(ReportDiagnostic.Error, false)]
        [InlineData(ReportDiagnostic.Info, false)]
        public async Task FollowsTheCompilationOptions_NoWarnAndWarnAsError(ReportDiagnostic sf1001, bool keepsCS4014)
        {
            var diagnostics = await RunAsync(
                InAsyncMethod("svc.SendAsync();"),
                options: o => o.WithSpecificDiagnosticOptions(o.SpecificDiagnosticOptions.SetItem(SF1001, sf1001)));

            Assert.Equal(keepsCS4014 ? 1 : 0, Shown(diagnostics, CS4014).Count);
            Assert.Equal(keepsCS4014 ? 0 : 1, Shown(diagnostics, SF1001).Count);
        }

        [Theory]
        [InlineData(ReportDiagnostic.Suppress, "warning", true)]
        [InlineData(ReportDiagnostic.Error, "none", true)]
        [InlineData(ReportDiagnostic.Hidden, "warning", true)]
        [InlineData(ReportDiagnostic.Warn, "error", false)]
        [InlineData(ReportDiagnostic.Error, "suggestion", false)]
        public async Task CompilationOptionsAndTheTreesEditorConfig_EitherHidesSF1001(ReportDiagnostic compilationWide, string treeSeverity, bool keepsCS4014)
        {
            // Either the compilation's options (/nowarn:SF1001, a rule set) or the tree's .editorconfig can turn SF1001 off
            // or hide it; then CS4014 stays.
            var diagnostics = await RunAsync(
                InAsyncMethod("svc.SendAsync();"),
                "[*.cs]\ndotnet_diagnostic.SF1001.severity = " + treeSeverity,
                options: o => o.WithSpecificDiagnosticOptions(o.SpecificDiagnosticOptions.SetItem(SF1001, compilationWide)));

            Assert.Equal(keepsCS4014 ? 1 : 0, Shown(diagnostics, CS4014).Count);
            Assert.Equal(keepsCS4014 ? 0 : 1, Shown(diagnostics, SF1001).Count);
        }

        [Fact]
        public async Task WarningsAsErrors_StillOneDiagnostic()
        {
            var diagnostics = await RunAsync(InAsyncMethod("svc.SendAsync();"), options: o => o.WithGeneralDiagnosticOption(ReportDiagnostic.Error));

            var shown = Assert.Single(diagnostics, d => !d.IsSuppressed && (d.Id == CS4014 || d.Id == SF1001));
            Assert.Equal(SF1001, shown.Id);
            Assert.Equal(DiagnosticSeverity.Error, shown.Severity);
        }

        [Fact]
        public async Task KeepsCS4014_WherePragmaDisablesSF1001()
        {
            var diagnostics = await RunAsync(InAsyncMethod("""
                #pragma warning disable SF1001 // kept on purpose
                        svc.SendAsync();
                #pragma warning restore SF1001
                        svc.CountAsync();
                #pragma warning disable
                        Task.Delay(1);
                #pragma warning restore
                """));

            var keptCompiler = Assert.Single(Shown(diagnostics, CS4014));
            var shownRule = Assert.Single(Shown(diagnostics, SF1001));
            Assert.True(keptCompiler.Location.SourceSpan.End < shownRule.Location.SourceSpan.Start);
        }

        [Fact]
        public async Task KeepsCS4014_WhereSuppressMessageHidesSF1001()
        {
            var diagnostics = await RunAsync(InAsyncMethod("svc.SendAsync();", "[SuppressMessage(\"Reliability\", \"SF1001:Task is never observed\", Justification = \"test\")]"));

            Assert.Single(Shown(diagnostics, CS4014));
            Assert.Empty(Shown(diagnostics, SF1001));
        }

        [Theory]
        [InlineData("// <auto-generated/>\n", "/0/Test0.cs", "")]
        [InlineData("", "/0/Client.g.cs", "")]
        [InlineData("", "/0/Form1.Designer.cs", "")]
        [InlineData("", "/0/Test0.cs", "[System.CodeDom.Compiler.GeneratedCode(\"tool\", \"1.0\")]")]
        public async Task KeepsCS4014_InGeneratedCode(string header, string path, string attribute)
        {
            var diagnostics = await RunAsync(header + InAsyncMethod("svc.SendAsync();", attribute), path: path);

            Assert.Single(Shown(diagnostics, CS4014));
            Assert.Empty(Shown(diagnostics, SF1001));
        }

        [Fact]
        public async Task NeverThrows_OnBrokenCode()
        {
            // Every prefix of a source with dropped tasks, cut at each line: the suppressor and the analyzer never throw.
            var source = InAsyncMethod("""
                        svc.SendAsync();
                        _ = svc.CountAsync().ContinueWith(t => Console.WriteLine(t.Exception));
                        Task.Run(() => { try { Console.WriteLine(1); } catch { } });
                """);
            var lines = source.Split('\n');
            for (var i = 1; i <= lines.Length; i++)
            {
                await RunAsync(string.Join("\n", lines.Take(i)), allowErrors: true);
            }
        }

        // ---------------------------------------------------------------- harness

        private static List<Diagnostic> Shown(ImmutableArray<Diagnostic> diagnostics, string id) =>
            diagnostics.Where(d => d.Id == id && !d.IsSuppressed && d.Severity != DiagnosticSeverity.Hidden).ToList();

        private static async Task<ImmutableArray<Diagnostic>> RunAsync(
            string source,
            string? editorConfig = null,
            Func<CSharpCompilationOptions, CSharpCompilationOptions>? options = null,
            OutputKind outputKind = OutputKind.DynamicallyLinkedLibrary,
            string path = "/0/Test0.cs",
            bool allowErrors = false)
        {
            var project = AnalyzerRunner.CreateProject(new[] { source }, editorConfig, outputKind: outputKind);
            if (path != "/0/Test0.cs")
            {
                var document = project.Documents.Single();
                project = project.RemoveDocument(document.Id).AddDocument(System.IO.Path.GetFileName(path), source, filePath: path).Project;
            }

            var compilation = (CSharpCompilation)(await project.GetCompilationAsync())!;
            if (options is not null)
            {
                compilation = compilation.WithOptions(options(compilation.Options));
            }

            if (!allowErrors)
            {
                Assert.Empty(compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error && d.Id != CS4014));
            }

            var diagnostics = await DiagnosticsAsync(compilation, project.AnalyzerOptions, withSuppressor: true);
            var withoutSuppressor = await DiagnosticsAsync(compilation, project.AnalyzerOptions, withSuppressor: false);
            CheckOneDiagnosticPerMistake(diagnostics, withoutSuppressor);
            return diagnostics;
        }

        private static async Task<ImmutableArray<Diagnostic>> DiagnosticsAsync(Compilation compilation, AnalyzerOptions options, bool withSuppressor)
        {
            var analyzers = withSuppressor
                ? ImmutableArray.Create<DiagnosticAnalyzer>(new SF1001FireAndForgetAnalyzer(), new SF1001CompilerWarningSuppressor())
                : ImmutableArray.Create<DiagnosticAnalyzer>(new SF1001FireAndForgetAnalyzer());
            var exceptions = new List<string>();
            var withAnalyzers = compilation.WithAnalyzers(
                analyzers,
                new CompilationWithAnalyzersOptions(
                    options,
                    onAnalyzerException: (exception, analyzer, _) => exceptions.Add(analyzer.GetType().Name + " threw " + exception),
                    concurrentAnalysis: true,
                    logAnalyzerExecutionTime: false,
                    reportSuppressedDiagnostics: true));
            var diagnostics = await withAnalyzers.GetAllDiagnosticsAsync();
            Assert.Empty(exceptions);
            Assert.DoesNotContain(diagnostics, d => d.Id == "AD0001");
            return diagnostics;
        }

        /// <summary>
        /// Each CS4014 the suppressor hides (shown without it, hidden with it) has SF1001 shown in its place; each CS4014
        /// still shown has no SF1001 shown on its statement. (A pragma that disables CS4014 itself hides it in both runs.)
        /// </summary>
        private static void CheckOneDiagnosticPerMistake(ImmutableArray<Diagnostic> diagnostics, ImmutableArray<Diagnostic> withoutSuppressor)
        {
            foreach (var compiler in diagnostics.Where(d => d.Id == CS4014))
            {
                var span = compiler.Location.SourceSpan;
                var before = Assert.Single(withoutSuppressor, d => d.Id == CS4014 && d.Location.SourceSpan == span);
                var rule = diagnostics.Where(d => d.Id == SF1001 && !d.IsSuppressed && d.Severity != DiagnosticSeverity.Hidden && d.Location.SourceSpan.Contains(span)).ToList();
                if (compiler.IsSuppressed && !before.IsSuppressed)
                {
                    Assert.True(rule.Count == 1, "CS4014 suppressed without SF1001 shown in its place: " + compiler);
                }
                else if (!compiler.IsSuppressed)
                {
                    Assert.True(rule.Count == 0, "CS4014 and SF1001 both shown: " + compiler + " / " + string.Join(", ", rule));
                }
            }
        }
    }
}
