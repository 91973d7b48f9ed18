using System;
using System.Collections.Concurrent;
using System.Threading;
using Microsoft.CodeAnalysis;

namespace Steadfast.Analyzers.Rules.SF2001
{
    /// <summary>
    /// Whether a type could hold an <c>HttpClient</c> call SF2001 judges: one of the files it is declared in names one of
    /// the judged methods (<c>GetAsync</c>, <c>SendAsync</c>, <c>GetFromJsonAsync</c>, …) anywhere in its text. A type
    /// without one gets no per-type state and no operation callbacks: on real code most types, so the rule's cost is paid
    /// where HTTP calls are. The symbols decide afterwards, for the candidates only.
    /// </summary>
    /// <remarks>
    /// A search of text already in memory, once per file and compilation (cached here). Round 4 measured a walk of each
    /// type's syntax nodes instead at more than the rest of the rule together on btcpayserver: method bodies' nodes are
    /// rebuilt on every walk (the tree holds them weakly). A method name spelled with Unicode escapes would be missed,
    /// and the call with it.
    /// </remarks>
    internal sealed class CandidateCalls
    {
        private static readonly string[] Names =
        {
            // every name in SF2001HttpCallWithoutRetryAnalyzer.ClientMethods and JsonMethods, by a part they share
            "GetAsync", "SendAsync", "PostAsync", "PutAsync", "PatchAsync", "DeleteAsync", "GetStringAsync", "GetByteArrayAsync",
            "GetStreamAsync", "JsonAsync",
        };

        private readonly ConcurrentDictionary<SyntaxTree, bool> _trees = new ConcurrentDictionary<SyntaxTree, bool>();

        public bool In(INamedTypeSymbol type, CancellationToken cancellationToken)
        {
            foreach (var reference in type.DeclaringSyntaxReferences)
            {
                var tree = reference.SyntaxTree;
                if (!_trees.TryGetValue(tree, out var mentions))
                {
                    mentions = Mentions(tree, cancellationToken);
                    _trees.TryAdd(tree, mentions);
                }

                if (mentions)
                {
                    return true;
                }
            }

            return false;
        }

        private static bool Mentions(SyntaxTree tree, CancellationToken cancellationToken)
        {
            var text = tree.GetText(cancellationToken).ToString();
            foreach (var name in Names)
            {
                if (text.IndexOf(name, StringComparison.Ordinal) >= 0)
                {
                    return true;
                }
            }

            return false;
        }
    }
}
