using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using System.Security.Cryptography;
using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Text;

namespace RealCode;

public static class Program
{
    private const string Usage = """
        usage: RealCode <sources-folder> <Steadfast.Analyzers.dll> [options]
          <sources-folder>   one folder per repository, named as in repos.tsv (e.g. /work/realcode-src/ArchiSteamFarm)
          --repos FILE       the corpus list (default: repos.tsv beside this project)
          --only NAME        only this repository (repeatable)
          --out FILE         findings (default: results/findings.tsv)
          --summary FILE     summary (default: results/summary.md)
          --judge FILE       the production findings to judge: all of a rule's if it has at most 60, else 40 picked by a
                             seeded hash of repo/file/line/rule (the same finding is picked in every run that has it)
          --seed N           the sample's seed (default 15)
          --carry-verdicts F a judged TSV of an earlier run: its verdicts and causes are copied into --judge (and the
                             findings at the same repo/file/line/rule in --out get them too, in extra columns)
          --from-findings F  skip compiling: take the findings from an earlier --out file (to re-make --judge)
          --table OUT --judged J   with --from-findings: write the precision table (markdown) of the judged file J
          --work DIR         where the generated restore projects go (default: /tmp/realcode-work)
          --nuget-list FILE  the registry's package list (default: /work/.library/env/packages/nuget.tsv, if present)
        """;

    public static async Task<int> Main(string[] args)
    {
        var positional = new List<string>();
        var opts = new Dictionary<string, List<string>>();
        for (var i = 0; i < args.Length; i++)
        {
            if (args[i].StartsWith("--", StringComparison.Ordinal))
            {
                if (i + 1 >= args.Length)
                {
                    Console.Error.WriteLine(Usage);
                    return 2;
                }

                if (!opts.TryGetValue(args[i], out var list))
                {
                    opts[args[i]] = list = new List<string>();
                }

                list.Add(args[++i]);
            }
            else
            {
                positional.Add(args[i]);
            }
        }

        string? Opt(string name) => opts.TryGetValue(name, out var v) ? v[^1] : null;
        var here = Path.GetDirectoryName(Path.GetFullPath(ThisFile()))!;
        var out_ = Opt("--out") ?? Path.Combine(here, "results", "findings.tsv");
        var summaryPath = Opt("--summary") ?? Path.Combine(here, "results", "summary.md");
        var seed = int.Parse(Opt("--seed") ?? "15", CultureInfo.InvariantCulture);
        var carried = Opt("--carry-verdicts") is { } cv ? Judging.ReadVerdicts(cv) : null;

        if (Opt("--from-findings") is { } from)
        {
            var old = Finding.ReadTsv(from);
            if (Opt("--judge") is { } j)
            {
                Judging.WriteSample(j, old, seed, carried);
            }

            if (Opt("--table") is { } table)
            {
                var judged = Finding.ReadTsv(Opt("--judged") ?? throw new ArgumentException("--table needs --judged FILE"));
                File.WriteAllText(table, Judging.Table(old, judged));
            }

            return 0;
        }

        if (positional.Count != 2)
        {
            Console.Error.WriteLine(Usage);
            return 2;
        }

        var sources = Path.GetFullPath(positional[0]);
        var analyzerPath = Path.GetFullPath(positional[1]);
        var reposFile = Opt("--repos") ?? Path.Combine(here, "repos.tsv");
        var only = opts.TryGetValue("--only", out var o) ? new HashSet<string>(o, StringComparer.OrdinalIgnoreCase) : null;
        var work = Opt("--work") ?? Path.Combine(Path.GetTempPath(), "realcode-work");
        var served = Restore.ReadServed(Opt("--nuget-list") ?? "/work/.library/env/packages/nuget.tsv");

        var analyzers = LoadAnalyzers(analyzerPath);
        Console.Error.WriteLine($"analyzers: {string.Join(", ", analyzers.Select(a => Label(a)))} from {analyzerPath}");
        var packs = ReferencePacks();

        var repos = File.ReadAllLines(reposFile).Where(l => l.Length > 0 && !l.StartsWith('#')).Select(l => l.Split('\t')).ToList();
        var findings = new List<Finding>();
        var stats = new List<RepoStats>();
        var exceptions = new ConcurrentQueue<string>();
        var total = Stopwatch.StartNew();
        foreach (var cols in repos)
        {
            var name = cols[0];
            if (only is not null && !only.Contains(name))
            {
                continue;
            }

            var root = Path.Combine(sources, name);
            if (!Directory.Exists(root))
            {
                Console.Error.WriteLine($"missing: {root} (see README.md: clone {cols[1]} at {cols[2]})");
                continue;
            }

            var skip = new HashSet<string>(cols.Length > 3 ? cols[3].Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) : Array.Empty<string>(), StringComparer.Ordinal);
            var st = new RepoStats { Repo = name, Url = cols[1], Commit = cols.Length > 2 ? cols[2] : "", Skipped = skip.Count };
            stats.Add(st);
            Console.Error.WriteLine($"== {name}");
            var projects = ProjectInfo.Load(name, root, skip, Console.Error);
            var restore = Restore.Run(name, projects, work, served, Console.Error);
            st.PackagesRequested = restore.Requested;
            st.Dropped = restore.Dropped;
            await Analyze.RepoAsync(st, projects, restore, packs, analyzers, findings, exceptions, Console.Error);
        }

        findings.Sort(Finding.Order);
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(out_))!);
        Finding.WriteTsv(out_, findings, carried);
        Summary.Write(summaryPath, stats, findings, exceptions.ToList(), analyzers, total.Elapsed, analyzerPath);
        if (Opt("--judge") is { } judge)
        {
            Judging.WriteSample(judge, findings, seed, carried);
        }

        Console.Error.WriteLine($"findings: {findings.Count} -> {out_}; summary -> {summaryPath}; analyzer exceptions: {exceptions.Count}");
        foreach (var e in exceptions)
        {
            Console.Error.WriteLine(e);
        }

        return exceptions.IsEmpty ? 0 : 1;
    }

    private static string ThisFile([System.Runtime.CompilerServices.CallerFilePath] string path = "") => path;

    public static string Label(DiagnosticAnalyzer a) => a is DiagnosticSuppressor s
        ? $"{a.GetType().Name} (suppresses {string.Join("/", s.SupportedSuppressions.Select(x => x.SuppressedDiagnosticId).Distinct())})"
        : string.Join("/", a.SupportedDiagnostics.Select(d => d.Id).Distinct());

    /// <summary>Every DiagnosticAnalyzer (DiagnosticSuppressors included) the assembly declares for C#.</summary>
    private static ImmutableArray<DiagnosticAnalyzer> LoadAnalyzers(string path)
    {
        var asm = Assembly.LoadFrom(path);
        Type[] types;
        try
        {
            types = asm.GetTypes();
        }
        catch (ReflectionTypeLoadException e)
        {
            types = e.Types.Where(t => t is not null).ToArray()!;
        }

        return types
            .Where(t => !t.IsAbstract && typeof(DiagnosticAnalyzer).IsAssignableFrom(t) && t.GetCustomAttributes<DiagnosticAnalyzerAttribute>().Any(a => a.Languages.Contains(LanguageNames.CSharp)))
            .OrderBy(t => t.FullName, StringComparer.Ordinal)
            .Select(t => (DiagnosticAnalyzer)Activator.CreateInstance(t)!)
            .ToImmutableArray();
    }

    /// <summary>The .NET and ASP.NET Core reference packs of the SDK running this (as benchmarks/AnalyzerCost.cs finds them):
    /// the references of a project whose packages did not restore at all.</summary>
    public static ImmutableArray<string> ReferencePacks()
    {
        var root = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(typeof(object).Assembly.Location)!, "..", "..", ".."));
        var builder = ImmutableArray.CreateBuilder<string>();
        foreach (var pack in new[] { "Microsoft.NETCore.App.Ref", "Microsoft.AspNetCore.App.Ref" })
        {
            var versions = Path.Combine(root, "packs", pack);
            var newest = Directory.GetDirectories(versions).OrderBy(d => Version.TryParse(Path.GetFileName(d).Split('-')[0], out var v) ? v : new Version(0, 0)).Last();
            var refDir = Directory.GetDirectories(Path.Combine(newest, "ref")).OrderBy(d => d, StringComparer.Ordinal).Last();
            builder.AddRange(Directory.GetFiles(refDir, "*.dll").OrderBy(f => f, StringComparer.Ordinal));
        }

        return builder.ToImmutable();
    }
}

public sealed class RepoStats
{
    public required string Repo { get; init; }
    public required string Url { get; init; }
    public required string Commit { get; init; }
    public int Skipped { get; init; }
    public int ProjectsFound { get; set; }
    public int ProjectsCompiled { get; set; }
    public int TestProjects { get; set; }
    public int Files { get; set; }
    public long Lines { get; set; }
    public long ProductionLines { get; set; }
    public int PackagesRequested { get; set; }
    public SortedDictionary<string, string> Dropped { get; set; } = new();
    public int ProjectsWithoutRestore { get; set; }
    public int CompilerErrors { get; set; }
    public Dictionary<string, int> ErrorIds { get; } = new();
    public TimeSpan CompilerTime { get; set; }
    public Dictionary<string, TimeSpan> AnalyzerTime { get; } = new();
    public int Cs4014 { get; set; }
    public int Cs4014AndSf1001 { get; set; }
    public Dictionary<string, int> Suppressed { get; } = new();
}

public sealed class Finding
{
    public const string Header = "repo\tproject\tkind\trule\tfile\tline\tmessage\tsource";
    public required string Repo { get; init; }
    public required string Project { get; init; }
    public required string Kind { get; init; }
    public required string Rule { get; init; }
    public required string File { get; init; }
    public required int Line { get; init; }
    public int Column { get; init; }
    public required string Message { get; init; }
    public required string Source { get; init; }
    public string Verdict { get; set; } = "";
    public string Cause { get; set; } = "";

    public string Key => $"{Repo}|{File}|{Line}|{Rule}";

    public static int Order(Finding a, Finding b)
    {
        int c;
        if ((c = string.CompareOrdinal(a.Repo, b.Repo)) != 0 || (c = string.CompareOrdinal(a.File, b.File)) != 0 || (c = a.Line.CompareTo(b.Line)) != 0
            || (c = a.Column.CompareTo(b.Column)) != 0 || (c = string.CompareOrdinal(a.Rule, b.Rule)) != 0 || (c = string.CompareOrdinal(a.Project, b.Project)) != 0)
        {
            return c;
        }

        return string.CompareOrdinal(a.Message, b.Message);
    }

    public static string Clean(string s) => s.Replace('\t', ' ').Replace('\r', ' ').Replace('\n', ' ');

    public string Row() => string.Join('\t', Repo, Project, Kind, Rule, File, Line.ToString(CultureInfo.InvariantCulture), Clean(Message), Clean(Source));

    public static void WriteTsv(string path, IEnumerable<Finding> findings, Dictionary<string, (string Verdict, string Cause)>? carried)
    {
        var sb = new StringBuilder();
        sb.Append(Header).Append(carried is null ? "" : "\tverdict\tcause").Append('\n');
        foreach (var f in findings)
        {
            sb.Append(f.Row());
            if (carried is not null)
            {
                carried.TryGetValue(f.Key, out var v);
                sb.Append('\t').Append(v.Verdict).Append('\t').Append(v.Cause);
            }

            sb.Append('\n');
        }

        System.IO.File.WriteAllText(path, sb.ToString());
    }

    public static List<Finding> ReadTsv(string path)
    {
        var list = new List<Finding>();
        foreach (var line in System.IO.File.ReadLines(path).Skip(1))
        {
            var c = line.Split('\t');
            if (c.Length < 8)
            {
                continue;
            }

            list.Add(new Finding
            {
                Repo = c[0], Project = c[1], Kind = c[2], Rule = c[3], File = c[4], Line = int.Parse(c[5], CultureInfo.InvariantCulture), Message = c[6], Source = c[7],
                Verdict = c.Length > 8 ? c[8] : "", Cause = c.Length > 9 ? c[9] : "",
            });
        }

        return list;
    }
}

public static class Judging
{
    public const int AllUpTo = 60;
    public const int Sample = 40;

    public static Dictionary<string, (string Verdict, string Cause)> ReadVerdicts(string path) =>
        Finding.ReadTsv(path).Where(f => f.Verdict.Length > 0).GroupBy(f => f.Key).ToDictionary(g => g.Key, g => (g.First().Verdict, g.First().Cause));

    /// <summary>Rank of a finding in the sample: a seeded hash of repo/file/line/rule, so a finding keeps its rank in every
    /// run (a later run's sample overlaps the earlier one's wherever the findings are unchanged).</summary>
    public static ulong Rank(Finding f, int seed) =>
        BitConverter.ToUInt64(SHA256.HashData(Encoding.UTF8.GetBytes(seed.ToString(CultureInfo.InvariantCulture) + "|" + f.Key)), 0);

    /// <summary>Per rule: findings (production/test), judged, true, false, precision; then each false-positive cause with its count.</summary>
    public static string Table(List<Finding> findings, List<Finding> judged)
    {
        var inv = CultureInfo.InvariantCulture;
        var sb = new StringBuilder();
        sb.Append("| rule | findings (production / test) | judged | true | false | unjudged | precision |\n|---|---|---|---|---|---|---|\n");
        var rules = findings.Select(f => f.Rule).Concat(judged.Select(f => f.Rule)).Distinct().OrderBy(r => r, StringComparer.Ordinal);
        foreach (var rule in rules)
        {
            var j = judged.Where(f => f.Rule == rule).ToList();
            var t = j.Count(f => f.Verdict.Equals("TRUE", StringComparison.OrdinalIgnoreCase));
            var fa = j.Count(f => f.Verdict.Equals("FALSE", StringComparison.OrdinalIgnoreCase));
            var precision = t + fa == 0 ? "-" : $"{(100.0 * t / (t + fa)).ToString("F0", inv)}% ({t}/{t + fa})";
            sb.Append($"| {rule} | {findings.Count(f => f.Rule == rule && f.Kind == "production")} / {findings.Count(f => f.Rule == rule && f.Kind == "test")} | {j.Count} | {t} | {fa} | {j.Count - t - fa} | {precision} |\n");
        }

        sb.Append("\nFalse-positive causes:\n\n| rule | cause | count | example |\n|---|---|---|---|\n");
        foreach (var g in judged.Where(f => f.Verdict.Equals("FALSE", StringComparison.OrdinalIgnoreCase)).GroupBy(f => (f.Rule, f.Cause))
            .OrderBy(g => g.Key.Rule, StringComparer.Ordinal).ThenByDescending(g => g.Count()).ThenBy(g => g.Key.Cause, StringComparer.Ordinal))
        {
            var e = g.First();
            sb.Append($"| {g.Key.Rule} | {g.Key.Cause} | {g.Count()} | {e.Repo}/{e.File}:{e.Line} |\n");
        }

        return sb.ToString();
    }

    public static void WriteSample(string path, List<Finding> findings, int seed, Dictionary<string, (string Verdict, string Cause)>? carried)
    {
        var sb = new StringBuilder();
        sb.Append(Finding.Header).Append("\tverdict\tcause\n");
        foreach (var rule in findings.Where(f => f.Kind == "production").GroupBy(f => f.Rule).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            var all = rule.GroupBy(f => f.Key).Select(g => g.First()).ToList();
            var picked = all.Count <= AllUpTo ? all : all.OrderBy(f => Rank(f, seed)).ThenBy(f => f.Key, StringComparer.Ordinal).Take(Sample).ToList();
            picked.Sort(Finding.Order);
            foreach (var f in picked)
            {
                var v = carried is not null && carried.TryGetValue(f.Key, out var c) ? c : (f.Verdict, f.Cause);
                sb.Append(f.Row()).Append('\t').Append(v.Item1).Append('\t').Append(v.Item2).Append('\n');
            }
        }

        System.IO.File.WriteAllText(path, sb.ToString());
    }
}
