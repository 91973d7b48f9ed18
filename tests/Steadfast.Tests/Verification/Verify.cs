using System.Threading.Tasks;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.Diagnostics;

namespace Steadfast.Tests.Verification
{
    /// <summary>Short forms of <see cref="AnalyzerTest{TAnalyzer}"/> and <see cref="CodeFixTest{TAnalyzer, TCodeFix}"/>.</summary>
    public static class Verify<TAnalyzer, TCodeFix>
        where TAnalyzer : DiagnosticAnalyzer, new()
        where TCodeFix : CodeFixProvider, new()
    {
        public static DiagnosticResult Diagnostic(string id) => DiagnosticResult.Diagnostic(id);

        public static Task AnalyzerAsync(string source, params DiagnosticResult[] expected)
        {
            var test = new AnalyzerTest<TAnalyzer> { TestCode = source };
            test.ExpectedDiagnostics.AddRange(expected);
            return test.RunAsync();
        }

        public static Task CodeFixAsync(string source, string fixedSource, string equivalenceKey) =>
            new CodeFixTest<TAnalyzer, TCodeFix> { TestCode = source, FixedCode = fixedSource, CodeActionEquivalenceKey = equivalenceKey }.RunAsync();

        public static Task NoCodeFixAsync(string source, string equivalenceKey) =>
            new CodeFixTest<TAnalyzer, TCodeFix> { TestCode = source, CodeActionEquivalenceKey = equivalenceKey }.RunAsync();
    }
}
