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
    /// The catalog, the analyzers, the code fixes, the option definitions, the docs and the release files agree. (The
    /// files generated from the catalog are checked by <see cref="GeneratedFilesTests"/>.)
    /// </summary>
    public sealed class CatalogTests
    {
        public static TheoryData<string> DescriptorIds()
        {
            var data = new TheoryData<string>();
            foreach (var id in RuleCatalog.Ids)
            {
                data.Add(id);
            }

            return data;
        }

        private static DiagnosticDescriptor Descriptor(string id) => RuleCatalog.Descriptors.Single(d => d.Id == id);

        private static string Root => DotNetCli.RepositoryRoot;

        private static string ReleaseFile(string name) => File.ReadAllText(Path.Combine(Root, "src", "Analyzers", "AnalyzerReleases." + name + ".md"));

        [Fact]
        public void ReservedIds_AreUniqueAndWellFormed_AndTheReleaseFilesName()
        {
            // Every reserved ID is well formed and unique, every descriptor's ID reserved, and the release files (the
            // record of what shipped: IDs are never reused) have a row for exactly the reserved IDs.
            var ids = RuleCatalog.ReservedIds;
            Assert.NotEmpty(ids);
            Assert.All(ids, id => Assert.Matches(@"^SF\d{4}$", id));
            Assert.Equal(ids.Count, ids.Distinct(StringComparer.Ordinal).Count());
            Assert.All(RuleCatalog.Descriptors, d => Assert.Contains(d.Id, ids));
            var released = Regex.Matches(ReleaseFile("Shipped") + ReleaseFile("Unshipped"), @"^(SF\d{4}) \|", RegexOptions.Multiline)
                .Select(m => m.Groups[1].Value)
                .Distinct(StringComparer.Ordinal)
                .OrderBy(id => id, StringComparer.Ordinal);
            Assert.Equal(ids, released);
        }

        [Theory]
        [MemberData(nameof(DescriptorIds))]
        public void Descriptor_HelpLinkDocPageAndReleaseRow(string id)
        {
            var d = Descriptor(id);
            Assert.Equal(Descriptors.GetHelpUri(id), d.HelpLinkUri);
            Assert.EndsWith("/docs/rules/" + id + ".md", d.HelpLinkUri, StringComparison.Ordinal);
            Assert.Contains(d.Category, new[] { Categories.Reliability, Categories.Performance, Categories.Security });

            var page = Path.Combine(Root, "docs", "rules", id + ".md");
            Assert.True(File.Exists(page), "missing " + page);
            var text = File.ReadAllText(page);
            Assert.StartsWith("# " + id + ": " + d.Title, text, StringComparison.Ordinal);
            foreach (var section in new[] { "## Why", "## What is flagged", "## What is not flagged", "## Code fixes", "## Configuration", "## When to suppress" })
            {
                Assert.Contains(section, text, StringComparison.Ordinal);
            }

            Assert.DoesNotContain(GeneratedText.Placeholder, text, StringComparison.Ordinal);

            var releases = ReleaseFile("Unshipped") + ReleaseFile("Shipped");
            Assert.Matches(new Regex("^" + id + @" \| " + d.Category + @" \| " + d.DefaultSeverity + @" \|", RegexOptions.Multiline), releases);
        }

        [Fact]
        public void EveryOption_IsDefinedOnItsRulesAnalyzer_AndDocumentedOnItsRulePage()
        {
            Assert.NotEmpty(RuleCatalog.Options);
            Assert.Equal(RuleCatalog.Options.Count, RuleCatalog.Options.Select(o => o.Key).Distinct(StringComparer.OrdinalIgnoreCase).Count());
            foreach (var option in RuleCatalog.Options)
            {
                Assert.Matches(@"^SF\d{4}\.[a-z][a-z0-9_]*$", option.Key);
                Assert.Contains(option.RuleId, RuleCatalog.Ids);
                Assert.False(string.IsNullOrWhiteSpace(option.Description), option.Key + " has no description");

                // In the options table of its page's Configuration section, not just somewhere on the page.
                var page = File.ReadAllText(Path.Combine(Root, "docs", "rules", option.RuleId + ".md")).Replace("\r\n", "\n", StringComparison.Ordinal);
                var configuration = page.IndexOf("## Configuration", StringComparison.Ordinal);
                var start = page.IndexOf("<!-- options -->", StringComparison.Ordinal);
                var end = page.IndexOf("<!-- /options -->", StringComparison.Ordinal);
                Assert.True(configuration >= 0 && start > configuration && end > start, $"docs/rules/{option.RuleId}.md has no <!-- options --> table in its Configuration section");
                Assert.True(
                    page.Substring(start, end - start).Contains("| `" + option.Key + "` |", StringComparison.Ordinal),
                    $"{option.Key} is not documented in docs/rules/{option.RuleId}.md; regenerate it with\n  {GeneratedText.Command}");
            }

            // Each rule's options are declared next to its analyzer, one place per rule.
            foreach (var id in RuleCatalog.Ids.Where(id => RuleCatalog.OptionsOf(id).Count > 0))
            {
                var analyzer = RuleCatalog.AnalyzerOf(id);
                Assert.NotNull(analyzer);
                var declared = analyzer!.GetFields(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static)
                    .Where(f => typeof(OptionDefinition).IsAssignableFrom(f.FieldType))
                    .Select(f => ((OptionDefinition)f.GetValue(null)!).Key);
                Assert.Equal(RuleCatalog.OptionsOf(id).Select(o => o.Key).OrderBy(k => k, StringComparer.Ordinal), declared.OrderBy(k => k, StringComparer.Ordinal));
            }
        }

        [Fact]
        public void EveryOptionKeyInTheSourcesAndDocs_HasADefinition()
        {
            // An option read by its key without a definition would go undocumented; a key in the docs without one is stale.
            var defined = RuleCatalog.Options.Select(o => o.Key).ToHashSet(StringComparer.Ordinal);
            var key = new Regex(@"(?<!dotnet_diagnostic\.)\bSF\d{4}\.(?!md\b)[a-z][a-z0-9_]*\b");
            var separator = Path.DirectorySeparatorChar.ToString();
            var files = Directory.GetFiles(Path.Combine(Root, "src"), "*.cs", SearchOption.AllDirectories)
                .Where(f => !f.Contains(separator + "obj" + separator, StringComparison.Ordinal) && !f.Contains(separator + "bin" + separator, StringComparison.Ordinal))
                .Concat(Directory.GetFiles(Path.Combine(Root, "docs", "rules"), "*.md"))
                .Append(Path.Combine(Root, "README.md"));
            foreach (var file in files)
            {
                foreach (Match match in key.Matches(File.ReadAllText(file)))
                {
                    Assert.True(defined.Contains(match.Value), $"{Path.GetRelativePath(Root, file)} names the option {match.Value}, which no OptionDefinition declares");
                }
            }
        }

        [Fact]
        public void Analyzers_UseCatalogDescriptorsOnly_AndOneEach()
        {
            var catalog = RuleCatalog.Descriptors;
            Assert.NotEmpty(AnalyzerRunner.AllAnalyzers);
            foreach (var analyzer in AnalyzerRunner.AllAnalyzers)
            {
                var supported = Assert.Single(analyzer.SupportedDiagnostics);
                Assert.Contains(supported, catalog);
                Assert.StartsWith(supported.Id, analyzer.GetType().Name, StringComparison.Ordinal);
            }
        }

        [Fact]
        public void Suppressors_EachSilencesACompilerWarningWhereItsRuleSpeaks()
        {
            // A suppressor reports nothing of its own: its one suppression is named after its rule (SFS1001 for SF1001)
            // and silences a compiler warning, never another analyzer's diagnostic.
            Assert.NotEmpty(AnalyzerRunner.AllSuppressors);
            foreach (var suppressor in AnalyzerRunner.AllSuppressors)
            {
                Assert.True(suppressor.GetType().IsSealed, suppressor.GetType().Name + " should be sealed");
                var rule = Assert.Single(RuleCatalog.Ids, id => suppressor.GetType().Name.StartsWith(id, StringComparison.Ordinal));
                var suppression = Assert.Single(suppressor.SupportedSuppressions);
                Assert.Equal("SFS" + rule.Substring(2), suppression.Id);
                Assert.Matches(@"^CS\d{4}$", suppression.SuppressedDiagnosticId);
                Assert.Contains(rule, suppression.Justification.ToString(), StringComparison.Ordinal);
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
                var offered = RuleCatalog.FixesOf(id);
                Assert.All(offered, f => Assert.StartsWith(id + ".", f.Key, StringComparison.Ordinal));
                foreach (var field in type.GetFields(BindingFlags.Public | BindingFlags.Static).Where(f => f.IsLiteral && f.Name.EndsWith("Key", StringComparison.Ordinal)))
                {
                    var key = (string)field.GetRawConstantValue()!;
                    Assert.StartsWith(id + ".", key, StringComparison.Ordinal);
                    Assert.True(keys.Add(key), "duplicate equivalence key " + key);

                    // The rule page's header lists the fixes found by reflection: every key must be among them.
                    Assert.Contains(offered, f => f.Key == key);
                }
            }
        }
    }
}
