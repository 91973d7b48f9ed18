using Steadfast;

namespace ReliableBot;

/// <summary>
/// Every update the webhook received, oldest first: what /debug/updates shows when a user says the bot ignored them.
/// </summary>
public sealed class UpdateHistory
{
    private readonly BoundedHistory<Update> _updates = new(capacity: 1024);

    public void Record(Update update)
    {
        lock (_updates)
        {
            _updates.Add(update);
        }
    }

    public int Count
    {
        get
        {
            lock (_updates)
            {
                return _updates.Count;
            }
        }
    }

    /// <summary>The last <paramref name="n"/> updates, oldest first.</summary>
    public Update[] Recent(int n)
    {
        lock (_updates)
        {
            return _updates.Skip(Math.Max(0, _updates.Count - n)).ToArray();
        }
    }
}

public static class UpdateHistoryEndpoints
{
    /// <summary>GET /debug/updates: how many updates the history holds, the last five, and the managed heap's size.</summary>
    public static void MapUpdateHistory(this WebApplication app) =>
        app.MapGet("/debug/updates", (UpdateHistory history) => Results.Ok(new
        {
            count = history.Count,
            last = history.Recent(5),
            heapBytes = GC.GetTotalMemory(forceFullCollection: true),
        }));
}
