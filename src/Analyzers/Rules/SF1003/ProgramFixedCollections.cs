using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;
using Steadfast.Analyzers.Internal;

namespace Steadfast.Analyzers.Rules.SF1003
{
    /// <summary>
    /// Collections whose size the program sets, not its input: services injected as a collection (a constructor
    /// parameter of services, a <c>[FromServices]</c> parameter, a readonly field or get-only property a constructor
    /// assigns from one), the values of an enum, and what an <c>IOptions&lt;T&gt;</c> value holds.
    /// </summary>
    internal static class ProgramFixedCollections
    {
        /// <summary>True when <paramref name="source"/> (conversions skipped) is one of the collections the program fixes.</summary>
        public static bool IsProgramFixed(IOperation source)
        {
            switch (source)
            {
                case IInvocationOperation { TargetMethod: { Name: "GetValues" or "GetNames" or "GetValuesAsUnderlyingType", ContainingType.SpecialType: SpecialType.System_Enum } }:
                    return true;
                case IInvocationOperation { TargetMethod: { Name: "Empty", ContainingType.SpecialType: SpecialType.System_Array } }:
                    return true;
                case IParameterReferenceOperation { Parameter: var parameter }:
                    return IsInjected(parameter);
                case IFieldReferenceOperation { Field: var field }:
                    return AssignedFromInjected(field) || FromOptions(source);
                case IPropertyReferenceOperation { Property: var property }:
                    return AssignedFromInjected(property) || FromOptions(source);
                default:
                    return false;
            }
        }

        /// <summary>A <c>[FromServices]</c> collection parameter, or a constructor parameter that is a collection of services.</summary>
        private static bool IsInjected(IParameterSymbol parameter)
        {
            if (ElementType(parameter.Type) is not { } element)
            {
                return false;
            }

            foreach (var attribute in parameter.GetAttributes())
            {
                if (attribute.AttributeClass?.Name == "FromServicesAttribute")
                {
                    return true;
                }
            }

            return parameter.ContainingSymbol is IMethodSymbol { MethodKind: MethodKind.Constructor } && (IsService(element) || IsUnresolved(element));
        }

        /// <summary>A service type: an interface or an abstract class (what a container registers several implementations of).</summary>
        private static bool IsService(ITypeSymbol element) =>
            element.TypeKind == TypeKind.Interface || (element.TypeKind == TypeKind.Class && element.IsAbstract);

        /// <summary>
        /// An element type the compilation cannot resolve (a package not restored): whether the constructor receives
        /// services or data cannot be told, and the rule never reports on the strength of a type it cannot resolve.
        /// </summary>
        private static bool IsUnresolved(ITypeSymbol element) => element.TypeKind == TypeKind.Error;

        /// <summary>The element type of an array, <c>IEnumerable&lt;T&gt;</c>, <c>IReadOnlyList&lt;T&gt;</c> or <c>IReadOnlyCollection&lt;T&gt;</c>; else null.</summary>
        private static ITypeSymbol? ElementType(ITypeSymbol type)
        {
            if (type is IArrayTypeSymbol { Rank: 1 } array)
            {
                return array.ElementType;
            }

            if (type is INamedTypeSymbol { TypeArguments.Length: 1 } named)
            {
                switch (named.OriginalDefinition.SpecialType)
                {
                    case SpecialType.System_Collections_Generic_IEnumerable_T:
                    case SpecialType.System_Collections_Generic_IReadOnlyList_T:
                    case SpecialType.System_Collections_Generic_IReadOnlyCollection_T:
                        return named.TypeArguments[0];
                }
            }

            return null;
        }

        /// <summary>
        /// A readonly instance field or get-only instance property of a source type that its constructors assign only from
        /// an injected collection of services (<c>_handlers = handlers</c>, <c>handlers.ToArray()</c>,
        /// <c>handlers as IHandler[] ?? handlers.ToArray()</c>, <c>handlers ?? throw …</c>), or that a primary constructor's
        /// parameter of services initializes.
        /// </summary>
        private static bool AssignedFromInjected(ISymbol member)
        {
            if (member.IsStatic || member.ContainingType is not { } type || ElementType(member is IFieldSymbol f ? f.Type : ((IPropertySymbol)member).Type) is null)
            {
                return false;
            }

            if (member is IFieldSymbol { IsReadOnly: false } || member is IPropertySymbol { SetMethod: not null })
            {
                return false;
            }

            var assigned = false;
            foreach (var constructor in type.InstanceConstructors)
            {
                foreach (var reference in constructor.DeclaringSyntaxReferences)
                {
                    switch (reference.GetSyntax())
                    {
                        case ConstructorDeclarationSyntax declaration:
                            foreach (var node in declaration.DescendantNodes())
                            {
                                if (node is AssignmentExpressionSyntax assignment && Names(assignment.Left, member.Name))
                                {
                                    if (!FromParameter(assignment.Right, constructor))
                                    {
                                        return false;
                                    }

                                    assigned = true;
                                }
                            }

                            break;
                        case TypeDeclarationSyntax: // a primary constructor: the member's initializer
                            foreach (var memberReference in member.DeclaringSyntaxReferences)
                            {
                                var initializer = memberReference.GetSyntax() switch
                                {
                                    VariableDeclaratorSyntax { Initializer: { } value } => value.Value,
                                    PropertyDeclarationSyntax { Initializer: { } value } => value.Value,
                                    _ => null,
                                };
                                if (initializer is not null)
                                {
                                    if (!FromParameter(initializer, constructor))
                                    {
                                        return false;
                                    }

                                    assigned = true;
                                }
                            }

                            break;
                    }
                }
            }

            return assigned;
        }

        private static bool Names(ExpressionSyntax target, string name) => target switch
        {
            IdentifierNameSyntax identifier => identifier.Identifier.ValueText == name,
            MemberAccessExpressionSyntax { Expression: ThisExpressionSyntax, Name: var member } => member.Identifier.ValueText == name,
            _ => false,
        };

        /// <summary>The value is a constructor parameter of services, as is, materialized, cast, or null-checked.</summary>
        private static bool FromParameter(ExpressionSyntax value, IMethodSymbol constructor)
        {
            switch (value)
            {
                case ParenthesizedExpressionSyntax parenthesized:
                    return FromParameter(parenthesized.Expression, constructor);
                case CastExpressionSyntax cast:
                    return FromParameter(cast.Expression, constructor);
                case IdentifierNameSyntax identifier:
                    foreach (var parameter in constructor.Parameters)
                    {
                        if (parameter.Name == identifier.Identifier.ValueText)
                        {
                            return IsInjected(parameter);
                        }
                    }

                    return false;
                case BinaryExpressionSyntax binary when binary.IsKind(SyntaxKind.AsExpression):
                    return FromParameter(binary.Left, constructor);
                case BinaryExpressionSyntax binary when binary.IsKind(SyntaxKind.CoalesceExpression):
                    return FromParameter(binary.Left, constructor) && (binary.Right is ThrowExpressionSyntax || FromParameter(binary.Right, constructor));
                case InvocationExpressionSyntax { ArgumentList.Arguments.Count: 0, Expression: MemberAccessExpressionSyntax access }
                    when access.Name.Identifier.ValueText is "ToArray" or "ToList" or "ToImmutableArray" or "ToImmutableList" or "AsEnumerable" or "ToFrozenSet":
                    return FromParameter(access.Expression, constructor);
                default:
                    return false;
            }
        }

        /// <summary>A member reached through <c>IOptions&lt;T&gt;.Value</c>, <c>IOptionsSnapshot&lt;T&gt;.Value</c> or <c>IOptionsMonitor&lt;T&gt;.CurrentValue</c>: configuration, set at start-up.</summary>
        private static bool FromOptions(IOperation source)
        {
            var current = source;
            for (var depth = 0; depth < 8; depth++)
            {
                IOperation? instance;
                switch (current)
                {
                    case IPropertyReferenceOperation { Property: { Name: "Value" or "CurrentValue", ContainingType: { Name: "IOptions" or "IOptionsSnapshot" or "IOptionsMonitor" } options } }
                        when options.ContainingNamespace?.ToDisplayString() == "Microsoft.Extensions.Options":
                        return true;
                    case IPropertyReferenceOperation property:
                        instance = property.Instance;
                        break;
                    case IFieldReferenceOperation field:
                        instance = field.Instance;
                        break;
                    default:
                        return false;
                }

                if (instance is null)
                {
                    return false;
                }

                current = OperationHelpers.SkipConversions(instance);
            }

            return false;
        }
    }
}
