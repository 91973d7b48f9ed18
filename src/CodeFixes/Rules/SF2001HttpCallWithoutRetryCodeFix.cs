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
using Steadfast.CodeFixes.Internal;
using Steadfast.Analyzers.Rules.SF2001;

namespace Steadfast.CodeFixes.Rules
{
    /// <summary>
    /// SF2001 fixes: make the client itself resilient (its <c>new HttpClient(...)</c> becomes
    /// <c>ResilientHttp.CreateClient(...)</c>, which fixes every call on it), or wrap the one call in
    /// <c>ResilientHttp.RetryAsync(ct =&gt; ..., token)</c>; on an <c>AddHttpClient</c> registration, add a resilience
    /// handler to its builder: <c>AddStandardResilienceHandler()</c> where the project references
    /// Microsoft.Extensions.Http.Resilience, else Steadfast's <c>AddSteadfastRetry()</c>.
    /// </summary>
    [ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(SF2001HttpCallWithoutRetryCodeFix)), Shared]
    public sealed class SF2001HttpCallWithoutRetryCodeFix : PlannedCodeFixProvider
    {
        public const string MakeClientResilientKey = "SF2001.MakeClientResilient";
        public const string RetryKey = "SF2001.Retry";
        public const string AddResilienceHandlerKey = "SF2001.AddResilienceHandler";

        private static readonly (string Key, string Title) MakeClientResilient = (MakeClientResilientKey, "Make the client resilient (ResilientHttp.CreateClient)");
        private static readonly (string Key, string Title) Retry = (RetryKey, "Retry transient failures (ResilientHttp.RetryAsync)");
        private static readonly (string Key, string Title) AddResilienceHandler = (AddResilienceHandlerKey, "Add a resilience handler to the registration");

        /// <summary>Calls the retry wrapper is not offered for: repeating them can do the work twice.</summary>
        private static readonly ImmutableHashSet<string> NonIdempotent = ImmutableHashSet.Create("PostAsync", "PatchAsync", "PostAsJsonAsync", "PatchAsJsonAsync");

        private static readonly ImmutableHashSet<string> SafeMethods = ImmutableHashSet.Create("Get", "Put", "Delete", "Head", "Options");

        public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(DiagnosticIds.HttpCallWithoutRetry);

        protected override IEnumerable<(string Key, string Title)> Fixes(Diagnostic diagnostic) =>
            diagnostic.Properties.ContainsKey(SF2001HttpCallWithoutRetryAnalyzer.RegistrationProperty) ? new[] { AddResilienceHandler }
            : diagnostic.Properties.TryGetValue(SF2001HttpCallWithoutRetryAnalyzer.NewClientProperty, out var newClient) && newClient == "true"
                ? new[] { MakeClientResilient, Retry }
                : new[] { Retry };

        protected override async Task<(SyntaxNode Target, SyntaxNode Replacement)?> PlanAsync(
            Document document, SyntaxNode node, Diagnostic diagnostic, string key, bool verify, CancellationToken cancellationToken)
        {
            var model = await document.GetSemanticModelAsync(cancellationToken).ConfigureAwait(false);
            if (model is null || node is not InvocationExpressionSyntax call ||
                model.GetOperation(call, cancellationToken) is not IInvocationOperation operation)
            {
                return null;
            }

            var types = SF2001Symbols.GetOrCreate(model.Compilation);
            if (key == AddResilienceHandlerKey)
            {
                return PlanAddResilienceHandler(model, call, types, cancellationToken);
            }

            if (types.SteadfastResilientHttp is null)
            {
                return null;
            }

            // Another fix may have made the client resilient since the diagnostic was computed (dotnet format runs SF2002's
            // "share one client" first): never wrap a call on a client that already retries.
            if (await AlreadyResilientAsync(model, operation, types, depth: 0, cancellationToken).ConfigureAwait(false))
            {
                return null;
            }

            // A client created per call is SF2002's to fix ("share one client", which makes it resilient too): wrapping
            // the call here would stack two retry layers once that fix runs.
            if (CreatedPerCall(model, operation, types, cancellationToken))
            {
                return null;
            }

            // Each candidate is tried in turn; the first that compiles wins (handing the call a token needs an overload that takes one).
            var candidates = key switch
            {
                MakeClientResilientKey => new[] { PlanMakeClientResilient(model, operation, cancellationToken) },
                RetryKey => new[] { PlanRetry(model, call, operation, types, addToken: true), PlanRetry(model, call, operation, types, addToken: false) },
                _ => new (SyntaxNode Target, SyntaxNode Replacement)?[0],
            };

            foreach (var plan in candidates)
            {
                if (plan is { } p && (!verify || await FixVerifier.AddsNoErrorAsync(document, p.Target, p.Replacement, cancellationToken).ConfigureAwait(false)))
                {
                    return plan;
                }
            }

            return null;
        }

        /// <summary>The client a call is made on: the instance, or the first argument of a <c>System.Net.Http.Json</c> extension.</summary>
        private static IOperation? Receiver(IInvocationOperation call)
        {
            var receiver = call.Instance ?? (call.Arguments.Length > 0 ? call.Arguments[0].Value : null);
            return receiver is null ? null : OperationHelpers.SkipConversions(receiver);
        }

        private static bool CreatedPerCall(SemanticModel model, IInvocationOperation call, SF2001Symbols types, CancellationToken cancellationToken)
        {
            var receiver = Receiver(call);

            var creation = receiver switch
            {
                IObjectCreationOperation inline => inline,
                ILocalReferenceOperation local => SingleCreation(local.Local, call.Syntax.SyntaxTree, model, cancellationToken) is { } syntax
                    ? model.GetOperation(syntax, cancellationToken)
                    : null,
                _ => null,
            };

            return creation is not null && model.GetEnclosingSymbol(creation.Syntax.SpanStart, cancellationToken) is { } member &&
                   SF2002HttpClientPerCallAnalyzer.IsPerCall(creation, member, Steadfast.Analyzers.Rules.SF2002.SF2002Symbols.GetOrCreate(model.Compilation), out _);
        }

        private static async Task<bool> AlreadyResilientAsync(SemanticModel model, IInvocationOperation call, SF2001Symbols types, int depth, CancellationToken cancellationToken)
        {
            var receiver = Receiver(call);
            return receiver is not null && await IsResilientValueAsync(model.Compilation, receiver, types, depth, cancellationToken).ConfigureAwait(false);
        }

        /// <summary>True when a value is (through locals, fields and a factory method's body) made by <c>ResilientHttp.CreateClient</c>.</summary>
        private static async Task<bool> IsResilientValueAsync(Compilation compilation, IOperation value, SF2001Symbols types, int depth, CancellationToken cancellationToken)
        {
            value = OperationHelpers.SkipConversions(value);
            if (depth > 6)
            {
                return false;
            }

            ISymbol? symbol = value switch
            {
                IInvocationOperation invocation when KnownTypes.Is(invocation.TargetMethod.ContainingType, types.SteadfastResilientHttp) && invocation.TargetMethod.Name == "CreateClient" => null,
                IInvocationOperation invocation => invocation.TargetMethod,
                ILocalReferenceOperation local => local.Local,
                IFieldReferenceOperation field => field.Field,
                IPropertyReferenceOperation property => property.Property,
                _ => null,
            };

            if (value is IInvocationOperation { TargetMethod.Name: "CreateClient" } direct && KnownTypes.Is(direct.TargetMethod.ContainingType, types.SteadfastResilientHttp))
            {
                return true;
            }

            if (symbol is null)
            {
                return false;
            }

            foreach (var reference in symbol.DeclaringSyntaxReferences)
            {
                var syntax = await reference.GetSyntaxAsync(cancellationToken).ConfigureAwait(false);
                var model = compilation.GetSemanticModel(reference.SyntaxTree);
                SyntaxNode? source = syntax switch
                {
                    VariableDeclaratorSyntax declarator => declarator.Initializer?.Value,
                    PropertyDeclarationSyntax property => (SyntaxNode?)property.Initializer?.Value ?? property.ExpressionBody?.Expression,
                    MethodDeclarationSyntax method => method,
                    _ => null,
                };

                if (source is MethodDeclarationSyntax factory)
                {
                    foreach (var returned in factory.DescendantNodes().OfType<ReturnStatementSyntax>())
                    {
                        if (returned.Expression is not null && model.GetOperation(returned.Expression, cancellationToken) is { } result &&
                            await IsResilientValueAsync(compilation, result, types, depth + 1, cancellationToken).ConfigureAwait(false))
                        {
                            return true;
                        }
                    }
                }
                else if (source is not null && model.GetOperation(source, cancellationToken) is { } initial &&
                         await IsResilientValueAsync(compilation, initial, types, depth + 1, cancellationToken).ConfigureAwait(false))
                {
                    return true;
                }
            }

            return false;
        }

        // ------------------------------------------------------------------ add a resilience handler to the registration

        /// <summary>
        /// <c>services.AddHttpClient&lt;T&gt;().ConfigureHttpClient(...)</c> gains <c>.AddStandardResilienceHandler()</c> (or
        /// <c>.AddSteadfastRetry()</c>) at the end of its builder chain; a using directive is added when the method's
        /// namespace is not imported.
        /// </summary>
        private static (SyntaxNode Target, SyntaxNode Replacement)? PlanAddResilienceHandler(SemanticModel model, InvocationExpressionSyntax registration, SF2001Symbols types, CancellationToken cancellationToken)
        {
            var extensions = types.ResilienceHttpClientBuilderExtensions is { } standard && HasMethod(standard, "AddStandardResilienceHandler")
                ? (Type: standard, Method: "AddStandardResilienceHandler")
                : types.SteadfastResilientHttpClientBuilderExtensions is { } steadfast && HasMethod(steadfast, "AddSteadfastRetry")
                    ? (Type: steadfast, Method: "AddSteadfastRetry")
                    : default;
            if (extensions.Type is null || types.HttpClientBuilder is null)
            {
                return null;
            }

            // The end of the fluent chain: every further call that still returns the builder.
            ExpressionSyntax end = registration;
            while (end.Parent is MemberAccessExpressionSyntax { Parent: InvocationExpressionSyntax next } access && access.Expression == end &&
                   KnownTypes.Is(model.GetTypeInfo(next, cancellationToken).Type, types.HttpClientBuilder))
            {
                end = next;
            }

            // Discarded, the chain can end with the new call. Stored in a local, the builder gets it in a statement of its
            // own after the declaration: AddStandardResilienceHandler returns another builder type, and later calls on the
            // local would no longer compile.
            SyntaxNode target;
            SyntaxNode replacement;
            if (end.Parent is ExpressionStatementSyntax or ArrowExpressionClauseSyntax)
            {
                target = end;
                replacement = SyntaxFactory.InvocationExpression(
                        SyntaxFactory.MemberAccessExpression(SyntaxKind.SimpleMemberAccessExpression, end.WithoutTrivia(), SyntaxFactory.IdentifierName(extensions.Method)))
                    .WithTriviaFrom(end);
            }
            else if (end.Parent is EqualsValueClauseSyntax { Parent: VariableDeclaratorSyntax { Parent: VariableDeclarationSyntax { Variables.Count: 1, Parent: LocalDeclarationStatementSyntax declaration } } declarator } &&
                     declaration.Parent is BlockSyntax block)
            {
                var statement = SyntaxFactory.ExpressionStatement(SyntaxFactory.InvocationExpression(
                        SyntaxFactory.MemberAccessExpression(SyntaxKind.SimpleMemberAccessExpression, SyntaxFactory.IdentifierName(declarator.Identifier.ValueText), SyntaxFactory.IdentifierName(extensions.Method))))
                    .WithAdditionalAnnotations(Formatter.Annotation);
                target = block;
                replacement = block.WithStatements(block.Statements.Insert(block.Statements.IndexOf(declaration) + 1, statement));
            }
            else
            {
                return null;
            }

            var inScope = !model.LookupSymbols(end.SpanStart, container: types.HttpClientBuilder, name: extensions.Method, includeReducedExtensionMethods: true).IsEmpty;
            if (inScope)
            {
                return (target, replacement);
            }

            // Not imported here: the whole file, with the namespace's using directive added.
            if (end.SyntaxTree.GetRoot(cancellationToken) is not CompilationUnitSyntax unit)
            {
                return null;
            }

            var newLine = unit.DescendantTrivia().FirstOrDefault(t => t.IsKind(SyntaxKind.EndOfLineTrivia));
            var import = SyntaxFactory.UsingDirective(SyntaxFactory.ParseName(extensions.Type.ContainingNamespace.ToDisplayString()))
                .WithTrailingTrivia(newLine.IsKind(SyntaxKind.EndOfLineTrivia) ? newLine : SyntaxFactory.LineFeed);
            return (unit, unit.ReplaceNode(target, replacement).AddUsings(import));
        }

        private static bool HasMethod(INamedTypeSymbol type, string name) => !type.GetMembers(name).IsEmpty;

        // ------------------------------------------------------------------ make the client resilient

        private static (SyntaxNode Target, SyntaxNode Replacement)? PlanMakeClientResilient(SemanticModel model, IInvocationOperation call, CancellationToken cancellationToken)
        {
            var receiver = Receiver(call);

            var creation = receiver switch
            {
                IObjectCreationOperation inline => inline.Syntax as BaseObjectCreationExpressionSyntax,
                ILocalReferenceOperation local => SingleCreation(local.Local, call.Syntax.SyntaxTree, model, cancellationToken),
                IFieldReferenceOperation field => SingleCreation(field.Field, call.Syntax.SyntaxTree, model, cancellationToken),
                IPropertyReferenceOperation property => SingleCreation(property.Property, call.Syntax.SyntaxTree, model, cancellationToken),
                _ => null,
            };

            if (creation is null || model.GetOperation(creation, cancellationToken) is not IObjectCreationOperation created)
            {
                return null;
            }

            var arguments = new List<ArgumentSyntax>();
            foreach (var argument in created.Arguments)
            {
                if (argument.IsImplicit)
                {
                    continue;
                }

                if (argument.Parameter?.Name != "handler" || argument.Syntax is not ArgumentSyntax handler)
                {
                    return null; // disposeHandler: false and the like would change meaning
                }

                arguments.Add(handler.WithNameColon(null));
            }

            if (creation.Initializer is { } initializer)
            {
                foreach (var expression in initializer.Expressions)
                {
                    if (expression is not AssignmentExpressionSyntax { Left: IdentifierNameSyntax { Identifier.ValueText: "BaseAddress" }, Right: var baseAddress })
                    {
                        return null; // only BaseAddress has a CreateClient parameter
                    }

                    arguments.Add(SyntaxFactory.Argument(baseAddress.WithoutTrivia()).WithNameColon(SyntaxFactory.NameColon("baseAddress")));
                }
            }

            return (creation, ResilientHttpCall(model, creation, "CreateClient", arguments));
        }

        /// <summary>The one <c>new HttpClient(...)</c> a local, field or property is ever given, if it is in this document.</summary>
        private static BaseObjectCreationExpressionSyntax? SingleCreation(ISymbol symbol, SyntaxTree tree, SemanticModel model, CancellationToken cancellationToken)
        {
            var values = new List<ExpressionSyntax>();
            foreach (var reference in symbol.DeclaringSyntaxReferences)
            {
                if (reference.SyntaxTree != tree)
                {
                    return null;
                }

                switch (reference.GetSyntax(cancellationToken))
                {
                    case VariableDeclaratorSyntax { Initializer.Value: var value }:
                        values.Add(value);
                        break;
                    case PropertyDeclarationSyntax { Initializer.Value: var value }:
                        values.Add(value);
                        break;
                }
            }

            var scope = symbol is ILocalSymbol
                ? symbol.DeclaringSyntaxReferences.FirstOrDefault()?.GetSyntax(cancellationToken).FirstAncestorOrSelf<MemberDeclarationSyntax>()
                : symbol.DeclaringSyntaxReferences.FirstOrDefault()?.GetSyntax(cancellationToken).FirstAncestorOrSelf<TypeDeclarationSyntax>();
            if (scope is null || (symbol is not ILocalSymbol && symbol.ContainingType.DeclaringSyntaxReferences.Length > 1))
            {
                return null; // a partial type: another part could assign it
            }

            foreach (var assignment in scope.DescendantNodes().OfType<AssignmentExpressionSyntax>())
            {
                if (SymbolEqualityComparer.Default.Equals(model.GetSymbolInfo(assignment.Left, cancellationToken).Symbol, symbol))
                {
                    values.Add(assignment.Right);
                }
            }

            return values.Count == 1 ? values[0] as BaseObjectCreationExpressionSyntax : null;
        }

        // ------------------------------------------------------------------ retry the call

        private static (SyntaxNode Target, SyntaxNode Replacement)? PlanRetry(SemanticModel model, InvocationExpressionSyntax call, IInvocationOperation operation, SF2001Symbols types, bool addToken)
        {
            var method = operation.TargetMethod;
            if (NonIdempotent.Contains(method.Name) || (method.Name == "SendAsync" && !IsInlineSafeRequest(operation)))
            {
                return null;
            }

            var tokenName = FreeName(model, call.SpanStart, "ct", "retryToken", "attemptToken");
            var lambdaToken = SyntaxFactory.IdentifierName(tokenName);

            // The call's own token goes outside (to RetryAsync); inside, the call gets the attempt's token.
            ExpressionSyntax? outerToken = null;
            InvocationExpressionSyntax inner = call;
            var tokenArgument = operation.Arguments.FirstOrDefault(a => !a.IsImplicit && KnownTypes.Is(a.Parameter?.Type, types.CancellationToken));
            if (tokenArgument?.Syntax is ArgumentSyntax given)
            {
                outerToken = given.Expression.WithoutTrivia();
                inner = call.ReplaceNode(given.Expression, lambdaToken.WithTriviaFrom(given.Expression));
            }
            else if (!addToken && tokenArgument is not null)
            {
                return null;
            }
            else
            {
                outerToken = TokenInScope(model, call, types);
                if (addToken)
                {
                    inner = call.AddArgumentListArguments(SyntaxFactory.Argument(lambdaToken).WithNameColon(SyntaxFactory.NameColon("cancellationToken")));
                }
            }

            var lambda = SyntaxFactory.SimpleLambdaExpression(SyntaxFactory.Parameter(SyntaxFactory.Identifier(tokenName)), inner.WithoutTrivia());
            var arguments = new List<ArgumentSyntax> { SyntaxFactory.Argument(lambda) };
            if (outerToken is not null)
            {
                arguments.Add(SyntaxFactory.Argument(outerToken));
            }

            return (call, ResilientHttpCall(model, call, "RetryAsync", arguments));
        }

        /// <summary><c>ResilientHttp.Method(arguments)</c>, in the place (and with the trivia) of <paramref name="replaced"/>.</summary>
        private static InvocationExpressionSyntax ResilientHttpCall(SemanticModel model, SyntaxNode replaced, string method, List<ArgumentSyntax> arguments) =>
            SyntaxFactory.InvocationExpression(
                    SyntaxFactory.MemberAccessExpression(
                        SyntaxKind.SimpleMemberAccessExpression,
                        ImportHelper.SteadfastTypeExpression(model, replaced.SpanStart, "ResilientHttp"),
                        SyntaxFactory.IdentifierName(method)),
                    SyntaxFactory.ArgumentList(SyntaxFactory.SeparatedList(arguments)))
                .WithTriviaFrom(replaced);

        /// <summary><c>SendAsync(new HttpRequestMessage(HttpMethod.Get, ...))</c>: rebuilt on every attempt, and safe to repeat.</summary>
        private static bool IsInlineSafeRequest(IInvocationOperation operation)
        {
            var request = operation.Arguments.FirstOrDefault(a => a.Parameter?.Ordinal == 0)?.Value;
            return request is not null && OperationHelpers.SkipConversions(request) is IObjectCreationOperation { Arguments.Length: > 0 } creation &&
                   creation.Arguments[0].Value is IPropertyReferenceOperation { Property.ContainingType.Name: "HttpMethod" } verb &&
                   SafeMethods.Contains(verb.Property.Name);
        }

        /// <summary>The nearest <c>CancellationToken</c> parameter of the enclosing lambdas, local functions and method.</summary>
        private static ExpressionSyntax? TokenInScope(SemanticModel model, SyntaxNode at, SF2001Symbols types)
        {
            foreach (var ancestor in at.Ancestors())
            {
                var function = ancestor switch
                {
                    AnonymousFunctionExpressionSyntax lambda => model.GetSymbolInfo(lambda).Symbol as IMethodSymbol,
                    LocalFunctionStatementSyntax or BaseMethodDeclarationSyntax or AccessorDeclarationSyntax => model.GetDeclaredSymbol(ancestor) as IMethodSymbol,
                    _ => null,
                };

                foreach (var parameter in function?.Parameters ?? ImmutableArray<IParameterSymbol>.Empty)
                {
                    if (KnownTypes.Is(parameter.Type, types.CancellationToken))
                    {
                        return SyntaxFactory.IdentifierName(parameter.Name);
                    }
                }

                if (ancestor is TypeDeclarationSyntax)
                {
                    break;
                }
            }

            return null;
        }

        private static string FreeName(SemanticModel model, int position, params string[] candidates)
        {
            foreach (var candidate in candidates)
            {
                if (!NameLookup.IsTaken(model, position, candidate))
                {
                    return candidate;
                }
            }

            for (var i = 2; ; i++)
            {
                if (!NameLookup.IsTaken(model, position, "ct" + i))
                {
                    return "ct" + i;
                }
            }
        }
    }
}
