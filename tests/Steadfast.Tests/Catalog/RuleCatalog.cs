using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Reflection;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Steadfast.Analyzers;
using Steadfast.Analyzers.Internal;
using Steadfast.CodeFixes.Rules;

namespace Steadfast.Tests.Catalog
{
    /// <summary>
    /// Everything that lists rules, derived by reflection: the descriptors in <see cref="Descriptors"/>, the reserved IDs in
    /// <see cref="DiagnosticIds"/>, each rule's option definitions (static <see cref="OptionDefinition"/> fields, declared
    /// next to its analyzer) and each rule's code fixes (the <c>(Key, Title)</c> fields of its provider). Tests, the
    /// generated files and CI's lists read rules from here, never from a typed list.
    /// </summary>
    public static class RuleCatalog
    {
        /// <summary>Every descriptor of the catalog, by ID.</summary>
        public static IReadOnlyList<DiagnosticDescriptor> Descriptors { get; } =
            typeof(Descriptors).GetFields(BindingFlags.Public | BindingFlags.Static)
                .Where(f => f.FieldType == typeof(DiagnosticDescriptor))
                .Select(f => (DiagnosticDescriptor)f.GetValue(null)!)
                .OrderBy(d => d.Id, StringComparer.Ordinal)
                .ToList();

        /// <summary>Every rule ID, in order.</summary>
        public static IReadOnlyList<string> Ids { get; } = Descriptors.Select(d => d.Id).ToList();

        /// <summary>Every ID <see cref="DiagnosticIds"/> reserves (a descriptor's, or one retired and never reused).</summary>
        public static IReadOnlyList<string> ReservedIds { get; } =
            typeof(DiagnosticIds).GetFields(BindingFlags.Public | BindingFlags.Static)
                .Where(f => f.IsLiteral && f.FieldType == typeof(string))
                .Select(f => (string)f.GetRawConstantValue()!)
                .OrderBy(id => id, StringComparer.Ordinal)
                .ToList();

        /// <summary>
        /// Rules that cannot occur naturally in a lead-qualification chat bot (STYLE.md: each rule that fits a bot occurs
        /// for real in samples/ReliableBot), or do not occur there yet, each with the reason. A rule goes here only with it.
        /// </summary>
        private static readonly ImmutableDictionary<string, string> NotInReliableBotReasons = ImmutableDictionary.CreateRange(new[]
        {
            // The bot keeps its leads in SQLite (Microsoft.Data.Sqlite, through Dapper), whose async methods run
            // synchronously; SF3003 deliberately does not fire there.
            new KeyValuePair<string, string>("SF3003", "the bot's database is SQLite, whose async methods run synchronously: SF3003 does not flag it"),
            // SF6003 (endpoint with no rate limit): the dashboard limits its login with ASP.NET Core's own AddRateLimiter,
            // which SF6002 shows, and SF6003's fix is not offered in an app with its own limiter but without Steadfast's
            // tiers; nor would the write tier suit the bot's /webhook (Telegram's few addresses, 30 updates a minute each).
            new KeyValuePair<string, string>("SF6003", "the dashboard's own AddRateLimiter (SF6002's sample) keeps SF6003's fix from being offered, and the write tier would throttle the bot's /webhook; open in issue #17"),
        });

        private static readonly ImmutableHashSet<string> NotInReliableBot = NotInReliableBotReasons.Keys.ToImmutableHashSet();

        /// <summary>The rules samples/ReliableBot/Before shows and its fixes turn into After.</summary>
        public static IReadOnlyList<string> ReliableBotRules { get; } = Ids.Where(id => !NotInReliableBot.Contains(id)).ToList();

        /// <summary>Every option definition, by rule, each rule's in declaration order.</summary>
        internal static IReadOnlyList<OptionDefinition> Options { get; } =
            typeof(Descriptors).Assembly.GetTypes()
                .SelectMany(t => t.GetFields(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static | BindingFlags.DeclaredOnly))
                .Where(f => typeof(OptionDefinition).IsAssignableFrom(f.FieldType))
                .Select(f => (Field: f, Definition: (OptionDefinition)f.GetValue(null)!))
                .OrderBy(o => o.Definition.RuleId, StringComparer.Ordinal)
                .ThenBy(o => o.Field.MetadataToken)
                .Select(o => o.Definition)
                .ToList();

        internal static IReadOnlyList<OptionDefinition> OptionsOf(string id) => Options.Where(o => o.RuleId == id).ToList();

        /// <summary>Every code fix provider, with the one diagnostic ID it fixes.</summary>
        public static IReadOnlyList<(string Id, Type Provider)> FixProviders { get; } =
            typeof(SF1001FireAndForgetCodeFix).Assembly.GetTypes()
                .Where(t => !t.IsAbstract && typeof(CodeFixProvider).IsAssignableFrom(t))
                .Select(t => (Id: ((CodeFixProvider)Activator.CreateInstance(t)!).FixableDiagnosticIds.Single(), Provider: t))
                .OrderBy(p => p.Id, StringComparer.Ordinal)
                .ToList();

        /// <summary>
        /// The fixes a rule's provider can offer, in the order it declares them (its default order): the static
        /// <c>(Key, Title)</c> fields and arrays of them the provider's <c>Fixes</c> hands out, each key once.
        /// </summary>
        public static IReadOnlyList<(string Key, string Title)> FixesOf(string id)
        {
            var fixes = new List<(string Key, string Title)>();
            foreach (var (_, provider) in FixProviders.Where(p => p.Id == id))
            {
                foreach (var field in provider.GetFields(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static | BindingFlags.DeclaredOnly).OrderBy(f => f.MetadataToken))
                {
                    var value = field.GetValue(null);
                    var entries = value switch
                    {
                        ValueTuple<string, string> one => new[] { one },
                        ValueTuple<string, string>[] many => many,
                        _ => Array.Empty<ValueTuple<string, string>>(),
                    };
                    foreach (var (key, title) in entries)
                    {
                        if (!fixes.Any(f => f.Key == key))
                        {
                            fixes.Add((key, title));
                        }
                    }
                }
            }

            return fixes;
        }

        /// <summary>The analyzer type of a rule (its name starts with the ID).</summary>
        public static Type? AnalyzerOf(string id) =>
            typeof(Descriptors).Assembly.GetTypes().SingleOrDefault(t => t.Namespace == "Steadfast.Analyzers.Rules" && t.Name.StartsWith(id, StringComparison.Ordinal) && t.Name.EndsWith("Analyzer", StringComparison.Ordinal));

        /// <summary>A descriptor's severity as <c>.editorconfig</c> spells it (<c>none</c> when the rule is off by default).</summary>
        public static string EditorConfigSeverity(DiagnosticDescriptor descriptor) =>
            !descriptor.IsEnabledByDefault ? "none" : descriptor.DefaultSeverity switch
            {
                DiagnosticSeverity.Error => "error",
                DiagnosticSeverity.Warning => "warning",
                DiagnosticSeverity.Info => "suggestion",
                _ => "silent",
            };
    }
}
