using System.Reflection;
using AiOs.Persistence.TestKit;
using AiOs.Testing;

namespace AiOs.Persistence.PostgreSql.Tests;

[Trait("Category", "Integration")]
public sealed class PostgreSqlMigrationTests(PostgresDatabase database) : MigrationTests, IClassFixture<PostgresDatabase>
{
    protected override Assembly ProviderAssembly => typeof(PostgreSqlStorageProvider).Assembly;

    protected override string NewDatabase() => database.NewSchemaName();

    protected override StorageUnderTest CreateStorage(string schema) => StorageUnderTest.Of(PostgreSqlTestOptions.Provider(database, schema));

    // Separate providers, each with its own data source and connections: what several silos starting at once look like.
    protected override IReadOnlyList<StorageUnderTest> CreateConcurrentInitializers(string schema, int count) =>
        Enumerable.Range(0, count).Select(_ => CreateStorage(schema)).ToList();

    protected override async Task<IReadOnlyList<(int Version, string Name)>> ReadAppliedMigrationsAsync(string schema)
    {
        await using var connection = await database.OpenConnectionAsync(schema);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT version, name FROM aios_schema_migrations ORDER BY version";
        await using var reader = await command.ExecuteReaderAsync();
        var applied = new List<(int, string)>();
        while (await reader.ReadAsync())
        {
            applied.Add((reader.GetInt32(0), reader.GetString(1)));
        }

        return applied;
    }

    protected override Task RecordMigrationAsync(string schema, int version, string name) =>
        database.ExecuteAsync($"INSERT INTO aios_schema_migrations (version, name) VALUES ({version}, '{name}')", schema);
}
