using System;
using System.Collections.Concurrent;
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

        private const int Count = 240;

        private readonly Compilation _compilation;
        private readonly INamedTypeSymbol?[] _types = new INamedTypeSymbol?[Count];
        private readonly int[] _resolved = new int[Count];
        private readonly ConcurrentDictionary<string, bool> _namespaces = new ConcurrentDictionary<string, bool>(StringComparer.Ordinal);
        private int _aliasedReferences = -1;

        private KnownTypes(Compilation compilation) => _compilation = compilation;

        /// <summary>Slot <paramref name="slot"/>: <paramref name="metadataName"/> resolved once for this compilation (null when it lacks it), on first use.</summary>
        private INamedTypeSymbol? Get(int slot, string metadataName)
        {
            if (Volatile.Read(ref _resolved[slot]) == 1)
            {
                return _types[slot];
            }

            // Two threads may both resolve the same name: the lookup is idempotent, and the second write stores the same symbol.
            // A type whose namespace the compilation does not have is not looked for: GetTypeByMetadataName would search
            // every referenced assembly for it, and most names asked for (test frameworks, MediatR, EF Core, gRPC…) are
            // missing from most projects.
#pragma warning disable RS0030 // KnownTypes is the one place allowed to resolve types by metadata name.
            var type = NamespaceMayHold(metadataName) ? _compilation.GetTypeByMetadataName(metadataName) : null;
#pragma warning restore RS0030
            _types[slot] = type;
            Volatile.Write(ref _resolved[slot], 1);
            return type;
        }

        /// <summary>
        /// False only when the namespace of <paramref name="metadataName"/> is in none of the compilation's assemblies (then
        /// no type of that name is either); known once per namespace. True when unsure: a name without a namespace, or a
        /// compilation with an <c>extern alias</c> reference (whose namespaces are not under the global namespace).
        /// </summary>
        private bool NamespaceMayHold(string metadataName)
        {
            var plus = metadataName.IndexOf('+');
            var topLevel = plus < 0 ? metadataName : metadataName.Substring(0, plus);
            var dot = topLevel.LastIndexOf('.');
            if (dot <= 0 || HasAliasedReferences())
            {
                return true;
            }

            return _namespaces.GetOrAdd(topLevel.Substring(0, dot), FindNamespace);
        }

        private bool FindNamespace(string name)
        {
            INamespaceSymbol? current = _compilation.GlobalNamespace;
            foreach (var segment in name.Split('.'))
            {
                INamespaceSymbol? next = null;
                foreach (var member in current.GetMembers(segment))
                {
                    if (member is INamespaceSymbol ns)
                    {
                        next = ns;
                        break;
                    }
                }

                if (next is null)
                {
                    return false;
                }

                current = next;
            }

            return true;
        }

        private bool HasAliasedReferences()
        {
            var known = Volatile.Read(ref _aliasedReferences);
            if (known < 0)
            {
                known = 0;
                foreach (var reference in _compilation.References)
                {
                    if (!reference.Properties.Aliases.IsEmpty)
                    {
                        known = 1;
                        break;
                    }
                }

                Volatile.Write(ref _aliasedReferences, known);
            }

            return known == 1;
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
        public INamedTypeSymbol? BackgroundService => Get(63, "Microsoft.Extensions.Hosting.BackgroundService");
        public INamedTypeSymbol? HostedService => Get(64, "Microsoft.Extensions.Hosting.IHostedService");
        public INamedTypeSymbol? HostApplicationLifetime => Get(65, "Microsoft.Extensions.Hosting.IHostApplicationLifetime");
        public INamedTypeSymbol? PeriodicTimer => Get(66, "System.Threading.PeriodicTimer");
        public INamedTypeSymbol? ChannelReader => Get(67, "System.Threading.Channels.ChannelReader`1");
        public INamedTypeSymbol? Environment => Get(68, "System.Environment");
        public INamedTypeSymbol? Logger => Get(69, "Microsoft.Extensions.Logging.ILogger");
        public INamedTypeSymbol? LoggerExtensions => Get(70, "Microsoft.Extensions.Logging.LoggerExtensions");
        public INamedTypeSymbol? SteadfastBackgroundLoop => Get(71, "Steadfast.BackgroundLoop");
        public INamedTypeSymbol? Exception => Get(72, "System.Exception");
        public INamedTypeSymbol? ServiceProvider => Get(73, "System.IServiceProvider");
        public INamedTypeSymbol? ServiceProviderServiceExtensions => Get(74, "Microsoft.Extensions.DependencyInjection.ServiceProviderServiceExtensions");
        public INamedTypeSymbol? CultureInfo => Get(75, "System.Globalization.CultureInfo");
        public INamedTypeSymbol? Configuration => Get(76, "Microsoft.Extensions.Configuration.IConfiguration");
        public INamedTypeSymbol? Assembly => Get(77, "System.Reflection.Assembly");
        public INamedTypeSymbol? OptionsMonitorCache => Get(78, "Microsoft.Extensions.Options.IOptionsMonitorCache`1");
        public INamedTypeSymbol? OptionsFactory => Get(79, "Microsoft.Extensions.Options.IOptionsFactory`1");
        public INamedTypeSymbol? OptionsMonitor => Get(80, "Microsoft.Extensions.Options.IOptionsMonitor`1");
        public INamedTypeSymbol? OptionsSnapshot => Get(81, "Microsoft.Extensions.Options.IOptionsSnapshot`1");
        public INamedTypeSymbol? ConfigureNamedOptions => Get(82, "Microsoft.Extensions.Options.IConfigureNamedOptions`1");
        public INamedTypeSymbol? ServiceCollectionServiceExtensions => Get(83, "Microsoft.Extensions.DependencyInjection.ServiceCollectionServiceExtensions");
        public INamedTypeSymbol? ServiceCollectionDescriptorExtensions => Get(84, "Microsoft.Extensions.DependencyInjection.Extensions.ServiceCollectionDescriptorExtensions");
        public INamedTypeSymbol? ServiceCollectionHostedServiceExtensions => Get(85, "Microsoft.Extensions.DependencyInjection.ServiceCollectionHostedServiceExtensions");
        public INamedTypeSymbol? PageModel => Get(86, "Microsoft.AspNetCore.Mvc.RazorPages.PageModel");
        public INamedTypeSymbol? SignalRHub => Get(87, "Microsoft.AspNetCore.SignalR.Hub");
        public INamedTypeSymbol? DateTimeOffset => Get(88, "System.DateTimeOffset");
        public INamedTypeSymbol? EquatableOfT => Get(89, "System.IEquatable`1");

        // Test frameworks (TestCode): set-up and fixture attributes, and xunit's fixture interfaces.
        public INamedTypeSymbol? NUnitSetUpAttribute => Get(90, "NUnit.Framework.SetUpAttribute");
        public INamedTypeSymbol? NUnitTearDownAttribute => Get(91, "NUnit.Framework.TearDownAttribute");
        public INamedTypeSymbol? NUnitOneTimeSetUpAttribute => Get(92, "NUnit.Framework.OneTimeSetUpAttribute");
        public INamedTypeSymbol? NUnitOneTimeTearDownAttribute => Get(93, "NUnit.Framework.OneTimeTearDownAttribute");
        public INamedTypeSymbol? NUnitTestFixtureAttribute => Get(94, "NUnit.Framework.TestFixtureAttribute");
        public INamedTypeSymbol? NUnitTestFixtureSourceAttribute => Get(95, "NUnit.Framework.TestFixtureSourceAttribute");
        public INamedTypeSymbol? NUnitSetUpFixtureAttribute => Get(96, "NUnit.Framework.SetUpFixtureAttribute");
        public INamedTypeSymbol? MSTestTestInitializeAttribute => Get(97, "Microsoft.VisualStudio.TestTools.UnitTesting.TestInitializeAttribute");
        public INamedTypeSymbol? MSTestTestCleanupAttribute => Get(98, "Microsoft.VisualStudio.TestTools.UnitTesting.TestCleanupAttribute");
        public INamedTypeSymbol? MSTestClassInitializeAttribute => Get(99, "Microsoft.VisualStudio.TestTools.UnitTesting.ClassInitializeAttribute");
        public INamedTypeSymbol? MSTestClassCleanupAttribute => Get(100, "Microsoft.VisualStudio.TestTools.UnitTesting.ClassCleanupAttribute");
        public INamedTypeSymbol? MSTestAssemblyInitializeAttribute => Get(101, "Microsoft.VisualStudio.TestTools.UnitTesting.AssemblyInitializeAttribute");
        public INamedTypeSymbol? MSTestAssemblyCleanupAttribute => Get(102, "Microsoft.VisualStudio.TestTools.UnitTesting.AssemblyCleanupAttribute");
        public INamedTypeSymbol? MSTestTestClassAttribute => Get(103, "Microsoft.VisualStudio.TestTools.UnitTesting.TestClassAttribute");
        public INamedTypeSymbol? TUnitBeforeAttribute => Get(104, "TUnit.Core.BeforeAttribute");
        public INamedTypeSymbol? TUnitAfterAttribute => Get(105, "TUnit.Core.AfterAttribute");
        public INamedTypeSymbol? TUnitBeforeEveryAttribute => Get(106, "TUnit.Core.BeforeEveryAttribute");
        public INamedTypeSymbol? TUnitAfterEveryAttribute => Get(107, "TUnit.Core.AfterEveryAttribute");
        public INamedTypeSymbol? XunitClassFixture => Get(108, "Xunit.IClassFixture`1");
        public INamedTypeSymbol? XunitCollectionFixture => Get(109, "Xunit.ICollectionFixture`1");
        public INamedTypeSymbol? XunitAsyncLifetime => Get(110, "Xunit.IAsyncLifetime");

        // In-memory test servers (Microsoft.AspNetCore.TestHost, Microsoft.AspNetCore.Mvc.Testing): their clients send no request over a network.
        public INamedTypeSymbol? TestServer => Get(111, "Microsoft.AspNetCore.TestHost.TestServer");
        public INamedTypeSymbol? HostBuilderTestServerExtensions => Get(112, "Microsoft.AspNetCore.TestHost.HostBuilderTestServerExtensions");
        public INamedTypeSymbol? WebApplicationFactory => Get(113, "Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactory`1");

        // Polly v7 policies (the Polly package) and Polly v8 pipelines (Polly.Core).
        public INamedTypeSymbol? PollyAsyncPolicy => Get(114, "Polly.IAsyncPolicy");
        public INamedTypeSymbol? PollyAsyncPolicyOfT => Get(115, "Polly.IAsyncPolicy`1");
        public INamedTypeSymbol? PollySyncPolicy => Get(116, "Polly.ISyncPolicy");
        public INamedTypeSymbol? PollySyncPolicyOfT => Get(117, "Polly.ISyncPolicy`1");
        public INamedTypeSymbol? PollyResiliencePipeline => Get(118, "Polly.ResiliencePipeline");
        public INamedTypeSymbol? PollyResiliencePipelineOfT => Get(119, "Polly.ResiliencePipeline`1");
        public INamedTypeSymbol? HttpResponseMessage => Get(120, "System.Net.Http.HttpResponseMessage");
        public INamedTypeSymbol? DbCommand => Get(121, "System.Data.Common.DbCommand");
        public INamedTypeSymbol? DbCommandInterface => Get(122, "System.Data.IDbCommand");
        public INamedTypeSymbol? DbBatchCommand => Get(123, "System.Data.Common.DbBatchCommand");
        public INamedTypeSymbol? DbDataAdapter => Get(124, "System.Data.Common.DbDataAdapter");
        public INamedTypeSymbol? DapperCommandDefinition => Get(125, "Dapper.CommandDefinition");
        public INamedTypeSymbol? FormattableString => Get(126, "System.FormattableString");
        public INamedTypeSymbol? PostgrestTable => Get(127, "Postgrest.Table`1");
        public INamedTypeSymbol? PostgrestTableInterface => Get(128, "Postgrest.Interfaces.IPostgrestTable`1");
        public INamedTypeSymbol? SupabasePostgrestTable => Get(129, "Supabase.Postgrest.Table`1");
        public INamedTypeSymbol? SupabasePostgrestTableInterface => Get(130, "Supabase.Postgrest.Interfaces.IPostgrestTable`1");
        public INamedTypeSymbol? HostBuilder => Get(131, "Microsoft.Extensions.Hosting.IHostBuilder");
        public INamedTypeSymbol? WebHostBuilder => Get(132, "Microsoft.AspNetCore.Hosting.IWebHostBuilder");
        public INamedTypeSymbol? HostApplicationBuilder => Get(133, "Microsoft.Extensions.Hosting.IHostApplicationBuilder");
        public INamedTypeSymbol? WebApplicationBuilder => Get(134, "Microsoft.AspNetCore.Builder.WebApplicationBuilder");
        public INamedTypeSymbol? EndpointRouteBuilder => Get(135, "Microsoft.AspNetCore.Routing.IEndpointRouteBuilder");
        public INamedTypeSymbol? FileSystemWatcher => Get(136, "System.IO.FileSystemWatcher");
        public INamedTypeSymbol? ChangeToken => Get(137, "Microsoft.Extensions.Primitives.ChangeToken");
        public INamedTypeSymbol? ApiControllerAttribute => Get(138, "Microsoft.AspNetCore.Mvc.ApiControllerAttribute");
        public INamedTypeSymbol? EndpointRouteBuilderExtensions => Get(139, "Microsoft.AspNetCore.Builder.EndpointRouteBuilderExtensions");
        public INamedTypeSymbol? Directory => Get(140, "System.IO.Directory");
        public INamedTypeSymbol? HostEnvironment => Get(141, "Microsoft.Extensions.Hosting.IHostEnvironment");
        public INamedTypeSymbol? WebHostEnvironment => Get(142, "Microsoft.AspNetCore.Hosting.IWebHostEnvironment");
        public INamedTypeSymbol? OptionsMonitorExtensions => Get(143, "Microsoft.Extensions.Options.OptionsMonitorExtensions");
        public INamedTypeSymbol? HttpRequest => Get(144, "Microsoft.AspNetCore.Http.HttpRequest");
        public INamedTypeSymbol? HttpContext => Get(145, "Microsoft.AspNetCore.Http.HttpContext");
        public INamedTypeSymbol? ClaimsPrincipal => Get(146, "System.Security.Claims.ClaimsPrincipal");
        public INamedTypeSymbol? HubCallerContext => Get(147, "Microsoft.AspNetCore.SignalR.HubCallerContext");
        public INamedTypeSymbol? GrpcBindServiceMethodAttribute => Get(148, "Grpc.Core.BindServiceMethodAttribute");
        public INamedTypeSymbol? MediatRRequestHandler => Get(149, "MediatR.IRequestHandler`2");
        public INamedTypeSymbol? MediatRNotificationHandler => Get(150, "MediatR.INotificationHandler`1");
        public INamedTypeSymbol? MassTransitConsumer => Get(151, "MassTransit.IConsumer`1");
        public INamedTypeSymbol? NonActionAttribute => Get(152, "Microsoft.AspNetCore.Mvc.NonActionAttribute");
        public INamedTypeSymbol? SystemConsole => Get(153, "System.Console");

        // SF3003: ADO.NET's async-capable base types, EF Core, LINQ, and the SQLite providers (whose async methods run synchronously).
        public INamedTypeSymbol? DbConnection => Get(154, "System.Data.Common.DbConnection");
        public INamedTypeSymbol? DbDataReader => Get(155, "System.Data.Common.DbDataReader");
        public INamedTypeSymbol? DbTransaction => Get(156, "System.Data.Common.DbTransaction");
        public INamedTypeSymbol? EfDbContext => Get(157, "Microsoft.EntityFrameworkCore.DbContext");
        public INamedTypeSymbol? EfDbSet => Get(158, "Microsoft.EntityFrameworkCore.DbSet`1");
        public INamedTypeSymbol? EfQueryableExtensions => Get(159, "Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions");
        public INamedTypeSymbol? EfSqliteOptionsExtensions => Get(160, "Microsoft.EntityFrameworkCore.SqliteDbContextOptionsBuilderExtensions");
        public INamedTypeSymbol? Queryable => Get(161, "System.Linq.Queryable");
        public INamedTypeSymbol? Enumerable => Get(162, "System.Linq.Enumerable");
        public INamedTypeSymbol? QueryableOfT => Get(163, "System.Linq.IQueryable`1");
        public INamedTypeSymbol? SqliteConnection => Get(164, "Microsoft.Data.Sqlite.SqliteConnection");
        public INamedTypeSymbol? SqliteCommand => Get(165, "Microsoft.Data.Sqlite.SqliteCommand");
        public INamedTypeSymbol? SqliteDataReader => Get(166, "Microsoft.Data.Sqlite.SqliteDataReader");
        public INamedTypeSymbol? SqliteTransaction => Get(167, "Microsoft.Data.Sqlite.SqliteTransaction");
        public INamedTypeSymbol? SystemDataSQLiteConnection => Get(168, "System.Data.SQLite.SQLiteConnection");
        public INamedTypeSymbol? SystemDataSQLiteCommand => Get(169, "System.Data.SQLite.SQLiteCommand");
        public INamedTypeSymbol? SystemDataSQLiteDataReader => Get(170, "System.Data.SQLite.SQLiteDataReader");
        public INamedTypeSymbol? SystemDataSQLiteTransaction => Get(171, "System.Data.SQLite.SQLiteTransaction");

        // Development-only surfaces (SF6001): the exception page, Swagger/ReDoc (Swashbuckle), OpenAPI, Scalar, EF's error page and migrations endpoint.
        public INamedTypeSymbol? DeveloperExceptionPageExtensions => Get(172, "Microsoft.AspNetCore.Builder.DeveloperExceptionPageExtensions");
        public INamedTypeSymbol? SwaggerBuilderExtensions => Get(173, "Microsoft.AspNetCore.Builder.SwaggerBuilderExtensions");
        public INamedTypeSymbol? SwaggerUIBuilderExtensions => Get(174, "Microsoft.AspNetCore.Builder.SwaggerUIBuilderExtensions");
        public INamedTypeSymbol? ReDocBuilderExtensions => Get(175, "Microsoft.AspNetCore.Builder.ReDocBuilderExtensions");
        public INamedTypeSymbol? OpenApiEndpointRouteBuilderExtensions => Get(176, "Microsoft.AspNetCore.Builder.OpenApiEndpointRouteBuilderExtensions");
        public INamedTypeSymbol? ScalarEndpointRouteBuilderExtensions => Get(177, "Scalar.AspNetCore.ScalarEndpointRouteBuilderExtensions");
        public INamedTypeSymbol? MigrationsEndPointExtensions => Get(178, "Microsoft.AspNetCore.Builder.MigrationsEndPointExtensions");
        public INamedTypeSymbol? DatabaseErrorPageExtensions => Get(179, "Microsoft.AspNetCore.Builder.DatabaseErrorPageExtensions");
        public INamedTypeSymbol? WebApplication => Get(180, "Microsoft.AspNetCore.Builder.WebApplication");

        /// <summary>ASP.NET Core 2.x's environment (obsolete, still in old Startup classes).</summary>
        public INamedTypeSymbol? HostingEnvironment => Get(181, "Microsoft.AspNetCore.Hosting.IHostingEnvironment");
        public INamedTypeSymbol? HostEnvironmentEnvExtensions => Get(182, "Microsoft.Extensions.Hosting.HostEnvironmentEnvExtensions");
        public INamedTypeSymbol? Environments => Get(183, "Microsoft.Extensions.Hosting.Environments");

        // Fan-out (SF1003): LINQ's Select/Chunk/Range, Parallel.ForEachAsync and its options, throttles, and the runtime's bounded WhenAll.
        public INamedTypeSymbol? Parallel => Get(184, "System.Threading.Tasks.Parallel");
        public INamedTypeSymbol? ParallelOptions => Get(185, "System.Threading.Tasks.ParallelOptions");
        public INamedTypeSymbol? SemaphoreSlim => Get(186, "System.Threading.SemaphoreSlim");
        public INamedTypeSymbol? SteadfastConcurrency => Get(187, "Steadfast.Concurrency");
        public INamedTypeSymbol? Host => Get(188, "Microsoft.Extensions.Hosting.IHost");
        public INamedTypeSymbol? Timeout => Get(189, "System.Threading.Timeout");

        // ASP.NET Core rate limiting (SF6002, SF6003) and the Steadfast.AspNetCore tiers.
        public INamedTypeSymbol? RateLimiterOptions => Get(190, "Microsoft.AspNetCore.RateLimiting.RateLimiterOptions");
        public INamedTypeSymbol? RateLimiterOptionsExtensions => Get(191, "Microsoft.AspNetCore.RateLimiting.RateLimiterOptionsExtensions");
        public INamedTypeSymbol? RateLimiterServiceCollectionExtensions => Get(192, "Microsoft.AspNetCore.Builder.RateLimiterServiceCollectionExtensions");
        public INamedTypeSymbol? RateLimiterApplicationBuilderExtensions => Get(193, "Microsoft.AspNetCore.Builder.RateLimiterApplicationBuilderExtensions");
        public INamedTypeSymbol? RateLimiterEndpointConventionBuilderExtensions => Get(194, "Microsoft.AspNetCore.Builder.RateLimiterEndpointConventionBuilderExtensions");
        public INamedTypeSymbol? EnableRateLimitingAttribute => Get(195, "Microsoft.AspNetCore.RateLimiting.EnableRateLimitingAttribute");
        public INamedTypeSymbol? DisableRateLimitingAttribute => Get(196, "Microsoft.AspNetCore.RateLimiting.DisableRateLimitingAttribute");
        public INamedTypeSymbol? RateLimitPartition => Get(197, "System.Threading.RateLimiting.RateLimitPartition");
        public INamedTypeSymbol? FixedWindowRateLimiterOptions => Get(198, "System.Threading.RateLimiting.FixedWindowRateLimiterOptions");
        public INamedTypeSymbol? SlidingWindowRateLimiterOptions => Get(199, "System.Threading.RateLimiting.SlidingWindowRateLimiterOptions");
        public INamedTypeSymbol? TokenBucketRateLimiterOptions => Get(200, "System.Threading.RateLimiting.TokenBucketRateLimiterOptions");
        public INamedTypeSymbol? HeaderDictionary => Get(201, "Microsoft.AspNetCore.Http.IHeaderDictionary");
        public INamedTypeSymbol? HeaderNames => Get(202, "Microsoft.Net.Http.Headers.HeaderNames");
        public INamedTypeSymbol? StatusCodes => Get(203, "Microsoft.AspNetCore.Http.StatusCodes");
        public INamedTypeSymbol? HttpMethodAttribute => Get(204, "Microsoft.AspNetCore.Mvc.Routing.HttpMethodAttribute");
        public INamedTypeSymbol? HttpPostAttribute => Get(205, "Microsoft.AspNetCore.Mvc.HttpPostAttribute");
        public INamedTypeSymbol? HttpPutAttribute => Get(206, "Microsoft.AspNetCore.Mvc.HttpPutAttribute");
        public INamedTypeSymbol? HttpPatchAttribute => Get(207, "Microsoft.AspNetCore.Mvc.HttpPatchAttribute");
        public INamedTypeSymbol? HttpDeleteAttribute => Get(208, "Microsoft.AspNetCore.Mvc.HttpDeleteAttribute");
        public INamedTypeSymbol? RouteAttribute => Get(209, "Microsoft.AspNetCore.Mvc.RouteAttribute");
        public INamedTypeSymbol? RouteGroupBuilder => Get(210, "Microsoft.AspNetCore.Routing.RouteGroupBuilder");
        public INamedTypeSymbol? ControllerEndpointRouteBuilderExtensions => Get(211, "Microsoft.AspNetCore.Builder.ControllerEndpointRouteBuilderExtensions");
        public INamedTypeSymbol? RoutingEndpointConventionBuilderExtensions => Get(212, "Microsoft.AspNetCore.Builder.RoutingEndpointConventionBuilderExtensions");
        public INamedTypeSymbol? EndpointRoutingApplicationBuilderExtensions => Get(213, "Microsoft.AspNetCore.Builder.EndpointRoutingApplicationBuilderExtensions");
        public INamedTypeSymbol? AuthAppBuilderExtensions => Get(214, "Microsoft.AspNetCore.Builder.AuthAppBuilderExtensions");
        public INamedTypeSymbol? AuthorizationAppBuilderExtensions => Get(215, "Microsoft.AspNetCore.Builder.AuthorizationAppBuilderExtensions");
        public INamedTypeSymbol? SteadfastRateLimitTiers => Get(216, "Steadfast.RateLimitTiers");
        public INamedTypeSymbol? SteadfastRateLimitRejection => Get(217, "Steadfast.RateLimitRejection");
        public INamedTypeSymbol? SteadfastRateLimitingExtensions => Get(218, "Steadfast.SteadfastRateLimitingExtensions");
        public INamedTypeSymbol? ControllerAttribute => Get(219, "Microsoft.AspNetCore.Mvc.ControllerAttribute");

        // Queues and histories (SF4002): grow-only collections, channels and their options, the runtime's bounded history.
        public INamedTypeSymbol? List => Get(220, "System.Collections.Generic.List`1");
        public INamedTypeSymbol? Queue => Get(221, "System.Collections.Generic.Queue`1");
        public INamedTypeSymbol? LinkedList => Get(222, "System.Collections.Generic.LinkedList`1");
        public INamedTypeSymbol? ConcurrentQueue => Get(223, "System.Collections.Concurrent.ConcurrentQueue`1");
        public INamedTypeSymbol? ConcurrentBag => Get(224, "System.Collections.Concurrent.ConcurrentBag`1");
        public INamedTypeSymbol? BlockingCollection => Get(225, "System.Collections.Concurrent.BlockingCollection`1");
        public INamedTypeSymbol? Channel => Get(226, "System.Threading.Channels.Channel");
        public INamedTypeSymbol? ChannelOfT => Get(227, "System.Threading.Channels.Channel`1");
        public INamedTypeSymbol? UnboundedChannelOptions => Get(228, "System.Threading.Channels.UnboundedChannelOptions");
        public INamedTypeSymbol? BoundedChannelOptions => Get(229, "System.Threading.Channels.BoundedChannelOptions");
        public INamedTypeSymbol? SteadfastBoundedHistory => Get(230, "Steadfast.BoundedHistory`1");
        public INamedTypeSymbol? UseMiddlewareExtensions => Get(231, "Microsoft.AspNetCore.Builder.UseMiddlewareExtensions");

        // Queries in loops (SF3002): EF Core's migrations (run once), and what the "Save once" fix must not move a save past.
        public INamedTypeSymbol? EfMigration => Get(232, "Microsoft.EntityFrameworkCore.Migrations.Migration");
        public INamedTypeSymbol? EfChangeTracker => Get(233, "Microsoft.EntityFrameworkCore.ChangeTracking.ChangeTracker");
        public INamedTypeSymbol? EfDatabaseFacade => Get(234, "Microsoft.EntityFrameworkCore.Infrastructure.DatabaseFacade");
        public INamedTypeSymbol? TransactionScope => Get(235, "System.Transactions.TransactionScope");
        public INamedTypeSymbol? DbConnectionInterface => Get(236, "System.Data.IDbConnection");

        // SF2001: a URL of the application's own routes (a request to itself is not a remote call).
        public INamedTypeSymbol? UrlHelper => Get(237, "Microsoft.AspNetCore.Mvc.IUrlHelper");
        public INamedTypeSymbol? UrlHelperExtensions => Get(238, "Microsoft.AspNetCore.Mvc.UrlHelperExtensions");

        // SF6003: a GET action (a GET that takes no credential is no login, registration or token endpoint to guess against).
        public INamedTypeSymbol? HttpGetAttribute => Get(239, "Microsoft.AspNetCore.Mvc.HttpGetAttribute");

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

        /// <summary>True when <paramref name="type"/> implements the interface <paramref name="interface"/> (not when it is that interface).</summary>
        public static bool Implements(ITypeSymbol? type, INamedTypeSymbol? @interface)
        {
            if (type is null || @interface is null)
            {
                return false;
            }

            foreach (var implemented in type.AllInterfaces)
            {
                if (Is(implemented, @interface))
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>True when <paramref name="type"/> is the interface <paramref name="contract"/> or implements it.</summary>
        public static bool IsOrImplements(ITypeSymbol? type, INamedTypeSymbol? contract) => Is(type, contract) || Implements(type, contract);

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
