using AiOs.Persistence.TestKit;
using AiOs.Testing;

namespace AiOs.Persistence.PostgreSql.Tests;

[Trait("Category", "Integration")]
public sealed class PostgreSqlReminderTableTests(PostgresDatabase database) : ReminderTableTests, IClassFixture<PostgresDatabase>
{
    protected override StorageUnderTest CreateStorage(TimeProvider timeProvider) =>
        StorageUnderTest.Of(PostgreSqlTestOptions.Provider(database, timeProvider: timeProvider));

    protected override async Task<(string WrittenBy, DateTimeOffset WrittenAt)?> ReadReminderProvenanceAsync(GrainId grainId, string name)
    {
        await using var connection = await database.OpenConnectionAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT written_by, written_at FROM aios_reminders WHERE grain_type = $1 AND grain_key = $2 AND name = $3";
        command.Parameters.Add(new Npgsql.NpgsqlParameter { Value = grainId.Type });
        command.Parameters.Add(new Npgsql.NpgsqlParameter { Value = grainId.Key });
        command.Parameters.Add(new Npgsql.NpgsqlParameter { Value = name });
        await using var reader = await command.ExecuteReaderAsync();
        return await reader.ReadAsync() ? (reader.GetString(0), reader.GetFieldValue<DateTimeOffset>(1)) : null;
    }
}
