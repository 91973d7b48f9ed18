using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Editing;
using Microsoft.CodeAnalysis.Formatting;
using Microsoft.CodeAnalysis.Simplification;

namespace Steadfast.CodeFixes.Internal
{
    internal static class ImportHelper
    {
        /// <summary>
        /// <c>global::Steadfast.TypeName</c> as an expression (the receiver of a static call), annotated so that
        /// <see cref="FinishAsync"/> adds <c>using Steadfast;</c> and reduces it to <c>TypeName</c>; where another
        /// <c>TypeName</c> is in scope at <paramref name="position"/>, <c>Steadfast.TypeName</c> with no using added.
        /// </summary>
        public static ExpressionSyntax SteadfastTypeExpression(SemanticModel model, int position, string typeName) =>
            IsTakenByAnotherType(model, position, typeName)
                ? SyntaxFactory.ParseExpression("Steadfast." + typeName)
                : SyntaxFactory.ParseExpression("global::Steadfast." + typeName).WithAdditionalAnnotations(Simplifier.Annotation, Simplifier.AddImportsAnnotation);

        /// <summary>
        /// <c>global::Steadfast.TypeName</c> as a type (what <c>new</c> makes), annotated like <see cref="SteadfastTypeExpression"/>;
        /// <c>Steadfast.TypeName</c> where another <c>TypeName</c> is in scope.
        /// </summary>
        public static TypeSyntax SteadfastTypeName(SemanticModel model, int position, string typeName) =>
            IsTakenByAnotherType(model, position, typeName)
                ? SyntaxFactory.ParseTypeName("Steadfast." + typeName)
                : SyntaxFactory.ParseTypeName("global::Steadfast." + typeName).WithAdditionalAnnotations(Simplifier.Annotation, Simplifier.AddImportsAnnotation);

        private static bool IsTakenByAnotherType(SemanticModel model, int position, string typeName)
        {
            foreach (var symbol in NameLookup.TypesNamed(model, position, typeName))
            {
                if (symbol.ContainingNamespace?.ToDisplayString() != "Steadfast")
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>Adds the imports the fix's annotated names need, then simplifies and formats what the fix wrote.</summary>
        public static async Task<Document> FinishAsync(Document document, CancellationToken cancellationToken)
        {
            document = await ImportAdder.AddImportsAsync(document, Simplifier.AddImportsAnnotation, cancellationToken: cancellationToken).ConfigureAwait(false);
            document = await Simplifier.ReduceAsync(document, Simplifier.Annotation, cancellationToken: cancellationToken).ConfigureAwait(false);
            document = await Formatter.FormatAsync(document, Formatter.Annotation, cancellationToken: cancellationToken).ConfigureAwait(false);
            document = await Formatter.FormatAsync(document, SyntaxAnnotation.ElasticAnnotation, cancellationToken: cancellationToken).ConfigureAwait(false);
            return await WithoutCleanupAnnotationsAsync(document, cancellationToken).ConfigureAwait(false);
        }

        private static readonly SyntaxAnnotation[] CleanupAnnotations = { Formatter.Annotation, Simplifier.Annotation, Simplifier.AddImportsAnnotation };

        /// <summary>
        /// The finished document without the marks that ask for clean-up: the annotations for imports, simplification and
        /// formatting, and the elastic trivia of the syntax the fix built (already formatted above). The code action that
        /// carries a fix cleans up again whatever still carries them; for a Fix All of 400 findings in one document that
        /// second pass took two thirds of the time (measured with a stopwatch around each step, docs/performance.md).
        /// </summary>
        private static async Task<Document> WithoutCleanupAnnotationsAsync(Document document, CancellationToken cancellationToken)
        {
            var root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
            if (root is null)
            {
                return document;
            }

            var nodes = new HashSet<SyntaxNode>();
            var tokens = new HashSet<SyntaxToken>();
            foreach (var annotation in CleanupAnnotations)
            {
                foreach (var item in root.GetAnnotatedNodesAndTokens(annotation))
                {
                    if (item.AsNode() is { } node)
                    {
                        nodes.Add(node);
                    }
                    else
                    {
                        tokens.Add(item.AsToken());
                    }
                }
            }

            var trivia = root.GetAnnotatedTrivia(SyntaxAnnotation.ElasticAnnotation).ToList();
            if (nodes.Count == 0 && tokens.Count == 0 && trivia.Count == 0)
            {
                return document;
            }

            var cleaned = root.ReplaceSyntax(
                nodes, (_, rewritten) => rewritten.WithoutAnnotations(CleanupAnnotations),
                tokens, (_, rewritten) => rewritten.WithoutAnnotations(CleanupAnnotations),
                trivia, (_, rewritten) => rewritten.WithoutAnnotations(SyntaxAnnotation.ElasticAnnotation));
            return document.WithSyntaxRoot(cleaned);
        }
    }
}
