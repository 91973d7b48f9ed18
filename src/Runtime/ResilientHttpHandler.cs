using System;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;
using Polly;

namespace Steadfast
{
    /// <summary>
    /// A <see cref="DelegatingHandler"/> that sends each request through the <see cref="ResilientHttp"/> retry pipeline.
    /// Put it in front of any handler, or let <see cref="ResilientHttp.CreateClient"/> or
    /// <c>AddSteadfastRetry()</c> do it.
    /// </summary>
    /// <remarks>
    /// A retried request is sent again as it is: content must be re-readable (string, byte-array, form and JSON content
    /// are; a forward-only stream is not).
    /// </remarks>
    public sealed class ResilientHttpHandler : DelegatingHandler
    {
        private readonly ResiliencePipeline<HttpResponseMessage> _pipeline;

        /// <summary>A handler whose <see cref="DelegatingHandler.InnerHandler"/> is set later (as <c>IHttpClientFactory</c> does).</summary>
        public ResilientHttpHandler(ResilientHttpOptions? options = null) => _pipeline = ResilientHttp.CreatePipeline(options);

        /// <summary>A handler that sends through <paramref name="innerHandler"/>.</summary>
        /// <exception cref="ArgumentNullException"><paramref name="innerHandler"/> is null.</exception>
        public ResilientHttpHandler(HttpMessageHandler innerHandler, ResilientHttpOptions? options = null)
            : base(innerHandler ?? throw new ArgumentNullException(nameof(innerHandler))) => _pipeline = ResilientHttp.CreatePipeline(options);

        /// <inheritdoc />
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            if (request is null)
            {
                throw new ArgumentNullException(nameof(request));
            }

            var context = ResilienceContextPool.Shared.Get(cancellationToken);
            context.Properties.Set(HttpRetryPipeline.RequestKey, request);
            try
            {
                return await _pipeline.ExecuteAsync(
                    static (ctx, state) => new ValueTask<HttpResponseMessage>(state.Handler.SendOnceAsync(state.Request, ctx.CancellationToken)),
                    context,
                    (Handler: this, Request: request)).ConfigureAwait(false);
            }
            finally
            {
                ResilienceContextPool.Shared.Return(context);
            }
        }

        private Task<HttpResponseMessage> SendOnceAsync(HttpRequestMessage request, CancellationToken cancellationToken) => base.SendAsync(request, cancellationToken);
    }
}
