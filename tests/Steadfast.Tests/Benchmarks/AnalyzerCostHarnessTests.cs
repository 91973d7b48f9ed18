using System;
using System.Collections.Immutable;
using System.Linq;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Steadfast.Benchmarks;
using Xunit;

namespace Steadfast.Tests.Benchmarks
{
    /// <summary>The benchmark harness is trusted only if it finds what the corpus plants and reports analyzer exceptions.</summary>
    public sealed class AnalyzerCostHarnessTests
    {
        [Fact]
        public void Corpus_IsDeterministic_AndSizedAsAsked()
        {
            var first = SyntheticCorpus.Generate(1_000).ToList();
            var second = SyntheticCorpus.Generate(1_000).ToList();
            Assert.Equal(first, second);
            Assert.Equal(SyntheticCorpus.FileCountFor(1_000), first.Count);
            Assert.All(first, f => Assert.Equal(SyntheticCorpus.LinesPerFile, f.Text.Count(c => c == '\n')));
            Assert.True(SyntheticCorpus.FileCountFor(200_000) * SyntheticCorpus.LinesPerFile >= 200_000);
        }

        [Fact]
        public async Task Harness_FindsExactlyThePlantedPatterns_NoLookAlikes()
        {
            var trees = AnalyzerCost.Corpus(3 * SyntheticCorpus.LinesPerFile);
            var compilation = AnalyzerCost.Compile(trees, AnalyzerCost.ReferencePacks());
            Assert.Empty(compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error));

            var result = await AnalyzerCost.MeasureAsync(trees, AnalyzerCost.ReferencePacks(), iterations: 1);

            Assert.Empty(result.Exceptions);
            Assert.Equal(3 * SyntheticCorpus.SF1001PerFile, result.Findings["SF1001"]);
            Assert.Equal(3 * SyntheticCorpus.SF2001PerFile, result.Findings["SF2001"]);
            Assert.Equal(3 * SyntheticCorpus.SF2002PerFile, result.Findings["SF2002"]);
            Assert.Equal(3 * SyntheticCorpus.SF3001PerFile, result.Findings["SF3001"]);
            Assert.Equal(3 * SyntheticCorpus.SF4001PerFile, result.Findings["SF4001"]);
            Assert.Equal(3 * SyntheticCorpus.SF5001PerFile, result.Findings["SF5001"]);
            Assert.True(result.CompilerMs > 0);
        }

        [Fact]
        public async Task Harness_SparseCorpus_PlantsInEveryNthFileOnly()
        {
            var lines = 5 * SyntheticCorpus.LinesPerFile;
            var trees = AnalyzerCost.Corpus(lines, plantEvery: 3);
            var result = await AnalyzerCost.MeasureAsync(trees, AnalyzerCost.ReferencePacks(), iterations: 1);

            Assert.Empty(result.Exceptions);
            Assert.Equal(2 * SyntheticCorpus.SF1001PerFile, SyntheticCorpus.PlantedSF1001(lines, 3));
            Assert.Equal(SyntheticCorpus.PlantedSF1001(lines, 3), result.Findings["SF1001"]);
            Assert.Equal(SyntheticCorpus.PlantedSF2001(lines, 3), result.Findings["SF2001"]);
            Assert.Equal(SyntheticCorpus.PlantedSF2002(lines, 3), result.Findings["SF2002"]);
            Assert.Equal(SyntheticCorpus.PlantedSF3001(lines, 3), result.Findings["SF3001"]);
            Assert.Equal(SyntheticCorpus.PlantedSF4001(lines, 3), result.Findings["SF4001"]);
            Assert.Equal(SyntheticCorpus.PlantedSF5001(lines, 3), result.Findings["SF5001"]);
        }

        [Fact]
        public async Task Harness_ReportsAnalyzerExceptions()
        {
            var trees = AnalyzerCost.Corpus(SyntheticCorpus.LinesPerFile);
            var result = await AnalyzerCost.MeasureAsync(trees, AnalyzerCost.ReferencePacks(), iterations: 1, new[] { new AnalyzerCost.Measured("throwing", new ThrowingAnalyzer(), ImmutableArray.Create("THROW01")) });
            Assert.Contains(result.Exceptions, e => e.Contains("planted failure", StringComparison.Ordinal));
        }

        [DiagnosticAnalyzer(LanguageNames.CSharp)]
        private sealed class ThrowingAnalyzer : DiagnosticAnalyzer
        {
#pragma warning disable RS2008 // test-only descriptor
            private static readonly DiagnosticDescriptor Rule = new DiagnosticDescriptor("THROW01", "t", "t", "Test", DiagnosticSeverity.Warning, true);
#pragma warning restore RS2008

            public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics => ImmutableArray.Create(Rule);

            public override void Initialize(AnalysisContext context)
            {
                context.EnableConcurrentExecution();
                context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
                context.RegisterOperationAction(_ => throw new InvalidOperationException("planted failure"), OperationKind.ExpressionStatement);
            }
        }
    }
}
