using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using Microsoft.CodeAnalysis;

namespace Steadfast.Tests.Catalog
{
    /// <summary>
    /// The text of every file (or part of a file) that lists rules, generated from <see cref="RuleCatalog"/>: the README's
    /// rule table and bulk-fix commands, the presets, and each rule page's header and options table. Hand-written text
    /// around the marked regions is kept. <see cref="GeneratedFilesTests"/> checks the files and rewrites them.
    /// </summary>
    public static class GeneratedText
    {
        /// <summary>The command that rewrites every generated file; CONTRIBUTING.md and the README name it.</summary>
        public const string Command = "STEADFAST_UPDATE_GENERATED=1 dotnet test tests/Steadfast.Tests -nodeReuse:false --filter FullyQualifiedName~GeneratedFilesTests";

        public const string Readme = "README.md";

        public static string Preset(string name) => "configuration/" + name + ".globalconfig";

        public static string RulePage(string id) => "docs/rules/" + id + ".md";

        /// <summary>Every generated file, relative to the repository root, with forward slashes.</summary>
        public static IEnumerable<string> Files() =>
            new[] { Readme, Preset("default"), Preset("strict") }.Concat(RuleCatalog.Ids.Select(RulePage));

        /// <summary>
        /// What <paramref name="path"/> should contain, given what it contains now (null when it does not exist:
        /// only a rule page can be created, as a skeleton to write).
        /// </summary>
        public static string Generate(string path, string? current)
        {
            if (path == Readme)
            {
                return GenerateReadme(Require(path, current));
            }

            if (path == Preset("default"))
            {
                return GeneratePreset(strict: false);
            }

            if (path == Preset("strict"))
            {
                return GeneratePreset(strict: true);
            }

            var id = RuleCatalog.Ids.Single(i => path == RulePage(i));
            return GenerateRulePage(id, current ?? RulePageSkeleton);
        }

        // ---------------------------------------------------------------- README

        private static string GenerateReadme(string current)
        {
            var table = new StringBuilder();
            table.Append("| ID | Category | Severity | Title |\n|----|----------|----------|-------|\n");
            foreach (var d in RuleCatalog.Descriptors)
            {
                table.Append($"| [{d.Id}](docs/rules/{d.Id}.md) | {d.Category} | {d.DefaultSeverity} | {Cell(d.Title.ToString())} |\n");
            }

            var text = ReplaceRegion(current, Readme, "rules", table.ToString());
            text = ReplaceRegion(text, Readme, "bulk-fix", "```sh\ndotnet format analyzers --diagnostics " + string.Join(" ", RuleCatalog.Ids) + " --severity warn\n```\n");
            text = ReplaceRegion(text, Readme, "reliablebot-fix", "```sh\ndotnet format analyzers samples/ReliableBot/Before/ReliableBot.csproj --severity warn --diagnostics " + string.Join(" ", RuleCatalog.ReliableBotRules) + "\n```\n");
            return text;
        }

        // ---------------------------------------------------------------- presets

        private static string GeneratePreset(bool strict)
        {
            var text = new StringBuilder();
            text.Append(strict
                ? "# Steadfast strict preset: every rule is an error.\n"
                : "# Steadfast default preset: every rule at its default severity.\n");
            text.Append("# Generated from src/Analyzers/Descriptors.cs (see CONTRIBUTING.md); a test fails when it is out of date.\nis_global = true\nglobal_level = -1\n\n");
            foreach (var d in RuleCatalog.Descriptors)
            {
                text.Append($"dotnet_diagnostic.{d.Id}.severity = {(strict ? "error" : RuleCatalog.EditorConfigSeverity(d))}\n");
            }

            return text.ToString();
        }

        // ---------------------------------------------------------------- rule pages

        /// <summary>Marks the end of a rule page's generated head (its title and header table), which starts the file.</summary>
        public const string HeaderEnd = "<!-- /header -->";

        /// <summary>What a new rule's page starts as: the sections to write (see CONTRIBUTING.md).</summary>
        public const string Placeholder = "_To be written._";

        private const string RulePageSkeleton =
            HeaderEnd + "\n\n## Why\n\n" + Placeholder + "\n\n## What is flagged\n\n" + Placeholder + "\n\n## What is not flagged\n\n" + Placeholder +
            "\n\n## Code fixes\n\n" + Placeholder + "\n\n## Configuration\n\n<!-- options -->\n<!-- /options -->\n\n## When to suppress\n\n" + Placeholder + "\n";

        private static string GenerateRulePage(string id, string current)
        {
            var d = RuleCatalog.Descriptors.Single(x => x.Id == id);
            var path = RulePage(id);
            var end = current.IndexOf(HeaderEnd, StringComparison.Ordinal);
            if (end < 0)
            {
                throw new InvalidDataException($"{path} has no {HeaderEnd} line: everything above it is generated");
            }

            var head = new StringBuilder();
            head.Append($"# {id}: {d.Title}\n\n");
            head.Append("| | |\n|---|---|\n");
            head.Append($"| ID | {id} |\n");
            head.Append($"| Category | {d.Category} |\n");
            head.Append($"| Default severity | {(d.IsEnabledByDefault ? d.DefaultSeverity.ToString() : "None (off by default)")} |\n");
            var fixes = RuleCatalog.FixesOf(id);
            if (fixes.Count == 0)
            {
                head.Append("| Code fixes | none |\n");
            }
            else
            {
                head.Append("| Code fixes | " + string.Join("; ", fixes.Select(f => "\"" + Cell(f.Title) + "\" (`" + f.Key + "`)")) + " |\n");
                head.Append($"| Equivalence keys | each diagnostic's first applicable fix carries `{id}.Preferred` (Fix All of it, like `dotnet format analyzers`, applies each diagnostic's own first fix); the others carry their own keys |\n");
            }

            var text = head + current.Substring(end);

            var options = new StringBuilder();
            options.Append("| Key | Type | Default | Description |\n|-----|------|---------|-------------|\n");
            options.Append($"| `dotnet_diagnostic.{id}.severity` | severity | `{RuleCatalog.EditorConfigSeverity(d)}` | The usual severity switch: `error`, `warning`, `suggestion`, `silent` or `none`. |\n");
            foreach (var option in RuleCatalog.OptionsOf(id))
            {
                options.Append($"| `{option.Key}` | {Cell(option.TypeText)} | {Cell(option.DefaultText)} | {Cell(option.Description)} |\n");
            }

            return ReplaceRegion(text, path, "options", options.ToString());
        }

        // ---------------------------------------------------------------- helpers

        private static string Require(string path, string? current) =>
            current ?? throw new FileNotFoundException("missing " + path, path);

        private static string Cell(string text) => text.Replace("|", "\\|", StringComparison.Ordinal).Replace("\n", " ", StringComparison.Ordinal);

        /// <summary>Replaces what lies between the lines <c>&lt;!-- name --&gt;</c> and <c>&lt;!-- /name --&gt;</c> with <paramref name="content"/>.</summary>
        public static string ReplaceRegion(string text, string path, string name, string content)
        {
            var open = "<!-- " + name + " -->\n";
            var close = "<!-- /" + name + " -->";
            var start = text.IndexOf(open, StringComparison.Ordinal);
            var end = text.IndexOf(close, StringComparison.Ordinal);
            if (start < 0 || end < start || text.IndexOf(open, start + 1, StringComparison.Ordinal) >= 0)
            {
                throw new InvalidDataException($"{path} needs one {open.TrimEnd()} ... {close} region, on lines of their own");
            }

            start += open.Length;
            return text.Substring(0, start) + content + text.Substring(end);
        }
    }
}
