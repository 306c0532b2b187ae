using AiOs.Persistence.TestKit;
using AiOs.Persistence.TestKit.Spend;

namespace AiOs.Persistence.Sqlite.Tests;

[Trait("Category", "Integration")]
public sealed class SqliteSpendStoreTests(SqliteTestDatabase database) : SpendStoreTests, IClassFixture<SqliteTestDatabase>
{
    protected override StorageUnderTest CreateStorage(TimeProvider timeProvider) =>
        StorageUnderTest.Of(new SqliteStorageProvider(database.Options(), timeProvider: timeProvider));
}
