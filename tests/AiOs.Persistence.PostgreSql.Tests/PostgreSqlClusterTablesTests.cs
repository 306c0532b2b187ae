using AiOs.Persistence.TestKit;
using AiOs.Testing;

namespace AiOs.Persistence.PostgreSql.Tests;

[Trait("Category", "Integration")]
public sealed class PostgreSqlClusterTablesTests(PostgresDatabase database) : ClusterTablesTests, IClassFixture<PostgresDatabase>
{
    protected override object CreateProviderOnNewDatabase() => PostgreSqlTestOptions.Provider(database, database.NewSchemaName());
}
