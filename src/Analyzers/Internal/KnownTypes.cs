using System.Runtime.CompilerServices;
using System.Threading;
using Microsoft.CodeAnalysis;

namespace Steadfast.Analyzers.Internal
{
    /// <summary>
    /// The types Steadfast's rules look for, per compilation, each resolved by metadata name on first use and cached
    /// (NetAnalyzers' WellKnownTypeProvider is the model): a rule pays only for the types it asks for, and a compilation
    /// only for the rules that run. Any of them may be null: a compilation without the type has nothing to flag for it.
    /// </summary>
    internal sealed class KnownTypes
    {
        private static readonly ConditionalWeakTable<Compilation, KnownTypes> Cache = new ConditionalWeakTable<Compilation, KnownTypes>();

        private const int Count = 91;

        private readonly Compilation _compilation;
        private readonly INamedTypeSymbol?[] _types = new INamedTypeSymbol?[Count];
        private readonly int[] _resolved = new int[Count];

        private KnownTypes(Compilation compilation) => _compilation = compilation;

        /// <summary>Slot <paramref name="slot"/>: <paramref name="metadataName"/> resolved once for this compilation (null when it lacks it), on first use.</summary>
        private INamedTypeSymbol? Get(int slot, string metadataName)
        {
            if (Volatile.Read(ref _resolved[slot]) == 1)
            {
                return _types[slot];
            }

            // Two threads may both resolve the same name: the lookup is idempotent, and the second write stores the same symbol.
#pragma warning disable RS0030 // KnownTypes is the one place allowed to resolve types by metadata name.
            var type = _compilation.GetTypeByMetadataName(metadataName);
#pragma warning restore RS0030
            _types[slot] = type;
            Volatile.Write(ref _resolved[slot], 1);
            return type;
        }

        public INamedTypeSymbol? Task => Get(0, "System.Threading.Tasks.Task");
        public INamedTypeSymbol? TaskOfT => Get(1, "System.Threading.Tasks.Task`1");
        public INamedTypeSymbol? ValueTask => Get(2, "System.Threading.Tasks.ValueTask");
        public INamedTypeSymbol? ValueTaskOfT => Get(3, "System.Threading.Tasks.ValueTask`1");
        public INamedTypeSymbol? TaskFactory => Get(4, "System.Threading.Tasks.TaskFactory");
        public INamedTypeSymbol? TaskFactoryOfT => Get(5, "System.Threading.Tasks.TaskFactory`1");
        public INamedTypeSymbol? ConfiguredTaskAwaitable => Get(6, "System.Runtime.CompilerServices.ConfiguredTaskAwaitable");
        public INamedTypeSymbol? ConfiguredTaskAwaitableOfT => Get(7, "System.Runtime.CompilerServices.ConfiguredTaskAwaitable`1");
        public INamedTypeSymbol? ConfiguredValueTaskAwaitable => Get(8, "System.Runtime.CompilerServices.ConfiguredValueTaskAwaitable");
        public INamedTypeSymbol? ConfiguredValueTaskAwaitableOfT => Get(9, "System.Runtime.CompilerServices.ConfiguredValueTaskAwaitable`1");
        public INamedTypeSymbol? YieldAwaitable => Get(10, "System.Runtime.CompilerServices.YieldAwaitable");
        public INamedTypeSymbol? ExpressionOfT => Get(11, "System.Linq.Expressions.Expression`1");
        public INamedTypeSymbol? LambdaExpression => Get(12, "System.Linq.Expressions.LambdaExpression");
        public INamedTypeSymbol? CancellationToken => Get(13, "System.Threading.CancellationToken");
        public INamedTypeSymbol? SteadfastBackgroundTasks => Get(14, "Steadfast.BackgroundTasks");
        public INamedTypeSymbol? SteadfastBackgroundTaskTracker => Get(15, "Steadfast.BackgroundTaskTracker");
        public INamedTypeSymbol? File => Get(16, "System.IO.File");
        public INamedTypeSymbol? Path => Get(17, "System.IO.Path");
        public INamedTypeSymbol? FileInfo => Get(18, "System.IO.FileInfo");
        public INamedTypeSymbol? AppContext => Get(19, "System.AppContext");
        public INamedTypeSymbol? AppDomain => Get(20, "System.AppDomain");
        public INamedTypeSymbol? Lazy => Get(21, "System.Lazy`1");
        public INamedTypeSymbol? SteadfastFileCache => Get(22, "Steadfast.FileCache");
        public INamedTypeSymbol? Dictionary => Get(23, "System.Collections.Generic.Dictionary`2");
        public INamedTypeSymbol? ConcurrentDictionary => Get(24, "System.Collections.Concurrent.ConcurrentDictionary`2");
        public INamedTypeSymbol? Type => Get(25, "System.Type");
        public INamedTypeSymbol? MemberInfo => Get(26, "System.Reflection.MemberInfo");
        public INamedTypeSymbol? ParameterInfo => Get(27, "System.Reflection.ParameterInfo");
        public INamedTypeSymbol? SteadfastBoundedCache => Get(28, "Steadfast.BoundedCache`2");
        public INamedTypeSymbol? HttpClient => Get(29, "System.Net.Http.HttpClient");
        public INamedTypeSymbol? HttpClientJsonExtensions => Get(30, "System.Net.Http.Json.HttpClientJsonExtensions");
        public INamedTypeSymbol? HttpClientFactory => Get(31, "System.Net.Http.IHttpClientFactory");
        public INamedTypeSymbol? HttpClientFactoryExtensions => Get(32, "System.Net.Http.HttpClientFactoryExtensions");
        public INamedTypeSymbol? ServiceCollection => Get(33, "Microsoft.Extensions.DependencyInjection.IServiceCollection");
        public INamedTypeSymbol? ControllerBase => Get(34, "Microsoft.AspNetCore.Mvc.ControllerBase");
        public INamedTypeSymbol? SteadfastResilientHttp => Get(35, "Steadfast.ResilientHttp");
        public INamedTypeSymbol? SteadfastResilientHttpHandler => Get(36, "Steadfast.ResilientHttpHandler");
        public INamedTypeSymbol? SteadfastResilientHttpClientBuilderExtensions => Get(37, "Steadfast.ResilientHttpClientBuilderExtensions");
        public INamedTypeSymbol? HttpClientBuilder => Get(38, "Microsoft.Extensions.DependencyInjection.IHttpClientBuilder");
        public INamedTypeSymbol? HttpClientFactoryServiceCollectionExtensions => Get(39, "Microsoft.Extensions.DependencyInjection.HttpClientFactoryServiceCollectionExtensions");
        public INamedTypeSymbol? HttpClientBuilderExtensions => Get(40, "Microsoft.Extensions.DependencyInjection.HttpClientBuilderExtensions");

        /// <summary>Microsoft.Extensions.Http.Resilience: AddStandardResilienceHandler, AddStandardHedgingHandler, AddResilienceHandler.</summary>
        public INamedTypeSymbol? ResilienceHttpClientBuilderExtensions => Get(41, "Microsoft.Extensions.DependencyInjection.ResilienceHttpClientBuilderExtensions");
        public INamedTypeSymbol? ResilienceHandler => Get(42, "Microsoft.Extensions.Http.Resilience.ResilienceHandler");

        /// <summary>Microsoft.Extensions.Http.Polly: AddPolicyHandler, AddPolicyHandlerFromRegistry, AddTransientHttpErrorPolicy.</summary>
        public INamedTypeSymbol? PollyHttpClientBuilderExtensions => Get(43, "Microsoft.Extensions.DependencyInjection.PollyHttpClientBuilderExtensions");
        public INamedTypeSymbol? PolicyHttpMessageHandler => Get(44, "Microsoft.Extensions.Http.PolicyHttpMessageHandler");
        public INamedTypeSymbol? DapperSqlMapper => Get(45, "Dapper.SqlMapper");
        public INamedTypeSymbol? DapperDefaultTypeMap => Get(46, "Dapper.DefaultTypeMap");
        public INamedTypeSymbol? EfRelationalQueryableExtensions => Get(47, "Microsoft.EntityFrameworkCore.RelationalQueryableExtensions");
        public INamedTypeSymbol? EfRelationalDatabaseFacadeExtensions => Get(48, "Microsoft.EntityFrameworkCore.RelationalDatabaseFacadeExtensions");
        public INamedTypeSymbol? ColumnAttribute => Get(49, "System.ComponentModel.DataAnnotations.Schema.ColumnAttribute");
        public INamedTypeSymbol? NotMappedAttribute => Get(50, "System.ComponentModel.DataAnnotations.Schema.NotMappedAttribute");
        public INamedTypeSymbol? ConditionalWeakTable => Get(51, "System.Runtime.CompilerServices.ConditionalWeakTable`2");
        public INamedTypeSymbol? MemoryCacheExtensions => Get(52, "Microsoft.Extensions.Caching.Memory.CacheExtensions");
        public INamedTypeSymbol? LazyInitializer => Get(53, "System.Threading.LazyInitializer");
        public INamedTypeSymbol? HybridCache => Get(54, "Microsoft.Extensions.Caching.Hybrid.HybridCache");
        public INamedTypeSymbol? XunitFactAttribute => Get(55, "Xunit.FactAttribute");
        public INamedTypeSymbol? NUnitTestAttribute => Get(56, "NUnit.Framework.TestAttribute");
        public INamedTypeSymbol? NUnitTestCaseAttribute => Get(57, "NUnit.Framework.TestCaseAttribute");
        public INamedTypeSymbol? NUnitTestCaseSourceAttribute => Get(58, "NUnit.Framework.TestCaseSourceAttribute");
        public INamedTypeSymbol? NUnitTheoryAttribute => Get(59, "NUnit.Framework.TheoryAttribute");
        public INamedTypeSymbol? MSTestTestMethodAttribute => Get(60, "Microsoft.VisualStudio.TestTools.UnitTesting.TestMethodAttribute");
        public INamedTypeSymbol? TUnitTestAttribute => Get(61, "TUnit.Core.TestAttribute");
        public INamedTypeSymbol? ApplicationBuilder => Get(62, "Microsoft.AspNetCore.Builder.IApplicationBuilder");
        public INamedTypeSymbol? DbCommand => Get(63, "System.Data.Common.DbCommand");
        public INamedTypeSymbol? DbCommandInterface => Get(64, "System.Data.IDbCommand");
        public INamedTypeSymbol? DbBatchCommand => Get(65, "System.Data.Common.DbBatchCommand");
        public INamedTypeSymbol? DbDataAdapter => Get(66, "System.Data.Common.DbDataAdapter");
        public INamedTypeSymbol? DapperCommandDefinition => Get(67, "Dapper.CommandDefinition");
        public INamedTypeSymbol? FormattableString => Get(68, "System.FormattableString");
        public INamedTypeSymbol? PostgrestTable => Get(69, "Postgrest.Table`1");
        public INamedTypeSymbol? PostgrestTableInterface => Get(70, "Postgrest.Interfaces.IPostgrestTable`1");
        public INamedTypeSymbol? SupabasePostgrestTable => Get(71, "Supabase.Postgrest.Table`1");
        public INamedTypeSymbol? SupabasePostgrestTableInterface => Get(72, "Supabase.Postgrest.Interfaces.IPostgrestTable`1");
        public INamedTypeSymbol? HostBuilder => Get(73, "Microsoft.Extensions.Hosting.IHostBuilder");
        public INamedTypeSymbol? WebHostBuilder => Get(74, "Microsoft.AspNetCore.Hosting.IWebHostBuilder");
        public INamedTypeSymbol? HostApplicationBuilder => Get(75, "Microsoft.Extensions.Hosting.IHostApplicationBuilder");
        public INamedTypeSymbol? WebApplicationBuilder => Get(76, "Microsoft.AspNetCore.Builder.WebApplicationBuilder");
        public INamedTypeSymbol? EndpointRouteBuilder => Get(77, "Microsoft.AspNetCore.Routing.IEndpointRouteBuilder");
        public INamedTypeSymbol? HostedService => Get(78, "Microsoft.Extensions.Hosting.IHostedService");
        public INamedTypeSymbol? BackgroundService => Get(79, "Microsoft.Extensions.Hosting.BackgroundService");
        public INamedTypeSymbol? FileSystemWatcher => Get(80, "System.IO.FileSystemWatcher");
        public INamedTypeSymbol? ChangeToken => Get(81, "Microsoft.Extensions.Primitives.ChangeToken");
        public INamedTypeSymbol? OptionsMonitor => Get(82, "Microsoft.Extensions.Options.IOptionsMonitor`1");
        public INamedTypeSymbol? ServiceCollectionServiceExtensions => Get(83, "Microsoft.Extensions.DependencyInjection.ServiceCollectionServiceExtensions");
        public INamedTypeSymbol? ApiControllerAttribute => Get(84, "Microsoft.AspNetCore.Mvc.ApiControllerAttribute");
        public INamedTypeSymbol? EndpointRouteBuilderExtensions => Get(85, "Microsoft.AspNetCore.Builder.EndpointRouteBuilderExtensions");
        public INamedTypeSymbol? Directory => Get(86, "System.IO.Directory");
        public INamedTypeSymbol? Environment => Get(87, "System.Environment");
        public INamedTypeSymbol? HostEnvironment => Get(88, "Microsoft.Extensions.Hosting.IHostEnvironment");
        public INamedTypeSymbol? WebHostEnvironment => Get(89, "Microsoft.AspNetCore.Hosting.IWebHostEnvironment");
        public INamedTypeSymbol? OptionsMonitorExtensions => Get(90, "Microsoft.Extensions.Options.OptionsMonitorExtensions");

        public static KnownTypes GetOrCreate(Compilation compilation) =>
            Cache.GetValue(compilation, static c => new KnownTypes(c));

        public static bool Is(ITypeSymbol? type, INamedTypeSymbol? known) =>
            type is not null && known is not null && SymbolEqualityComparer.Default.Equals(type.OriginalDefinition, known);

        /// <summary>True for Task, Task&lt;T&gt; and every type derived from Task.</summary>
        public bool IsTask(ITypeSymbol? type)
        {
            for (var t = type; t is not null; t = t.BaseType)
            {
                if (Is(t, Task) || Is(t, TaskOfT))
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>True for <paramref name="type"/> and every type derived from <paramref name="baseType"/>.</summary>
        public static bool DerivesFrom(ITypeSymbol? type, INamedTypeSymbol? baseType)
        {
            for (var t = type; t is not null && baseType is not null; t = t.BaseType)
            {
                if (Is(t, baseType))
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>
        /// A test method: an attribute that is, or derives from, xunit's <c>Fact</c> (so <c>Theory</c> too), NUnit's
        /// <c>Test</c>/<c>TestCase</c>/<c>TestCaseSource</c>/<c>Theory</c>, MSTest's <c>TestMethod</c> (so <c>DataTestMethod</c>)
        /// or TUnit's <c>Test</c>. By symbol: an attribute of your own that is merely named <c>FactAttribute</c> is not one.
        /// </summary>
        public bool IsTestMethod(IMethodSymbol method)
        {
            foreach (var attribute in method.GetAttributes())
            {
                var type = attribute.AttributeClass;
                if (DerivesFrom(type, XunitFactAttribute) || DerivesFrom(type, NUnitTestAttribute) || DerivesFrom(type, NUnitTestCaseAttribute) ||
                    DerivesFrom(type, NUnitTestCaseSourceAttribute) || DerivesFrom(type, NUnitTheoryAttribute) ||
                    DerivesFrom(type, MSTestTestMethodAttribute) || DerivesFrom(type, TUnitTestAttribute))
                {
                    return true;
                }
            }

            return false;
        }

        public bool IsValueTask(ITypeSymbol? type) => Is(type, ValueTask) || Is(type, ValueTaskOfT);

        public bool IsTaskOrValueTask(ITypeSymbol? type) => IsTask(type) || IsValueTask(type);
    }
}
