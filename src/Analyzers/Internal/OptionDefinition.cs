using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Globalization;
using System.Runtime.CompilerServices;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace Steadfast.Analyzers.Internal
{
    /// <summary>
    /// One <c>.editorconfig</c> option of a rule: its key (<c>SF1001.allowed_methods</c>), the type and default as the
    /// docs show them, one sentence for the rule page's options table, and (in <see cref="OptionDefinition{T}"/>) the
    /// parser. Each rule declares its options as static fields of its analyzer; the docs generator finds them by reflection.
    /// </summary>
    internal abstract class OptionDefinition
    {
        private protected OptionDefinition(string key, string typeText, string defaultText, string description)
        {
            Key = key;
            TypeText = typeText;
            DefaultText = defaultText;
            Description = description;
        }

        /// <summary>The key as written in <c>.editorconfig</c>: <c>SFxxxx.snake_case_name</c>.</summary>
        public string Key { get; }

        /// <summary>The rule the option belongs to: the part of the key before the dot.</summary>
        public string RuleId => Key.Substring(0, Key.IndexOf('.'));

        /// <summary>The value type as the docs show it, e.g. <c>list</c> or <c>positive integer</c>.</summary>
        public string TypeText { get; }

        /// <summary>The default as the docs show it, e.g. <c>(none)</c> or <c>`1024`</c>.</summary>
        public string DefaultText { get; }

        /// <summary>One sentence for the rule page's options table.</summary>
        public string Description { get; }

        private static readonly char[] ListSeparators = { ',', ';', ' ', '\t', '\r', '\n' };

        /// <summary>
        /// A list: entries separated by commas, semicolons or white space, a leading <c>global::</c> dropped. Absent gives
        /// <paramref name="defaults"/>; present (even empty) gives exactly its entries, so setting it replaces the defaults.
        /// </summary>
        public static OptionDefinition<ImmutableHashSet<string>> List(string key, string description, params string[] defaults) =>
            new OptionDefinition<ImmutableHashSet<string>>(
                key,
                "comma-separated list",
                ImmutableHashSet.Create(StringComparer.Ordinal, defaults),
                defaults.Length == 0 ? "(none)" : "`" + string.Join(", ", defaults) + "`",
                description,
                (string text, out ImmutableHashSet<string> value) =>
                {
                    value = ParseList(text);
                    return true;
                });

        /// <summary>One of a few names (compared ignoring case and surrounding white space); any other value gives the default.</summary>
        public static OptionDefinition<T> Choice<T>(string key, string description, T defaultValue, params (string Name, T Value)[] choices)
        {
            var names = new List<string>();
            string? defaultName = null;
            foreach (var choice in choices)
            {
                names.Add("`" + choice.Name + "`");
                if (defaultName is null && EqualityComparer<T>.Default.Equals(choice.Value, defaultValue))
                {
                    defaultName = choice.Name;
                }
            }

            return new OptionDefinition<T>(
                key,
                "one of " + string.Join(", ", names),
                defaultValue,
                "`" + (defaultName ?? throw new ArgumentException("the default is not one of the choices", nameof(defaultValue))) + "`",
                description,
                (string text, out T value) =>
                {
                    var trimmed = text.Trim();
                    foreach (var choice in choices)
                    {
                        if (string.Equals(trimmed, choice.Name, StringComparison.OrdinalIgnoreCase))
                        {
                            value = choice.Value;
                            return true;
                        }
                    }

                    value = default!;
                    return false;
                });
        }

        /// <summary>A positive integer (invariant culture, white space allowed around it); anything else gives the default.</summary>
        public static OptionDefinition<int> PositiveInteger(string key, string description, int defaultValue) =>
            new OptionDefinition<int>(
                key,
                "positive integer",
                defaultValue,
                "`" + defaultValue.ToString(CultureInfo.InvariantCulture) + "`",
                description,
                (string text, out int value) => int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out value) && value > 0);

        /// <summary><c>true</c> or <c>false</c> (ignoring case and surrounding white space); anything else gives the default.</summary>
        public static OptionDefinition<bool> Boolean(string key, string description, bool defaultValue) =>
            new OptionDefinition<bool>(
                key,
                "`true` or `false`",
                defaultValue,
                defaultValue ? "`true`" : "`false`",
                description,
                (string text, out bool value) => bool.TryParse(text.Trim(), out value));

        /// <summary>
        /// <c>SFxxxx.include_test_code</c>, the same for each rule that is silent in test code by default (see
        /// <see cref="TestCode"/>): <c>true</c> turns the rule back on there.
        /// </summary>
        public static OptionDefinition<bool> IncludeTestCode(string ruleId) =>
            Boolean(
                ruleId + ".include_test_code",
                "`true` reports in test code too: a project that references a test framework (xunit, NUnit, MSTest, TUnit) or is marked `IsTestProject` (Microsoft.NET.Test.Sdk), and a test class or a test, set-up or fixture method anywhere; by default the rule is silent there.",
                false);

        private static ImmutableHashSet<string> ParseList(string text)
        {
            if (string.IsNullOrWhiteSpace(text))
            {
                return ImmutableHashSet<string>.Empty;
            }

            var builder = ImmutableHashSet.CreateBuilder<string>(StringComparer.Ordinal);
            foreach (var part in text.Split(ListSeparators, StringSplitOptions.RemoveEmptyEntries))
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

    /// <summary>An option whose value is a <typeparamref name="T"/>: a bad value falls back to <see cref="Default"/>.</summary>
    internal sealed class OptionDefinition<T> : OptionDefinition
    {
        public delegate bool TryParse(string text, out T value);

        private readonly TryParse _parse;
        private readonly ConfigOptionsCache<StrongBox<T>> _cache = new ConfigOptionsCache<StrongBox<T>>();
        private readonly Func<AnalyzerConfigOptions, StrongBox<T>> _readBoxed;

        internal OptionDefinition(string key, string typeText, T defaultValue, string defaultText, string description, TryParse parse)
            : base(key, typeText, defaultText, description)
        {
            Default = defaultValue;
            _parse = parse;
            _readBoxed = o => new StrongBox<T>(Read(o));
        }

        public T Default { get; }

        /// <summary>The value in <paramref name="options"/>: the default when the key is absent or its value does not parse.</summary>
        public T Read(AnalyzerConfigOptions options)
        {
            TryRead(options, out var value);
            return value;
        }

        /// <summary>
        /// True when the key is set in <paramref name="options"/> (its value, or the default when the value does not parse);
        /// false, with the default, when it is absent. For options whose absence means something of its own.
        /// </summary>
        public bool TryRead(AnalyzerConfigOptions options, out T value)
        {
            if (!options.TryGetValue(Key, out var text))
            {
                value = Default;
                return false;
            }

            if (!_parse(text, out value))
            {
                value = Default;
            }

            return true;
        }

        /// <summary>The value for one syntax tree (so folder sections apply), parsed once per <see cref="AnalyzerConfigOptions"/> instance.</summary>
        public T Get(AnalyzerOptions options, SyntaxTree tree) => _cache.Get(options, tree, _readBoxed).Value;
    }
}
