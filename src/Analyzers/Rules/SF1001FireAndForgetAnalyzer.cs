using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;
using Steadfast.Analyzers.Internal;
using Steadfast.Analyzers.Rules.SF1001;

namespace Steadfast.Analyzers.Rules
{
    /// <summary>
    /// SF1001: a task-returning call whose task nobody observes (an expression statement, or <c>_ = …</c>).
    /// </summary>
    [DiagnosticAnalyzer(LanguageNames.CSharp)]
    public sealed class SF1001FireAndForgetAnalyzer : DiagnosticAnalyzer
    {
        /// <summary>Option: which fix comes first (the one <c>dotnet format analyzers</c> applies).</summary>
        internal static readonly OptionDefinition<FixOrder> PreferredFix = OptionDefinition.Choice(
            "SF1001.preferred_fix",
            "Which fix is offered first, and so applied by `dotnet format analyzers`.",
            FixOrder.Await,
            ("await", FixOrder.Await),
            ("track", FixOrder.Track));

        /// <summary>Option: methods whose tasks are fire-and-forget by design, or that observe the task they are given.</summary>
        internal static readonly OptionDefinition<ImmutableHashSet<string>> AllowedMethods = OptionDefinition.List(
            "SF1001.allowed_methods",
            "Methods whose tasks may be dropped: `Namespace.Type.Method` (every overload) or `Namespace.Type.*`.");

        /// <summary>Diagnostic property: "true" when the enclosing function is async and an <c>await</c> is legal here.</summary>
        public const string CanAwaitProperty = "CanAwait";

        /// <summary>Diagnostic property: the name the tracker gives the task.</summary>
        public const string TaskNameProperty = "TaskName";

        /// <summary>Diagnostic property: "track" when <see cref="PreferredFix"/> puts the track fix first.</summary>
        public const string PreferredFixProperty = "PreferredFix";

        public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
            ImmutableArray.Create(Descriptors.SF1001FireAndForget);

        public override void Initialize(AnalysisContext context)
        {
            context.EnableConcurrentExecution();
            context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
            context.RegisterCompilationStartAction(static start =>
            {
                var types = SF1001Symbols.GetOrCreate(start.Compilation);
                if (types.Task is null)
                {
                    return;
                }

                var analysis = new Analysis(types);
                start.RegisterOperationAction(analysis.AnalyzeExpressionStatement, OperationKind.ExpressionStatement);
            });
        }

        /// <summary>The values of <see cref="PreferredFix"/>.</summary>
        internal enum FixOrder
        {
            Await,
            Track,
        }

        private sealed class Options
        {
            public Options(ImmutableHashSet<string> allowedMethods, bool preferTrack)
            {
                AllowedMethods = allowedMethods;
                PreferTrack = preferTrack;
            }

            public ImmutableHashSet<string> AllowedMethods { get; }

            public bool PreferTrack { get; }

            public static Options Parse(AnalyzerConfigOptions options) =>
                new Options(SF1001FireAndForgetAnalyzer.AllowedMethods.Read(options), PreferredFix.Read(options) == FixOrder.Track);
        }

        private sealed class Analysis
        {
            private readonly SF1001Symbols _types;

            public Analysis(SF1001Symbols types) => _types = types;

            public void AnalyzeExpressionStatement(OperationAnalysisContext context)
            {
                var statement = (IExpressionStatementOperation)context.Operation;
                if (!DroppedTask.TryGet(statement, _types, out var dropped))
                {
                    return;
                }

                var method = dropped.Call.TargetMethod;
                if (IsExempt(method))
                {
                    return;
                }

                var options = OptionsCache<Options>.Get(context.Options, statement.Syntax.SyntaxTree, Options.Parse);
                if (SymbolNames.MatchesAny(method, options.AllowedMethods) || IsInsideExpressionTree(statement) || IsMockRecording(dropped.Call, statement))
                {
                    return;
                }

                var properties = ImmutableDictionary.CreateBuilder<string, string?>();
                properties.Add(CanAwaitProperty, CanAwait(statement, context.ContainingSymbol) ? "true" : "false");
                properties.Add(TaskNameProperty, DroppedTask.TaskName(dropped.Call, context.ContainingSymbol, _types));
                properties.Add(PreferredFixProperty, options.PreferTrack ? "track" : "await");

                context.ReportDiagnostic(Diagnostic.Create(
                    Descriptors.SF1001FireAndForget,
                    dropped.Dropped.Syntax.GetLocation(),
                    properties.ToImmutable(),
                    DroppedTask.DisplayName(dropped.Call)));
            }

            private bool IsExempt(IMethodSymbol method)
            {
                var type = method.ContainingType;
                if (type is null)
                {
                    return false;
                }

                // Already handed to Steadfast's tracker.
                if (KnownTypes.Is(type, _types.SteadfastBackgroundTasks) || KnownTypes.Is(type, _types.SteadfastBackgroundTaskTracker))
                {
                    return true;
                }

                // Task.FromResult / FromException / FromCanceled: completed tasks, nothing runs.
                return _types.IsTaskOrValueTask(type) && method.IsStatic && method.Name.StartsWith("From", System.StringComparison.Ordinal);
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
            private bool IsInsideExpressionTree(IOperation operation)
            {
                for (var current = operation.Parent; current is not null; current = current.Parent)
                {
                    if (current is IAnonymousFunctionOperation && IsExpressionTreeType(current.Parent?.Type))
                    {
                        return true;
                    }
                }

                return false;
            }

            private bool IsExpressionTreeType(ITypeSymbol? type)
            {
                for (var t = type; t is not null; t = t.BaseType)
                {
                    if (KnownTypes.Is(t, _types.ExpressionOfT) || KnownTypes.Is(t, _types.LambdaExpression))
                    {
                        return true;
                    }
                }

                return false;
            }

            /// <summary>The nearest enclosing function is async and no lock statement stands between it and the statement.</summary>
            private static bool CanAwait(IOperation statement, ISymbol containingSymbol)
            {
                for (var current = statement.Parent; current is not null; current = current.Parent)
                {
                    switch (current)
                    {
                        case ILockOperation:
                            return false;
                        case IAnonymousFunctionOperation lambda:
                            return lambda.Symbol.IsAsync;
                        case ILocalFunctionOperation localFunction:
                            return localFunction.Symbol.IsAsync;
                    }
                }

                return containingSymbol is IMethodSymbol { IsAsync: true };
            }
        }
    }
}

namespace Steadfast.Analyzers.Rules.SF1001
{
    /// <summary>The symbols SF1001 and its fix need (see <see cref="RuleSymbols{TSelf}"/>); any may be null where the compilation lacks the type.</summary>
    internal sealed class SF1001Symbols : RuleSymbols<SF1001Symbols>
    {
        private SF1001Symbols(KnownTypes types)
            : base(types)
        {
            CancellationToken = types.CancellationToken;
            ConfiguredTaskAwaitable = types.ConfiguredTaskAwaitable;
            ConfiguredTaskAwaitableOfT = types.ConfiguredTaskAwaitableOfT;
            ConfiguredValueTaskAwaitable = types.ConfiguredValueTaskAwaitable;
            ConfiguredValueTaskAwaitableOfT = types.ConfiguredValueTaskAwaitableOfT;
            ExpressionOfT = types.ExpressionOfT;
            LambdaExpression = types.LambdaExpression;
            SteadfastBackgroundTaskTracker = types.SteadfastBackgroundTaskTracker;
            SteadfastBackgroundTasks = types.SteadfastBackgroundTasks;
            Task = types.Task;
            TaskFactory = types.TaskFactory;
            TaskFactoryOfT = types.TaskFactoryOfT;
            TaskOfT = types.TaskOfT;
            YieldAwaitable = types.YieldAwaitable;
        }

        public INamedTypeSymbol? CancellationToken { get; }

        public INamedTypeSymbol? ConfiguredTaskAwaitable { get; }

        public INamedTypeSymbol? ConfiguredTaskAwaitableOfT { get; }

        public INamedTypeSymbol? ConfiguredValueTaskAwaitable { get; }

        public INamedTypeSymbol? ConfiguredValueTaskAwaitableOfT { get; }

        public INamedTypeSymbol? ExpressionOfT { get; }

        public INamedTypeSymbol? LambdaExpression { get; }

        public INamedTypeSymbol? SteadfastBackgroundTaskTracker { get; }

        public INamedTypeSymbol? SteadfastBackgroundTasks { get; }

        public INamedTypeSymbol? Task { get; }

        public INamedTypeSymbol? TaskFactory { get; }

        public INamedTypeSymbol? TaskFactoryOfT { get; }

        public INamedTypeSymbol? TaskOfT { get; }

        public INamedTypeSymbol? YieldAwaitable { get; }

        public bool IsTask(ITypeSymbol? type) => Types.IsTask(type);

        public bool IsTaskOrValueTask(ITypeSymbol? type) => Types.IsTaskOrValueTask(type);

        public bool IsValueTask(ITypeSymbol? type) => Types.IsValueTask(type);

        public static SF1001Symbols GetOrCreate(Compilation compilation) => GetOrCreate(compilation, static types => new SF1001Symbols(types));
    }
}
