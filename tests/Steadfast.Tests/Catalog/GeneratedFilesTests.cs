using System;
using System.IO;
using System.Linq;
using System.Text;
using DiffPlex.DiffBuilder;
using DiffPlex.DiffBuilder.Model;
using Steadfast.Tests.Support;
using Xunit;

namespace Steadfast.Tests.Catalog
{
    /// <summary>
    /// Every file that lists rules is what <see cref="GeneratedText"/> makes of the catalog. Out of date, the test fails
    /// with the lines that differ and the command that rewrites them; with <c>STEADFAST_UPDATE_GENERATED=1</c> set it
    /// rewrites the file instead (<see cref="GeneratedText.Command"/>). CI runs the tests, so a stale file fails CI.
    /// </summary>
    public sealed class GeneratedFilesTests
    {
        private static bool Update => Environment.GetEnvironmentVariable("STEADFAST_UPDATE_GENERATED") == "1";

        public static TheoryData<string> Files()
        {
            var data = new TheoryData<string>();
            foreach (var file in GeneratedText.Files())
            {
                data.Add(file);
            }

            return data;
        }

        [Theory]
        [MemberData(nameof(Files))]
        public void GeneratedFile_IsUpToDate(string path)
        {
            var full = Path.Combine(DotNetCli.RepositoryRoot, path);
            var current = File.Exists(full) ? File.ReadAllText(full).Replace("\r\n", "\n", StringComparison.Ordinal) : null;
            var expected = GeneratedText.Generate(path, current);
            if (expected == current)
            {
                return;
            }

            if (Update)
            {
                File.WriteAllText(full, expected, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false));
                return;
            }

            Assert.Fail($"{path} is out of date. Regenerate it with\n  {GeneratedText.Command}\n\n{Diff(current ?? string.Empty, expected)}");
        }

        /// <summary>The lines that differ, with their line numbers in the current file (-) and the generated one (+).</summary>
        private static string Diff(string current, string expected)
        {
            var text = new StringBuilder();
            int oldLine = 0, newLine = 0;
            foreach (var line in InlineDiffBuilder.Diff(current, expected, ignoreWhiteSpace: false).Lines)
            {
                switch (line.Type)
                {
                    case ChangeType.Deleted:
                        text.Append($"-{++oldLine,5}: {line.Text}\n");
                        break;
                    case ChangeType.Inserted:
                        text.Append($"+{++newLine,5}: {line.Text}\n");
                        break;
                    default:
                        oldLine++;
                        newLine++;
                        break;
                }
            }

            return text.Length == 0 ? "(only line endings differ)" : text.ToString();
        }
    }
}
