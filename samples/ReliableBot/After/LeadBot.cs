using System.Net.Http.Json;
using Steadfast;

namespace ReliableBot;

/// <summary>The lead-qualification bot: commands in, replies out through the Bot API, leads enriched in the background.</summary>
public sealed class LeadBot
{
    private static readonly HttpClient SharedHttpClient = ResilientHttp.CreateClient();
    // One client for the enrichment API, made the way the docs' first example makes it.
    private static readonly HttpClient Enrichment = ResilientHttp.CreateClient();

    // Who we have talked to: remembered so that the greeting uses their name.
    private static readonly BoundedCache<long, UserProfile> ProfileCache = new(capacity: 1024);

    private readonly LeadStore _store;
    private readonly ILogger<LeadBot> _logger;
    private readonly string _botApi;
    private readonly string _enrichmentApi;

    public LeadBot(LeadStore store, IConfiguration configuration, ILogger<LeadBot> logger)
    {
        _store = store;
        _logger = logger;
        _botApi = configuration["BotApi:BaseUrl"] ?? "http://127.0.0.1:5081/bot-token";
        _enrichmentApi = configuration["Enrichment:BaseUrl"] ?? "http://127.0.0.1:5082";
    }

    /// <summary>How many users the bot remembers (the profile cache's size).</summary>
    public int KnownUsers => ProfileCache.Count;

    public async Task HandleAsync(Update update)
    {
        if (update.Message is not { Text: { } text } message)
        {
            return;
        }

        var profile = GetProfile(message.From);
        var chatId = message.Chat.Id;
        if (text.StartsWith("/start", StringComparison.Ordinal))
        {
            await ReplyAsync(chatId, $"Hi {profile.FirstName}! Send /lead <name> <company> to add a lead.");
        }
        else if (text.StartsWith("/lead ", StringComparison.Ordinal))
        {
            var parts = text.Split(' ', 3, StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length < 3)
            {
                await ReplyAsync(chatId, "Usage: /lead <name> <company>");
                return;
            }

            var lead = _store.Add(chatId, parts[1], parts[2]);
            await ReplyAsync(chatId, $"Saved {lead.Name} ({lead.Company}). Enriching...");

            // Enrichment is slow: do not hold up the reply.
            BackgroundTasks.Track(EnrichAsync(lead), name: "EnrichAsync");
        }
        else if (text == "/leads")
        {
            var leads = _store.All(chatId);
            await ReplyAsync(chatId, leads.Count == 0 ? "No leads yet." : string.Join("\n", leads.Select(l => $"{l.Name} ({l.Company}) {l.Industry ?? "?"}")));
        }
        else if (text == "/playbook")
        {
            var playbook = FileCache.ReadAllText(Path.Combine(AppContext.BaseDirectory, "playbook.md"));
            await ReplyAsync(chatId, playbook);
        }
    }

    /// <summary>The follow-up loop's work: enrich what is still missing.</summary>
    public async Task RetryEnrichmentAsync()
    {
        foreach (var lead in _store.NotEnriched())
        {
            await EnrichAsync(lead);
        }
    }

    private UserProfile GetProfile(User user)
    {
        if (!ProfileCache.TryGetValue(user.Id, out var profile))
        {
            profile = new UserProfile(user.Id, user.FirstName ?? "there", DateTimeOffset.UtcNow);
            ProfileCache[user.Id] = profile;
        }

        return profile;
    }

    private async Task EnrichAsync(Lead lead)
    {
        var info = await Enrichment.GetFromJsonAsync<CompanyInfo>($"{_enrichmentApi}/companies/{Uri.EscapeDataString(lead.Company)}");
        if (info is not null)
        {
            _store.SetEnrichment(lead.Id, info.Industry, info.Employees);
            _logger.LogInformation("Enriched lead {LeadId}: {Industry}, {Employees} employees", lead.Id, info.Industry, info.Employees);
        }
    }

    internal async Task ReplyAsync(long chatId, string text)
    {
        var client = SharedHttpClient;
        using var response = await client.PostAsJsonAsync($"{_botApi}/sendMessage", new { chat_id = chatId, text });
        response.EnsureSuccessStatusCode();
    }
}
