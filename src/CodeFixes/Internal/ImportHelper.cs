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
using Microsoft.CodeAnalysis.Text;

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

        /// <summary>
        /// <c>global::Steadfast.TypeName&lt;…&gt;</c> replacing the collection type <paramref name="original"/> (the SF4001 and
        /// SF4002 fixes), keeping its <paramref name="arity"/> type arguments as the user wrote them; when the written type
        /// does not spell them, built from <paramref name="source"/>'s. Annotated so that <see cref="FinishAsync"/> adds
        /// <c>using Steadfast;</c> and reduces it to <c>TypeName&lt;…&gt;</c>.
        /// </summary>
        public static TypeSyntax SteadfastGenericType(string typeName, int arity, TypeSyntax original, INamedTypeSymbol source)
        {
            var generic = original switch
            {
                GenericNameSyntax g => g,
                QualifiedNameSyntax { Right: GenericNameSyntax g } => g,
                AliasQualifiedNameSyntax { Name: GenericNameSyntax g } => g,
                _ => null,
            };

            var typeArguments = generic is not null && generic.TypeArgumentList.Arguments.Count == arity
                ? generic.TypeArgumentList.WithoutTrivia()
                : SyntaxFactory.TypeArgumentList(SyntaxFactory.SeparatedList(source.TypeArguments.Take(arity).Select(t =>
                    SyntaxFactory.ParseTypeName(t.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat)).WithAdditionalAnnotations(Simplifier.Annotation))));
            var steadfast = SyntaxFactory.AliasQualifiedName(SyntaxFactory.IdentifierName(SyntaxFactory.Token(SyntaxKind.GlobalKeyword)), SyntaxFactory.IdentifierName("Steadfast"));
            return SyntaxFactory.QualifiedName(steadfast, SyntaxFactory.GenericName(SyntaxFactory.Identifier(typeName), typeArguments))
                .WithAdditionalAnnotations(Simplifier.Annotation, Simplifier.AddImportsAnnotation);
        }

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
            document = await FormatEachTypeAloneAsync(document, cancellationToken).ConfigureAwait(false);
            document = await FormatAsync(document, cancellationToken).ConfigureAwait(false);
            return await WithoutCleanupAnnotationsAsync(document, cancellationToken).ConfigureAwait(false);
        }

        /// <summary>Formats what the fix marked for formatting: the nodes it annotated and the elastic trivia of the syntax it built.</summary>
        private static async Task<Document> FormatAsync(Document document, CancellationToken cancellationToken)
        {
            document = await Formatter.FormatAsync(document, Formatter.Annotation, cancellationToken: cancellationToken).ConfigureAwait(false);
            return await Formatter.FormatAsync(document, SyntaxAnnotation.ElasticAnnotation, cancellationToken: cancellationToken).ConfigureAwait(false);
        }

        private static readonly SyntaxAnnotation TypeAloneAnnotation = new("SteadfastFormatTypeAlone");

        /// <summary>
        /// Formats the marks inside each top-level type on its own, in a copy of the file that holds only that type and the
        /// namespaces around it, and puts the formatted type back. Roslyn's formatter starts each marked span by collecting the
        /// indentation rules of every child of the span's enclosing declarations: with the span's type among 500 others, that
        /// is 500 declarations per span, and a Fix All of hundreds of findings grew with the square of their number
        /// (docs/performance.md). Alone in its copy, a type's spans see only their own ancestors: the same indentation, since
        /// the namespaces and the type's own trivia are kept. A mark that touches the type's edges (its first or last token),
        /// a type with preprocessor directives, and everything outside types are left to the formatting of the whole document.
        /// </summary>
        private static async Task<Document> FormatEachTypeAloneAsync(Document document, CancellationToken cancellationToken)
        {
            var root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
            if (root is not CompilationUnitSyntax unit || !unit.ContainsAnnotations)
            {
                return document;
            }

            var types = new List<TypeDeclarationSyntax>();
            CollectTypes(unit.Members, types);
            var formatted = new Dictionary<TypeDeclarationSyntax, TypeDeclarationSyntax>();
            foreach (var type in types)
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (!type.ContainsAnnotations || type.ContainsDirectives || !HasMarksInside(type, out var marked) || !marked)
                {
                    continue;
                }

                // The copy: the type, marked so it can be found again, inside the namespaces that hold it, alone.
                SyntaxNode alone = type.WithAdditionalAnnotations(TypeAloneAnnotation);
                for (var parent = type.Parent; parent is not null; parent = parent.Parent)
                {
                    alone = parent switch
                    {
                        BaseNamespaceDeclarationSyntax ns => ns.WithMembers(SyntaxFactory.SingletonList((MemberDeclarationSyntax)alone)),
                        CompilationUnitSyntax cu => cu.WithMembers(SyntaxFactory.SingletonList((MemberDeclarationSyntax)alone)),
                        _ => alone,
                    };
                }

                var copy = await FormatAsync(document.WithSyntaxRoot(alone), cancellationToken).ConfigureAwait(false);
                var copyRoot = await copy.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
                if (copyRoot?.GetAnnotatedNodes(TypeAloneAnnotation).OfType<TypeDeclarationSyntax>().FirstOrDefault() is { } done)
                {
                    formatted[type] = Unmarked(done.WithoutAnnotations(TypeAloneAnnotation));
                }
            }

            return formatted.Count == 0
                ? document
                : document.WithSyntaxRoot(unit.ReplaceNodes(formatted.Keys, (original, _) => formatted[original]));
        }

        /// <summary>The top-level types: members of the file and of its namespaces (nested types go with theirs).</summary>
        private static void CollectTypes(SyntaxList<MemberDeclarationSyntax> members, List<TypeDeclarationSyntax> types)
        {
            foreach (var member in members)
            {
                if (member is TypeDeclarationSyntax type)
                {
                    types.Add(type);
                }
                else if (member is BaseNamespaceDeclarationSyntax ns)
                {
                    CollectTypes(ns.Members, types);
                }
            }
        }

        /// <summary>
        /// Whether the type has marks to format (<paramref name="marked"/>) and all of them lie strictly between its first and
        /// last token, so that formatting them reads and writes nothing outside the type.
        /// </summary>
        private static bool HasMarksInside(TypeDeclarationSyntax type, out bool marked)
        {
            marked = false;
            var inside = TextSpan.FromBounds(type.GetFirstToken().FullSpan.End, type.GetLastToken().FullSpan.Start);
            foreach (var item in type.GetAnnotatedNodesAndTokens(Formatter.Annotation))
            {
                marked = true;
                if (!inside.Contains(item.FullSpan))
                {
                    return false;
                }
            }

            foreach (var trivia in type.GetAnnotatedTrivia(SyntaxAnnotation.ElasticAnnotation))
            {
                marked = true;
                if (!inside.Contains(trivia.FullSpan))
                {
                    return false;
                }
            }

            return true;
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

            var cleaned = Unmarked(root);
            return ReferenceEquals(cleaned, root) ? document : document.WithSyntaxRoot(cleaned);
        }

        /// <summary><paramref name="node"/> without the clean-up marks: the same node when it has none.</summary>
        private static T Unmarked<T>(T node)
            where T : SyntaxNode
        {
            var nodes = new HashSet<SyntaxNode>();
            var tokens = new HashSet<SyntaxToken>();
            foreach (var annotation in CleanupAnnotations)
            {
                foreach (var item in node.GetAnnotatedNodesAndTokens(annotation))
                {
                    if (item.AsNode() is { } annotated)
                    {
                        nodes.Add(annotated);
                    }
                    else
                    {
                        tokens.Add(item.AsToken());
                    }
                }
            }

            var trivia = node.GetAnnotatedTrivia(SyntaxAnnotation.ElasticAnnotation).ToList();
            if (nodes.Count == 0 && tokens.Count == 0 && trivia.Count == 0)
            {
                return node;
            }

            return node.ReplaceSyntax(
                nodes, (_, rewritten) => rewritten.WithoutAnnotations(CleanupAnnotations),
                tokens, (_, rewritten) => rewritten.WithoutAnnotations(CleanupAnnotations),
                trivia, (_, rewritten) => rewritten.WithoutAnnotations(SyntaxAnnotation.ElasticAnnotation));
        }
    }
}
