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

        private sealed class Analysis
        {
            private readonly SF1001Symbols _types;

            public Analysis(SF1001Symbols types) => _types = types;

            public void AnalyzeExpressionStatement(OperationAnalysisContext context)
            {
                var statement = (IExpressionStatementOperation)context.Operation;
                if (!Finding.TryFind(statement, _types, context.Compilation, context.Options, context.CancellationToken, out var dropped, out var options))
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

            // Types KnownTypes has no slot for, looked up next to Task (their assembly in every framework): once per compilation.
            var tasks = Task?.ContainingNamespace;
            var system = tasks?.ContainingNamespace?.ContainingNamespace;
            TaskCompletionSource = TypeIn(tasks, "TaskCompletionSource", 0);
            TaskCompletionSourceOfT = TypeIn(tasks, "TaskCompletionSource", 1);
            TaskContinuationOptions = TypeIn(tasks, "TaskContinuationOptions", 0);
            Exception = TypeIn(system, "Exception", 0);
            TimeSpan = TypeIn(system, "TimeSpan", 0);
            GeneratedCodeAttribute = TypeIn(NamespaceIn(NamespaceIn(system, "CodeDom"), "Compiler"), "GeneratedCodeAttribute", 0);
            SuppressMessageAttribute = TypeIn(NamespaceIn(NamespaceIn(system, "Diagnostics"), "CodeAnalysis"), "SuppressMessageAttribute", 0);
        }

        public INamedTypeSymbol? CancellationToken => Types.CancellationToken;

        public INamedTypeSymbol? ConfiguredTaskAwaitable => Types.ConfiguredTaskAwaitable;

        public INamedTypeSymbol? ConfiguredTaskAwaitableOfT => Types.ConfiguredTaskAwaitableOfT;

        public INamedTypeSymbol? ConfiguredValueTaskAwaitable => Types.ConfiguredValueTaskAwaitable;

        public INamedTypeSymbol? ConfiguredValueTaskAwaitableOfT => Types.ConfiguredValueTaskAwaitableOfT;

        public INamedTypeSymbol? ExpressionOfT => Types.ExpressionOfT;

        public INamedTypeSymbol? LambdaExpression => Types.LambdaExpression;

        public INamedTypeSymbol? SteadfastBackgroundTaskTracker => Types.SteadfastBackgroundTaskTracker;

        public INamedTypeSymbol? SteadfastBackgroundTasks => Types.SteadfastBackgroundTasks;

        public INamedTypeSymbol? Task => Types.Task;

        public INamedTypeSymbol? TaskFactory => Types.TaskFactory;

        public INamedTypeSymbol? TaskFactoryOfT => Types.TaskFactoryOfT;

        public INamedTypeSymbol? TaskOfT => Types.TaskOfT;

        public INamedTypeSymbol? YieldAwaitable => Types.YieldAwaitable;

        public INamedTypeSymbol? TaskCompletionSource { get; }

        public INamedTypeSymbol? TaskCompletionSourceOfT { get; }

        public INamedTypeSymbol? TaskContinuationOptions { get; }

        public INamedTypeSymbol? Exception { get; }

        /// <summary>Microsoft.Extensions.Hosting.IHostApplicationLifetime: its <c>StopApplication</c> catches and logs what the stopping callbacks throw.</summary>
        public INamedTypeSymbol? HostApplicationLifetime => Types.HostApplicationLifetime;

        /// <summary>System.TimeSpan: its static members compute a time value.</summary>
        public INamedTypeSymbol? TimeSpan { get; }

        public INamedTypeSymbol? GeneratedCodeAttribute { get; }

        public INamedTypeSymbol? SuppressMessageAttribute { get; }

        public bool IsTaskCompletionSource(ITypeSymbol? type) => KnownTypes.Is(type, TaskCompletionSource) || KnownTypes.Is(type, TaskCompletionSourceOfT);

        public bool IsTask(ITypeSymbol? type) => Types.IsTask(type);

        public bool IsTaskOrValueTask(ITypeSymbol? type) => Types.IsTaskOrValueTask(type);

        public bool IsValueTask(ITypeSymbol? type) => Types.IsValueTask(type);

        public static SF1001Symbols GetOrCreate(Compilation compilation) => GetOrCreate(compilation, static types => new SF1001Symbols(types));

        private static INamespaceSymbol? NamespaceIn(INamespaceSymbol? ns, string name)
        {
            if (ns is null)
            {
                return null;
            }

            foreach (var member in ns.GetNamespaceMembers())
            {
                if (member.Name == name)
                {
                    return member;
                }
            }

            return null;
        }

        private static INamedTypeSymbol? TypeIn(INamespaceSymbol? ns, string name, int arity)
        {
            if (ns is null)
            {
                return null;
            }

            var found = ns.GetTypeMembers(name, arity);
            return found.Length == 1 ? found[0] : null;
        }
    }
}
