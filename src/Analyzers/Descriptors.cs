using Microsoft.CodeAnalysis;

namespace Steadfast.Analyzers
{
    /// <summary>Every diagnostic ID Steadfast reserves. IDs are never renumbered or reused.</summary>
    public static class DiagnosticIds
    {
        /// <summary>Fire-and-forget task: a task nobody observes.</summary>
        public const string FireAndForget = "SF1001";

        /// <summary>A background loop with no error boundary: one exception ends it for good.</summary>
        public const string BackgroundLoopWithoutBoundary = "SF1002";

        /// <summary>One task per item of a collection of any size, all running at once.</summary>
        public const string UnboundedFanOut = "SF1003";

        /// <summary>HTTP call with no retry on transient failures.</summary>
        public const string HttpCallWithoutRetry = "SF2001";

        /// <summary><c>new HttpClient()</c> per call.</summary>
        public const string HttpClientPerCall = "SF2002";

        /// <summary><c>SELECT *</c> in SQL text.</summary>
        public const string SelectStar = "SF3001";

        /// <summary>A database query run once per item of a loop (N+1).</summary>
        public const string QueryInLoop = "SF3002";

        /// <summary>A synchronous database call in async code.</summary>
        public const string SyncDatabaseCallInAsync = "SF3003";

        /// <summary>A dictionary used as a cache that only grows.</summary>
        public const string UnboundedCache = "SF4001";

        /// <summary>An unbounded producer/consumer queue, or a history that only grows.</summary>
        public const string UnboundedQueue = "SF4002";

        /// <summary>The same file read from disk on every call.</summary>
        public const string RepeatedFileRead = "SF5001";

        /// <summary>A development-only middleware or endpoint (exception page, Swagger, OpenAPI) outside a Development check.</summary>
        public const string DevelopmentOnlyOutsideDevelopment = "SF6001";

        /// <summary>A rate limiter that rejects with 503, without Retry-After, or is never applied.</summary>
        public const string RateLimiterRejectsBadly = "SF6002";

        /// <summary>A login, registration, token or mutating endpoint with no rate limit.</summary>
        public const string EndpointWithoutRateLimit = "SF6003";
    }

    /// <summary>Diagnostic categories (see DiagnosticCategoryAndIdRanges.txt).</summary>
    public static class Categories
    {
        public const string Reliability = "Reliability";
        public const string Performance = "Performance";
        public const string Security = "Security";
    }

    /// <summary>The one catalog of Steadfast's diagnostic descriptors.</summary>
    public static class Descriptors
    {
        /// <summary>Where the rule pages live; <see cref="GetHelpUri"/> appends <c>{id}.md</c>.</summary>
        public const string DocsBaseUri = "https://github.com/steadfast-analyzers/steadfast/blob/main/docs/rules/";

        public static readonly DiagnosticDescriptor SF1001FireAndForget = Create(
            id: DiagnosticIds.FireAndForget,
            title: "Task is never observed",
            messageFormat: "The task returned by '{0}' is never observed: its exceptions are lost and shutdown will not wait for it",
            category: Categories.Reliability,
            defaultSeverity: DiagnosticSeverity.Warning,
            description: "A task that is neither awaited, stored, returned nor handed to a tracker loses its exception silently and is cut off when the process stops. Await it, or track it with Steadfast.BackgroundTasks.");

        public static readonly DiagnosticDescriptor SF1002BackgroundLoopWithoutBoundary = Create(
            id: DiagnosticIds.BackgroundLoopWithoutBoundary,
            title: "Background loop has no error boundary",
            messageFormat: "The loop in '{0}' ends for good on the first exception an iteration throws: nothing inside it catches and reports failures",
            category: Categories.Reliability,
            defaultSeverity: DiagnosticSeverity.Warning,
            description: "A background loop (a BackgroundService's ExecuteAsync, a Task.Run worker, a queue consumer) whose body has no catch stops at the first transient failure: in a BackgroundService the host stops (the default since .NET 6); in a Task.Run loop the work just ends, silently. Catch and report each failed iteration inside the loop, back off, and carry on (Steadfast.BackgroundLoop).");

        public static readonly DiagnosticDescriptor SF1003UnboundedFanOut = Create(
            id: DiagnosticIds.UnboundedFanOut,
            title: "Fan-out has no concurrency limit",
            messageFormat: "{0} starts one task per item of '{1}' and runs them all at once: limit how many run concurrently",
            category: Categories.Reliability,
            defaultSeverity: DiagnosticSeverity.Warning,
            description: "Starting one task per element of a collection whose size the code does not fix (a parameter, a query result, a field that grows) runs them all at once: a burst of 10,000 items opens 10,000 connections, exhausts sockets or the database pool, and trips the upstream's rate limit. Limit how many run at once (Parallel.ForEachAsync with MaxDegreeOfParallelism, Steadfast.Concurrency.WhenAllBounded, a SemaphoreSlim, or batches).");

        public static readonly DiagnosticDescriptor SF2001HttpCallWithoutRetry = Create(
            id: DiagnosticIds.HttpCallWithoutRetry,
            title: "HTTP call has no retry on transient failures",
            messageFormat: "{0} sent once: a 503, a 429 or a dropped connection fails it for good. {1}.",
            category: Categories.Reliability,
            defaultSeverity: DiagnosticSeverity.Warning,
            description: "Upstream APIs fail briefly all the time: a deploy returns 503, a rate limit returns 429, a load balancer drops a connection. A call made once turns each blip into a lost message or a failed request. Send it through a retry pipeline (Steadfast.ResilientHttp, Polly, or a resilience handler on the IHttpClientFactory registration).");

        public static readonly DiagnosticDescriptor SF2002HttpClientPerCall = Create(
            id: DiagnosticIds.HttpClientPerCall,
            title: "HttpClient is created per call",
            messageFormat: "A new HttpClient is created every time '{0}' runs: under load this exhausts sockets. Share one client.",
            category: Categories.Reliability,
            defaultSeverity: DiagnosticSeverity.Warning,
            description: "Each HttpClient owns its connection pool. Creating one per request opens a new connection each time and leaves the old socket in TIME_WAIT, so a busy service runs out of ports; it also never reuses TLS sessions. Create one client and share it (a static field, a singleton, or IHttpClientFactory).");

        public static readonly DiagnosticDescriptor SF3001SelectStar = Create(
            id: DiagnosticIds.SelectStar,
            title: "SQL selects every column with *",
            messageFormat: "'SELECT *' reads every column of {0}{1}: list the columns the code uses",
            category: Categories.Performance,
            defaultSeverity: DiagnosticSeverity.Warning,
            description: "A star projection ships every column over the wire, large text and secrets included (an encrypted API key sent to a client because a query said *), and silently changes shape when a column is added. List the columns the code maps or reads.");

        public static readonly DiagnosticDescriptor SF3002QueryInLoop = Create(
            id: DiagnosticIds.QueryInLoop,
            title: "Database query inside a loop (N+1)",
            messageFormat: "'{0}' runs once per item of '{1}', so N items make N database round trips: {2}",
            category: Categories.Performance,
            defaultSeverity: DiagnosticSeverity.Warning,
            description: "A query or save executed once per item of a loop (foreach, for, while, or a Select/ForEach lambda) whose arguments come from the item costs one database round trip per item: 20 members, 21 queries where one JOIN or one IN query does it. It passes every test on a small table and slows down as the data grows. Load all the keys in one query before the loop (IN @ids, Contains), use a JOIN or Include, or save once after the loop.");

        public static readonly DiagnosticDescriptor SF3003SyncDatabaseCallInAsync = Create(
            id: DiagnosticIds.SyncDatabaseCallInAsync,
            title: "Synchronous database call in async code",
            messageFormat: "'{0}' waits for the database synchronously in async code, blocking a thread-pool thread for the whole round trip: await '{1}'",
            category: Categories.Performance,
            defaultSeverity: DiagnosticSeverity.Warning,
            description: "A synchronous database call (Dapper's Query or Execute, ADO.NET's Open, ExecuteReader or Read, EF Core's SaveChanges, Find or ToList on a query) inside an async method holds its thread-pool thread for the whole round trip. Under concurrent load the pool starves and every request slows down. Await the call's async counterpart, passing the cancellation token in scope.");

        public static readonly DiagnosticDescriptor SF4001UnboundedCache = Create(
            id: DiagnosticIds.UnboundedCache,
            title: "Dictionary cache only grows",
            messageFormat: "'{0}' {1}, but nothing ever removes an entry: it grows with every new key until the process runs out of memory",
            category: Categories.Reliability,
            defaultSeverity: DiagnosticSeverity.Warning,
            description: "A Dictionary or ConcurrentDictionary that memoises results (or holds a lock) per user, per URL or per prompt gains an entry for every new key and never loses one. It passes every test and runs out of memory after a week in production. Bound it with Steadfast.BoundedCache, which keeps the entries that are used and evicts the rest.");

        public static readonly DiagnosticDescriptor SF4002UnboundedQueue = Create(
            id: DiagnosticIds.UnboundedQueue,
            title: "Queue or history only grows",
            messageFormat: "'{0}' {1}: nothing bounds it, so it grows until the process runs out of memory",
            category: Categories.Reliability,
            defaultSeverity: DiagnosticSeverity.Warning,
            description: "An unbounded Channel or BlockingCollection written on every request, message or event lets memory grow without limit whenever its consumer is slower than its producers; a private List, Queue, ConcurrentQueue, ConcurrentBag or LinkedList used as a history or log gains an item for every input and never loses one. Bound the channel (writers wait, or the oldest item is dropped, when it is full), and keep only the last N items of a history (Steadfast.BoundedHistory).");

        public static readonly DiagnosticDescriptor SF5001RepeatedFileRead = Create(
            id: DiagnosticIds.RepeatedFileRead,
            title: "File is read from disk on every call",
            messageFormat: "'{0}' reads {1} from disk every time this code runs: cache it with FileCache or load it once",
            category: Categories.Performance,
            defaultSeverity: DiagnosticSeverity.Warning,
            description: "A file whose path never changes, read in code that runs per request, per message or in a loop, costs disk I/O and allocation on the hot path and fails when the disk is slow. Read it once and refresh it when it changes (Steadfast.FileCache), or load it once at startup.");

        public static readonly DiagnosticDescriptor SF6001DevelopmentOnlyOutsideDevelopment = Create(
            id: DiagnosticIds.DevelopmentOnlyOutsideDevelopment,
            title: "Development-only middleware or endpoint runs outside Development",
            messageFormat: "'{0}' {1} in every environment, production included: call it only when the environment is Development",
            category: Categories.Security,
            defaultSeverity: DiagnosticSeverity.Warning,
            description: "The developer exception page, Swagger and its UI, ReDoc, the OpenAPI document, Scalar and EF Core's error page and migrations endpoint are tools for the developer's machine. Called outside a Development check they ship to production: stack traces and connection details to strangers, a map of every endpoint, a button that applies migrations. Call them inside if (app.Environment.IsDevelopment()), or list them in SF6001.allowed_methods when the API publishes its documentation on purpose.");

        /// <remarks>
        /// Reported from the operations as the code is typed, except "no UseRateLimiter in this project", which only the
        /// whole compilation can tell (compilation end; the descriptor carries the CompilationEnd tag for it).
        /// </remarks>
        public static readonly DiagnosticDescriptor SF6002RateLimiterRejectsBadly = Create(
            id: DiagnosticIds.RateLimiterRejectsBadly,
            title: "Rate limiter rejects badly",
            messageFormat: "{0}",
            category: Categories.Security,
            defaultSeverity: DiagnosticSeverity.Warning,
            description: "ASP.NET Core's rate limiter rejects with 503 Service Unavailable unless RejectionStatusCode says otherwise, which tells clients and load balancers the server is down; it writes no Retry-After unless OnRejected does, so clients retry at once; and AddRateLimiter without UseRateLimiter applies nothing. Reject with 429, write Retry-After from the lease (Steadfast.RateLimitRejection.WriteRetryAfter), and add the middleware.",
            customTags: WellKnownDiagnosticTags.CompilationEnd);

        /// <remarks>
        /// Whether an endpoint is limited depends on facts anywhere in the compilation (a global limiter, another rate
        /// limiting middleware, a convention on MapControllers), so the findings are reported at compilation end.
        /// </remarks>
        public static readonly DiagnosticDescriptor SF6003EndpointWithoutRateLimit = Create(
            id: DiagnosticIds.EndpointWithoutRateLimit,
            title: "Endpoint has no rate limit",
            messageFormat: "{0} has no rate limit: {1}. Add RequireRateLimiting or [EnableRateLimiting]; if a gateway in front of this service limits requests, turn SF6003 off.",
            category: Categories.Security,
            defaultSeverity: DiagnosticSeverity.Info,
            description: "A login, registration or token endpoint without a rate limit lets anyone guess passwords and codes as fast as the server answers; a write endpoint without one lets a single client flood the database. Give each a tier (Steadfast's AddSteadfastRateLimiting and RequireRateLimiting(RateLimitTiers.Auth or Write)), or set a global limiter. Rate limiting at a gateway is a valid reason to turn the rule off.",
            customTags: WellKnownDiagnosticTags.CompilationEnd);

        /// <summary>Maps a rule ID to its documentation page.</summary>
        public static string GetHelpUri(string id) => DocsBaseUri + id + ".md";

        private static DiagnosticDescriptor Create(
            string id,
            string title,
            string messageFormat,
            string category,
            DiagnosticSeverity defaultSeverity,
            string description,
            bool isEnabledByDefault = true,
            params string[] customTags)
        {
#pragma warning disable RS0030 // The catalog is the one place allowed to create descriptors.
            return new DiagnosticDescriptor(
                id,
                title,
                messageFormat,
                category,
                defaultSeverity,
                isEnabledByDefault,
                description,
                GetHelpUri(id),
                customTags);
#pragma warning restore RS0030
        }
    }
}
