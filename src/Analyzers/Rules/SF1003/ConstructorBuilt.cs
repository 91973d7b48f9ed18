using System.Collections.Generic;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;
using Steadfast.Analyzers.Internal;

namespace Steadfast.Analyzers.Rules.SF1003
{
    /// <summary>
    /// A collection of services the object builds once, in its constructors: a private readonly field whose element type
    /// (the last type argument: a list's items, a dictionary's values) is an interface or an abstract class, written only in
    /// the constructors (not in a lambda there, which could run later) and only read everywhere else. What the constructor
    /// puts there (one provider per configured network, say) is set when the program builds its services, not per request.
    /// </summary>
    internal static class ConstructorBuilt
    {
        /// <summary>True when <paramref name="field"/> is such a collection (see the class).</summary>
        public static bool IsServicesBuiltInConstructor(IFieldSymbol field, IOperation site, SF1003Symbols types)
        {
            // A concrete collection (a List, a Dictionary): an interface-typed field may hold a query evaluated on each read.
            if (field.IsStatic || !field.IsReadOnly || field.DeclaredAccessibility != Accessibility.Private ||
                field.Type is not INamedTypeSymbol { TypeArguments.Length: > 0, TypeKind: not TypeKind.Interface } collection || !IsEnumerable(collection) ||
                !IsService(collection.TypeArguments[collection.TypeArguments.Length - 1]) || site.SemanticModel is not { } model)
            {
                return false;
            }

            var writtenInConstructor = false;
            foreach (var node in TypeSyntax(field.ContainingType, model))
            {
                if (node is not IdentifierNameSyntax name || name.Identifier.ValueText != field.Name ||
                    !SymbolEqualityComparer.Default.Equals(model.GetSymbolInfo(name).Symbol, field))
                {
                    continue;
                }

                if (model.GetOperation(name) is not { } reference)
                {
                    return false;
                }

                var use = OperationHelpers.OutermostConversion(reference);
                if (InConstructorBody(name, field.ContainingType, model))
                {
                    if (use.Parent is IArgumentOperation { Parent: IInvocationOperation or IObjectCreationOperation } argument &&
                        !(argument.Parent is IInvocationOperation call && KnownTypes.Is(call.TargetMethod.ContainingType, types.Enumerable)))
                    {
                        return false; // handed to something that may keep it and add later
                    }

                    writtenInConstructor = true;
                    continue; // built here: any writes
                }

                if (!IsRead(use, types))
                {
                    return false; // written, or handed elsewhere, after construction
                }
            }

            return writtenInConstructor;
        }

        /// <summary>Every node of the type's declarations, when they are all in the semantic model's file; else none.</summary>
        public static IEnumerable<SyntaxNode> TypeSyntax(INamedTypeSymbol type, SemanticModel model)
        {
            var references = type.DeclaringSyntaxReferences;
            foreach (var reference in references)
            {
                if (reference.SyntaxTree != model.SyntaxTree)
                {
                    yield break; // a partial type across files: not judged
                }
            }

            foreach (var reference in references)
            {
                foreach (var node in reference.GetSyntax().DescendantNodes())
                {
                    yield return node;
                }
            }
        }

        private static bool IsEnumerable(INamedTypeSymbol type)
        {
            if (type.OriginalDefinition.SpecialType == SpecialType.System_Collections_Generic_IEnumerable_T)
            {
                return true;
            }

            foreach (var implemented in type.AllInterfaces)
            {
                if (implemented.OriginalDefinition.SpecialType == SpecialType.System_Collections_Generic_IEnumerable_T)
                {
                    return true;
                }
            }

            return false;
        }

        private static bool IsService(ITypeSymbol element) =>
            element.TypeKind == TypeKind.Interface || (element.TypeKind == TypeKind.Class && element.IsAbstract);

        /// <summary>In a constructor of <paramref name="type"/>, its body or initializer, not inside a lambda or local function there.</summary>
        private static bool InConstructorBody(SyntaxNode node, INamedTypeSymbol type, SemanticModel model)
        {
            for (var current = node.Parent; current is not null; current = current.Parent)
            {
                switch (current)
                {
                    case AnonymousFunctionExpressionSyntax or LocalFunctionStatementSyntax:
                        return false;
                    case ConstructorDeclarationSyntax constructor:
                        return !constructor.Modifiers.Any(Microsoft.CodeAnalysis.CSharp.SyntaxKind.StaticKeyword) &&
                            SymbolEqualityComparer.Default.Equals(model.GetDeclaredSymbol(constructor)?.ContainingType, type); // not a nested type's
                    case MemberDeclarationSyntax:
                        return false;
                }
            }

            return false;
        }

        /// <summary>A use that reads the collection: a property (not an indexer set), a look-up, LINQ, a foreach.</summary>
        private static bool IsRead(IOperation use, SF1003Symbols types)
        {
            switch (use.Parent)
            {
                case IPropertyReferenceOperation property when property.Instance == use:
                    return !(property.Property.IsIndexer && property.Parent is IAssignmentOperation assignment && assignment.Target == property);
                case IInvocationOperation invocation when invocation.Instance == use:
                    return invocation.TargetMethod.Name is "TryGetValue" or "ContainsKey" or "ContainsValue" or "Contains" or "IndexOf" or "ToArray" or "GetEnumerator";
                case IArgumentOperation { Parent: IInvocationOperation call }:
                    return KnownTypes.Is(call.TargetMethod.ContainingType, types.Enumerable);
                case IForEachLoopOperation loop:
                    return loop.Collection == use;
                default:
                    return false;
            }
        }
    }
}
