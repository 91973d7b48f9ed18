namespace Steadfast.Tests.Support
{
    /// <summary>
    /// Minimal-API endpoints for rule tests: the evidence of outside input that SF4001 and SF4002 need before they warn
    /// (see InputSources). A handler is a minimal-API lambda that passes the request's values on.
    /// </summary>
    internal static class InputEvidence
    {
        /// <summary>An endpoint class on one line, for a source of its own.</summary>
        public static string Endpoint(string handler) =>
            "public static class Endpoints { public static void Map(Microsoft.AspNetCore.Routing.IEndpointRouteBuilder app) => Microsoft.AspNetCore.Builder.EndpointRouteBuilderExtensions.MapPost(app, \"/x\", " + handler + "); }";

        /// <summary><paramref name="source"/> followed by an endpoint on <paramref name="route"/>; an empty handler adds none.</summary>
        public static string Served(string source, string handler, string route) => source + (handler.Length == 0 ? "" : """


            public static class Endpoints
            {
                public static void Map(Microsoft.AspNetCore.Routing.IEndpointRouteBuilder app) =>
                    Microsoft.AspNetCore.Builder.EndpointRouteBuilderExtensions.MapPost(app, "ROUTE", HANDLER);
            }
            """.Replace("ROUTE", route).Replace("HANDLER", handler));
    }
}
