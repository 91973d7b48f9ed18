using System.Text.RegularExpressions;
using System.Xml.Linq;

namespace RealCode;

/// <summary>What the script reads from a .csproj without evaluating MSBuild: unconditional properties and items of the
/// project and of the Directory.Build.props files above it (inside the repository), package versions from the nearest
/// Directory.Packages.props. Anything conditional or computed is left out (the defaults apply).</summary>
public sealed class ProjectInfo
{
    public required string Repo { get; init; }
    public required string RepoRoot { get; init; }
    public required string Path { get; init; }               // full path of the .csproj
    public required string RelativePath { get; init; }       // relative to the repository, '/' separators
    public required string Name { get; init; }
    public required string Sdk { get; init; }
    public Dictionary<string, string> Properties { get; } = new(StringComparer.OrdinalIgnoreCase);
    public Dictionary<string, string?> Packages { get; } = new(StringComparer.OrdinalIgnoreCase); // id -> version (null: unknown)
    public List<string> ProjectReferences { get; } = new();   // full paths
    public List<(string Name, string? Alias, bool Static)> Usings { get; } = new();
    public List<string> InternalsVisibleTo { get; } = new();
    public List<string> Files { get; } = new();
    public bool IsTest { get; set; }
    public string Dir => System.IO.Path.GetDirectoryName(Path)!;
    public string AssemblyName => Properties.TryGetValue("AssemblyName", out var a) && IsPlain(a) ? a : System.IO.Path.GetFileNameWithoutExtension(Path);

    internal static bool IsPlain(string value) => !value.Contains("$(") && !value.Contains("@(") && !value.Contains("%(");

    private static readonly string[] TestPackages = { "xunit", "xunit.v3", "xunit.core", "xunit.v3.core", "NUnit", "MSTest", "MSTest.TestFramework", "MSTest.Sdk", "TUnit", "TUnit.Core", "Microsoft.NET.Test.Sdk" };

    public static List<ProjectInfo> Load(string repo, string repoRoot, ISet<string> skip, TextWriter log)
    {
        var projects = new List<ProjectInfo>();
        var all = Directory.EnumerateFiles(repoRoot, "*.csproj", SearchOption.AllDirectories)
            .Where(p => !IsBinObj(System.IO.Path.GetRelativePath(repoRoot, p)))
            .OrderBy(p => p, StringComparer.Ordinal).ToList();
        var projectDirs = new HashSet<string>(all.Select(p => System.IO.Path.GetDirectoryName(p)!), StringComparer.Ordinal);
        foreach (var path in all)
        {
            var rel = System.IO.Path.GetRelativePath(repoRoot, path).Replace('\\', '/');
            if (skip.Contains(rel))
            {
                log.WriteLine($"  skip {rel} (repos.tsv)");
                continue;
            }

            XDocument doc;
            try
            {
                doc = XDocument.Load(path);
            }
            catch (Exception e)
            {
                log.WriteLine($"  unreadable {rel}: {e.Message}");
                continue;
            }

            var root = doc.Root!;
            var sdk = (string?)root.Attribute("Sdk") ?? root.Elements().FirstOrDefault(e => e.Name.LocalName == "Sdk")?.Attribute("Name")?.Value ?? "Microsoft.NET.Sdk";
            var p = new ProjectInfo { Repo = repo, RepoRoot = repoRoot, Path = path, RelativePath = rel, Name = System.IO.Path.GetFileNameWithoutExtension(path), Sdk = sdk };

            // Directory.Build.props from the repository root down to the project (nearer wins), then the project itself.
            var chain = new List<string>();
            for (var d = p.Dir; d is not null && d.StartsWith(repoRoot, StringComparison.Ordinal); d = System.IO.Path.GetDirectoryName(d))
            {
                var props = System.IO.Path.Combine(d, "Directory.Build.props");
                if (File.Exists(props))
                {
                    chain.Insert(0, props);
                }
            }

            foreach (var file in chain)
            {
                try
                {
                    p.Read(XDocument.Load(file).Root!, System.IO.Path.GetDirectoryName(file)!);
                }
                catch (Exception e)
                {
                    log.WriteLine($"  unreadable {file}: {e.Message}");
                }
            }

            p.Read(root, p.Dir);
            p.ResolveCentralVersions(log);
            p.IsTest = p.Packages.Keys.Any(k => TestPackages.Contains(k, StringComparer.OrdinalIgnoreCase))
                || sdk.StartsWith("MSTest.Sdk", StringComparison.OrdinalIgnoreCase)
                || (p.Properties.TryGetValue("IsTestProject", out var itp) && itp.Equals("true", StringComparison.OrdinalIgnoreCase));

            // Sources: every .cs under the project folder, less bin/obj and the folders of nested projects.
            p.CollectFiles(p.Dir, projectDirs);
            p.Files.Sort(StringComparer.Ordinal);
            projects.Add(p);
        }

        return projects;
    }

    private static bool IsBinObj(string rel)
    {
        var parts = rel.Replace('\\', '/').Split('/');
        return parts.Any(s => s.Equals("bin", StringComparison.OrdinalIgnoreCase) || s.Equals("obj", StringComparison.OrdinalIgnoreCase));
    }

    private void CollectFiles(string dir, HashSet<string> projectDirs)
    {
        foreach (var f in Directory.EnumerateFiles(dir, "*.cs"))
        {
            Files.Add(f);
        }

        foreach (var sub in Directory.EnumerateDirectories(dir))
        {
            var name = System.IO.Path.GetFileName(sub);
            if (name.Equals("bin", StringComparison.OrdinalIgnoreCase) || name.Equals("obj", StringComparison.OrdinalIgnoreCase) || name.StartsWith('.') || projectDirs.Contains(sub))
            {
                continue;
            }

            CollectFiles(sub, projectDirs);
        }
    }

    private static bool Unconditional(XElement e) => e.Attribute("Condition") is null && e.Parent?.Attribute("Condition") is null;

    private void Read(XElement root, string baseDir)
    {
        foreach (var group in root.Elements().Where(e => e.Name.LocalName == "PropertyGroup"))
        {
            foreach (var prop in group.Elements())
            {
                if (!Unconditional(prop))
                {
                    continue;
                }

                var name = prop.Name.LocalName;
                var value = prop.Value.Trim();
                if (name == "DefineConstants")
                {
                    // Keep the plain symbols: "$(DefineConstants);A;B" adds A and B.
                    Properties.TryGetValue(name, out var old);
                    var symbols = value.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                        .Where(s => Regex.IsMatch(s, @"^[A-Za-z_][A-Za-z0-9_]*$"));
                    var keep = value.Contains("$(DefineConstants)") && old is not null ? old + ";" : "";
                    Properties[name] = keep + string.Join(";", symbols);
                }
                else
                {
                    Properties[name] = value;
                }
            }
        }

        foreach (var group in root.Elements().Where(e => e.Name.LocalName == "ItemGroup"))
        {
            foreach (var item in group.Elements())
            {
                if (!Unconditional(item))
                {
                    continue;
                }

                var include = (string?)item.Attribute("Include");
                var kind = item.Name.LocalName;
                if (include is null)
                {
                    if (kind == "PackageReference" && (string?)item.Attribute("Update") is { } upd && Packages.ContainsKey(upd))
                    {
                        Packages[upd] = Version(item) ?? Packages[upd];
                    }

                    continue;
                }

                include = Expand(include);
                switch (kind)
                {
                    case "PackageReference":
                        foreach (var id in include.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                        {
                            if (IsPlain(id))
                            {
                                Packages[id] = Version(item);
                            }
                        }

                        break;
                    case "ProjectReference":
                        foreach (var r in include.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                        {
                            if (IsPlain(r))
                            {
                                ProjectReferences.Add(System.IO.Path.GetFullPath(System.IO.Path.Combine(baseDir, r.Replace('\\', '/'))));
                            }
                        }

                        break;
                    case "Using":
                        if (IsPlain(include))
                        {
                            var alias = (string?)item.Attribute("Alias") ?? item.Elements().FirstOrDefault(e => e.Name.LocalName == "Alias")?.Value;
                            var isStatic = ((string?)item.Attribute("Static") ?? item.Elements().FirstOrDefault(e => e.Name.LocalName == "Static")?.Value) is { } s && s.Equals("true", StringComparison.OrdinalIgnoreCase);
                            Usings.Add((include, alias, isStatic));
                        }

                        break;
                    case "InternalsVisibleTo":
                        if (IsPlain(include))
                        {
                            InternalsVisibleTo.Add(include);
                        }

                        break;
                }
            }
        }
    }

    private string? Version(XElement item)
    {
        var v = (string?)item.Attribute("VersionOverride") ?? (string?)item.Attribute("Version")
            ?? item.Elements().FirstOrDefault(e => e.Name.LocalName is "VersionOverride" or "Version")?.Value;
        if (v is null)
        {
            return null;
        }

        v = Expand(v.Trim());
        return IsPlain(v) && v.Length > 0 ? v : null;
    }

    /// <summary>$(Name) from the properties read so far, where they are plain.</summary>
    private string Expand(string value) => Regex.Replace(value, @"\$\(([A-Za-z0-9_]+)\)", m =>
        m.Groups[1].Value != "DefineConstants" && Properties.TryGetValue(m.Groups[1].Value, out var v) && IsPlain(v) ? v : m.Value);

    private void ResolveCentralVersions(TextWriter log)
    {
        string? central = null;
        for (var d = Dir; d is not null && d.StartsWith(RepoRoot, StringComparison.Ordinal); d = System.IO.Path.GetDirectoryName(d))
        {
            var f = System.IO.Path.Combine(d, "Directory.Packages.props");
            if (File.Exists(f))
            {
                central = f;
                break;
            }
        }

        if (central is null)
        {
            return;
        }

        var versions = CentralVersions(central);
        foreach (var id in Packages.Keys.ToList())
        {
            if (Packages[id] is null && versions.TryGetValue(id, out var v))
            {
                Packages[id] = v;
            }
        }
    }

    private static readonly Dictionary<string, Dictionary<string, string>> CentralCache = new();

    private static Dictionary<string, string> CentralVersions(string file)
    {
        if (CentralCache.TryGetValue(file, out var cached))
        {
            return cached;
        }

        var result = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var props = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var root = XDocument.Load(file).Root!;
        foreach (var prop in root.Elements().Where(e => e.Name.LocalName == "PropertyGroup").SelectMany(g => g.Elements()))
        {
            props[prop.Name.LocalName] = prop.Value.Trim();
        }

        foreach (var item in root.Descendants().Where(e => e.Name.LocalName == "PackageVersion"))
        {
            var id = (string?)item.Attribute("Include");
            var v = (string?)item.Attribute("Version") ?? item.Elements().FirstOrDefault(e => e.Name.LocalName == "Version")?.Value;
            if (id is null || v is null)
            {
                continue;
            }

            v = Regex.Replace(v.Trim(), @"\$\(([A-Za-z0-9_]+)\)", m => props.TryGetValue(m.Groups[1].Value, out var pv) ? pv : m.Value);
            if (IsPlain(v) && (!result.ContainsKey(id) || item.Attribute("Condition") is null))
            {
                result[id] = v;
            }
        }

        CentralCache[file] = result;
        return result;
    }
}
