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
using Microsoft.CodeAnalysis.Simplification;
using Steadfast.Analyzers;
using Steadfast.Analyzers.Internal;
using Steadfast.Analyzers.Rules;
using Steadfast.Analyzers.Rules.SF2001;
using Steadfast.CodeFixes.Internal;
using Steadfast.Analyzers.Rules.SF2002;

namespace Steadfast.CodeFixes.Rules
{
    /// <summary>
    /// SF2002 fix: one <c>private static readonly HttpClient</c> for the type, created by <c>ResilientHttp.CreateClient</c>
    /// (or as written, when the handler already retries), with the set-up the per-call code did (BaseAddress, Timeout,
    /// default headers) moved into its creation; the per-call creation, <c>using</c> and <c>Dispose()</c> go.
    /// </summary>
    [ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(SF2002HttpClientPerCallCodeFix)), Shared]
    public sealed class SF2002HttpClientPerCallCodeFix : PlannedCodeFixProvider
    {
        public const string ShareKey = "SF2002.Share";

        private const string BaseFieldName = "SharedHttpClient";

        private static readonly (string Key, string Title)[] Offered = { (ShareKey, "Share one client") };

        public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(DiagnosticIds.HttpClientPerCall);

        protected override IEnumerable<(string Key, string Title)> Fixes(Diagnostic diagnostic) => Offered;

        protected override async Task<(SyntaxNode Target, SyntaxNode Replacement)?> PlanAsync(
            Document document, SyntaxNode node, Diagnostic diagnostic, string key, bool verify, CancellationToken cancellationToken)
        {
            var model = await document.GetSemanticModelAsync(cancellationToken).ConfigureAwait(false);
            if (key != ShareKey || model is null || node is not ExpressionSyntax creation ||
                creation.FirstAncestorOrSelf<TypeDeclarationSyntax>() is not { } type || type is InterfaceDeclarationSyntax ||
                model.GetOperation(creation, cancellationToken) is not { } made)
            {
                return null;
            }

            // new HttpClient(...), or a per-call ResilientHttp.CreateClient(...) (already resilient: hoisted as written).
            var (arguments, alreadyResilient) = made switch
            {
                IObjectCreationOperation newClient => (newClient.Arguments, false),
                IInvocationOperation createClient when createClient.TargetMethod.Name == "CreateClient" => (createClient.Arguments, true),
                _ => (ImmutableArray<IArgumentOperation>.Empty, false),
            };
            if (made is not IObjectCreationOperation && !alreadyResilient)
            {
                return null;
            }

            var types = SF2002Symbols.GetOrCreate(model.Compilation);
            if (types.SteadfastResilientHttp is null || !arguments.All(a => a.IsImplicit || IsStatic(a.Value)))
            {
                return null;
            }

            var site = UseSite.Find(creation, model, cancellationToken);
            if (site is null)
            {
                return null;
            }

            // The set-up: initializer members, then the statements right after the declaration that configure the client.
            var setup = new List<StatementSyntax>();
            var local = site.LocalName ?? "client";
            if (creation is BaseObjectCreationExpressionSyntax { Initializer: { } initializer })
            {
                foreach (var expression in initializer.Expressions)
                {
                    if (expression is not AssignmentExpressionSyntax { Left: IdentifierNameSyntax member } assignment || model.GetOperation(assignment.Right, cancellationToken) is not { } value || !IsStatic(value))
                    {
                        return null;
                    }

                    setup.Add(SyntaxFactory.ExpressionStatement(SyntaxFactory.AssignmentExpression(
                        SyntaxKind.SimpleAssignmentExpression,
                        SyntaxFactory.MemberAccessExpression(SyntaxKind.SimpleMemberAccessExpression, SyntaxFactory.IdentifierName(local), SyntaxFactory.IdentifierName(member.Identifier.ValueText)),
                        assignment.Right.WithoutTrivia())));
                }
            }

            foreach (var statement in site.SetupStatements)
            {
                setup.Add(statement.WithoutTrivia());
            }

            var handlerArguments = SyntaxFactory.ArgumentList(SyntaxFactory.SeparatedList(
                arguments.Where(a => !a.IsImplicit).Select(a => ((ArgumentSyntax)a.Syntax).WithoutTrivia())));
            var handlers = new ResilienceRecognizer(SF2001Symbols.GetOrCreate(model.Compilation), SF2001HttpCallWithoutRetryAnalyzer.Options.Get(document.Project.AnalyzerOptions, creation.SyntaxTree).HandlerNames);
            var resilientHandler = !alreadyResilient && arguments.Any(a => !a.IsImplicit && a.Value.DescendantsAndSelf().OfType<IObjectCreationOperation>().Any(c => handlers.IsResilientHandler(c.Type)));

            // The shared client: ResilientHttp.CreateClient(handler...), or new HttpClient(handler...) over a handler that already retries.
            ExpressionSyntax make = resilientHandler
                ? SyntaxFactory.ObjectCreationExpression(HttpClientType(), handlerArguments, null)
                : SyntaxFactory.InvocationExpression(
                    SyntaxFactory.MemberAccessExpression(SyntaxKind.SimpleMemberAccessExpression, ImportHelper.SteadfastTypeExpression(model, type.SpanStart, "ResilientHttp"), SyntaxFactory.IdentifierName("CreateClient")),
                    handlerArguments);

            // Reuse a field this fix already made for the same set-up (Fix All on a type with several per-call clients).
            var existing = ExistingField(type, make, setup, model, types, cancellationToken);
            var fieldName = existing ?? FreeName(model, type, creation.SpanStart);
            var updated = type.ReplaceNodes(site.Replacements.Keys, (original, _) => site.Replacements[original]((IdentifierNameSyntax)SyntaxFactory.IdentifierName(fieldName)));
            updated = updated.RemoveNodes(updated.GetAnnotatedNodes(UseSite.RemoveAnnotation), SyntaxRemoveOptions.KeepNoTrivia)!;
            updated = Flatten(updated);

            if (existing is null)
            {
                var members = new List<MemberDeclarationSyntax>();
                if (setup.Count == 0)
                {
                    members.Add(SharedField(fieldName, make));
                }
                else
                {
                    // private static readonly HttpClient Shared = CreateShared();
                    // private static HttpClient CreateShared() { var client = make; <set-up>; return client; }
                    var factory = "Create" + fieldName;
                    members.Add(SharedField(fieldName, SyntaxFactory.InvocationExpression(SyntaxFactory.IdentifierName(factory))));
                    var body = new List<StatementSyntax>
                    {
                        SyntaxFactory.LocalDeclarationStatement(SyntaxFactory.VariableDeclaration(
                            SyntaxFactory.IdentifierName("var"),
                            SyntaxFactory.SingletonSeparatedList(SyntaxFactory.VariableDeclarator(local).WithInitializer(SyntaxFactory.EqualsValueClause(make))))),
                    };
                    body.AddRange(setup.Select(statement => statement.WithoutTrivia().WithLeadingTrivia(SyntaxFactory.ElasticMarker).WithTrailingTrivia(SyntaxFactory.ElasticMarker)));
                    body.Add(SyntaxFactory.ReturnStatement(SyntaxFactory.IdentifierName(local)));
                    members.Add(SyntaxFactory.MethodDeclaration(HttpClientType(), factory)
                        .WithModifiers(SyntaxFactory.TokenList(SyntaxFactory.Token(SyntaxKind.PrivateKeyword), SyntaxFactory.Token(SyntaxKind.StaticKeyword)))
                        .WithBody(SyntaxFactory.Block(body)));
                }

                var newLine = type.SyntaxTree.GetRoot(cancellationToken).DescendantTrivia().FirstOrDefault(t => t.IsKind(SyntaxKind.EndOfLineTrivia));
                var annotated = members.Select((m, i) => i == 0 ? Annotate(m) : Annotate(m).WithLeadingTrivia(newLine.IsKind(SyntaxKind.EndOfLineTrivia) ? newLine : SyntaxFactory.LineFeed)).ToList();
                var eol = newLine.IsKind(SyntaxKind.EndOfLineTrivia) ? newLine : SyntaxFactory.LineFeed;
                var following = updated.Members.FirstOrDefault();
                var rest = following is null || following.GetLeadingTrivia().Any(t => t.IsKind(SyntaxKind.EndOfLineTrivia))
                    ? updated.Members
                    : updated.Members.Replace(following, following.WithLeadingTrivia(following.GetLeadingTrivia().Insert(0, eol)));
                updated = updated.WithMembers(rest.InsertRange(0, annotated));
            }

            return (type, updated);
        }

        /// <summary>Splices the statements of the blocks the fix made (for a removed <c>using (...) { }</c>) into the enclosing block.</summary>
        private static TypeDeclarationSyntax Flatten(TypeDeclarationSyntax type)
        {
            while (type.GetAnnotatedNodes(UseSite.FlattenAnnotation).OfType<BlockSyntax>().FirstOrDefault(b => b.Parent is BlockSyntax) is { } block)
            {
                var parent = (BlockSyntax)block.Parent!;
                var index = parent.Statements.IndexOf(block);
                var statements = parent.Statements.RemoveAt(index).InsertRange(index, block.Statements.Select(s => s.WithAdditionalAnnotations(Formatter.Annotation)));
                type = type.ReplaceNode(parent, parent.WithStatements(statements));
            }

            return type;
        }

        private static MemberDeclarationSyntax Annotate(MemberDeclarationSyntax member) =>
            member.WithAdditionalAnnotations(Formatter.Annotation).WithTrailingTrivia(SyntaxFactory.ElasticLineFeed);

        /// <summary><c>global::System.Net.Http.HttpClient</c>, reduced to <c>HttpClient</c> where the file imports it.</summary>
        private static TypeSyntax HttpClientType() =>
            SyntaxFactory.ParseTypeName("global::System.Net.Http.HttpClient").WithAdditionalAnnotations(Simplifier.Annotation, Simplifier.AddImportsAnnotation);

        /// <summary><c>private static readonly HttpClient name = value;</c></summary>
        private static FieldDeclarationSyntax SharedField(string name, ExpressionSyntax value) =>
            SyntaxFactory.FieldDeclaration(SyntaxFactory.VariableDeclaration(
                    HttpClientType(),
                    SyntaxFactory.SingletonSeparatedList(SyntaxFactory.VariableDeclarator(name).WithInitializer(SyntaxFactory.EqualsValueClause(value)))))
                .WithModifiers(SyntaxFactory.TokenList(SyntaxFactory.Token(SyntaxKind.PrivateKeyword), SyntaxFactory.Token(SyntaxKind.StaticKeyword), SyntaxFactory.Token(SyntaxKind.ReadOnlyKeyword)));

        /// <summary>
        /// A shared client this fix made earlier in the type with the same creation and set-up: compared as code (the same
        /// method called with equivalent arguments, equivalent statements), not as text.
        /// </summary>
        private static string? ExistingField(TypeDeclarationSyntax type, ExpressionSyntax make, List<StatementSyntax> setup, SemanticModel model, SF2002Symbols types, CancellationToken cancellationToken)
        {
            foreach (var field in type.Members.OfType<FieldDeclarationSyntax>())
            {
                if (field.Declaration.Variables.Count != 1 || !field.Declaration.Variables[0].Identifier.ValueText.StartsWith(BaseFieldName, System.StringComparison.Ordinal) ||
                    field.Declaration.Variables[0].Initializer?.Value is not { } value)
                {
                    continue;
                }

                var name = field.Declaration.Variables[0].Identifier.ValueText;
                if (setup.Count == 0 && SameCreation(value, make, model, types, cancellationToken))
                {
                    return name;
                }

                if (setup.Count > 0 && type.Members.OfType<MethodDeclarationSyntax>().FirstOrDefault(m => m.Identifier.ValueText == "Create" + name) is { Body: { } body } &&
                    body.Statements.Count == setup.Count + 2 && body.Statements[0] is LocalDeclarationStatementSyntax first &&
                    first.Declaration.Variables[0].Initializer?.Value is { } made && SameCreation(made, make, model, types, cancellationToken) &&
                    body.Statements.Skip(1).Take(setup.Count).Zip(setup, (written, planned) => SyntaxFactory.AreEquivalent(written, planned)).All(same => same))
                {
                    return name;
                }
            }

            return null;
        }

        /// <summary>Two client creations that call the same constructor or method with equivalent arguments.</summary>
        private static bool SameCreation(ExpressionSyntax written, ExpressionSyntax planned, SemanticModel model, SF2002Symbols types, CancellationToken cancellationToken)
        {
            var (writtenArguments, plannedArguments) = (written, planned) switch
            {
                (ObjectCreationExpressionSyntax a, ObjectCreationExpressionSyntax b) => (a.ArgumentList, b.ArgumentList),
                (InvocationExpressionSyntax a, InvocationExpressionSyntax b) => (a.ArgumentList, b.ArgumentList),
                _ => (null, null),
            };
            if (writtenArguments is null || plannedArguments is null || !SyntaxFactory.AreEquivalent(writtenArguments, plannedArguments))
            {
                return false;
            }

            // The planned creation is not in the tree; the written one is: compare what it calls with what the plan names.
            var calls = model.GetSymbolInfo(written, cancellationToken).Symbol?.ContainingType;
            return KnownTypes.Is(calls, planned is ObjectCreationExpressionSyntax ? types.HttpClient : types.SteadfastResilientHttp);
        }

        private static string FreeName(SemanticModel model, TypeDeclarationSyntax type, int position)
        {
            var name = BaseFieldName;
            for (var i = 2; type.Members.Any(m => Declares(m, name)) || NameLookup.IsTaken(model, position, name); i++)
            {
                name = BaseFieldName + i;
            }

            return name;
        }

        private static bool Declares(MemberDeclarationSyntax member, string name) => member switch
        {
            FieldDeclarationSyntax field => field.Declaration.Variables.Any(v => v.Identifier.ValueText == name),
            PropertyDeclarationSyntax property => property.Identifier.ValueText == name,
            MethodDeclarationSyntax method => method.Identifier.ValueText == name,
            _ => false,
        };

        /// <summary>True when a value needs no local, parameter or instance member: it can move into a static initializer.</summary>
        internal static bool IsStatic(IOperation value)
        {
            foreach (var op in value.DescendantsAndSelf())
            {
                switch (op)
                {
                    case IInstanceReferenceOperation { ReferenceKind: InstanceReferenceKind.ImplicitReceiver }:
                        break; // the object being initialized: new HttpClientHandler { AllowAutoRedirect = false }
                    case ILocalReferenceOperation:
                    case IParameterReferenceOperation:
                    case IInstanceReferenceOperation:
                        return false;
                }
            }

            return true;
        }

        /// <summary>How the per-call client is used, and what the fix does there.</summary>
        private sealed class UseSite
        {
            public static readonly SyntaxAnnotation RemoveAnnotation = new SyntaxAnnotation("SteadfastRemove");

            private UseSite(string? localName, List<StatementSyntax> setupStatements, Dictionary<SyntaxNode, System.Func<IdentifierNameSyntax, SyntaxNode>> replacements)
            {
                LocalName = localName;
                SetupStatements = setupStatements;
                Replacements = replacements;
            }

            public string? LocalName { get; }

            public List<StatementSyntax> SetupStatements { get; }

            /// <summary>Nodes to replace, given the shared field's name; nodes to remove carry <see cref="RemoveAnnotation"/>.</summary>
            public Dictionary<SyntaxNode, System.Func<IdentifierNameSyntax, SyntaxNode>> Replacements { get; }

            public static UseSite? Find(ExpressionSyntax creation, SemanticModel model, CancellationToken cancellationToken)
            {
                var replacements = new Dictionary<SyntaxNode, System.Func<IdentifierNameSyntax, SyntaxNode>>();
                var setup = new List<StatementSyntax>();

                // new HttpClient().GetStringAsync(url): the shared client in its place.
                if (creation.Parent is MemberAccessExpressionSyntax access && access.Expression == creation)
                {
                    replacements[creation] = field => field.WithTriviaFrom(creation);
                    return new UseSite(null, setup, replacements);
                }

                if (creation.Parent is not EqualsValueClauseSyntax { Parent: VariableDeclaratorSyntax declarator } ||
                    declarator.Parent is not VariableDeclarationSyntax { Variables.Count: 1 } declaration ||
                    model.GetDeclaredSymbol(declarator, cancellationToken) is not ILocalSymbol local)
                {
                    return null;
                }

                var name = local.Name;
                switch (declaration.Parent)
                {
                    // [using] var client = new HttpClient(); client.BaseAddress = ...; ... client.Dispose();
                    case LocalDeclarationStatementSyntax statement when statement.Parent is BlockSyntax block:
                        replacements[statement] = field => SyntaxFactory.LocalDeclarationStatement(
                                SyntaxFactory.VariableDeclaration(SyntaxFactory.IdentifierName("var"), SyntaxFactory.SingletonSeparatedList(SyntaxFactory.VariableDeclarator(declarator.Identifier).WithInitializer(SyntaxFactory.EqualsValueClause(field)))))
                            .WithTriviaFrom(statement);
                        CollectSetupAndDispose(block, block.Statements.IndexOf(statement), name, model, setup, replacements, cancellationToken);
                        return ReconfiguresLater(block, block.Statements.IndexOf(statement) + setup.Count, name) ? null : new UseSite(name, setup, replacements);

                    // using (var client = new HttpClient()) { ... }: the block's statements, after var client = shared;
                    case UsingStatementSyntax { Statement: BlockSyntax body } usingStatement when usingStatement.Parent is BlockSyntax:
                        replacements[usingStatement] = field =>
                        {
                            var declared = SyntaxFactory.LocalDeclarationStatement(SyntaxFactory.VariableDeclaration(
                                    SyntaxFactory.IdentifierName("var"),
                                    SyntaxFactory.SingletonSeparatedList(SyntaxFactory.VariableDeclarator(name).WithInitializer(SyntaxFactory.EqualsValueClause(field)))))
                                .WithLeadingTrivia(usingStatement.GetLeadingTrivia());
                            return SyntaxFactory.Block(new[] { declared }.Concat(RemainingAfterSetup(body, name, model, cancellationToken)))
                                .WithAdditionalAnnotations(Formatter.Annotation, FlattenAnnotation);
                        };
                        CollectSetup(body, -1, name, model, setup, cancellationToken);
                        return ReconfiguresLater(body, setup.Count - 1, name) ? null : new UseSite(name, setup, replacements);

                    default:
                        return null;
                }
            }

            /// <summary>Blocks the fix made only to carry statements; <see cref="Flatten"/> splices them into their parent.</summary>
            public static readonly SyntaxAnnotation FlattenAnnotation = new SyntaxAnnotation("SteadfastFlatten");

            private static IEnumerable<StatementSyntax> RemainingAfterSetup(BlockSyntax body, string name, SemanticModel model, CancellationToken cancellationToken)
            {
                var setup = new List<StatementSyntax>();
                CollectSetup(body, -1, name, model, setup, cancellationToken);
                return body.Statements.Skip(setup.Count).Where(s => !IsDispose(s, name));
            }

            private static void CollectSetupAndDispose(
                BlockSyntax block, int declarationIndex, string name, SemanticModel model, List<StatementSyntax> setup,
                Dictionary<SyntaxNode, System.Func<IdentifierNameSyntax, SyntaxNode>> replacements, CancellationToken cancellationToken)
            {
                CollectSetup(block, declarationIndex, name, model, setup, cancellationToken);
                foreach (var statement in setup)
                {
                    replacements[statement] = _ => statement.WithAdditionalAnnotations(RemoveAnnotation);
                }

                foreach (var statement in block.Statements.Skip(declarationIndex + 1 + setup.Count))
                {
                    if (IsDispose(statement, name))
                    {
                        replacements[statement] = _ => statement.WithAdditionalAnnotations(RemoveAnnotation);
                    }
                }
            }

            /// <summary>The statements right after <paramref name="afterIndex"/> that only configure the client with static values.</summary>
            private static void CollectSetup(BlockSyntax block, int afterIndex, string name, SemanticModel model, List<StatementSyntax> setup, CancellationToken cancellationToken)
            {
                for (var i = afterIndex + 1; i < block.Statements.Count; i++)
                {
                    if (block.Statements[i] is not ExpressionStatementSyntax { Expression: var expression } statement || !ConfiguresClient(expression, name, model, cancellationToken))
                    {
                        return;
                    }

                    setup.Add(statement);
                }
            }

            /// <summary><c>client.BaseAddress = ...</c>, <c>client.Timeout = ...</c>, <c>client.DefaultRequestHeaders.X(...)</c> with static values only.</summary>
            private static bool ConfiguresClient(ExpressionSyntax expression, string name, SemanticModel model, CancellationToken cancellationToken)
            {
                var (target, values) = expression switch
                {
                    AssignmentExpressionSyntax assignment => (assignment.Left, new[] { assignment.Right }),
                    InvocationExpressionSyntax invocation => (invocation.Expression, invocation.ArgumentList.Arguments.Select(a => a.Expression).ToArray()),
                    _ => ((ExpressionSyntax?)null, System.Array.Empty<ExpressionSyntax>()),
                };

                var root = target;
                while (root is MemberAccessExpressionSyntax member)
                {
                    root = member.Expression;
                }

                if (root is not IdentifierNameSyntax { Identifier.ValueText: var receiver } || receiver != name || target is IdentifierNameSyntax)
                {
                    return false;
                }

                var text = target!.ToString();
                if (!(text.StartsWith(name + ".BaseAddress", System.StringComparison.Ordinal) || text.StartsWith(name + ".Timeout", System.StringComparison.Ordinal) ||
                      text.StartsWith(name + ".DefaultRequestHeaders", System.StringComparison.Ordinal) || text.StartsWith(name + ".DefaultRequestVersion", System.StringComparison.Ordinal) ||
                      text.StartsWith(name + ".MaxResponseContentBufferSize", System.StringComparison.Ordinal)))
                {
                    return false;
                }

                foreach (var value in values)
                {
                    if (model.GetOperation(value, cancellationToken) is not { } op || !IsStatic(op))
                    {
                        return false;
                    }
                }

                return true;
            }

            /// <summary>
            /// True when code after the set-up changes the client's configuration (per-call headers, a per-call address):
            /// on a shared client that would leak between calls, so the fix is not offered.
            /// </summary>
            private static bool ReconfiguresLater(BlockSyntax block, int lastSetupIndex, string name)
            {
                foreach (var statement in block.Statements.Skip(lastSetupIndex + 1))
                {
                    foreach (var access in statement.DescendantNodesAndSelf().OfType<MemberAccessExpressionSyntax>())
                    {
                        if (access.Expression is IdentifierNameSyntax { Identifier.ValueText: var receiver } && receiver == name &&
                            access.Name.Identifier.ValueText is "BaseAddress" or "Timeout" or "DefaultRequestHeaders" or "DefaultRequestVersion" or "DefaultVersionPolicy" or "MaxResponseContentBufferSize" &&
                            !(access.Parent is not AssignmentExpressionSyntax && access.Name.Identifier.ValueText is "BaseAddress" or "Timeout"))
                        {
                            return true;
                        }
                    }
                }

                return false;
            }

            private static bool IsDispose(StatementSyntax statement, string name) =>
                statement is ExpressionStatementSyntax
                {
                    Expression: InvocationExpressionSyntax
                    {
                        Expression: MemberAccessExpressionSyntax { Name.Identifier.ValueText: "Dispose", Expression: IdentifierNameSyntax { Identifier.ValueText: var receiver } },
                        ArgumentList.Arguments.Count: 0,
                    },
                } && receiver == name;
        }
    }
}
