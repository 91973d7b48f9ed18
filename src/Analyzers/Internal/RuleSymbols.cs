using System;
using System.Runtime.CompilerServices;
using Microsoft.CodeAnalysis;

namespace Steadfast.Analyzers.Internal
{
    /// <summary>
    /// The base of each rule's own symbol context (Meziantou's per-rule <c>AnalyzerContext</c>): one instance per
    /// compilation, built on first use from the shared lazy provider (<see cref="KnownTypes"/>), naming only the symbols
    /// that rule and its fix need. Its properties read the provider when first asked (<c>=&gt; Types.X</c>), never in the
    /// constructor: resolving a name the compilation lacks searches every referenced assembly, and a rule's compilation
    /// start would otherwise pay for every name it might need (the per-rule floor on real code, see docs/performance.md).
    /// </summary>
    internal abstract class RuleSymbols<TSelf>
        where TSelf : RuleSymbols<TSelf>
    {
        private static readonly ConditionalWeakTable<Compilation, TSelf> Cache = new ConditionalWeakTable<Compilation, TSelf>();

        protected RuleSymbols(KnownTypes types) => Types = types;

        /// <summary>The shared provider, for the predicates rules share (<see cref="KnownTypes.IsTask"/>, <see cref="KnownTypes.IsTestMethod"/>).</summary>
        protected KnownTypes Types { get; }

        protected static TSelf GetOrCreate(Compilation compilation, Func<KnownTypes, TSelf> create) =>
            Cache.GetValue(compilation, c => create(KnownTypes.GetOrCreate(c)));
    }
}
