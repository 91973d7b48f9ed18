using System.Collections.Generic;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;
using Steadfast.Analyzers.Internal;

namespace Steadfast.Analyzers.Rules.SF2001
{
    /// <summary>
    /// A retry written by hand in the callers: the call is in a private method of its type (directly, or through up to
    /// three private methods) every one of whose call sites is in a method that runs it again in a retry loop: a loop
    /// that calls it, waits (<c>Task.Delay</c>) and is left when the result it got says so
    /// (<c>result = await SendAsync(…); if (!result.ShouldRetry) return;</c>). The call site before such a loop is its
    /// first attempt. A loop that calls once per item with a pause between (a rate limit), never left on the result, is
    /// not a retry; a private method that is also called elsewhere without one, or used as a delegate (its callers are
    /// not known), is judged as before.
    /// </summary>
    /// <remarks>
    /// The call sites are the invocations of the type's private methods gathered by SF2001's per-type state (the type's
    /// own members); a call from a nested type (its own symbol) is not gathered, so a method whose name occurs in a
    /// nested type's syntax is not judged retried.
    /// </remarks>
    internal sealed class CallerRetry
    {
        private const int MaxDepth = 3;

        private readonly INamedTypeSymbol _type;
        private readonly SF2001Symbols _types;
        private readonly Dictionary<IMethodSymbol, List<IInvocationOperation>> _callSites;
        private readonly HashSet<IMethodSymbol> _referenced;
        private readonly Dictionary<IMethodSymbol, bool> _verdicts = new Dictionary<IMethodSymbol, bool>(SymbolEqualityComparer.Default);

        public CallerRetry(INamedTypeSymbol type, SF2001Symbols types, Dictionary<IMethodSymbol, List<IInvocationOperation>> callSites, HashSet<IMethodSymbol> referenced)
        {
            _type = type;
            _types = types;
            _callSites = callSites;
            _referenced = referenced;
        }

        /// <summary>A private method of this type (its callers are all in this type).</summary>
        public static bool IsOwnPrivate(IMethodSymbol method, INamedTypeSymbol type) =>
            method.MethodKind == MethodKind.Ordinary && method.DeclaredAccessibility == Accessibility.Private &&
            SymbolEqualityComparer.Default.Equals(method.ContainingType?.OriginalDefinition, type.OriginalDefinition);

        /// <summary>Whether the HTTP call, in its own function's body (not a lambda's), is retried by the callers of its method.</summary>
        public bool Contains(IInvocationOperation call, CancellationToken cancellationToken)
        {
            if (_types.Task is null || OperationHelpers.IsInsideFunction(call) ||
                call.SemanticModel?.GetEnclosingSymbol(call.Syntax.SpanStart, cancellationToken) is not IMethodSymbol method)
            {
                return false;
            }

            return IsRetried(method.OriginalDefinition, 0, cancellationToken);
        }

        private bool IsRetried(IMethodSymbol method, int depth, CancellationToken cancellationToken)
        {
            if (_verdicts.TryGetValue(method, out var known))
            {
                return known;
            }

            _verdicts[method] = false; // a recursion through its own callers is no retry
            var verdict = depth < MaxDepth && IsOwnPrivate(method, _type) && !_referenced.Contains(method) &&
                          _callSites.TryGetValue(method, out var sites) && sites.Count > 0 && !NamedInNestedType(method, cancellationToken) &&
                          AllRetried(method, sites, depth, cancellationToken);
            _verdicts[method] = verdict;
            return verdict;
        }

        private bool AllRetried(IMethodSymbol method, List<IInvocationOperation> sites, int depth, CancellationToken cancellationToken)
        {
            foreach (var site in sites)
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (OperationHelpers.IsInsideFunction(site))
                {
                    return false; // in a lambda: it may run anywhere
                }

                if (HasRetryLoop(OperationHelpers.Root(site), method))
                {
                    continue; // in the retry loop, or its first attempt before it
                }

                if (site.SemanticModel?.GetEnclosingSymbol(site.Syntax.SpanStart, cancellationToken) is not IMethodSymbol caller ||
                    !IsRetried(caller.OriginalDefinition, depth + 1, cancellationToken))
                {
                    return false;
                }
            }

            return true;
        }

        /// <summary>A loop in the body that calls <paramref name="method"/>, waits with <c>Task.Delay</c>, and is left on a condition that reads the result of a call to it.</summary>
        private bool HasRetryLoop(IOperation body, IMethodSymbol method)
        {
            foreach (var op in RetryScope.Descendants(body))
            {
                if (op is not ILoopOperation loop)
                {
                    continue;
                }

                var calls = false;
                var waits = false;
                var leavesOnResult = false;
                foreach (var inner in RetryScope.Descendants(loop.Body))
                {
                    switch (inner)
                    {
                        case IInvocationOperation invocation when IsCallTo(invocation, method):
                            calls = true;
                            break;
                        case IInvocationOperation invocation when invocation.TargetMethod.IsStatic && invocation.TargetMethod.Name == "Delay" && KnownTypes.Is(invocation.TargetMethod.ContainingType, _types.Task):
                            waits = true;
                            break;
                        case IConditionalOperation conditional when ReadsResultOf(conditional.Condition, method) &&
                                                                   (Leaves(conditional.WhenTrue, loop) || (conditional.WhenFalse is not null && Leaves(conditional.WhenFalse, loop))):
                            leavesOnResult = true;
                            break;
                    }
                }

                if (calls && waits && leavesOnResult)
                {
                    return true;
                }
            }

            return false;
        }

        private static bool IsCallTo(IInvocationOperation invocation, IMethodSymbol method) =>
            SymbolEqualityComparer.Default.Equals(invocation.TargetMethod.OriginalDefinition, method);

        /// <summary>The condition reads a call to the method, or a local whose value is one (<c>result = await M(…)</c>).</summary>
        private static bool ReadsResultOf(IOperation condition, IMethodSymbol method)
        {
            foreach (var op in condition.DescendantsAndSelf())
            {
                switch (op)
                {
                    case IInvocationOperation invocation when IsCallTo(invocation, method):
                        return true;
                    case ILocalReferenceOperation local when AssignedFrom(local, method):
                        return true;
                }
            }

            return false;
        }

        private static bool AssignedFrom(ILocalReferenceOperation local, IMethodSymbol method)
        {
            foreach (var value in OriginResolver.ValuesOfLocal(local))
            {
                var unwrapped = OperationHelpers.SkipConversions(value);
                if (unwrapped is IAwaitOperation awaited)
                {
                    unwrapped = OperationHelpers.SkipConversions(awaited.Operation);
                }

                if (unwrapped is IInvocationOperation invocation && IsCallTo(invocation, method))
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>A <c>return</c>, a <c>throw</c> or a <c>break</c> of this loop in the branch.</summary>
        private static bool Leaves(IOperation branch, ILoopOperation loop)
        {
            foreach (var op in RetryScope.Descendants(branch))
            {
                switch (op)
                {
                    case IReturnOperation:
                    case IThrowOperation:
                    case IBranchOperation { BranchKind: BranchKind.Break } exit when SymbolEqualityComparer.Default.Equals(exit.Target, loop.ExitLabel):
                        return true;
                }
            }

            return false;
        }

        /// <summary>Whether the method's name occurs in a nested type's syntax: a call from there is not among the gathered call sites.</summary>
        private bool NamedInNestedType(IMethodSymbol method, CancellationToken cancellationToken)
        {
            foreach (var nested in _type.GetTypeMembers())
            {
                foreach (var reference in nested.DeclaringSyntaxReferences)
                {
                    foreach (var node in reference.GetSyntax(cancellationToken).DescendantNodes())
                    {
                        if (node is SimpleNameSyntax name && name.Identifier.ValueText == method.Name)
                        {
                            return true;
                        }
                    }
                }
            }

            return false;
        }
    }
}
