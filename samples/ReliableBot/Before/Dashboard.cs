using System.Security.Cryptography;
using System.Text;
using Dapper;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Data.Sqlite;

namespace ReliableBot;

/// <summary>
/// The dashboard API the bot's web app calls: log in, list and read leads, update a lead, and a health check. Its
/// documentation (Swagger) is wired the way a first version wires it.
/// </summary>
public static class Dashboard
{
    public static IServiceCollection AddDashboard(this IServiceCollection services)
    {
        services.AddSingleton<DashboardLeads>();
        services.AddEndpointsApiExplorer();
        services.AddSwaggerGen();

        // Five login attempts a minute, against password guessing.
        services.AddRateLimiter(options =>
            options.AddFixedWindowLimiter("login", limiter =>
            {
                limiter.PermitLimit = 5;
                limiter.Window = TimeSpan.FromMinutes(1);
            }));
        return services;
    }

    public static WebApplication MapDashboard(this WebApplication app)
    {
        // The API's documentation, for the web app's developers.
        app.UseSwagger();
        app.UseSwaggerUI();

        app.UseRateLimiter();
        app.UseSqlStatementCount();

        app.MapPost("/api/login", (LoginRequest login, IConfiguration configuration) =>
            DashboardToken.Issue(login, configuration) is { } token ? Results.Ok(new { token }) : Results.Unauthorized())
            .RequireRateLimiting("login");

        app.MapGet("/api/leads", (HttpRequest request, IConfiguration configuration, DashboardLeads leads, int? limit) =>
            DashboardToken.IsValid(request, configuration) ? Results.Ok(leads.List(Math.Clamp(limit ?? 50, 1, 500))) : Results.Unauthorized());

        app.MapGet("/api/leads/{id:long}", (long id, HttpRequest request, IConfiguration configuration, DashboardLeads leads) =>
            !DashboardToken.IsValid(request, configuration) ? Results.Unauthorized()
            : leads.Find(id) is { } lead ? Results.Ok(lead) : Results.NotFound());

        app.MapPut("/api/leads/{id:long}", (long id, LeadUpdate update, HttpRequest request, IConfiguration configuration, DashboardLeads leads) =>
            !DashboardToken.IsValid(request, configuration) ? Results.Unauthorized()
            : leads.Update(id, update) ? Results.NoContent() : Results.NotFound());

        app.MapGet("/health", () => Results.Ok(new { status = "ok" }));
        return app;
    }
}

public sealed record LoginRequest(string User, string Password);

public sealed record LeadUpdate(string Name, string Company, string? Industry);

/// <summary>One dashboard user from configuration; the token is an HMAC of the user name, checked on every call.</summary>
public static class DashboardToken
{
    public static string? Issue(LoginRequest login, IConfiguration configuration)
    {
        var user = configuration["Dashboard:User"] ?? "admin";
        var password = configuration["Dashboard:Password"] ?? "change-me";
        return Same(login.User, user) && Same(login.Password, password) ? For(user, configuration) : null;
    }

    public static bool IsValid(HttpRequest request, IConfiguration configuration)
    {
        var header = request.Headers.Authorization.ToString();
        return header.StartsWith("Bearer ", StringComparison.Ordinal) &&
            Same(header["Bearer ".Length..], For(configuration["Dashboard:User"] ?? "admin", configuration));
    }

    private static string For(string user, IConfiguration configuration)
    {
        var key = Encoding.UTF8.GetBytes(configuration["Dashboard:SigningKey"] ?? "dashboard-signing-key");
        return Convert.ToHexString(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(user)));
    }

    private static bool Same(string? a, string b) =>
        a is not null && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(a), Encoding.UTF8.GetBytes(b));
}

/// <summary>The dashboard's view of the leads table (LeadStore, created at start-up, creates the schema).</summary>
public sealed class DashboardLeads
{
    private const string Columns = "id, chat_id, name, company, industry, employees, created_at";
    private readonly string _connectionString;

    public DashboardLeads(IConfiguration configuration)
    {
        _connectionString = configuration.GetConnectionString("Leads") ?? "Data Source=leads.db";
    }

    /// <summary>The newest leads, each with what happened to it.</summary>
    public IReadOnlyList<LeadListing> List(int limit)
    {
        using var connection = new SqliteConnection(_connectionString);
        connection.Open();
        SqlStatementCount.Watch(connection);
        var leads = connection.Query<Lead>("SELECT " + Columns + " FROM leads ORDER BY id DESC LIMIT @limit", new { limit }).ToList();
        var listing = new List<LeadListing>();
        foreach (var lead in leads)
        {
            var activity = connection.Query<LeadActivity>("SELECT lead_id AS LeadId, kind, detail, at FROM activity WHERE lead_id = @id ORDER BY id", new { id = lead.Id });
            listing.Add(new LeadListing(lead, activity.ToList()));
        }

        return listing;
    }

    public Lead? Find(long id)
    {
        using var connection = new SqliteConnection(_connectionString);
        return connection.QuerySingleOrDefault<Lead>("SELECT " + Columns + " FROM leads WHERE id = @id", new { id });
    }

    public bool Update(long id, LeadUpdate update)
    {
        using var connection = new SqliteConnection(_connectionString);
        return connection.Execute(
            "UPDATE leads SET name = @Name, company = @Company, industry = @Industry WHERE id = @id",
            new { id, update.Name, update.Company, update.Industry }) == 1;
    }
}
