using System.Collections.Generic;
using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace Steadfast.CodeFixes.Internal
{
    /// <summary>
    /// What one name means at a position, found by binding that name alone (speculatively). <c>LookupSymbols</c> and
    /// <c>LookupNamespacesAndTypes</c> answer the same question but first gather every name the using directives bring
    /// into scope, which a fresh compilation (each step of a Fix All makes one) rebuilds for all referenced assemblies:
    /// measured as most of SF2002's Fix All time on a large file.
    /// </summary>
    internal static class NameLookup
    {
        /// <summary>Whatever <paramref name="name"/> binds to at <paramref name="position"/> as an expression: a local, a member, a type.</summary>
        public static ImmutableArray<ISymbol> Bind(SemanticModel model, int position, string name, SpeculativeBindingOption option = SpeculativeBindingOption.BindAsExpression)
        {
            var info = model.GetSpeculativeSymbolInfo(position, SyntaxFactory.IdentifierName(name), option);
            return info.Symbol is { } symbol ? ImmutableArray.Create(symbol) : info.CandidateSymbols;
        }

        /// <summary>True when <paramref name="name"/> already means something at <paramref name="position"/>.</summary>
        public static bool IsTaken(SemanticModel model, int position, string name) => !Bind(model, position, name).IsEmpty;

        /// <summary>The types (and namespaces) <paramref name="name"/> names at <paramref name="position"/>.</summary>
        public static IEnumerable<ISymbol> TypesNamed(SemanticModel model, int position, string name) =>
            Bind(model, position, name, SpeculativeBindingOption.BindAsTypeOrNamespace);
    }
}
