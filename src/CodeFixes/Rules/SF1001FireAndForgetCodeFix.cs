using System.Collections.Generic;
using System.Collections.Immutable;
using System.Composition;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;
using Steadfast.Analyzers;
using Steadfast.Analyzers.Internal;
using Steadfast.Analyzers.Rules;
using Steadfast.Analyzers.Rules.SF1001;
using Steadfast.CodeFixes.Internal;

namespace Steadfast.CodeFixes.Rules
{
    /// <summary>SF1001 fixes: await the task, or track it with <c>Steadfast.BackgroundTasks</c>.</summary>
    [ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(SF1001FireAndForgetCodeFix)), Shared]
    public sealed class SF1001FireAndForgetCodeFix : PlannedCodeFixProvider
    {
        public const string AwaitKey = "SF1001.Await";
        public const string TrackKey = "SF1001.Track";

        private static readonly (string Key, string Title)[] AwaitFirst = { (AwaitKey, "Await the task"), (TrackKey, "Track as a background task") };
        private static readonly (string Key, string Title)[] TrackFirst = { AwaitFirst[1], AwaitFirst[0] };

        public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(DiagnosticIds.FireAndForget);

        protected override IEnumerable<(string Key, string Title)> Fixes(Diagnostic diagnostic) =>
            diagnostic.Properties.TryGetValue(SF1001FireAndForgetAnalyzer.PreferredFixProperty, out var preferred) && preferred == "track"
                ? TrackFirst
                : AwaitFirst;

        /// <summary>What to replace with what, or null when the fix cannot be proven to compile here.</summary>
        protected override async Task<(SyntaxNode Target, SyntaxNode Replacement)?> PlanAsync(
            Document document, SyntaxNode node, Diagnostic diagnostic, string key, bool verify, CancellationToken cancellationToken)
        {
            var model = await document.GetSemanticModelAsync(cancellationToken).ConfigureAwait(false);
            if (model is null || node is not ExpressionSyntax)
            {
                return null;
            }

            var statement = FindStatement(model.GetOperation(node, cancellationToken));
            var types = SF1001Symbols.GetOrCreate(model.Compilation);
            if (statement is null || !DroppedTask.TryGet(statement, types, out var dropped) ||
                dropped.Dropped.Syntax != node || dropped.Dropped is IConditionalAccessOperation)
            {
                return null;
            }

            var target = dropped.IsDiscard ? statement.Operation.Syntax : node;
            var call = dropped.Call;
            var callSyntax = (ExpressionSyntax)call.Syntax;
            var unwrap = DroppedTask.NeedsUnwrap(call, types);
            if (unwrap && !CanUnwrap(model, call))
            {
                return null;
            }

            if (key == AwaitKey)
            {
                if (!diagnostic.Properties.TryGetValue(SF1001FireAndForgetAnalyzer.CanAwaitProperty, out var canAwait) || canAwait != "true")
                {
                    return null;
                }

                var awaited = (ExpressionSyntax)node;
                if (unwrap)
                {
                    awaited = awaited.ReplaceNode(callSyntax, Unwrap(callSyntax));
                }

                return (target, SyntaxFactory.AwaitExpression(awaited.WithoutTrivia()).WithTriviaFrom(target));
            }

            if (key != TrackKey || types.SteadfastBackgroundTasks is null)
            {
                return null;
            }

            var name = diagnostic.Properties.TryGetValue(SF1001FireAndForgetAnalyzer.TaskNameProperty, out var taskName) && !string.IsNullOrEmpty(taskName)
                ? taskName!
                : "background task";

            ExpressionSyntax replacement;
            if (DroppedTask.IsTaskRun(call, types) && !call.TargetMethod.IsGenericMethod && TryRunArguments(call, types, out var work, out var token))
            {
                var arguments = new List<ArgumentSyntax> { SyntaxFactory.Argument(work!.WithoutTrivia()), NamedArgument("name", NameLiteral(name)) };
                if (token is not null)
                {
                    arguments.Add(NamedArgument("cancellationToken", token.WithoutTrivia()));
                }

                replacement = BackgroundTasksCall(model, node.SpanStart, "Run", arguments);
            }
            else if (types.IsTaskOrValueTask(call.Type))
            {
                var tracked = (unwrap ? Unwrap(callSyntax) : callSyntax).WithoutTrivia();
                replacement = BackgroundTasksCall(model, node.SpanStart, "Track", new List<ArgumentSyntax> { SyntaxFactory.Argument(tracked), NamedArgument("name", NameLiteral(name)) });
            }
            else
            {
                return null;
            }

            return (target, replacement.WithTriviaFrom(target));
        }

        private static IExpressionStatementOperation? FindStatement(IOperation? operation)
        {
            for (var i = 0; operation is not null && i < 4; i++, operation = operation.Parent)
            {
                if (operation is IExpressionStatementOperation statement)
                {
                    return statement;
                }
            }

            return null;
        }

        /// <summary>Task.Run's work delegate and its optional cancellation token, by parameter, whatever the argument order.</summary>
        private static bool TryRunArguments(IInvocationOperation call, SF1001Symbols types, out ExpressionSyntax? work, out ExpressionSyntax? token)
        {
            work = null;
            token = null;
            foreach (var argument in call.Arguments)
            {
                if (argument.Syntax is not ArgumentSyntax syntax || argument.Parameter is null)
                {
                    return false;
                }

                if (argument.Parameter.Ordinal == 0)
                {
                    work = syntax.Expression;
                }
                else if (KnownTypes.Is(argument.Parameter.Type, types.CancellationToken))
                {
                    token = syntax.Expression;
                }
                else
                {
                    return false;
                }
            }

            return work is not null;
        }

        private static bool CanUnwrap(SemanticModel model, IInvocationOperation call) =>
            call.Type is not null &&
            !model.LookupSymbols(call.Syntax.SpanStart, container: call.Type, name: "Unwrap", includeReducedExtensionMethods: true).IsEmpty;

        private static ExpressionSyntax Unwrap(ExpressionSyntax call) =>
            SyntaxFactory.InvocationExpression(
                SyntaxFactory.MemberAccessExpression(SyntaxKind.SimpleMemberAccessExpression, call.WithoutTrivia(), SyntaxFactory.IdentifierName("Unwrap")));

        private static ExpressionSyntax BackgroundTasksCall(SemanticModel model, int position, string method, List<ArgumentSyntax> arguments)
        {
            var separators = new List<SyntaxToken>();
            for (var i = 1; i < arguments.Count; i++)
            {
                separators.Add(SyntaxFactory.Token(SyntaxKind.CommaToken).WithTrailingTrivia(SyntaxFactory.Space));
            }

            return SyntaxFactory.InvocationExpression(
                SyntaxFactory.MemberAccessExpression(
                    SyntaxKind.SimpleMemberAccessExpression,
                    ImportHelper.SteadfastTypeExpression(model, position, "BackgroundTasks"),
                    SyntaxFactory.IdentifierName(method)),
                SyntaxFactory.ArgumentList(SyntaxFactory.SeparatedList(arguments, separators)));
        }

        private static ArgumentSyntax NamedArgument(string name, ExpressionSyntax value) =>
            SyntaxFactory.Argument(
                SyntaxFactory.NameColon(SyntaxFactory.IdentifierName(name), SyntaxFactory.Token(SyntaxKind.ColonToken).WithTrailingTrivia(SyntaxFactory.Space)),
                default,
                value);

        private static LiteralExpressionSyntax NameLiteral(string name) =>
            SyntaxFactory.LiteralExpression(SyntaxKind.StringLiteralExpression, SyntaxFactory.Literal(name));
    }
}
