using AiOs.Persistence.TestKit;

namespace AiOs.Persistence.Sqlite.Tests;

[Trait("Category", "Integration")]
public sealed class SqliteMigrationTests(SqliteTestDatabase database) : MigrationTests, IClassFixture<SqliteTestDatabase>
{
    protected override System.Reflection.Assembly ProviderAssembly => typeof(SqliteStorageProvider).Assembly;

    protected override string NewDatabase() => database.NewDirectory();

    protected override StorageUnderTest CreateStorage(string directory) =>
        StorageUnderTest.Of(new SqliteStorageProvider(SqliteTestDatabase.OptionsFor(directory)));

    // SQLite is single-silo: a second provider on the file is refused (SqliteSingleSiloTests), so the concurrent
    // initializers are concurrent InitializeAsync calls on one provider.
    protected override IReadOnlyList<StorageUnderTest> CreateConcurrentInitializers(string directory, int count)
    {
        var shared = CreateStorage(directory);
        return Enumerable.Repeat(shared, count).ToList();
    }

    protected override Task<IReadOnlyList<(int Version, string Name)>> ReadAppliedMigrationsAsync(string directory) =>
        Task.FromResult<IReadOnlyList<(int, string)>>(database
            .Query("SELECT version, name FROM aios_schema_migrations ORDER BY version", directory)
            .Select(row => ((int)(long)row[0]!, (string)row[1]!))
            .ToList());

    protected override Task RecordMigrationAsync(string directory, int version, string name)
    {
        database.Query(
            "INSERT INTO aios_schema_migrations (version, name, applied_at) VALUES ($version, $name, '2030-01-01T00:00:00Z')",
            directory,
            ("$version", version),
            ("$name", name));
        return Task.CompletedTask;
    }
}
