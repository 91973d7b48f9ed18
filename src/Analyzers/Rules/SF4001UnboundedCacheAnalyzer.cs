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

                start.RegisterSymbolStartAction(
                    symbolStart =>
                    {
                        var candidates = CacheFields.Find((INamedTypeSymbol)symbolStart.Symbol, types);
                        if (candidates is null)
                        {
                            return; // the usual case: no private dictionary field worth watching, nothing registered
                        }

                        var state = new TypeState(candidates);
                        symbolStart.RegisterOperationAction(state.OnFieldReference, OperationKind.FieldReference);
                        symbolStart.RegisterSymbolEndAction(state.OnEnd);
                    },
                    SymbolKind.NamedType);
            });
        }

        private sealed class TypeState
        {
            private readonly Dictionary<IFieldSymbol, FieldUsage> _fields;

            public TypeState(Dictionary<IFieldSymbol, FieldUsage> fields) => _fields = fields;

            public void OnFieldReference(OperationAnalysisContext context)
            {
                var reference = (IFieldReferenceOperation)context.Operation;
                if (!_fields.TryGetValue(reference.Field.OriginalDefinition, out var usage))
                {
                    return;
                }

                var use = FieldUse.Classify(reference, context.ContainingSymbol);
                lock (usage)
                {
                    usage.Record(use);
                }
            }

            public void OnEnd(SymbolAnalysisContext context)
            {
                foreach (var pair in _fields)
                {
                    var field = pair.Key;
                    var usage = pair.Value;
                    if (!usage.TryGetVerdict(out var holdsLocks) || field.Locations.Length == 0 || !field.Locations[0].IsInSource)
                    {
                        continue;
                    }

                    var location = field.Locations[0];
                    var capacity = Capacity.Get(context.Options, location.SourceTree!);

                    var properties = ImmutableDictionary<string, string?>.Empty
                        .Add(CapacityProperty, capacity.ToString(CultureInfo.InvariantCulture));
                    if (holdsLocks)
                    {
                        properties = properties.Add(HoldsLocksProperty, "true");
                    }

                    context.ReportDiagnostic(Diagnostic.Create(
                        Descriptors.SF4001UnboundedCache,
                        location,
                        properties,
                        field.Name,
                        holdsLocks ? "holds a lock per key" : "is used as a cache"));
                }
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
            ConcurrentDictionary = types.ConcurrentDictionary;
            Dictionary = types.Dictionary;
            MemberInfo = types.MemberInfo;
            ParameterInfo = types.ParameterInfo;
            SteadfastBoundedCache = types.SteadfastBoundedCache;
            Type = types.Type;
        }

        public INamedTypeSymbol? ConcurrentDictionary { get; }

        public INamedTypeSymbol? Dictionary { get; }

        public INamedTypeSymbol? MemberInfo { get; }

        public INamedTypeSymbol? ParameterInfo { get; }

        public INamedTypeSymbol? SteadfastBoundedCache { get; }

        public INamedTypeSymbol? Type { get; }

        public static SF4001Symbols GetOrCreate(Compilation compilation) => GetOrCreate(compilation, static types => new SF4001Symbols(types));
    }
}
