using System.Collections.Generic;
using System.Collections.Immutable;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;
using Steadfast.Analyzers.Internal;

namespace Steadfast.Analyzers.Rules.SF2001
{
    /// <summary>What a registration's builder adds, as far as the code shows.</summary>
    internal enum RegistrationVerdict
    {
        /// <summary>A resilience handler is added (or every factory client gets one).</summary>
        Resilient,

        /// <summary>Only calls known to add no retries: SF2001 reports the registration.</summary>
        NotResilient,

        /// <summary>The builder escapes (returned, passed on, stored) or meets a method of unknown effect: not judged.</summary>
        Unknown,
    }

    /// <summary>
    /// Recognises resilience by symbol: the builder methods of Microsoft.Extensions.Http.Resilience
    /// (<c>AddStandardResilienceHandler</c>, <c>AddStandardHedgingHandler</c>, <c>AddResilienceHandler</c>),
    /// Microsoft.Extensions.Http.Polly (<c>AddPolicyHandler</c>, …) and Steadfast (<c>AddSteadfastRetry</c>), and the
    /// handlers that retry (<c>ResilientHttpHandler</c>, <c>ResilienceHandler</c>, <c>PolicyHttpMessageHandler</c>, and
    /// the types named in <c>SF2001.resilient_handler_types</c>).
    /// </summary>
    internal sealed class ResilienceRecognizer
    {
        private readonly SF2001Symbols _types;
        private readonly ImmutableHashSet<string> _extraHandlerNames;

        public ResilienceRecognizer(SF2001Symbols types, ImmutableHashSet<string> extraHandlerNames)
        {
            _types = types;
            _extraHandlerNames = extraHandlerNames;
        }

        /// <summary>A handler type that retries, or derives from one.</summary>
        public bool IsResilientHandler(ITypeSymbol? type)
        {
            for (var t = type; t is not null; t = t.BaseType)
            {
                if (KnownTypes.Is(t, _types.SteadfastResilientHttpHandler) || KnownTypes.Is(t, _types.ResilienceHandler) || KnownTypes.Is(t, _types.PolicyHttpMessageHandler) ||
                    _extraHandlerNames.Contains(SymbolNames.QualifiedTypeName(t)) || _extraHandlerNames.Contains(t.Name))
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>A call on an <c>IHttpClientBuilder</c> that adds retries.</summary>
        public bool AddsResilience(IInvocationOperation call)
        {
            var method = call.TargetMethod.ReducedFrom ?? call.TargetMethod;
            var type = method.ContainingType;
            if (KnownTypes.Is(type, _types.ResilienceHttpClientBuilderExtensions) ||
                KnownTypes.Is(type, _types.PollyHttpClientBuilderExtensions) ||
                KnownTypes.Is(type, _types.SteadfastResilientHttpClientBuilderExtensions))
            {
                return true;
            }

            if (!KnownTypes.Is(type, _types.HttpClientBuilderExtensions) || method.Name != "AddHttpMessageHandler")
            {
                return false;
            }

            // AddHttpMessageHandler<ResilientHttpHandler>() or AddHttpMessageHandler(() => new ResilientHttpHandler(...))
            foreach (var typeArgument in call.TargetMethod.TypeArguments)
            {
                if (IsResilientHandler(typeArgument))
                {
                    return true;
                }
            }

            foreach (var argument in call.Arguments)
            {
                foreach (var created in argument.Value.DescendantsAndSelf())
                {
                    if (created is IObjectCreationOperation { Type: var made } && IsResilientHandler(made))
                    {
                        return true;
                    }
                }
            }

            return false;
        }

        /// <summary>A builder call known to add nothing that retries (Microsoft.Extensions.Http's own configuration methods).</summary>
        public bool IsNeutral(IInvocationOperation call)
        {
            var method = call.TargetMethod.ReducedFrom ?? call.TargetMethod;
            return KnownTypes.Is(method.ContainingType, _types.HttpClientBuilderExtensions) ||
                   KnownTypes.Is(method.ContainingType, _types.HttpClientFactoryServiceCollectionExtensions);
        }

        /// <summary>An <c>AddHttpClient</c> overload that registers a client and returns its builder (not the one that only adds the factory).</summary>
        public bool IsRegistration(IInvocationOperation call)
        {
            var method = call.TargetMethod.ReducedFrom ?? call.TargetMethod;
            return method.Name == "AddHttpClient" &&
                   KnownTypes.Is(method.ContainingType, _types.HttpClientFactoryServiceCollectionExtensions) &&
                   KnownTypes.Is(call.TargetMethod.ReturnType, _types.HttpClientBuilder);
        }

        public bool IsDefaultsConfiguration(IInvocationOperation call)
        {
            var method = call.TargetMethod.ReducedFrom ?? call.TargetMethod;
            return method.Name == "ConfigureHttpClientDefaults" && KnownTypes.Is(method.ContainingType, _types.HttpClientFactoryServiceCollectionExtensions);
        }

        /// <summary>
        /// A registration that configures its client with no timeout (<c>c.Timeout = Timeout.InfiniteTimeSpan</c>, in its own
        /// configure lambda or a chained <c>ConfigureHttpClient</c>): a client made for requests that stay open (long
        /// polling, streams, server-sent events), whose users reconnect. A resilience pipeline's attempt and total timeouts
        /// would cut those requests, so the registration is not asked for one.
        /// </summary>
        public bool HasNoTimeout(IInvocationOperation registration)
        {
            IOperation end = registration;
            while (true)
            {
                if (end is IInvocationOperation call)
                {
                    foreach (var argument in call.Arguments)
                    {
                        foreach (var op in argument.Value.DescendantsAndSelf())
                        {
                            if (op is ISimpleAssignmentOperation { Target: IPropertyReferenceOperation { Property: { Name: "Timeout" } timeout } } assignment &&
                                KnownTypes.Is(timeout.ContainingType, _types.HttpClient) &&
                                OperationHelpers.SkipConversions(assignment.Value) is IFieldReferenceOperation { Field: { Name: "InfiniteTimeSpan" } field } &&
                                KnownTypes.Is(field.ContainingType, _types.Timeout))
                            {
                                return true;
                            }
                        }
                    }
                }

                if (end.Parent is IArgumentOperation { Parent: IInvocationOperation next } argumentOf && argumentOf.Parameter?.Ordinal == 0 &&
                    next.TargetMethod.IsExtensionMethod && KnownTypes.Is(next.Type, _types.HttpClientBuilder))
                {
                    end = next;
                    continue;
                }

                return false;
            }
        }

        /// <summary>
        /// Follows a registration's builder: the fluent chain after it, and a local it is stored in (its uses in the same
        /// body). Any resilience call decides; a builder that escapes, or a call of unknown effect, leaves it unjudged.
        /// </summary>
        public RegistrationVerdict Judge(IInvocationOperation registration)
        {
            var verdict = RegistrationVerdict.NotResilient;
            var pending = new Stack<IOperation>();
            pending.Push(registration);
            var seenLocals = new HashSet<ILocalSymbol>(SymbolEqualityComparer.Default);
            while (pending.Count > 0)
            {
                var builder = pending.Pop();
                var end = builder;

                // The fluent chain: builder.M1().M2()… (extension calls take the builder as their first argument).
                while (end.Parent is IArgumentOperation { Parent: IInvocationOperation next } argument &&
                       argument.Parameter?.Ordinal == 0 && next.TargetMethod.IsExtensionMethod)
                {
                    if (AddsResilience(next))
                    {
                        return RegistrationVerdict.Resilient;
                    }

                    if (!IsNeutral(next))
                    {
                        verdict = RegistrationVerdict.Unknown;
                    }

                    if (!KnownTypes.Is(next.Type, _types.HttpClientBuilder))
                    {
                        break; // the chain leaves the builder (e.g. .Services): nothing more to follow
                    }

                    end = next;
                }

                switch (OperationHelpers.OutermostConversion(end).Parent)
                {
                    case IExpressionStatementOperation:
                    case IPropertyReferenceOperation:
                    case ISimpleAssignmentOperation { Target: IDiscardOperation }:
                        break;
                    case IInvocationOperation:
                        break; // the chain ended on a call that does not return the builder
                    case IVariableInitializerOperation { Parent: IVariableDeclaratorOperation { Symbol: var local } } when seenLocals.Add(local):
                        foreach (var use in OperationHelpers.Root(end).Descendants())
                        {
                            if (use is ILocalReferenceOperation reference && SymbolEqualityComparer.Default.Equals(reference.Local, local))
                            {
                                pending.Push(reference);
                            }
                        }

                        break;
                    default:
                        verdict = RegistrationVerdict.Unknown; // returned, passed on, stored: another place may add retries
                        break;
                }
            }

            return verdict;
        }
    }

    /// <summary>
    /// The compilation's <c>IHttpClientFactory</c> registrations, for calls on factory clients: which typed and named
    /// clients are registered here at all (their registration carries SF2001 when it adds no resilience, so their calls do
    /// not), and whether <c>ConfigureHttpClientDefaults</c> makes every factory client resilient.
    /// </summary>
    /// <remarks>
    /// A call's client and its registration are usually in different files, and the IDE analyses one file at a time, so
    /// this is a compilation-wide fact: computed once per compilation, on first need. The candidates are the invocations
    /// the shared <see cref="SyntaxIndex"/> (one walk of the compilation's syntax, shared with SF4001, SF4002 and SF6001)
    /// keeps under the simple names <c>AddHttpClient</c> and <c>ConfigureHttpClientDefaults</c>; each is confirmed by
    /// symbol: the invocation is bound speculatively at its own position (the invocation alone, not the method around
    /// it) and its method must be one of <c>HttpClientFactoryServiceCollectionExtensions</c>'s. Binding the start-up
    /// methods that hold the registrations was this rule's main cost on real code (round 4 in docs/precision.md); a
    /// speculative binding of the invocation costs what binding its receiver and arguments costs. Only a
    /// <c>ConfigureHttpClientDefaults</c> (rare) is bound in full, to judge what its lambda adds. Options
    /// (<c>SF2001.resilient_handler_types</c>) are read for the tree each registration is in.
    /// </remarks>
    internal sealed class HttpRegistrations
    {
        private readonly HashSet<ITypeSymbol> _typed;
        private readonly HashSet<string> _named;

        private HttpRegistrations(bool defaultsResilient, HashSet<ITypeSymbol> typed, HashSet<string> named)
        {
            DefaultsResilient = defaultsResilient;
            _typed = typed;
            _named = named;
        }

        /// <summary>True when <c>ConfigureHttpClientDefaults</c> adds resilience to every factory client.</summary>
        public bool DefaultsResilient { get; }

        /// <summary>True when an <c>AddHttpClient</c> registration for this typed client (or an interface it implements) is in the compilation.</summary>
        public bool IsTypedRegistered(INamedTypeSymbol type)
        {
            if (_typed.Contains(type.OriginalDefinition))
            {
                return true;
            }

            foreach (var implemented in type.AllInterfaces)
            {
                if (_typed.Contains(implemented.OriginalDefinition))
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>True when an <c>AddHttpClient</c> registration for this name key is in the compilation.</summary>
        public bool IsNamedRegistered(string key) => _named.Contains(key);

        /// <summary>
        /// The key a client name is compared by: the string value of a constant (a literal, a const, <c>nameof</c>), else
        /// the field or property it reads; null when neither (the name is not known here).
        /// </summary>
        public static string? NameKey(IOperation name) =>
            OperationHelpers.SkipConversions(name) switch
            {
                { ConstantValue: { HasValue: true, Value: string constant } } => constant,
                IFieldReferenceOperation field => "field:" + field.Field.OriginalDefinition.ToDisplayString(),
                IPropertyReferenceOperation property => "property:" + property.Property.OriginalDefinition.ToDisplayString(),
                _ => null,
            };

        public static HttpRegistrations Scan(Compilation compilation, SF2001Symbols types, AnalyzerOptions options, CancellationToken cancellationToken)
        {
            var defaults = false;
            var typed = new HashSet<ITypeSymbol>(SymbolEqualityComparer.Default);
            var named = new HashSet<string>();
            var extensions = types.HttpClientFactoryServiceCollectionExtensions;
            if (extensions is null)
            {
                return new HttpRegistrations(defaults, typed, named);
            }

            var index = SyntaxIndex.Get(compilation, cancellationToken);
            var models = new Dictionary<SyntaxTree, SemanticModel>();
            foreach (var candidate in index.Invocations("AddHttpClient"))
            {
                cancellationToken.ThrowIfCancellationRequested();
                var model = ModelOf(compilation, candidate.SyntaxTree, models);
                if (BoundMethod(model, candidate, extensions, cancellationToken) is { } method)
                {
                    AddKeys(model, candidate, method, typed, named);
                }
            }

            foreach (var candidate in index.Invocations("ConfigureHttpClientDefaults"))
            {
                cancellationToken.ThrowIfCancellationRequested();
                var tree = candidate.SyntaxTree;
                var model = ModelOf(compilation, tree, models);

                // Factory-wide defaults: rare, so bound in full and judged by symbol like a registration.
                var recognizer = new ResilienceRecognizer(types, SF2001HttpCallWithoutRetryAnalyzer.Options.Get(options, tree).HandlerNames);
                if (model.GetOperation(candidate, cancellationToken) is IInvocationOperation call && recognizer.IsDefaultsConfiguration(call))
                {
                    foreach (var inner in call.Descendants())
                    {
                        if (inner is IInvocationOperation configured && recognizer.AddsResilience(configured))
                        {
                            defaults = true;
                            break;
                        }
                    }
                }
            }

            return new HttpRegistrations(defaults, typed, named);
        }

        private static SemanticModel ModelOf(Compilation compilation, SyntaxTree tree, Dictionary<SyntaxTree, SemanticModel> models)
        {
            if (!models.TryGetValue(tree, out var model))
            {
#pragma warning disable RS1030 // A compilation-wide fact, computed once and only for the trees that hold a candidate registration (see remarks).
                models[tree] = model = compilation.GetSemanticModel(tree);
#pragma warning restore RS1030
            }

            return model;
        }

        /// <summary>
        /// The <c>AddHttpClient</c> overload an invocation calls, when it is one of
        /// <c>HttpClientFactoryServiceCollectionExtensions</c>'s (as an extension or as a static call); null for a
        /// look-alike of another type, or a call that does not bind (broken code, a missing reference).
        /// </summary>
        private static IMethodSymbol? BoundMethod(SemanticModel model, InvocationExpressionSyntax candidate, INamedTypeSymbol extensions, CancellationToken cancellationToken)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var symbol = model.GetSpeculativeSymbolInfo(candidate.SpanStart, candidate, SpeculativeBindingOption.BindAsExpression).Symbol as IMethodSymbol;
            var definition = symbol?.ReducedFrom ?? symbol;
            return definition is not null && definition.Name == "AddHttpClient" && KnownTypes.Is(definition.ContainingType, extensions) ? symbol : null;
        }

        /// <summary>
        /// <c>AddHttpClient&lt;TClient[, TImplementation]&gt;(…)</c> registers typed clients (read from the bound method's
        /// type arguments); a name argument (a string constant, <c>nameof</c>, or a string field or property) a named one,
        /// found by the bound method's <c>name</c> parameter and bound speculatively alone.
        /// </summary>
        private static void AddKeys(SemanticModel model, InvocationExpressionSyntax registration, IMethodSymbol method, HashSet<ITypeSymbol> typed, HashSet<string> named)
        {
            foreach (var typeArgument in method.TypeArguments)
            {
                if (typeArgument is not IErrorTypeSymbol and not ITypeParameterSymbol)
                {
                    typed.Add(typeArgument.OriginalDefinition);
                }
            }

            var definition = method.ReducedFrom ?? method;
            var nameParameter = -1;
            foreach (var parameter in definition.Parameters)
            {
                if (parameter.Name == "name" && parameter.Type.SpecialType == SpecialType.System_String)
                {
                    nameParameter = parameter.Ordinal;
                }
            }

            if (nameParameter < 0)
            {
                return;
            }

            // Positional arguments map to the definition's parameters after the services when called as an extension.
            var offset = method.ReducedFrom is not null ? 1 : 0;
            var arguments = registration.ArgumentList.Arguments;
            ArgumentSyntax? nameArgument = null;
            for (var i = 0; i < arguments.Count; i++)
            {
                var argument = arguments[i];
                if (argument.NameColon is { } nameColon)
                {
                    if (nameColon.Name.Identifier.ValueText == "name")
                    {
                        nameArgument = argument;
                    }
                }
                else if (i + offset == nameParameter)
                {
                    nameArgument = argument;
                }
            }

            if (nameArgument is not null && SpeculativeNameKey(model, registration.SpanStart, nameArgument.Expression) is { } key)
            {
                named.Add(key);
            }
        }

        /// <summary>The name key (see <see cref="NameKey"/>) of a registration's name argument, bound speculatively; null for a lambda or anything else.</summary>
        private static string? SpeculativeNameKey(SemanticModel model, int position, ExpressionSyntax name)
        {
            switch (name)
            {
                case LiteralExpressionSyntax { Token.Value: string literal }:
                    return literal;
                case InvocationExpressionSyntax { Expression: IdentifierNameSyntax { Identifier.ValueText: "nameof" }, ArgumentList.Arguments: { Count: 1 } nameofArguments }:
                    return nameofArguments[0].Expression switch
                    {
                        SimpleNameSyntax simple => simple.Identifier.ValueText,
                        MemberAccessExpressionSyntax access => access.Name.Identifier.ValueText,
                        _ => null,
                    };
                case IdentifierNameSyntax or MemberAccessExpressionSyntax:
                    var symbol = model.GetSpeculativeSymbolInfo(position, name, SpeculativeBindingOption.BindAsExpression).Symbol;
                    return symbol switch
                    {
                        IFieldSymbol { HasConstantValue: true, ConstantValue: string constant } => constant,
                        IFieldSymbol { Type.SpecialType: SpecialType.System_String } field => "field:" + field.OriginalDefinition.ToDisplayString(),
                        IPropertySymbol { Type.SpecialType: SpecialType.System_String } property => "property:" + property.OriginalDefinition.ToDisplayString(),
                        _ => null,
                    };
                default:
                    return null;
            }
        }
    }
}
