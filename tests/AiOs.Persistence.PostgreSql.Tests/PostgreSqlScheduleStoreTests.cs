using AiOs.Persistence.TestKit;
using AiOs.Testing;

namespace AiOs.Persistence.PostgreSql.Tests;

[Trait("Category", "Integration")]
public sealed class PostgreSqlScheduleStoreTests(PostgresDatabase database) : ScheduleStoreTests, IClassFixture<PostgresDatabase>
{
    protected override StorageUnderTest CreateStorage(TimeProvider timeProvider) =>
        StorageUnderTest.Of(PostgreSqlTestOptions.Provider(database, timeProvider: timeProvider));
}
