using System;
using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;
using Steadfast.Analyzers.Internal;
using Steadfast.Analyzers.Rules.SF6003;

namespace Steadfast.Analyzers.Rules
{
    /// <summary>
    /// SF6003: in an app that maps endpoints, a login, registration or token endpoint (any verb, by the words of its
    /// route) or a mutating one (<c>MapPost</c>, <c>MapPut</c>, <c>MapPatch</c>, <c>MapDelete</c>; controller actions with
    /// <c>[HttpPost]</c>, <c>[HttpPut]</c>, <c>[HttpPatch]</c>, <c>[HttpDelete]</c>) that nothing rate-limits: no
    /// <c>RequireRateLimiting</c>/<c>DisableRateLimiting</c>/<c>[EnableRateLimiting]</c>/<c>[DisableRateLimiting]</c> on the
    /// endpoint, its handler, its group (a chain or a local, and one level of a group handed to a method of the project)
    /// or its controller (or on <c>MapControllers()</c>). Nothing is flagged where the app sets a global limiter
    /// (<c>RateLimiterOptions.GlobalLimiter</c>) or uses another rate limiting middleware (AspNetCoreRateLimit's
    /// <c>Use…RateLimiting</c>, or a <c>UseMiddleware</c> whose type, or a base of it, is unresolved or AspNetCoreRateLimit's),
    /// nor where it calls <c>UseRateLimiter</c> but configures the limiter out of sight (no <c>AddRateLimiter</c> or
    /// <c>AddSteadfastRateLimiting</c> in the compilation), nor in a library (only an application's compilation is
    /// checked: the app that hosts a library's endpoints decides). These facts can be anywhere in the compilation, so findings are reported at its end.
    /// </summary>
    [DiagnosticAnalyzer(LanguageNames.CSharp)]
    public sealed class SF6003EndpointWithoutRateLimitAnalyzer : DiagnosticAnalyzer
    {
        /// <summary>Diagnostic property: the tier the fix gives the endpoint (<see cref="AuthTier"/> or <see cref="WriteTier"/>).</summary>
        public const string TierProperty = "Tier";

        public const string AuthTier = "Auth";
        public const string WriteTier = "Write";

        /// <summary>Diagnostic property: <c>true</c> for a controller action (the fix adds <c>[EnableRateLimiting]</c>).</summary>
        public const string ControllerProperty = "Controller";

        /// <summary>Diagnostic property: <c>true</c> when the compilation calls <c>AddSteadfastRateLimiting</c>.</summary>
        public const string RegisteredProperty = "Registered";

        /// <summary>Diagnostic property: <c>true</c> when the compilation calls <c>UseRateLimiter</c>.</summary>
        public const string MiddlewareProperty = "Middleware";

        /// <summary>Diagnostic property: <c>true</c> when the compilation configures ASP.NET Core's limiter itself (<c>AddRateLimiter</c>).</summary>
        public const string OwnLimiterProperty = "OwnLimiter";

        internal static readonly OptionDefinition<bool> IncludeTestCode = OptionDefinition.IncludeTestCode(DiagnosticIds.EndpointWithoutRateLimit);

        internal static readonly OptionDefinition<ImmutableHashSet<string>> AuthPathWords = OptionDefinition.List(
            "SF6003.auth_path_words",
            "Route segments (or their parts between `-`, `_` and `.`), compared ignoring case, that make an endpoint a login, registration or token endpoint: flagged whatever its verb and given the auth tier.",
            "login", "logon", "signin", "sign-in", "signup", "sign-up", "register", "registration", "token", "password", "otp", "mfa", "2fa");

        internal static readonly OptionDefinition<ImmutableHashSet<string>> CredentialWords = OptionDefinition.List(
            "SF6003.credential_parameter_words",
            "Words of a parameter's name (its camelCase parts, compared ignoring case), or of a property of a request model it binds, that make a GET endpoint with an auth route take a credential, and so flagged; a GET that takes none (a form, a code issued to a signed-in caller) is a read.",
            "password", "passwd", "pwd", "passcode", "passphrase", "pin", "otp", "totp", "code", "token", "secret", "key", "apikey", "credential", "credentials", "authorization", "signature", "ticket", "nonce");

        public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(Descriptors.SF6003EndpointWithoutRateLimit);

        public override void Initialize(AnalysisContext context)
        {
            context.EnableConcurrentExecution();
            context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
            context.RegisterCompilationStartAction(static start =>
            {
                if (!TestCode.Gate(ref start, IncludeTestCode))
                {
                    return;
                }

                if (start.Compilation.Options.OutputKind is not (OutputKind.ConsoleApplication or OutputKind.WindowsApplication))
                {
                    return; // a library's endpoints: the app that hosts them decides how they are limited
                }

                var symbols = SF6003Symbols.GetOrCreate(start.Compilation);
                if (symbols.RateLimiterOptions is null || symbols.ConventionExtensions is null ||
                    (symbols.EndpointRouteBuilderExtensions is null && symbols.HttpPostAttribute is null))
                {
                    return; // no ASP.NET Core rate limiting to ask for, or nothing that maps endpoints
                }

                var state = new CompilationState(symbols, start.Compilation);
                start.RegisterOperationAction(state.OnInvocation, OperationKind.Invocation);
                start.RegisterOperationAction(state.OnAssignment, OperationKind.SimpleAssignment);
                start.RegisterSymbolAction(state.OnMethod, SymbolKind.Method);
                start.RegisterCompilationEndAction(state.OnEnd);
            });
        }

        /// <summary>True when a route template has a segment (or a part of one between <c>-</c>, <c>_</c>, <c>.</c>) that is one of <paramref name="words"/>.</summary>
        internal static bool IsAuthRoute(string? template, ImmutableHashSet<string> words)
        {
            if (string.IsNullOrEmpty(template) || words.Count == 0)
            {
                return false;
            }

            foreach (var segment in template!.Split('/'))
            {
                if (segment.Length == 0 || segment[0] == '{')
                {
                    continue;
                }

                if (Matches(segment, words))
                {
                    return true;
                }

                foreach (var part in segment.Split('-', '_', '.'))
                {
                    if (part.Length > 0 && Matches(part, words))
                    {
                        return true;
                    }
                }
            }

            return false;
        }

        /// <summary>True when <paramref name="name"/> (an identifier), or one of its camelCase or <c>_</c>-separated parts, is one of <paramref name="words"/>.</summary>
        internal static bool NameHasWord(string name, ImmutableHashSet<string> words)
        {
            if (words.Count == 0 || name.Length == 0)
            {
                return false;
            }

            if (Matches(name, words))
            {
                return true;
            }

            var start = 0;
            for (var i = 1; i <= name.Length; i++)
            {
                var boundary = i == name.Length || name[i] == '_' || name[i - 1] == '_' ||
                               (char.IsUpper(name[i]) && (char.IsLower(name[i - 1]) || (i + 1 < name.Length && char.IsLower(name[i + 1]) && char.IsUpper(name[i - 1]))));
                if (!boundary)
                {
                    continue;
                }

                var part = name.Substring(start, i - start).Trim('_');
                if (part.Length > 0 && Matches(part, words))
                {
                    return true;
                }

                start = i;
            }

            return false;
        }

        private static bool Matches(string text, ImmutableHashSet<string> words)
        {
            foreach (var word in words)
            {
                if (string.Equals(text, word, StringComparison.OrdinalIgnoreCase))
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>One endpoint nothing visible limits; <see cref="DependsOn"/>: the parameter whose argument, if limited somewhere, limits it.</summary>
        private sealed class Candidate
        {
            public Candidate(Location location, string name, bool auth, bool controller, (IMethodSymbol Method, int Ordinal)? dependsOn, IMethodSymbol? unlessBodyReadsNoRequest = null)
            {
                Location = location;
                Name = name;
                Auth = auth;
                Controller = controller;
                DependsOn = dependsOn;
                UnlessBodyReadsNoRequest = unlessBodyReadsNoRequest;
            }

            /// <summary>A GET action with an auth route and no credential parameter: reported only when its body reads the request itself.</summary>
            public IMethodSymbol? UnlessBodyReadsNoRequest { get; }

            public Location Location { get; }

            public string Name { get; }

            public bool Auth { get; }

            public bool Controller { get; }

            public (IMethodSymbol Method, int Ordinal)? DependsOn { get; }
        }

        /// <summary>What a route builder expression tells: limited, not limited, or whatever the callers pass for a parameter.</summary>
        private readonly struct Limit
        {
            private Limit(bool limited, IParameterSymbol? parameter)
            {
                Limited = limited;
                Parameter = parameter;
            }

            public static Limit Yes { get; } = new Limit(true, null);

            public static Limit No { get; } = new Limit(false, null);

            public static Limit ByCaller(IParameterSymbol parameter) => new Limit(false, parameter);

            public bool Limited { get; }

            public IParameterSymbol? Parameter { get; }
        }

        private sealed class CompilationState
        {
            private readonly SF6003Symbols _symbols;
            private readonly Compilation _compilation;
            private readonly ConcurrentQueue<Candidate> _candidates = new ConcurrentQueue<Candidate>();
            private readonly ConcurrentDictionary<(IMethodSymbol, int), byte> _limitedArguments = new ConcurrentDictionary<(IMethodSymbol, int), byte>(new MethodOrdinalComparer());
            private int _globalLimiter;
            private int _otherLimiter;
            private int _controllersLimited;
            private int _registered;
            private int _middleware;
            private int _ownLimiter;

            public CompilationState(SF6003Symbols symbols, Compilation compilation)
            {
                _symbols = symbols;
                _compilation = compilation;
            }

            public void OnAssignment(OperationAnalysisContext context)
            {
                if (context.Operation is ISimpleAssignmentOperation { Target: IPropertyReferenceOperation { Property.Name: "GlobalLimiter" } property } &&
                    KnownTypes.Is(property.Property.ContainingType, _symbols.RateLimiterOptions))
                {
                    Volatile.Write(ref _globalLimiter, 1);
                }
            }

            public void OnInvocation(OperationAnalysisContext context)
            {
                var call = (IInvocationOperation)context.Operation;
                var method = call.TargetMethod;
                var type = method.ContainingType;
                if (type is null)
                {
                    return;
                }

                if (KnownTypes.Is(type, _symbols.EndpointRouteBuilderExtensions))
                {
                    OnMap(context, call);
                }
                else if (KnownTypes.Is(type, _symbols.ControllerEndpointRouteBuilderExtensions))
                {
                    if (method.Name.StartsWith("Map", StringComparison.Ordinal) && (IsLimitedAbove(call) || ReceiverLimit(call, 0).Limited))
                    {
                        Volatile.Write(ref _controllersLimited, 1);
                    }
                }
                else if (method.Name == "UseRateLimiter" && KnownTypes.Is(type, _symbols.ApplicationBuilderExtensions))
                {
                    Volatile.Write(ref _middleware, 1);
                }
                else if (method.Name == "AddRateLimiter" && KnownTypes.Is(type, _symbols.ServiceCollectionExtensions))
                {
                    Volatile.Write(ref _ownLimiter, 1);
                }
                else if (method.Name == "AddSteadfastRateLimiting" && KnownTypes.Is(type, _symbols.SteadfastRateLimitingExtensions))
                {
                    Volatile.Write(ref _registered, 1);
                }
                else if (method.Name.StartsWith("Use", StringComparison.Ordinal) && IsOtherLimiterNamespace(type.ContainingNamespace))
                {
                    Volatile.Write(ref _otherLimiter, 1);
                }
                else if (method.Name == "UseMiddleware" && KnownTypes.Is(type, _symbols.UseMiddlewareExtensions))
                {
                    if (MayLimit(MiddlewareType(call)))
                    {
                        Volatile.Write(ref _otherLimiter, 1);
                    }
                }
                else if (SymbolEqualityComparer.Default.Equals(method.ContainingAssembly, _compilation.Assembly))
                {
                    // A group handed to a method of this project: remember which of its parameters get a limited builder.
                    foreach (var argument in call.Arguments)
                    {
                        if (argument.Parameter is { } parameter && IsRouteBuilder(parameter.Type) && Check(argument.Value, 0).Limited)
                        {
                            _limitedArguments.TryAdd((method.OriginalDefinition, parameter.Ordinal), 0);
                        }
                    }
                }
            }

            /// <summary>AspNetCoreRateLimit's middleware (<c>UseIpRateLimiting</c>, <c>UseClientRateLimiting</c>): its own top-level namespace.</summary>
            private static bool IsOtherLimiterNamespace(INamespaceSymbol? ns) =>
                ns is { Name: "AspNetCoreRateLimit", ContainingNamespace.IsGlobalNamespace: true };

            /// <summary>The middleware type of <c>UseMiddleware&lt;T&gt;()</c> or <c>UseMiddleware(typeof(T))</c>; null when not visible.</summary>
            private static ITypeSymbol? MiddlewareType(IInvocationOperation call)
            {
                if (call.TargetMethod.TypeArguments.Length == 1)
                {
                    return call.TargetMethod.TypeArguments[0];
                }

                foreach (var argument in call.Arguments)
                {
                    if (argument.Parameter?.Name == "middleware" && OperationHelpers.SkipConversions(argument.Value) is ITypeOfOperation typeOf)
                    {
                        return typeOf.TypeOperand;
                    }
                }

                return null;
            }

            /// <summary>
            /// A middleware that may limit requests: it, or a type it derives from, cannot be resolved (a package not
            /// restored here), or it derives from AspNetCoreRateLimit's middleware. Never report on the strength of a type
            /// that cannot be resolved.
            /// </summary>
            private static bool MayLimit(ITypeSymbol? middleware)
            {
                for (var t = middleware; t is not null && t.SpecialType != SpecialType.System_Object; t = t.BaseType)
                {
                    if (t.TypeKind == TypeKind.Error || IsOtherLimiterNamespace(t.ContainingNamespace))
                    {
                        return true;
                    }
                }

                return false;
            }

            private void OnMap(OperationAnalysisContext context, IInvocationOperation call)
            {
                var verb = call.TargetMethod.Name switch
                {
                    "MapPost" => "POST",
                    "MapPut" => "PUT",
                    "MapPatch" => "PATCH",
                    "MapDelete" => "DELETE",
                    "MapGet" => "GET",
                    "MapMethods" => "",
                    "Map" => "",
                    _ => null,
                };
                if (verb is null)
                {
                    return;
                }

                string? pattern = null;
                IOperation? handler = null;
                foreach (var argument in call.Arguments)
                {
                    switch (argument.Parameter?.Name)
                    {
                        case "pattern":
                            pattern = argument.Value.ConstantValue is { HasValue: true, Value: string text } ? text : null;
                            break;
                        case "handler" or "requestDelegate":
                            handler = argument.Value;
                            break;
                    }
                }

                var auth = IsAuthRoute(pattern, AuthPathWords.Get(context.Options, call.Syntax.SyntaxTree));
                var mutating = verb is "POST" or "PUT" or "PATCH" or "DELETE";
                if ((!auth && !mutating) || HandlerLimited(handler) || IsLimitedAbove(call))
                {
                    return;
                }

                if (verb == "GET" && HandlerSymbol(handler) is IMethodSymbol handlerMethod &&
                    !TakesCredential(handlerMethod.Parameters, CredentialWords.Get(context.Options, call.Syntax.SyntaxTree)))
                {
                    return; // a GET that takes no credential: nothing to guess, a read (the read tier, not flagged)
                }

                var receiver = ReceiverLimit(call, 0);
                if (receiver.Limited)
                {
                    return;
                }

                (IMethodSymbol, int)? dependsOn = null;
                if (receiver.Parameter is { ContainingSymbol: IMethodSymbol owner } parameter)
                {
                    dependsOn = (owner.OriginalDefinition, parameter.Ordinal);
                }

                var name = (verb.Length > 0 ? verb + " " : "") + (pattern ?? "endpoint");
                _candidates.Enqueue(new Candidate(SF6002RateLimiterRejectsBadlyAnalyzer.NameLocation(call), name, auth, controller: false, dependsOn));
            }

            /// <summary>A controller action: a mutating verb attribute, or a login/registration/token route.</summary>
            public void OnMethod(SymbolAnalysisContext context)
            {
                var method = (IMethodSymbol)context.Symbol;
                if (method.MethodKind != MethodKind.Ordinary || method.IsStatic || method.DeclaredAccessibility != Accessibility.Public ||
                    method.ContainingType is not { TypeKind: TypeKind.Class } type || method.Locations.Length == 0 || !method.Locations[0].IsInSource ||
                    !IsController(type))
                {
                    return;
                }

                string? verb = null;
                string? template = null;
                string? methodRoute = null;
                var onlyGet = true;
                foreach (var attribute in method.GetAttributes())
                {
                    var attributeType = attribute.AttributeClass;
                    if (IsLimitingAttribute(attributeType))
                    {
                        return;
                    }

                    if (KnownTypes.DerivesFrom(attributeType, _symbols.HttpMethodAttribute))
                    {
                        onlyGet &= KnownTypes.DerivesFrom(attributeType, _symbols.HttpGetAttribute);
                        template ??= FirstString(attribute);
                        verb ??= KnownTypes.DerivesFrom(attributeType, _symbols.HttpPostAttribute) ? "POST"
                            : KnownTypes.DerivesFrom(attributeType, _symbols.HttpPutAttribute) ? "PUT"
                            : KnownTypes.DerivesFrom(attributeType, _symbols.HttpPatchAttribute) ? "PATCH"
                            : KnownTypes.DerivesFrom(attributeType, _symbols.HttpDeleteAttribute) ? "DELETE"
                            : "";
                    }
                    else if (KnownTypes.DerivesFrom(attributeType, _symbols.RouteAttribute))
                    {
                        methodRoute ??= FirstString(attribute);
                    }
                }

                if (verb is null)
                {
                    return; // not an action with a verb attribute
                }

                string? typeRoute = null;
                for (var t = type; t is not null && t.SpecialType == SpecialType.None; t = t.BaseType)
                {
                    foreach (var attribute in t.GetAttributes())
                    {
                        if (IsLimitingAttribute(attribute.AttributeClass))
                        {
                            return;
                        }

                        if (SymbolEqualityComparer.Default.Equals(t, type) && KnownTypes.DerivesFrom(attribute.AttributeClass, _symbols.RouteAttribute))
                        {
                            typeRoute ??= FirstString(attribute);
                        }
                    }
                }

                var controllerName = type.Name.EndsWith("Controller", StringComparison.Ordinal) ? type.Name.Substring(0, type.Name.Length - "Controller".Length) : type.Name;
                var route = Expand(typeRoute, controllerName, method.Name) + "/" + Expand(methodRoute, controllerName, method.Name) + "/" + Expand(template, controllerName, method.Name);
                var auth = IsAuthRoute(route, AuthPathWords.Get(context.Options, method.Locations[0].SourceTree!));
                if (!auth && verb.Length == 0)
                {
                    return;
                }

                IMethodSymbol? unlessBodyReadsNoRequest = null;
                if (verb.Length == 0 && onlyGet && !TakesCredential(method.Parameters, CredentialWords.Get(context.Options, method.Locations[0].SourceTree!)))
                {
                    unlessBodyReadsNoRequest = method; // a GET with no credential parameter: a read, unless its body reads the request
                }

                var name = (verb.Length > 0 ? verb + " " : "") + type.Name + "." + method.Name;
                _candidates.Enqueue(new Candidate(method.Locations[0], name, auth, controller: true, dependsOn: null, unlessBodyReadsNoRequest));
            }

            /// <summary>An MVC controller: derived from <c>ControllerBase</c>, or marked <c>[ApiController]</c>/<c>[Controller]</c> (on it or a base class).</summary>
            private bool IsController(INamedTypeSymbol type)
            {
                if (KnownTypes.DerivesFrom(type, _symbols.ControllerBase))
                {
                    return true;
                }

                for (var t = type; t is not null && t.SpecialType == SpecialType.None; t = t.BaseType)
                {
                    foreach (var attribute in t.GetAttributes())
                    {
                        if (KnownTypes.DerivesFrom(attribute.AttributeClass, _symbols.ApiControllerAttribute) || KnownTypes.Is(attribute.AttributeClass, _symbols.ControllerAttribute))
                        {
                            return true;
                        }
                    }
                }

                return false;
            }

            private static string Expand(string? template, string controller, string action) =>
                template is null ? "" : template.Replace("[controller]", controller).Replace("[action]", action);

            private static string? FirstString(AttributeData attribute) =>
                attribute.ConstructorArguments.Length > 0 && attribute.ConstructorArguments[0].Value is string text ? text : null;

            public void OnEnd(CompilationAnalysisContext context)
            {
                if (Volatile.Read(ref _globalLimiter) == 1 || Volatile.Read(ref _otherLimiter) == 1)
                {
                    return;
                }

                if (Volatile.Read(ref _middleware) == 1 && Volatile.Read(ref _registered) == 0 && Volatile.Read(ref _ownLimiter) == 0)
                {
                    return; // UseRateLimiter with its configuration out of sight (a helper of another assembly): a global limiter may be there
                }

                var controllersLimited = Volatile.Read(ref _controllersLimited) == 1;
                var properties = ImmutableDictionary<string, string?>.Empty
                    .Add(RegisteredProperty, Volatile.Read(ref _registered) == 1 ? "true" : "false")
                    .Add(MiddlewareProperty, Volatile.Read(ref _middleware) == 1 ? "true" : "false")
                    .Add(OwnLimiterProperty, Volatile.Read(ref _ownLimiter) == 1 ? "true" : "false");
                foreach (var candidate in _candidates)
                {
                    if ((candidate.Controller && controllersLimited) ||
                        (candidate.DependsOn is { } parameter && _limitedArguments.ContainsKey(parameter)) ||
                        (candidate.UnlessBodyReadsNoRequest is { } action && !BodyReadsRequest(action, context.Compilation, context.CancellationToken)))
                    {
                        continue;
                    }

                    var ofCandidate = properties
                        .Add(TierProperty, candidate.Auth ? AuthTier : WriteTier)
                        .Add(ControllerProperty, candidate.Controller ? "true" : "false");
                    context.ReportDiagnostic(Diagnostic.Create(
                        Descriptors.SF6003EndpointWithoutRateLimit,
                        candidate.Location,
                        ofCandidate,
                        "'" + candidate.Name + "'",
                        candidate.Auth
                            ? "a login, registration or token endpoint without one lets anyone guess passwords and codes as fast as the server answers"
                            : "it changes data, and one client can call it as fast as the server answers"));
                }
            }

            private bool IsLimitingAttribute(ITypeSymbol? type) =>
                KnownTypes.DerivesFrom(type, _symbols.EnableRateLimitingAttribute) || KnownTypes.DerivesFrom(type, _symbols.DisableRateLimitingAttribute);

            /// <summary><c>RequireRateLimiting</c>, <c>DisableRateLimiting</c>, or <c>WithMetadata(new EnableRateLimitingAttribute(…))</c>.</summary>
            private bool IsLimitingCall(IInvocationOperation call)
            {
                var method = call.TargetMethod;
                if (method.Name is "RequireRateLimiting" or "DisableRateLimiting" && KnownTypes.Is(method.ContainingType, _symbols.ConventionExtensions))
                {
                    return true;
                }

                if (method.Name == "WithMetadata" && KnownTypes.Is(method.ContainingType, _symbols.RoutingConventionExtensions))
                {
                    foreach (var argument in call.Arguments)
                    {
                        foreach (var operation in argument.Value.DescendantsAndSelf())
                        {
                            if (operation is IObjectCreationOperation creation && IsLimitingAttribute(creation.Type))
                            {
                                return true;
                            }
                        }
                    }
                }

                return false;
            }

            /// <summary>The handler's lambda or method, or null when it is not written here (a delegate variable, a call).</summary>
            private static IMethodSymbol? HandlerSymbol(IOperation? handler)
            {
                if (handler is null)
                {
                    return null;
                }

                var target = OperationHelpers.SkipConversions(handler) is IDelegateCreationOperation creation ? creation.Target : OperationHelpers.SkipConversions(handler);
                return target switch
                {
                    IAnonymousFunctionOperation function => function.Symbol,
                    IMethodReferenceOperation reference => reference.Method,
                    _ => null,
                };
            }

            /// <summary>
            /// A parameter that can carry a credential: the request itself (<c>HttpContext</c>, <c>HttpRequest</c>), a
            /// parameter whose name has one of <paramref name="words"/>, or a request model declared here with such a
            /// property. Services (interfaces) and the <c>CancellationToken</c> are no input.
            /// </summary>
            private bool TakesCredential(ImmutableArray<IParameterSymbol> parameters, ImmutableHashSet<string> words)
            {
                foreach (var parameter in parameters)
                {
                    var type = parameter.Type;
                    if (type is null || type.TypeKind == TypeKind.Error || KnownTypes.Is(type, _symbols.HttpContext) || KnownTypes.Is(type, _symbols.HttpRequest))
                    {
                        return true; // reads anything the request carries (or cannot be resolved: say the worst)
                    }

                    if (type.TypeKind == TypeKind.Interface || KnownTypes.Is(type, _symbols.CancellationToken))
                    {
                        continue;
                    }

                    if (NameHasWord(parameter.Name, words))
                    {
                        return true;
                    }

                    if (type is INamedTypeSymbol { SpecialType: SpecialType.None, TypeKind: TypeKind.Class or TypeKind.Struct } model && IsInSource(model))
                    {
                        foreach (var member in model.GetMembers())
                        {
                            if (member is IPropertySymbol { IsStatic: false, DeclaredAccessibility: Accessibility.Public } property && NameHasWord(property.Name, words))
                            {
                                return true;
                            }
                        }
                    }
                }

                return false;
            }

            private static bool IsInSource(ISymbol symbol)
            {
                foreach (var location in symbol.Locations)
                {
                    if (location.IsInSource)
                    {
                        return true;
                    }
                }

                return false;
            }

            /// <summary>
            /// The action's body reads the request through the controller (<c>Request</c>, <c>HttpContext</c>,
            /// <c>ControllerContext</c> of <c>ControllerBase</c>): a credential may come in a header or a form. Bound only
            /// for the rare GET action with an auth route and no credential parameter, at the compilation's end.
            /// </summary>
            private bool BodyReadsRequest(IMethodSymbol method, Compilation compilation, CancellationToken cancellationToken)
            {
                foreach (var reference in method.DeclaringSyntaxReferences)
                {
                    var syntax = reference.GetSyntax(cancellationToken);
                    if (!compilation.ContainsSyntaxTree(syntax.SyntaxTree))
                    {
                        return true;
                    }

#pragma warning disable RS1030 // One action's body, at compilation end, only for a GET with an auth route and no credential parameter (rare).
                    var model = compilation.GetSemanticModel(syntax.SyntaxTree);
#pragma warning restore RS1030
                    if (model.GetOperation(syntax, cancellationToken) is not { } body)
                    {
                        return true; // cannot tell: say the worst
                    }

                    foreach (var operation in body.DescendantsAndSelf())
                    {
                        if (operation is IPropertyReferenceOperation { Property: { Name: "Request" or "HttpContext" or "ControllerContext" } property } &&
                            KnownTypes.DerivesFrom(property.ContainingType, _symbols.ControllerBase))
                        {
                            return true;
                        }
                    }
                }

                return false;
            }

            /// <summary>A handler lambda or method with <c>[EnableRateLimiting]</c> or <c>[DisableRateLimiting]</c>.</summary>
            private bool HandlerLimited(IOperation? handler)
            {
                var symbol = HandlerSymbol(handler);
                if (symbol is null)
                {
                    return false;
                }

                foreach (var attribute in symbol.GetAttributes())
                {
                    if (IsLimitingAttribute(attribute.AttributeClass))
                    {
                        return true;
                    }
                }

                return false;
            }

            /// <summary>True when a call chained on the result (<c>app.MapPost(…).RequireRateLimiting(…)</c>), or on the local it is stored in, limits it.</summary>
            private bool IsLimitedAbove(IOperation call)
            {
                var current = OperationHelpers.OutermostConversion(call);
                for (var depth = 0; depth < 16; depth++)
                {
                    IInvocationOperation? outer = current.Parent switch
                    {
                        IArgumentOperation { Parameter.Ordinal: 0, Parent: IInvocationOperation invocation } when invocation.TargetMethod.IsExtensionMethod => invocation,
                        IInvocationOperation invocation when invocation.Instance == current => invocation,
                        _ => null,
                    };
                    if (outer is null)
                    {
                        break;
                    }

                    if (IsLimitingCall(outer))
                    {
                        return true;
                    }

                    current = OperationHelpers.OutermostConversion(outer);
                }

                return current.Parent is IVariableInitializerOperation { Parent: IVariableDeclaratorOperation declarator } && LimitedOnLocal(declarator.Symbol, current);
            }

            /// <summary>The builder a call is made on (the receiver of an extension or instance call).</summary>
            private Limit ReceiverLimit(IInvocationOperation call, int depth)
            {
                var receiver = call.Instance ?? (call.TargetMethod.IsExtensionMethod && call.Arguments.Length > 0 ? call.Arguments[0].Value : null);
                return receiver is null ? Limit.No : Check(receiver, depth + 1);
            }

            private Limit Check(IOperation builder, int depth)
            {
                if (depth > 8)
                {
                    return Limit.Yes; // too deep to tell: say nothing
                }

                switch (OperationHelpers.SkipConversions(builder))
                {
                    case IInvocationOperation invocation:
                        return IsLimitingCall(invocation) ? Limit.Yes : ReceiverLimit(invocation, depth);
                    case ILocalReferenceOperation local:
                        if (LimitedOnLocal(local.Local, local))
                        {
                            return Limit.Yes;
                        }

                        foreach (var value in ValuesOf(local.Local, local))
                        {
                            var limit = Check(value, depth + 1);
                            if (limit.Limited || limit.Parameter is not null)
                            {
                                return limit;
                            }
                        }

                        return Limit.No;
                    case IParameterReferenceOperation parameter:
                        if (KnownTypes.Is(parameter.Type, _symbols.WebApplication))
                        {
                            return Limit.No; // the app itself: its callers pass no group
                        }

                        return parameter.Parameter.ContainingSymbol is IMethodSymbol { MethodKind: MethodKind.Ordinary }
                            ? Limit.ByCaller(parameter.Parameter)
                            : Limit.Yes; // a lambda's parameter: who calls it is not visible
                    default:
                        return Limit.No;
                }
            }

            /// <summary>A limiting call made on the local anywhere in the member (<c>group.RequireRateLimiting(…);</c>).</summary>
            private bool LimitedOnLocal(ILocalSymbol local, IOperation anywhere)
            {
                foreach (var operation in OperationHelpers.Root(anywhere).DescendantsAndSelf())
                {
                    if (operation is IInvocationOperation invocation && IsLimitingCall(invocation))
                    {
                        var receiver = invocation.Instance ?? (invocation.Arguments.Length > 0 ? invocation.Arguments[0].Value : null);
                        if (receiver is not null && OperationHelpers.SkipConversions(receiver) is ILocalReferenceOperation reference &&
                            SymbolEqualityComparer.Default.Equals(reference.Local, local))
                        {
                            return true;
                        }
                    }
                }

                return false;
            }

            /// <summary>The values the local is given: its initializer and its assignments in the member.</summary>
            private static System.Collections.Generic.IEnumerable<IOperation> ValuesOf(ILocalSymbol local, IOperation anywhere)
            {
                foreach (var operation in OperationHelpers.Root(anywhere).DescendantsAndSelf())
                {
                    switch (operation)
                    {
                        case IVariableDeclaratorOperation declarator when SymbolEqualityComparer.Default.Equals(declarator.Symbol, local) && OperationHelpers.InitialValue(declarator) is { } initial:
                            yield return initial;
                            break;
                        case ISimpleAssignmentOperation { Target: ILocalReferenceOperation target } assignment when SymbolEqualityComparer.Default.Equals(target.Local, local):
                            yield return assignment.Value;
                            break;
                    }
                }
            }

            /// <summary>A parameter that takes a route builder: <c>IEndpointRouteBuilder</c> or <c>RouteGroupBuilder</c> (no walk of interfaces per call).</summary>
            private bool IsRouteBuilder(ITypeSymbol? type) =>
                type is INamedTypeSymbol && (KnownTypes.Is(type, _symbols.EndpointRouteBuilder) || KnownTypes.Is(type, _symbols.RouteGroupBuilder));
        }

        private sealed class MethodOrdinalComparer : System.Collections.Generic.IEqualityComparer<(IMethodSymbol, int)>
        {
            public bool Equals((IMethodSymbol, int) x, (IMethodSymbol, int) y) => x.Item2 == y.Item2 && SymbolEqualityComparer.Default.Equals(x.Item1, y.Item1);

            public int GetHashCode((IMethodSymbol, int) obj) => SymbolEqualityComparer.Default.GetHashCode(obj.Item1) * 31 + obj.Item2;
        }
    }
}

namespace Steadfast.Analyzers.Rules.SF6003
{
    /// <summary>The types SF6003 and its fix need.</summary>
    internal sealed class SF6003Symbols : RuleSymbols<SF6003Symbols>
    {
        private SF6003Symbols(KnownTypes types)
            : base(types)
        {
        }

        public INamedTypeSymbol? RateLimiterOptions => Types.RateLimiterOptions;

        public INamedTypeSymbol? ConventionExtensions => Types.RateLimiterEndpointConventionBuilderExtensions;

        public INamedTypeSymbol? EndpointRouteBuilderExtensions => Types.EndpointRouteBuilderExtensions;

        public INamedTypeSymbol? HttpPostAttribute => Types.HttpPostAttribute;

        // Resolved on first use: a compilation pays for a type only when code asks about it.
        public INamedTypeSymbol? EndpointRouteBuilder => Types.EndpointRouteBuilder;

        public INamedTypeSymbol? ControllerEndpointRouteBuilderExtensions => Types.ControllerEndpointRouteBuilderExtensions;

        public INamedTypeSymbol? RoutingConventionExtensions => Types.RoutingEndpointConventionBuilderExtensions;

        public INamedTypeSymbol? ApplicationBuilderExtensions => Types.RateLimiterApplicationBuilderExtensions;

        public INamedTypeSymbol? UseMiddlewareExtensions => Types.UseMiddlewareExtensions;

        public INamedTypeSymbol? ServiceCollectionExtensions => Types.RateLimiterServiceCollectionExtensions;

        public INamedTypeSymbol? SteadfastRateLimitingExtensions => Types.SteadfastRateLimitingExtensions;

        public INamedTypeSymbol? SteadfastRateLimitTiers => Types.SteadfastRateLimitTiers;

        public INamedTypeSymbol? EnableRateLimitingAttribute => Types.EnableRateLimitingAttribute;

        public INamedTypeSymbol? DisableRateLimitingAttribute => Types.DisableRateLimitingAttribute;

        public INamedTypeSymbol? HttpMethodAttribute => Types.HttpMethodAttribute;

        public INamedTypeSymbol? HttpPutAttribute => Types.HttpPutAttribute;

        public INamedTypeSymbol? HttpGetAttribute => Types.HttpGetAttribute;

        public INamedTypeSymbol? HttpContext => Types.HttpContext;

        public INamedTypeSymbol? HttpRequest => Types.HttpRequest;

        public INamedTypeSymbol? CancellationToken => Types.CancellationToken;

        public INamedTypeSymbol? HttpPatchAttribute => Types.HttpPatchAttribute;

        public INamedTypeSymbol? HttpDeleteAttribute => Types.HttpDeleteAttribute;

        public INamedTypeSymbol? RouteAttribute => Types.RouteAttribute;

        public INamedTypeSymbol? RouteGroupBuilder => Types.RouteGroupBuilder;

        public INamedTypeSymbol? ControllerBase => Types.ControllerBase;

        public INamedTypeSymbol? ApiControllerAttribute => Types.ApiControllerAttribute;

        public INamedTypeSymbol? ControllerAttribute => Types.ControllerAttribute;

        public INamedTypeSymbol? WebApplication => Types.WebApplication;

        public INamedTypeSymbol? ServiceCollection => Types.ServiceCollection;

        public static SF6003Symbols GetOrCreate(Compilation compilation) => GetOrCreate(compilation, static types => new SF6003Symbols(types));
    }
}
