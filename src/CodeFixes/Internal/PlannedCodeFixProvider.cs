using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;

namespace Steadfast.CodeFixes.Internal
{
    /// <summary>
    /// The shape every Steadfast fix shares: for each diagnostic, each fix (by equivalence key) either has a plan —
    /// one node to replace with another — or is not offered. Plans drive the single fix and FixAll alike
    /// (<see cref="SequentialFixAllProvider"/>), and both end with <see cref="ImportHelper.FinishAsync"/>.
    /// </summary>
    /// <remarks>
    /// Each diagnostic's first applicable fix is registered under the rule's one preferred key
    /// (<see cref="PreferredKey"/>, e.g. <c>SF2001.Preferred</c>), whatever fix it is there; the others under their own
    /// keys. Fix All of the preferred key applies each diagnostic's own first fix, so the result never depends on
    /// which diagnostic the fix was started from: <c>dotnet format</c> starts from whichever diagnostic the analyzer
    /// driver listed first (an order that varies from run to run) and passes the key of its first action, or no key
    /// at all when that diagnostic offers none. A missing key is taken as the preferred one.
    /// </remarks>
    public abstract class PlannedCodeFixProvider : CodeFixProvider
    {
        private readonly FixAllProvider _fixAll;

        protected PlannedCodeFixProvider() => _fixAll = new SequentialFixAllProvider(PlanForKeyAsync, ImportHelper.FinishAsync);

        public sealed override FixAllProvider GetFixAllProvider() => _fixAll;

        /// <summary>The equivalence key of each diagnostic's first applicable fix: <c>SFxxxx.Preferred</c>.</summary>
        public static string PreferredKey(string diagnosticId) => diagnosticId + ".Preferred";

        /// <summary>The fixes for a diagnostic, in the order they are offered (the first is what <c>dotnet format</c> applies).</summary>
        protected abstract IEnumerable<(string Key, string Title)> Fixes(Diagnostic diagnostic);

        /// <summary>
        /// What to replace with what, or null when the fix does not apply here. With <paramref name="verify"/> false (the
        /// lightbulb), only the fix's local checks run; with it true (the chosen action, Fix All), a fix whose safety depends
        /// on the code around it compiling also proves that (<see cref="FixVerifier"/>).
        /// </summary>
        protected abstract Task<(SyntaxNode Target, SyntaxNode Replacement)?> PlanAsync(
            Document document, SyntaxNode node, Diagnostic diagnostic, string key, bool verify, CancellationToken cancellationToken);

        public sealed override async Task RegisterCodeFixesAsync(CodeFixContext context)
        {
            var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
            if (root is null)
            {
                return;
            }

            foreach (var diagnostic in context.Diagnostics)
            {
                var node = SequentialFixAllProvider.FindNode(root, diagnostic.Location.SourceSpan);
                if (node is null)
                {
                    continue;
                }

                var first = true;
                foreach (var (fixKey, title) in Fixes(diagnostic))
                {
                    // Cheap to offer: local checks only; compiling the edit waits until the fix is chosen.
                    if (await PlanAsync(context.Document, node, diagnostic, fixKey, verify: false, context.CancellationToken).ConfigureAwait(false) is null)
                    {
                        continue;
                    }

                    var key = first ? PreferredKey(diagnostic.Id) : fixKey;
                    first = false;
                    context.RegisterCodeFix(
                        CodeAction.Create(
                            title,
                            async ct =>
                            {
                                var fixedDocument = await ApplyAsync(context.Document, node, diagnostic, fixKey, ct).ConfigureAwait(false);
                                return fixedDocument is null ? context.Document : await ImportHelper.FinishAsync(fixedDocument, ct).ConfigureAwait(false);
                            },
                            key),
                        diagnostic);
                }
            }
        }

        /// <summary>Plans the fix <paramref name="key"/>, or the diagnostic's first applicable fix for the preferred key or none, with its compile check.</summary>
        private async Task<(SyntaxNode Target, SyntaxNode Replacement)?> PlanForKeyAsync(Document document, SyntaxNode node, Diagnostic diagnostic, string? key, CancellationToken cancellationToken)
        {
            if (key is not null && key != PreferredKey(diagnostic.Id))
            {
                return await PlanAsync(document, node, diagnostic, key, verify: true, cancellationToken).ConfigureAwait(false);
            }

            foreach (var (fixKey, _) in Fixes(diagnostic))
            {
                if (await PlanAsync(document, node, diagnostic, fixKey, verify: true, cancellationToken).ConfigureAwait(false) is { } plan)
                {
                    return plan;
                }
            }

            return null;
        }

        private async Task<Document?> ApplyAsync(Document document, SyntaxNode node, Diagnostic diagnostic, string? key, CancellationToken cancellationToken)
        {
            var plan = await PlanForKeyAsync(document, node, diagnostic, key, cancellationToken).ConfigureAwait(false);
            if (plan is null)
            {
                return null;
            }

            var root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
            return root is null ? null : document.WithSyntaxRoot(root.ReplaceNode(plan.Value.Target, plan.Value.Replacement));
        }
    }
}
