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
using Microsoft.CodeAnalysis.Operations;
using Microsoft.CodeAnalysis.Simplification;
using Steadfast.Analyzers;
using Steadfast.Analyzers.Internal;
using Steadfast.Analyzers.Rules;
using Steadfast.Analyzers.Rules.SF4002;
using Steadfast.CodeFixes.Internal;

namespace Steadfast.CodeFixes.Rules
{
    /// <summary>
    /// SF4002 fixes. "Bound the channel": <c>Channel.CreateUnbounded&lt;T&gt;(…)</c> becomes
    /// <c>Channel.CreateBounded&lt;T&gt;(new BoundedChannelOptions(N) { FullMode = … })</c> with the full mode the analyzer
    /// chose (writers wait, or the oldest item is dropped where a <c>TryWrite</c>'s result is ignored, so no write that
    /// succeeded before fails silently); an unbounded <c>BlockingCollection</c> gets a bounded capacity (its <c>Add</c>
    /// waits). "Keep the last N": a grow-only history becomes a <c>Steadfast.BoundedHistory&lt;T&gt;</c>, <c>Enqueue</c> and
    /// <c>AddLast</c> become <c>Add</c>. Both are offered only when every member the type uses exists on the new type
    /// and the rewritten type compiles with no new error.
    /// </summary>
    [ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(SF4002UnboundedQueueCodeFix)), Shared]
    public sealed class SF4002UnboundedQueueCodeFix : PlannedCodeFixProvider
    {
        public const string BoundChannelKey = "SF4002.BoundChannel";
        public const string KeepLastKey = "SF4002.KeepLast";

        private static readonly (string Key, string Title) BoundChannelWait = (BoundChannelKey, "Bound the channel (writers wait when it is full)");
        private static readonly (string Key, string Title) BoundChannelDropOldest = (BoundChannelKey, "Bound the channel (drop the oldest when full)");
        private static readonly (string Key, string Title) BoundBlockingCollection = (BoundChannelKey, "Bound the channel (BlockingCollection: Add waits when it is full)");
        private static readonly (string Key, string Title) KeepLast = (KeepLastKey, "Keep the last N (BoundedHistory)");

        public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(DiagnosticIds.UnboundedQueue);

        protected override IEnumerable<(string Key, string Title)> Fixes(Diagnostic diagnostic)
        {
            diagnostic.Properties.TryGetValue(SF4002UnboundedQueueAnalyzer.KindProperty, out var kind);
            diagnostic.Properties.TryGetValue(SF4002UnboundedQueueAnalyzer.FullModeProperty, out var mode);
            switch (kind)
            {
                case nameof(QueueKind.History):
                    return new[] { KeepLast };
                case nameof(QueueKind.Channel) when mode == SF4002UnboundedQueueAnalyzer.FullModeWait:
                    return new[] { BoundChannelWait };
                case nameof(QueueKind.Channel) when mode == SF4002UnboundedQueueAnalyzer.FullModeDropOldest:
                    return new[] { BoundChannelDropOldest };
                case nameof(QueueKind.BlockingCollection) when mode == SF4002UnboundedQueueAnalyzer.FullModeWait:
                    return new[] { BoundBlockingCollection };
                default:
                    return Enumerable.Empty<(string, string)>(); // no full mode keeps every write's meaning
            }
        }

        protected override async Task<(SyntaxNode Target, SyntaxNode Replacement)?> PlanAsync(
            Document document, SyntaxNode node, Diagnostic diagnostic, string key, bool verify, CancellationToken cancellationToken)
        {
            var model = await document.GetSemanticModelAsync(cancellationToken).ConfigureAwait(false);
            if (model is null ||
                node is not VariableDeclaratorSyntax { Parent: VariableDeclarationSyntax { Variables.Count: 1, Parent: FieldDeclarationSyntax fieldDeclaration } declaration } declarator ||
                fieldDeclaration.Parent is not TypeDeclarationSyntax typeDeclaration ||
                model.GetDeclaredSymbol(declarator, cancellationToken) is not IFieldSymbol field ||
                field.Type is not INamedTypeSymbol { TypeArguments.Length: 1 } fieldType)
            {
                return null;
            }

            var types = SF4002Symbols.GetOrCreate(model.Compilation);
            var kind = QueueFields.KindOf(fieldType, types);
            if (kind is null || (key == KeepLastKey) != (kind == QueueKind.History) || (key != KeepLastKey && key != BoundChannelKey))
            {
                return null;
            }

            var capacity = diagnostic.Properties.TryGetValue(SF4002UnboundedQueueAnalyzer.CapacityProperty, out var text) && int.TryParse(text, out var parsed) && parsed > 0
                ? parsed
                : SF4002UnboundedQueueAnalyzer.DefaultCapacity;

            // Every place the field is made must be in this declaration (another partial part could not be rewritten).
            var creations = new List<ExpressionSyntax>();
            if (declarator.Initializer is { } initializer)
            {
                creations.Add(initializer.Value);
            }

            foreach (var assignment in typeDeclaration.DescendantNodes().OfType<AssignmentExpressionSyntax>())
            {
                if (SymbolEqualityComparer.Default.Equals(model.GetSymbolInfo(assignment.Left, cancellationToken).Symbol, field))
                {
                    creations.Add(assignment.Right);
                }
            }

            if (creations.Count == 0 ||
                await SF4001UnboundedCacheCodeFix.IsAssignedInOtherPartsAsync(document.Project.Solution, field, typeDeclaration, cancellationToken).ConfigureAwait(false))
            {
                return null;
            }

            var replacements = new Dictionary<SyntaxNode, SyntaxNode>();
            if (kind == QueueKind.History)
            {
                if (types.SteadfastBoundedHistory is null ||
                    !PlanHistoryUses(model, typeDeclaration, field, types.SteadfastBoundedHistory.Construct(fieldType.TypeArguments[0]), replacements, cancellationToken))
                {
                    return null; // Steadfast.Runtime is not referenced, or the code uses what BoundedHistory does not have
                }

                foreach (var creation in creations)
                {
                    if (RewriteHistoryCreation(model, creation, fieldType, capacity, cancellationToken) is not { } rewritten)
                    {
                        return null;
                    }

                    replacements[creation] = rewritten;
                }

                replacements[declaration.Type] = ImportHelper.SteadfastGenericType("BoundedHistory", 1, declaration.Type, fieldType).WithTriviaFrom(declaration.Type);
            }
            else
            {
                diagnostic.Properties.TryGetValue(SF4002UnboundedQueueAnalyzer.FullModeProperty, out var mode);
                if (mode is not (SF4002UnboundedQueueAnalyzer.FullModeWait or SF4002UnboundedQueueAnalyzer.FullModeDropOldest) ||
                    (kind == QueueKind.BlockingCollection && mode != SF4002UnboundedQueueAnalyzer.FullModeWait) ||
                    (kind == QueueKind.Channel && types.BoundedChannelOptions is null))
                {
                    return null;
                }

                foreach (var creation in creations)
                {
                    var operation = model.GetOperation(creation, cancellationToken);
                    if (operation is null || !QueueFields.IsUnboundedCreation(operation, types))
                    {
                        continue; // already bounded, or made elsewhere: left as it is
                    }

                    var rewritten = kind == QueueKind.Channel
                        ? RewriteChannelCreation(model, creation, capacity, mode, types, cancellationToken)
                        : RewriteBlockingCollectionCreation(creation, capacity);
                    if (rewritten is null)
                    {
                        return null;
                    }

                    replacements[creation] = rewritten;
                }

                if (replacements.Count == 0)
                {
                    return null;
                }
            }

            var updated = typeDeclaration.ReplaceNodes(replacements.Keys, (original, _) => replacements[original]);
            return !verify || await FixVerifier.AddsNoErrorAsync(document, typeDeclaration, updated, cancellationToken).ConfigureAwait(false)
                ? (typeDeclaration, updated)
                : null;
        }

        // ------------------------------------------------------------------ Bound the channel

        /// <summary>
        /// <c>X.CreateUnbounded&lt;T&gt;()</c> or <c>X.CreateUnbounded&lt;T&gt;(new UnboundedChannelOptions { … })</c> to
        /// <c>X.CreateBounded&lt;T&gt;(new BoundedChannelOptions(N) { FullMode = …, … })</c>, the option settings kept
        /// (both option types share them through <c>ChannelOptions</c>); options made elsewhere: no fix.
        /// </summary>
        private static ExpressionSyntax? RewriteChannelCreation(SemanticModel model, ExpressionSyntax creation, int capacity, string mode, SF4002Symbols types, CancellationToken cancellationToken)
        {
            if (creation is not InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax { Name: GenericNameSyntax name } access } invocation ||
                invocation.ArgumentList.Arguments.Count > 1)
            {
                return null;
            }

            var settings = new List<ExpressionSyntax>();
            if (invocation.ArgumentList.Arguments.Count == 1)
            {
                var options = invocation.ArgumentList.Arguments[0].Expression;
                var made = model.GetOperation(options, cancellationToken) is { } op ? OperationHelpers.SkipConversions(op) : null;
                if (made is not IObjectCreationOperation { Arguments.Length: 0 } created || !KnownTypes.Is(created.Type, types.UnboundedChannelOptions))
                {
                    return null;
                }

                var initializer = options switch
                {
                    ObjectCreationExpressionSyntax explicitNew => explicitNew.Initializer,
                    ImplicitObjectCreationExpressionSyntax implicitNew => implicitNew.Initializer,
                    _ => null,
                };

                foreach (var expression in initializer?.Expressions ?? default)
                {
                    if (expression is not AssignmentExpressionSyntax { Left: IdentifierNameSyntax })
                    {
                        return null;
                    }

                    settings.Add(expression.WithoutTrivia());
                }
            }

            var channels = SyntaxFactory.ParseName("global::System.Threading.Channels");
            var fullMode = SyntaxFactory.AssignmentExpression(
                SyntaxKind.SimpleAssignmentExpression,
                SyntaxFactory.IdentifierName("FullMode"),
                SyntaxFactory.MemberAccessExpression(
                    SyntaxKind.SimpleMemberAccessExpression,
                    SyntaxFactory.QualifiedName(channels, SyntaxFactory.IdentifierName("BoundedChannelFullMode")).WithAdditionalAnnotations(Simplifier.Annotation),
                    SyntaxFactory.IdentifierName(mode)));
            settings.Insert(0, fullMode);

            var boundedOptions = SyntaxFactory.ObjectCreationExpression(
                    SyntaxFactory.QualifiedName(channels, SyntaxFactory.IdentifierName("BoundedChannelOptions")).WithAdditionalAnnotations(Simplifier.Annotation))
                .WithArgumentList(SyntaxFactory.ArgumentList(SyntaxFactory.SingletonSeparatedList(
                    SyntaxFactory.Argument(SyntaxFactory.LiteralExpression(SyntaxKind.NumericLiteralExpression, SyntaxFactory.Literal(capacity))))))
                .WithInitializer(SyntaxFactory.InitializerExpression(SyntaxKind.ObjectInitializerExpression, SyntaxFactory.SeparatedList(settings)));

            return invocation
                .WithExpression(access.WithName(name.WithIdentifier(SyntaxFactory.Identifier("CreateBounded").WithTriviaFrom(name.Identifier))))
                .WithArgumentList(invocation.ArgumentList.WithArguments(SyntaxFactory.SingletonSeparatedList(SyntaxFactory.Argument(boundedOptions))))
                .WithAdditionalAnnotations(Microsoft.CodeAnalysis.Formatting.Formatter.Annotation);
        }

        /// <summary><c>new BlockingCollection&lt;T&gt;(…)</c> with <c>boundedCapacity: N</c> appended (its <c>Add</c> then waits for room).</summary>
        private static ExpressionSyntax? RewriteBlockingCollectionCreation(ExpressionSyntax creation, int capacity)
        {
            var bound = SyntaxFactory.Argument(SyntaxFactory.LiteralExpression(SyntaxKind.NumericLiteralExpression, SyntaxFactory.Literal(capacity)))
                .WithNameColon(SyntaxFactory.NameColon("boundedCapacity"));
            return creation switch
            {
                ObjectCreationExpressionSyntax explicitNew => explicitNew.WithArgumentList(
                    explicitNew.ArgumentList is { } list ? list.AddArguments(bound) : SyntaxFactory.ArgumentList(SyntaxFactory.SingletonSeparatedList(bound))),
                ImplicitObjectCreationExpressionSyntax implicitNew => implicitNew.WithArgumentList(implicitNew.ArgumentList.AddArguments(bound)),
                _ => null,
            };
        }

        // ------------------------------------------------------------------ Keep the last N

        /// <summary>
        /// <c>new List&lt;T&gt;()</c> (or <c>Queue</c>, <c>ConcurrentQueue</c>, <c>ConcurrentBag</c>, <c>LinkedList</c>, with
        /// or without an initial size) to <c>new BoundedHistory&lt;T&gt;(capacity: N)</c>; target-typed <c>new()</c> stays
        /// target-typed; a collection initializer is kept. A source to copy: no fix.
        /// </summary>
        private static ExpressionSyntax? RewriteHistoryCreation(SemanticModel model, ExpressionSyntax creation, INamedTypeSymbol fieldType, int capacity, CancellationToken cancellationToken)
        {
            var operation = model.GetOperation(creation, cancellationToken) is { } op ? OperationHelpers.SkipImplicitConversions(op) : null;
            if (operation is not IObjectCreationOperation created || !SymbolEqualityComparer.Default.Equals(created.Type, fieldType))
            {
                return null;
            }

            foreach (var argument in created.Arguments)
            {
                if (!argument.IsImplicit && argument.Parameter?.Type.SpecialType != SpecialType.System_Int32)
                {
                    return null; // a collection to copy
                }
            }

            var arguments = SyntaxFactory.ArgumentList(SyntaxFactory.SingletonSeparatedList(
                SyntaxFactory.Argument(SyntaxFactory.LiteralExpression(SyntaxKind.NumericLiteralExpression, SyntaxFactory.Literal(capacity)))
                    .WithNameColon(SyntaxFactory.NameColon("capacity"))));
            return creation switch
            {
                ImplicitObjectCreationExpressionSyntax implicitNew => implicitNew.WithArgumentList(arguments.WithTriviaFrom(implicitNew.ArgumentList)),
                ObjectCreationExpressionSyntax explicitNew =>
                    explicitNew.WithType(ImportHelper.SteadfastGenericType("BoundedHistory", 1, explicitNew.Type, fieldType).WithTriviaFrom(explicitNew.Type))
                        .WithArgumentList(explicitNew.ArgumentList is null ? arguments : arguments.WithTriviaFrom(explicitNew.ArgumentList)),
                _ => null,
            };
        }

        /// <summary>
        /// Checks each member the type uses on the field against <paramref name="history"/>: the same member with the same
        /// shape, an extension method (LINQ works on any <c>IEnumerable&lt;T&gt;</c>), an indexer read, or an
        /// <c>Enqueue</c>/<c>AddLast</c> of one item whose result is unused, renamed to <c>Add</c> (into
        /// <paramref name="renames"/>). Anything else (<c>Contains</c>, <c>Peek</c>, <c>IsEmpty</c>, an indexer store): false.
        /// </summary>
        private static bool PlanHistoryUses(SemanticModel model, TypeDeclarationSyntax type, IFieldSymbol field, INamedTypeSymbol history, Dictionary<SyntaxNode, SyntaxNode> renames, CancellationToken cancellationToken)
        {
            foreach (var name in type.DescendantNodes().OfType<IdentifierNameSyntax>())
            {
                if (name.Identifier.ValueText != field.Name ||
                    !SymbolEqualityComparer.Default.Equals(model.GetSymbolInfo(name, cancellationToken).Symbol, field))
                {
                    continue;
                }

                SyntaxNode receiver = name.Parent is MemberAccessExpressionSyntax { Name: IdentifierNameSyntax } qualified && qualified.Name == name &&
                                      qualified.Expression is ThisExpressionSyntax
                    ? qualified
                    : name;

                switch (receiver.Parent)
                {
                    case ElementAccessExpressionSyntax element when element.Expression == receiver:
                        if (element.Parent is AssignmentExpressionSyntax assigned && assigned.Left == element ||
                            element.Parent is PrefixUnaryExpressionSyntax or PostfixUnaryExpressionSyntax or RefExpressionSyntax ||
                            element.Parent is ArgumentSyntax { RefKindKeyword.RawKind: not 0 })
                        {
                            return false; // BoundedHistory's indexer only reads
                        }

                        continue;

                    case MemberAccessExpressionSyntax access when access.Expression == receiver:
                        var symbolInfo = model.GetSymbolInfo(access, cancellationToken);
                        var used = symbolInfo.Symbol ?? symbolInfo.CandidateSymbols.FirstOrDefault();
                        if (used is IMethodSymbol { IsExtensionMethod: true })
                        {
                            continue; // LINQ and the like work on any IEnumerable<T>
                        }

                        if (used is null)
                        {
                            return false;
                        }

                        var memberName = access.Name.Identifier.ValueText;
                        if (used is IMethodSymbol { Parameters.Length: 1 } adding && memberName is "Enqueue" or "AddLast" &&
                            SymbolEqualityComparer.Default.Equals(adding.Parameters[0].Type, field.Type is INamedTypeSymbol named ? named.TypeArguments[0] : null) &&
                            access.Parent is InvocationExpressionSyntax { Parent: ExpressionStatementSyntax })
                        {
                            renames[access.Name] = SyntaxFactory.IdentifierName("Add").WithTriviaFrom(access.Name);
                            continue;
                        }

                        if (memberName == "Capacity")
                        {
                            return false; // List's Capacity is the storage it has allocated, not a bound: the same shape, another meaning
                        }

                        if (history.GetMembers(memberName).Any(candidate => SF4001UnboundedCacheCodeFix.SameShape(candidate, used)))
                        {
                            continue;
                        }

                        return false;
                }
            }

            return true;
        }
    }
}
