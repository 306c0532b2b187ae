using AiOs.Persistence.TestKit;
using AiOs.Persistence.TestKit.Memory;

namespace AiOs.Persistence.Sqlite.Tests;

[Trait("Category", "Integration")]
public sealed class SqliteMemoryStoreTests(SqliteTestDatabase database) : MemoryStoreTests, IClassFixture<SqliteTestDatabase>
{
    protected override StorageUnderTest CreateStorage(TimeProvider timeProvider) =>
        StorageUnderTest.Of(new SqliteStorageProvider(database.Options(), timeProvider: timeProvider));
}
