using System.Collections.Immutable;
using System.Globalization;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;
using Steadfast.Analyzers.Internal;
using Steadfast.Analyzers.Rules.SF1003;

namespace Steadfast.Analyzers.Rules
{
    /// <summary>
    /// SF1003: one task started per element of a collection whose size the code does not fix, with nothing limiting how
    /// many run at once: <c>Task.WhenAll(items.Select(…))</c> (or <c>WaitAll</c>, directly or through a local),
    /// a loop that adds a started task per item to a list later given to <c>WhenAll</c>, <c>Task.Run</c> /
    /// <c>Task.Factory.StartNew</c> / <c>BackgroundTasks.Run</c> per item of a loop, and <c>Parallel.ForEachAsync</c> with
    /// options that set no limit (or -1). Judged per invocation, within the member it is in (and, for throttles, the
    /// methods of the same file it calls).
    /// </summary>
    [DiagnosticAnalyzer(LanguageNames.CSharp)]
    public sealed class SF1003UnboundedFanOutAnalyzer : DiagnosticAnalyzer
    {
        internal const int DefaultMaxConcurrency = 8;

        internal const int DefaultFixedSizeThreshold = 16;

        /// <summary>Option: the limit the fix writes.</summary>
        internal static readonly OptionDefinition<int> MaxConcurrency = OptionDefinition.PositiveInteger(
            "SF1003.max_concurrency",
            "How many tasks the code fix lets run at once: the `MaxDegreeOfParallelism` it gives `Parallel.ForEachAsync`, or the limit it gives `Concurrency.WhenAllBounded`.",
            DefaultMaxConcurrency);

        /// <summary>Option: the most items a collection of a size fixed in the code may have and not be reported.</summary>
        internal static readonly OptionDefinition<int> FixedSizeThreshold = OptionDefinition.PositiveInteger(
            "SF1003.fixed_size_threshold",
            "The most items a collection whose size is written in the code (`Enumerable.Range(0, k)` or `Take(k)` with a constant `k`, an array or collection written out element by element) may have and still not be reported.",
            DefaultFixedSizeThreshold);

        /// <summary>Option: report in test code too (silent there by default, see <see cref="TestCode"/>).</summary>
        internal static readonly OptionDefinition<bool> IncludeTestCode = OptionDefinition.IncludeTestCode(DiagnosticIds.UnboundedFanOut);

        /// <summary>Diagnostic property: the limit the fix writes.</summary>
        public const string MaxConcurrencyProperty = "MaxConcurrency";

        /// <summary>Diagnostic property: which shape was found (<see cref="FanOutShape"/>'s names); the fix handles Select and ParallelOptions.</summary>
        public const string ShapeProperty = "Shape";

        public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(Descriptors.SF1003UnboundedFanOut);

        public override void Initialize(AnalysisContext context)
        {
            context.EnableConcurrentExecution();
            context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
            context.RegisterCompilationStartAction(static start =>
            {
                if (!TestCode.Gate(ref start, IncludeTestCode))
                {
                    return; // a test project (see TestCode)
                }

                var types = SF1003Symbols.GetOrCreate(start.Compilation);
                if (types.Task is null)
                {
                    return;
                }

                start.RegisterOperationAction(context => Analyze(context, types), OperationKind.Invocation);
            });
        }

        private static void Analyze(OperationAnalysisContext context, SF1003Symbols types)
        {
            var call = (IInvocationOperation)context.Operation;
            var method = call.TargetMethod;
            FanOut? found;
            switch (method.Name)
            {
                case "WhenAll" or "WaitAll" when KnownTypes.Is(method.ContainingType, types.Task):
                    found = FanOutFinder.OfWhenAll(call, types, Threshold(context, call));
                    break;
                case "ForEachAsync" or "ForAsync" when KnownTypes.Is(method.ContainingType, types.Parallel):
                    found = FanOutFinder.OfParallelForEach(call, types, Threshold(context, call));
                    break;
                case "Run" or "StartNew" when FanOutFinder.StartsBackgroundWork(method, types):
                    found = FanOutFinder.OfStartInLoop(call, types, Threshold(context, call));
                    break;
                default:
                    return;
            }

            if (found is not { } fanOut)
            {
                return;
            }

            var syntax = call.Syntax is InvocationExpressionSyntax invocation ? invocation.Expression : call.Syntax;
            var limit = MaxConcurrency.Get(context.Options, call.Syntax.SyntaxTree);
            var properties = ImmutableDictionary<string, string?>.Empty
                .Add(MaxConcurrencyProperty, limit.ToString(CultureInfo.InvariantCulture))
                .Add(ShapeProperty, fanOut.Shape.ToString());
            context.ReportDiagnostic(Diagnostic.Create(Descriptors.SF1003UnboundedFanOut, syntax.GetLocation(), properties, fanOut.Starter, fanOut.Source));
        }

        private static int Threshold(OperationAnalysisContext context, IOperation operation) => FixedSizeThreshold.Get(context.Options, operation.Syntax.SyntaxTree);
    }

    /// <summary>The symbols SF1003 and its fix use, resolved once per compilation on first use.</summary>
    internal sealed class SF1003Symbols : RuleSymbols<SF1003Symbols>
    {
        private SF1003Symbols(KnownTypes types)
            : base(types)
        {
        }

        public INamedTypeSymbol? Task => Types.Task;

        public INamedTypeSymbol? TaskFactory => Types.TaskFactory;

        public INamedTypeSymbol? TaskFactoryOfT => Types.TaskFactoryOfT;

        public INamedTypeSymbol? Enumerable => Types.Enumerable;

        public INamedTypeSymbol? Parallel => Types.Parallel;

        public INamedTypeSymbol? ParallelOptions => Types.ParallelOptions;

        public INamedTypeSymbol? SemaphoreSlim => Types.SemaphoreSlim;

        public INamedTypeSymbol? SteadfastBackgroundTasks => Types.SteadfastBackgroundTasks;

        public INamedTypeSymbol? SteadfastBackgroundTaskTracker => Types.SteadfastBackgroundTaskTracker;

        public INamedTypeSymbol? SteadfastConcurrency => Types.SteadfastConcurrency;

        public INamedTypeSymbol? CancellationToken => Types.CancellationToken;

        public bool IsTask(ITypeSymbol? type) => Types.IsTask(type);

        public bool IsTaskOrValueTask(ITypeSymbol? type) => Types.IsTaskOrValueTask(type);

        public static SF1003Symbols GetOrCreate(Compilation compilation) => GetOrCreate(compilation, static types => new SF1003Symbols(types));
    }
}
