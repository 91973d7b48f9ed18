using System.Collections.Generic;
using System.Globalization;
using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

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
        /// <summary>Every name declared in <paramref name="function"/> (locals, designations, loop variables, catch variables, parameters of nested functions, local functions).</summary>
        public static ImmutableHashSet<string> DeclaredIn(SyntaxNode function)
        {
            var names = ImmutableHashSet.CreateBuilder<string>();
            foreach (var node in function.DescendantNodes())
            {
                switch (node)
                {
                    case VariableDeclaratorSyntax v:
                        names.Add(v.Identifier.ValueText);
                        break;
                    case SingleVariableDesignationSyntax d:
                        names.Add(d.Identifier.ValueText);
                        break;
                    case ForEachStatementSyntax f:
                        names.Add(f.Identifier.ValueText);
                        break;
                    case CatchDeclarationSyntax c:
                        names.Add(c.Identifier.ValueText);
                        break;
                    case ParameterSyntax p:
                        names.Add(p.Identifier.ValueText);
                        break;
                    case LocalFunctionStatementSyntax l:
                        names.Add(l.Identifier.ValueText);
                        break;
                }
            }

            return names.ToImmutable();
        }

        /// <summary>
        /// <paramref name="baseName"/>, or <c>baseName2</c>, <c>baseName3</c>…: the first that is neither in <paramref name="declared"/>
        /// nor means anything at <paramref name="position"/>.
        /// </summary>
        public static string Free(SemanticModel model, int position, ImmutableHashSet<string> declared, string baseName)
        {
            var name = baseName;
            for (var i = 2; declared.Contains(name) || IsTaken(model, position, name); i++)
            {
                name = baseName + i.ToString(CultureInfo.InvariantCulture);
            }

            return name;
        }
    }
}
