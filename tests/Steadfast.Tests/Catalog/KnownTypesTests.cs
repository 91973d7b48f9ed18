using System;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using Steadfast.Tests.Support;
using Xunit;

namespace Steadfast.Tests.Catalog
{
    /// <summary>
    /// KnownTypes caches each type in a numbered slot. Two branches that each add slots merge without a textual conflict
    /// when their lines do not touch, and two properties sharing a number would then hand out each other's type: the
    /// slots must be 0…Count-1, each once.
    /// </summary>
    public sealed class KnownTypesTests
    {
        [Fact]
        public void Slots_AreNumberedOnce_FromZeroToCount()
        {
            var text = File.ReadAllText(Path.Combine(DotNetCli.RepositoryRoot, "src", "Analyzers", "Internal", "KnownTypes.cs"));
            var count = int.Parse(Regex.Match(text, @"private const int Count = (\d+);").Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
            var slots = Regex.Matches(text, @"=> Get\((\d+), ""([^""]+)""\)").Select(m => (Slot: int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture), Name: m.Groups[2].Value)).ToList();

            foreach (var shared in slots.GroupBy(s => s.Slot).Where(g => g.Count() > 1))
            {
                Assert.Fail($"KnownTypes slot {shared.Key} is used by {string.Join(" and ", shared.Select(s => s.Name))}");
            }

            Assert.Equal(Enumerable.Range(0, count), slots.Select(s => s.Slot).OrderBy(s => s));
            Assert.Equal(slots.Count, slots.Select(s => s.Name).Distinct(StringComparer.Ordinal).Count());
        }
    }
}
