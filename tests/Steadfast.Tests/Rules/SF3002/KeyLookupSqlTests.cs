using Steadfast.CodeFixes.Rules.SF3002;
using Xunit;

namespace Steadfast.Tests.Rules.SF3002
{
    /// <summary>The SQL shape the SF3002 key look-up fix rewrites (<see cref="KeyLookupSql"/>): SQL in, look-up (or none) out.</summary>
    public sealed class KeyLookupSqlTests
    {
        [Theory]
        [InlineData("SELECT id, name FROM owners WHERE id = @id", "id", "id", "id")]
        [InlineData("select id, name from owners where id=@Id;", "id", "Id", "id")]
        [InlineData("SELECT lead_id AS LeadId, kind FROM activity WHERE lead_id = @leadId ORDER BY id DESC, kind", "lead_id", "leadId", "LeadId")]
        [InlineData("SELECT a.lead_id LeadId, a.kind FROM activity a WHERE a.lead_id = @p ORDER BY a.id", "lead_id", "p", "LeadId")]
        [InlineData("SELECT * FROM owners WHERE id = @id", "id", "id", "id")]
        [InlineData("SELECT [id], \"name\" FROM [dbo].[owners] AS o WHERE o.[id] = @id", "id", "id", "id")]
        public void LookUps(string sql, string column, string parameter, string resultName)
        {
            var lookUp = KeyLookupSql.Parse(sql);
            Assert.NotNull(lookUp);
            Assert.Equal(column, lookUp!.KeyColumn);
            Assert.Equal(parameter, lookUp.Parameter);
            Assert.Equal(resultName, lookUp.ResultName);
        }

        [Theory]
        [InlineData("SELECT id, name FROM owners WHERE id = @id AND name = @name")]  // a second predicate
        [InlineData("SELECT id, name FROM owners WHERE id = @id OR id = 0")]
        [InlineData("SELECT id, name FROM owners WHERE id = @id LIMIT 1")]           // per key, not per query
        [InlineData("SELECT TOP 1 id, name FROM owners WHERE id = @id")]
        [InlineData("SELECT DISTINCT id FROM owners WHERE id = @id")]
        [InlineData("SELECT count(*) FROM owners WHERE id = @id")]                   // an aggregate
        [InlineData("SELECT id, name FROM owners o JOIN leads l ON l.owner_id = o.id WHERE o.id = @id")]
        [InlineData("SELECT id FROM owners WHERE id = @id GROUP BY id")]
        [InlineData("SELECT id FROM owners WHERE id = @id -- by key")]
        [InlineData("SELECT id FROM owners WHERE id = @id; DELETE FROM owners")]
        [InlineData("SELECT id FROM owners WHERE id IN @ids")]                       // already batched
        [InlineData("SELECT id FROM owners WHERE id = 'x'")]
        [InlineData("SELECT id FROM owners WHERE @id = id")]
        [InlineData("SELECT name FROM owners WHERE id = @id")]                       // the key column not selected
        [InlineData("SELECT id, id AS Id FROM owners WHERE id = @id")]               // selected twice
        [InlineData("SELECT *, name AS id FROM owners WHERE id = @id")]
        [InlineData("UPDATE owners SET name = 'x' WHERE id = @id")]
        [InlineData("")]
        [InlineData("SELECT")]
        [InlineData("SELECT id FROM owners WHERE id = @")]
        public void NotLookUps(string sql) => Assert.Null(KeyLookupSql.Parse(sql));

        [Theory]
        [InlineData(" FROM owners WHERE id = @id", "id", "ids", " FROM owners WHERE id IN @ids")]
        [InlineData("WHERE lead_id=@id ORDER BY id", "id", "keys", "WHERE lead_id IN @keys ORDER BY id")]
        [InlineData("WHERE id = @identity", "id", "ids", null)]   // another parameter that starts the same
        [InlineData("SELECT id, name FROM owners", "id", "ids", null)]
        [InlineData("WHERE a = @id AND b = @id", "id", "ids", null)]
        public void ToInList(string fragment, string parameter, string list, string? expected) =>
            Assert.Equal(expected, KeyLookupSql.ToInList(fragment, parameter, list));
    }
}
