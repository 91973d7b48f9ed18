using System.Collections.Generic;
using System.Collections.Immutable;
using System.Composition;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;
using Microsoft.CodeAnalysis.Simplification;
using Steadfast.Analyzers;
using Steadfast.Analyzers.Internal;
using Steadfast.Analyzers.Rules;
using Steadfast.CodeFixes.Internal;
using Steadfast.Analyzers.Rules.SF4001;

namespace Steadfast.CodeFixes.Rules
{
    /// <summary>
    /// SF4001 fix: the field becomes a <c>Steadfast.BoundedCache&lt;TKey, TValue&gt;</c> with a capacity, created where the
    /// dictionary was created (initializer or constructors), keeping a key comparer and a collection initializer. Every
    /// other use stays as written; the fix is offered only when the rewritten type compiles with no new error.
    /// </summary>
    [ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(SF4001UnboundedCacheCodeFix)), Shared]
    public sealed class SF4001UnboundedCacheCodeFix : PlannedCodeFixProvider
    {
        public const string BoundedCacheKey = "SF4001.BoundedCache";

        private static readonly (string Key, string Title)[] Offered = { (BoundedCacheKey, "Bound the cache (BoundedCache)") };

        public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(DiagnosticIds.UnboundedCache);

        protected override IEnumerable<(string Key, string Title)> Fixes(Diagnostic diagnostic) =>
            (diagnostic.Properties.TryGetValue(SF4001UnboundedCacheAnalyzer.HoldsLocksProperty, out var locks) && locks == "true") ||
            (diagnostic.Properties.TryGetValue(SF4001UnboundedCacheAnalyzer.PinsKeysProperty, out var pins) && pins == "true")
                ? Enumerable.Empty<(string, string)>() // evicting a held lock lets two callers in; evicting per-object state loses it: no automatic fix
                : Offered;

        protected override async Task<(SyntaxNode Target, SyntaxNode Replacement)?> PlanAsync(
            Document document, SyntaxNode node, Diagnostic diagnostic, string key, bool verify, CancellationToken cancellationToken)
        {
            var model = await document.GetSemanticModelAsync(cancellationToken).ConfigureAwait(false);
            if (key != BoundedCacheKey || model is null ||
                node is not VariableDeclaratorSyntax { Parent: VariableDeclarationSyntax { Variables.Count: 1, Parent: FieldDeclarationSyntax fieldDeclaration } declaration } declarator ||
                fieldDeclaration.Parent is not TypeDeclarationSyntax typeDeclaration ||
                model.GetDeclaredSymbol(declarator, cancellationToken) is not IFieldSymbol field ||
                field.Type is not INamedTypeSymbol { TypeArguments.Length: 2 } fieldType)
            {
                return null;
            }

            var types = SF4001Symbols.GetOrCreate(model.Compilation);
            if (types.SteadfastBoundedCache is null || !IsDictionary(fieldType, types))
            {
                return null; // Steadfast.Runtime is not referenced
            }

            var capacity = diagnostic.Properties.TryGetValue(SF4001UnboundedCacheAnalyzer.CapacityProperty, out var text) && int.TryParse(text, out var parsed) && parsed > 0
                ? parsed
                : SF4001UnboundedCacheAnalyzer.DefaultCapacity;

            // Every place the dictionary is created must be in this declaration (another partial part could not be rewritten).
            var creations = new List<ExpressionSyntax>();
            if (declarator.Initializer is { } initializer)
            {
                creations.Add(initializer.Value);
            }

            foreach (var assignment in typeDeclaration.DescendantNodes().OfType<AssignmentExpressionSyntax>())
            {
                if (SymbolEqualityComparer.Default.Equals(model.GetSymbolInfo(assignment.Left, cancellationToken).Symbol, field))
                {
                    creations.Add(assignment.Right);
                }
            }

            if (await IsAssignedInOtherPartsAsync(document.Project.Solution, field, typeDeclaration, cancellationToken).ConfigureAwait(false))
            {
                return null;
            }

            // A local check before any compiling: every member the type uses on the field exists on BoundedCache with the
            // same shape (EnsureCapacity does not; Dictionary's Keys is a KeyCollection, BoundedCache's an ICollection).
            if (!UsesOnlyBoundedCacheMembers(model, typeDeclaration, field, types.SteadfastBoundedCache.Construct(fieldType.TypeArguments[0], fieldType.TypeArguments[1]), cancellationToken))
            {
                return null;
            }

            var replacements = new Dictionary<SyntaxNode, SyntaxNode>();
            foreach (var creation in creations)
            {
                var rewritten = RewriteCreation(model, creation, fieldType, capacity, types, cancellationToken);
                if (rewritten is null)
                {
                    return null;
                }

                replacements[creation] = rewritten;
            }

            replacements[declaration.Type] = ImportHelper.SteadfastGenericType("BoundedCache", 2, declaration.Type, fieldType).WithTriviaFrom(declaration.Type);
            var updated = typeDeclaration.ReplaceNodes(replacements.Keys, (original, _) => replacements[original]);

            return !verify || await FixVerifier.AddsNoErrorAsync(document, typeDeclaration, updated, cancellationToken).ConfigureAwait(false)
                ? (typeDeclaration, updated)
                : null;
        }

        private static bool IsDictionary(INamedTypeSymbol type, SF4001Symbols types) =>
            KnownTypes.Is(type, types.Dictionary) || KnownTypes.Is(type, types.ConcurrentDictionary);

        /// <summary>
        /// <c>new Dictionary&lt;K, V&gt;(comparer) { ... }</c> to <c>new BoundedCache&lt;K, V&gt;(capacity: N, comparer) { ... }</c>;
        /// target-typed <c>new(...)</c> stays target-typed. Initial sizes and concurrency levels are dropped; any other
        /// argument (a source to copy) means no fix.
        /// </summary>
        private static ExpressionSyntax? RewriteCreation(SemanticModel model, ExpressionSyntax creation, INamedTypeSymbol fieldType, int capacity, SF4001Symbols types, CancellationToken cancellationToken)
        {
            var operation = OperationHelpers.SkipImplicitConversions(model.GetOperation(creation, cancellationToken)!);
            if (operation is not IObjectCreationOperation { Constructor: { } constructor } created || created.Type is not INamedTypeSymbol createdType || !IsDictionary(createdType, types))
            {
                return null;
            }

            var arguments = new List<ArgumentSyntax>
            {
                SyntaxFactory.Argument(SyntaxFactory.LiteralExpression(SyntaxKind.NumericLiteralExpression, SyntaxFactory.Literal(capacity)))
                    .WithNameColon(SyntaxFactory.NameColon("capacity")),
            };
            foreach (var argument in created.Arguments)
            {
                if (argument.IsImplicit)
                {
                    continue; // an optional parameter left out
                }

                var parameterType = argument.Parameter?.Type;
                if (parameterType?.SpecialType == SpecialType.System_Int32)
                {
                    continue; // initial capacity or concurrency level
                }

                if (parameterType is INamedTypeSymbol { Name: "IEqualityComparer", TypeArguments.Length: 1 } && argument.Syntax is ArgumentSyntax comparer)
                {
                    arguments.Add(comparer.WithNameColon(null).WithoutTrivia());
                    continue;
                }

                return null;
            }

            var argumentList = SyntaxFactory.ArgumentList(SyntaxFactory.SeparatedList(arguments));
            return creation switch
            {
                ImplicitObjectCreationExpressionSyntax implicitNew when SymbolEqualityComparer.Default.Equals(createdType, fieldType) =>
                    implicitNew.WithArgumentList(argumentList.WithTriviaFrom(implicitNew.ArgumentList)),
                ObjectCreationExpressionSyntax explicitNew =>
                    explicitNew.WithType(ImportHelper.SteadfastGenericType("BoundedCache", 2, explicitNew.Type, createdType).WithTriviaFrom(explicitNew.Type))
                        .WithArgumentList(explicitNew.ArgumentList is null ? argumentList : argumentList.WithTriviaFrom(explicitNew.ArgumentList)),
                _ => null,
            };
        }

        private static bool UsesOnlyBoundedCacheMembers(SemanticModel model, TypeDeclarationSyntax type, IFieldSymbol field, INamedTypeSymbol boundedCache, CancellationToken cancellationToken)
        {
            foreach (var name in type.DescendantNodes().OfType<IdentifierNameSyntax>())
            {
                if (name.Identifier.ValueText != field.Name ||
                    name.Parent is not MemberAccessExpressionSyntax { Name: var memberName } access || access.Expression != name ||
                    !SymbolEqualityComparer.Default.Equals(model.GetSymbolInfo(name, cancellationToken).Symbol, field))
                {
                    continue;
                }

                var used = model.GetSymbolInfo(access, cancellationToken).Symbol ?? model.GetSymbolInfo(access, cancellationToken).CandidateSymbols.FirstOrDefault();
                if (used is IMethodSymbol { IsExtensionMethod: true } or null)
                {
                    continue; // LINQ and the like work on any IEnumerable; unresolved code is left to the compile check
                }

                var candidates = boundedCache.GetMembers(memberName.Identifier.ValueText);
                if (candidates.Any(candidate => SameShape(candidate, used)))
                {
                    continue;
                }

                // A property of another type (Keys, Values) still does where the use needs only what the new type gives:
                // an IEnumerable<T> argument (LINQ), an implicit conversion, a foreach.
                if (used is IPropertySymbol && candidates.OfType<IPropertySymbol>().FirstOrDefault() is { } replacement &&
                    model.GetOperation(access, cancellationToken) is { } use && Accepts(model.Compilation, use, replacement.Type))
                {
                    continue;
                }

                return false;
            }

            return true;
        }

        private static bool Accepts(Compilation compilation, IOperation use, ITypeSymbol type)
        {
            var required = use.Parent switch
            {
                IArgumentOperation argument => argument.Parameter?.Type,
                IForEachLoopOperation or IConversionOperation { IsImplicit: true, Parent: IForEachLoopOperation } => compilation.GetSpecialType(SpecialType.System_Collections_IEnumerable),
                IConversionOperation { IsImplicit: true } conversion => conversion.Type,
                _ => null,
            };

            return required is not null && compilation.ClassifyConversion(type, required).IsImplicit;
        }

        internal static bool SameShape(ISymbol candidate, ISymbol used) => (candidate, used) switch
        {
            (IPropertySymbol a, IPropertySymbol b) => SymbolEqualityComparer.Default.Equals(a.Type, b.Type),
            (IMethodSymbol a, IMethodSymbol b) => a.Parameters.Length == b.Parameters.Length &&
                                                  SymbolEqualityComparer.Default.Equals(a.ReturnType, b.ReturnType) &&
                                                  a.Parameters.Zip(b.Parameters, (x, y) => x.RefKind == y.RefKind && SymbolEqualityComparer.Default.Equals(x.Type, y.Type)).All(same => same),
            _ => false,
        };

        internal static async Task<bool> IsAssignedInOtherPartsAsync(Solution solution, IFieldSymbol field, TypeDeclarationSyntax thisPart, CancellationToken cancellationToken)
        {
            foreach (var reference in field.ContainingType.DeclaringSyntaxReferences)
            {
                var part = await reference.GetSyntaxAsync(cancellationToken).ConfigureAwait(false);
                if (part.SyntaxTree == thisPart.SyntaxTree && part.Span == thisPart.Span)
                {
                    continue;
                }

                var document = solution.GetDocument(part.SyntaxTree);
                var model = document is null ? null : await document.GetSemanticModelAsync(cancellationToken).ConfigureAwait(false);
                if (model is null)
                {
                    return true;
                }

                foreach (var name in part.DescendantNodes().OfType<IdentifierNameSyntax>())
                {
                    if (name.Identifier.ValueText == field.Name &&
                        SymbolEqualityComparer.Default.Equals(model.GetSymbolInfo(name, cancellationToken).Symbol, field))
                    {
                        return true; // used in another part: a use we could not check there could break
                    }
                }
            }

            return false;
        }
    }
}
