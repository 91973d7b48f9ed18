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
using Microsoft.CodeAnalysis.Simplification;
using Steadfast.Analyzers;
using Steadfast.Analyzers.Internal;
using Steadfast.Analyzers.Rules;
using Steadfast.CodeFixes.Internal;

namespace Steadfast.CodeFixes.Rules
{
    /// <summary>
    /// SF6003 fix, "Rate-limit with Steadfast's tiers": <c>.RequireRateLimiting(RateLimitTiers.Auth)</c> on a login,
    /// registration or token endpoint, <c>RateLimitTiers.Write</c> on a mutation (<c>[EnableRateLimiting(…)]</c> on a
    /// controller action), and, once per app, <c>builder.Services.AddSteadfastRateLimiting();</c> before
    /// <c>builder.Build()</c> and <c>app.UseRateLimiter();</c> after routing when the app lacks them. Offered only where
    /// Steadfast.AspNetCore is referenced; where the registration is missing, only in the file that builds the app
    /// (fix that file first: the endpoints of other files are then offered the fix); never where the app configures
    /// ASP.NET Core's limiter itself without the tiers, whose policy names it would not know.
    /// </summary>
    [ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(SF6003EndpointWithoutRateLimitCodeFix)), Shared]
    public sealed class SF6003EndpointWithoutRateLimitCodeFix : PlannedCodeFixProvider
    {
        public const string RequireRateLimitingKey = "SF6003.RequireRateLimiting";

        private static readonly (string Key, string Title)[] AuthFixes = { (RequireRateLimitingKey, "Rate-limit with the auth tier (RateLimitTiers.Auth)") };
        private static readonly (string Key, string Title)[] WriteFixes = { (RequireRateLimitingKey, "Rate-limit with the write tier (RateLimitTiers.Write)") };

        public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(DiagnosticIds.EndpointWithoutRateLimit);

        protected override IEnumerable<(string Key, string Title)> Fixes(Diagnostic diagnostic) =>
            Property(diagnostic, SF6003EndpointWithoutRateLimitAnalyzer.TierProperty) == SF6003EndpointWithoutRateLimitAnalyzer.AuthTier ? AuthFixes : WriteFixes;

        protected override async Task<(SyntaxNode Target, SyntaxNode Replacement)?> PlanAsync(
            Document document, SyntaxNode node, Diagnostic diagnostic, string key, bool verify, CancellationToken cancellationToken)
        {
            var model = await document.GetSemanticModelAsync(cancellationToken).ConfigureAwait(false);
            var root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
            if (key != RequireRateLimitingKey || model is null || root is null)
            {
                return null;
            }

            var types = KnownTypes.GetOrCreate(model.Compilation);
            var registered = Property(diagnostic, SF6003EndpointWithoutRateLimitAnalyzer.RegisteredProperty) == "true";
            if (types.SteadfastRateLimitTiers is null || types.SteadfastRateLimitingExtensions is null ||
                (!registered && Property(diagnostic, SF6003EndpointWithoutRateLimitAnalyzer.OwnLimiterProperty) == "true"))
            {
                return null;
            }

            var tier = Property(diagnostic, SF6003EndpointWithoutRateLimitAnalyzer.TierProperty) == SF6003EndpointWithoutRateLimitAnalyzer.AuthTier ? "Auth" : "Write";
            var controller = Property(diagnostic, SF6003EndpointWithoutRateLimitAnalyzer.ControllerProperty) == "true";
            var tierExpression = SyntaxFactory.MemberAccessExpression(
                SyntaxKind.SimpleMemberAccessExpression,
                ImportHelper.SteadfastTypeExpression(model, node.SpanStart, "RateLimitTiers"),
                SyntaxFactory.IdentifierName(tier));

            SyntaxNode endpoint;
            SyntaxNode limited;
            if (controller)
            {
                if (node is not MethodDeclarationSyntax method || types.EnableRateLimitingAttribute is null)
                {
                    return null;
                }

                var attribute = SyntaxFactory.Attribute(
                    (NameSyntax)SyntaxFactory.ParseName("global::Microsoft.AspNetCore.RateLimiting.EnableRateLimiting").WithAdditionalAnnotations(Simplifier.Annotation, Simplifier.AddImportsAnnotation),
                    SyntaxFactory.AttributeArgumentList(SyntaxFactory.SingletonSeparatedList(SyntaxFactory.AttributeArgument(tierExpression))));
                endpoint = method;
                limited = method.AddAttributeLists(SyntaxFactory.AttributeList(SyntaxFactory.SingletonSeparatedList(attribute)).WithAdditionalAnnotations(Formatter.Annotation));
            }
            else
            {
                if (node.Parent is not MemberAccessExpressionSyntax { Parent: InvocationExpressionSyntax invocation } access || access.Name != node)
                {
                    return null;
                }

                endpoint = invocation;
                limited = SyntaxFactory.InvocationExpression(
                        SyntaxFactory.MemberAccessExpression(SyntaxKind.SimpleMemberAccessExpression, invocation.WithoutTrailingTrivia(), SyntaxFactory.IdentifierName("RequireRateLimiting")),
                        SyntaxFactory.ArgumentList(SyntaxFactory.SingletonSeparatedList(SyntaxFactory.Argument(tierExpression))))
                    .WithTrailingTrivia(invocation.GetTrailingTrivia());
            }

            // Diagnostics were computed before earlier fixes of a Fix All: what this file now has counts too.
            var needsRegistration = !registered && !AppPipeline.Calls(model, root, "AddSteadfastRateLimiting", types.SteadfastRateLimitingExtensions, cancellationToken);
            var needsMiddleware = Property(diagnostic, SF6003EndpointWithoutRateLimitAnalyzer.MiddlewareProperty) != "true" &&
                !AppPipeline.Calls(model, root, "UseRateLimiter", types.RateLimiterApplicationBuilderExtensions, cancellationToken);

            (SyntaxNode Target, SyntaxNode Replacement) plan;
            if (!needsRegistration && !needsMiddleware)
            {
                plan = (endpoint, limited);
            }
            else if (PlanApp(model, root, endpoint, limited, needsRegistration, needsMiddleware, types, cancellationToken) is { } app)
            {
                plan = app;
            }
            else
            {
                return null; // the registration belongs in the file that builds the app
            }

            if (verify && !await FixVerifier.AddsNoErrorAsync(document, plan.Target, plan.Replacement, cancellationToken).ConfigureAwait(false))
            {
                return null;
            }

            return plan;
        }

        /// <summary>The whole file: the endpoint limited, the tiers registered before <c>builder.Build()</c>, the middleware after routing.</summary>
        private static (SyntaxNode, SyntaxNode)? PlanApp(
            SemanticModel model, SyntaxNode root, SyntaxNode endpoint, SyntaxNode limited, bool needsRegistration, bool needsMiddleware, KnownTypes types, CancellationToken cancellationToken)
        {
            if (AppPipeline.FindBuild(model, root, types, cancellationToken) is not { } build ||
                AppPipeline.UseRateLimiterAnchor(model, root, types, cancellationToken) is not { } anchor ||
                root is not CompilationUnitSyntax unit)
            {
                return null;
            }

            var buildNode = AppPipeline.InList(build.Statement);
            var anchorNode = AppPipeline.InList(anchor.After);
            var edited = unit.TrackNodes(endpoint, buildNode, anchorNode);
            edited = edited.ReplaceNode(edited.GetCurrentNode(endpoint)!, limited);

            if (needsRegistration)
            {
                // builder.Services.AddSteadfastRateLimiting(); with `using Steadfast;` when the extension is not in scope.
                var services = SyntaxFactory.MemberAccessExpression(SyntaxKind.SimpleMemberAccessExpression, SyntaxFactory.IdentifierName(build.Builder), SyntaxFactory.IdentifierName("Services"));
                var register = AppPipeline.CallStatement(services, "AddSteadfastRateLimiting");
                var current = edited.GetCurrentNode(buildNode)!;
                edited = edited.InsertNodesBefore(current, new[] { AppPipeline.Beside(register, current).WithLeadingTrivia(current.GetLeadingTrivia()) });
                var moved = edited.GetCurrentNode(buildNode)!;
                edited = edited.ReplaceNode(moved, moved.WithLeadingTrivia(AppPipeline.Indentation(moved))); // comments above it stay above the pair
                if (!AppPipeline.CanCall(model, build.Statement.SpanStart, types.ServiceCollection, "AddSteadfastRateLimiting") &&
                    !edited.Usings.Any(u => u.Alias is null && u.StaticKeyword.IsKind(SyntaxKind.None) && u.Name is IdentifierNameSyntax { Identifier.ValueText: "Steadfast" }))
                {
                    edited = edited.AddUsings(SyntaxFactory.UsingDirective(SyntaxFactory.IdentifierName("Steadfast")).NormalizeWhitespace().WithTrailingTrivia(AppPipeline.NewLine(root)));
                }
            }

            if (needsMiddleware)
            {
                var receiverType = model.GetSpeculativeTypeInfo(anchor.After.Span.End, SyntaxFactory.IdentifierName(anchor.Receiver), SpeculativeBindingOption.BindAsExpression).Type;
                if (!AppPipeline.CanCall(model, anchor.After.Span.End, receiverType, "UseRateLimiter"))
                {
                    return null;
                }

                var use = AppPipeline.CallStatement(SyntaxFactory.IdentifierName(anchor.Receiver), "UseRateLimiter");
                var current = edited.GetCurrentNode(anchorNode)!;
                edited = edited.InsertNodesAfter(current, new[] { AppPipeline.Beside(use, current) });
            }

            return (root, edited);
        }

        private static string? Property(Diagnostic diagnostic, string name) =>
            diagnostic.Properties.TryGetValue(name, out var value) ? value : null;
    }
}
