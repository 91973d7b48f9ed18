using System;
using System.Collections.Generic;
using System.Diagnostics.CodeAnalysis;
using System.Linq;
using Microsoft.CodeAnalysis.Diagnostics;
using Steadfast.Analyzers.Internal;
using Steadfast.Analyzers.Rules;
using Xunit;

namespace Steadfast.Tests.Catalog
{
    /// <summary>The option parsers, table-driven: absent gives the default, a bad value gives the default, each as the analyzers read them.</summary>
    public sealed class OptionDefinitionTests
    {
        private sealed class Config : AnalyzerConfigOptions
        {
            private readonly Dictionary<string, string> _values;

            public Config(string key, string? value) =>
                _values = value is null ? new Dictionary<string, string>() : new Dictionary<string, string>(KeyComparer) { [key] = value };

            public override bool TryGetValue(string key, [NotNullWhen(true)] out string? value) => _values.TryGetValue(key, out value);
        }

        [Theory]
        [InlineData(null, "")]
        [InlineData("", "")]
        [InlineData("   ", "")]
        [InlineData("A.B.C", "A.B.C")]
        [InlineData("A.B.C, D.E.*", "A.B.C|D.E.*")]
        [InlineData("A.B.C;D.E.F\tG.H.I\nJ.K.L", "A.B.C|D.E.F|G.H.I|J.K.L")]
        [InlineData("global::A.B.C ,, global::D.E.F", "A.B.C|D.E.F")]
        public void List_EmptyByDefault(string? value, string expected) =>
            Assert.Equal(Split(expected), Sorted(SF1001FireAndForgetAnalyzer.AllowedMethods.Read(new Config("SF1001.allowed_methods", value))));

        [Theory]
        [InlineData(null, "/proc/|/sys/")] // absent: the defaults
        [InlineData("", "")] // present: replaces the defaults, even when empty
        [InlineData("/var/log/", "/var/log/")]
        [InlineData("/proc/, live/", "/proc/|live/")]
        public void List_WithDefaults_SettingItReplacesThem(string? value, string expected) =>
            Assert.Equal(Split(expected), Sorted(SF5001RepeatedFileReadAnalyzer.FreshPathPrefixes.Read(new Config("SF5001.fresh_path_prefixes", value))));

        [Theory]
        [InlineData(null, false, false)]
        [InlineData("await", true, false)]
        [InlineData("track", true, true)]
        [InlineData("  TRACK ", true, true)]
        [InlineData("nonsense", true, false)]
        [InlineData("", true, false)]
        public void Choice_BadValueGivesTheDefault_AndTryReadTellsWhetherItIsSet(string? value, bool set, bool track)
        {
            var expected = track ? SF1001FireAndForgetAnalyzer.FixOrder.Track : SF1001FireAndForgetAnalyzer.FixOrder.Await;
            var options = new Config("SF1001.preferred_fix", value);
            Assert.Equal(expected, SF1001FireAndForgetAnalyzer.PreferredFix.Read(options));
            Assert.Equal(set, SF1001FireAndForgetAnalyzer.PreferredFix.TryRead(options, out var read));
            Assert.Equal(expected, read);
        }

        [Theory]
        [InlineData(null, 1024)]
        [InlineData("50000", 50000)]
        [InlineData(" 64 ", 64)]
        [InlineData("+8", 8)]
        [InlineData("0", 1024)]
        [InlineData("-5", 1024)]
        [InlineData("1e3", 1024)]
        [InlineData("1,000", 1024)]
        [InlineData("big", 1024)]
        [InlineData("99999999999", 1024)]
        public void PositiveInteger_BadValueGivesTheDefault(string? value, int expected) =>
            Assert.Equal(expected, SF4001UnboundedCacheAnalyzer.Capacity.Read(new Config("SF4001.capacity", value)));

        [Theory]
        [InlineData(null, false, false)]
        [InlineData("true", true, true)]
        [InlineData(" True ", true, true)]
        [InlineData("false", true, false)]
        [InlineData("yes", true, false)]
        [InlineData("1", true, false)]
        [InlineData("", true, false)]
        public void Boolean_BadValueGivesTheDefault(string? value, bool set, bool expected)
        {
            var options = new Config("SF5001.include_test_code", value);
            Assert.Equal(expected, SF5001RepeatedFileReadAnalyzer.IncludeTestCode.Read(options));
            Assert.Equal(set, SF5001RepeatedFileReadAnalyzer.IncludeTestCode.TryRead(options, out _));
            Assert.Equal("`true` or `false`", SF5001RepeatedFileReadAnalyzer.IncludeTestCode.TypeText);
            Assert.Equal("`false`", SF5001RepeatedFileReadAnalyzer.IncludeTestCode.DefaultText);
        }

        [Fact]
        public void Choice_IgnoresCase() =>
            Assert.Equal(SF3001SelectStarAnalyzer.ColumnNamingStyle.SnakeCase, SF3001SelectStarAnalyzer.ColumnNaming.Read(new Config("SF3001.column_naming", "Snake_Case")));

        [Fact]
        public void Definitions_DescribeTypeAndDefault()
        {
            Assert.Equal("SF1001", SF1001FireAndForgetAnalyzer.PreferredFix.RuleId);
            Assert.Equal("one of `await`, `track`", SF1001FireAndForgetAnalyzer.PreferredFix.TypeText);
            Assert.Equal("`await`", SF1001FireAndForgetAnalyzer.PreferredFix.DefaultText);
            Assert.Equal("(none)", SF1001FireAndForgetAnalyzer.AllowedMethods.DefaultText);
            Assert.Equal("`/proc/, /sys/`", SF5001RepeatedFileReadAnalyzer.FreshPathPrefixes.DefaultText);
            Assert.Equal("`1024`", SF4001UnboundedCacheAnalyzer.Capacity.DefaultText);
            Assert.Throws<ArgumentException>(() => OptionDefinition.Choice("SF9999.x", "X.", 3, ("one", 1), ("two", 2)));
        }

        private static string[] Split(string expected) => expected.Length == 0 ? Array.Empty<string>() : expected.Split('|').OrderBy(s => s, StringComparer.Ordinal).ToArray();

        private static string[] Sorted(IEnumerable<string> values) => values.OrderBy(s => s, StringComparer.Ordinal).ToArray();
    }
}
