using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.Diagnostics;
using Steadfast.Analyzers;
using Steadfast.Analyzers.Internal;
using Steadfast.Tests.Support;
using Steadfast.Tests.Verification;
using Xunit;

namespace Steadfast.Tests.Catalog
{
    /// <summary>
    /// The catalog, the docs, the release files, the README table and the presets agree; generated text that is out of
    /// date fails here with the text it should be.
    /// </summary>
    public sealed class CatalogTests
    {
        public static IEnumerable<DiagnosticDescriptor> AllDescriptors =>
            typeof(Descriptors).GetFields(BindingFlags.Public | BindingFlags.Static)
                .Where(f => f.FieldType == typeof(DiagnosticDescriptor))
                .Select(f => (DiagnosticDescriptor)f.GetValue(null)!)
                .OrderBy(d => d.Id, StringComparer.Ordinal);

        public static TheoryData<string> DescriptorIds()
        {
            var data = new TheoryData<string>();
            foreach (var d in AllDescriptors)
            {
                data.Add(d.Id);
            }

            return data;
        }

        private static DiagnosticDescriptor Descriptor(string id) => AllDescriptors.Single(d => d.Id == id);

        private static string Root => DotNetCli.RepositoryRoot;

        [Fact]
        public void ReservedIds_AreUniqueAndWellFormed()
        {
            var ids = typeof(DiagnosticIds).GetFields(BindingFlags.Public | BindingFlags.Static).Select(f => (string)f.GetValue(null)!).ToList();
            Assert.Equal(new[] { "SF1001", "SF2001", "SF2002", "SF3001", "SF4001", "SF5001" }, ids.OrderBy(i => i, StringComparer.Ordinal));
            Assert.All(AllDescriptors, d => Assert.Contains(d.Id, ids));
        }

        [Theory]
        [MemberData(nameof(DescriptorIds))]
        public void Descriptor_HelpLinkDocPageAndReleaseRow(string id)
        {
            var d = Descriptor(id);
            Assert.Equal(Descriptors.GetHelpUri(id), d.HelpLinkUri);
            Assert.EndsWith("/docs/rules/" + id + ".md", d.HelpLinkUri, StringComparison.Ordinal);
            Assert.Contains(d.Category, new[] { Categories.Reliability, Categories.Performance });

            var page = Path.Combine(Root, "docs", "rules", id + ".md");
            Assert.True(File.Exists(page), "missing " + page);
            var text = File.ReadAllText(page);
            Assert.StartsWith("# " + id + ": " + d.Title, text, StringComparison.Ordinal);
            foreach (var section in new[] { "## Why", "## What is flagged", "## What is not flagged", "## Code fixes", "## Configuration", "## When to suppress" })
            {
                Assert.Contains(section, text, StringComparison.Ordinal);
            }

            var releases = File.ReadAllText(Path.Combine(Root, "src", "Analyzers", "AnalyzerReleases.Unshipped.md")) +
                           File.ReadAllText(Path.Combine(Root, "src", "Analyzers", "AnalyzerReleases.Shipped.md"));
            Assert.Matches(new Regex("^" + id + @" \| " + d.Category + @" \| " + d.DefaultSeverity + @" \|", RegexOptions.Multiline), releases);
        }

        [Fact]
        public void EveryOption_IsDocumentedOnItsRulePage()
        {
            var options = typeof(Descriptors).Assembly.GetTypes()
                .SelectMany(t => t.GetFields(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static | BindingFlags.DeclaredOnly))
                .Where(f => typeof(OptionDefinition).IsAssignableFrom(f.FieldType))
                .Select(f => ((OptionDefinition)f.GetValue(null)!).Key)
                .ToList();
            Assert.NotEmpty(options);
            foreach (var option in options)
            {
                Assert.Matches(@"^SF\d{4}\.[a-z0-9_]+$", option);
                var page = File.ReadAllText(Path.Combine(Root, "docs", "rules", option.Substring(0, 6) + ".md"));
                Assert.True(page.Contains("`" + option + "`", StringComparison.Ordinal), $"{option} is not documented in docs/rules/{option.Substring(0, 6)}.md");
            }
        }

        [Fact]
        public void Readme_RuleTable_IsUpToDate()
        {
            var expected = new StringBuilder();
            expected.Append("<!-- rules -->\n| ID | Category | Severity | Title |\n|----|----------|----------|-------|\n");
            foreach (var d in AllDescriptors)
            {
                expected.Append($"| [{d.Id}](docs/rules/{d.Id}.md) | {d.Category} | {d.DefaultSeverity} | {d.Title} |\n");
            }

            expected.Append("<!-- /rules -->");
            var readme = File.ReadAllText(Path.Combine(Root, "README.md")).Replace("\r\n", "\n", StringComparison.Ordinal);
            var start = readme.IndexOf("<!-- rules -->", StringComparison.Ordinal);
            var end = readme.IndexOf("<!-- /rules -->", StringComparison.Ordinal);
            Assert.True(start >= 0 && end > start, "README.md has no <!-- rules --> markers");
            Assert.Equal(expected.ToString(), readme.Substring(start, end + "<!-- /rules -->".Length - start));
        }

        [Theory]
        [InlineData("default")]
        [InlineData("strict")]
        public void Presets_AreUpToDate(string preset)
        {
            var expected = new StringBuilder();
            expected.Append(preset == "strict"
                ? "# Steadfast strict preset: every rule is an error.\n"
                : "# Steadfast default preset: every rule at its default severity.\n");
            expected.Append("# Generated from src/Analyzers/Descriptors.cs; CatalogTests fails when it is out of date.\nis_global = true\nglobal_level = -1\n\n");
            foreach (var d in AllDescriptors)
            {
                var severity = preset == "strict" ? "error" : d.DefaultSeverity switch
                {
                    DiagnosticSeverity.Error => "error",
                    DiagnosticSeverity.Warning => "warning",
                    DiagnosticSeverity.Info => "suggestion",
                    _ => "silent",
                };
                expected.Append($"dotnet_diagnostic.{d.Id}.severity = {severity}\n");
            }

            var actual = File.ReadAllText(Path.Combine(Root, "configuration", preset + ".globalconfig")).Replace("\r\n", "\n", StringComparison.Ordinal);
            Assert.Equal(expected.ToString(), actual);
        }

        [Fact]
        public void Analyzers_UseCatalogDescriptorsOnly_AndOneEach()
        {
            var catalog = AllDescriptors.ToList();
            Assert.NotEmpty(AnalyzerRunner.AllAnalyzers);
            foreach (var analyzer in AnalyzerRunner.AllAnalyzers)
            {
                var supported = Assert.Single(analyzer.SupportedDiagnostics);
                Assert.Contains(supported, catalog);
                Assert.StartsWith(supported.Id, analyzer.GetType().Name, StringComparison.Ordinal);
            }
        }

        [Fact]
        public void CodeFixes_ExportNameEqualsTypeName_FixAllAndUniqueKeys()
        {
            var fixes = typeof(Steadfast.CodeFixes.Rules.SF1001FireAndForgetCodeFix).Assembly.GetTypes()
                .Where(t => !t.IsAbstract && typeof(CodeFixProvider).IsAssignableFrom(t))
                .ToList();
            Assert.NotEmpty(fixes);
            var keys = new HashSet<string>(StringComparer.Ordinal);
            foreach (var type in fixes)
            {
                var export = type.GetCustomAttribute<ExportCodeFixProviderAttribute>();
                Assert.NotNull(export);
                Assert.Equal(type.Name, export!.Name);
                Assert.True(type.IsSealed, type.Name + " should be sealed");
                var provider = (CodeFixProvider)Activator.CreateInstance(type)!;
                Assert.NotNull(provider.GetFixAllProvider());
                var id = Assert.Single(provider.FixableDiagnosticIds);
                Assert.StartsWith(id, type.Name, StringComparison.Ordinal);
                foreach (var field in type.GetFields(BindingFlags.Public | BindingFlags.Static).Where(f => f.IsLiteral && f.Name.EndsWith("Key", StringComparison.Ordinal)))
                {
                    var key = (string)field.GetRawConstantValue()!;
                    Assert.StartsWith(id + ".", key, StringComparison.Ordinal);
                    Assert.True(keys.Add(key), "duplicate equivalence key " + key);
                }
            }
        }
    }
}
