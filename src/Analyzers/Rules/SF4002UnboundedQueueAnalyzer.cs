using System.Collections.Generic;
using System.Collections.Immutable;
using System.Globalization;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;
using Steadfast.Analyzers.Internal;
using Steadfast.Analyzers.Rules.SF4001;
using Steadfast.Analyzers.Rules.SF4002;

namespace Steadfast.Analyzers.Rules
{
    /// <summary>
    /// SF4002: (a) a private <c>Channel&lt;T&gt;</c> made by <c>Channel.CreateUnbounded</c>, or a <c>BlockingCollection&lt;T&gt;</c>
    /// made without a bounded capacity, written after construction (on a request, message or event path); (b) a private
    /// <c>List</c>, <c>Queue</c>, <c>ConcurrentQueue</c>, <c>ConcurrentBag</c> or <c>LinkedList</c> that gains items from
    /// outside input after construction and never loses one. Judged per type (symbol start/end), with SF4001's escape
    /// rules: a field that leaves the type, is named in a nested type, or belongs to a short-lived owner is not judged.
    /// </summary>
    [DiagnosticAnalyzer(LanguageNames.CSharp)]
    public sealed class SF4002UnboundedQueueAnalyzer : DiagnosticAnalyzer
    {
        internal const int DefaultCapacity = 1024;

        /// <summary>Option: the capacity the code fixes give the bounded channel, blocking collection or <c>BoundedHistory</c>.</summary>
        internal static readonly OptionDefinition<int> Capacity = OptionDefinition.PositiveInteger(
            "SF4002.capacity",
            "The capacity the code fixes give the bounded channel or `BlockingCollection`, and the `BoundedHistory`.",
            DefaultCapacity);

        /// <summary>Option: report in test code too (silent there by default, see <see cref="TestCode"/>).</summary>
        internal static readonly OptionDefinition<bool> IncludeTestCode = OptionDefinition.IncludeTestCode(DiagnosticIds.UnboundedQueue);

        /// <summary>Diagnostic property: the capacity the fix writes.</summary>
        public const string CapacityProperty = "Capacity";

        /// <summary>Diagnostic property: what the field holds (a <see cref="QueueKind"/> name).</summary>
        public const string KindProperty = "Kind";

        /// <summary>
        /// Diagnostic property, for channels and blocking collections: the full mode that keeps every write's meaning,
        /// <see cref="FullModeWait"/> or <see cref="FullModeDropOldest"/>; absent when none does (no fix).
        /// </summary>
        public const string FullModeProperty = "FullMode";

        /// <summary>Writers wait for room (<c>WriteAsync</c>, <c>BlockingCollection.Add</c>); a checked <c>TryWrite</c> sees false.</summary>
        public const string FullModeWait = "Wait";

        /// <summary>A <c>TryWrite</c> whose result is dropped: the write still succeeds, and the oldest item makes room.</summary>
        public const string FullModeDropOldest = "DropOldest";

        public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(Descriptors.SF4002UnboundedQueue);

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

                var types = SF4002Symbols.GetOrCreate(start.Compilation);
                if (types.ChannelOfT is null && types.BlockingCollection is null && types.List is null && types.Queue is null &&
                    types.LinkedList is null && types.ConcurrentQueue is null && types.ConcurrentBag is null)
                {
                    return;
                }

                // Per type: its watched fields, or nothing registered (the usual case).
                WatchedFields<QueueUsage>.OnEachType(start, (owner, compilation) =>
                    QueueFields.Find(owner, types) is { } candidates ? new TypeState(owner, candidates, types, compilation) : null);
            });
        }

        /// <summary>SF4002's per-type state: SF4001's (<see cref="WatchedFields{TUsage}"/>: its escape rules, owner lifetimes and input evidence), plus field initializers.</summary>
        private sealed class TypeState : WatchedFields<QueueUsage>
        {
            private readonly SF4002Symbols _types;

            public TypeState(INamedTypeSymbol owner, Dictionary<IFieldSymbol, QueueUsage> fields, SF4002Symbols types, Compilation compilation)
                : base(owner, fields, compilation)
            {
                _types = types;
            }

            public override void Register(SymbolStartAnalysisContext context)
            {
                base.Register(context);
                context.RegisterOperationAction(OnFieldInitializer, OperationKind.FieldInitializer);
            }

            protected override void Record(QueueUsage usage, IFieldReferenceOperation reference, ISymbol containingSymbol) =>
                usage.Record(reference, containingSymbol, _types);

            private void OnFieldInitializer(OperationAnalysisContext context)
            {
                var initializer = (IFieldInitializerOperation)context.Operation;
                foreach (var field in initializer.InitializedFields)
                {
                    if (TryGetUsage(field, out var usage))
                    {
                        lock (usage)
                        {
                            usage.RecordCreation(initializer.Value, _types);
                        }
                    }
                }
            }

            protected override Diagnostic? Judge(IFieldSymbol field, QueueUsage usage, SymbolAnalysisContext context)
            {
                // An instance field lives as long as its owner: one made per request or per operation takes its queue with it.
                if (!usage.IsUnbounded(Calls, Domain) || LivesWithShortLivedOwner(field, context.CancellationToken))
                {
                    return null;
                }

                var location = field.Locations[0];
                var capacity = Capacity.Get(context.Options, location.SourceTree!);
                var properties = ImmutableDictionary<string, string?>.Empty
                    .Add(CapacityProperty, capacity.ToString(CultureInfo.InvariantCulture))
                    .Add(KindProperty, usage.Kind.ToString());
                if (FullMode(usage) is { } mode)
                {
                    properties = properties.Add(FullModeProperty, mode);
                }

                return Diagnostic.Create(
                    Descriptors.SF4002UnboundedQueue,
                    location,
                    properties,
                    field.Name,
                    usage.Kind switch
                    {
                        QueueKind.Channel => "is an unbounded channel written at run time, and a consumer slower than its producers lets it fill",
                        QueueKind.BlockingCollection => "is an unbounded BlockingCollection added to at run time, and a consumer slower than its producers lets it fill",
                        _ => "is a history that gains an item for every outside input and never loses one",
                    });
            }

            /// <summary>
            /// The full mode that keeps every write's meaning: a dropped <c>TryWrite</c> result must still mean the item was
            /// kept (drop the oldest); otherwise writers wait. A blocking collection has no drop-oldest mode, and a writer
            /// passed elsewhere has producers out of sight: no mode is known to be safe there.
            /// </summary>
            private static string? FullMode(QueueUsage usage) => usage.Kind switch
            {
                QueueKind.Channel when !usage.WriterEscapes => usage.UncheckedTry ? FullModeDropOldest : FullModeWait,
                QueueKind.BlockingCollection when !usage.UncheckedTry => FullModeWait,
                _ => null,
            };
        }
    }
}

namespace Steadfast.Analyzers.Rules.SF4002
{
    /// <summary>The symbols SF4002 and its fix need (see <see cref="RuleSymbols{TSelf}"/>); any may be null where the compilation lacks the type.</summary>
    internal sealed class SF4002Symbols : RuleSymbols<SF4002Symbols>
    {
        private SF4002Symbols(KnownTypes types)
            : base(types)
        {
        }

        public INamedTypeSymbol? BlockingCollection => Types.BlockingCollection;

        public INamedTypeSymbol? BoundedChannelOptions => Types.BoundedChannelOptions;

        public INamedTypeSymbol? Channel => Types.Channel;

        public INamedTypeSymbol? ChannelOfT => Types.ChannelOfT;

        public INamedTypeSymbol? ConcurrentBag => Types.ConcurrentBag;

        public INamedTypeSymbol? ConcurrentQueue => Types.ConcurrentQueue;

        public INamedTypeSymbol? LinkedList => Types.LinkedList;

        public INamedTypeSymbol? List => Types.List;

        public INamedTypeSymbol? Queue => Types.Queue;

        public INamedTypeSymbol? SteadfastBoundedHistory => Types.SteadfastBoundedHistory;

        public INamedTypeSymbol? UnboundedChannelOptions => Types.UnboundedChannelOptions;

        /// <summary>A task or value task (a dispatch loop starts one per item and does not await it).</summary>
        public bool IsTaskOrValueTask(ITypeSymbol? type) => Types.IsTaskOrValueTask(type);

        public static SF4002Symbols GetOrCreate(Compilation compilation) => GetOrCreate(compilation, static types => new SF4002Symbols(types));
    }
}
