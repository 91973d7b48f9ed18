using System.Threading.Tasks;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp.Testing;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Testing;

namespace Steadfast.Tests.Verification
{
    /// <summary>Short forms of <see cref="SteadfastAnalyzerTest{TAnalyzer}"/> and <see cref="SteadfastCodeFixTest{TAnalyzer, TCodeFix}"/> (as Meziantou's and NetAnalyzers' verifiers).</summary>
    public static class Verify<TAnalyzer, TCodeFix>
        where TAnalyzer : DiagnosticAnalyzer, new()
        where TCodeFix : CodeFixProvider, new()
    {
        /// <summary>A diagnostic of the analyzer's descriptor <paramref name="id"/>, with its default severity.</summary>
        public static DiagnosticResult Diagnostic(string id) => CSharpAnalyzerVerifier<TAnalyzer, DefaultVerifier>.Diagnostic(id);

        public static Task AnalyzerAsync(string source, params DiagnosticResult[] expected)
        {
            var test = new SteadfastAnalyzerTest<TAnalyzer> { TestCode = source };
            test.ExpectedDiagnostics.AddRange(expected);
            return test.RunAsync();
        }

        public static Task CodeFixAsync(string source, string fixedSource, string equivalenceKey) =>
            new SteadfastCodeFixTest<TAnalyzer, TCodeFix> { TestCode = source, FixedCode = fixedSource, CodeActionEquivalenceKey = equivalenceKey }.RunAsync();

        /// <summary>The fix <paramref name="equivalenceKey"/> is offered for no diagnostic of <paramref name="source"/>.</summary>
        public static Task NoCodeFixAsync(string source, string equivalenceKey) =>
            new SteadfastCodeFixTest<TAnalyzer, TCodeFix> { TestCode = source, FixedCode = source, CodeActionEquivalenceKey = equivalenceKey }.RunAsync();
    }
}
