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
            return document;
        }
    }
}
