using System.Diagnostics;
using System.Security;
using System.Text.RegularExpressions;

namespace RealCode;

/// <summary>Compile references for each project: one generated restore project per source project (its PackageReferences,
/// net10.0, the ASP.NET Core framework), all restored together; a package the registry here does not serve is dropped
/// (NU1101/NU1103, or any other NU1xxx error that names it), one served only at lower versions is retried at the nearest
/// (NU1102), and the restore runs again. Then a target writes each project's @(ReferencePath).</summary>
public static class Restore
{
    public sealed class Result
    {
        public Dictionary<string, List<string>> References { get; } = new(StringComparer.Ordinal); // csproj path -> dlls
        public SortedDictionary<string, string> Dropped { get; } = new(StringComparer.OrdinalIgnoreCase); // package -> why
        public int Requested { get; set; }
    }

    public static Result Run(string repo, List<ProjectInfo> projects, string workRoot, Dictionary<string, string> served, TextWriter log)
    {
        var result = new Result();
        var work = Path.Combine(workRoot, repo);
        if (Directory.Exists(work))
        {
            Directory.Delete(work, recursive: true);
        }

        Directory.CreateDirectory(work);
        // Keep the generated projects away from any Directory.Build.props / Directory.Packages.props above them.
        File.WriteAllText(Path.Combine(work, "Directory.Build.props"), "<Project />\n");
        File.WriteAllText(Path.Combine(work, "Directory.Build.targets"), "<Project />\n");
        File.WriteAllText(Path.Combine(work, "Directory.Packages.props"), "<Project><PropertyGroup><ManagePackageVersionsCentrally>false</ManagePackageVersionsCentrally></PropertyGroup></Project>\n");

        // Per project: package -> version (null: take what the registry list says restored).
        var wanted = new Dictionary<ProjectInfo, Dictionary<string, string?>>();
        foreach (var p in projects)
        {
            var pk = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
            foreach (var (id, version) in p.Packages)
            {
                result.Requested++;
                if (served.Count > 0)
                {
                    if (!served.TryGetValue(id, out var ok))
                    {
                        result.Dropped[id] = "not in the registry list";
                        continue;
                    }

                    if (ok is "not-served" or "all-failed" or "dotnet-tool" or "not-to-use")
                    {
                        result.Dropped[id] = ok;
                        continue;
                    }

                    pk[id] = version is null || version.Contains('*') ? (char.IsDigit(ok[0]) ? ok : "*") : version;
                }
                else
                {
                    pk[id] = version ?? "*";
                }
            }

            wanted[p] = pk;
        }

        var dirs = projects.Select((p, i) => (p, dir: Path.Combine(work, $"{i:D3}_{p.Name}"))).ToList();
        for (var attempt = 1; attempt <= 8; attempt++)
        {
            foreach (var (p, dir) in dirs)
            {
                Directory.CreateDirectory(dir);
                File.WriteAllText(Path.Combine(dir, Path.GetFileName(dir) + ".csproj"), ProjectText(wanted[p]));
            }

            File.WriteAllText(Path.Combine(work, "all.slnx"), "<Solution>\n" + string.Join("\n", dirs.Select(d => $"  <Project Path=\"{Path.GetFileName(d.dir)}/{Path.GetFileName(d.dir)}.csproj\" />")) + "\n</Solution>\n");
            var (code, output) = Dotnet(work, "restore all.slnx -nodeReuse:false -p:NuGetAudit=false");
            File.WriteAllText(Path.Combine(work, $"restore-{attempt}.log"), output);
            var changed = false;
            var lines = output.Split('\n');
            for (var li = 0; li < lines.Length; li++)
            {
                var line = lines[li];
                // NU1102 names the nearest served version on the line after the one naming the package.
                if (li + 1 < lines.Length && lines[li + 1].Contains("Nearest version:", StringComparison.Ordinal))
                {
                    line += " " + lines[li + 1];
                }

                var m = Regex.Match(line, @"(?<proj>/[^\s]+\.csproj) : error (?<code>NU1\d{3}): (?<msg>.*)");
                if (!m.Success || m.Groups["msg"].Value.TrimStart().StartsWith("- ", StringComparison.Ordinal))
                {
                    continue;
                }

                var projDir = Path.GetDirectoryName(m.Groups["proj"].Value.Trim())!;
                var entry = dirs.FirstOrDefault(d => string.Equals(Path.GetFullPath(d.dir), Path.GetFullPath(projDir), StringComparison.Ordinal));
                if (entry.p is null)
                {
                    continue;
                }

                var pk = wanted[entry.p];
                var msg = m.Groups["msg"].Value;
                var named = pk.Keys.Where(id => Regex.IsMatch(msg, @"(?<![A-Za-z0-9_.-])" + Regex.Escape(id) + @"(?![A-Za-z0-9_-]|\.[A-Za-z])", RegexOptions.IgnoreCase)).OrderByDescending(id => id.Length).Take(1).ToList();
                if (named.Count == 0 && Regex.Match(msg, @"[Pp]ackage ([A-Za-z0-9_.-]+)") is { Success: true } dep)
                {
                    // A dependency, not a direct reference, failed: drop the direct reference whose name it starts with
                    // (MessagePackAnalyzer comes with MessagePack).
                    named = pk.Keys.Where(id => dep.Groups[1].Value.StartsWith(id, StringComparison.OrdinalIgnoreCase)).OrderByDescending(id => id.Length).Take(1).ToList();
                    if (named.Count == 1)
                    {
                        msg = "";
                    }
                }

                foreach (var id in named)
                {
                    var nearest = Regex.Match(msg, @"Nearest version: ([0-9A-Za-z.+-]+)");
                    if (m.Groups["code"].Value == "NU1102" && nearest.Success && pk[id] != nearest.Groups[1].Value)
                    {
                        pk[id] = nearest.Groups[1].Value;
                    }
                    else
                    {
                        pk.Remove(id);
                        result.Dropped[id] = m.Groups["code"].Value;
                    }

                    changed = true;
                }
            }

            log.WriteLine($"  restore attempt {attempt}: exit {code}{(changed ? ", retrying without the packages named" : "")}");
            if (!changed)
            {
                break;
            }
        }

        var traversal = "<Project>\n  <ItemGroup>\n" + string.Join("\n", dirs.Select(d => $"    <P Include=\"{Path.GetFileName(d.dir)}/{Path.GetFileName(d.dir)}.csproj\" />")) +
            "\n  </ItemGroup>\n  <Target Name=\"WriteAll\">\n    <MSBuild Projects=\"@(P)\" Targets=\"WriteRefs\" ContinueOnError=\"true\" />\n  </Target>\n</Project>\n";
        File.WriteAllText(Path.Combine(work, "refs.proj"), traversal);
        var (rc, refsOutput) = Dotnet(work, "msbuild refs.proj -t:WriteAll -nodeReuse:false -v:m -p:NuGetAudit=false");
        File.WriteAllText(Path.Combine(work, "refs.log"), refsOutput);
        log.WriteLine($"  references written: exit {rc}");
        foreach (var (p, dir) in dirs)
        {
            var file = Path.Combine(dir, "refs.txt");
            if (File.Exists(file))
            {
                result.References[p.Path] = File.ReadAllLines(file).Where(l => l.Length > 0).Distinct().ToList();
            }
        }

        return result;
    }

    private static string ProjectText(Dictionary<string, string?> packages) =>
        "<Project Sdk=\"Microsoft.NET.Sdk\">\n  <PropertyGroup>\n    <TargetFramework>net10.0</TargetFramework>\n    <EnableDefaultItems>false</EnableDefaultItems>\n" +
        "    <TreatWarningsAsErrors>false</TreatWarningsAsErrors>\n    <NuGetAudit>false</NuGetAudit>\n    <NoWarn>$(NoWarn);NU1603;NU1605;NU1608;NU1701;NU1604;NU1504</NoWarn>\n  </PropertyGroup>\n" +
        "  <ItemGroup>\n    <FrameworkReference Include=\"Microsoft.AspNetCore.App\" />\n" +
        string.Join("", packages.OrderBy(k => k.Key, StringComparer.OrdinalIgnoreCase).Select(k => $"    <PackageReference Include=\"{SecurityElement.Escape(k.Key)}\" Version=\"{SecurityElement.Escape(k.Value ?? "*")}\" />\n")) +
        "  </ItemGroup>\n  <Target Name=\"WriteRefs\" DependsOnTargets=\"ResolveReferences\">\n" +
        "    <WriteLinesToFile File=\"$(MSBuildProjectDirectory)/refs.txt\" Lines=\"@(ReferencePath)\" Overwrite=\"true\" />\n  </Target>\n</Project>\n";

    private static (int Code, string Output) Dotnet(string dir, string args)
    {
        var psi = new ProcessStartInfo("dotnet", args) { WorkingDirectory = dir, RedirectStandardOutput = true, RedirectStandardError = true };
        psi.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        psi.Environment["DOTNET_NOLOGO"] = "1";
        psi.Environment["MSBUILDDISABLENODEREUSE"] = "1";
        using var proc = Process.Start(psi)!;
        var stderr = proc.StandardError.ReadToEndAsync();
        var stdout = proc.StandardOutput.ReadToEnd();
        proc.WaitForExit();
        return (proc.ExitCode, stdout + stderr.Result);
    }

    /// <summary>The registry list (/work/.library/env/packages/nuget.tsv): id -> the version that restored alone, or a word
    /// (not-served, all-failed, ...). Optional: without it every package is tried.</summary>
    public static Dictionary<string, string> ReadServed(string? path)
    {
        var served = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        if (path is null || !File.Exists(path))
        {
            return served;
        }

        foreach (var line in File.ReadLines(path).Skip(1))
        {
            var cols = line.Split('\t');
            if (cols.Length >= 2 && cols[0].Length > 0)
            {
                var v = cols[1].Trim();
                served[cols[0]] = v.Split(' ')[0];
            }
        }

        return served;
    }
}
