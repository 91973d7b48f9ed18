using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Runtime.Loader;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace Steadfast.Benchmarks
{
    /// <summary>
    /// Peer analyzers' rules comparable to Steadfast's, loaded from their NuGet packages (restored by the benchmark
    /// project; their folders arrive as assembly metadata "PeerPackage:name").
    /// </summary>
    public static class PeerAnalyzers
    {
        /// <summary>The rules comparable to SF1001, by package.</summary>
        public static readonly IReadOnlyDictionary<string, string[]> ComparableRules = new Dictionary<string, string[]>(StringComparer.Ordinal)
        {
            ["vs-threading"] = new[] { "VSTHRD110" },          // Observe result of async calls
            ["Meziantou"] = new[] { "MA0134" },                // Observe result of async calls
            ["AsyncFixer"] = new[] { "AsyncFixer03", "AsyncFixer04" }, // fire-and-forget async void / inside using
            ["NetAnalyzers"] = new[] { "CA2012" },             // Use ValueTasks correctly (a dropped ValueTask)
        };

        public static IReadOnlyList<AnalyzerCost.Measured> Load()
        {
            var result = new List<AnalyzerCost.Measured>();
            foreach (var metadata in typeof(PeerAnalyzers).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>())
            {
                if (!metadata.Key.StartsWith("PeerPackage:", StringComparison.Ordinal) || string.IsNullOrEmpty(metadata.Value))
                {
                    continue;
                }

                var package = metadata.Key.Substring("PeerPackage:".Length);
                var rules = ComparableRules[package];
                var folder = AnalyzerFolder(metadata.Value!);
                foreach (var dll in Directory.GetFiles(folder, "*.dll").Where(f => !f.Contains("CodeFix", StringComparison.Ordinal)).OrderBy(f => f, StringComparer.Ordinal))
                {
                    var reference = new AnalyzerFileReference(dll, Loader.Instance);
                    foreach (var analyzer in reference.GetAnalyzers(LanguageNames.CSharp))
                    {
                        var supported = analyzer.SupportedDiagnostics.Select(d => d.Id).Intersect(rules).ToImmutableArray();
                        if (!supported.IsEmpty)
                        {
                            result.Add(new AnalyzerCost.Measured($"{package} {string.Join("/", supported)}", analyzer, supported));
                        }
                    }
                }
            }

            return result;
        }

        /// <summary>analyzers/dotnet/cs, analyzers/cs, or the newest analyzers/dotnet/roslynX.Y/cs this Roslyn can load.</summary>
        private static string AnalyzerFolder(string package)
        {
            foreach (var candidate in new[] { Path.Combine(package, "analyzers", "dotnet", "cs"), Path.Combine(package, "analyzers", "cs") })
            {
                if (Directory.Exists(candidate))
                {
                    return candidate;
                }
            }

            var roslyn = typeof(Compilation).Assembly.GetName().Version ?? new Version(4, 8);
            return Directory.GetDirectories(Path.Combine(package, "analyzers", "dotnet"), "roslyn*")
                .Select(d => (Dir: d, Version: Version.TryParse(Path.GetFileName(d).Substring("roslyn".Length), out var v) ? v : new Version(0, 0)))
                .Where(d => d.Version <= new Version(roslyn.Major, roslyn.Minor))
                .OrderBy(d => d.Version)
                .Select(d => Path.Combine(d.Dir, "cs"))
                .Last();
        }

        private sealed class Loader : IAnalyzerAssemblyLoader
        {
            public static readonly Loader Instance = new Loader();
            private readonly HashSet<string> _folders = new HashSet<string>(StringComparer.Ordinal);

            private Loader() => AssemblyLoadContext.Default.Resolving += Resolve;

            public void AddDependencyLocation(string fullPath)
            {
                lock (_folders)
                {
                    _folders.Add(Path.GetDirectoryName(fullPath)!);
                }
            }

            public Assembly LoadFromPath(string fullPath)
            {
                AddDependencyLocation(fullPath);
                return AssemblyLoadContext.Default.LoadFromAssemblyPath(fullPath);
            }

            private Assembly? Resolve(AssemblyLoadContext context, AssemblyName name)
            {
                lock (_folders)
                {
                    foreach (var folder in _folders)
                    {
                        var path = Path.Combine(folder, name.Name + ".dll");
                        if (File.Exists(path))
                        {
                            return context.LoadFromAssemblyPath(path);
                        }
                    }
                }

                return null;
            }
        }
    }
}
