using System.Collections.Generic;
using System.Collections.Immutable;
using System.Composition;
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
using Steadfast.Analyzers.Rules.SF6001;
using Steadfast.CodeFixes.Internal;

namespace Steadfast.CodeFixes.Rules
{
    /// <summary>
    /// SF6001 fix, "Only in Development": wraps the statement that makes the call, with the adjacent statements that make
    /// such calls too, in <c>if (&lt;environment&gt;.IsDevelopment()) { … }</c>. The environment is the <c>WebApplication</c>
    /// receiver's <c>Environment</c>, else an <c>IWebHostEnvironment</c>/<c>IHostEnvironment</c> (or a <c>WebApplication</c>)
    /// parameter, local, field or property in scope; where there is none, nothing is offered.
    /// </summary>
    [ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(SF6001DevelopmentOnlyCodeFix)), Shared]
    public sealed class SF6001DevelopmentOnlyCodeFix : PlannedCodeFixProvider
    {
        public const string OnlyInDevelopmentKey = "SF6001.OnlyInDevelopment";

        private static readonly (string Key, string Title)[] Offered = { (OnlyInDevelopmentKey, "Only in Development") };

        public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(DiagnosticIds.DevelopmentOnlyOutsideDevelopment);

        protected override IEnumerable<(string Key, string Title)> Fixes(Diagnostic diagnostic) => Offered;

        protected override async Task<(SyntaxNode Target, SyntaxNode Replacement)?> PlanAsync(
            Document document, SyntaxNode node, Diagnostic diagnostic, string key, bool verify, CancellationToken cancellationToken)
        {
            if (key != OnlyInDevelopmentKey || node is not InvocationExpressionSyntax invocation || StatementOf(invocation) is not { } statement)
            {
                return null;
            }

            var model = await document.GetSemanticModelAsync(cancellationToken).ConfigureAwait(false);
            if (model is null)
            {
                return null;
            }

            var types = SF6001Symbols.GetOrCreate(model.Compilation);
            var allowed = SF6001DevelopmentOnlyAnalyzer.AllowedMethods.Get(document.Project.AnalyzerOptions, statement.SyntaxTree);
            if (!MakesReportedCall(model, statement, types, allowed, cancellationToken))
            {
                return null; // already guarded (a Fix All wrapped it with a neighbour)
            }

            // The run of adjacent statements that make such calls.
            var siblings = Siblings(statement);
            var index = siblings.IndexOf(statement);
            var first = index;
            var last = index;
            while (first > 0 && siblings[first - 1] is ExpressionStatementSyntax previous && MakesReportedCall(model, previous, types, allowed, cancellationToken))
            {
                first--;
            }

            while (last < siblings.Count - 1 && siblings[last + 1] is ExpressionStatementSyntax next && MakesReportedCall(model, next, types, allowed, cancellationToken))
            {
                last++;
            }

            if (EnvironmentInScope(model, siblings[first], invocation, types, cancellationToken) is not { } environment)
            {
                return null;
            }

            var run = new List<StatementSyntax>();
            for (var i = first; i <= last; i++)
            {
                run.Add(i == first ? siblings[i].WithoutLeadingTrivia() : siblings[i]);
            }

            run[run.Count - 1] = run[run.Count - 1].WithoutTrailingTrivia();
            var guard = SyntaxFactory.IfStatement(IsDevelopment(model, siblings[first].SpanStart, environment, types), SyntaxFactory.Block(run))
                .WithLeadingTrivia(siblings[first].GetLeadingTrivia())
                .WithTrailingTrivia(siblings[last].GetTrailingTrivia())
                .WithAdditionalAnnotations(Formatter.Annotation);

            var plan = Replace(statement, first, last, guard);
            if (plan is null || (verify && !await FixVerifier.AddsNoErrorAsync(document, plan.Value.Target, plan.Value.Replacement, cancellationToken).ConfigureAwait(false)))
            {
                return null;
            }

            return plan;
        }

        /// <summary>
        /// The expression statement the call is the spine of (<c>app.UseSwagger();</c>, <c>app.UseSwagger().UseSwaggerUI();</c>,
        /// <c>app.MapOpenApi().AllowAnonymous();</c>), in a block or at the top level; null for a call inside a larger
        /// expression (an assignment, an argument, a declaration whose variable would fall out of scope).
        /// </summary>
        private static ExpressionStatementSyntax? StatementOf(InvocationExpressionSyntax invocation)
        {
            SyntaxNode current = invocation;
            while (true)
            {
                switch (current.Parent)
                {
                    case MemberAccessExpressionSyntax access when access.Expression == current && access.Parent is InvocationExpressionSyntax call && call.Expression == access:
                        current = call;
                        continue;
                    case ExpressionStatementSyntax statement when statement.Parent is BlockSyntax or GlobalStatementSyntax:
                        return statement;
                    default:
                        return null;
                }
            }
        }

        /// <summary>The statements around the statement: its block's, or the file's top-level statements.</summary>
        private static List<StatementSyntax> Siblings(ExpressionStatementSyntax statement)
        {
            var list = new List<StatementSyntax>();
            if (statement.Parent is BlockSyntax block)
            {
                list.AddRange(block.Statements);
            }
            else if (statement.Parent?.Parent is CompilationUnitSyntax unit)
            {
                foreach (var member in unit.Members)
                {
                    if (member is GlobalStatementSyntax global)
                    {
                        list.Add(global.Statement);
                    }
                }
            }

            return list;
        }

        private static (SyntaxNode Target, SyntaxNode Replacement)? Replace(ExpressionStatementSyntax statement, int first, int last, StatementSyntax guard)
        {
            if (statement.Parent is BlockSyntax block)
            {
                var statements = block.Statements;
                for (var i = last; i >= first; i--)
                {
                    statements = statements.RemoveAt(i);
                }

                return (block, block.WithStatements(statements.Insert(first, guard)));
            }

            if (statement.Parent is GlobalStatementSyntax && statement.Parent.Parent is CompilationUnitSyntax unit)
            {
                // The n-th top-level statement is the n-th global statement member.
                var members = unit.Members;
                var globals = new List<int>();
                for (var i = 0; i < members.Count; i++)
                {
                    if (members[i] is GlobalStatementSyntax)
                    {
                        globals.Add(i);
                    }
                }

                var from = globals[first];
                var to = globals[last];
                if (to - from != last - first)
                {
                    return null; // a declaration between them
                }

                for (var i = to; i >= from; i--)
                {
                    members = members.RemoveAt(i);
                }

                return (unit, unit.WithMembers(members.Insert(from, SyntaxFactory.GlobalStatement(guard))));
            }

            return null;
        }

        /// <summary>True when the statement makes a call the rule reports (judged in place: see <see cref="SF6001DevelopmentOnlyAnalyzer.IsReportedInPlace"/>).</summary>
        private static bool MakesReportedCall(SemanticModel model, ExpressionStatementSyntax statement, SF6001Symbols types, ImmutableHashSet<string> allowed, CancellationToken cancellationToken)
        {
            var containing = model.GetEnclosingSymbol(statement.SpanStart, cancellationToken);
            for (var expression = statement.Expression; expression is InvocationExpressionSyntax call;)
            {
                if (model.GetOperation(call, cancellationToken) is IInvocationOperation operation && SF6001DevelopmentOnlyAnalyzer.IsReportedInPlace(operation, containing, types, allowed))
                {
                    return true;
                }

                expression = call.Expression is MemberAccessExpressionSyntax access ? access.Expression : null;
            }

            return false;
        }

        /// <summary>
        /// The environment to test: the <c>Environment</c> of the call's <c>WebApplication</c> receiver (a local, parameter
        /// or field), else a host environment or <c>WebApplication</c> in scope at <paramref name="at"/>, bound by name to
        /// the same symbol there; null when there is none.
        /// </summary>
        private static ExpressionSyntax? EnvironmentInScope(SemanticModel model, StatementSyntax at, InvocationExpressionSyntax invocation, SF6001Symbols types, CancellationToken cancellationToken)
        {
            // The receiver at the bottom of the call chain.
            ExpressionSyntax receiver = invocation;
            while (receiver is InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax access })
            {
                receiver = access.Expression;
            }

            if (receiver != invocation && model.GetSymbolInfo(receiver, cancellationToken).Symbol is ILocalSymbol or IParameterSymbol or IFieldSymbol &&
                receiver is IdentifierNameSyntax or MemberAccessExpressionSyntax { Expression: ThisExpressionSyntax } &&
                KnownTypes.DerivesFrom(model.GetTypeInfo(receiver, cancellationToken).Type, types.WebApplication))
            {
                return Member(receiver.WithoutTrivia(), "Environment");
            }

            // Parameters of the enclosing functions, innermost first.
            var position = at.SpanStart;
            for (var symbol = model.GetEnclosingSymbol(position, cancellationToken); symbol is not null and not INamedTypeSymbol; symbol = symbol.ContainingSymbol)
            {
                if (symbol is IMethodSymbol method)
                {
                    foreach (var parameter in method.Parameters)
                    {
                        if (Candidate(model, position, parameter, parameter.Type, types) is { } found)
                        {
                            return found;
                        }
                    }
                }
            }

            // Locals declared before the statement, in the enclosing blocks (and the top-level statements).
            for (SyntaxNode? node = at; node is not null and not MemberDeclarationSyntax; node = node.Parent)
            {
                IEnumerable<StatementSyntax> earlier = node.Parent switch
                {
                    BlockSyntax block => block.Statements,
                    GlobalStatementSyntax { Parent: CompilationUnitSyntax unit } => GlobalStatements(unit),
                    _ => System.Array.Empty<StatementSyntax>(),
                };

                foreach (var statement in earlier)
                {
                    if (statement.SpanStart >= at.SpanStart)
                    {
                        break;
                    }

                    if (statement is LocalDeclarationStatementSyntax declaration)
                    {
                        foreach (var variable in declaration.Declaration.Variables)
                        {
                            if (model.GetDeclaredSymbol(variable, cancellationToken) is ILocalSymbol local && Candidate(model, position, local, local.Type, types) is { } found)
                            {
                                return found;
                            }
                        }
                    }
                }
            }

            // Fields and properties of the containing types.
            var enclosing = model.GetEnclosingSymbol(position, cancellationToken);
            var isStatic = enclosing is { IsStatic: true };
            for (var type = enclosing?.ContainingType; type is not null; type = type.ContainingType)
            {
                foreach (var member in type.GetMembers())
                {
                    var memberType = member switch
                    {
                        IFieldSymbol { IsImplicitlyDeclared: false } field => field.Type,
                        IPropertySymbol { IsIndexer: false } property => property.Type,
                        _ => null,
                    };

                    if (memberType is not null && (member.IsStatic || !isStatic) && Candidate(model, position, member, memberType, types) is { } found)
                    {
                        return found;
                    }
                }

                isStatic = true; // an outer type's instance members are not in scope in a nested type
            }

            return null;
        }

        private static IEnumerable<StatementSyntax> GlobalStatements(CompilationUnitSyntax unit)
        {
            foreach (var member in unit.Members)
            {
                if (member is GlobalStatementSyntax global)
                {
                    yield return global.Statement;
                }
            }
        }

        /// <summary>The expression for <paramref name="symbol"/> as an environment, when its name binds to it at <paramref name="position"/>.</summary>
        private static ExpressionSyntax? Candidate(SemanticModel model, int position, ISymbol symbol, ITypeSymbol type, SF6001Symbols types)
        {
            var isEnvironment = types.IsEnvironment(type);
            var isApp = !isEnvironment && KnownTypes.DerivesFrom(type, types.WebApplication);
            if (!isEnvironment && !isApp)
            {
                return null;
            }

            var bound = NameLookup.Bind(model, position, symbol.Name);
            if (bound.Length != 1 || !SymbolEqualityComparer.Default.Equals(bound[0], symbol))
            {
                return null;
            }

            var name = SyntaxFactory.IdentifierName(symbol.Name);
            return isApp ? Member(name, "Environment") : name;
        }

        /// <summary>
        /// <c>environment.IsDevelopment()</c>; where no using brings the extension method in,
        /// <c>global::Microsoft.Extensions.Hosting.HostEnvironmentEnvExtensions.IsDevelopment(environment)</c>, with the using added and the name simplified.
        /// </summary>
        private static ExpressionSyntax IsDevelopment(SemanticModel model, int position, ExpressionSyntax environment, SF6001Symbols types)
        {
            var call = SyntaxFactory.InvocationExpression(Member(environment, "IsDevelopment"));
            if (model.GetSpeculativeSymbolInfo(position, call, SpeculativeBindingOption.BindAsExpression).Symbol is IMethodSymbol method &&
                KnownTypes.Is((method.ReducedFrom ?? method).ContainingType, types.HostEnvironmentEnvExtensions))
            {
                return call;
            }

            return SyntaxFactory.InvocationExpression(
                SyntaxFactory.ParseExpression("global::Microsoft.Extensions.Hosting.HostEnvironmentEnvExtensions.IsDevelopment").WithAdditionalAnnotations(Simplifier.Annotation, Simplifier.AddImportsAnnotation),
                SyntaxFactory.ArgumentList(SyntaxFactory.SingletonSeparatedList(SyntaxFactory.Argument(environment))));
        }

        private static MemberAccessExpressionSyntax Member(ExpressionSyntax receiver, string name) =>
            SyntaxFactory.MemberAccessExpression(SyntaxKind.SimpleMemberAccessExpression, receiver, SyntaxFactory.IdentifierName(name));
    }
}
