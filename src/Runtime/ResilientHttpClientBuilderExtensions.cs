using System;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Steadfast
{
    /// <summary><c>IHttpClientFactory</c> registration of <see cref="ResilientHttpHandler"/>.</summary>
    public static class ResilientHttpClientBuilderExtensions
    {
        /// <summary>
        /// Sends this client's requests through the Steadfast retry pipeline (see <see cref="ResilientHttp"/> for the
        /// defaults). Retries are logged through the container's <see cref="ILoggerFactory"/> (category
        /// <c>Steadfast.ResilientHttp</c>), and a registered <see cref="TimeProvider"/> is used.
        /// </summary>
        /// <example><code>services.AddHttpClient&lt;GitHubClient&gt;().AddSteadfastRetry(o =&gt; o.MaxRetries = 5);</code></example>
        /// <exception cref="ArgumentNullException"><paramref name="builder"/> is null.</exception>
        public static IHttpClientBuilder AddSteadfastRetry(this IHttpClientBuilder builder, Action<ResilientHttpOptions>? configure = null)
        {
            if (builder is null)
            {
                throw new ArgumentNullException(nameof(builder));
            }

            return builder.AddHttpMessageHandler(services =>
            {
                var options = new ResilientHttpOptions();
                configure?.Invoke(options);
                options.Logger ??= services.GetService<ILoggerFactory>()?.CreateLogger("Steadfast.ResilientHttp");
                options.TimeProvider ??= services.GetService<TimeProvider>();
                return new ResilientHttpHandler(options);
            });
        }
    }
}
