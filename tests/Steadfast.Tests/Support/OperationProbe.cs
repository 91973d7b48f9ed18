using System;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;
using Steadfast.Tests.Verification;

namespace Steadfast.Tests.Support
{
    /// <summary>
    /// The operation of one marked expression, for table-driven tests of helpers that take IOperation input: the source
    /// holds exactly one call <c>Use(expression)</c>, and the probe is that call's first argument value as an analyzer
    /// sees it (implicit conversions included).
    /// </summary>
    internal static class OperationProbe
    {
        public static (IOperation Value, Compilation Compilation) ArgumentOfUse(string source)
        {
            var tree = CSharpSyntaxTree.ParseText(source, AnalyzerRunner.ParseOptions, path: "/0/Test0.cs");
            var compilation = AnalyzerRunner.Compile(new[] { tree }, OutputKind.DynamicallyLinkedLibrary, TestReferences.All);
            var errors = compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
            if (errors.Count > 0)
            {
                throw new InvalidOperationException("The probe source does not compile:\n" + string.Join("\n", errors) + "\n" + source);
            }

            var calls = tree.GetRoot().DescendantNodes().OfType<InvocationExpressionSyntax>()
                .Where(c => c.Expression is IdentifierNameSyntax { Identifier.ValueText: "Use" })
                .ToList();
            if (calls.Count != 1)
            {
                throw new InvalidOperationException($"The probe source has {calls.Count} calls to Use, not one:\n{source}");
            }

            var model = compilation.GetSemanticModel(tree);
            var invocation = (IInvocationOperation)(model.GetOperation(calls[0]) ?? throw new InvalidOperationException("No operation for the Use call."));
            return (invocation.Arguments[0].Value, compilation);
        }
    }
}
