using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Steadfast.Analyzers.Rules.SF2001
{
    /// <summary>
    /// Whether a type's own syntax holds an invocation that could be an <c>HttpClient</c> call SF2001 judges (by the
    /// invoked name: <c>GetAsync</c>, <c>SendAsync</c>, <c>GetFromJsonAsync</c>, …). A type without one gets no per-type
    /// state and no operation callbacks: on real code almost every type, so the rule's cost is paid only where HTTP calls
    /// are. A syntax walk of the type's declarations, no binding; the symbols decide afterwards, for the candidates only.
    /// </summary>
    internal static class CandidateCalls
    {
        public static bool In(INamedTypeSymbol type, CancellationToken cancellationToken)
        {
            foreach (var reference in type.DeclaringSyntaxReferences)
            {
                foreach (var node in reference.GetSyntax(cancellationToken).DescendantNodes())
                {
                    if (node is InvocationExpressionSyntax invocation && IsCandidateName(NameOf(invocation)))
                    {
                        return true;
                    }
                }
            }

            return false;
        }

        private static bool IsCandidateName(string? name) =>
            name is not null &&
            (SF2001HttpCallWithoutRetryAnalyzer.ClientMethods.Contains(name) || SF2001HttpCallWithoutRetryAnalyzer.JsonMethods.Contains(name));

        /// <summary><c>x.GetAsync(…)</c>, <c>x?.GetAsync(…)</c>, <c>GetFromJsonAsync&lt;T&gt;(…)</c>, <c>HttpClientJsonExtensions.GetFromJsonAsync(x, …)</c>.</summary>
        private static string? NameOf(InvocationExpressionSyntax invocation) => invocation.Expression switch
        {
            MemberAccessExpressionSyntax access => access.Name.Identifier.ValueText,
            MemberBindingExpressionSyntax binding => binding.Name.Identifier.ValueText,
            SimpleNameSyntax simple => simple.Identifier.ValueText,
            _ => null,
        };
    }
}
