using System;
using System.Collections.Generic;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace Steadfast.Analyzers.Rules.SF4001
{
    /// <summary>
    /// The per-type state SF4001 and SF4002 share (one instance per type with watched fields, made at its symbol start):
    /// the owner's watched private fields and what each rule records of them, the calls of the owner's private methods
    /// (<see cref="CallSites"/>), the key domain, and the compilation's owner lifetimes and input sources (one per
    /// compilation, shared by both rules). The rule says what it records of a field reference and how it judges a field
    /// at the end; this class registers the callbacks, guards each usage with its lock, and skips fields not declared in
    /// source.
    /// </summary>
    /// <typeparam name="TUsage">What the rule records of one field; guarded by locking the instance.</typeparam>
    internal abstract class WatchedFields<TUsage>
        where TUsage : class
    {
        private readonly Dictionary<IFieldSymbol, TUsage> _fields;
        private readonly Compilation _compilation;
        private readonly SF4001Symbols _symbols;

        protected WatchedFields(INamedTypeSymbol owner, Dictionary<IFieldSymbol, TUsage> fields, Compilation compilation)
        {
            Owner = owner;
            _fields = fields;
            _compilation = compilation;

            // SF4002 judges with SF4001's evidence: both read SF4001's symbol context and share its per-compilation facts.
            _symbols = SF4001Symbols.GetOrCreate(compilation);
            Domain = new KeyDomain(_symbols, owner, InputSources.GetOrCreate(compilation));
            Calls = new CallSites(owner);
        }

        /// <summary>
        /// At each type's symbol start, the rule's state for the type, registered when <paramref name="create"/> makes one
        /// (null in the usual case: no watched field, nothing registered).
        /// </summary>
        public static void OnEachType(CompilationStartAnalysisContext start, Func<INamedTypeSymbol, Compilation, WatchedFields<TUsage>?> create)
        {
            var compilation = start.Compilation;
            start.RegisterSymbolStartAction(
                symbolStart => create((INamedTypeSymbol)symbolStart.Symbol, compilation)?.Register(symbolStart),
                SymbolKind.NamedType);
        }

        /// <summary>The type whose fields are watched.</summary>
        protected INamedTypeSymbol Owner { get; }

        /// <summary>Where keys and items come from (its private methods' parameters are deferred to <see cref="Calls"/>).</summary>
        protected KeyDomain Domain { get; }

        /// <summary>The calls of the owner's private methods and local functions.</summary>
        protected CallSites Calls { get; }

        /// <summary>Registers the callbacks both rules need: field references, invocations, method references and the symbol end.</summary>
        public virtual void Register(SymbolStartAnalysisContext context)
        {
            context.RegisterOperationAction(OnFieldReference, OperationKind.FieldReference);
            context.RegisterOperationAction(OnInvocation, OperationKind.Invocation);
            context.RegisterOperationAction(Calls.OnMethodReference, OperationKind.MethodReference);
            context.RegisterSymbolEndAction(OnEnd);
        }

        /// <summary>The usage recorded for <paramref name="field"/>, when it is watched.</summary>
        protected bool TryGetUsage(IFieldSymbol field, out TUsage usage) => _fields.TryGetValue(field.OriginalDefinition, out usage!);

        /// <summary>Records one reference of a watched field (called under the usage's lock).</summary>
        protected abstract void Record(TUsage usage, IFieldReferenceOperation reference, ISymbol containingSymbol);

        /// <summary>The finding for one watched field declared in source, or null (called under the usage's and the calls' locks).</summary>
        protected abstract Diagnostic? Judge(IFieldSymbol field, TUsage usage, SymbolAnalysisContext context);

        /// <summary>
        /// True for an instance field of an owner made per request or per operation, which takes its collection with it
        /// (<see cref="OwnerLifetimes"/>: computed once per compilation, then per owner).
        /// </summary>
        protected bool LivesWithShortLivedOwner(IFieldSymbol field, CancellationToken cancellationToken) =>
            !field.IsStatic && OwnerLifetimes.Get(_compilation, _symbols, cancellationToken).Of(Owner, cancellationToken) == OwnerLifetime.ShortLived;

        /// <summary>
        /// True when the owner's lifetime is already at hand (some rule has scanned the compilation's registrations) and
        /// the field is an instance field of a short-lived owner: asked before the costly judgement of the field's keys or
        /// items, which the finding would be dropped for anyway. False says nothing (not scanned yet, or not short-lived).
        /// </summary>
        protected bool KnownToLiveWithShortLivedOwner(IFieldSymbol field, CancellationToken cancellationToken) =>
            !field.IsStatic && OwnerLifetimes.TryGetScanned(_compilation, out var lifetimes) &&
            lifetimes!.Of(Owner, cancellationToken) == OwnerLifetime.ShortLived;

        private void OnInvocation(OperationAnalysisContext context) => Calls.OnInvocation(context, Domain);

        private void OnFieldReference(OperationAnalysisContext context)
        {
            var reference = (IFieldReferenceOperation)context.Operation;
            if (!TryGetUsage(reference.Field, out var usage))
            {
                return;
            }

            lock (usage)
            {
                Record(usage, reference, context.ContainingSymbol);
            }
        }

        private void OnEnd(SymbolAnalysisContext context)
        {
            Domain.CancellationToken = context.CancellationToken;
            foreach (var pair in _fields)
            {
                var field = pair.Key;
                if (field.Locations.Length == 0 || !field.Locations[0].IsInSource)
                {
                    continue;
                }

                Diagnostic? finding;
                lock (pair.Value)
                {
                    lock (Calls)
                    {
                        finding = Judge(field, pair.Value, context);
                    }
                }

                if (finding is not null)
                {
                    context.ReportDiagnostic(finding);
                }
            }
        }
    }
}
