// Two fake upstreams on 127.0.0.1:
//   :5081  a Telegram-style Bot API: POST /bot-token/sendMessage prints the message it would deliver (taking 20 ms, as a
//          real one takes a while); GET /bot-token/inflight gives the most sendMessage requests it handled at once;
//   :5082  an enrichment API: GET /companies/{name} answers 503 twice, then the company's data,
//          the way a real API answers while it is being deployed.
using System.Collections.Concurrent;
using System.Text.Json;

var builder = WebApplication.CreateSlimBuilder(args);
builder.WebHost.UseUrls("http://127.0.0.1:5081", "http://127.0.0.1:5082");
builder.Logging.ClearProviders();
var app = builder.Build();

var failuresLeft = new ConcurrentDictionary<string, int>();

var inFlight = 0;
var mostInFlight = 0;

app.MapPost("/bot-token/sendMessage", async (HttpRequest request) =>
{
    var now = Interlocked.Increment(ref inFlight);
    for (var most = Volatile.Read(ref mostInFlight); now > most && Interlocked.CompareExchange(ref mostInFlight, now, most) != most; most = Volatile.Read(ref mostInFlight))
    {
    }

    try
    {
        using var body = await JsonDocument.ParseAsync(request.Body);
        var chat = body.RootElement.GetProperty("chat_id").GetInt64();
        var text = body.RootElement.GetProperty("text").GetString();
        await Task.Delay(20);
        Console.WriteLine($"bot api     -> chat {chat}: {text}");
        return Results.Ok(new { ok = true });
    }
    finally
    {
        Interlocked.Decrement(ref inFlight);
    }
}).RequireHost("*:5081");

app.MapGet("/bot-token/inflight", () => Results.Ok(new { most = Volatile.Read(ref mostInFlight) })).RequireHost("*:5081");

app.MapGet("/companies/{name}", (string name) =>
{
    var left = failuresLeft.AddOrUpdate(name, 2, (_, n) => n - 1);
    if (left > 0)
    {
        Console.WriteLine($"enrichment  -> {name}: 503 (deploying)");
        return Results.StatusCode(503);
    }

    Console.WriteLine($"enrichment  -> {name}: 200");
    return Results.Ok(new { industry = "Logistics", employees = 120 });
}).RequireHost("*:5082");

Console.WriteLine("fake Bot API on http://127.0.0.1:5081, fake enrichment API on http://127.0.0.1:5082 (503 twice per company, then 200)");
app.Run();
