using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;
using Steadfast.Analyzers.Rules.SF1001;

namespace Steadfast.Analyzers.Rules
{
    /// <summary>
    /// One warning per mistake: the compiler's CS4014 ("Because this call is not awaited…") and SF1001 both speak for
    /// the same dropped task in async code. Where SF1001 reports on the same statement — the same decision
    /// (<see cref="Finding"/>) and shown there (<see cref="RuleVisibility"/>: its severity for the tree, not in generated
    /// code, not disabled by a pragma or an attribute) — this suppresses CS4014, so the user sees SF1001 with Steadfast's
    /// fixes. Everywhere else (SF1001 off or silent, a task SF1001 does not flag) CS4014 stays.
    /// </summary>
    [DiagnosticAnalyzer(LanguageNames.CSharp)]
    public sealed class SF1001CompilerWarningSuppressor : DiagnosticSuppressor
    {
        /// <summary>The suppression's own ID (shown by the IDE and in SARIF as the justification's source).</summary>
        public const string SuppressionId = "SFS1001";

        /// <summary>The compiler's warning for a call that is not awaited in an async method.</summary>
        public const string SuppressedId = "CS4014";

        internal static readonly SuppressionDescriptor Descriptor = new SuppressionDescriptor(
            SuppressionId,
            SuppressedId,
            "SF1001 reports this dropped task, with Steadfast's fixes: one warning per mistake.");

        public override ImmutableArray<SuppressionDescriptor> SupportedSuppressions { get; } = ImmutableArray.Create(Descriptor);

        public override void ReportSuppressions(SuppressionAnalysisContext context)
        {
            SF1001Symbols? types = null;
            foreach (var diagnostic in context.ReportedDiagnostics)
            {
                context.CancellationToken.ThrowIfCancellationRequested();
                if (diagnostic.Id != SuppressedId || diagnostic.Location.SourceTree is not { } tree || !context.Compilation.ContainsSyntaxTree(tree))
                {
                    continue;
                }

                types ??= SF1001Symbols.GetOrCreate(context.Compilation);
                if (types.Task is null)
                {
                    return;
                }

                var model = context.GetSemanticModel(tree);
                var span = diagnostic.Location.SourceSpan;
                if (IsReportedBySF1001(context, model, span, types) &&
                    RuleVisibility.IsShown(context.Compilation, context.Options, tree, span.Start, model, types, context.CancellationToken))
                {
                    context.ReportSuppression(Suppression.Create(Descriptor, diagnostic));
                }
            }
        }

        /// <summary>SF1001 reports the statement whose dropped expression is where the compiler's CS4014 points.</summary>
        private static bool IsReportedBySF1001(SuppressionAnalysisContext context, SemanticModel model, Microsoft.CodeAnalysis.Text.TextSpan span, SF1001Symbols types)
        {
            var root = model.SyntaxTree.GetRoot(context.CancellationToken);
            if (!root.FullSpan.Contains(span))
            {
                return false;
            }

            var node = root.FindNode(span, getInnermostNodeForTie: true);
            var operation = model.GetOperation(node, context.CancellationToken);

            // From the call up to its statement: conversions, `_ =`, `?.`, and the implicit statement of an expression-bodied lambda.
            for (var i = 0; operation is not null && i < 6; i++, operation = operation.Parent)
            {
                if (operation is IExpressionStatementOperation statement)
                {
                    return Finding.TryFind(statement, types, context.Compilation, context.Options, context.CancellationToken, out var dropped, out _) &&
                           dropped.Dropped.Syntax.Span.Contains(span);
                }
            }

            return false;
        }
    }
}
