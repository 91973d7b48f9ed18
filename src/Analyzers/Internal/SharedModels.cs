using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Microsoft.CodeAnalysis;

namespace Steadfast.Analyzers.Internal
{
    /// <summary>
    /// One semantic model per syntax tree for the facts that span the compilation (SF4001's and SF4002's input sources
    /// and owner lifetimes, SF6001's helper callers), shared by all of them, so that a member body one fact has bound
    /// (with its nullable analysis and operation tree) is not bound again for another.
    /// </summary>
    /// <remarks>
    /// While the driver still holds a tree's model, <see cref="Compilation.GetSemanticModel"/> returns that one; once it
    /// has finished the tree and dropped it, each caller used to get a fresh model of its own (the registrations' scan,
    /// the owners' creations and the callers of a key's method each bound the same bodies again). The profile of round 7
    /// (docs/performance.md, "Round 7: profile") put 42% of the analyzers' samples under such binding.
    /// </remarks>
    internal static class SharedModels
    {
        private static readonly ConditionalWeakTable<Compilation, ConcurrentDictionary<SyntaxTree, SemanticModel>> Cache =
            new ConditionalWeakTable<Compilation, ConcurrentDictionary<SyntaxTree, SemanticModel>>();

        /// <summary>The model of <paramref name="tree"/> in <paramref name="compilation"/>, made once and shared.</summary>
        public static SemanticModel Get(Compilation compilation, SyntaxTree tree)
        {
            var models = Cache.GetValue(compilation, static _ => new ConcurrentDictionary<SyntaxTree, SemanticModel>());
            if (models.TryGetValue(tree, out var model))
            {
                return model;
            }

#pragma warning disable RS1030 // Compilation-wide facts bind other trees than the one analyzed; one model per tree, shared (see remarks).
            return models.GetOrAdd(tree, compilation.GetSemanticModel(tree));
#pragma warning restore RS1030
        }
    }
}
