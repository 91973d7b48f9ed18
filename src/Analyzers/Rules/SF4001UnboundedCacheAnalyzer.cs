using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Globalization;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;
using Steadfast.Analyzers.Internal;
using Steadfast.Analyzers.Rules.SF4001;

namespace Steadfast.Analyzers.Rules
{
    /// <summary>
    /// SF4001: a private <c>Dictionary</c>/<c>ConcurrentDictionary</c> field used as a cache (or a per-key lock map) that
    /// gains entries at run time and never loses one. Judged per type (symbol start/end), so every partial part and
    /// nested type that touches the field is seen before deciding.
    /// </summary>
    [DiagnosticAnalyzer(LanguageNames.CSharp)]
    public sealed class SF4001UnboundedCacheAnalyzer : DiagnosticAnalyzer
    {
        /// <summary>Option: the capacity the code fix gives the <c>BoundedCache</c>.</summary>
        internal static readonly OptionDefinition<int> Capacity = OptionDefinition.PositiveInteger(
            "SF4001.capacity",
            "The capacity the code fix gives the `BoundedCache`.",
            DefaultCapacity);

        /// <summary>Diagnostic property: the capacity the fix writes.</summary>
        public const string CapacityProperty = "Capacity";

        /// <summary>Diagnostic property: "true" when the values are locks, semaphores or rate limiters: evicting one that is held would break mutual exclusion, so no fix is offered.</summary>
        public const string HoldsLocksProperty = "HoldsLocks";

        /// <summary>Diagnostic property: "true" when the map is static and keyed by objects compared by reference: its values are state kept per object, not a cache, so no fix is offered.</summary>
        public const string PinsKeysProperty = "PinsKeys";

        internal const int DefaultCapacity = 1024;

        /// <summary>Option: report in test code too (silent there by default, see <see cref="TestCode"/>).</summary>
        internal static readonly OptionDefinition<bool> IncludeTestCode = OptionDefinition.IncludeTestCode(DiagnosticIds.UnboundedCache);

        public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(Descriptors.SF4001UnboundedCache);

        public override void Initialize(AnalysisContext context)
        {
            context.EnableConcurrentExecution();
            context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
            context.RegisterCompilationStartAction(static start =>
            {
                if (!TestCode.Gate(ref start, IncludeTestCode))
                {
                    return; // a test project (see TestCode)
                }

                var types = SF4001Symbols.GetOrCreate(start.Compilation);
                if (types.Dictionary is null && types.ConcurrentDictionary is null)
                {
                    return;
                }

                // Per type: its watched fields, or nothing registered (the usual case).
                WatchedFields<FieldUsage>.OnEachType(start, (owner, compilation) =>
                    CacheFields.Find(owner, types) is { } candidates ? new TypeState(owner, candidates, types, compilation) : null);
            });
        }

        private sealed class TypeState : WatchedFields<FieldUsage>
        {
            private readonly SF4001Symbols _types;

            public TypeState(INamedTypeSymbol owner, Dictionary<IFieldSymbol, FieldUsage> fields, SF4001Symbols types, Compilation compilation)
                : base(owner, fields, compilation)
            {
                _types = types;
            }

            protected override void Record(FieldUsage usage, IFieldReferenceOperation reference, ISymbol containingSymbol) =>
                usage.Record(FieldUse.Classify(reference, containingSymbol));

            protected override Diagnostic? Judge(IFieldSymbol field, FieldUsage usage, SymbolAnalysisContext context)
            {
                // The owner's lifetime first when it is at hand: the keys' judgement (their callers bound) is the costly part.
                if (usage.MayGrow && KnownToLiveWithShortLivedOwner(field, context.CancellationToken))
                {
                    return null;
                }

                var shape = usage.Verdict(Calls, Domain, _types);

                // An instance field lives as long as its owner: one made per request or per operation takes its map with it.
                if (shape == CacheShape.None || LivesWithShortLivedOwner(field, context.CancellationToken))
                {
                    return null;
                }

                var location = field.Locations[0];
                var capacity = Capacity.Get(context.Options, location.SourceTree!);

                var properties = ImmutableDictionary<string, string?>.Empty
                    .Add(CapacityProperty, capacity.ToString(CultureInfo.InvariantCulture));
                if (shape == CacheShape.Locks)
                {
                    properties = properties.Add(HoldsLocksProperty, "true");
                }
                else if (shape == CacheShape.PinsKeys)
                {
                    properties = properties.Add(PinsKeysProperty, "true");
                }

                return Diagnostic.Create(
                    Descriptors.SF4001UnboundedCache,
                    location,
                    properties,
                    field.Name,
                    shape switch
                    {
                        CacheShape.Locks => "holds a lock per key",
                        CacheShape.PinsKeys => "keeps every key object alive",
                        CacheShape.TimePerKey => "records a time per key",
                        _ => "is used as a cache",
                    });
            }
        }
    }
}

namespace Steadfast.Analyzers.Rules.SF4001
{
    /// <summary>The symbols SF4001 and its fix need (see <see cref="RuleSymbols{TSelf}"/>); any may be null where the compilation lacks the type.</summary>
    internal sealed class SF4001Symbols : RuleSymbols<SF4001Symbols>
    {
        private SF4001Symbols(KnownTypes types)
            : base(types)
        {
        }

        public INamedTypeSymbol? Assembly => Types.Assembly;

        public INamedTypeSymbol? ConcurrentDictionary => Types.ConcurrentDictionary;

        public INamedTypeSymbol? Configuration => Types.Configuration;

        public INamedTypeSymbol? ConfigureNamedOptions => Types.ConfigureNamedOptions;

        public INamedTypeSymbol? ControllerBase => Types.ControllerBase;

        public INamedTypeSymbol? CultureInfo => Types.CultureInfo;

        public INamedTypeSymbol? DateTimeOffset => Types.DateTimeOffset;

        public INamedTypeSymbol? Dictionary => Types.Dictionary;

        public INamedTypeSymbol? EquatableOfT => Types.EquatableOfT;

        public INamedTypeSymbol? HostedService => Types.HostedService;

        public INamedTypeSymbol? OptionsFactory => Types.OptionsFactory;

        public INamedTypeSymbol? OptionsMonitor => Types.OptionsMonitor;

        public INamedTypeSymbol? OptionsMonitorCache => Types.OptionsMonitorCache;

        public INamedTypeSymbol? OptionsSnapshot => Types.OptionsSnapshot;

        public INamedTypeSymbol? PageModel => Types.PageModel;

        public INamedTypeSymbol? ServiceCollectionDescriptorExtensions => Types.ServiceCollectionDescriptorExtensions;

        public INamedTypeSymbol? ServiceCollectionHostedServiceExtensions => Types.ServiceCollectionHostedServiceExtensions;

        public INamedTypeSymbol? ServiceCollectionServiceExtensions => Types.ServiceCollectionServiceExtensions;

        public INamedTypeSymbol? SignalRHub => Types.SignalRHub;

        public INamedTypeSymbol? MemberInfo => Types.MemberInfo;

        public INamedTypeSymbol? ParameterInfo => Types.ParameterInfo;

        public INamedTypeSymbol? SteadfastBoundedCache => Types.SteadfastBoundedCache;

        public INamedTypeSymbol? Type => Types.Type;

        public INamedTypeSymbol? ClaimsPrincipal => Types.ClaimsPrincipal;

        public INamedTypeSymbol? EndpointRouteBuilderExtensions => Types.EndpointRouteBuilderExtensions;

        public INamedTypeSymbol? GrpcBindServiceMethodAttribute => Types.GrpcBindServiceMethodAttribute;

        public INamedTypeSymbol? HttpContext => Types.HttpContext;

        public INamedTypeSymbol? HttpRequest => Types.HttpRequest;

        public INamedTypeSymbol? HubCallerContext => Types.HubCallerContext;

        public INamedTypeSymbol? MassTransitConsumer => Types.MassTransitConsumer;

        public INamedTypeSymbol? MediatRNotificationHandler => Types.MediatRNotificationHandler;

        public INamedTypeSymbol? MediatRRequestHandler => Types.MediatRRequestHandler;

        public INamedTypeSymbol? NonActionAttribute => Types.NonActionAttribute;

        public INamedTypeSymbol? SystemConsole => Types.SystemConsole;

        public static SF4001Symbols GetOrCreate(Compilation compilation) => GetOrCreate(compilation, static types => new SF4001Symbols(types));
    }
}
