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
    /// this is a compilation-wide fact: computed once per compilation, on first need. It costs a search of each file's text
    /// (already in memory) for <c>AddHttpClient</c> or <c>ConfigureHttpClientDefaults</c>, a walk of the syntax of the few
    /// files that hold one, and a speculative binding of each registration's type arguments and name (see
    /// <see cref="AddKeys"/>); only a <c>ConfigureHttpClientDefaults</c> is bound in full and confirmed by symbol. Binding
    /// the start-up methods that hold the registrations was this rule's main cost on real code (round 4 in
    /// docs/precision.md). Options (<c>SF2001.resilient_handler_types</c>) are read for the tree each registration is in.
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
            if (types.HttpClientFactoryServiceCollectionExtensions is null)
            {
                return new HttpRegistrations(defaults, typed, named);
            }

            foreach (var tree in compilation.SyntaxTrees)
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (!Mentions(tree, cancellationToken))
                {
                    continue; // neither name occurs in the file: no registration can be in it
                }

                SemanticModel? model = null;
                ResilienceRecognizer? recognizer = null;
                foreach (var node in tree.GetRoot(cancellationToken).DescendantNodes())
                {
                    if (node is not InvocationExpressionSyntax candidate || NameOf(candidate) is not ({ } name and ("AddHttpClient" or "ConfigureHttpClientDefaults")))
                    {
                        continue;
                    }

#pragma warning disable RS1030 // A compilation-wide fact, computed once and only for the trees that register clients (see remarks).
                    model ??= compilation.GetSemanticModel(tree);
#pragma warning restore RS1030
                    if (name == "AddHttpClient")
                    {
                        AddKeys(model, candidate, typed, named, cancellationToken);
                        continue;
                    }

                    // Factory-wide defaults: rare, so bound in full and judged by symbol like a registration.
                    recognizer ??= new ResilienceRecognizer(types, SF2001HttpCallWithoutRetryAnalyzer.Options.Get(options, tree).HandlerNames);
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
            }

            return new HttpRegistrations(defaults, typed, named);
        }

        /// <summary>
        /// Whether the tree's text holds either name at all: a string search of text already in memory, far cheaper than a
        /// walk of the tree's nodes; the nodes, then the symbols, decide for the few files that do. (An identifier spelled
        /// with Unicode escapes would be missed; the registration is then treated as elsewhere, as one in another project.)
        /// </summary>
        private static bool Mentions(SyntaxTree tree, CancellationToken cancellationToken)
        {
            var text = tree.GetText(cancellationToken).ToString();
            return text.IndexOf("AddHttpClient", System.StringComparison.Ordinal) >= 0 || text.IndexOf("ConfigureHttpClientDefaults", System.StringComparison.Ordinal) >= 0;
        }

        /// <summary>
        /// <c>AddHttpClient&lt;TClient[, TImplementation]&gt;(…)</c> registers typed clients; a name argument (a string
        /// constant, <c>nameof</c>, or a string field or property) a named one. Read without binding the method around
        /// the registration (a start-up method that registers a whole application can be thousands of lines, and binding
        /// it here would be this rule's cost): the type arguments and the name are bound speculatively at the call, each
        /// alone. The called method is known by its name only here; a look-alike of your own would count as a
        /// registration, which only keeps calls on its client from being reported (the registrations themselves are
        /// reported by symbol, see <see cref="ResilienceRecognizer.IsRegistration"/>).
        /// </summary>
        private static void AddKeys(SemanticModel model, InvocationExpressionSyntax registration, HashSet<ITypeSymbol> typed, HashSet<string> named, CancellationToken cancellationToken)
        {
            var position = registration.SpanStart;
            var method = registration.Expression switch
            {
                MemberAccessExpressionSyntax access => access.Name,
                SimpleNameSyntax simple => simple,
                _ => null,
            };
            if (method is GenericNameSyntax generic)
            {
                foreach (var typeArgument in generic.TypeArgumentList.Arguments)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    if (model.GetSpeculativeSymbolInfo(position, typeArgument, SpeculativeBindingOption.BindAsTypeOrNamespace).Symbol is ITypeSymbol type and not IErrorTypeSymbol)
                    {
                        typed.Add(type.OriginalDefinition);
                    }
                }
            }

            var arguments = registration.ArgumentList.Arguments;
            ArgumentSyntax? nameArgument = null;
            foreach (var argument in arguments)
            {
                if (argument.NameColon?.Name.Identifier.ValueText == "name")
                {
                    nameArgument = argument;
                }
            }

            // The name comes first (after the services, for the extension called as a static method).
            var first = registration.Expression is MemberAccessExpressionSyntax ? 0 : 1;
            if (nameArgument is null && arguments.Count > first && arguments[first].NameColon is null)
            {
                nameArgument = arguments[first];
            }

            if (nameArgument is not null && SpeculativeNameKey(model, position, nameArgument.Expression) is { } key)
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

        private static string? NameOf(InvocationExpressionSyntax invocation) => invocation.Expression switch
        {
            MemberAccessExpressionSyntax access => access.Name.Identifier.ValueText,
            SimpleNameSyntax simple => simple.Identifier.ValueText,
            _ => null,
        };
    }
}
