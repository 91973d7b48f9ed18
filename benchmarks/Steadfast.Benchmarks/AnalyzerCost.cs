using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;

namespace Steadfast.Benchmarks
{
    /// <summary>
    /// Analyzer cost: compiles a corpus against the .NET and ASP.NET Core reference packs, runs Steadfast's analyzers
    /// with telemetry, and compares each with a do-nothing analyzer that registers the same kinds of actions (the floor)
    /// and with the compiler's own time to produce diagnostics for the same code. Exits 1 on any analyzer exception.
    /// </summary>
    public static class AnalyzerCost
    {
        public static async Task<int> RunAsync(string[] args)
        {
            var size = 200_000;
            var iterations = 3;
            string? path = null;
            var scaling = false;
            var plantEvery = 1;
            var peers = false;
            string[]? rules = null;
            for (var i = 0; i < args.Length; i++)
            {
                switch (args[i])
                {
                    case "--size": size = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                    case "--iterations": iterations = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                    case "--path": path = args[++i]; break;
                    case "--scaling": scaling = true; break;
                    case "--peers": peers = true; break;
                    case "--plant-every": plantEvery = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                    case "--rules": rules = args[++i].Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries); break;
                    default: Console.Error.WriteLine("unknown option " + args[i]); return 2;
                }
            }

            var references = ReferencePacks();
            Console.WriteLine($"references: {references.Length} assemblies (.NET and ASP.NET Core reference packs, Steadfast.Runtime)");
            var sizes = path is not null ? new[] { 0 } : scaling ? new[] { size, size * 2, size * 4 } : new[] { size };
            foreach (var s in sizes)
            {
                var trees = path is not null ? LoadFolder(path) : Corpus(s, plantEvery);
                var lines = trees.Sum(t => t.GetText().Lines.Count);
                Console.WriteLine();
                Console.WriteLine(path is not null
                    ? $"corpus: {path}, {trees.Length} files, {lines:N0} lines"
                    : $"corpus: synthetic, {trees.Length} files, {lines:N0} lines, findings planted in every {plantEvery}. file");
                var measured = peers ? Steadfast().Concat(PeerAnalyzers.Load()).ToList() : Steadfast();
                if (rules is not null)
                {
                    measured = measured.Where(m => rules.Contains(m.Label, StringComparer.OrdinalIgnoreCase)).ToList();
                }
                var result = await MeasureAsync(trees, references, iterations, measured);
                if (result.Exceptions.Count > 0)
                {
                    Console.Error.WriteLine("AD0001: an analyzer threw:\n" + string.Join("\n", result.Exceptions));
                    return 1;
                }

                Print(result, path is null ? SyntheticCorpus.Planted(s, plantEvery) : null);
            }

            return 0;
        }

        /// <summary>One analyzer to measure: a label, the analyzer, and the rule IDs whose findings count.</summary>
        public sealed class Measured
        {
            public Measured(string label, DiagnosticAnalyzer analyzer, ImmutableArray<string> ruleIds)
            {
                Label = label;
                Analyzer = analyzer;
                RuleIds = ruleIds;
            }

            public string Label { get; }

            public DiagnosticAnalyzer Analyzer { get; }

            public ImmutableArray<string> RuleIds { get; }
        }

        public static IReadOnlyList<Measured> Steadfast() =>
            SteadfastAnalyzers().Select(a => new Measured(a.SupportedDiagnostics[0].Id, a, a.SupportedDiagnostics.Select(d => d.Id).ToImmutableArray())).ToList();

        public sealed class Measurement
        {
            public List<string> Exceptions { get; } = new List<string>();

            public double CompilerMs { get; set; }

            public Dictionary<string, double> AnalyzerMs { get; } = new Dictionary<string, double>();

            public Dictionary<string, double> FloorMs { get; } = new Dictionary<string, double>();

            public Dictionary<string, double> AnalyzerWallMs { get; } = new Dictionary<string, double>();

            public Dictionary<string, double> FloorWallMs { get; } = new Dictionary<string, double>();

            public Dictionary<string, int> Findings { get; } = new Dictionary<string, int>();
        }

        /// <summary>Median over <paramref name="iterations"/> runs, each on a fresh compilation, after one warm-up run (when iterations &gt; 1).</summary>
        public static async Task<Measurement> MeasureAsync(
            ImmutableArray<SyntaxTree> trees, ImmutableArray<MetadataReference> references, int iterations, IReadOnlyList<Measured>? analyzers = null)
        {
            var measuredList = analyzers ?? Steadfast();
            var enable = measuredList.SelectMany(m => m.RuleIds).ToImmutableArray();
            var result = new Measurement();
            var compiler = new List<double>();
            var analyzerRuns = new Dictionary<string, List<double>>();
            var floorRuns = new Dictionary<string, List<double>>();
            var analyzerWall = new Dictionary<string, List<double>>();
            var floorWall = new Dictionary<string, List<double>>();
            // Iteration 0 warms up (JIT, metadata) and is not counted.
            for (var i = iterations > 1 ? 0 : 1; i <= iterations; i++)
            {
                var warmUp = i == 0;
                var compilation = Compile(trees, references, enable);
                var sw = Stopwatch.StartNew();
                compilation.GetDiagnostics();
                if (!warmUp)
                {
                    compiler.Add(sw.Elapsed.TotalMilliseconds);
                }

                foreach (var measuredAnalyzer in measuredList)
                {
                    var analyzer = measuredAnalyzer.Analyzer;
                    // Each in its own run on a fresh compilation, in alternating order: operation trees are built
                    // once per run, and their cost must fall on the analyzer and the floor alike.
                    var id = measuredAnalyzer.Label;
                    var floor = new EmptyAnalyzer(analyzer);
                    var order = i % 2 == 0 ? new DiagnosticAnalyzer[] { analyzer, floor } : new DiagnosticAnalyzer[] { floor, analyzer };
                    foreach (var measured in order)
                    {
                        var run = await RunOneAsync(Compile(trees, references, enable), measured);
                        result.Exceptions.AddRange(run.Exceptions);
                        if (warmUp)
                        {
                            continue;
                        }

                        if (measured == analyzer)
                        {
                            result.Findings[id] = run.Findings.Count(d => measuredAnalyzer.RuleIds.Contains(d.Id));
                            Add(analyzerRuns, id, run.ExecutionMs);
                            Add(analyzerWall, id, run.WallMs);
                        }
                        else
                        {
                            Add(floorRuns, id, run.ExecutionMs);
                            Add(floorWall, id, run.WallMs);
                        }
                    }
                }
            }

            result.CompilerMs = Median(compiler);
            foreach (var pair in analyzerRuns)
            {
                result.AnalyzerMs[pair.Key] = Median(pair.Value);
                result.FloorMs[pair.Key] = Median(floorRuns[pair.Key]);
                result.AnalyzerWallMs[pair.Key] = Median(analyzerWall[pair.Key]);
                result.FloorWallMs[pair.Key] = Median(floorWall[pair.Key]);
            }

            return result;
        }

        private static async Task<(double ExecutionMs, double WallMs, ImmutableArray<Diagnostic> Findings, List<string> Exceptions)> RunOneAsync(
            Compilation compilation, DiagnosticAnalyzer analyzer)
        {
            var exceptions = new List<string>();
            var withAnalyzers = compilation.WithAnalyzers(
                ImmutableArray.Create(analyzer),
                new CompilationWithAnalyzersOptions(
                    new AnalyzerOptions(ImmutableArray<AdditionalText>.Empty),
                    (e, a, d) => { lock (exceptions) { exceptions.Add($"{a.GetType().Name}: {e}"); } },
                    concurrentAnalysis: true,
                    logAnalyzerExecutionTime: true,
                    reportSuppressedDiagnostics: false));
            var sw = Stopwatch.StartNew();
            var diagnostics = await withAnalyzers.GetAnalyzerDiagnosticsAsync(CancellationToken.None);
            var wall = sw.Elapsed.TotalMilliseconds;
            exceptions.AddRange(diagnostics.Where(d => d.Id == "AD0001").Select(d => d.ToString()));
            var telemetry = await withAnalyzers.GetAnalyzerTelemetryInfoAsync(analyzer, CancellationToken.None);
            return (telemetry.ExecutionTime.TotalMilliseconds, wall, diagnostics, exceptions);
        }

        private static void Print(Measurement m, IReadOnlyDictionary<string, int>? planted)
        {
            Console.WriteLine($"compiler diagnostics (binding and flow analysis, no emit): {m.CompilerMs:F0} ms (median)");
            Console.WriteLine("| rule | findings | analyzer ms | floor ms | x floor | % of compiler | run wall ms | floor run wall ms |");
            Console.WriteLine("|------|----------|-------------|----------|---------|---------------|-------------|-------------------|");
            double total = 0, totalFloor = 0;
            foreach (var id in m.AnalyzerMs.Keys)
            {
                var a = m.AnalyzerMs[id];
                var f = m.FloorMs[id];
                total += a;
                totalFloor += f;
                // Peers are compared with SF1001's planted count: they look for the same dropped tasks.
                var plantedId = planted is null ? null : planted.ContainsKey(id) ? id : "SF1001";
                var findings = m.Findings[id] + (plantedId is null ? string.Empty : $" (planted {planted![plantedId]})");
                Console.WriteLine($"| {id} | {findings} | {a:F1} | {f:F1} | {Ratio(a, f)} | {100 * a / m.CompilerMs:F2}% | {m.AnalyzerWallMs[id]:F0} | {m.FloorWallMs[id]:F0} |");
            }

            Console.WriteLine($"| all listed | | {total:F1} | {totalFloor:F1} | {Ratio(total, totalFloor)} | {100 * total / m.CompilerMs:F2}% | | |");
        }

        private static string Ratio(double a, double floor) => floor <= 0 ? "n/a" : (a / floor).ToString("F2", CultureInfo.InvariantCulture);

        public static ImmutableArray<DiagnosticAnalyzer> SteadfastAnalyzers() =>
            typeof(Steadfast.Analyzers.Descriptors).Assembly.GetTypes()
                .Where(t => !t.IsAbstract && typeof(DiagnosticAnalyzer).IsAssignableFrom(t) && !typeof(DiagnosticSuppressor).IsAssignableFrom(t) &&
                            t.GetCustomAttributes(typeof(DiagnosticAnalyzerAttribute), false).Length > 0)
                .OrderBy(t => t.Name, StringComparer.Ordinal)
                .Select(t => (DiagnosticAnalyzer)Activator.CreateInstance(t)!)
                .ToImmutableArray();

        /// <summary>A compilation of the corpus with <paramref name="enable"/> rules switched on (peers ship some of theirs off).</summary>
        public static CSharpCompilation Compile(ImmutableArray<SyntaxTree> trees, ImmutableArray<MetadataReference> references, ImmutableArray<string> enable = default) =>
            CSharpCompilation.Create("Corpus", trees, references, new CSharpCompilationOptions(
                OutputKind.DynamicallyLinkedLibrary,
                nullableContextOptions: NullableContextOptions.Enable,
                specificDiagnosticOptions: enable.IsDefaultOrEmpty ? null : enable.Select(id => new KeyValuePair<string, ReportDiagnostic>(id, ReportDiagnostic.Warn))));

        public static ImmutableArray<SyntaxTree> Corpus(int lines, int plantEvery = 1)
        {
            var options = new CSharpParseOptions(LanguageVersion.Latest);
            return SyntheticCorpus.Generate(lines, plantEvery).Select(f => CSharpSyntaxTree.ParseText(f.Text, options, "/corpus/" + f.Name)).ToImmutableArray();
        }

        private static ImmutableArray<SyntaxTree> LoadFolder(string path)
        {
            var options = new CSharpParseOptions(LanguageVersion.Latest);
            return Directory.EnumerateFiles(path, "*.cs", SearchOption.AllDirectories)
                .Where(f => !f.Contains(Path.DirectorySeparatorChar + "obj" + Path.DirectorySeparatorChar, StringComparison.Ordinal) &&
                            !f.Contains(Path.DirectorySeparatorChar + "bin" + Path.DirectorySeparatorChar, StringComparison.Ordinal))
                .OrderBy(f => f, StringComparer.Ordinal)
                .Select(f => CSharpSyntaxTree.ParseText(File.ReadAllText(f), options, f))
                .ToImmutableArray();
        }

        /// <summary>The newest .NET and ASP.NET Core reference packs of the SDK running this, and Steadfast.Runtime.</summary>
        public static ImmutableArray<MetadataReference> ReferencePacks()
        {
            var root = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(typeof(object).Assembly.Location)!, "..", "..", ".."));
            var builder = ImmutableArray.CreateBuilder<MetadataReference>();
            foreach (var pack in new[] { "Microsoft.NETCore.App.Ref", "Microsoft.AspNetCore.App.Ref" })
            {
                var versions = Path.Combine(root, "packs", pack);
                var newest = Directory.GetDirectories(versions).OrderBy(d => Version.TryParse(Path.GetFileName(d).Split('-')[0], out var v) ? v : new Version(0, 0)).Last();
                var refDir = Directory.GetDirectories(Path.Combine(newest, "ref")).OrderBy(d => d, StringComparer.Ordinal).Last();
                foreach (var dll in Directory.GetFiles(refDir, "*.dll"))
                {
                    builder.Add(MetadataReference.CreateFromFile(dll));
                }
            }

            builder.Add(MetadataReference.CreateFromFile(typeof(BackgroundTasks).Assembly.Location));
            return builder.ToImmutable();
        }

        private static void Add(Dictionary<string, List<double>> runs, string key, double value)
        {
            if (!runs.TryGetValue(key, out var list))
            {
                runs[key] = list = new List<double>();
            }

            list.Add(value);
        }

        private static double Median(List<double> values)
        {
            var sorted = values.OrderBy(v => v).ToList();
            return sorted.Count == 0 ? 0 : sorted[sorted.Count / 2];
        }

        /// <summary>
        /// The floor: registers what the measured analyzer registers (SF1001: operation actions on expression
        /// statements; SF4001: symbol start per type, field-reference actions, symbol end; SF5001: symbol start per type,
        /// invocation and method-reference actions, symbol end) and does
        /// nothing in them.
        /// </summary>
        [DiagnosticAnalyzer(LanguageNames.CSharp)]
        internal sealed class EmptyAnalyzer : DiagnosticAnalyzer
        {
#pragma warning disable RS2008, RS1033 // A private measuring stub, never shipped.
            private static readonly DiagnosticDescriptor Never = new DiagnosticDescriptor("EMPTY0001", "never", "never", "Benchmark", DiagnosticSeverity.Hidden, true);
#pragma warning restore RS2008, RS1033

            private readonly string _of;

            public EmptyAnalyzer(DiagnosticAnalyzer of) => _of = of.GetType().Name;

            public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(Never);

            public override void Initialize(AnalysisContext context)
            {
                context.EnableConcurrentExecution();
                context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
                if (_of == nameof(global::Steadfast.Analyzers.Rules.SF2001HttpCallWithoutRetryAnalyzer))
                {
                    // SF2001's shape: per type, invocations and member values (initializers, assignments, returns), then a type end.
                    context.RegisterCompilationStartAction(static start =>
                        start.RegisterSymbolStartAction(
                            static symbolStart =>
                            {
                                symbolStart.RegisterOperationAction(static _ => { }, OperationKind.Invocation);
                                symbolStart.RegisterOperationAction(
                                    static _ => { },
                                    OperationKind.FieldInitializer,
                                    OperationKind.PropertyInitializer,
                                    OperationKind.SimpleAssignment,
                                    OperationKind.CoalesceAssignment,
                                    OperationKind.Return);
                                symbolStart.RegisterSymbolEndAction(static _ => { });
                            },
                            SymbolKind.NamedType));
                    return;
                }

                if (_of == nameof(global::Steadfast.Analyzers.Rules.SF2002HttpClientPerCallAnalyzer))
                {
                    // SF2002's shape: operation actions on object creations and invocations.
                    context.RegisterCompilationStartAction(static start =>
                        start.RegisterOperationAction(static _ => { }, OperationKind.ObjectCreation, OperationKind.Invocation));
                    return;
                }

                if (_of == nameof(global::Steadfast.Analyzers.Rules.SF3001SelectStarAnalyzer))
                {
                    // SF3001's shape: operation actions on literals, interpolated strings, binary operators and invocations.
                    context.RegisterCompilationStartAction(static start =>
                    {
                        start.RegisterOperationAction(static _ => { }, OperationKind.Literal, OperationKind.InterpolatedString);
                        start.RegisterOperationAction(static _ => { }, OperationKind.Binary);
                        start.RegisterOperationAction(static _ => { }, OperationKind.Invocation);
                    });
                    return;
                }

                if (_of == nameof(global::Steadfast.Analyzers.Rules.SF3002QueryInLoopAnalyzer))
                {
                    // SF3002's shape: operation actions on invocations.
                    context.RegisterCompilationStartAction(static start =>
                        start.RegisterOperationAction(static _ => { }, OperationKind.Invocation));
                    return;
                }

                if (_of == nameof(global::Steadfast.Analyzers.Rules.SF3003SyncDatabaseCallAnalyzer))
                {
                    // SF3003's shape: per type, operation actions on invocations, then a type end.
                    context.RegisterCompilationStartAction(static start =>
                        start.RegisterSymbolStartAction(
                            static symbolStart =>
                            {
                                symbolStart.RegisterOperationAction(static _ => { }, OperationKind.Invocation);
                                symbolStart.RegisterSymbolEndAction(static _ => { });
                            },
                            SymbolKind.NamedType));
                    return;
                }

                if (_of == nameof(global::Steadfast.Analyzers.Rules.SF4001UnboundedCacheAnalyzer))
                {
                    // SF4001's shape: per type, operation actions on field references, then a type end.
                    context.RegisterCompilationStartAction(static start =>
                        start.RegisterSymbolStartAction(
                            static symbolStart =>
                            {
                                symbolStart.RegisterOperationAction(static _ => { }, OperationKind.FieldReference);
                                symbolStart.RegisterSymbolEndAction(static _ => { });
                            },
                            SymbolKind.NamedType));
                    return;
                }

                if (_of == nameof(global::Steadfast.Analyzers.Rules.SF5001RepeatedFileReadAnalyzer))
                {
                    // SF5001's shape: per type, operation actions on invocations and method references, then a type end.
                    context.RegisterCompilationStartAction(static start =>
                        start.RegisterSymbolStartAction(
                            static symbolStart =>
                            {
                                symbolStart.RegisterOperationAction(static _ => { }, OperationKind.Invocation, OperationKind.MethodReference);
                                symbolStart.RegisterSymbolEndAction(static _ => { });
                            },
                            SymbolKind.NamedType));
                    return;
                }

                if (_of == nameof(global::Steadfast.Analyzers.Rules.SF6001DevelopmentOnlyAnalyzer))
                {
                    // SF6001's shape: operation actions on invocations.
                    context.RegisterCompilationStartAction(static start =>
                        start.RegisterOperationAction(static _ => { }, OperationKind.Invocation));
                    return;
                }

                if (_of == nameof(global::Steadfast.Analyzers.Rules.SF6002RateLimiterRejectsBadlyAnalyzer))
                {
                    // SF6002's shape: operation actions on invocations, then a compilation end.
                    context.RegisterCompilationStartAction(static start =>
                    {
                        start.RegisterOperationAction(static _ => { }, OperationKind.Invocation);
                        start.RegisterCompilationEndAction(static _ => { });
                    });
                    return;
                }

                if (_of == nameof(global::Steadfast.Analyzers.Rules.SF6003EndpointWithoutRateLimitAnalyzer))
                {
                    // SF6003's shape: operation actions on invocations and simple assignments, method symbol actions, then a compilation end.
                    context.RegisterCompilationStartAction(static start =>
                    {
                        start.RegisterOperationAction(static _ => { }, OperationKind.Invocation);
                        start.RegisterOperationAction(static _ => { }, OperationKind.SimpleAssignment);
                        start.RegisterSymbolAction(static _ => { }, SymbolKind.Method);
                        start.RegisterCompilationEndAction(static _ => { });
                    });
                    return;
                }

                // SF1001's shape (and the default for peers): operation actions on expression statements.
                context.RegisterCompilationStartAction(static start =>
                    start.RegisterOperationAction(static _ => { }, OperationKind.ExpressionStatement));
            }

            public string Of => _of;
        }
    }
}
