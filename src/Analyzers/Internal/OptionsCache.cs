using System;
using System.Collections.Immutable;
using System.Runtime.CompilerServices;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace Steadfast.Analyzers.Internal
{
    /// <summary>
    /// Reads a rule's <c>.editorconfig</c> options for one syntax tree, parsed once per
    /// <see cref="AnalyzerConfigOptions"/> instance (Roslyn shares one instance between trees with the same sections).
    /// A rule's <c>Options</c> class parses its <see cref="OptionDefinition{T}"/>s here; a single option can use
    /// <see cref="OptionDefinition{T}.Get"/>, which caches the same way.
    /// </summary>
    internal static class OptionsCache<T>
        where T : class
    {
        private static readonly ConfigOptionsCache<T> Cache = new ConfigOptionsCache<T>();

        public static T Get(AnalyzerOptions options, SyntaxTree tree, Func<AnalyzerConfigOptions, T> parse) => Cache.Get(options, tree, parse);
    }

    /// <summary>One cache of parsed values per <see cref="AnalyzerConfigOptions"/> instance, held weakly.</summary>
    internal sealed class ConfigOptionsCache<T>
        where T : class
    {
        private readonly ConditionalWeakTable<AnalyzerConfigOptions, T> _cache = new ConditionalWeakTable<AnalyzerConfigOptions, T>();

        public T Get(AnalyzerOptions options, SyntaxTree tree, Func<AnalyzerConfigOptions, T> parse)
        {
            var configOptions = options.AnalyzerConfigOptionsProvider.GetOptions(tree);
            return _cache.GetValue(configOptions, o => parse(o));
        }
    }

    internal static class SymbolNames
    {
        private static readonly SymbolDisplayFormat QualifiedTypeFormat = new SymbolDisplayFormat(
            globalNamespaceStyle: SymbolDisplayGlobalNamespaceStyle.Omitted,
            typeQualificationStyle: SymbolDisplayTypeQualificationStyle.NameAndContainingTypesAndNamespaces,
            genericsOptions: SymbolDisplayGenericsOptions.None);

        /// <summary><c>Namespace.Type</c> without generic arguments, as users write it in options.</summary>
        public static string QualifiedTypeName(ITypeSymbol type) => type.OriginalDefinition.ToDisplayString(QualifiedTypeFormat);

        /// <summary>
        /// True when <paramref name="method"/> is named by an option entry: <c>Namespace.Type.Method</c> (every overload)
        /// or <c>Namespace.Type.*</c> (every method of the type).
        /// </summary>
        public static bool MatchesAny(IMethodSymbol method, ImmutableHashSet<string> entries)
        {
            if (entries.IsEmpty || method.ContainingType is null)
            {
                return false;
            }

            var typeName = QualifiedTypeName(method.ContainingType);
            var methodName = (method.ReducedFrom ?? method).Name;
            return entries.Contains(typeName + "." + methodName) || entries.Contains(typeName + ".*");
        }
    }
}
