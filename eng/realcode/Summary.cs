using System.Collections.Immutable;
using System.Globalization;
using System.Text;
using Microsoft.CodeAnalysis.Diagnostics;

namespace RealCode;

public static class Summary
{
    public static void Write(string path, List<RepoStats> stats, List<Finding> findings, List<string> exceptions, ImmutableArray<DiagnosticAnalyzer> analyzers, TimeSpan elapsed, string analyzerPath)
    {
        var inv = CultureInfo.InvariantCulture;
        var sb = new StringBuilder();
        sb.Append("# Real-code run: summary\n\n");
        sb.Append($"Analyzer assembly: `{Path.GetFileName(analyzerPath)}` ({analyzers.Length} analyzers: {string.Join(", ", analyzers.Select(Program.Label))}). Wall time {elapsed.TotalMinutes.ToString("F1", inv)} min.\n\n");

        sb.Append("## Corpus\n\n| repo | commit | projects (found / compiled / test) | files | lines (all / production) | packages requested / not restored | projects with no restore | compiler errors |\n|---|---|---|---|---|---|---|---|\n");
        foreach (var s in stats)
        {
            sb.Append($"| {s.Repo} | {s.Commit[..Math.Min(12, s.Commit.Length)]} | {s.ProjectsFound} / {s.ProjectsCompiled} / {s.TestProjects} | {s.Files:N0} | {s.Lines:N0} / {s.ProductionLines:N0} | {s.PackagesRequested} / {s.Dropped.Count} | {s.ProjectsWithoutRestore} | {s.CompilerErrors:N0} |\n".Replace(",", ",", StringComparison.Ordinal));
        }

        sb.Append($"| **total** | | {stats.Sum(s => s.ProjectsFound)} / {stats.Sum(s => s.ProjectsCompiled)} / {stats.Sum(s => s.TestProjects)} | {stats.Sum(s => s.Files):N0} | {stats.Sum(s => s.Lines):N0} / {stats.Sum(s => s.ProductionLines):N0} | {stats.Sum(s => s.PackagesRequested)} / {stats.Sum(s => s.Dropped.Count)} | {stats.Sum(s => s.ProjectsWithoutRestore)} | {stats.Sum(s => s.CompilerErrors):N0} |\n\n");
        sb.Append("Packages not restored (the project compiles without them; their types are unresolved):\n\n");
        foreach (var s in stats)
        {
            sb.Append($"- {s.Repo}: {(s.Dropped.Count == 0 ? "none" : string.Join(", ", s.Dropped.Select(d => $"{d.Key} ({d.Value})")))}\n");
        }

        sb.Append("\nMost frequent compiler errors (a measure of what is unresolved):\n\n");
        foreach (var s in stats)
        {
            sb.Append($"- {s.Repo}: {string.Join(", ", s.ErrorIds.OrderByDescending(e => e.Value).ThenBy(e => e.Key, StringComparer.Ordinal).Take(6).Select(e => $"{e.Key} {e.Value}"))}\n");
        }

        sb.Append("\n## Findings per rule\n\n| rule | production | test | total |\n|---|---|---|---|\n");
        foreach (var g in findings.GroupBy(f => f.Rule).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            sb.Append($"| {g.Key} | {g.Count(f => f.Kind == "production")} | {g.Count(f => f.Kind == "test")} | {g.Count()} |\n");
        }

        sb.Append($"| **total** | {findings.Count(f => f.Kind == "production")} | {findings.Count(f => f.Kind == "test")} | {findings.Count} |\n\n");
        sb.Append("Per repository (production / test):\n\n| repo | " + string.Join(" | ", findings.Select(f => f.Rule).Distinct().OrderBy(r => r, StringComparer.Ordinal)) + " |\n|---|" + string.Concat(findings.Select(f => f.Rule).Distinct().Select(_ => "---|")) + "\n");
        foreach (var s in stats)
        {
            sb.Append($"| {s.Repo} | " + string.Join(" | ", findings.Select(f => f.Rule).Distinct().OrderBy(r => r, StringComparer.Ordinal).Select(r =>
                $"{findings.Count(f => f.Repo == s.Repo && f.Rule == r && f.Kind == "production")} / {findings.Count(f => f.Repo == s.Repo && f.Rule == r && f.Kind == "test")}")) + " |\n");
        }

        sb.Append("\nSuppressed (not counted above): ");
        var suppressed = stats.SelectMany(s => s.Suppressed).GroupBy(k => k.Key).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => $"{g.Key} {g.Sum(k => k.Value)}").ToList();
        sb.Append(suppressed.Count == 0 ? "none" : string.Join(", ", suppressed)).Append(".\n\n");
        sb.Append($"CS4014 (compiler, unsuppressed): {stats.Sum(s => s.Cs4014)}; lines where CS4014 and SF1001 both report: {stats.Sum(s => s.Cs4014AndSf1001)}.\n\n");

        sb.Append($"## Analyzer exceptions (AD0001)\n\n{exceptions.Count}\n\n");
        foreach (var e in exceptions)
        {
            sb.Append("```\n").Append(e).Append("\n```\n\n");
        }

        sb.Append("## Time (analyzer execution time from the analyzer driver, single-threaded; compiler time = `GetDiagnostics()` without analyzers)\n\n");
        var labels = stats.SelectMany(s => s.AnalyzerTime.Keys).Distinct().OrderBy(l => l, StringComparer.Ordinal).ToList();
        sb.Append("| repo | lines | compiler s | " + string.Join(" | ", labels.Select(l => l + " s")) + " | all analyzers s | analyzers / compiler |\n|---|---|---|" + string.Concat(labels.Select(_ => "---|")) + "---|---|\n");
        foreach (var s in stats.Concat(new[] { Total(stats) }))
        {
            var sum = s.AnalyzerTime.Values.Aggregate(TimeSpan.Zero, (a, b) => a + b);
            sb.Append($"| {s.Repo} | {s.Lines:N0} | {s.CompilerTime.TotalSeconds.ToString("F1", inv)} | " + string.Join(" | ", labels.Select(l => s.AnalyzerTime.GetValueOrDefault(l).TotalSeconds.ToString("F2", inv))) +
                $" | {sum.TotalSeconds.ToString("F1", inv)} | {(s.CompilerTime.TotalSeconds > 0 ? (sum.TotalSeconds / s.CompilerTime.TotalSeconds * 100).ToString("F0", inv) + "%" : "-")} |\n");
        }

        File.WriteAllText(path, sb.ToString());
    }

    private static RepoStats Total(List<RepoStats> stats)
    {
        var t = new RepoStats { Repo = "**total**", Url = "", Commit = "" };
        t.Lines = stats.Sum(s => s.Lines);
        t.CompilerTime = stats.Aggregate(TimeSpan.Zero, (a, s) => a + s.CompilerTime);
        foreach (var kv in stats.SelectMany(s => s.AnalyzerTime))
        {
            t.AnalyzerTime[kv.Key] = t.AnalyzerTime.GetValueOrDefault(kv.Key) + kv.Value;
        }

        return t;
    }
}
