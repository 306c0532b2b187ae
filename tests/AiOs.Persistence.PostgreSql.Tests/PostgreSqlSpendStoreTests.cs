using AiOs.Persistence.TestKit;
using AiOs.Persistence.TestKit.Spend;
using AiOs.Testing;

namespace AiOs.Persistence.PostgreSql.Tests;

[Trait("Category", "Integration")]
public sealed class PostgreSqlSpendStoreTests(PostgresDatabase database) : SpendStoreTests, IClassFixture<PostgresDatabase>
{
    protected override StorageUnderTest CreateStorage(TimeProvider timeProvider) =>
        StorageUnderTest.Of(PostgreSqlTestOptions.Provider(database, timeProvider: timeProvider));
}
