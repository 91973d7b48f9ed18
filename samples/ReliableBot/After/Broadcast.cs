using Dapper;

namespace ReliableBot;

/// <summary>Announcements: the same message to every lead's chat (a price change, a new playbook).</summary>
public static class Broadcasts
{
    /// <summary>Sends <paramref name="text"/> to every lead: one reply per lead, all at once.</summary>
    public static async Task<int> BroadcastAsync(this LeadBot bot, LeadStore store, string text)
    {
        var leads = store.Everyone();
        await Parallel.ForEachAsync(leads, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (lead, cancellationToken) => await bot.ReplyAsync(lead.ChatId, text));
        return leads.Count;
    }

    /// <summary>Every lead, for a broadcast.</summary>
    public static IReadOnlyList<Lead> Everyone(this LeadStore store)
    {
        using var connection = store.Open();
        return connection.Query<Lead>("SELECT id, chat_id, name, company FROM leads ORDER BY id").ToList();
    }
}
