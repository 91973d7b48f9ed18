using System;
using System.Net.Http;
using Microsoft.Extensions.Http.Resilience;

namespace Steadfast
{
    /// <summary>
    /// The library's <see cref="ResilienceHandler"/> (Microsoft.Extensions.Http.Resilience) with the
    /// <see cref="ResilientHttp"/> retry pipeline: each request is sent through it. Put it in front of any handler, or let
    /// <see cref="ResilientHttp.CreateClient"/> or <c>AddSteadfastRetry()</c> do it.
    /// </summary>
    /// <remarks>
    /// A retried request is sent again as it is: content must be re-readable (string, byte-array, form and JSON content
    /// are; a forward-only stream is not).
    /// </remarks>
    public sealed class ResilientHttpHandler : ResilienceHandler
    {
        /// <summary>A handler whose <see cref="DelegatingHandler.InnerHandler"/> is set later (as <c>IHttpClientFactory</c> does).</summary>
        public ResilientHttpHandler(ResilientHttpOptions? options = null)
            : base(ResilientHttp.CreatePipeline(options))
        {
        }

        /// <summary>A handler that sends through <paramref name="innerHandler"/>.</summary>
        /// <exception cref="ArgumentNullException"><paramref name="innerHandler"/> is null.</exception>
        public ResilientHttpHandler(HttpMessageHandler innerHandler, ResilientHttpOptions? options = null)
            : base(ResilientHttp.CreatePipeline(options)) => InnerHandler = innerHandler ?? throw new ArgumentNullException(nameof(innerHandler));
    }
}
