using Dapper;

namespace ReliableBot;

public sealed partial class LeadBot
{
    /// <summary>Sends the same message to every lead's chat (an announcement, a price change): one reply per lead, all at once.</summary>
    public async Task<int> BroadcastAsync(string text)
    {
        var leads = _store.Everyone();
        await Parallel.ForEachAsync(leads, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (lead, cancellationToken) => await ReplyAsync(lead.ChatId, text));
        return leads.Count;
    }
}

public sealed partial class LeadStore
{
    /// <summary>Every lead, for a broadcast.</summary>
    public IReadOnlyList<Lead> Everyone()
    {
        using var connection = Open();
        return connection.Query<Lead>("SELECT id, chat_id, name, company FROM leads ORDER BY id").ToList();
    }
}
