using System.Collections.Generic;
using System.Collections.Immutable;
using System.Composition;
using System.Globalization;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Formatting;
using Microsoft.CodeAnalysis.Operations;
using Microsoft.CodeAnalysis.Simplification;
using Steadfast.Analyzers;
using Steadfast.Analyzers.Internal;
using Steadfast.Analyzers.Rules;
using Steadfast.Analyzers.Rules.SF1003;
using Steadfast.CodeFixes.Internal;

namespace Steadfast.CodeFixes.Rules
{
    /// <summary>
    /// SF1003 fix, "Limit concurrency":
    /// <list type="bullet">
    /// <item><c>Task.WhenAll(items.Select(lambda))</c> whose results are not used (a <c>Task</c>, or an awaited
    /// <c>Task&lt;T[]&gt;</c> whose value is dropped) becomes <c>Parallel.ForEachAsync(items, new ParallelOptions {
    /// MaxDegreeOfParallelism = N }, async (item, token) => …)</c> where the target has <c>Parallel.ForEachAsync</c>
    /// (.NET 6 and later);</item>
    /// <item>otherwise <c>Concurrency.WhenAllBounded(items, N, selector)</c> (Steadfast's runtime), which returns the
    /// same type as the <c>WhenAll</c> it replaces, results in the order of the items;</item>
    /// <item><c>Parallel.ForEachAsync</c> with options that set no limit gets <c>MaxDegreeOfParallelism = N</c>.</item>
    /// </list>
    /// N is <c>SF1003.max_concurrency</c>. Not offered for the shapes through a local, loops and <c>Task.Run</c> per item,
    /// an indexed Select, a synchronous block lambda where only <c>Parallel.ForEachAsync</c> applies, or where the result
    /// does not compile.
    /// </summary>
    [ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(SF1003UnboundedFanOutCodeFix)), Shared]
    public sealed class SF1003UnboundedFanOutCodeFix : PlannedCodeFixProvider
    {
        public const string LimitKey = "SF1003.LimitConcurrency";

        private static readonly (string Key, string Title)[] Offered = { (LimitKey, "Limit concurrency") };

        public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(DiagnosticIds.UnboundedFanOut);

        protected override IEnumerable<(string Key, string Title)> Fixes(Diagnostic diagnostic) => Offered;

        protected override async Task<(SyntaxNode Target, SyntaxNode Replacement)?> PlanAsync(
            Document document, SyntaxNode node, Diagnostic diagnostic, string key, bool verify, CancellationToken cancellationToken)
        {
            if (key != LimitKey || !diagnostic.Properties.TryGetValue(SF1003UnboundedFanOutAnalyzer.ShapeProperty, out var shape) ||
                node.FirstAncestorOrSelf<InvocationExpressionSyntax>() is not { } invocation || !invocation.Expression.Span.Contains(node.Span))
            {
                return null;
            }

            var model = await document.GetSemanticModelAsync(cancellationToken).ConfigureAwait(false);
            if (model is null || model.GetOperation(invocation, cancellationToken) is not IInvocationOperation call)
            {
                return null;
            }

            var types = SF1003Symbols.GetOrCreate(model.Compilation);
            var limit = diagnostic.Properties.TryGetValue(SF1003UnboundedFanOutAnalyzer.MaxConcurrencyProperty, out var text) && int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var parsed) && parsed > 0
                ? parsed
                : SF1003UnboundedFanOutAnalyzer.DefaultMaxConcurrency;

            SyntaxNode? replacement = shape switch
            {
                nameof(FanOutShape.Select) => PlanSelect(model, invocation, call, types, limit, cancellationToken),
                nameof(FanOutShape.ParallelOptions) => PlanOptions(call, types, limit),
                _ => null,
            };
            if (replacement is null)
            {
                return null;
            }

            SyntaxNode target = invocation;
            if (shape == nameof(FanOutShape.ParallelOptions))
            {
                target = OptionsCreation(call, types)!;
            }

            replacement = replacement.WithTriviaFrom(target).WithAdditionalAnnotations(Formatter.Annotation);
            if (verify && !await FixVerifier.AddsNoErrorAsync(document, target, replacement, cancellationToken).ConfigureAwait(false))
            {
                return null;
            }

            return (target, replacement);
        }

        /// <summary>WhenAll over a Select: Parallel.ForEachAsync where the results are not used and it exists, else the runtime's WhenAllBounded.</summary>
        private static SyntaxNode? PlanSelect(SemanticModel model, InvocationExpressionSyntax invocation, IInvocationOperation call, SF1003Symbols types, int limit, CancellationToken cancellationToken)
        {
            if (call.TargetMethod.Name != "WhenAll" || call.Arguments.Length != 1 ||
                Unmaterialized(call.Arguments[0].Value, types) is not IInvocationOperation { TargetMethod.Name: "Select", Arguments.Length: 2 } select ||
                !KnownTypes.Is(select.TargetMethod.ContainingType, types.Enumerable) ||
                OperationHelpers.SkipImplicitConversions(select.Arguments[0].Value).Syntax is not ExpressionSyntax source ||
                OperationHelpers.SkipConversions(select.Arguments[1].Value) is not IDelegateCreationOperation selector ||
                selector.Syntax is not ExpressionSyntax selectorSyntax ||
                (selector.Target is IAnonymousFunctionOperation { Symbol.Parameters.Length: not 1 }))
            {
                return null;
            }

            var limitLiteral = SyntaxFactory.LiteralExpression(SyntaxKind.NumericLiteralExpression, SyntaxFactory.Literal(limit));
            if (ResultsUnused(call) && ForEachAsyncExists(types) && selector.Target is IAnonymousFunctionOperation lambda &&
                selectorSyntax is LambdaExpressionSyntax lambdaSyntax && ForEachBody(model, lambdaSyntax, lambda.Symbol, cancellationToken) is { } body)
            {
                // Parallel.ForEachAsync(source, new ParallelOptions { MaxDegreeOfParallelism = N }, async (item, token) => …)
                var options = SyntaxFactory.ObjectCreationExpression(TasksType(model, invocation.SpanStart, "ParallelOptions"))
                    .WithInitializer(Initializer(SyntaxFactory.SingletonSeparatedList<ExpressionSyntax>(MaxDegree(limit))));
                return SyntaxFactory.InvocationExpression(
                    SyntaxFactory.MemberAccessExpression(SyntaxKind.SimpleMemberAccessExpression, TasksType(model, invocation.SpanStart, "Parallel"), SyntaxFactory.IdentifierName("ForEachAsync")),
                    SyntaxFactory.ArgumentList(SyntaxFactory.SeparatedList(new[]
                    {
                        SyntaxFactory.Argument(source.WithoutTrivia()),
                        SyntaxFactory.Argument(options),
                        SyntaxFactory.Argument(body),
                    })));
            }

            if (types.SteadfastConcurrency is null)
            {
                return null;
            }

            // Concurrency.WhenAllBounded(source, N, selector): the same type as the WhenAll it replaces.
            return SyntaxFactory.InvocationExpression(
                SyntaxFactory.MemberAccessExpression(SyntaxKind.SimpleMemberAccessExpression, ImportHelper.SteadfastTypeExpression(model, invocation.SpanStart, "Concurrency"), SyntaxFactory.IdentifierName("WhenAllBounded")),
                SyntaxFactory.ArgumentList(SyntaxFactory.SeparatedList(new[]
                {
                    SyntaxFactory.Argument(source.WithoutTrivia()),
                    SyntaxFactory.Argument(limitLiteral),
                    SyntaxFactory.Argument(selectorSyntax.WithoutLeadingTrivia()),
                })));
        }

        /// <summary>Parallel.ForEachAsync with options that set no limit: the options get <c>MaxDegreeOfParallelism = N</c>.</summary>
        private static SyntaxNode? PlanOptions(IInvocationOperation call, SF1003Symbols types, int limit)
        {
            if (OptionsCreation(call, types) is not { } creation)
            {
                return null;
            }

            if (creation.Initializer is not { } initializer)
            {
                return creation.WithInitializer(Initializer(SyntaxFactory.SingletonSeparatedList<ExpressionSyntax>(MaxDegree(limit))));
            }

            foreach (var expression in initializer.Expressions)
            {
                if (expression is AssignmentExpressionSyntax { Left: IdentifierNameSyntax { Identifier.ValueText: "MaxDegreeOfParallelism" } } assignment)
                {
                    return creation.ReplaceNode(assignment.Right, SyntaxFactory.LiteralExpression(SyntaxKind.NumericLiteralExpression, SyntaxFactory.Literal(limit)).WithTriviaFrom(assignment.Right));
                }
            }

            return creation.WithInitializer(initializer.WithExpressions(initializer.Expressions.Add(MaxDegree(limit))));
        }

        private static BaseObjectCreationExpressionSyntax? OptionsCreation(IInvocationOperation call, SF1003Symbols types)
        {
            foreach (var argument in call.Arguments)
            {
                if (argument.Parameter is { } parameter && KnownTypes.Is(parameter.Type, types.ParallelOptions))
                {
                    return OperationHelpers.SkipConversions(argument.Value).Syntax as BaseObjectCreationExpressionSyntax;
                }
            }

            return null;
        }

        private static InitializerExpressionSyntax Initializer(SeparatedSyntaxList<ExpressionSyntax> expressions) =>
            SyntaxFactory.InitializerExpression(SyntaxKind.ObjectInitializerExpression, expressions);

        private static ExpressionSyntax MaxDegree(int limit) => SyntaxFactory.AssignmentExpression(
            SyntaxKind.SimpleAssignmentExpression,
            SyntaxFactory.IdentifierName("MaxDegreeOfParallelism"),
            SyntaxFactory.LiteralExpression(SyntaxKind.NumericLiteralExpression, SyntaxFactory.Literal(limit)));

        /// <summary>
        /// The lambda Parallel.ForEachAsync takes, from the Select's one-parameter lambda: a token parameter added (a name
        /// free in the lambda and around it), <c>async</c> added with the expression awaited; null for a synchronous block
        /// or an async lambda that returns values.
        /// </summary>
        private static LambdaExpressionSyntax? ForEachBody(SemanticModel model, LambdaExpressionSyntax lambda, IMethodSymbol symbol, CancellationToken cancellationToken)
        {
            ParameterSyntax parameter;
            switch (lambda)
            {
                case SimpleLambdaExpressionSyntax simple:
                    parameter = simple.Parameter;
                    break;
                case ParenthesizedLambdaExpressionSyntax { ParameterList.Parameters.Count: 1 } parenthesized:
                    parameter = parenthesized.ParameterList.Parameters[0];
                    break;
                default:
                    return null;
            }

            var isAsync = lambda.AsyncKeyword.IsKind(SyntaxKind.AsyncKeyword);
            BlockSyntax? block = lambda.Block;
            ExpressionSyntax? expression = lambda.ExpressionBody;
            if (block is not null && (!isAsync || symbol.ReturnType is INamedTypeSymbol { IsGenericType: true }))
            {
                return null;
            }

            if (!isAsync && expression is not null)
            {
                var awaited = expression is InvocationExpressionSyntax or MemberAccessExpressionSyntax or IdentifierNameSyntax or ParenthesizedExpressionSyntax
                    ? expression.WithoutTrivia()
                    : SyntaxFactory.ParenthesizedExpression(expression.WithoutTrivia());
                expression = SyntaxFactory.AwaitExpression(awaited);
            }

            var token = NameLookup.Free(model, lambda.SpanStart, NameLookup.DeclaredIn(lambda), "cancellationToken");

            var tokenParameter = SyntaxFactory.Parameter(SyntaxFactory.Identifier(token));
            if (parameter.Type is not null)
            {
                tokenParameter = tokenParameter.WithType(SyntaxFactory.ParseTypeName("global::System.Threading.CancellationToken").WithAdditionalAnnotations(Simplifier.Annotation));
            }

            var modifiers = new List<SyntaxToken>();
            foreach (var modifier in lambda.Modifiers)
            {
                if (!modifier.IsKind(SyntaxKind.AsyncKeyword))
                {
                    modifiers.Add(modifier.WithoutTrivia());
                }
            }

            modifiers.Add(SyntaxFactory.Token(SyntaxKind.AsyncKeyword));
            return SyntaxFactory.ParenthesizedLambdaExpression(
                    SyntaxFactory.ParameterList(SyntaxFactory.SeparatedList(new[] { parameter.WithoutTrivia(), tokenParameter })),
                    block,
                    expression)
                .WithModifiers(SyntaxFactory.TokenList(modifiers))
                .WithAdditionalAnnotations(Formatter.Annotation);
        }

        /// <summary><c>global::System.Threading.Tasks.X</c>, reduced (and imported) when <c>X</c> names nothing else at the position.</summary>
        private static TypeSyntax TasksType(SemanticModel model, int position, string name)
        {
            var type = SyntaxFactory.ParseTypeName("global::System.Threading.Tasks." + name);
            foreach (var symbol in NameLookup.TypesNamed(model, position, name))
            {
                if (symbol.ContainingNamespace?.ToDisplayString() != "System.Threading.Tasks")
                {
                    return type.WithAdditionalAnnotations(Simplifier.Annotation);
                }
            }

            return type.WithAdditionalAnnotations(Simplifier.Annotation, Simplifier.AddImportsAnnotation);
        }

        private static bool ForEachAsyncExists(SF1003Symbols types) =>
            types.ParallelOptions is not null && types.Parallel is { } parallel && parallel.GetMembers("ForEachAsync").Length > 0;

        /// <summary>True when the WhenAll gives no results (a plain Task), or is awaited in a statement that drops its value.</summary>
        private static bool ResultsUnused(IInvocationOperation whenAll)
        {
            if (whenAll.Type is INamedTypeSymbol { IsGenericType: false })
            {
                return true;
            }

            var use = OperationHelpers.OutermostConversion(whenAll).Parent;
            if (use is IInvocationOperation { TargetMethod.Name: "ConfigureAwait" } configure)
            {
                use = OperationHelpers.OutermostConversion(configure).Parent;
            }

            return use is IAwaitOperation awaited && OperationHelpers.OutermostConversion(awaited).Parent is IExpressionStatementOperation;
        }

        private static IOperation Unmaterialized(IOperation operation, SF1003Symbols types)
        {
            operation = OperationHelpers.SkipConversions(operation);
            while (operation is IInvocationOperation { TargetMethod.Name: "ToList" or "ToArray" or "AsEnumerable", Arguments.Length: 1 } materialize &&
                KnownTypes.Is(materialize.TargetMethod.ContainingType, types.Enumerable))
            {
                operation = OperationHelpers.SkipConversions(materialize.Arguments[0].Value);
            }

            return operation;
        }
    }
}
