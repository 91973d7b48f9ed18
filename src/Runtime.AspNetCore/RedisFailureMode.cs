namespace Steadfast
{
    /// <summary>What a request gets while Redis cannot be reached (refused, timed out, or not connected yet).</summary>
    public enum RedisFailureMode
    {
        /// <summary>Let the request through uncounted (availability first). Each failure is logged as a warning and counted in the meter.</summary>
        FailOpen = 0,

        /// <summary>Reject the request with 429 and a <c>Retry-After</c> of <see cref="SteadfastRedisRateLimitingOptions.FailClosedRetryAfter"/> (protection first). Each failure is logged as a warning and counted in the meter.</summary>
        FailClosed = 1,
    }
}
