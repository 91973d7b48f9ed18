using System.Collections.Generic;
using System.Threading;
using Microsoft.CodeAnalysis;
using Steadfast.Analyzers.Internal;

namespace Steadfast.Analyzers.Rules.SF2001
{
    /// <summary>
    /// Whether a type could hold an <c>HttpClient</c> call SF2001 judges: one of the files it is declared in names one of
    /// the judged methods (<see cref="SF2001HttpCallWithoutRetryAnalyzer.ClientMethods"/> and
    /// <see cref="SF2001HttpCallWithoutRetryAnalyzer.JsonMethods"/>) as a simple name, by the compilation's
    /// <see cref="SyntaxIndex"/>. A type without one gets no per-type state and no operation callbacks: on real code most
    /// types, so the rule's cost is paid where HTTP calls are. The symbols decide afterwards, for the candidates only.
    /// </summary>
    /// <remarks>
    /// The index is one walk of every tree per compilation, shared with the other rules that ask it (and with SF2001's own
    /// registrations); the set of trees is made once, on the first type asked about. Round 4 measured a walk of each
    /// type's own nodes instead at more than the rest of the rule together on btcpayserver.
    /// </remarks>
    internal sealed class CandidateCalls
    {
        private readonly Compilation _compilation;
        private readonly RetryableLazy<HashSet<SyntaxTree>> _trees;

        public CandidateCalls(Compilation compilation)
        {
            _compilation = compilation;
            _trees = new RetryableLazy<HashSet<SyntaxTree>>(Collect);
        }

        public bool In(INamedTypeSymbol type, CancellationToken cancellationToken)
        {
            var trees = _trees.GetValue(cancellationToken);
            foreach (var reference in type.DeclaringSyntaxReferences)
            {
                if (trees.Contains(reference.SyntaxTree))
                {
                    return true;
                }
            }

            return false;
        }

        private HashSet<SyntaxTree> Collect(CancellationToken cancellationToken)
        {
            var index = SyntaxIndex.Get(_compilation, cancellationToken);
            var trees = new HashSet<SyntaxTree>();
            foreach (var names in new[] { SF2001HttpCallWithoutRetryAnalyzer.ClientMethods, SF2001HttpCallWithoutRetryAnalyzer.JsonMethods })
            {
                foreach (var name in names)
                {
                    trees.UnionWith(index.TreesNaming(name));
                }
            }

            return trees;
        }
    }
}
