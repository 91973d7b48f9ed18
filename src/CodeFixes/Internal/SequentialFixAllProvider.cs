using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.Text;

namespace Steadfast.CodeFixes.Internal
{
    /// <summary>
    /// Fixes every diagnostic of a document in one pass, one after the other on the updated document, so that
    /// fixes which touch nested or neighbouring code (and add the same using directive) never conflict.
    /// Each diagnostic's node is found again through an annotation; semantics are re-read after every edit.
    /// </summary>
    internal sealed class SequentialFixAllProvider : DocumentBasedFixAllProvider
    {
        /// <summary>
        /// Applies one fix, keyed by equivalence key, at the node the diagnostic points to; null when the fix does not apply
        /// there. A null key (what <c>dotnet format</c> passes when the diagnostic it started from offered no fix) asks for
        /// each diagnostic's preferred fix.
        /// </summary>
        public delegate Task<Document?> ApplyFix(Document document, SyntaxNode node, Diagnostic diagnostic, string? equivalenceKey, CancellationToken cancellationToken);

        private readonly ApplyFix _apply;
        private readonly Func<Document, CancellationToken, Task<Document>> _finish;

        public SequentialFixAllProvider(ApplyFix apply, Func<Document, CancellationToken, Task<Document>> finish)
        {
            _apply = apply;
            _finish = finish;
        }

        protected override async Task<Document?> FixAllAsync(FixAllContext fixAllContext, Document document, ImmutableArray<Diagnostic> diagnostics)
        {
            var key = fixAllContext.CodeActionEquivalenceKey;
            if (diagnostics.IsEmpty)
            {
                return document;
            }

            var cancellationToken = fixAllContext.CancellationToken;
            var root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
            if (root is null)
            {
                return document;
            }

            // Mark every target first, while the spans still match the analysed text.
            var targets = new List<(SyntaxAnnotation Annotation, Diagnostic Diagnostic)>();
            var nodes = new Dictionary<SyntaxNode, SyntaxAnnotation>();
            foreach (var diagnostic in diagnostics.OrderBy(d => d.Location.SourceSpan.Start))
            {
                var node = FindNode(root, diagnostic.Location.SourceSpan);
                if (node is null || nodes.ContainsKey(node))
                {
                    continue;
                }

                var annotation = new SyntaxAnnotation("SteadfastFixAll");
                nodes.Add(node, annotation);
                targets.Add((annotation, diagnostic));
            }

            root = root.ReplaceNodes(nodes.Keys, (original, rewritten) => rewritten.WithAdditionalAnnotations(nodes[original]));
            document = document.WithSyntaxRoot(root);

            var changed = false;
            foreach (var (annotation, diagnostic) in targets)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var currentRoot = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
                var node = currentRoot?.GetAnnotatedNodes(annotation).FirstOrDefault();
                if (node is null)
                {
                    continue;
                }

                var fixedDocument = await _apply(document, node, diagnostic, key, cancellationToken).ConfigureAwait(false);
                if (fixedDocument is not null)
                {
                    document = fixedDocument;
                    changed = true;
                }
            }

            return changed ? await _finish(document, cancellationToken).ConfigureAwait(false) : document;
        }

        /// <summary>The node a diagnostic's span covers exactly (the outermost such node).</summary>
        public static SyntaxNode? FindNode(SyntaxNode root, TextSpan span)
        {
            if (!root.FullSpan.Contains(span))
            {
                return null;
            }

            var node = root.FindNode(span, getInnermostNodeForTie: true);
            while (node.Parent is not null && node.Parent.Span == span)
            {
                node = node.Parent;
            }

            if (node.Span == span)
            {
                return node;
            }

            // A diagnostic on a declaration's name (SF4001 reports the field's identifier): the node that declares it.
            var token = root.FindToken(span.Start);
            return token.Span == span ? token.Parent : null;
        }
    }
}
