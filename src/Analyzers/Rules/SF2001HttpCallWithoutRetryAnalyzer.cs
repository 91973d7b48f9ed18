using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;
using Steadfast.Analyzers.Internal;
using Steadfast.Analyzers.Rules.SF2001;

namespace Steadfast.Analyzers.Rules
{
    /// <summary>
    /// SF2001: an <c>HttpClient</c> call (or a <c>System.Net.Http.Json</c> extension) on a client that is not known to
    /// retry, outside any retry; and an <c>IHttpClientFactory</c> registration (<c>AddHttpClient</c>) that adds no
    /// resilience. One warning per mistake: a call on a typed or named client whose registration is in the compilation is
    /// not reported (its registration is, when it lacks resilience). Calls are judged per type (symbol start/end) so that
    /// a field's creation anywhere in the type is seen; which clients are registered is read once per compilation, and
    /// only when a call or a registration needs it (<see cref="HttpRegistrations"/>).
    /// </summary>
    [DiagnosticAnalyzer(LanguageNames.CSharp)]
    public sealed class SF2001HttpCallWithoutRetryAnalyzer : DiagnosticAnalyzer
    {
        /// <summary>Option: more handler types that retry (full or simple names), e.g. your own <c>RetryHandler</c>.</summary>
        internal static readonly OptionDefinition<ImmutableHashSet<string>> ResilientHandlerTypes = OptionDefinition.List(
            "SF2001.resilient_handler_types",
            "Handler types (full or simple names) that retry, for `new HttpClient(new MyRetryHandler())` and `AddHttpMessageHandler<MyRetryHandler>()`.");

        /// <summary>Option: more methods whose lambda argument runs with retries (<c>Namespace.Type.Method</c> or <c>Namespace.Type.*</c>).</summary>
        internal static readonly OptionDefinition<ImmutableHashSet<string>> RetryMethods = OptionDefinition.List(
            "SF2001.retry_methods",
            "Methods whose lambda argument already runs with retries: `Namespace.Type.Method` or `Namespace.Type.*`.");

        /// <summary>Option: trust clients from <c>IHttpClientFactory</c> whose registration is in another project.</summary>
        internal static readonly OptionDefinition<bool> TrustFactoryClients = OptionDefinition.Boolean(
            "SF2001.trust_factory_clients",
            "`true` trusts a client from `IHttpClientFactory` (a named client, or a typed client injected into a constructor) whose `AddHttpClient` registration is not in this project: its registration is judged where it is. Registrations in this project are judged here either way.",
            false);

        /// <summary>
        /// Option: trust clients the code is handed (a constructor or method parameter) with no registration for them here:
        /// they are judged where they are made. On by default: on real code, 33 of 53 false positives.
        /// </summary>
        internal static readonly OptionDefinition<bool> TrustInjectedClients = OptionDefinition.Boolean(
            "SF2001.trust_injected_clients",
            "`true` (the default) trusts a client the code is handed: a typed client injected into a constructor whose `AddHttpClient<T>` registration is not in this project, or an `HttpClient` passed to a method whose callers are not all in its type (an SDK's, a public helper's), directly, kept in a field or property, or as `http ?? new HttpClient()`. It is judged where it is made: its registration, its `new HttpClient(...)`. `false` reports each call on it. A registration in this project is judged here either way.",
            true);

        /// <summary>Option: report in test code too (silent there by default).</summary>
        internal static readonly OptionDefinition<bool> IncludeTestCode = OptionDefinition.IncludeTestCode(DiagnosticIds.HttpCallWithoutRetry);

        /// <summary>Diagnostic property: "true" when the client is a <c>new HttpClient(...)</c> the fix can turn into <c>ResilientHttp.CreateClient(...)</c>.</summary>
        public const string NewClientProperty = "NewClient";

        /// <summary>Diagnostic property: "true" on an <c>AddHttpClient</c> registration (the fix adds a resilience handler to it).</summary>
        public const string RegistrationProperty = "Registration";

        private const string CallAdvice = "Retry it with ResilientHttp, or make the client resilient";
        private const string RegistrationAdvice = "Add a resilience handler to the registration";
        private const string UnregisteredAdvice = " is not in this project: add a resilience handler to it there, or retry the call with ResilientHttp";

        internal static readonly ImmutableHashSet<string> ClientMethods = ImmutableHashSet.Create(
            StringComparer.Ordinal, "GetAsync", "PostAsync", "PutAsync", "PatchAsync", "DeleteAsync", "SendAsync", "GetStringAsync", "GetByteArrayAsync", "GetStreamAsync");

        internal static readonly ImmutableHashSet<string> JsonMethods = ImmutableHashSet.Create(
            StringComparer.Ordinal, "GetFromJsonAsync", "PostAsJsonAsync", "PutAsJsonAsync", "PatchAsJsonAsync", "DeleteFromJsonAsync");

        public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(Descriptors.SF2001HttpCallWithoutRetry);

        public override void Initialize(AnalysisContext context)
        {
            context.EnableConcurrentExecution();
            context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
            context.RegisterCompilationStartAction(static start =>
            {
                var types = SF2001Symbols.GetOrCreate(start.Compilation);
                if (types.HttpClient is null || !TestCode.Gate(ref start, IncludeTestCode))
                {
                    return; // no HttpClient, or a test project (see TestCode)
                }

                var compilation = start.Compilation;
                var analyzerOptions = start.Options;
                var registrations = new RetryableLazy<HttpRegistrations>(
                    cancellationToken => HttpRegistrations.Scan(compilation, types, analyzerOptions, cancellationToken));

                if (types.HttpClientFactoryServiceCollectionExtensions is not null && types.HttpClientBuilder is not null)
                {
                    start.RegisterOperationAction(context => OnRegistration(context, types, registrations), OperationKind.Invocation);
                }

                var candidates = new CandidateCalls(start.Compilation);
                start.RegisterSymbolStartAction(
                    symbolStart =>
                    {
                        var type = (INamedTypeSymbol)symbolStart.Symbol;
                        if (!candidates.In(type, symbolStart.CancellationToken))
                        {
                            return; // no call here could be an HttpClient call: nothing to gather or judge in this type
                        }

                        var state = new TypeState(type, types, registrations, compilation);
                        symbolStart.RegisterOperationAction(state.OnInvocation, OperationKind.Invocation);
                        symbolStart.RegisterOperationAction(state.OnMethodReference, OperationKind.MethodReference);
                        symbolStart.RegisterOperationAction(
                            state.OnMemberValue,
                            OperationKind.FieldInitializer,
                            OperationKind.PropertyInitializer,
                            OperationKind.SimpleAssignment,
                            OperationKind.CoalesceAssignment,
                            OperationKind.Return);
                        symbolStart.RegisterSymbolEndAction(state.OnEnd);
                    },
                    SymbolKind.NamedType);
            });
        }

        /// <summary>An <c>AddHttpClient</c> registration whose builder adds no resilience, where the factory's defaults add none either.</summary>
        private static void OnRegistration(OperationAnalysisContext context, SF2001Symbols types, RetryableLazy<HttpRegistrations> registrations)
        {
            var call = (IInvocationOperation)context.Operation;
            if (call.TargetMethod.Name != "AddHttpClient")
            {
                return; // cheap test first: almost every invocation stops here
            }

            var recognizer = new ResilienceRecognizer(types, Options.Get(context.Options, call.Syntax.SyntaxTree).HandlerNames);
            if (!recognizer.IsRegistration(call) || recognizer.Judge(call) != RegistrationVerdict.NotResilient || recognizer.HasNoTimeout(call) ||
                registrations.GetValue(context.CancellationToken).DefaultsResilient || OneShotTool.IsCommandLineTool(context.Compilation, context.CancellationToken))
            {
                return;
            }

            context.ReportDiagnostic(Diagnostic.Create(
                Descriptors.SF2001HttpCallWithoutRetry,
                call.Syntax.GetLocation(),
                ImmutableDictionary<string, string?>.Empty.Add(RegistrationProperty, "true"),
                "Every request of the client registered by '" + DescribeRegistration(call) + "' is",
                RegistrationAdvice));
        }

        /// <summary><c>AddHttpClient&lt;GitHubClient&gt;</c>, <c>AddHttpClient("github")</c>: how the message names a registration.</summary>
        private static string DescribeRegistration(IInvocationOperation call)
        {
            var text = "AddHttpClient";
            if (call.TargetMethod.TypeArguments.Length > 0)
            {
                var names = new List<string>();
                foreach (var typeArgument in call.TargetMethod.TypeArguments)
                {
                    names.Add(typeArgument.Name);
                }

                text += "<" + string.Join(", ", names) + ">";
            }

            foreach (var argument in call.Arguments)
            {
                if (argument.Parameter?.Name == "name" && !argument.IsImplicit && argument.Value.ConstantValue is { HasValue: true, Value: string name })
                {
                    return text + "(\"" + name + "\")";
                }
            }

            return text;
        }

        internal sealed class Options
        {
            private Options(ImmutableHashSet<string> handlerNames, ImmutableHashSet<string> retryMethods, bool trustFactoryClients, bool trustInjectedClients)
            {
                HandlerNames = handlerNames;
                RetryMethods = retryMethods;
                TrustFactoryClients = trustFactoryClients;
                TrustInjectedClients = trustInjectedClients;
            }

            /// <summary>Handler types from the option, by full name and by simple name.</summary>
            public ImmutableHashSet<string> HandlerNames { get; }

            public ImmutableHashSet<string> RetryMethods { get; }

            public bool TrustFactoryClients { get; }

            public bool TrustInjectedClients { get; }

            public static Options Get(AnalyzerOptions options, SyntaxTree? tree) =>
                tree is null ? Empty : OptionsCache<Options>.Get(options, tree, Parse);

            private static readonly Options Empty = new Options(ImmutableHashSet<string>.Empty, ImmutableHashSet<string>.Empty, SF2001HttpCallWithoutRetryAnalyzer.TrustFactoryClients.Default, SF2001HttpCallWithoutRetryAnalyzer.TrustInjectedClients.Default);

            private static Options Parse(AnalyzerConfigOptions options)
            {
                var handlers = ResilientHandlerTypes.Read(options);
                var names = handlers.ToBuilder();
                foreach (var handler in handlers)
                {
                    var dot = handler.LastIndexOf('.');
                    if (dot >= 0)
                    {
                        names.Add(handler.Substring(dot + 1));
                    }
                }

                return new Options(names.ToImmutable(), SF2001HttpCallWithoutRetryAnalyzer.RetryMethods.Read(options), SF2001HttpCallWithoutRetryAnalyzer.TrustFactoryClients.Read(options), SF2001HttpCallWithoutRetryAnalyzer.TrustInjectedClients.Read(options));
            }
        }

        private sealed class TypeState
        {
            private readonly INamedTypeSymbol _type;
            private readonly SF2001Symbols _types;
            private readonly RetryableLazy<HttpRegistrations> _registrations;
            private readonly Compilation _compilation;
            private readonly object _gate = new object();
            private readonly List<(IInvocationOperation Call, IOperation Receiver, Options Options)> _calls = new List<(IInvocationOperation, IOperation, Options)>();
            private readonly Dictionary<ISymbol, List<IOperation>> _memberValues = new Dictionary<ISymbol, List<IOperation>>(SymbolEqualityComparer.Default);
            private readonly Dictionary<IMethodSymbol, List<IInvocationOperation>> _privateCalls = new Dictionary<IMethodSymbol, List<IInvocationOperation>>(SymbolEqualityComparer.Default);
            private readonly HashSet<IMethodSymbol> _delegatedMethods = new HashSet<IMethodSymbol>(SymbolEqualityComparer.Default);
            private readonly Dictionary<IMethodSymbol, List<IInvocationOperation>> _ownCallSites = new Dictionary<IMethodSymbol, List<IInvocationOperation>>(SymbolEqualityComparer.Default);
            private readonly HashSet<IMethodSymbol> _ownReferenced = new HashSet<IMethodSymbol>(SymbolEqualityComparer.Default);

            public TypeState(INamedTypeSymbol type, SF2001Symbols types, RetryableLazy<HttpRegistrations> registrations, Compilation compilation)
            {
                _compilation = compilation;
                _type = type;
                _types = types;
                _registrations = registrations;
            }

            /// <summary>A private method of this type used as a delegate: its callers are not all known, so its calls are not followed.</summary>
            public void OnMethodReference(OperationAnalysisContext context)
            {
                var method = ((IMethodReferenceOperation)context.Operation).Method.OriginalDefinition;
                if (CallerRetry.IsOwnPrivate(method, _type))
                {
                    lock (_gate)
                    {
                        _ownReferenced.Add(method); // its callers are not all known (CallerRetry)
                        if (IsPrivateHelper(method))
                        {
                            _delegatedMethods.Add(method);
                        }
                    }
                }
            }

            /// <summary>A private method of this type that takes an HttpClient: its callers are all in this type.</summary>
            private bool IsPrivateHelper(IMethodSymbol method)
            {
                if (method.MethodKind != MethodKind.Ordinary || method.DeclaredAccessibility != Accessibility.Private ||
                    !SymbolEqualityComparer.Default.Equals(method.ContainingType, _type.OriginalDefinition))
                {
                    return false;
                }

                foreach (var parameter in method.Parameters)
                {
                    if (KnownTypes.Is(parameter.Type, _types.HttpClient))
                    {
                        return true;
                    }
                }

                return false;
            }

            public void OnInvocation(OperationAnalysisContext context)
            {
                var invocation = (IInvocationOperation)context.Operation;
                var method = invocation.TargetMethod;
                if (CallerRetry.IsOwnPrivate(method.OriginalDefinition, _type))
                {
                    lock (_gate)
                    {
                        if (!_ownCallSites.TryGetValue(method.OriginalDefinition, out var sites))
                        {
                            _ownCallSites[method.OriginalDefinition] = sites = new List<IInvocationOperation>();
                        }

                        sites.Add(invocation); // the callers of the type's private methods (CallerRetry)
                    }
                }

                if (IsPrivateHelper(method.OriginalDefinition))
                {
                    lock (_gate)
                    {
                        if (!_privateCalls.TryGetValue(method.OriginalDefinition, out var calls))
                        {
                            _privateCalls[method.OriginalDefinition] = calls = new List<IInvocationOperation>();
                        }

                        calls.Add(invocation);
                    }

                    return;
                }

                IOperation? receiver = null;
                if (ClientMethods.Contains(method.Name) && KnownTypes.Is(method.ContainingType, _types.HttpClient))
                {
                    receiver = invocation.Instance;
                }
                else if (JsonMethods.Contains(method.Name) && KnownTypes.Is(method.ContainingType, _types.HttpClientJsonExtensions) && invocation.Arguments.Length > 0)
                {
                    receiver = invocation.Arguments[0].Value;
                }

                if (receiver is null)
                {
                    return;
                }

                var options = Options.Get(context.Options, invocation.Syntax.SyntaxTree);
                if (RetryScope.Contains(invocation, _types, options, _compilation) || OwnRoute.IsRequestToSelf(invocation, _types) || StatusProbe.Is(invocation, _types))
                {
                    return; // already retried, a request to the application itself, or a probe whose failure is its answer
                }

                lock (_gate)
                {
                    _calls.Add((invocation, receiver, options));
                }
            }

            /// <summary>Values given to this type's HttpClient fields and properties: initializers and assignments.</summary>
            public void OnMemberValue(OperationAnalysisContext context)
            {
                switch (context.Operation)
                {
                    case IFieldInitializerOperation initializer:
                        foreach (var field in initializer.InitializedFields)
                        {
                            Record(field, initializer.Value);
                        }

                        break;
                    case IPropertyInitializerOperation initializer:
                        foreach (var property in initializer.InitializedProperties)
                        {
                            Record(property, initializer.Value);
                        }

                        break;
                    case IAssignmentOperation { Target: IMemberReferenceOperation { Member: IFieldSymbol or IPropertySymbol } target } assignment:
                        Record(target.Member, assignment.Value);
                        break;
                    case IReturnOperation { ReturnedValue: { } returned } when context.ContainingSymbol is IMethodSymbol { MethodKind: MethodKind.Ordinary } method && !OperationHelpers.IsInsideFunction(returned):
                        Record(method, returned); // what a factory method of this type hands out
                        break;
                    case IReturnOperation { ReturnedValue: { } returned } when context.ContainingSymbol is IMethodSymbol { MethodKind: MethodKind.PropertyGet, AssociatedSymbol: IPropertySymbol property } && !OperationHelpers.IsInsideFunction(returned):
                        Record(property, returned); // a property's getter: what reading it gives (_local ?? _shared)
                        break;
                }
            }

            private void Record(ISymbol member, IOperation value)
            {
                var type = member switch
                {
                    IFieldSymbol field => field.Type,
                    IPropertySymbol property => property.Type,
                    IMethodSymbol method => method.ReturnType,
                    _ => null,
                };
                if (!KnownTypes.Is(type, _types.HttpClient) || !SymbolEqualityComparer.Default.Equals(member.ContainingType?.OriginalDefinition, _type.OriginalDefinition))
                {
                    return;
                }

                lock (_gate)
                {
                    if (!_memberValues.TryGetValue(member.OriginalDefinition, out var values))
                    {
                        _memberValues[member.OriginalDefinition] = values = new List<IOperation>();
                    }

                    values.Add(value);
                }
            }

            public void OnEnd(SymbolAnalysisContext context)
            {
                foreach (var method in _delegatedMethods)
                {
                    _privateCalls.Remove(method);
                }

                var otherMembers = new Dictionary<ISymbol, ClientOrigin>(SymbolEqualityComparer.Default);
                var callerRetry = new CallerRetry(_type, _types, _ownCallSites, _ownReferenced);
                if (_calls.Count > 0 && OneShotTool.IsCommandLineTool(_compilation, context.CancellationToken))
                {
                    return;
                }

                foreach (var (call, receiver, options) in _calls)
                {
                    context.CancellationToken.ThrowIfCancellationRequested();
                    var recognizer = new ResilienceRecognizer(_types, options.HandlerNames);
                    var origin = new OriginResolver(_types, recognizer, _memberValues, _type, _compilation, _privateCalls, otherMembers).Resolve(receiver);
                    var advice = CallAdvice;
                    if (origin.IsSettled)
                    {
                        if (origin.IsSafe)
                        {
                            continue;
                        }
                    }
                    else
                    {
                        var registrations = _registrations.GetValue(context.CancellationToken);
                        if (origin.IsCovered(registrations))
                        {
                            continue;
                        }

                        if (origin.IsUnregisteredFactoryClient(registrations))
                        {
                            if (options.TrustFactoryClients || (origin.Kind == OriginKind.Typed && options.TrustInjectedClients))
                            {
                                continue; // judged where it is registered, or made
                            }

                            advice = DescribeUnregistered(origin) + UnregisteredAdvice;
                        }
                        else if (origin.Kind == OriginKind.Parameter && options.TrustInjectedClients)
                        {
                            continue; // handed in by a caller: judged where it is made
                        }
                    }

                    if (callerRetry.Contains(call, context.CancellationToken))
                    {
                        continue; // its callers send it again in a retry loop written by hand
                    }

                    var properties = origin.Kind == OriginKind.NewClient
                        ? ImmutableDictionary<string, string?>.Empty.Add(NewClientProperty, "true")
                        : ImmutableDictionary<string, string?>.Empty;
                    context.ReportDiagnostic(Diagnostic.Create(
                        Descriptors.SF2001HttpCallWithoutRetry,
                        call.Syntax.GetLocation(),
                        properties,
                        "'HttpClient." + call.TargetMethod.Name + "' is",
                        advice));
                }
            }

            /// <summary>The registration a factory client would have: <c>Its AddHttpClient("github") registration</c>, <c>Its AddHttpClient&lt;GitHubClient&gt; registration</c>.</summary>
            private static string DescribeUnregistered(ClientOrigin origin)
            {
                if (origin.Kind == OriginKind.Typed)
                {
                    return "The client is injected into '" + origin.TypedClient!.Name + "', and its AddHttpClient<" + origin.TypedClient.Name + "> registration";
                }

                return origin.Key is { Length: > 0 } key && !key.StartsWith("field:", StringComparison.Ordinal) && !key.StartsWith("property:", StringComparison.Ordinal)
                    ? "Its AddHttpClient(\"" + key + "\") registration"
                    : "Its IHttpClientFactory registration";
            }
        }
    }
}

namespace Steadfast.Analyzers.Rules.SF2001
{
    /// <summary>The symbols SF2001 and its fix (and the SF2002 fix, which asks whether a handler retries) need (see <see cref="RuleSymbols{TSelf}"/>); any may be null where the compilation lacks the type.</summary>
    internal sealed class SF2001Symbols : RuleSymbols<SF2001Symbols>
    {
        private SF2001Symbols(KnownTypes types)
            : base(types)
        {
        }

        public INamedTypeSymbol? HttpResponseMessage => Types.HttpResponseMessage;

        /// <summary>Microsoft.AspNetCore.TestHost's in-memory server: <c>CreateClient()</c>, <c>CreateHandler()</c>.</summary>
        public INamedTypeSymbol? TestServer => Types.TestServer;

        /// <summary>Microsoft.AspNetCore.TestHost: <c>IHost.GetTestClient()</c>.</summary>
        public INamedTypeSymbol? HostBuilderTestServerExtensions => Types.HostBuilderTestServerExtensions;

        /// <summary>Microsoft.AspNetCore.Mvc.Testing: <c>CreateClient(…)</c>, <c>CreateDefaultClient(…)</c>.</summary>
        public INamedTypeSymbol? WebApplicationFactory => Types.WebApplicationFactory;

        /// <summary><c>Task.Delay</c>: the wait of a retry loop written by hand (<see cref="CallerRetry"/>).</summary>
        public INamedTypeSymbol? Task => Types.Task;

        public INamedTypeSymbol? PollyAsyncPolicy => Types.PollyAsyncPolicy;

        public INamedTypeSymbol? PollyAsyncPolicyOfT => Types.PollyAsyncPolicyOfT;

        public INamedTypeSymbol? PollySyncPolicy => Types.PollySyncPolicy;

        public INamedTypeSymbol? PollySyncPolicyOfT => Types.PollySyncPolicyOfT;

        public INamedTypeSymbol? PollyResiliencePipeline => Types.PollyResiliencePipeline;

        public INamedTypeSymbol? PollyResiliencePipelineOfT => Types.PollyResiliencePipelineOfT;

        public INamedTypeSymbol? CancellationToken => Types.CancellationToken;

        /// <summary><c>System.Threading.Timeout</c>: a registration whose client has <c>Timeout.InfiniteTimeSpan</c> is for requests that stay open.</summary>
        public INamedTypeSymbol? Timeout => Types.Timeout;

        /// <summary>ASP.NET Core's <c>IUrlHelper</c> and its extensions: URLs of the application's own routes (<see cref="OwnRoute"/>).</summary>
        public INamedTypeSymbol? UrlHelper => Types.UrlHelper;

        public INamedTypeSymbol? UrlHelperExtensions => Types.UrlHelperExtensions;

        public INamedTypeSymbol? HttpClient => Types.HttpClient;

        public INamedTypeSymbol? HttpClientBuilder => Types.HttpClientBuilder;

        public INamedTypeSymbol? HttpClientBuilderExtensions => Types.HttpClientBuilderExtensions;

        public INamedTypeSymbol? HttpClientFactory => Types.HttpClientFactory;

        public INamedTypeSymbol? HttpClientFactoryExtensions => Types.HttpClientFactoryExtensions;

        public INamedTypeSymbol? HttpClientFactoryServiceCollectionExtensions => Types.HttpClientFactoryServiceCollectionExtensions;

        public INamedTypeSymbol? HttpClientJsonExtensions => Types.HttpClientJsonExtensions;

        public INamedTypeSymbol? PolicyHttpMessageHandler => Types.PolicyHttpMessageHandler;

        public INamedTypeSymbol? PollyHttpClientBuilderExtensions => Types.PollyHttpClientBuilderExtensions;

        public INamedTypeSymbol? ResilienceHandler => Types.ResilienceHandler;

        public INamedTypeSymbol? ResilienceHttpClientBuilderExtensions => Types.ResilienceHttpClientBuilderExtensions;

        public INamedTypeSymbol? SteadfastResilientHttp => Types.SteadfastResilientHttp;

        public INamedTypeSymbol? SteadfastResilientHttpClientBuilderExtensions => Types.SteadfastResilientHttpClientBuilderExtensions;

        public INamedTypeSymbol? SteadfastResilientHttpHandler => Types.SteadfastResilientHttpHandler;

        public static SF2001Symbols GetOrCreate(Compilation compilation) => GetOrCreate(compilation, static types => new SF2001Symbols(types));
    }
}
