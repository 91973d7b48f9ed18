using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Formatting;
using Steadfast.Analyzers.Internal;

namespace Steadfast.CodeFixes.Internal
{
    /// <summary>
    /// Where the SF6002 and SF6003 fixes add to an ASP.NET Core app in one file: <c>app.UseRateLimiter()</c> after
    /// <c>UseRouting()</c> (else after the last <c>UseAuthentication()</c>/<c>UseAuthorization()</c>, else right after
    /// <c>var app = builder.Build();</c>), and a service registration right before <c>builder.Build()</c>. Calls are
    /// found by their method name and confirmed by symbol; only statements of the form <c>name.Call(…);</c> and
    /// <c>var app = builder.Build();</c> with simple names are used, so the new statements can name the same receivers.
    /// </summary>
    internal static class AppPipeline
    {
        /// <summary>True when the file calls <paramref name="methodName"/> of <paramref name="containingType"/> anywhere.</summary>
        public static bool Calls(SemanticModel model, SyntaxNode root, string methodName, INamedTypeSymbol? containingType, CancellationToken cancellationToken)
        {
            foreach (var invocation in root.DescendantNodes().OfType<InvocationExpressionSyntax>())
            {
                if (CalledName(invocation) == methodName && Is(model, invocation, methodName, containingType, cancellationToken))
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary><c>var app = builder.Build();</c> on a <c>WebApplicationBuilder</c>: the statement, the builder's and the app's names.</summary>
        public static (StatementSyntax Statement, string Builder, string App)? FindBuild(SemanticModel model, SyntaxNode root, KnownTypes types, CancellationToken cancellationToken)
        {
            foreach (var declaration in root.DescendantNodes().OfType<LocalDeclarationStatementSyntax>())
            {
                if (declaration.Declaration.Variables.Count == 1 &&
                    declaration.Declaration.Variables[0] is { Initializer.Value: InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax { Expression: IdentifierNameSyntax builder, Name.Identifier.ValueText: "Build" } } build } variable &&
                    Is(model, build, "Build", types.WebApplicationBuilder, cancellationToken))
                {
                    return (declaration, builder.Identifier.ValueText, variable.Identifier.ValueText);
                }
            }

            return null;
        }

        /// <summary>
        /// The statement <c>app.UseRateLimiter()</c> goes after, and the receiver it uses: <c>x.UseRouting();</c>, else the last
        /// <c>x.UseAuthentication();</c>/<c>x.UseAuthorization();</c>, else <c>var app = builder.Build();</c>; null when the file has none.
        /// </summary>
        public static (StatementSyntax After, string Receiver)? UseRateLimiterAnchor(SemanticModel model, SyntaxNode root, KnownTypes types, CancellationToken cancellationToken)
        {
            (StatementSyntax, string)? auth = null;
            foreach (var statement in root.DescendantNodes().OfType<ExpressionStatementSyntax>())
            {
                if (statement.Expression is not InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax { Expression: IdentifierNameSyntax receiver } } call)
                {
                    continue;
                }

                switch (CalledName(call))
                {
                    case "UseRouting" when Is(model, call, "UseRouting", types.EndpointRoutingApplicationBuilderExtensions, cancellationToken):
                        return (statement, receiver.Identifier.ValueText);
                    case "UseAuthentication" when Is(model, call, "UseAuthentication", types.AuthAppBuilderExtensions, cancellationToken):
                    case "UseAuthorization" when Is(model, call, "UseAuthorization", types.AuthorizationAppBuilderExtensions, cancellationToken):
                        auth = (statement, receiver.Identifier.ValueText);
                        break;
                }
            }

            if (auth is { } found)
            {
                return found;
            }

            return FindBuild(model, root, types, cancellationToken) is { } build ? (build.Statement, build.App) : null;
        }

        /// <summary>A line break of the file's kind (its first one; <c>\n</c> in a file of one line).</summary>
        public static SyntaxTrivia NewLine(SyntaxNode node)
        {
            foreach (var trivia in node.SyntaxTree.GetRoot().DescendantTrivia())
            {
                if (trivia.IsKind(SyntaxKind.EndOfLineTrivia))
                {
                    return SyntaxFactory.EndOfLine(trivia.ToString());
                }
            }

            return SyntaxFactory.EndOfLine("\n");
        }

        /// <summary>The white space that indents <paramref name="node"/>'s line: its leading trivia after the last line break.</summary>
        public static SyntaxTriviaList Indentation(SyntaxNode node)
        {
            var leading = node.GetLeadingTrivia();
            var indentation = SyntaxFactory.TriviaList();
            foreach (var trivia in leading)
            {
                indentation = trivia.IsKind(SyntaxKind.WhitespaceTrivia) ? indentation.Add(trivia) : SyntaxFactory.TriviaList();
            }

            return indentation;
        }

        /// <summary>
        /// <paramref name="statement"/> as a line of its own beside <paramref name="neighbour"/>: in the same kind of list
        /// (a global statement in a top-level program), indented like it, ending in a line break. Explicit trivia, not
        /// elastic: the formatter puts a blank line between members, and global statements are members.
        /// </summary>
        public static SyntaxNode Beside(StatementSyntax statement, SyntaxNode neighbour)
        {
            var line = statement.WithLeadingTrivia(Indentation(neighbour)).WithTrailingTrivia(NewLine(neighbour));
            return neighbour is GlobalStatementSyntax ? SyntaxFactory.GlobalStatement(line) : line;
        }

        /// <summary><c>receiver.Method(arguments);</c>, formatted where it lands.</summary>
        public static StatementSyntax CallStatement(ExpressionSyntax receiver, string method, params ArgumentSyntax[] arguments) =>
            SyntaxFactory.ExpressionStatement(
                    SyntaxFactory.InvocationExpression(
                        SyntaxFactory.MemberAccessExpression(SyntaxKind.SimpleMemberAccessExpression, receiver, SyntaxFactory.IdentifierName(method)),
                        SyntaxFactory.ArgumentList(SyntaxFactory.SeparatedList(arguments))))
                .WithAdditionalAnnotations(Formatter.Annotation);

        /// <summary>The node that holds <paramref name="statement"/> in its list: the statement, or its global statement in a top-level program.</summary>
        public static SyntaxNode InList(StatementSyntax statement) => statement.Parent is GlobalStatementSyntax global ? global : statement;

        /// <summary>True when <paramref name="name"/> names an extension method <paramref name="method"/> usable on <paramref name="receiverType"/> at <paramref name="position"/> (its namespace is imported).</summary>
        public static bool CanCall(SemanticModel model, int position, ITypeSymbol? receiverType, string method) =>
            receiverType is not null && !model.LookupSymbols(position, receiverType, method, includeReducedExtensionMethods: true).IsEmpty;

        private static string? CalledName(InvocationExpressionSyntax invocation) => invocation.Expression switch
        {
            MemberAccessExpressionSyntax access => access.Name.Identifier.ValueText,
            SimpleNameSyntax name => name.Identifier.ValueText,
            _ => null,
        };

        private static bool Is(SemanticModel model, InvocationExpressionSyntax invocation, string methodName, INamedTypeSymbol? containingType, CancellationToken cancellationToken) =>
            containingType is not null &&
            model.GetSymbolInfo(invocation, cancellationToken).Symbol is IMethodSymbol method &&
            method.Name == methodName &&
            KnownTypes.Is(method.ContainingType, containingType);
    }
}
