using System.Collections.Immutable;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;
using Steadfast.Analyzers.Internal;

namespace Steadfast.Analyzers.Rules.SF1001
{
    /// <summary>
    /// Whether SF1001 reports on an expression statement: the one decision, shared by the analyzer (which reports it) and
    /// the CS4014 suppressor (which silences the compiler's warning exactly where SF1001 speaks), so they cannot drift.
    /// </summary>
    internal static class Finding
    {
        /// <summary>
        /// True when SF1001 reports <paramref name="dropped"/> for <paramref name="statement"/>: a dropped task that is
        /// not exempt, not allowed by <c>SF1001.allowed_methods</c>, not in an expression tree or a mock recording, and
        /// whose failure is not observed already (<see cref="FailureObservation"/>).
        /// </summary>
        public static bool TryFind(
            IExpressionStatementOperation statement,
            SF1001Symbols types,
            Compilation compilation,
            AnalyzerOptions analyzerOptions,
            CancellationToken cancellationToken,
            out DroppedTask dropped,
            out FindingOptions options)
        {
            options = null!;
            if (!DroppedTask.TryGet(statement, types, out dropped))
            {
                return false;
            }

            var method = dropped.Call.TargetMethod;
            if (IsExempt(method, types))
            {
                return false;
            }

            options = OptionsCache<FindingOptions>.Get(analyzerOptions, statement.Syntax.SyntaxTree, FindingOptions.Parse);
            if (SymbolNames.MatchesAny(method, options.AllowedMethods) || IsInsideExpressionTree(statement, types) || IsMockRecording(dropped.Call, statement))
            {
                return false;
            }

            return !FailureObservation.GetOrCreate(compilation, types).IsObserved(dropped.Call, cancellationToken);
        }

        private static bool IsExempt(IMethodSymbol method, SF1001Symbols types)
        {
            var type = method.ContainingType;
            if (type is null)
            {
                return false;
            }

            // Already handed to Steadfast's tracker.
            if (KnownTypes.Is(type, types.SteadfastBackgroundTasks) || KnownTypes.Is(type, types.SteadfastBackgroundTaskTracker))
            {
                return true;
            }

            // Task.FromResult / FromException / FromCanceled: completed tasks, nothing runs.
            return types.IsTaskOrValueTask(type) && method.IsStatic && method.Name.StartsWith("From", System.StringComparison.Ordinal);
        }

        /// <summary>
        /// Mocking libraries record calls rather than run them: NSubstitute's <c>sub.Received().SendAsync()</c> checks a
        /// call, and the lambda of <c>sub.When(x => x.SendAsync())</c> is replayed against a recorder. (Moq and
        /// FakeItEasy take expression trees, handled by <see cref="IsInsideExpressionTree"/>.)
        /// </summary>
        private static bool IsMockRecording(IInvocationOperation call, IOperation statement)
        {
            if (call.Instance is { } instance && DroppedTask.SkipImplicitConversions(instance) is IInvocationOperation receiver &&
                IsMockingNamespace(receiver.TargetMethod.ContainingNamespace))
            {
                return true;
            }

            for (var current = statement.Parent; current is not null; current = current.Parent)
            {
                if (current is IAnonymousFunctionOperation)
                {
                    var argument = current.Parent is IDelegateCreationOperation creation ? creation.Parent : current.Parent;
                    return argument is IArgumentOperation { Parent: IInvocationOperation consumer } &&
                           IsMockingNamespace(consumer.TargetMethod.ContainingNamespace);
                }
            }

            return false;
        }

        private static bool IsMockingNamespace(INamespaceSymbol? ns)
        {
            for (; ns is not null && !ns.IsGlobalNamespace; ns = ns.ContainingNamespace)
            {
                if (ns.ContainingNamespace is { IsGlobalNamespace: true } && ns.Name == "NSubstitute")
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>A lambda converted to an expression tree builds an expression; nothing runs.</summary>
        private static bool IsInsideExpressionTree(IOperation operation, SF1001Symbols types)
        {
            for (var current = operation.Parent; current is not null; current = current.Parent)
            {
                if (current is IAnonymousFunctionOperation && IsExpressionTreeType(current.Parent?.Type, types))
                {
                    return true;
                }
            }

            return false;
        }

        private static bool IsExpressionTreeType(ITypeSymbol? type, SF1001Symbols types)
        {
            for (var t = type; t is not null; t = t.BaseType)
            {
                if (KnownTypes.Is(t, types.ExpressionOfT) || KnownTypes.Is(t, types.LambdaExpression))
                {
                    return true;
                }
            }

            return false;
        }
    }

    /// <summary>SF1001's options for one tree, parsed once per <see cref="AnalyzerConfigOptions"/>.</summary>
    internal sealed class FindingOptions
    {
        private FindingOptions(ImmutableHashSet<string> allowedMethods, bool preferTrack)
        {
            AllowedMethods = allowedMethods;
            PreferTrack = preferTrack;
        }

        public ImmutableHashSet<string> AllowedMethods { get; }

        public bool PreferTrack { get; }

        public static FindingOptions Parse(AnalyzerConfigOptions options) =>
            new FindingOptions(
                SF1001FireAndForgetAnalyzer.AllowedMethods.Read(options),
                SF1001FireAndForgetAnalyzer.PreferredFix.Read(options) == SF1001FireAndForgetAnalyzer.FixOrder.Track);
    }
}
