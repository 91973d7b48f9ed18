using System;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;

namespace Steadfast.Analyzers.Rules.SF1001
{
    /// <summary>
    /// Whether a diagnostic of SF1001 at a position would be shown: the rule's effective severity for the tree is
    /// suggestion, warning or error, the code is not generated, and no <c>#pragma warning disable</c> or
    /// <c>[SuppressMessage]</c> hides it there. The CS4014 suppressor asks this so that it silences the compiler only
    /// where the user sees SF1001 instead.
    /// </summary>
    internal static class RuleVisibility
    {
        private const string Id = DiagnosticIds.FireAndForget;

        public static bool IsShown(Compilation compilation, AnalyzerOptions options, SyntaxTree tree, int position, SemanticModel model, SF1001Symbols types, CancellationToken cancellationToken) =>
            IsShownSeverity(EffectiveSeverity(compilation, options, tree, cancellationToken)) &&
            !IsGenerated(compilation, tree, cancellationToken) &&
            !IsDisabledByPragma(tree, position, cancellationToken) &&
            !IsSuppressedByAttributeOrGenerated(model, position, types, cancellationToken);

        private static bool IsShownSeverity(ReportDiagnostic report) =>
            report is ReportDiagnostic.Error or ReportDiagnostic.Warn or ReportDiagnostic.Info;

        /// <summary>
        /// The severity SF1001 gets in <paramref name="tree"/>, read the cautious way: the compilation's options
        /// (<c>/nowarn:SF1001</c>, <c>/warnaserror:SF1001</c>, a rule set) and the tree's <c>.editorconfig</c>
        /// (<c>dotnet_diagnostic.SF1001.severity</c>) each can turn it off or hide it (the compiler ranks the tree first,
        /// but the analyzer driver lets a compilation-wide <c>none</c> or <c>silent</c> win: either way CS4014 must stay);
        /// with neither, a global config, then the analyzer driver's bulk settings for the category and for all
        /// analyzers; else the descriptor's default, which suppress-all-warnings turns off.
        /// </summary>
        public static ReportDiagnostic EffectiveSeverity(Compilation compilation, AnalyzerOptions options, SyntaxTree tree, CancellationToken cancellationToken)
        {
            var provider = compilation.Options.SyntaxTreeOptionsProvider;
            var hasCompilationWide = compilation.Options.SpecificDiagnosticOptions.TryGetValue(Id, out var compilationWide);
            var report = ReportDiagnostic.Default;
            var hasTree = provider is not null && provider.TryGetDiagnosticValue(tree, Id, cancellationToken, out report);
            if (hasCompilationWide || hasTree)
            {
                if (hasCompilationWide && !IsShownSeverity(compilationWide) && compilationWide != ReportDiagnostic.Default)
                {
                    return compilationWide;
                }

                report = hasTree ? report : compilationWide;
            }
            else if (provider is null || !provider.TryGetGlobalDiagnosticValue(Id, cancellationToken, out report))
            {
                var config = options.AnalyzerConfigOptionsProvider.GetOptions(tree);
                if (!TryParse(config, "dotnet_analyzer_diagnostic.category-" + Descriptors.SF1001FireAndForget.Category + ".severity", out report) &&
                    !TryParse(config, "dotnet_analyzer_diagnostic.severity", out report))
                {
                    report = ReportDiagnostic.Default;
                }
            }

            if (report != ReportDiagnostic.Default)
            {
                return report;
            }

            if (!Descriptors.SF1001FireAndForget.IsEnabledByDefault || compilation.Options.GeneralDiagnosticOption == ReportDiagnostic.Suppress)
            {
                return ReportDiagnostic.Suppress;
            }

            return ReportDiagnostic.Warn;
        }

        private static bool TryParse(AnalyzerConfigOptions config, string key, out ReportDiagnostic report)
        {
            report = ReportDiagnostic.Default;
            if (!config.TryGetValue(key, out var value))
            {
                return false;
            }

            switch (value.Trim().ToLowerInvariant())
            {
                case "error": report = ReportDiagnostic.Error; return true;
                case "warning": report = ReportDiagnostic.Warn; return true;
                case "suggestion": report = ReportDiagnostic.Info; return true;
                case "silent": report = ReportDiagnostic.Hidden; return true;
                case "none": report = ReportDiagnostic.Suppress; return true;
                case "default": report = ReportDiagnostic.Default; return true;
                default: return false;
            }
        }

        /// <summary>
        /// Generated code, which SF1001 does not analyze: <c>generated_code = true</c> in .editorconfig, a generated file
        /// name (<c>.g.cs</c>, <c>.designer.cs</c>, <c>.generated.cs</c>, <c>.g.i.cs</c>), or an <c>&lt;auto-generated</c>
        /// comment at the top of the file (the analyzer driver's rules).
        /// </summary>
        private static bool IsGenerated(Compilation compilation, SyntaxTree tree, CancellationToken cancellationToken)
        {
            var kind = compilation.Options.SyntaxTreeOptionsProvider?.IsGenerated(tree, cancellationToken) ?? GeneratedKind.Unknown;
            if (kind != GeneratedKind.Unknown)
            {
                return kind == GeneratedKind.MarkedGenerated;
            }

            var path = tree.FilePath ?? string.Empty;
            var name = System.IO.Path.GetFileName(path);
            if (name.StartsWith("TemporaryGeneratedFile_", StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }

            foreach (var suffix in new[] { ".designer.cs", ".generated.cs", ".g.cs", ".g.i.cs" })
            {
                if (name.EndsWith(suffix, StringComparison.OrdinalIgnoreCase))
                {
                    return true;
                }
            }

            var root = tree.GetRoot(cancellationToken);
            foreach (var trivia in root.GetLeadingTrivia())
            {
                if (trivia.IsKind(SyntaxKind.SingleLineCommentTrivia) || trivia.IsKind(SyntaxKind.MultiLineCommentTrivia))
                {
                    var text = trivia.ToString();
                    if (text.IndexOf("<auto-generated", StringComparison.Ordinal) >= 0 || text.IndexOf("<autogenerated", StringComparison.Ordinal) >= 0)
                    {
                        return true;
                    }
                }
                else if (!trivia.IsKind(SyntaxKind.WhitespaceTrivia) && !trivia.IsKind(SyntaxKind.EndOfLineTrivia))
                {
                    break;
                }
            }

            return false;
        }

        /// <summary>The state of <c>#pragma warning disable/restore</c> for SF1001 at <paramref name="position"/>.</summary>
        private static bool IsDisabledByPragma(SyntaxTree tree, int position, CancellationToken cancellationToken)
        {
            var root = (CompilationUnitSyntax)tree.GetRoot(cancellationToken);
            if (!root.ContainsDirectives)
            {
                return false;
            }

            var disabled = false;
            static bool IsPragma(DirectiveTriviaSyntax d) => d is PragmaWarningDirectiveTriviaSyntax;
            for (var directive = root.GetFirstDirective(IsPragma); directive is not null; directive = directive.GetNextDirective(IsPragma))
            {
                if (directive.SpanStart >= position)
                {
                    break;
                }

                var pragma = (PragmaWarningDirectiveTriviaSyntax)directive;
                var names = pragma.ErrorCodes.Count == 0;
                foreach (var code in pragma.ErrorCodes)
                {
                    if (code is IdentifierNameSyntax identifier && string.Equals(identifier.Identifier.ValueText, Id, StringComparison.OrdinalIgnoreCase))
                    {
                        names = true;
                    }
                }

                if (names)
                {
                    disabled = pragma.DisableOrRestoreKeyword.IsKind(SyntaxKind.DisableKeyword);
                }
            }

            return disabled;
        }

        /// <summary>
        /// A <c>[SuppressMessage("…", "SF1001…")]</c> or a <c>[GeneratedCode]</c> on the member or a type around
        /// <paramref name="position"/>. (Assembly-level suppressions with a <c>Target</c> are not read.)
        /// </summary>
        private static bool IsSuppressedByAttributeOrGenerated(SemanticModel model, int position, SF1001Symbols types, CancellationToken cancellationToken)
        {
            if (types.SuppressMessageAttribute is null && types.GeneratedCodeAttribute is null)
            {
                return false;
            }

            for (var symbol = model.GetEnclosingSymbol(position, cancellationToken); symbol is not null && symbol is not INamespaceSymbol; symbol = symbol.ContainingSymbol)
            {
                foreach (var attribute in symbol.GetAttributes())
                {
                    var type = attribute.AttributeClass;
                    if (Internal.KnownTypes.Is(type, types.GeneratedCodeAttribute))
                    {
                        return true;
                    }

                    if (Internal.KnownTypes.Is(type, types.SuppressMessageAttribute) && attribute.ConstructorArguments.Length == 2 &&
                        attribute.ConstructorArguments[1].Value is string checkId &&
                        (string.Equals(checkId, Id, StringComparison.OrdinalIgnoreCase) || checkId.StartsWith(Id + ":", StringComparison.OrdinalIgnoreCase)))
                    {
                        return true;
                    }
                }
            }

            return false;
        }
    }
}
