using System;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using System.Threading.Tasks;
using Steadfast.Tests.Catalog;
using Steadfast.Tests.Support;
using Xunit;

namespace Steadfast.Tests.Samples
{
    /// <summary>
    /// samples/ReliableBot/After is exactly what Steadfast's code fixes make of samples/ReliableBot/Before: the test applies
    /// every fix to a copy of Before the way a user would (<c>dotnet format analyzers</c>, a real MSBuild workspace load),
    /// compares the result with After apart from white space, and builds After with -warnaserror.
    /// </summary>
    [Collection(DotNetCliCollection.Name)]
    public sealed class ReliableBotFixTests
    {
        /// <summary>The rules that fit the bot (today every rule in the catalog), as the README's command lists them.</summary>
        private static readonly string[] Rules = RuleCatalog.ReliableBotRules.ToArray();
        private static readonly TimeSpan Step = TimeSpan.FromMinutes(6);

        private static string Sample(string version) => Path.Combine(DotNetCli.RepositoryRoot, "samples", "ReliableBot", version);

        [Fact]
        public async Task Before_HasEveryRule_AndTheFixesTurnItIntoAfter_WhichBuildsClean()
        {
            // Before shows every rule.
            var before = await DotNetCli.RunAsync(Sample("Before"), Step, "build", "-nodeReuse:false", "--no-incremental");
            Assert.True(before.ExitCode == 0, before.Output);
            foreach (var rule in Rules)
            {
                Assert.Contains("warning " + rule, before.Output);
            }

            // Three times, each on a fresh copy: dotnet format lists diagnostics in an order that varies from run to run
            // (a run once left SF2001 unfixed that way), and must give After every time.
            for (var round = 1; round <= 3; round++)
            {
                await FormatACopyOfBefore_GivesAfter(round);
            }

            // The leads query: Before selects every column, the secret one included; After lists the mapped ones, not the secret.
            // (Checked on the SQL text the two versions send: SQLite gives no hook on another process's connections.)
            var beforeQuery = Regex.Match(File.ReadAllText(Path.Combine(Sample("Before"), "LeadStore.cs")), "\"SELECT [^\"]*chat_id = @chatId[^\"]*\"").Value;
            var afterQuery = Regex.Match(File.ReadAllText(Path.Combine(Sample("After"), "LeadStore.cs")), "\"SELECT [^\"]*chat_id = @chatId[^\"]*\"").Value;
            Assert.StartsWith("\"SELECT * FROM leads", beforeQuery, StringComparison.Ordinal);
            Assert.StartsWith("\"SELECT id, chat_id, name, company, industry, employees, created_at FROM leads", afterQuery, StringComparison.Ordinal);
            Assert.DoesNotContain("crm_api_key_encrypted", afterQuery, StringComparison.Ordinal);

            // After builds with warnings as errors, and no Steadfast diagnostic is left.
            var after = await DotNetCli.RunAsync(Sample("After"), Step, "build", "-nodeReuse:false", "--no-incremental", "-warnaserror");
            Assert.True(after.ExitCode == 0, after.Output);
            Assert.DoesNotMatch(new Regex(@"\bSF\d{4}\b"), after.Output);
        }

        /// <summary>A copy of Before at the same depth (so its relative project references resolve), fixed by dotnet format, is After.</summary>
        private static async Task FormatACopyOfBefore_GivesAfter(int round)
        {
            var copy = Path.Combine(DotNetCli.RepositoryRoot, "samples", "ReliableBot", ".fixcheck-" + Guid.NewGuid().ToString("N")[..8]);
            CopyDirectory(Sample("Before"), copy);
            try
            {
                var format = await DotNetCli.RunAsync(copy, Step, new[] { "format", "analyzers", "ReliableBot.csproj", "--severity", "warn", "--diagnostics" }.Concat(Rules).ToArray());
                Assert.True(format.ExitCode == 0, $"round {round}: {format.Output}");

                var expected = Directory.GetFiles(Sample("After"), "*.cs").Select(Path.GetFileName).OrderBy(n => n).ToList();
                var actual = Directory.GetFiles(copy, "*.cs").Select(Path.GetFileName).OrderBy(n => n).ToList();
                Assert.Equal(expected, actual);
                foreach (var file in expected)
                {
                    var fixedText = File.ReadAllText(Path.Combine(copy, file!));
                    var afterText = File.ReadAllText(Path.Combine(Sample("After"), file!));
                    Assert.True(
                        WithoutWhiteSpace(fixedText) == WithoutWhiteSpace(afterText),
                        $"round {round}, {file}: the fixes produce something other than After.\n--- fixed ---\n{fixedText}\n--- After ---\n{afterText}");
                }
            }
            finally
            {
                Directory.Delete(copy, recursive: true);
            }
        }

        private static string WithoutWhiteSpace(string text) => Regex.Replace(text, @"\s+", string.Empty);

        private static void CopyDirectory(string from, string to)
        {
            Directory.CreateDirectory(to);
            foreach (var file in Directory.GetFiles(from))
            {
                File.Copy(file, Path.Combine(to, Path.GetFileName(file)));
            }

            foreach (var directory in Directory.GetDirectories(from))
            {
                var name = Path.GetFileName(directory);
                if (name is "bin" or "obj")
                {
                    continue;
                }

                CopyDirectory(directory, Path.Combine(to, name));
            }
        }
    }
}
