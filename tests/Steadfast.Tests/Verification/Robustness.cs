using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Xunit;

namespace Steadfast.Tests.Verification
{
    /// <summary>
    /// Runs every Steadfast analyzer over a test input cut at each line boundary and with tokens deleted at random
    /// (fixed seed), and fails on any analyzer exception: broken, half-typed code is the IDE's normal input.
    /// </summary>
    public static class Robustness
    {
        public const int MaxLineCuts = 80;
        public const int TokenDeletionVariants = 24;

        public static IEnumerable<string> Variants(string text)
        {
            var lineEnds = new List<int>();
            for (var i = 0; i < text.Length; i++)
            {
                if (text[i] == '\n')
                {
                    lineEnds.Add(i + 1);
                }
            }

            var step = Math.Max(1, (lineEnds.Count + MaxLineCuts - 1) / MaxLineCuts);
            for (var i = 0; i < lineEnds.Count; i += step)
            {
                yield return text.Substring(0, lineEnds[i]);
            }

            var tokens = CSharpSyntaxTree.ParseText(text).GetRoot().DescendantTokens().Where(t => t.Span.Length > 0).ToList();
            if (tokens.Count == 0)
            {
                yield break;
            }

            var random = new Random(StableHash(text));
            for (var v = 0; v < TokenDeletionVariants; v++)
            {
                var deletions = tokens.OrderBy(_ => random.Next()).Take(1 + random.Next(3)).OrderByDescending(t => t.SpanStart);
                var variant = text;
                foreach (var token in deletions)
                {
                    variant = variant.Remove(token.SpanStart, token.Span.Length);
                }

                yield return variant;
            }
        }

        public static async Task CheckAsync(
            string text, OutputKind outputKind, ImmutableArray<MetadataReference> references, IReadOnlyList<DiagnosticAnalyzer>? analyzers = null, CancellationToken cancellationToken = default)
        {
            foreach (var variant in Variants(text))
            {
                var tree = CSharpSyntaxTree.ParseText(variant, AnalyzerRunner.ParseOptions, "/0/Test0.cs", cancellationToken: cancellationToken);
                var compilation = AnalyzerRunner.Compile(new[] { tree }, outputKind, references, "Robustness");
                try
                {
                    await AnalyzerRunner.RunAsync(compilation, analyzers?.ToImmutableArray() ?? AnalyzerRunner.AllAnalyzers, cancellationToken: cancellationToken);
                }
                catch (AnalyzerExceptionException e)
                {
                    Assert.Fail($"{e.Message}\n--- on this cut of the input ---\n{variant}\n--- end ---");
                }
            }
        }

        /// <summary>FNV-1a: string.GetHashCode is randomised per process, and the seed must not be.</summary>
        private static int StableHash(string text)
        {
            unchecked
            {
                var hash = (int)2166136261;
                foreach (var c in text)
                {
                    hash = (hash ^ c) * 16777619;
                }

                return hash;
            }
        }
    }
}
