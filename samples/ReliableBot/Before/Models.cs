namespace ReliableBot;

// The slice of a Telegram-style Update the bot reads.
public sealed record Update(long UpdateId, Message? Message);

public sealed record Message(long MessageId, User From, Chat Chat, string? Text);

public sealed record User(long Id, string? FirstName, string? Username);

public sealed record Chat(long Id);

public sealed record UserProfile(long UserId, string FirstName, DateTimeOffset FirstSeen);

public sealed record CompanyInfo(string Industry, int Employees);

public sealed class Lead
{
    public long Id { get; set; }
    public long ChatId { get; set; }
    public string Name { get; set; } = "";
    public string Company { get; set; } = "";
    public string? Industry { get; set; }
    public long? Employees { get; set; }
    public string CreatedAt { get; set; } = "";
}
