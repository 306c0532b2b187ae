using AiOs.Persistence.TestKit;
using AiOs.Persistence.TestKit.Memory;
using AiOs.Testing;

namespace AiOs.Persistence.PostgreSql.Tests;

[Trait("Category", "Integration")]
public sealed class PostgreSqlMemoryStoreTests(PostgresDatabase database) : MemoryStoreTests, IClassFixture<PostgresDatabase>
{
    protected override StorageUnderTest CreateStorage(TimeProvider timeProvider) =>
        StorageUnderTest.Of(PostgreSqlTestOptions.Provider(database, timeProvider: timeProvider));
}
