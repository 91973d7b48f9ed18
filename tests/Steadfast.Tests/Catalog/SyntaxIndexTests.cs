using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Steadfast.Analyzers.Internal;
using Steadfast.Tests.Verification;
using Xunit;

namespace Steadfast.Tests.Catalog
{
    /// <summary>
    /// The per-compilation syntactic index the compilation-wide facts are asked of (SF4001/SF4002's callers and owner
    /// lifetimes, SF6001's helper callers): what it files under which name, and that it is built once per compilation.
    /// </summary>
    public sealed class SyntaxIndexTests
    {
        private const string First = """
            using System.Collections.Generic;
            class Parser { public Parser(string s) { } public int Parse() => 0; }
            class Uses
            {
                private readonly List<Parser> _parsers = new();
                private static Parser Shared { get; } = new Parser("x");
                private event System.Action Changed;
                int Run(Parser p, string s) => p?.Parse() ?? new global::Parser(s).Parse() + Helper(s) + Generic<int>(1);
                static int Helper(string s) => s.Length;
                static int Generic<T>(T t) => 0;
            }
            """;

        private const string Second = """
            class Other { int Call(Uses u) => 0; System.Func<string, int> Group() => null; }
            """;

        private static Compilation Compile() =>
            CSharpCompilation.Create(
                "Index",
                new[] { CSharpSyntaxTree.ParseText(First, path: "First.cs"), CSharpSyntaxTree.ParseText(Second, path: "Second.cs") },
                TestReferences.WithoutSteadfastRuntime);

        [Theory]
        [InlineData("Parse", 2)] // p?.Parse() (member binding) and new Parser(s).Parse() (member access)
        [InlineData("Helper", 1)] // a plain call
        [InlineData("Generic", 1)] // a generic name
        [InlineData("Length", 0)] // a property, not a call
        [InlineData("Parser", 0)] // a creation, not a call
        public void Invocations_AreFiledByTheInvokedSimpleName(string name, int expected)
        {
            var index = SyntaxIndex.Get(Compile(), CancellationToken.None);

            var found = index.Invocations(name);

            Assert.Equal(expected, found.Count);
            Assert.All(found, invocation => Assert.Equal(name, SyntaxIndex.InvokedName(invocation)));
        }

        [Theory]
        [InlineData("Parser", 2)] // new Parser("x") and new global::Parser(s)
        [InlineData("List", 0)] // the target-typed new() names no type
        public void Creations_AreFiledByTheRightMostNameOfTheirType(string name, int expected)
        {
            var index = SyntaxIndex.Get(Compile(), CancellationToken.None);

            Assert.Equal(expected, index.Creations(name).Count);
        }

        [Theory]
        [InlineData("Parser", 2)] // List<Parser> _parsers and the property Shared
        [InlineData("List", 1)]
        [InlineData("Action", 1)] // the event field
        [InlineData("Uses", 0)] // a parameter type is not a declaration that holds one
        public void Declarations_AreFiledUnderEveryNameInTheirType(string name, int expected)
        {
            var index = SyntaxIndex.Get(Compile(), CancellationToken.None);

            Assert.Equal(expected, index.Declarations(name).Count);
        }

        [Theory]
        [InlineData("System", new[] { "First.cs", "Second.cs" })]
        [InlineData("Helper", new[] { "First.cs" })]
        [InlineData("Uses", new[] { "Second.cs" })] // a declaration's own name is not a reference
        [InlineData("Func", new[] { "Second.cs" })]
        [InlineData("Missing", new string[0])]
        public void TreesNaming_ListsEachTreeOnce_InCompilationOrder(string name, string[] expected)
        {
            var index = SyntaxIndex.Get(Compile(), CancellationToken.None);

            Assert.Equal(expected, index.TreesNaming(name).Select(t => t.FilePath).ToArray());
        }

        [Fact]
        public void Get_BuildsOncePerCompilation()
        {
            var compilation = Compile();

            Assert.Same(SyntaxIndex.Get(compilation, CancellationToken.None), SyntaxIndex.Get(compilation, CancellationToken.None));
            Assert.NotSame(SyntaxIndex.Get(compilation, CancellationToken.None), SyntaxIndex.Get(Compile(), CancellationToken.None));
        }

        [Fact]
        public void Get_WhenCancelled_Throws_AndTheNextCallBuildsIt()
        {
            var compilation = Compile();
            using var cancelled = new CancellationTokenSource();
            cancelled.Cancel();

            Assert.ThrowsAny<System.OperationCanceledException>(() => SyntaxIndex.Get(compilation, cancelled.Token));
            Assert.Single(SyntaxIndex.Get(compilation, CancellationToken.None).Invocations("Helper"));
        }
    }
}
