using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Text;

namespace Steadfast.Tests.Verification
{
    /// <summary>Builds the in-memory project test inputs live in, and runs analyzers over it the way a build does.</summary>
    public static class TestProject
    {
        public const string Directory = "/0/";

        public static string SourcePath(int index) => Directory + "Test" + index + ".cs";

        public static CSharpParseOptions ParseOptions { get; } = new CSharpParseOptions(LanguageVersion.Latest);

        public static CSharpCompilationOptions CompilationOptions(OutputKind outputKind) =>
            new CSharpCompilationOptions(outputKind, nullableContextOptions: NullableContextOptions.Enable, allowUnsafe: true);

        public static Solution Create(
            IReadOnlyList<string> sources,
            string? editorConfig,
            IReadOnlyList<(string Path, string Text)> additionalFiles,
            OutputKind outputKind,
            ImmutableArray<MetadataReference> references)
        {
            var workspace = new AdhocWorkspace();
            var projectId = ProjectId.CreateNewId("TestProject");
            var solution = workspace.CurrentSolution.AddProject(ProjectInfo.Create(
                projectId,
                VersionStamp.Default,
                name: "TestProject",
                assemblyName: "TestProject",
                language: LanguageNames.CSharp,
                filePath: Directory + "TestProject.csproj",
                compilationOptions: CompilationOptions(outputKind),
                parseOptions: ParseOptions,
                metadataReferences: references));

            for (var i = 0; i < sources.Count; i++)
            {
                solution = solution.AddDocument(DocumentId.CreateNewId(projectId), "Test" + i + ".cs", SourceText.From(sources[i]), filePath: SourcePath(i));
            }

            if (editorConfig is not null)
            {
                var text = editorConfig.Contains("root = true", StringComparison.Ordinal) ? editorConfig : "root = true\n" + editorConfig;
                solution = solution.AddAnalyzerConfigDocument(DocumentId.CreateNewId(projectId), ".editorconfig", SourceText.From(text), filePath: Directory + ".editorconfig");
            }

            foreach (var (path, text) in additionalFiles)
            {
                solution = solution.AddAdditionalDocument(DocumentId.CreateNewId(projectId), System.IO.Path.GetFileName(path), SourceText.From(text), filePath: path);
            }

            return solution;
        }

        /// <summary>
        /// Compiles the project and runs <paramref name="analyzers"/> over it with every descriptor switched on.
        /// Fails on any analyzer exception (AD0001). Returns the analyzers' diagnostics (pragma-suppressed ones
        /// left out, as a build does) and the compiler's errors.
        /// </summary>
        public static async Task<(ImmutableArray<Diagnostic> Analyzer, ImmutableArray<Diagnostic> CompilerErrors)> AnalyzeAsync(
            Project project, ImmutableArray<DiagnosticAnalyzer> analyzers, CancellationToken cancellationToken = default)
        {
            var compilation = await project.GetCompilationAsync(cancellationToken).ConfigureAwait(false)
                ?? throw new InvalidOperationException("The project has no compilation.");
            compilation = compilation.WithOptions(compilation.Options.WithSpecificDiagnosticOptions(ForceEnabled(compilation.Options.SpecificDiagnosticOptions, analyzers)));
            var analyzerDiagnostics = await RunAnalyzersAsync(compilation, analyzers, project.AnalyzerOptions, cancellationToken).ConfigureAwait(false);
            var errors = compilation.GetDiagnostics(cancellationToken).Where(d => d.Severity == DiagnosticSeverity.Error).ToImmutableArray();
            return (analyzerDiagnostics, errors);
        }

        public static async Task<ImmutableArray<Diagnostic>> RunAnalyzersAsync(
            Compilation compilation, ImmutableArray<DiagnosticAnalyzer> analyzers, AnalyzerOptions options, CancellationToken cancellationToken)
        {
            var exceptions = new ConcurrentQueue<string>();
            var withAnalyzers = compilation.WithAnalyzers(analyzers, new CompilationWithAnalyzersOptions(
                options,
                onAnalyzerException: (exception, analyzer, diagnostic) => exceptions.Enqueue($"{analyzer.GetType().Name} threw {exception}"),
                concurrentAnalysis: true,
                logAnalyzerExecutionTime: false,
                reportSuppressedDiagnostics: false));
            var diagnostics = await withAnalyzers.GetAnalyzerDiagnosticsAsync(cancellationToken).ConfigureAwait(false);
            foreach (var diagnostic in diagnostics)
            {
                if (diagnostic.Id == "AD0001")
                {
                    exceptions.Enqueue(diagnostic.ToString());
                }
            }

            if (!exceptions.IsEmpty)
            {
                throw new AnalyzerExceptionException("An analyzer threw (AD0001):\n" + string.Join("\n", exceptions));
            }

            return diagnostics.Sort(CompareDiagnostics);
        }

        private static ImmutableDictionary<string, ReportDiagnostic> ForceEnabled(
            ImmutableDictionary<string, ReportDiagnostic> options, ImmutableArray<DiagnosticAnalyzer> analyzers)
        {
            foreach (var analyzer in analyzers)
            {
                foreach (var descriptor in analyzer.SupportedDiagnostics)
                {
                    if (!descriptor.IsEnabledByDefault)
                    {
                        options = options.SetItem(descriptor.Id, ReportDiagnostic.Warn);
                    }
                }
            }

            return options;
        }

        public static int CompareDiagnostics(Diagnostic a, Diagnostic b)
        {
            var pathA = a.Location.GetLineSpan().Path ?? string.Empty;
            var pathB = b.Location.GetLineSpan().Path ?? string.Empty;
            var c = string.CompareOrdinal(pathA, pathB);
            if (c != 0)
            {
                return c;
            }

            c = a.Location.SourceSpan.Start.CompareTo(b.Location.SourceSpan.Start);
            if (c != 0)
            {
                return c;
            }

            c = a.Location.SourceSpan.End.CompareTo(b.Location.SourceSpan.End);
            return c != 0 ? c : string.CompareOrdinal(a.Id, b.Id);
        }
    }

    public sealed class AnalyzerExceptionException : Exception
    {
        public AnalyzerExceptionException(string message)
            : base(message)
        {
        }
    }
}
