using System.Collections.Generic;
using System.Collections.Immutable;
using System.Composition;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Editing;
using Microsoft.CodeAnalysis.Formatting;
using Microsoft.CodeAnalysis.Operations;
using Microsoft.CodeAnalysis.Simplification;
using Steadfast.Analyzers;
using Steadfast.Analyzers.Internal;
using Steadfast.Analyzers.Rules;
using Steadfast.CodeFixes.Internal;
using Steadfast.Analyzers.Rules.SF5001;

namespace Steadfast.CodeFixes.Rules
{
    /// <summary>SF5001 fixes: read through <c>Steadfast.FileCache</c>, or load the file once into a static <c>Lazy&lt;T&gt;</c>.</summary>
    [ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(SF5001RepeatedFileReadCodeFix)), Shared]
    public sealed class SF5001RepeatedFileReadCodeFix : PlannedCodeFixProvider
    {
        public const string FileCacheKey = "SF5001.FileCache";
        public const string LoadOnceKey = "SF5001.LoadOnce";

        private static readonly (string Key, string Title)[] Offered = { (FileCacheKey, "Cache the file (FileCache)"), (LoadOnceKey, "Load the file once") };

        public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(DiagnosticIds.RepeatedFileRead);

        protected override IEnumerable<(string Key, string Title)> Fixes(Diagnostic diagnostic) => Offered;

        protected override async Task<(SyntaxNode Target, SyntaxNode Replacement)?> PlanAsync(
            Document document, SyntaxNode node, Diagnostic diagnostic, string key, bool verify, CancellationToken cancellationToken)
        {
            var model = await document.GetSemanticModelAsync(cancellationToken).ConfigureAwait(false);
            node = node is ArgumentSyntax argument ? argument.Expression : node; // a read that is a whole argument shares its span
            if (model is null || node is not InvocationExpressionSyntax invocation ||
                model.GetOperation(invocation, cancellationToken) is not IInvocationOperation read)
            {
                return null;
            }

            var types = SF5001Symbols.GetOrCreate(model.Compilation);
            var method = read.TargetMethod;
            if (!KnownTypes.Is(method.ContainingType, types.File) || !SF5001RepeatedFileReadAnalyzer.ReadMethods.Contains(method.Name))
            {
                return null;
            }

            return key switch
            {
                FileCacheKey => PlanFileCache(model, invocation, method, types),
                LoadOnceKey => PlanLoadOnce(model, invocation, read, diagnostic, types, SyntaxGenerator.GetGenerator(document)),
                _ => null,
            };
        }

        /// <summary><c>File.X(args)</c> to <c>FileCache.X(args)</c>, when FileCache has the very same overload.</summary>
        private static (SyntaxNode, SyntaxNode)? PlanFileCache(SemanticModel model, InvocationExpressionSyntax invocation, IMethodSymbol method, SF5001Symbols types)
        {
            if (types.SteadfastFileCache is null || !types.SteadfastFileCache.GetMembers(method.Name).OfType<IMethodSymbol>().Any(m => SameSignature(m, method)))
            {
                return null;
            }

            var fileCache = ImportHelper.SteadfastTypeExpression(model, invocation.SpanStart, "FileCache");
            ExpressionSyntax callee = invocation.Expression switch
            {
                MemberAccessExpressionSyntax access => access.WithExpression(fileCache.WithTriviaFrom(access.Expression)),
                IdentifierNameSyntax name => SyntaxFactory.MemberAccessExpression(SyntaxKind.SimpleMemberAccessExpression, fileCache, name.WithoutTrivia()).WithTriviaFrom(name),
                _ => null!,
            };

            return callee is null ? null : (invocation.Expression, callee);
        }

        /// <summary>
        /// Hoists the read into <c>private static readonly Lazy&lt;T&gt; Name = new Lazy&lt;T&gt;(() =&gt; File.X(args));</c> at the top of
        /// the type and reads <c>Name.Value</c>. Only for text (strings cannot be corrupted by callers) and only when the
        /// arguments need no instance, local or parameter.
        /// </summary>
        private static (SyntaxNode, SyntaxNode)? PlanLoadOnce(SemanticModel model, InvocationExpressionSyntax invocation, IInvocationOperation read, Diagnostic diagnostic, SF5001Symbols types, SyntaxGenerator generator)
        {
            if (!diagnostic.Properties.TryGetValue(SF5001RepeatedFileReadAnalyzer.CanLoadOnceProperty, out var canLoadOnce) || canLoadOnce != "true" ||
                read.Type is null || invocation.FirstAncestorOrSelf<TypeDeclarationSyntax>() is not { } typeDeclaration ||
                typeDeclaration is InterfaceDeclarationSyntax || model.GetDeclaredSymbol(typeDeclaration) is not INamedTypeSymbol type)
            {
                return null;
            }

            foreach (var argument in read.Arguments)
            {
                foreach (var op in argument.Value.DescendantsAndSelf())
                {
                    if (op is ILocalReferenceOperation or IParameterReferenceOperation or IInstanceReferenceOperation)
                    {
                        return null;
                    }
                }
            }

            var baseName = diagnostic.Properties.TryGetValue(SF5001RepeatedFileReadAnalyzer.FieldNameProperty, out var suggested) && !string.IsNullOrEmpty(suggested)
                ? suggested!
                : "LoadedText";
            var name = baseName;
            for (var i = 2; type.GetMembers(name).Length > 0 || type.Name == name; i++)
            {
                name = baseName + i;
            }

            if (types.Lazy is null)
            {
                return null;
            }

            // private static readonly Lazy<T> Name = new Lazy<T>(() => File.X(args)); built as syntax, names reduced by the Simplifier.
            var lazy = types.Lazy.Construct(read.Type);
            TypeSyntax LazyType() => (TypeSyntax)generator.TypeExpression(lazy).WithAdditionalAnnotations(Simplifier.Annotation, Simplifier.AddImportsAnnotation);
            var field = SyntaxFactory.FieldDeclaration(SyntaxFactory.VariableDeclaration(
                        LazyType(),
                        SyntaxFactory.SingletonSeparatedList(SyntaxFactory.VariableDeclarator(name).WithInitializer(SyntaxFactory.EqualsValueClause(
                            SyntaxFactory.ObjectCreationExpression(
                                LazyType(),
                                SyntaxFactory.ArgumentList(SyntaxFactory.SingletonSeparatedList(SyntaxFactory.Argument(SyntaxFactory.ParenthesizedLambdaExpression(invocation.WithoutTrivia())))),
                                null))))))
                .WithModifiers(SyntaxFactory.TokenList(SyntaxFactory.Token(SyntaxKind.PrivateKeyword), SyntaxFactory.Token(SyntaxKind.StaticKeyword), SyntaxFactory.Token(SyntaxKind.ReadOnlyKeyword)))
                .WithTrailingTrivia(SyntaxFactory.ElasticLineFeed)
                .WithAdditionalAnnotations(Formatter.Annotation);

            var value = SyntaxFactory.MemberAccessExpression(
                SyntaxKind.SimpleMemberAccessExpression, SyntaxFactory.IdentifierName(name), SyntaxFactory.IdentifierName("Value")).WithTriviaFrom(invocation);
            var updated = typeDeclaration.ReplaceNode(invocation, value);
            updated = updated.WithMembers(updated.Members.Insert(0, (MemberDeclarationSyntax)field));
            return (typeDeclaration, updated);
        }

        private static bool SameSignature(IMethodSymbol candidate, IMethodSymbol original)
        {
            if (candidate.Parameters.Length != original.Parameters.Length || !SymbolEqualityComparer.Default.Equals(candidate.ReturnType, original.ReturnType))
            {
                return false;
            }

            for (var i = 0; i < candidate.Parameters.Length; i++)
            {
                if (!SymbolEqualityComparer.Default.Equals(candidate.Parameters[i].Type, original.Parameters[i].Type) ||
                    candidate.Parameters[i].Name != original.Parameters[i].Name)
                {
                    return false;
                }
            }

            return true;
        }
    }
}
