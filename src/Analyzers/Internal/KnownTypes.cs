using System.Runtime.CompilerServices;
using Microsoft.CodeAnalysis;

namespace Steadfast.Analyzers.Internal
{
    /// <summary>
    /// The types Steadfast's rules look for, resolved once per compilation.
    /// Any of them may be null: a compilation without the type simply has nothing to flag for it.
    /// </summary>
    internal sealed class KnownTypes
    {
        private static readonly ConditionalWeakTable<Compilation, KnownTypes> Cache = new ConditionalWeakTable<Compilation, KnownTypes>();

        private KnownTypes(Compilation compilation)
        {
#pragma warning disable RS0030 // KnownTypes is the one place allowed to resolve types by metadata name.
            INamedTypeSymbol? Get(string name) => compilation.GetTypeByMetadataName(name);
#pragma warning restore RS0030
            Task = Get("System.Threading.Tasks.Task");
            TaskOfT = Get("System.Threading.Tasks.Task`1");
            ValueTask = Get("System.Threading.Tasks.ValueTask");
            ValueTaskOfT = Get("System.Threading.Tasks.ValueTask`1");
            TaskFactory = Get("System.Threading.Tasks.TaskFactory");
            TaskFactoryOfT = Get("System.Threading.Tasks.TaskFactory`1");
            ConfiguredTaskAwaitable = Get("System.Runtime.CompilerServices.ConfiguredTaskAwaitable");
            ConfiguredTaskAwaitableOfT = Get("System.Runtime.CompilerServices.ConfiguredTaskAwaitable`1");
            ConfiguredValueTaskAwaitable = Get("System.Runtime.CompilerServices.ConfiguredValueTaskAwaitable");
            ConfiguredValueTaskAwaitableOfT = Get("System.Runtime.CompilerServices.ConfiguredValueTaskAwaitable`1");
            YieldAwaitable = Get("System.Runtime.CompilerServices.YieldAwaitable");
            ExpressionOfT = Get("System.Linq.Expressions.Expression`1");
            LambdaExpression = Get("System.Linq.Expressions.LambdaExpression");
            CancellationToken = Get("System.Threading.CancellationToken");
            SteadfastBackgroundTasks = Get("Steadfast.BackgroundTasks");
            File = Get("System.IO.File");
            Path = Get("System.IO.Path");
            FileInfo = Get("System.IO.FileInfo");
            AppContext = Get("System.AppContext");
            AppDomain = Get("System.AppDomain");
            Lazy = Get("System.Lazy`1");
            SteadfastFileCache = Get("Steadfast.FileCache");
            SteadfastBackgroundTaskTracker = Get("Steadfast.BackgroundTaskTracker");
            Dictionary = Get("System.Collections.Generic.Dictionary`2");
            ConcurrentDictionary = Get("System.Collections.Concurrent.ConcurrentDictionary`2");
            Type = Get("System.Type");
            MemberInfo = Get("System.Reflection.MemberInfo");
            ParameterInfo = Get("System.Reflection.ParameterInfo");
            SteadfastBoundedCache = Get("Steadfast.BoundedCache`2");
            HttpClient = Get("System.Net.Http.HttpClient");
            HttpClientJsonExtensions = Get("System.Net.Http.Json.HttpClientJsonExtensions");
            HttpClientFactory = Get("System.Net.Http.IHttpClientFactory");
            HttpClientFactoryExtensions = Get("System.Net.Http.HttpClientFactoryExtensions");
            ServiceCollection = Get("Microsoft.Extensions.DependencyInjection.IServiceCollection");
            ControllerBase = Get("Microsoft.AspNetCore.Mvc.ControllerBase");
            SteadfastResilientHttp = Get("Steadfast.ResilientHttp");
            SteadfastResilientHttpHandler = Get("Steadfast.ResilientHttpHandler");
            SteadfastResilientHttpClientBuilderExtensions = Get("Steadfast.ResilientHttpClientBuilderExtensions");
            HttpClientBuilder = Get("Microsoft.Extensions.DependencyInjection.IHttpClientBuilder");
            HttpClientFactoryServiceCollectionExtensions = Get("Microsoft.Extensions.DependencyInjection.HttpClientFactoryServiceCollectionExtensions");
            HttpClientBuilderExtensions = Get("Microsoft.Extensions.DependencyInjection.HttpClientBuilderExtensions");
            ResilienceHttpClientBuilderExtensions = Get("Microsoft.Extensions.DependencyInjection.ResilienceHttpClientBuilderExtensions");
            ResilienceHandler = Get("Microsoft.Extensions.Http.Resilience.ResilienceHandler");
            PollyHttpClientBuilderExtensions = Get("Microsoft.Extensions.DependencyInjection.PollyHttpClientBuilderExtensions");
            PolicyHttpMessageHandler = Get("Microsoft.Extensions.Http.PolicyHttpMessageHandler");
        }

        public INamedTypeSymbol? Task { get; }
        public INamedTypeSymbol? TaskOfT { get; }
        public INamedTypeSymbol? ValueTask { get; }
        public INamedTypeSymbol? ValueTaskOfT { get; }
        public INamedTypeSymbol? TaskFactory { get; }
        public INamedTypeSymbol? TaskFactoryOfT { get; }
        public INamedTypeSymbol? ConfiguredTaskAwaitable { get; }
        public INamedTypeSymbol? ConfiguredTaskAwaitableOfT { get; }
        public INamedTypeSymbol? ConfiguredValueTaskAwaitable { get; }
        public INamedTypeSymbol? ConfiguredValueTaskAwaitableOfT { get; }
        public INamedTypeSymbol? YieldAwaitable { get; }
        public INamedTypeSymbol? ExpressionOfT { get; }
        public INamedTypeSymbol? LambdaExpression { get; }
        public INamedTypeSymbol? CancellationToken { get; }
        public INamedTypeSymbol? SteadfastBackgroundTasks { get; }
        public INamedTypeSymbol? SteadfastBackgroundTaskTracker { get; }
        public INamedTypeSymbol? File { get; }
        public INamedTypeSymbol? Path { get; }
        public INamedTypeSymbol? FileInfo { get; }
        public INamedTypeSymbol? AppContext { get; }
        public INamedTypeSymbol? AppDomain { get; }
        public INamedTypeSymbol? Lazy { get; }
        public INamedTypeSymbol? SteadfastFileCache { get; }
        public INamedTypeSymbol? Dictionary { get; }
        public INamedTypeSymbol? ConcurrentDictionary { get; }
        public INamedTypeSymbol? Type { get; }
        public INamedTypeSymbol? MemberInfo { get; }
        public INamedTypeSymbol? ParameterInfo { get; }
        public INamedTypeSymbol? SteadfastBoundedCache { get; }
        public INamedTypeSymbol? HttpClient { get; }
        public INamedTypeSymbol? HttpClientJsonExtensions { get; }
        public INamedTypeSymbol? HttpClientFactory { get; }
        public INamedTypeSymbol? HttpClientFactoryExtensions { get; }
        public INamedTypeSymbol? ServiceCollection { get; }
        public INamedTypeSymbol? ControllerBase { get; }
        public INamedTypeSymbol? SteadfastResilientHttp { get; }
        public INamedTypeSymbol? SteadfastResilientHttpHandler { get; }
        public INamedTypeSymbol? SteadfastResilientHttpClientBuilderExtensions { get; }
        public INamedTypeSymbol? HttpClientBuilder { get; }
        public INamedTypeSymbol? HttpClientFactoryServiceCollectionExtensions { get; }
        public INamedTypeSymbol? HttpClientBuilderExtensions { get; }

        /// <summary>Microsoft.Extensions.Http.Resilience: AddStandardResilienceHandler, AddStandardHedgingHandler, AddResilienceHandler.</summary>
        public INamedTypeSymbol? ResilienceHttpClientBuilderExtensions { get; }
        public INamedTypeSymbol? ResilienceHandler { get; }

        /// <summary>Microsoft.Extensions.Http.Polly: AddPolicyHandler, AddPolicyHandlerFromRegistry, AddTransientHttpErrorPolicy.</summary>
        public INamedTypeSymbol? PollyHttpClientBuilderExtensions { get; }
        public INamedTypeSymbol? PolicyHttpMessageHandler { get; }

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

        public bool IsValueTask(ITypeSymbol? type) => Is(type, ValueTask) || Is(type, ValueTaskOfT);

        public bool IsTaskOrValueTask(ITypeSymbol? type) => IsTask(type) || IsValueTask(type);
    }
}
