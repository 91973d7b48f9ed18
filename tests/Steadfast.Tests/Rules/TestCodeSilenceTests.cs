using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Testing;
using Steadfast.Analyzers.Rules;
using Steadfast.Tests.Verification;
using Xunit;

namespace Steadfast.Tests.Rules
{
    /// <summary>
    /// Test code is quiet by default for SF2001, SF2002, SF3001, SF4001, SF4002 and SF5001, and SF1001 stays on there. Test code
    /// is a project that references a test framework (by assembly identity, or a framework's test attribute from a
    /// referenced assembly) or is marked <c>IsTestProject</c>, or a test class or a test, set-up or fixture method
    /// anywhere, always by symbol; <c>SFxxxx.include_test_code = true</c> turns a rule back on.
    /// </summary>
    /// <remarks>
    /// The test inputs' captured references leave xunit out, so every other rule test is production code. Here a test
    /// framework is an assembly emitted in memory under the framework's name, or its attribute types declared in the
    /// source under their real namespaces (which makes a test method, not a test project).
    /// </remarks>
    public sealed class TestCodeSilenceTests
    {
        /// <summary>The rules silent in test code, and SF1001, which is not.</summary>
        private static readonly string[] QuietRuleIds = { "SF2001", "SF2002", "SF3001", "SF4001", "SF4002", "SF5001" };

        public static TheoryData<string> QuietRules => new TheoryData<string>(QuietRuleIds);

        /// <summary>
        /// One finding per rule, each in a class named like a test class (<c>OrderTests</c>) and, where a method holds it,
        /// a method named <c>Test</c>: names never make test code. <c>/*attr*/</c> marks where a test would put its attribute.
        /// </summary>
        private static readonly Dictionary<string, string> Findings = new Dictionary<string, string>
        {
            ["SF1001"] = """
                using System;
                using System.Threading.Tasks;

                public class OrderTests
                {
                    /*attr*/ public void Test() { [|Task.Run(() => Work())|]; }
                    private static void Work() => Console.WriteLine("work");
                }
                """,
            ["SF2001"] = """
                using System.Net.Http;
                using System.Threading.Tasks;

                public class OrderTests
                {
                    private static readonly HttpClient Http = new HttpClient();
                    /*attr*/ public Task Test() => [|Http.GetAsync("https://example.com/orders")|];
                }
                """,
            ["SF2002"] = """
                using System.Net.Http;
                using System.Threading.Tasks;

                public class OrderTests
                {
                    /*attr*/ public async Task Test()
                    {
                        foreach (var url in new[] { "https://a.example", "https://b.example" })
                        {
                            using var client = [|new HttpClient()|];
                            await client.GetStringAsync(url);
                        }
                    }
                }
                """,
            ["SF3001"] = """
                using System.Collections.Generic;
                using Dapper;
                using Microsoft.Data.Sqlite;

                public class OrderTests
                {
                    private readonly SqliteConnection _db = new SqliteConnection("Data Source=:memory:");
                    /*attr*/ public IEnumerable<dynamic> Test() => _db.Query([|"SELECT * FROM orders"|]);
                }
                """,
            ["SF4001"] = """
                using System.Collections.Generic;

                public record Order(string Id);

                public class OrderTests
                {
                    private readonly Dictionary<string, Order> [|_cache|] = new();
                    public void Put(Order order) => _cache[System.Console.ReadLine()!] = order; // a console line: evidence of outside input (SF4001)
                    /*attr*/ public Order? Test(string id) => _cache.TryGetValue(id, out var order) ? order : null;
                }
                """,
            ["SF4002"] = """
                using System.Collections.Generic;

                public class OrderTests
                {
                    private readonly List<string> [|_seen|] = new();
                    /*attr*/ public void Test() => _seen.Add(System.Console.ReadLine()!); // a console line: evidence of outside input (SF4001's rule)
                }
                """,
            ["SF5001"] = """
                using System.IO;

                public class OrderTests
                {
                    private const string FixturePath = "orders.json";
                    /*attr*/ public string Test() => [|File.ReadAllText(FixturePath)|];
                }
                """,
        };

        // ---------------------------------------------------------------- a test project

        [Theory]
        [MemberData(nameof(QuietRules))]
        public Task TestProject_Xunit_IsQuiet(string rule) => RunAsync(rule, reports: false, references: new[] { Xunit2 });

        [Theory]
        [InlineData("xunit.core")]
        [InlineData("xunit.v3.core")]
        [InlineData("nunit.framework")]
        [InlineData("Microsoft.VisualStudio.TestPlatform.TestFramework")]
        [InlineData("MSTest.TestFramework")]
        [InlineData("TUnit.Core")]
        [InlineData("testhost")]
        public async Task TestProject_EachFrameworkByAssemblyName_IsQuiet_AndSF1001StillReports(string assemblyName)
        {
            var framework = Emit(assemblyName, "namespace Framework { public sealed class Marker { } }");
            foreach (var rule in QuietRuleIds)
            {
                await RunAsync(rule, reports: false, references: new[] { framework }, checkRobustness: false);
            }

            await RunAsync("SF1001", reports: true, references: new[] { framework }, checkRobustness: false);
        }

        [Theory]
        [InlineData("namespace Xunit { public class FactAttribute : System.Attribute { } }")]
        [InlineData("namespace NUnit.Framework { public sealed class TestAttribute : System.Attribute { } }")]
        [InlineData("namespace Microsoft.VisualStudio.TestTools.UnitTesting { public class TestMethodAttribute : System.Attribute { } }")]
        [InlineData("namespace TUnit.Core { public class TestAttribute : System.Attribute { } }")]
        public Task TestProject_AFrameworkUnderAnotherAssemblyName_IsKnownByItsTestAttribute(string framework) =>
            RunAsync("SF5001", reports: false, references: new[] { Emit("Acme.Testing.Fork", framework) });

        [Fact]
        public async Task TestProject_MarkedIsTestProject_IsQuiet_AndSF1001StillReports()
        {
            // Microsoft.NET.Test.Sdk sets IsTestProject; the package's build targets make it compiler-visible.
            const string globalConfig = "is_global = true\nbuild_property.IsTestProject = true\n";
            foreach (var rule in QuietRuleIds)
            {
                await RunAsync(rule, reports: false, globalConfig: globalConfig, checkRobustness: false);
            }

            await RunAsync("SF1001", reports: true, globalConfig: globalConfig, checkRobustness: false);
            await RunAsync("SF5001", reports: true, globalConfig: "is_global = true\nbuild_property.IsTestProject = false\n", checkRobustness: false);
        }

        [Fact]
        public Task TestProject_SF1001StaysOn() => RunAsync("SF1001", reports: true, references: new[] { Xunit2 });

        [Theory]
        [MemberData(nameof(QuietRules))]
        public Task TestProject_OptionOn_ReportsAgain(string rule) =>
            RunAsync(rule, reports: true, references: new[] { Xunit2 }, editorConfig: "[*.cs]\n" + rule + ".include_test_code = true");

        [Theory]
        [InlineData("true", true)]
        [InlineData(" TRUE ", true)]
        [InlineData("false", false)]
        [InlineData("yes", false)] // does not parse: the default
        [InlineData("", false)]
        public Task Option_ParsesTrueOrFalse_ElseTheDefault(string value, bool reports) =>
            RunAsync("SF2002", reports, references: new[] { Xunit2 }, editorConfig: "[*.cs]\nSF2002.include_test_code = " + value, checkRobustness: false);

        [Fact]
        public Task Option_IsPerRule() =>
            RunAsync("SF2002", reports: false, references: new[] { Xunit2 }, editorConfig: "[*.cs]\nSF5001.include_test_code = true", checkRobustness: false);

        /// <summary>The option applies per file: on for one folder, the rule reports there and stays quiet elsewhere.</summary>
        [Fact]
        public Task Option_PerFolder()
        {
            var test = new SteadfastAnalyzerTest<SF5001RepeatedFileReadAnalyzer>
            {
                CheckRobustness = false,
                EditorConfig = "[Integration/**.cs]\nSF5001.include_test_code = true",
            };
            test.TestState.Sources.Add(("/0/Integration/Fixtures.cs", Findings["SF5001"].Replace("/*attr*/", string.Empty, StringComparison.Ordinal)));
            test.TestState.Sources.Add(("/0/Unit/Fixtures.cs", Quiet(Findings["SF5001"].Replace("OrderTests", "UnitTests", StringComparison.Ordinal).Replace("/*attr*/", string.Empty, StringComparison.Ordinal))));
            test.TestState.AdditionalReferences.Add(Xunit2);
            return test.RunAsync();
        }

        // ---------------------------------------------------------------- test methods and classes in any project

        [Theory]
        [MemberData(nameof(QuietRules))]
        public Task TestMethod_Xunit_IsQuiet(string rule) => RunAsync(rule, reports: false, attribute: "[Xunit.Fact]", declarations: FrameworkStandIns);

        [Fact]
        public Task TestMethod_SF1001StaysOn() => RunAsync("SF1001", reports: true, attribute: "[Xunit.Fact]", declarations: FrameworkStandIns);

        [Theory]
        [MemberData(nameof(QuietRules))]
        public Task TestMethod_OptionOn_ReportsAgain(string rule) =>
            RunAsync(rule, reports: true, attribute: "[Xunit.Fact]", declarations: FrameworkStandIns, editorConfig: "[*.cs]\n" + rule + ".include_test_code = true");

        [Theory]
        [InlineData("[Xunit.Fact]")]
        [InlineData("[Xunit.Theory]")] // derives from Fact
        [InlineData("[Xunit.SkippableFact]")] // a third party's attribute derived from Fact
        [InlineData("[NUnit.Framework.Test]")]
        [InlineData("[NUnit.Framework.TestCase]")]
        [InlineData("[NUnit.Framework.TestCaseSource]")]
        [InlineData("[NUnit.Framework.SetUp]")]
        [InlineData("[NUnit.Framework.OneTimeSetUp]")]
        [InlineData("[Microsoft.VisualStudio.TestTools.UnitTesting.TestMethod]")]
        [InlineData("[Microsoft.VisualStudio.TestTools.UnitTesting.DataTestMethod]")] // derives from TestMethod
        [InlineData("[Microsoft.VisualStudio.TestTools.UnitTesting.TestInitialize]")]
        [InlineData("[Microsoft.VisualStudio.TestTools.UnitTesting.ClassInitialize]")]
        [InlineData("[TUnit.Core.Test]")]
        [InlineData("[TUnit.Core.Before]")]
        public async Task TestMethod_EachFrameworkAttribute_IsQuiet(string attribute)
        {
            await RunAsync("SF5001", reports: false, attribute: attribute, declarations: FrameworkStandIns, checkRobustness: false);
            await RunAsync("SF2002", reports: false, attribute: attribute, declarations: FrameworkStandIns, checkRobustness: false);
        }

        [Theory]
        [InlineData("[NUnit.Framework.TestFixture] public class OrderTests")]
        [InlineData("[Microsoft.VisualStudio.TestTools.UnitTesting.TestClass] public class OrderTests")]
        [InlineData("public class OrderTests : Xunit.IClassFixture<OrderFixture>")]
        [InlineData("public class OrderTests : OrderTestBase")] // derives from a test class
        public async Task TestClass_EveryMemberIsQuiet(string declaration)
        {
            foreach (var rule in QuietRuleIds)
            {
                await RunAsync(rule, reports: false, classDeclaration: declaration, declarations: FrameworkStandIns, checkRobustness: false);
            }
        }

        /// <summary>A helper class in a production project that is a test only by name, or by an attribute of its own with a test attribute's name.</summary>
        [Theory]
        [InlineData("", "")] // OrderTests.Test: names alone
        [InlineData("[Fact]", "public sealed class FactAttribute : System.Attribute { }")]
        [InlineData("[Testing.Xunit.Fact]", "namespace Testing.Xunit { public sealed class FactAttribute : System.Attribute { } }")]
        [InlineData("[MyTests.Test]", "namespace MyTests { public sealed class TestAttribute : System.Attribute { } }")]
        [InlineData("[Xunit.Fact]", "namespace Xunit { public sealed class Fact : System.Attribute { } }")] // not Xunit.FactAttribute
        public async Task ProductionCode_LookAlikes_StillReport(string attribute, string declarations)
        {
            foreach (var rule in QuietRuleIds)
            {
                await RunAsync(rule, reports: true, attribute: attribute, declarations: declarations, checkRobustness: false);
            }
        }

        [Theory]
        [MemberData(nameof(QuietRules))]
        public Task ProductionCode_Reports(string rule) => RunAsync(rule, reports: true);

        /// <summary>A production class next to test code in the same project is still judged.</summary>
        [Fact]
        public Task ProductionClass_BesideATestClass_StillReports() => new SteadfastAnalyzerTest<SF5001RepeatedFileReadAnalyzer>
        {
            Sources =
            {
                Findings["SF5001"].Replace("/*attr*/", string.Empty, StringComparison.Ordinal).Replace("OrderTests", "OrderService", StringComparison.Ordinal),
                Quiet(Findings["SF5001"].Replace("/*attr*/", "[Xunit.Fact]", StringComparison.Ordinal)),
                FrameworkStandIns,
            },
        }.RunAsync();

        // ---------------------------------------------------------------- helpers

        /// <summary>The frameworks' attribute and interface types, declared as in the frameworks (same namespaces and names), and a few test helpers.</summary>
        private const string FrameworkStandIns = """
            namespace Xunit
            {
                public class FactAttribute : System.Attribute { }
                public class TheoryAttribute : FactAttribute { }
                public sealed class SkippableFactAttribute : FactAttribute { }
                public interface IClassFixture<TFixture> where TFixture : class { }
            }
            namespace NUnit.Framework
            {
                public class TestAttribute : System.Attribute { }
                public class TestCaseAttribute : System.Attribute { }
                public class TestCaseSourceAttribute : System.Attribute { }
                public class SetUpAttribute : System.Attribute { }
                public class OneTimeSetUpAttribute : System.Attribute { }
                public class TestFixtureAttribute : System.Attribute { }
            }
            namespace Microsoft.VisualStudio.TestTools.UnitTesting
            {
                public class TestMethodAttribute : System.Attribute { }
                public class DataTestMethodAttribute : TestMethodAttribute { }
                public class TestInitializeAttribute : System.Attribute { }
                public class ClassInitializeAttribute : System.Attribute { }
                public class TestClassAttribute : System.Attribute { }
            }
            namespace TUnit.Core
            {
                public class TestAttribute : System.Attribute { }
                public class BeforeAttribute : System.Attribute { }
            }

            public class OrderFixture { }
            public abstract class OrderTestBase { [Xunit.Fact] public void Smoke() { } }
            """;

        private static readonly ConcurrentDictionary<(string, string), MetadataReference> Emitted = new ConcurrentDictionary<(string, string), MetadataReference>();

        /// <summary>xunit v2's xunit.core, with the attributes it declares.</summary>
        private static MetadataReference Xunit2 => Emit("xunit.core", "namespace Xunit { public class FactAttribute : System.Attribute { } public class TheoryAttribute : FactAttribute { } }");

        /// <summary>A tiny assembly named <paramref name="assemblyName"/>, emitted in memory: a referenced assembly with that identity.</summary>
        private static MetadataReference Emit(string assemblyName, string source) => Emitted.GetOrAdd((assemblyName, source), key =>
        {
            var compilation = CSharpCompilation.Create(
                key.Item1,
                new[] { CSharpSyntaxTree.ParseText(key.Item2) },
                TestReferences.WithoutSteadfastRuntime,
                new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary));
            using var stream = new MemoryStream();
            var result = compilation.Emit(stream);
            Assert.True(result.Success, string.Join("\n", result.Diagnostics));
            return MetadataReference.CreateFromImage(stream.ToArray(), filePath: key.Item1 + ".dll");
        });

        private static string Quiet(string source) => source.Replace("[|", string.Empty, StringComparison.Ordinal).Replace("|]", string.Empty, StringComparison.Ordinal);

        private static Task RunAsync(
            string rule,
            bool reports,
            IEnumerable<MetadataReference>? references = null,
            string attribute = "",
            string? classDeclaration = null,
            string declarations = "",
            string? editorConfig = null,
            string? globalConfig = null,
            bool checkRobustness = true)
        {
            var source = Findings[rule].Replace("/*attr*/", attribute, StringComparison.Ordinal);
            if (classDeclaration is not null)
            {
                source = source.Replace("public class OrderTests", classDeclaration, StringComparison.Ordinal);
            }

            source = (reports ? source : Quiet(source)) + "\n" + declarations;
            return rule switch
            {
                "SF1001" => RunAsync<SF1001FireAndForgetAnalyzer>(source, references, editorConfig, globalConfig, checkRobustness),
                "SF2001" => RunAsync<SF2001HttpCallWithoutRetryAnalyzer>(source, references, editorConfig, globalConfig, checkRobustness),
                "SF2002" => RunAsync<SF2002HttpClientPerCallAnalyzer>(source, references, editorConfig, globalConfig, checkRobustness),
                "SF3001" => RunAsync<SF3001SelectStarAnalyzer>(source, references, editorConfig, globalConfig, checkRobustness),
                "SF4001" => RunAsync<SF4001UnboundedCacheAnalyzer>(source, references, editorConfig, globalConfig, checkRobustness),
                "SF4002" => RunAsync<SF4002UnboundedQueueAnalyzer>(source, references, editorConfig, globalConfig, checkRobustness),
                "SF5001" => RunAsync<SF5001RepeatedFileReadAnalyzer>(source, references, editorConfig, globalConfig, checkRobustness),
                _ => throw new ArgumentOutOfRangeException(nameof(rule), rule, null),
            };
        }

        private static Task RunAsync<TAnalyzer>(string source, IEnumerable<MetadataReference>? references, string? editorConfig, string? globalConfig, bool checkRobustness)
            where TAnalyzer : DiagnosticAnalyzer, new()
        {
            var test = new SteadfastAnalyzerTest<TAnalyzer> { TestCode = source, EditorConfig = editorConfig, CheckRobustness = checkRobustness };
            if (references is not null)
            {
                test.TestState.AdditionalReferences.AddRange(references);
            }

            if (globalConfig is not null)
            {
                test.TestState.AnalyzerConfigFiles.Add(("/.globalconfig", globalConfig));
            }

            return test.RunAsync();
        }
    }
}
