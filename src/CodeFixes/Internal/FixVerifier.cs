using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;

namespace Steadfast.CodeFixes.Internal
{
    /// <summary>For fixes whose safety depends on every other use still compiling: try the edit, compare the errors.</summary>
    internal static class FixVerifier
    {
        /// <summary>True when replacing <paramref name="original"/> with <paramref name="updated"/> adds no compiler error to the document.</summary>
        public static async Task<bool> AddsNoErrorAsync(Document document, SyntaxNode original, SyntaxNode updated, CancellationToken cancellationToken)
        {
            var root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
            if (root is null)
            {
                return false;
            }

            var before = await ErrorsAsync(document, cancellationToken).ConfigureAwait(false);
            var after = await ErrorsAsync(document.WithSyntaxRoot(root.ReplaceNode(original, updated)), cancellationToken).ConfigureAwait(false);
            foreach (var error in after)
            {
                if (!before.Remove(error))
                {
                    return false;
                }
            }

            return true;
        }

        private static async Task<List<string>> ErrorsAsync(Document document, CancellationToken cancellationToken)
        {
            var model = await document.GetSemanticModelAsync(cancellationToken).ConfigureAwait(false);
            var errors = new List<string>();
            if (model is null)
            {
                return errors;
            }

            foreach (var diagnostic in model.GetDiagnostics(cancellationToken: cancellationToken))
            {
                if (diagnostic.Severity == DiagnosticSeverity.Error)
                {
                    errors.Add(diagnostic.Id + ": " + diagnostic.GetMessage());
                }
            }

            return errors;
        }
    }
}
