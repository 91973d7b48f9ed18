using System;
using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Globalization;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;
using Steadfast.Analyzers.Internal;
using Steadfast.Analyzers.Rules.SF6002;

namespace Steadfast.Analyzers.Rules
{
    /// <summary>
    /// SF6002: an <c>AddRateLimiter(options => …)</c> that rejects badly. Three mistakes, one finding each:
    /// <list type="bullet">
    /// <item><c>RejectionStatusCode</c> never set (ASP.NET Core's default is 503 Service Unavailable) or set to a constant
    /// other than 429 (reported on the AddRateLimiter name, or on the value);</item>
    /// <item>a policy that knows when to retry (fixed window, sliding window, token bucket; not a concurrency limiter)
    /// and no <c>OnRejected</c>, or an <c>OnRejected</c> lambda that never sets <c>Retry-After</c> (reported on the
    /// policy, or on the <c>OnRejected</c> assignment);</item>
    /// <item>an <c>AddRateLimiter</c> in an application (an executable) where nothing calls <c>UseRateLimiter</c>
    /// (reported on the whole call at compilation end: only the whole compilation can tell; a class library that
    /// registers the limiter leaves the middleware to the app and is not flagged).</item>
    /// </list>
    /// What the code cannot show is not flagged: a status code from configuration, an <c>OnRejected</c> that is a
    /// method group or a helper's result, or a lambda that calls the project's own code (which may set the header).
    /// </summary>
    [DiagnosticAnalyzer(LanguageNames.CSharp)]
    public sealed class SF6002RateLimiterRejectsBadlyAnalyzer : DiagnosticAnalyzer
    {
        /// <summary>Diagnostic property: which mistake (<see cref="StatusCodeKind"/>, <see cref="RetryAfterKind"/>, <see cref="MiddlewareKind"/>).</summary>
        public const string KindProperty = "Kind";

        public const string StatusCodeKind = "StatusCode";
        public const string RetryAfterKind = "RetryAfter";
        public const string MiddlewareKind = "Middleware";


        internal static readonly OptionDefinition<bool> IncludeTestCode = OptionDefinition.IncludeTestCode(DiagnosticIds.RateLimiterRejectsBadly);

        public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(Descriptors.SF6002RateLimiterRejectsBadly);

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

                var symbols = SF6002Symbols.GetOrCreate(start.Compilation);
                if (symbols.ServiceCollectionExtensions is null || symbols.Options is null)
                {
                    return;
                }

                var state = new CompilationState(symbols, start.Compilation);
                start.RegisterOperationAction(state.OnInvocation, OperationKind.Invocation);
                start.RegisterCompilationEndAction(state.OnEnd);
            });
        }

        /// <summary>The location of a call's method name (<c>AddRateLimiter</c> in <c>services.AddRateLimiter(…)</c>).</summary>
        internal static Location NameLocation(IOperation call) => call.Syntax switch
        {
            InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax access } => access.Name.GetLocation(),
            InvocationExpressionSyntax { Expression: SimpleNameSyntax name } => name.GetLocation(),
            ObjectCreationExpressionSyntax creation => creation.Type.GetLocation(),
            _ => call.Syntax.GetLocation(),
        };

        /// <summary>
        /// The window of the first windowed policy the options lambda configures (<c>Window</c> of a fixed or sliding
        /// window, <c>ReplenishmentPeriod</c> of a token bucket), when its expression can be copied to the top of the
        /// lambda; null otherwise (the fix then falls back to one minute).
        /// </summary>
        internal static IOperation? CopyableWindow(IAnonymousFunctionOperation configure, SF6002Symbols symbols)
        {
            foreach (var operation in configure.Body.DescendantsAndSelf())
            {
                if (operation is ISimpleAssignmentOperation { Target: IPropertyReferenceOperation property } assignment)
                {
                    var owner = property.Property.ContainingType;
                    if ((property.Property.Name == "Window" && (KnownTypes.Is(owner, symbols.FixedWindowOptions) || KnownTypes.Is(owner, symbols.SlidingWindowOptions))) ||
                        (property.Property.Name == "ReplenishmentPeriod" && KnownTypes.Is(owner, symbols.TokenBucketOptions)))
                    {
                        return IsCopyable(assignment.Value, configure) ? assignment.Value : null;
                    }
                }
            }

            return null;
        }

        /// <summary>
        /// True when the window's expression means the same at the top of the options lambda: it reads no instance
        /// member and no variable declared inside the lambda (a policy's own lambda parameter, say).
        /// </summary>
        private static bool IsCopyable(IOperation window, IAnonymousFunctionOperation configure)
        {
            var span = configure.Syntax.Span;
            foreach (var operation in window.DescendantsAndSelf())
            {
                ISymbol? variable = operation switch
                {
                    IInstanceReferenceOperation => null,
                    ILocalReferenceOperation local => local.Local,
                    IParameterReferenceOperation parameter => parameter.Parameter,
                    _ => null,
                };

                if (operation is IInstanceReferenceOperation or IAnonymousFunctionOperation)
                {
                    return false;
                }

                if (variable is not null)
                {
                    foreach (var reference in variable.DeclaringSyntaxReferences)
                    {
                        if (reference.SyntaxTree == configure.Syntax.SyntaxTree && span.Contains(reference.Span))
                        {
                            return false;
                        }
                    }
                }
            }

            return true;
        }

        private sealed class CompilationState
        {
            private readonly SF6002Symbols _symbols;
            private readonly Compilation _compilation;
            private readonly ConcurrentQueue<Location> _registrations = new ConcurrentQueue<Location>();
            private int _middleware;

            public CompilationState(SF6002Symbols symbols, Compilation compilation)
            {
                _symbols = symbols;
                _compilation = compilation;
            }

            public void OnInvocation(OperationAnalysisContext context)
            {
                var call = (IInvocationOperation)context.Operation;
                var method = call.TargetMethod;
                if (method.Name == "UseRateLimiter" && KnownTypes.Is(method.ContainingType, _symbols.ApplicationBuilderExtensions))
                {
                    Volatile.Write(ref _middleware, 1);
                    return;
                }

                if (method.Name != "AddRateLimiter" || !KnownTypes.Is(method.ContainingType, _symbols.ServiceCollectionExtensions))
                {
                    return;
                }

                _registrations.Enqueue(call.Syntax.GetLocation());
                foreach (var argument in call.Arguments)
                {
                    if (argument.Parameter?.Ordinal == 1 &&
                        OperationHelpers.SkipConversions(argument.Value) is IDelegateCreationOperation { Target: IAnonymousFunctionOperation configure })
                    {
                        Judge(context, call, configure);
                    }
                }
            }

            public void OnEnd(CompilationAnalysisContext context)
            {
                if (Volatile.Read(ref _middleware) == 1 ||
                    _compilation.Options.OutputKind is not (OutputKind.ConsoleApplication or OutputKind.WindowsApplication))
                {
                    return;
                }

                foreach (var location in _registrations)
                {
                    context.ReportDiagnostic(Diagnostic.Create(
                        Descriptors.SF6002RateLimiterRejectsBadly,
                        location,
                        ImmutableDictionary<string, string?>.Empty.Add(KindProperty, MiddlewareKind),
                        "AddRateLimiter registers a rate limiter, but nothing in this application calls UseRateLimiter: no request is ever limited. Add app.UseRateLimiter() after UseRouting"));
                }
            }

            /// <summary>What the options lambda sets: the status code, the rejection handler, the policies and their windows.</summary>
            private void Judge(OperationAnalysisContext context, IInvocationOperation call, IAnonymousFunctionOperation configure)
            {
                var statusSet = false;
                var statusOk = false;
                IOperation? wrongStatus = null;
                var wrongCode = 0;
                ISimpleAssignmentOperation? onRejected = null;
                IOperation? policy = null;
                string? policyKind = null;

                foreach (var operation in configure.Body.DescendantsAndSelf())
                {
                    switch (operation)
                    {
                        case ISimpleAssignmentOperation { Target: IPropertyReferenceOperation property } assignment:
                            var owner = property.Property.ContainingType;
                            if (KnownTypes.Is(owner, _symbols.Options))
                            {
                                if (property.Property.Name == "RejectionStatusCode")
                                {
                                    statusSet = true;
                                    if (assignment.Value.ConstantValue is { HasValue: true, Value: int code } && code != 429)
                                    {
                                        if (wrongStatus is null)
                                        {
                                            wrongStatus = assignment.Value;
                                            wrongCode = code;
                                        }
                                    }
                                    else
                                    {
                                        statusOk = true; // 429, or a value the code does not show (configuration)
                                    }
                                }
                                else if (property.Property.Name == "OnRejected")
                                {
                                    onRejected ??= assignment;
                                }
                            }
                            break;
                        case IInvocationOperation invocation when policy is null && WindowedPolicyKind(invocation.TargetMethod) is { } kind:
                            policy = invocation;
                            policyKind = kind;
                            break;
                        case IObjectCreationOperation creation when policy is null && WindowedOptionsKind(creation.Type) is { } kind:
                            policy = creation;
                            policyKind = kind;
                            break;
                    }
                }

                if (!statusOk && wrongStatus is not null)
                {
                    Report(context, wrongStatus.Syntax.GetLocation(), StatusCodeKind, string.Format(
                        CultureInfo.InvariantCulture,
                        "The rate limiter rejects with {0}: {1}. Set RejectionStatusCode to 429 Too Many Requests",
                        wrongCode,
                        wrongCode == 503 ? "clients and load balancers read 503 Service Unavailable as the server being down" : "clients cannot tell a rate limit from any other failure"));
                }
                else if (!statusSet)
                {
                    Report(context, NameLocation(call), StatusCodeKind,
                        "The rate limiter rejects with 503 Service Unavailable, the default RejectionStatusCode: clients and load balancers read it as the server being down. Set RejectionStatusCode to 429 Too Many Requests");
                }

                if (policy is null)
                {
                    return;
                }

                if (onRejected is null)
                {
                    Report(context, NameLocation(policy), RetryAfterKind, string.Format(
                        CultureInfo.InvariantCulture,
                        "The {0} limiter knows when a rejected client may retry, but no OnRejected sends Retry-After: clients retry at once and are rejected again. Set OnRejected to write Retry-After",
                        policyKind));
                }
                else if (OperationHelpers.SkipConversions(onRejected.Value) is IDelegateCreationOperation { Target: IAnonymousFunctionOperation handler } && !MaySetRetryAfter(handler))
                {
                    Report(context, onRejected.Target.Syntax.GetLocation(), RetryAfterKind, string.Format(
                        CultureInfo.InvariantCulture,
                        "OnRejected never sets Retry-After, though the {0} limiter knows when a rejected client may retry: clients retry at once and are rejected again. Write Retry-After from the lease's MetadataName.RetryAfter",
                        policyKind));
                }
            }

            private static void Report(OperationAnalysisContext context, Location location, string kind, string message) =>
                context.ReportDiagnostic(Diagnostic.Create(
                    Descriptors.SF6002RateLimiterRejectsBadly,
                    location,
                    ImmutableDictionary<string, string?>.Empty.Add(KindProperty, kind),
                    message));

            /// <summary>The limiters that know when to retry: fixed window, sliding window, token bucket (a concurrency limiter does not).</summary>
            private string? WindowedPolicyKind(IMethodSymbol method)
            {
                if (KnownTypes.Is(method.ContainingType, _symbols.OptionsExtensions))
                {
                    return method.Name switch
                    {
                        "AddFixedWindowLimiter" => "fixed window",
                        "AddSlidingWindowLimiter" => "sliding window",
                        "AddTokenBucketLimiter" => "token bucket",
                        _ => null,
                    };
                }

                if (KnownTypes.Is(method.ContainingType, _symbols.RateLimitPartition))
                {
                    return method.Name switch
                    {
                        "GetFixedWindowLimiter" => "fixed window",
                        "GetSlidingWindowLimiter" => "sliding window",
                        "GetTokenBucketLimiter" => "token bucket",
                        _ => null,
                    };
                }

                return null;
            }

            private string? WindowedOptionsKind(ITypeSymbol? type) =>
                KnownTypes.Is(type, _symbols.FixedWindowOptions) ? "fixed window"
                : KnownTypes.Is(type, _symbols.SlidingWindowOptions) ? "sliding window"
                : KnownTypes.Is(type, _symbols.TokenBucketOptions) ? "token bucket"
                : null;

            /// <summary>
            /// True when the handler sets Retry-After (<c>Headers.RetryAfter</c>, <c>HeaderNames.RetryAfter</c>, the text
            /// "Retry-After") or may: it calls Steadfast's writer or the project's own code, which this rule cannot see into.
            /// </summary>
            private bool MaySetRetryAfter(IAnonymousFunctionOperation handler)
            {
                foreach (var operation in handler.Body.DescendantsAndSelf())
                {
                    switch (operation)
                    {
                        case IPropertyReferenceOperation { Property.Name: "RetryAfter" } property when KnownTypes.Is(property.Property.ContainingType, _symbols.HeaderDictionary):
                            return true;
                        case IFieldReferenceOperation { Field.Name: "RetryAfter" } field when KnownTypes.Is(field.Field.ContainingType, _symbols.HeaderNames):
                            return true;
                        case ILiteralOperation { ConstantValue: { HasValue: true, Value: string text } } when string.Equals(text, "Retry-After", StringComparison.OrdinalIgnoreCase):
                            return true;
                        case IInvocationOperation invocation when SymbolEqualityComparer.Default.Equals(invocation.TargetMethod.ContainingAssembly, _compilation.Assembly) ||
                                                                  KnownTypes.Is(invocation.TargetMethod.ContainingType, _symbols.SteadfastRateLimitRejection):
                            return true;
                    }
                }

                return false;
            }
        }
    }
}

namespace Steadfast.Analyzers.Rules.SF6002
{
    /// <summary>The types SF6002 and its fix need.</summary>
    internal sealed class SF6002Symbols : RuleSymbols<SF6002Symbols>
    {
        private SF6002Symbols(KnownTypes types)
            : base(types)
        {
        }

        public INamedTypeSymbol? Options => Types.RateLimiterOptions;

        public INamedTypeSymbol? OptionsExtensions => Types.RateLimiterOptionsExtensions;

        public INamedTypeSymbol? ServiceCollectionExtensions => Types.RateLimiterServiceCollectionExtensions;

        public INamedTypeSymbol? ApplicationBuilderExtensions => Types.RateLimiterApplicationBuilderExtensions;

        public INamedTypeSymbol? RateLimitPartition => Types.RateLimitPartition;

        public INamedTypeSymbol? FixedWindowOptions => Types.FixedWindowRateLimiterOptions;

        public INamedTypeSymbol? SlidingWindowOptions => Types.SlidingWindowRateLimiterOptions;

        public INamedTypeSymbol? TokenBucketOptions => Types.TokenBucketRateLimiterOptions;

        public INamedTypeSymbol? HeaderDictionary => Types.HeaderDictionary;

        public INamedTypeSymbol? HeaderNames => Types.HeaderNames;

        /// <summary>The fix's types, resolved only when a fix asks.</summary>
        public INamedTypeSymbol? StatusCodes => Types.StatusCodes;

        public INamedTypeSymbol? SteadfastRateLimitRejection => Types.SteadfastRateLimitRejection;

        public INamedTypeSymbol? WebApplication => Types.WebApplication;

        public INamedTypeSymbol? EndpointRoutingApplicationBuilderExtensions => Types.EndpointRoutingApplicationBuilderExtensions;

        public INamedTypeSymbol? AuthAppBuilderExtensions => Types.AuthAppBuilderExtensions;

        public INamedTypeSymbol? AuthorizationAppBuilderExtensions => Types.AuthorizationAppBuilderExtensions;

        public static SF6002Symbols GetOrCreate(Compilation compilation) => GetOrCreate(compilation, static types => new SF6002Symbols(types));
    }
}
