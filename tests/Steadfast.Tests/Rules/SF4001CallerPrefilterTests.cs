using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Steadfast.Analyzers.Rules.SF4001;
using Steadfast.Tests.Verification;
using Xunit;

namespace Steadfast.Tests.Rules
{
    /// <summary>
    /// The syntactic prefilter SF4001/SF4002 apply to a method's callers before binding them (<see cref="InputSources.MayPass"/>):
    /// a call is skipped only when it cannot give the parameter an explicit argument that could be input.
    /// </summary>
    public sealed class SF4001CallerPrefilterTests
    {
        private const string Source = """
            static class Ext { public static void E(this string s, string a) { } }
            class C
            {
                public void M(string a, string b = "d") { }
                void Calls(string x)
                {
                    M(x);
                    M("lit", x);
                    M(b: x, a: x);
                    x.E(x);
                    Ext.E(x, "k");
                    M(default, x);
                    M($"{x}", x);
                }
            }
            """;

        [Theory]
        [InlineData(0, "M", 0, true)] // M(x): x in place
        [InlineData(0, "M", 1, false)] // M(x): b left out, its default
        [InlineData(1, "M", 0, false)] // M("lit", x): a literal in place
        [InlineData(1, "M", 1, true)]
        [InlineData(2, "M", 0, true)] // named arguments: the place is not read
        [InlineData(2, "M", 1, true)]
        [InlineData(3, "E", 0, true)] // x.E(x): the receiver is the first parameter
        [InlineData(3, "E", 1, true)]
        [InlineData(4, "E", 1, true)] // Ext.E(x, "k"): for an extension method only the count is read
        [InlineData(5, "M", 0, false)] // default: a literal
        [InlineData(6, "M", 0, true)] // an interpolated string with a hole is not a literal
        public void MayPass_SkipsOnlyCallsThatCannotPassInput(int call, string method, int ordinal, bool expected)
        {
            var tree = CSharpSyntaxTree.ParseText(Source);
            var compilation = CSharpCompilation.Create("Prefilter", new[] { tree }, TestReferences.WithoutSteadfastRuntime);
            var calls = tree.GetRoot().DescendantNodes().OfType<InvocationExpressionSyntax>().ToList();
            var target = compilation.GetSymbolsWithName(method, SymbolFilter.Member).OfType<IMethodSymbol>().Single();

            Assert.Equal(expected, InputSources.MayPass(calls[call], target, ordinal));
        }
    }
}
