using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Runtime.CompilerServices;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace Steadfast.Analyzers.Internal
{
    /// <summary>
    /// Reads a rule's <c>.editorconfig</c> options for one syntax tree, parsed once per
    /// <see cref="AnalyzerConfigOptions"/> instance (Roslyn shares one instance between trees with the same sections).
    /// </summary>
    internal static class OptionsCache<T>
        where T : class
    {
        private static readonly ConditionalWeakTable<AnalyzerConfigOptions, T> Cache = new ConditionalWeakTable<AnalyzerConfigOptions, T>();

        public static T Get(AnalyzerOptions options, SyntaxTree tree, Func<AnalyzerConfigOptions, T> parse)
        {
            var configOptions = options.AnalyzerConfigOptionsProvider.GetOptions(tree);
            return Cache.GetValue(configOptions, o => parse(o));
        }
    }

    internal static class OptionParsing
    {
        private static readonly char[] ListSeparators = { ',', ';', ' ', '\t', '\r', '\n' };

        /// <summary>A list option: entries separated by commas, semicolons or white space. Missing gives an empty set.</summary>
        public static ImmutableHashSet<string> ReadList(AnalyzerConfigOptions options, string key)
        {
            if (!options.TryGetValue(key, out var value) || string.IsNullOrWhiteSpace(value))
            {
                return ImmutableHashSet<string>.Empty;
            }

            var builder = ImmutableHashSet.CreateBuilder<string>(StringComparer.Ordinal);
            foreach (var part in value.Split(ListSeparators, StringSplitOptions.RemoveEmptyEntries))
            {
                var entry = part.Trim();
                if (entry.StartsWith("global::", StringComparison.Ordinal))
                {
                    entry = entry.Substring("global::".Length);
                }

                if (entry.Length > 0)
                {
                    builder.Add(entry);
                }
            }

            return builder.ToImmutable();
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
