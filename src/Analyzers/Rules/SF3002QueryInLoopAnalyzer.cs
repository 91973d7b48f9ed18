using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;
using Steadfast.Analyzers.Internal;
using Steadfast.Analyzers.Rules.SF3002;

namespace Steadfast.Analyzers.Rules
{
    /// <summary>
    /// SF3002: a database call executed once per iteration of a loop whose arguments depend on the iteration (N+1):
    /// Dapper's query and execute methods, ADO.NET commands, EF Core's <c>Find</c>, the operators that run a query on a
    /// <c>DbSet</c>, and <c>SaveChanges</c> in a loop that adds or changes entities. One diagnostic per call, on the
    /// innermost loop it depends on. See <see cref="QueryLoops"/> for what counts as a loop, an iteration value, a
    /// batched form, a fixed handful and a paging loop.
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

        /// <summary>Option: methods and types whose code runs once (seeders, one-off imports), by name or full name.</summary>
        internal static readonly OptionDefinition<ImmutableHashSet<string>> RunOnceCode = OptionDefinition.List(
            "SF3002.run_once_code",
            "Methods and types (by name, or a type's full name) whose code runs once, such as seeders and one-off imports: a query per item there is not reported. EF Core migrations and `OnModelCreating` are always skipped.",
            "Seed", "SeedAsync");

        /// <summary>Option: the most items written out in the code that still count as a fixed handful.</summary>
        internal static readonly OptionDefinition<int> FixedHandful = OptionDefinition.PositiveInteger(
            "SF3002.fixed_handful",
            "A loop over a collection written out in the code with at most this many items (or only constants), or a `for` loop counting at most this many, is a fixed handful and not reported.",
            QueryLoops.DefaultHandful);

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
                if (symbols.DapperSqlMapper is null && symbols.DbCommand is null && symbols.DbCommandInterface is null && symbols.EfDbContext is null)
                {
                    return;
                }

                start.RegisterOperationAction(context => Analyze(context, symbols), OperationKind.Invocation);
            });
        }

        private static void Analyze(OperationAnalysisContext context, SF3002Symbols symbols)
        {
            var call = (IInvocationOperation)context.Operation;
            if (QueryLoops.Classify(call, symbols) == QueryApi.None)
            {
                return; // the cheap test first: a database call by name and containing type
            }

            var tree = call.Syntax.SyntaxTree;
            if (RunsOnce(context.ContainingSymbol, symbols, RunOnceCode.Get(context.Options, tree)) ||
                QueryLoops.Find(call, symbols, FixedHandful.Get(context.Options, tree), context.CancellationToken) is not { } finding)
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

        /// <summary>
        /// Code that runs once: an EF Core migration, a context's <c>OnModelCreating</c>, and the methods and types the
        /// option names (compared with the method's name, and each containing type's name and full name).
        /// </summary>
        private static bool RunsOnce(ISymbol symbol, SF3002Symbols symbols, ImmutableHashSet<string> names)
        {
            var method = symbol as IMethodSymbol;
            while (method is { MethodKind: MethodKind.LocalFunction or MethodKind.AnonymousFunction } && method.ContainingSymbol is IMethodSymbol outer)
            {
                method = outer;
            }

            if (method is not null)
            {
                if (method.Name == "OnModelCreating" && KnownTypes.DerivesFrom(method.ContainingType, symbols.EfDbContext))
                {
                    return true;
                }

                if (names.Contains(method.Name))
                {
                    return true;
                }
            }

            for (var type = symbol.ContainingType; type is not null; type = type.ContainingType)
            {
                if (KnownTypes.DerivesFrom(type, symbols.EfMigration) ||
                    (names.Count > 0 && (names.Contains(type.Name) || names.Contains(type.ToDisplayString(SymbolDisplayFormat.CSharpErrorMessageFormat)))))
                {
                    return true;
                }
            }

            return false;
        }
    }
}

namespace Steadfast.Analyzers.Rules.SF3002
{
    /// <summary>The types SF3002 and its fix need, from <see cref="KnownTypes"/>, each resolved when first asked for.</summary>
    internal sealed class SF3002Symbols : RuleSymbols<SF3002Symbols>
    {
        private SF3002Symbols(KnownTypes types)
            : base(types)
        {
        }

        public INamedTypeSymbol? DapperSqlMapper => Types.DapperSqlMapper;

        public INamedTypeSymbol? DbCommand => Types.DbCommand;

        public INamedTypeSymbol? DbCommandInterface => Types.DbCommandInterface;

        public INamedTypeSymbol? DbConnection => Types.DbConnection;

        public INamedTypeSymbol? DbConnectionInterface => Types.DbConnectionInterface;

        public INamedTypeSymbol? DbTransaction => Types.DbTransaction;

        public INamedTypeSymbol? EfDbContext => Types.EfDbContext;

        public INamedTypeSymbol? EfDbSet => Types.EfDbSet;

        public INamedTypeSymbol? EfQueryableExtensions => Types.EfQueryableExtensions;

        public INamedTypeSymbol? EfMigration => Types.EfMigration;

        public INamedTypeSymbol? EfChangeTracker => Types.EfChangeTracker;

        public INamedTypeSymbol? EfDatabaseFacade => Types.EfDatabaseFacade;

        public INamedTypeSymbol? TransactionScope => Types.TransactionScope;

        public INamedTypeSymbol? Queryable => Types.Queryable;

        public INamedTypeSymbol? Enumerable => Types.Enumerable;

        public INamedTypeSymbol? QueryableOfT => Types.QueryableOfT;

        public INamedTypeSymbol? List => Types.List;

        public INamedTypeSymbol? Parallel => Types.Parallel;

        public INamedTypeSymbol? CancellationToken => Types.CancellationToken;

        public static SF3002Symbols GetOrCreate(Compilation compilation) => GetOrCreate(compilation, static types => new SF3002Symbols(types));
    }
}
