using Dapper;
using Microsoft.Data.Sqlite;

namespace ReliableBot;

/// <summary>Leads in SQLite, through Dapper.</summary>
public sealed class LeadStore
{
    private readonly string _connectionString;

    static LeadStore() => DefaultTypeMap.MatchNamesWithUnderscores = true;

    public LeadStore(IConfiguration configuration)
    {
        _connectionString = configuration.GetConnectionString("Leads") ?? "Data Source=leads.db";
        using var connection = Open();
        connection.Execute(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "db", "001_leads.sql")));
        connection.Execute(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "db", "002_activity.sql")));
    }

    public Lead Add(long chatId, string name, string company)
    {
        using var connection = Open();
        var id = connection.ExecuteScalar<long>(
            "INSERT INTO leads (chat_id, name, company) VALUES (@chatId, @name, @company) RETURNING id",
            new { chatId, name, company });
        connection.Execute("INSERT INTO activity (lead_id, kind, detail) VALUES (@id, 'taken', @company)", new { id, company });
        return new Lead { Id = id, ChatId = chatId, Name = name, Company = company };
    }

    public void SetEnrichment(long id, string industry, int employees)
    {
        using var connection = Open();
        connection.Execute("UPDATE leads SET industry = @industry, employees = @employees WHERE id = @id", new { id, industry, employees });
        connection.Execute("INSERT INTO activity (lead_id, kind, detail) VALUES (@id, 'enriched', @industry)", new { id, industry });
    }

    public IReadOnlyList<Lead> All(long chatId)
    {
        using var connection = Open();
        return connection.Query<Lead>("SELECT id, chat_id, name, company, industry, employees, created_at FROM leads WHERE chat_id = @chatId ORDER BY id", new { chatId }).ToList();
    }

    public IReadOnlyList<Lead> NotEnriched()
    {
        using var connection = Open();
        return connection.Query<Lead>("SELECT id, chat_id, name, company FROM leads WHERE industry IS NULL ORDER BY id").ToList();
    }

    internal SqliteConnection Open()
    {
        var connection = new SqliteConnection(_connectionString);
        connection.Open();
        return connection;
    }
}
