using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Xunit;

namespace Steadfast.Tests.Verification
{
    /// <summary>
    /// A fixed tree must be the tree its own text parses to: same node and token kinds, same token text, same trivia.
    /// A fix that builds a tree the parser would not (say, two tokens with no space between them) fails here.
    /// Zero-width trivia (the elastic markers SyntaxFactory adds) is not text and is left out of the comparison.
    /// </summary>
    public static class SyntaxStructure
    {
        public static void AssertEqualsReparse(SyntaxNode root, CSharpParseOptions options, string path)
        {
            var reparsed = CSharpSyntaxTree.ParseText(root.ToFullString(), options, path).GetRoot();
            var expected = Describe(reparsed);
            var actual = Describe(root);
            if (expected.Length != actual.Length)
            {
                Assert.Fail($"{path}: the fixed tree has {actual.Length} elements, its reparse {expected.Length}.");
            }

            for (var i = 0; i < expected.Length; i++)
            {
                if (expected[i] != actual[i])
                {
                    Assert.Fail($"{path}: the fixed tree differs from a reparse of its text at element {i}: '{actual[i]}' where the parser gives '{expected[i]}'.");
                }
            }
        }

        private static string[] Describe(SyntaxNode root) =>
            root.DescendantNodesAndTokensAndSelf(descendIntoTrivia: true)
                .SelectMany(e => e.IsToken
                    ? new[] { "token " + e.Kind() + " '" + e.AsToken().Text + "'" }
                        .Concat(e.AsToken().LeadingTrivia.Where(t => t.FullSpan.Length > 0).Select(t => "leading " + t.Kind() + " '" + t.ToFullString() + "'"))
                        .Concat(e.AsToken().TrailingTrivia.Where(t => t.FullSpan.Length > 0).Select(t => "trailing " + t.Kind() + " '" + t.ToFullString() + "'"))
                    : new[] { "node " + e.Kind() })
                .ToArray();
    }
}
