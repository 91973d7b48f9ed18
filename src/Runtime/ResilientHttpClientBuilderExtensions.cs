using System;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Logging;
using Polly;

namespace Steadfast
{
    /// <summary><c>IHttpClientFactory</c> registration of the <see cref="ResilientHttp"/> retry pipeline.</summary>
    public static class ResilientHttpClientBuilderExtensions
    {
        /// <summary>The name the pipeline is registered under: the client's name, a dash, then this.</summary>
        internal const string PipelineName = "Steadfast";

        /// <summary>
        /// Sends this client's requests through the Steadfast retry pipeline (see <see cref="ResilientHttp"/> for the
        /// defaults), registered with Microsoft.Extensions.Http.Resilience's <c>AddResilienceHandler</c>: the handler is
        /// the library's <see cref="ResilienceHandler"/> and the pipeline lives in its registry (under the name
        /// <c>{client}-Steadfast</c>, with Polly's telemetry). Retries are logged through the container's
        /// <see cref="ILoggerFactory"/> (category <c>Steadfast.ResilientHttp</c>), and a registered <see cref="TimeProvider"/> is used.
        /// </summary>
        /// <example><code>services.AddHttpClient&lt;GitHubClient&gt;().AddSteadfastRetry(o =&gt; o.MaxRetries = 5);</code></example>
        /// <exception cref="ArgumentNullException"><paramref name="builder"/> is null.</exception>
        public static IHttpClientBuilder AddSteadfastRetry(this IHttpClientBuilder builder, Action<ResilientHttpOptions>? configure = null)
        {
            if (builder is null)
            {
                throw new ArgumentNullException(nameof(builder));
            }

            builder.AddResilienceHandler(PipelineName, (pipeline, context) =>
            {
                var services = context.ServiceProvider;
                var options = new ResilientHttpOptions();
                configure?.Invoke(options);
                options.Logger ??= services.GetService<ILoggerFactory>()?.CreateLogger("Steadfast.ResilientHttp");
                options.TimeProvider ??= services.GetService<TimeProvider>();
                if (options.Pipeline is { } own)
                {
                    pipeline.AddPipeline(own);
                }
                else
                {
                    HttpRetryPipeline.AddTo(pipeline, options);
                }
            });
            return builder;
        }
    }
}
