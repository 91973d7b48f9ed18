using System.Runtime.CompilerServices;
using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace ReliableBot;

/// <summary>One thing that happened to a lead (the activity table): taken, enriched.</summary>
public sealed class LeadActivity
{
    public long LeadId { get; set; }
    public string Kind { get; set; } = "";
    public string? Detail { get; set; }
    public string At { get; set; } = "";
}

/// <summary>A lead as the dashboard lists it: the lead and what happened to it.</summary>
public sealed record LeadListing(Lead Lead, IReadOnlyList<LeadActivity> Activity);

/// <summary>
/// For the dashboard's tests: with the setting <c>Dashboard:CountSqlStatements</c> true, each response says in
/// <c>X-Sql-Statements</c> how many SQL statements its request ran on the connections it watched. Off by default.
/// </summary>
public static class SqlStatementCount
{
    private static readonly AsyncLocal<StrongBox<int>?> Current = new();

    public static WebApplication UseSqlStatementCount(this WebApplication app)
    {
        if (app.Configuration.GetValue<bool>("Dashboard:CountSqlStatements"))
        {
            app.Use(async (context, next) =>
            {
                var count = new StrongBox<int>();
                Current.Value = count;
                context.Response.OnStarting(() =>
                {
                    context.Response.Headers["X-Sql-Statements"] = Volatile.Read(ref count.Value).ToString();
                    return Task.CompletedTask;
                });
                await next(context);
            });
        }

        return app;
    }

    /// <summary>Counts the statements <paramref name="connection"/> (open) runs for the current request, when counting is on.</summary>
    public static void Watch(SqliteConnection connection)
    {
        if (Current.Value is { } count)
        {
            raw.sqlite3_trace(connection.Handle, (strdelegate_trace)((_, _) => Interlocked.Increment(ref count.Value)), null);
        }
    }
}
