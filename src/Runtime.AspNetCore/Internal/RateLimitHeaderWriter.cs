using Microsoft.AspNetCore.Http;

namespace Steadfast
{
    /// <summary>
    /// Puts the RateLimit headers on the response of the request being counted. ASP.NET Core's middleware hands no lease
    /// to the application on success, so the tier's limiter writes them itself, to the request it finds through
    /// <see cref="IHttpContextAccessor"/> (the limiter is called inside that request's flow).
    /// </summary>
    internal sealed class RateLimitHeaderWriter
    {
        private readonly IHttpContextAccessor? _accessor;

        public RateLimitHeaderWriter(IHttpContextAccessor? accessor)
        {
            _accessor = accessor;
        }

        public void Write(TierLease lease)
        {
            if (_accessor?.HttpContext is { } httpContext)
            {
                LeaseInfo.WriteRateLimitHeaders(httpContext.Response, lease);
            }
        }
    }
}
