using AiOs.Persistence.TestKit;

namespace AiOs.Persistence.Sqlite.Tests;

[Trait("Category", "Integration")]
public sealed class SqliteReminderTableTests(SqliteTestDatabase database) : ReminderTableTests, IClassFixture<SqliteTestDatabase>
{
    protected override StorageUnderTest CreateStorage(TimeProvider timeProvider) =>
        StorageUnderTest.Of(new SqliteStorageProvider(database.Options(), timeProvider: timeProvider));

    protected override Task<(string WrittenBy, DateTimeOffset WrittenAt)?> ReadReminderProvenanceAsync(GrainId grainId, string name)
    {
        var rows = database.Query(
            "SELECT written_by, written_at FROM aios_reminders WHERE grain_type = $type AND grain_key = $key AND name = $name",
            parameters: [("$type", grainId.Type), ("$key", grainId.Key), ("$name", name)]);
        return Task.FromResult(rows.Count == 0
            ? ((string, DateTimeOffset)?)null
            : ((string)rows[0][0]!, SqliteTime.FromMicroseconds((long)rows[0][1]!)));
    }
}
