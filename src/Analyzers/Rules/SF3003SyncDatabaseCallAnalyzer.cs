using System.Collections.Generic;
using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;
using Steadfast.Analyzers.Internal;
using Steadfast.Analyzers.Rules.SF3003;

namespace Steadfast.Analyzers.Rules
{
    /// <summary>
    /// SF3003: inside an async method, async lambda or async local function, a synchronous database call that has an
    /// async counterpart (see <see cref="DatabaseCalls"/>): Dapper's query and execute methods, ADO.NET's
    /// <c>Open</c>/<c>Execute…</c>/<c>Read</c>/<c>NextResult</c>/<c>Commit</c>/<c>Rollback</c>, EF Core's <c>SaveChanges</c>,
    /// <c>Find</c> and the LINQ operators that run a query built on a <c>DbSet</c>. Not flagged: SQLite (its async methods
    /// run synchronously, so awaiting them frees no thread): an ADO.NET or Dapper call whose connection, command, reader or
    /// transaction is a SQLite type as far as the code shows (its static type, or what the local was declared with), and an
    /// EF Core call in a type that configures the SQLite provider itself (<c>UseSqlite</c> anywhere in the type, such as its
    /// <c>OnConfiguring</c>). An EF Core call elsewhere is flagged: which provider a context registered in another file uses
    /// is not known here. Judged per type, so that the type's <c>UseSqlite</c> is seen wherever it is.
    /// </summary>
    [DiagnosticAnalyzer(LanguageNames.CSharp)]
    public sealed class SF3003SyncDatabaseCallAnalyzer : DiagnosticAnalyzer
    {
        /// <summary>Option: report in test code too (silent there by default, see <see cref="TestCode"/>).</summary>
        internal static readonly OptionDefinition<bool> IncludeTestCode = OptionDefinition.IncludeTestCode(DiagnosticIds.SyncDatabaseCallInAsync);

        public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(Descriptors.SF3003SyncDatabaseCallInAsync);

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

                var symbols = SF3003Symbols.GetOrCreate(start.Compilation);
                if (symbols.CancellationToken is null || (symbols.DapperSqlMapper is null && symbols.DbConnection is null && symbols.EfDbContext is null))
                {
                    return;
                }

                start.RegisterSymbolStartAction(
                    symbolStart =>
                    {
                        var state = new TypeState(symbols);
                        symbolStart.RegisterOperationAction(state.OnInvocation, OperationKind.Invocation);
                        symbolStart.RegisterSymbolEndAction(state.OnEnd);
                    },
                    SymbolKind.NamedType);
            });
        }

        /// <summary>One type's findings: ADO.NET and Dapper ones reported at once, EF Core ones at the end unless the type configures SQLite.</summary>
        private sealed class TypeState
        {
            private readonly SF3003Symbols _symbols;
            private readonly object _gate = new object();
            private readonly List<Diagnostic> _efFindings = new List<Diagnostic>();
            private bool _usesSqlite;

            public TypeState(SF3003Symbols symbols) => _symbols = symbols;

            public void OnInvocation(OperationAnalysisContext context)
            {
                var call = (IInvocationOperation)context.Operation;
                var method = call.TargetMethod;
                if (method.Name == "UseSqlite" && KnownTypes.Is(method.ContainingType, _symbols.EfSqliteOptionsExtensions))
                {
                    lock (_gate)
                    {
                        _usesSqlite = true;
                    }

                    return;
                }

                var api = DatabaseCalls.Classify(call, _symbols);
                if (api == DatabaseApi.None || DatabaseCalls.AsyncFunction(call, context.ContainingSymbol) is null)
                {
                    return;
                }

                if (DatabaseCalls.ProviderOperand(call, api) is { } operand && DatabaseCalls.IsSqlite(operand, _symbols))
                {
                    return;
                }

                if (DatabaseCalls.Counterpart(call, api, _symbols, tokenAvailable: true, out _) is not { } counterpart)
                {
                    return;
                }

                var diagnostic = Diagnostic.Create(Descriptors.SF3003SyncDatabaseCallInAsync, call.Syntax.GetLocation(), method.Name, counterpart.Name);
                if (api is DatabaseApi.EfContext or DatabaseApi.EfQuery)
                {
                    lock (_gate)
                    {
                        _efFindings.Add(diagnostic);
                    }

                    return;
                }

                context.ReportDiagnostic(diagnostic);
            }

            public void OnEnd(SymbolAnalysisContext context)
            {
                lock (_gate)
                {
                    if (_usesSqlite)
                    {
                        return;
                    }

                    foreach (var diagnostic in _efFindings)
                    {
                        context.ReportDiagnostic(diagnostic);
                    }
                }
            }
        }
    }
}

namespace Steadfast.Analyzers.Rules.SF3003
{
    /// <summary>The types SF3003 and its fix need, from <see cref="KnownTypes"/>.</summary>
    internal sealed class SF3003Symbols : RuleSymbols<SF3003Symbols>
    {
        private SF3003Symbols(KnownTypes types)
            : base(types)
        {
        }

        public INamedTypeSymbol? CancellationToken => Types.CancellationToken;

        public INamedTypeSymbol? DapperSqlMapper => Types.DapperSqlMapper;

        public INamedTypeSymbol? DbConnection => Types.DbConnection;

        public INamedTypeSymbol? DbCommand => Types.DbCommand;

        public INamedTypeSymbol? DbDataReader => Types.DbDataReader;

        public INamedTypeSymbol? DbTransaction => Types.DbTransaction;

        public INamedTypeSymbol? EfDbContext => Types.EfDbContext;

        public INamedTypeSymbol? EfDbSet => Types.EfDbSet;

        public INamedTypeSymbol? EfQueryableExtensions => Types.EfQueryableExtensions;

        public INamedTypeSymbol? EfSqliteOptionsExtensions => Types.EfSqliteOptionsExtensions;

        public INamedTypeSymbol? Queryable => Types.Queryable;

        public INamedTypeSymbol? Enumerable => Types.Enumerable;

        public INamedTypeSymbol? QueryableOfT => Types.QueryableOfT;

        public static SF3003Symbols GetOrCreate(Compilation compilation) => GetOrCreate(compilation, static types => new SF3003Symbols(types));

        /// <summary>A type of Microsoft.Data.Sqlite or System.Data.SQLite (or derived from one); resolved on first use.</summary>
        public bool IsSqliteType(ITypeSymbol? type) =>
            type is not null &&
            (KnownTypes.DerivesFrom(type, Types.SqliteConnection) || KnownTypes.DerivesFrom(type, Types.SqliteCommand) ||
             KnownTypes.DerivesFrom(type, Types.SqliteDataReader) || KnownTypes.DerivesFrom(type, Types.SqliteTransaction) ||
             KnownTypes.DerivesFrom(type, Types.SystemDataSQLiteConnection) || KnownTypes.DerivesFrom(type, Types.SystemDataSQLiteCommand) ||
             KnownTypes.DerivesFrom(type, Types.SystemDataSQLiteDataReader) || KnownTypes.DerivesFrom(type, Types.SystemDataSQLiteTransaction));

        /// <summary>Task, Task&lt;T&gt;, ValueTask, ValueTask&lt;T&gt;.</summary>
        public bool IsAwaitable(ITypeSymbol? type) => Types.IsTaskOrValueTask(type);

        /// <summary>What awaiting a Task&lt;T&gt; or ValueTask&lt;T&gt; gives: T; null for Task and ValueTask (and anything else).</summary>
        public ITypeSymbol? AwaitedType(ITypeSymbol? type) =>
            type is INamedTypeSymbol { TypeArguments.Length: 1 } named && (KnownTypes.Is(named, Types.TaskOfT) || KnownTypes.Is(named, Types.ValueTaskOfT))
                ? named.TypeArguments[0]
                : null;
    }
}
