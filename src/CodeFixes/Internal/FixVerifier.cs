using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Steadfast.CodeFixes.Internal
{
    /// <summary>For fixes whose safety depends on the code around them still compiling: try the edit, compare the errors.</summary>
    /// <remarks>
    /// Only the declaration the edit is in is compiled, before and after: the enclosing member, or the type when the edit
    /// replaces a whole type. The edits that use this (a client creation, a call wrapped in a retry, a string's columns, a
    /// private field's type) cannot change what code outside that declaration means, and binding one declaration instead of
    /// the whole document keeps the cost of a fix independent of the file's size (and Fix All linear in its findings).
    /// </remarks>
    internal static class FixVerifier
    {
        private static readonly SyntaxAnnotation Edited = new SyntaxAnnotation("SteadfastFixVerifier");

        /// <summary>True when replacing <paramref name="original"/> with <paramref name="updated"/> adds no compiler error where it is.</summary>
        public static async Task<bool> AddsNoErrorAsync(Document document, SyntaxNode original, SyntaxNode updated, CancellationToken cancellationToken)
        {
            var root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
            var model = await document.GetSemanticModelAsync(cancellationToken).ConfigureAwait(false);
            if (root is null || model is null)
            {
                return false;
            }

            var before = Errors(model, Region(original), cancellationToken);

            var changed = document.WithSyntaxRoot(root.ReplaceNode(original, updated.WithAdditionalAnnotations(Edited)));
            var changedRoot = await changed.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
            var changedModel = await changed.GetSemanticModelAsync(cancellationToken).ConfigureAwait(false);
            if (changedRoot?.GetAnnotatedNodes(Edited).FirstOrDefault() is not { } edited || changedModel is null)
            {
                return false;
            }

            foreach (var error in Errors(changedModel, Region(edited), cancellationToken))
            {
                if (!before.Remove(error))
                {
                    return false;
                }
            }

            return true;
        }

        /// <summary>
        /// The declaration an edit is in: the member of the innermost type that holds it (a method, a field, a property),
        /// or the type itself when the edit is the type; top-level statements and anything else: the whole file.
        /// </summary>
        private static SyntaxNode Region(SyntaxNode node)
        {
            MemberDeclarationSyntax? member = null;
            for (var current = node; current is not null; current = current.Parent)
            {
                switch (current)
                {
                    case BaseTypeDeclarationSyntax type:
                        return (SyntaxNode?)member ?? type;
                    case GlobalStatementSyntax or BaseNamespaceDeclarationSyntax:
                        return node.SyntaxTree.GetRoot();
                    case MemberDeclarationSyntax declaration:
                        member = declaration; // keep the outermost one below the type (a local function's method, not the function)
                        break;
                }
            }

            return node.SyntaxTree.GetRoot();
        }

        private static List<string> Errors(SemanticModel model, SyntaxNode region, CancellationToken cancellationToken)
        {
            var errors = new List<string>();
            foreach (var diagnostic in model.GetDiagnostics(region.FullSpan, cancellationToken))
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
