// A message handler written the way such handlers usually start out.
// `dotnet build samples/QuickStart` shows what Steadfast finds here.

var handler = new MessageHandler();
await handler.HandleAsync(Console.ReadLine() ?? "alice", "/start"); // the user who wrote, as a console bot reads it
await Task.Delay(100);

sealed class MessageHandler
{
    // One entry per user who ever wrote to the bot, never removed: fine in tests, out of memory after a week.
    private static readonly Dictionary<string, string> ProfileCache = new();

    public async Task HandleAsync(string user, string text)
    {
        // Fire-and-forget: if SaveAsync throws, nobody ever hears about it.
        Task.Run(() => SaveAsync(user, text));

        // The discard silences the compiler's CS4014, and loses the task all the same.
        _ = NotifyAsync(user);

        // The playbook never changes while the bot runs, yet it is read from disk for every message.
        var playbook = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "playbook.md"));
        await ReplyAsync(user, playbook.Length > 0 ? $"Welcome, {GetProfile(user)}!" : "Hi");
    }

    // A client per call exhausts sockets under load, and one 503 from the enrichment API loses the lead.
    public async Task<string> EnrichAsync(string company)
    {
        using var client = new HttpClient();
        client.BaseAddress = new Uri("http://127.0.0.1:9/");
        return await client.GetStringAsync("companies/" + Uri.EscapeDataString(company));
    }

    // Every column leaves the database, the encrypted API key included.
    public static void LeadsQuery(System.Data.IDbCommand command) => command.CommandText = "SELECT * FROM leads WHERE owner = @owner";

    private static string GetProfile(string user)
    {
        if (!ProfileCache.TryGetValue(user, out var profile))
        {
            profile = user.ToUpperInvariant();
            ProfileCache[user] = profile;
        }

        return profile;
    }

    private static Task SaveAsync(string user, string text) => Task.Delay(10);

    private static Task NotifyAsync(string user) => throw new InvalidOperationException("notification service down");

    private static Task ReplyAsync(string user, string text)
    {
        Console.WriteLine($"to {user}: {text}");
        return Task.CompletedTask;
    }
}
