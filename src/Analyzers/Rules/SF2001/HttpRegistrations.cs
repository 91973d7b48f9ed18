using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Steadfast.Analyzers.Internal;

namespace Steadfast.Analyzers.Rules.SF2001
{
    /// <summary>
    /// What the compilation's <c>IHttpClientFactory</c> registrations make resilient: typed clients (by type name), named
    /// clients (by name), and every factory client at once (<c>ConfigureHttpClientDefaults</c>). Read from syntax, once
    /// per compilation and only when a call needs it; files that do not mention the registration methods are skipped
    /// by a text search.
    /// </summary>
    internal sealed class HttpRegistrations
    {
        /// <summary>Calls on an <c>IHttpClientBuilder</c> that add retries.</summary>
        internal static readonly ImmutableHashSet<string> ResilienceCalls = ImmutableHashSet.Create(
            StringComparer.Ordinal,
            "AddStandardResilienceHandler",
            "AddResilienceHandler",
            "AddStandardHedgingHandler",
            "AddPolicyHandler",
            "AddPolicyHandlerFromRegistry",
            "AddTransientHttpErrorPolicy",
            "AddSteadfastRetry");

        /// <summary>Handler types that retry: ours, Microsoft.Extensions.Http.Resilience's, Microsoft.Extensions.Http.Polly's.</summary>
        internal static readonly ImmutableHashSet<string> ResilientHandlerNames = ImmutableHashSet.Create(
            StringComparer.Ordinal, "ResilientHttpHandler", "ResilienceHandler", "PolicyHttpMessageHandler");

        private HttpRegistrations(bool defaultsResilient, HashSet<string> typed, HashSet<string> named)
        {
            DefaultsResilient = defaultsResilient;
            TypedResilient = typed;
            NamedResilient = named;
        }

        /// <summary>True when <c>ConfigureHttpClientDefaults</c> adds resilience to every factory client.</summary>
        public bool DefaultsResilient { get; }

        /// <summary>Simple names of typed clients registered with resilience (<c>AddHttpClient&lt;T&gt;()</c>, both types of <c>&lt;TClient, TImplementation&gt;</c>).</summary>
        public HashSet<string> TypedResilient { get; }

        /// <summary>Names of named clients registered with resilience: the string, or the expression's text when it is not a literal.</summary>
        public HashSet<string> NamedResilient { get; }

        public static HttpRegistrations Scan(Compilation compilation, ImmutableHashSet<string> extraHandlerNames, CancellationToken cancellationToken)
        {
            var defaults = false;
            var typed = new HashSet<string>(StringComparer.Ordinal);
            var named = new HashSet<string>(StringComparer.Ordinal);
            foreach (var tree in compilation.SyntaxTrees)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var text = tree.GetText(cancellationToken).ToString();
                if (text.IndexOf("AddHttpClient", StringComparison.Ordinal) < 0 && text.IndexOf("ConfigureHttpClientDefaults", StringComparison.Ordinal) < 0)
                {
                    continue;
                }

                foreach (var invocation in tree.GetRoot(cancellationToken).DescendantNodes().OfType<InvocationExpressionSyntax>())
                {
                    var name = NameOf(invocation);
                    if (name == "ConfigureHttpClientDefaults")
                    {
                        defaults |= MentionsResilience(invocation.ArgumentList, extraHandlerNames);
                    }
                    else if (name == "AddHttpClient" && (ChainAddsResilience(invocation, extraHandlerNames) || BuilderVariableAddsResilience(invocation, extraHandlerNames)))
                    {
                        AddKeys(invocation, typed, named);
                    }
                }
            }

            return new HttpRegistrations(defaults, typed, named);
        }

        /// <summary>The text a named client's name is compared by: the string value of a literal or <c>nameof</c>, else the expression without white space.</summary>
        internal static string NameKey(ExpressionSyntax expression) => expression switch
        {
            LiteralExpressionSyntax literal when literal.IsKind(SyntaxKind.StringLiteralExpression) => literal.Token.ValueText,
            InvocationExpressionSyntax { Expression: IdentifierNameSyntax { Identifier.ValueText: "nameof" }, ArgumentList.Arguments.Count: 1 } nameOf =>
                SyntaxText.LastIdentifier(nameOf.ArgumentList.Arguments[0].Expression),
            _ => SyntaxText.WithoutWhiteSpace(expression.ToString()),
        };

        internal static string? NameOf(InvocationExpressionSyntax invocation) => invocation.Expression switch
        {
            MemberAccessExpressionSyntax access => access.Name.Identifier.ValueText,
            SimpleNameSyntax simple => simple.Identifier.ValueText,
            _ => null,
        };

        internal static bool IsResilienceCall(InvocationExpressionSyntax invocation, ImmutableHashSet<string> extraHandlerNames)
        {
            var name = NameOf(invocation);
            if (name is null)
            {
                return false;
            }

            if (ResilienceCalls.Contains(name))
            {
                return true;
            }

            if (name != "AddHttpMessageHandler")
            {
                return false;
            }

            // AddHttpMessageHandler<ResilientHttpHandler>() or AddHttpMessageHandler(() => new ResilientHttpHandler(...))
            var callee = invocation.Expression is MemberAccessExpressionSyntax access ? access.Name : invocation.Expression;
            if (callee is GenericNameSyntax generic)
            {
                foreach (var argument in generic.TypeArgumentList.Arguments)
                {
                    if (IsHandlerName(SyntaxText.LastIdentifier(argument), extraHandlerNames))
                    {
                        return true;
                    }
                }
            }

            return MentionsHandler(invocation.ArgumentList, extraHandlerNames);
        }

        internal static bool IsHandlerName(string name, ImmutableHashSet<string> extraHandlerNames) =>
            ResilientHandlerNames.Contains(name) || extraHandlerNames.Contains(name);

        private static bool MentionsHandler(SyntaxNode node, ImmutableHashSet<string> extraHandlerNames)
        {
            foreach (var creation in node.DescendantNodes().OfType<ObjectCreationExpressionSyntax>())
            {
                if (IsHandlerName(SyntaxText.LastIdentifier(creation.Type), extraHandlerNames))
                {
                    return true;
                }
            }

            return false;
        }

        private static bool MentionsResilience(SyntaxNode node, ImmutableHashSet<string> extraHandlerNames)
        {
            foreach (var invocation in node.DescendantNodes().OfType<InvocationExpressionSyntax>())
            {
                if (IsResilienceCall(invocation, extraHandlerNames))
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary><c>services.AddHttpClient&lt;T&gt;().ConfigureHttpClient(...).AddStandardResilienceHandler()</c>: any later call in the fluent chain.</summary>
        private static bool ChainAddsResilience(InvocationExpressionSyntax registration, ImmutableHashSet<string> extraHandlerNames)
        {
            SyntaxNode node = registration;
            while (node.Parent is MemberAccessExpressionSyntax { Parent: InvocationExpressionSyntax next } access && access.Expression == node)
            {
                if (IsResilienceCall(next, extraHandlerNames))
                {
                    return true;
                }

                node = next;
            }

            return false;
        }

        /// <summary><c>var builder = services.AddHttpClient("x"); builder.AddStandardResilienceHandler();</c> in the same block.</summary>
        private static bool BuilderVariableAddsResilience(InvocationExpressionSyntax registration, ImmutableHashSet<string> extraHandlerNames)
        {
            SyntaxNode node = registration;
            while (node.Parent is MemberAccessExpressionSyntax { Parent: InvocationExpressionSyntax next } access && access.Expression == node)
            {
                node = next;
            }

            if (node.Parent is not EqualsValueClauseSyntax { Parent: VariableDeclaratorSyntax declarator } ||
                declarator.FirstAncestorOrSelf<BlockSyntax>() is not { } block)
            {
                return false;
            }

            var variable = declarator.Identifier.ValueText;
            foreach (var invocation in block.DescendantNodes().OfType<InvocationExpressionSyntax>())
            {
                if (invocation.Expression is MemberAccessExpressionSyntax { Expression: IdentifierNameSyntax receiver } &&
                    receiver.Identifier.ValueText == variable && IsResilienceCall(invocation, extraHandlerNames))
                {
                    return true;
                }
            }

            return false;
        }

        private static void AddKeys(InvocationExpressionSyntax registration, HashSet<string> typed, HashSet<string> named)
        {
            var callee = registration.Expression is MemberAccessExpressionSyntax access ? access.Name : registration.Expression;
            if (callee is GenericNameSyntax generic)
            {
                foreach (var argument in generic.TypeArgumentList.Arguments)
                {
                    typed.Add(SyntaxText.LastIdentifier(argument));
                }
            }

            // AddHttpClient("name"), AddHttpClient<T>("name"); the name is the first argument when it is a string.
            if (registration.ArgumentList.Arguments.Count > 0)
            {
                var first = registration.ArgumentList.Arguments[0].Expression;
                if (first is not LambdaExpressionSyntax and not AnonymousMethodExpressionSyntax)
                {
                    named.Add(NameKey(first));
                }
            }
            else if (callee is not GenericNameSyntax)
            {
                named.Add(string.Empty); // AddHttpClient(): the default client
            }
        }
    }
}
