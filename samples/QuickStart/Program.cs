// A message handler written the way such handlers usually start out.
// `dotnet build samples/QuickStart` shows what Steadfast finds here.

var handler = new MessageHandler();
await handler.HandleAsync("alice", "/start");
await Task.Delay(100);

sealed class MessageHandler
{
    public async Task HandleAsync(string user, string text)
    {
        // Fire-and-forget: if SaveAsync throws, nobody ever hears about it.
        Task.Run(() => SaveAsync(user, text));

        // The discard silences the compiler's CS4014, and loses the task all the same.
        _ = NotifyAsync(user);

        // The playbook never changes while the bot runs, yet it is read from disk for every message.
        var playbook = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "playbook.md"));
        await ReplyAsync(user, playbook.Length > 0 ? "Welcome!" : "Hi");
    }

    private static Task SaveAsync(string user, string text) => Task.Delay(10);

    private static Task NotifyAsync(string user) => throw new InvalidOperationException("notification service down");

    private static Task ReplyAsync(string user, string text)
    {
        Console.WriteLine($"to {user}: {text}");
        return Task.CompletedTask;
    }
}
