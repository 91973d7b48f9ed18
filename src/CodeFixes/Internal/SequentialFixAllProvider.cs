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
        /// Plans one fix, keyed by equivalence key, at the node the diagnostic points to; null when the fix does not apply
        /// there. A null key (what <c>dotnet format</c> passes when the diagnostic it started from offered no fix) asks for
        /// each diagnostic's preferred fix.
        /// </summary>
        public delegate Task<(SyntaxNode Target, SyntaxNode Replacement)?> PlanFix(Document document, SyntaxNode node, Diagnostic diagnostic, string? equivalenceKey, CancellationToken cancellationToken);

        private readonly PlanFix _plan;
        private readonly Func<Document, CancellationToken, Task<Document>> _finish;

        public SequentialFixAllProvider(PlanFix plan, Func<Document, CancellationToken, Task<Document>> finish)
        {
            _plan = plan;
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
            var targets = new List<Target>();
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
                targets.Add(new Target(annotation, diagnostic, diagnostic.Location.SourceSpan));
            }

            root = root.ReplaceNodes(nodes.Keys, (original, rewritten) => rewritten.WithAdditionalAnnotations(nodes[original]));
            document = document.WithSyntaxRoot(root);

            var changed = false;
            for (var i = 0; i < targets.Count; i++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var currentRoot = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
                if (currentRoot is null)
                {
                    break;
                }

                var node = Locate(currentRoot, targets[i]);
                if (node is null || await _plan(document, node, targets[i].Diagnostic, key, cancellationToken).ConfigureAwait(false) is not { } plan)
                {
                    continue;
                }

                // Apply, and move the spans of the targets still to come by what the edit added or removed.
                var edited = plan.Target.FullSpan;
                var delta = plan.Replacement.FullSpan.Length - edited.Length;
                document = document.WithSyntaxRoot(currentRoot.ReplaceNode(plan.Target, plan.Replacement));
                changed = true;
                for (var j = i + 1; j < targets.Count; j++)
                {
                    targets[j] = targets[j].After(edited, delta);
                }
            }

            return changed ? await _finish(document, cancellationToken).ConfigureAwait(false) : document;
        }

        /// <summary>
        /// A target's node in the current tree: at its tracked span when the node there still carries the target's
        /// annotation (the usual case, found in the depth of the tree), else by a search for the annotation (after an
        /// edit that replaced the code around it). Searching for each target would cost a walk of the tree per finding.
        /// </summary>
        private static SyntaxNode? Locate(SyntaxNode root, Target target)
        {
            if (target.Span is { } span && FindNode(root, span) is { } found)
            {
                for (var node = found; node is not null && node.Span == span; node = node.Parent)
                {
                    if (node.HasAnnotation(target.Annotation))
                    {
                        return node;
                    }
                }
            }

            return root.GetAnnotatedNodes(target.Annotation).FirstOrDefault();
        }

        /// <summary>A finding still to fix: its annotation, and its span in the current text while that is known.</summary>
        private readonly struct Target
        {
            public Target(SyntaxAnnotation annotation, Diagnostic diagnostic, TextSpan? span)
            {
                Annotation = annotation;
                Diagnostic = diagnostic;
                Span = span;
            }

            public SyntaxAnnotation Annotation { get; }

            public Diagnostic Diagnostic { get; }

            public TextSpan? Span { get; }

            /// <summary>The same target after an edit of <paramref name="edited"/> that changed the length by <paramref name="delta"/>.</summary>
            public Target After(TextSpan edited, int delta) =>
                Span is not { } span ? this
                : span.Start >= edited.End ? new Target(Annotation, Diagnostic, new TextSpan(span.Start + delta, span.Length))
                : span.End <= edited.Start ? this
                : new Target(Annotation, Diagnostic, null); // inside the edit: only the annotation knows where it went
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
