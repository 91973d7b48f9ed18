using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;
using Steadfast.Analyzers.Internal;
using Steadfast.Analyzers.Rules.SF3002;

namespace Steadfast.Analyzers.Rules
{
    /// <summary>
    /// SF3002: a database call executed once per iteration of a loop whose arguments depend on the iteration (N+1).
    /// See <see cref="QueryLoops"/> for what counts as a loop, an iteration value and a batched form.
    /// </summary>
    /// <remarks>
    /// The contract the fixes rely on: the diagnostic's location is the query invocation expression (without any
    /// <c>await</c>); <c>AdditionalLocations[0]</c> is the loop (the <c>foreach</c>/<c>for</c>/<c>while</c>/<c>do</c>
    /// statement, or the lambda of a LINQ <c>Select</c>/<c>ForEach</c>); property <see cref="ShapeProperty"/> is
    /// <see cref="ShapeSaveChanges"/>, <see cref="ShapeKeyLookup"/> or <see cref="ShapeOther"/>; property
    /// <see cref="LoopProperty"/> is the loop's display text used in the message.
    /// </remarks>
    [DiagnosticAnalyzer(LanguageNames.CSharp)]
    public sealed class SF3002QueryInLoopAnalyzer : DiagnosticAnalyzer
    {
        /// <summary>Property: which shape the finding has (<see cref="ShapeSaveChanges"/>, <see cref="ShapeKeyLookup"/>, <see cref="ShapeOther"/>).</summary>
        public const string ShapeProperty = "Shape";

        /// <summary>Property: the loop's display text, as in the message.</summary>
        public const string LoopProperty = "Loop";

        /// <summary>An EF Core <c>SaveChanges</c>/<c>SaveChangesAsync</c> in a loop that adds or changes entities.</summary>
        public const string ShapeSaveChanges = "SaveChanges";

        /// <summary>A look-up of one row (or one group of rows) by a key taken from the iteration variable.</summary>
        public const string ShapeKeyLookup = "KeyLookup";

        /// <summary>Any other query per item.</summary>
        public const string ShapeOther = "Other";

        /// <summary>Option: report in test code too (silent there by default, see <see cref="TestCode"/>).</summary>
        internal static readonly OptionDefinition<bool> IncludeTestCode = OptionDefinition.IncludeTestCode(DiagnosticIds.QueryInLoop);

        public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(Descriptors.SF3002QueryInLoop);

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

                var symbols = SF3002Symbols.GetOrCreate(start.Compilation);
                if (symbols.DapperSqlMapper is null && symbols.DbCommand is null && symbols.EfDbContext is null)
                {
                    return;
                }

                start.RegisterOperationAction(context => Analyze(context, symbols), OperationKind.Invocation);
            });
        }

        private static void Analyze(OperationAnalysisContext context, SF3002Symbols symbols)
        {
            var call = (IInvocationOperation)context.Operation;
            if (QueryLoops.Find(call, symbols, context.CancellationToken) is not { } finding)
            {
                return;
            }

            var properties = ImmutableDictionary.CreateRange(new[]
            {
                new System.Collections.Generic.KeyValuePair<string, string?>(ShapeProperty, finding.Shape),
                new System.Collections.Generic.KeyValuePair<string, string?>(LoopProperty, finding.LoopText),
            });
            var advice = finding.Shape switch
            {
                ShapeSaveChanges => "save once after the loop",
                ShapeKeyLookup => "load all the keys in one query before the loop",
                _ => "query all the items at once (a JOIN, Include or IN)",
            };
            context.ReportDiagnostic(Diagnostic.Create(
                Descriptors.SF3002QueryInLoop,
                call.Syntax.GetLocation(),
                new[] { finding.Loop.GetLocation() },
                properties,
                call.TargetMethod.Name,
                finding.LoopText,
                advice));
        }
    }
}

namespace Steadfast.Analyzers.Rules.SF3002
{
    /// <summary>The types SF3002 and its fix need, from <see cref="KnownTypes"/>.</summary>
    internal sealed class SF3002Symbols : RuleSymbols<SF3002Symbols>
    {
        private SF3002Symbols(KnownTypes types)
            : base(types)
        {
            DapperSqlMapper = types.DapperSqlMapper;
            DbCommand = types.DbCommand;
            EfDbContext = types.EfDbContext;
        }

        public INamedTypeSymbol? DapperSqlMapper { get; }

        public INamedTypeSymbol? DbCommand { get; }

        public INamedTypeSymbol? EfDbContext { get; }

        public static SF3002Symbols GetOrCreate(Compilation compilation) => GetOrCreate(compilation, static types => new SF3002Symbols(types));
    }
}
