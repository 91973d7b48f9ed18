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
    public abstract class PlannedCodeFixProvider : CodeFixProvider
    {
        private readonly FixAllProvider _fixAll;

        protected PlannedCodeFixProvider() => _fixAll = new SequentialFixAllProvider(ApplyAsync, ImportHelper.FinishAsync);

        public sealed override FixAllProvider GetFixAllProvider() => _fixAll;

        /// <summary>The fixes for a diagnostic, in the order they are offered (the first is what <c>dotnet format</c> applies).</summary>
        protected abstract IEnumerable<(string Key, string Title)> Fixes(Diagnostic diagnostic);

        /// <summary>What to replace with what, or null when the fix cannot be proven to compile here.</summary>
        protected abstract Task<(SyntaxNode Target, SyntaxNode Replacement)?> PlanAsync(
            Document document, SyntaxNode node, Diagnostic diagnostic, string key, CancellationToken cancellationToken);

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

                foreach (var (key, title) in Fixes(diagnostic))
                {
                    if (await PlanAsync(context.Document, node, diagnostic, key, context.CancellationToken).ConfigureAwait(false) is null)
                    {
                        continue;
                    }

                    context.RegisterCodeFix(
                        CodeAction.Create(
                            title,
                            async ct =>
                            {
                                var fixedDocument = await ApplyAsync(context.Document, node, diagnostic, key, ct).ConfigureAwait(false);
                                return fixedDocument is null ? context.Document : await ImportHelper.FinishAsync(fixedDocument, ct).ConfigureAwait(false);
                            },
                            key),
                        diagnostic);
                }
            }
        }

        private async Task<Document?> ApplyAsync(Document document, SyntaxNode node, Diagnostic diagnostic, string key, CancellationToken cancellationToken)
        {
            var plan = await PlanAsync(document, node, diagnostic, key, cancellationToken).ConfigureAwait(false);
            if (plan is null)
            {
                return null;
            }

            var root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
            return root is null ? null : document.WithSyntaxRoot(root.ReplaceNode(plan.Value.Target, plan.Value.Replacement));
        }
    }
}
