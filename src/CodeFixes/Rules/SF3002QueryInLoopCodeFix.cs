using System.Collections.Generic;
using System.Collections.Immutable;
using System.Composition;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Formatting;
using Microsoft.CodeAnalysis.Operations;
using Steadfast.Analyzers;
using Steadfast.Analyzers.Internal;
using Steadfast.Analyzers.Rules;
using Steadfast.Analyzers.Rules.SF3002;
using Steadfast.CodeFixes.Internal;

namespace Steadfast.CodeFixes.Rules
{
    /// <summary>
    /// SF3002 fix, "Save once after the loop" (<see cref="SaveOnceKey"/>): moves <c>SaveChanges()</c> /
    /// <c>await SaveChangesAsync(ct)</c> from the loop's body to the statement right after the loop. Offered only where the
    /// rows saved are the same: the save is a statement of its own directly in the body of the reported loop statement (not
    /// in a try, not under a condition, its result unused), using nothing declared in the loop; the loop has no
    /// <c>break</c>, <c>continue</c>, <c>return</c>, <c>goto</c> or <c>yield</c> leaving or skipping it; nothing in the loop
    /// reads what the save produces or sees the saved rows (no member of an entity added in the loop after the save, no
    /// <c>ChangeTracker</c>, <c>Entry</c>, <c>Database</c> or transaction, no query through the context and no other
    /// database call); and the method adds or removes no entities through the context before the loop (which the moved
    /// save would otherwise save even when the loop runs no iteration). The one difference left, documented on the rule
    /// page: when an item throws partway, the per-item saves have stored the items before it; the one save stores none.
    /// </summary>
    [ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(SF3002QueryInLoopCodeFix)), Shared]
    public sealed class SF3002QueryInLoopCodeFix : PlannedCodeFixProvider
    {
        /// <summary>The equivalence key of "Save once after the loop".</summary>
        public const string SaveOnceKey = "SF3002.SaveOnceAfterLoop";

        private static readonly (string Key, string Title)[] Offered = { (SaveOnceKey, "Save once after the loop") };

        private static readonly (string Key, string Title)[] None = { };

        /// <summary>What may touch the context in the loop: tracking calls only, which make no round trip.</summary>
        private static readonly ImmutableHashSet<string> TrackingMethods = ImmutableHashSet.Create(
            "Add", "AddRange", "Update", "UpdateRange", "Remove", "RemoveRange", "Attach", "AttachRange");

        public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(DiagnosticIds.QueryInLoop);

        protected override IEnumerable<(string Key, string Title)> Fixes(Diagnostic diagnostic) =>
            diagnostic.Properties.TryGetValue(SF3002QueryInLoopAnalyzer.ShapeProperty, out var shape) && shape == SF3002QueryInLoopAnalyzer.ShapeSaveChanges ? Offered : None;

        protected override async Task<(SyntaxNode Target, SyntaxNode Replacement)?> PlanAsync(
            Document document, SyntaxNode node, Diagnostic diagnostic, string key, bool verify, CancellationToken cancellationToken)
        {
            if (key != SaveOnceKey || diagnostic.AdditionalLocations.Count == 0 ||
                node.DescendantNodesAndSelf().OfType<InvocationExpressionSyntax>().FirstOrDefault(n => n.Span == node.Span) is not { } invocation ||
                SaveStatement(invocation) is not { } save)
            {
                return null;
            }

            // The reported loop (AdditionalLocations[0]) is the one whose body holds the save. Found from the save, not by
            // the span: in Fix All, an earlier edit in the document has moved the spans the diagnostic was reported with.
            var loop = save.Parent is BlockSyntax { Parent: StatementSyntax owner } ? owner : save.Parent as StatementSyntax;
            if (loop is null || Body(loop) is not { } body || loop.Span.Length != diagnostic.AdditionalLocations[0].SourceSpan.Length)
            {
                return null;
            }

            // The save is a statement of the loop's own body: not nested in an if, a try or another block.
            var statements = body is BlockSyntax block ? block.Statements : SyntaxFactory.SingletonList(body);
            var index = statements.IndexOf(save);
            if (index < 0 || loop.Parent is LabeledStatementSyntax)
            {
                return null;
            }

            var model = await document.GetSemanticModelAsync(cancellationToken).ConfigureAwait(false);
            if (model is null || model.GetOperation(loop, cancellationToken) is not ILoopOperation loopOperation ||
                model.GetOperation(invocation, cancellationToken) is not IInvocationOperation saveCall ||
                !IsSafeToMove(loopOperation, saveCall, statements, index, model, cancellationToken))
            {
                return null;
            }

            // The loop without the save, and the save after it at the loop's indentation.
            var newBody = body is BlockSyntax b
                ? b.WithStatements(b.Statements.RemoveAt(index))
                : (StatementSyntax)SyntaxFactory.Block().WithTriviaFrom(body);
            var newLoop = WithBody(loop, newBody);
            var indentation = loop.GetLeadingTrivia().LastOrDefault(t => t.IsKind(SyntaxKind.WhitespaceTrivia));
            var moved = save.WithLeadingTrivia(indentation == default ? SyntaxTriviaList.Empty : SyntaxFactory.TriviaList(indentation))
                .WithTrailingTrivia(loop.GetTrailingTrivia());

            SyntaxNode target;
            SyntaxNode replacement;
            switch (loop.Parent)
            {
                case BlockSyntax parent:
                    {
                        var at = parent.Statements.IndexOf(loop);
                        target = parent;
                        replacement = parent.WithStatements(parent.Statements.RemoveAt(at).InsertRange(at, new[] { newLoop, moved }));
                        break;
                    }

                case SwitchSectionSyntax section:
                    {
                        var at = section.Statements.IndexOf(loop);
                        target = section;
                        replacement = section.WithStatements(section.Statements.RemoveAt(at).InsertRange(at, new[] { newLoop, moved }));
                        break;
                    }

                case IfStatementSyntax or ElseClauseSyntax or WhileStatementSyntax or DoStatementSyntax or ForStatementSyntax or CommonForEachStatementSyntax or UsingStatementSyntax or LockStatementSyntax or FixedStatementSyntax:
                    target = loop;
                    replacement = SyntaxFactory.Block(newLoop.WithoutLeadingTrivia(), moved.WithoutLeadingTrivia())
                        .WithTriviaFrom(loop)
                        .WithAdditionalAnnotations(Formatter.Annotation);
                    break;
                default:
                    return null; // a top-level statement, a label: not rewritten
            }

            if (verify && !await FixVerifier.AddsNoErrorAsync(document, target, replacement, cancellationToken).ConfigureAwait(false))
            {
                return null;
            }

            return (target, replacement);
        }

        /// <summary>The statement <c>db.SaveChanges();</c> or <c>await db.SaveChangesAsync(ct)[.ConfigureAwait(false)];</c> that is nothing but the call.</summary>
        private static ExpressionStatementSyntax? SaveStatement(InvocationExpressionSyntax invocation)
        {
            SyntaxNode expression = invocation;
            if (expression.Parent is MemberAccessExpressionSyntax { Name.Identifier.ValueText: "ConfigureAwait" } configure &&
                configure.Parent is InvocationExpressionSyntax configured)
            {
                expression = configured;
            }

            if (expression.Parent is AwaitExpressionSyntax awaited)
            {
                expression = awaited;
            }

            return expression.Parent as ExpressionStatementSyntax;
        }

        private static StatementSyntax? Body(StatementSyntax loop) => loop switch
        {
            WhileStatementSyntax w => w.Statement,
            DoStatementSyntax d => d.Statement,
            ForStatementSyntax f => f.Statement,
            CommonForEachStatementSyntax e => e.Statement,
            _ => null,
        };

        private static StatementSyntax WithBody(StatementSyntax loop, StatementSyntax body) => loop switch
        {
            WhileStatementSyntax w => w.WithStatement(body),
            DoStatementSyntax d => d.WithStatement(body),
            ForStatementSyntax f => f.WithStatement(body),
            ForEachStatementSyntax e => e.WithStatement(body),
            ForEachVariableStatementSyntax v => v.WithStatement(body),
            _ => loop,
        };

        /// <summary>The checks that make one save after the loop store the same rows as one save per item.</summary>
        private static bool IsSafeToMove(ILoopOperation loop, IInvocationOperation save, SyntaxList<StatementSyntax> statements, int index, SemanticModel model, CancellationToken cancellationToken)
        {
            var symbols = SF3002Symbols.GetOrCreate(model.Compilation);
            if (save.TargetMethod.ContainingType is not { } contextType || !KnownTypes.DerivesFrom(contextType, symbols.EfDbContext))
            {
                return false;
            }

            var loopSpan = loop.Syntax.Span;

            // The save uses nothing declared in the loop (its context, its token).
            foreach (var operation in save.DescendantsAndSelf())
            {
                if (operation is ILocalReferenceOperation local && local.Local.DeclaringSyntaxReferences.Any(r => loopSpan.Contains(r.Span)))
                {
                    return false;
                }
            }

            // Entities added or attached in the loop: read after the save, they would show generated keys and tokens.
            var added = new HashSet<ISymbol>(SymbolEqualityComparer.Default);
            var collection = (loop as IForEachLoopOperation)?.Collection.Syntax.Span; // evaluated once, before any save
            foreach (var operation in loop.Descendants())
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (InsideFunction(operation, loop) || (collection is { } once && once.Contains(operation.Syntax.Span)))
                {
                    continue;
                }

                switch (operation)
                {
                    case IBranchOperation branch when branch.BranchKind is BranchKind.Break or BranchKind.Continue or BranchKind.GoTo &&
                        (SymbolEqualityComparer.Default.Equals(branch.Target, loop.ExitLabel) || SymbolEqualityComparer.Default.Equals(branch.Target, loop.ContinueLabel) || branch.BranchKind == BranchKind.GoTo):
                        return false;
                    case IReturnOperation:
                        return false; // return, yield return, yield break
                    case IInvocationOperation call when call.Syntax != save.Syntax:
                        if (QueryLoops.Classify(call, symbols) != QueryApi.None)
                        {
                            return false; // another database call: it would see the unsaved rows
                        }

                        if (call.TargetMethod.ContainingType is { } type &&
                            (KnownTypes.DerivesFrom(type, symbols.EfDbContext) || KnownTypes.DerivesFrom(type, symbols.EfDbSet)))
                        {
                            if (!TrackingMethods.Contains(call.TargetMethod.Name))
                            {
                                return false; // Entry, Set<T>().Where…, FromSql…: reads through the context
                            }

                            foreach (var argument in call.Arguments)
                            {
                                if (OperationHelpers.SkipConversions(argument.Value) is ILocalReferenceOperation entity)
                                {
                                    added.Add(entity.Local);
                                }
                            }
                        }

                        break;
                    case IPropertyReferenceOperation property when KnownTypes.Is(property.Type, symbols.EfChangeTracker) || KnownTypes.Is(property.Type, symbols.EfDatabaseFacade):
                        return false;
                    case IObjectCreationOperation creation when KnownTypes.Is(creation.Type, symbols.TransactionScope):
                        return false;
                    case IOperation typed when KnownTypes.DerivesFrom(typed.Type, symbols.DbTransaction):
                        return false;
                }
            }

            // A query through the context anywhere in the loop (a DbSet used other than to track) sees the rows saved so far.
            foreach (var operation in loop.Descendants())
            {
                if (collection is { } once && once.Contains(operation.Syntax.Span))
                {
                    continue;
                }

                if (operation is IPropertyReferenceOperation dbSet && KnownTypes.DerivesFrom(dbSet.Type, symbols.EfDbSet) &&
                    !(dbSet.Parent is IInvocationOperation { TargetMethod: { } tracked } owner && ReferenceEquals(owner.Instance, dbSet) && TrackingMethods.Contains(tracked.Name)))
                {
                    return false;
                }
            }

            // After the save in the body: nothing that uses what the loop declares or tracks (it could read a generated key
            // or change an entity the per-item save had already stored), sets a member, or calls the context.
            for (var i = index + 1; i < statements.Count; i++)
            {
                foreach (var node in statements[i].DescendantNodesAndSelf())
                {
                    if (node is IdentifierNameSyntax name && model.GetSymbolInfo(name, cancellationToken).Symbol is { } symbol &&
                        (added.Contains(symbol) || (symbol is ILocalSymbol local && local.DeclaringSyntaxReferences.Any(r => loopSpan.Contains(r.Span)))))
                    {
                        return false;
                    }

                    if (node is AssignmentExpressionSyntax { Left: MemberAccessExpressionSyntax or ElementAccessExpressionSyntax or MemberBindingExpressionSyntax } ||
                        node is PrefixUnaryExpressionSyntax { Operand: MemberAccessExpressionSyntax } or PostfixUnaryExpressionSyntax { Operand: MemberAccessExpressionSyntax })
                    {
                        return false;
                    }
                }
            }

            return !TracksBeforeTheLoop(loop, save, symbols);
        }

        private static bool InsideFunction(IOperation operation, IOperation stop)
        {
            for (var parent = operation.Parent; parent is not null && !ReferenceEquals(parent, stop); parent = parent.Parent)
            {
                if (parent is IAnonymousFunctionOperation or ILocalFunctionOperation)
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>
        /// True when the method adds, updates, removes or attaches entities through a context before the loop: with the
        /// save after the loop, those would be saved even when the loop runs no iteration.
        /// </summary>
        private static bool TracksBeforeTheLoop(ILoopOperation loop, IInvocationOperation save, SF3002Symbols symbols)
        {
            var start = loop.Syntax.SpanStart;
            foreach (var operation in OperationHelpers.Root(loop).Descendants())
            {
                if (operation.Syntax.SpanStart >= start)
                {
                    continue;
                }

                if (operation is IInvocationOperation call && TrackingMethods.Contains(call.TargetMethod.Name) && call.TargetMethod.ContainingType is { } type &&
                    (KnownTypes.DerivesFrom(type, symbols.EfDbContext) || KnownTypes.DerivesFrom(type, symbols.EfDbSet)))
                {
                    return true;
                }
            }

            _ = save;
            return false;
        }
    }
}
