using ReliableBot;
using Steadfast;

var builder = WebApplication.CreateBuilder(args);
builder.Services.AddSingleton<LeadStore>();
builder.Services.AddSingleton<LeadBot>();
builder.Services.AddSingleton<UpdateHistory>();
builder.Services.AddDashboard();

// Steadfast's runtime: tracked background work is drained (or reported) at shutdown. Nothing is tracked until the fixes run.
builder.Services.AddBackgroundTaskTracking();

var app = builder.Build();
app.MapDashboard();

app.MapPost("/webhook", async (Update update, LeadBot bot, UpdateHistory history) =>
{
    history.Record(update);
    await bot.HandleAsync(update);
    return Results.Ok();
});

app.MapGet("/stats", (LeadBot bot) => Results.Ok(new { knownUsers = bot.KnownUsers }));
app.MapUpdateHistory();
app.MapPost("/broadcast", async (string text, LeadBot bot, LeadStore store) => Results.Ok(new { sent = await bot.BroadcastAsync(store, text) }));

// The follow-up scheduler: every minute, retry the enrichment of leads that still lack it.
var bot = app.Services.GetRequiredService<LeadBot>();
var every = TimeSpan.FromSeconds(app.Configuration.GetValue("FollowUpSeconds", 60));
_ = Task.Run(async () =>
{
    while (true)
    {
        await Task.Delay(every);
        await bot.RetryEnrichmentAsync();
    }
});

app.Run();
