using AiOs.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace AiOs.Workforce.Tests.Storage;

/// <summary>PostgreSQL schemas on the test server (use as a class fixture); every schema handed out is dropped at the end.</summary>
public sealed class PostgreSqlTestStorage : ITestStorage, IAsyncLifetime
{
    private readonly PostgresDatabase _database = new();

    public string NewDatabase() => _database.NewSchemaName();

    public void AddStorage(IServiceCollection services, string database) =>
        services.AddAiOsPostgreSqlStorage(o =>
        {
            o.ConnectionString = _database.ConnectionString;
            o.Schema = database;
        });

    // As the table owner would: switch the append-only triggers off for the edit.
    public Task TamperAsync(string database, string sql) => _database.ExecuteAsync(
        $"BEGIN; ALTER TABLE aios_events DISABLE TRIGGER USER; {sql}; ALTER TABLE aios_events ENABLE TRIGGER USER; COMMIT;", database);

    public Task<IReadOnlyList<string>> FindEverywhereAsync(string database, string text) => DatabaseScan.PostgreSqlAsync(_database, database, text);

    public string[] HostArguments(string database) => ["--storage", "postgresql", "--database", database, "--connection", _database.ConnectionString];

    public ValueTask InitializeAsync() => _database.InitializeAsync();

    public ValueTask DisposeAsync() => _database.DisposeAsync();
}
