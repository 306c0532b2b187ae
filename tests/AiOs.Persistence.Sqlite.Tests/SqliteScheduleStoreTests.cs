using AiOs.Persistence.TestKit;

namespace AiOs.Persistence.Sqlite.Tests;

[Trait("Category", "Integration")]
public sealed class SqliteScheduleStoreTests(SqliteTestDatabase database) : ScheduleStoreTests, IClassFixture<SqliteTestDatabase>
{
    protected override StorageUnderTest CreateStorage(TimeProvider timeProvider) =>
        StorageUnderTest.Of(new SqliteStorageProvider(database.Options(), timeProvider: timeProvider));
}
