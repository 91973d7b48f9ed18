using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;
using Steadfast.Analyzers.Internal;

namespace Steadfast.Analyzers.Rules.SF2001
{
    /// <summary>
    /// A request to the application itself: the call's URL is one of the application's own routes, made by ASP.NET Core's
    /// <c>IUrlHelper</c> (<c>Url.Action(…)</c>, <c>Url.RouteUrl(…)</c>, <c>Url.Page(…)</c>, <c>Url.Link(…)</c>), directly,
    /// through locals, or as the leading part of what is sent (<c>new Uri(path)</c>, <c>$"{path}?x=1"</c>, <c>path + "?x=1"</c>,
    /// or a helper whose first string argument it is, such as one that makes it absolute on the current request). Its
    /// failure is the application's own, not a remote service's passing one. A route URL that only rides along (a callback
    /// URL in a remote service's query, <c>$"https://api.example.com/?cb={path}"</c>) does not count. A route call that
    /// does not bind only because an argument's type is missing (a package not restored, round 6's NFC controller) still
    /// counts when every candidate method is a route method: its result is our URL whatever that argument is.
    /// </summary>
    internal static class OwnRoute
    {
        private const int MaxDepth = 4;

        public static bool IsRequestToSelf(IInvocationOperation call, SF2001Symbols types)
        {
            if (types.UrlHelper is null)
            {
                return false; // not an ASP.NET Core MVC compilation
            }

            foreach (var argument in call.Arguments)
            {
                if (argument.Parameter?.Name == "requestUri")
                {
                    return IsOwnRoute(argument.Value, types, 0);
                }
            }

            return false;
        }

        private static bool IsOwnRoute(IOperation value, SF2001Symbols types, int depth)
        {
            if (depth > MaxDepth)
            {
                return false;
            }

            switch (OperationHelpers.SkipConversions(value))
            {
                case IInvocationOperation invocation:
                    var method = invocation.TargetMethod.ReducedFrom ?? invocation.TargetMethod;
                    if (IsRouteMethod(method, types))
                    {
                        return method.ReturnType.SpecialType == SpecialType.System_String;
                    }

                    return FirstString(invocation.Arguments) is { } leading && IsOwnRoute(leading, types, depth + 1);
                case IInvalidOperation { Syntax: var syntax } invalid when invalid.SemanticModel is { } model:
                    // A route call that does not bind because an argument's type is missing (a package not restored):
                    // every candidate is a route method, so the URL is one of ours whatever the argument's type.
                    var candidates = model.GetSymbolInfo(syntax).CandidateSymbols;
                    foreach (var candidate in candidates)
                    {
                        var candidateMethod = candidate as IMethodSymbol;
                        var definition = candidateMethod?.ReducedFrom ?? candidateMethod;
                        if (definition is null || definition.ReturnType.SpecialType != SpecialType.System_String || !IsRouteMethod(definition, types))
                        {
                            return false;
                        }
                    }

                    return candidates.Length > 0;
                case IObjectCreationOperation creation:
                    return FirstString(creation.Arguments) is { } path && IsOwnRoute(path, types, depth + 1); // new Uri(path)
                case IInterpolatedStringOperation { Parts.Length: > 0 } interpolated:
                    return interpolated.Parts[0] is IInterpolationOperation first && IsOwnRoute(first.Expression, types, depth + 1);
                case IBinaryOperation { OperatorKind: BinaryOperatorKind.Add } concatenation:
                    return IsOwnRoute(concatenation.LeftOperand, types, depth + 1);
                case ILocalReferenceOperation local:
                    var values = OriginResolver.ValuesOfLocal(local);
                    foreach (var assigned in values)
                    {
                        if (!IsOwnRoute(assigned, types, depth + 1))
                        {
                            return false;
                        }
                    }

                    return values.Count > 0;
                default:
                    return false;
            }
        }

        /// <summary>
        /// A method of <c>IUrlHelper</c>, or an extension method of it (<c>UrlHelperExtensions.Action(this IUrlHelper, …)</c>,
        /// or an application's own): by the <c>this</c> parameter's type, since an application may declare a class of
        /// the same full name (btcpayserver's <c>Microsoft.AspNetCore.Mvc.UrlHelperExtensions</c>), which then shadows
        /// ASP.NET Core's for a look-up by metadata name.
        /// </summary>
        private static bool IsRouteMethod(IMethodSymbol method, SF2001Symbols types) =>
            KnownTypes.Is(method.ContainingType, types.UrlHelper) || KnownTypes.Is(method.ContainingType, types.UrlHelperExtensions) ||
            (method.IsExtensionMethod && method.Parameters.Length > 0 && KnownTypes.Is(method.Parameters[0].Type, types.UrlHelper));

        /// <summary>The first argument of type <c>string</c> (an extension's receiver of another type is passed over).</summary>
        private static IOperation? FirstString(System.Collections.Immutable.ImmutableArray<IArgumentOperation> arguments)
        {
            foreach (var argument in arguments)
            {
                if (argument.Parameter?.Type.SpecialType == SpecialType.System_String)
                {
                    return argument.IsImplicit ? null : argument.Value;
                }
            }

            return null;
        }
    }
}
