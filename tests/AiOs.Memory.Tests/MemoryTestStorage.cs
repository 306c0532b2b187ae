using AiOs.Persistence.Events;
using AiOs.Persistence.Memory;
using AiOs.Persistence.PostgreSql;
using AiOs.Persistence.Sqlite;
using AiOs.Testing;

namespace AiOs.Memory.Tests;

/// <summary>A fresh database of one provider for one test, with a way to look through every table of it.</summary>
public abstract class MemoryTestStorage
{
    /// <summary>A new, empty database; initialized.</summary>
    public abstract Task<TestDatabase> CreateAsync();
}

/// <summary>One test's database.</summary>
public sealed class TestDatabase(object provider, Func<string, Task<IReadOnlyList<string>>> scan) : IAsyncDisposable
{
    public IMemoryStore Store => (IMemoryStore)provider;

    public IEventLog Events => (IEventLog)provider;

    /// <summary>Every place (<c>table.column</c>) in the whole database whose value contains <paramref name="text"/>
    /// (as text, or as UTF-8 bytes inside binary values).</summary>
    public Task<IReadOnlyList<string>> FindEverywhereAsync(string text) => scan(text);

    public async ValueTask DisposeAsync()
    {
        switch (provider)
        {
            case IAsyncDisposable asyncDisposable:
                await asyncDisposable.DisposeAsync();
                break;
            case IDisposable disposable:
                disposable.Dispose();
                break;
        }
    }
}

public sealed class SqliteMemoryTestStorage : MemoryTestStorage, IDisposable
{
    private readonly TempDirectory _root = new("aios-memory");

    public override async Task<TestDatabase> CreateAsync()
    {
        var directory = Path.Combine(_root.Path, "db-" + Guid.NewGuid().ToString("N")[..8]);
        var provider = new SqliteStorageProvider(new SqliteStorageOptions { DataDirectory = directory });
        await provider.InitializeAsync();
        return new TestDatabase(provider, text => Task.FromResult(DatabaseScan.Sqlite(provider.DatabasePath, text)));
    }

    public void Dispose() => _root.Dispose();
}

public sealed class PostgreSqlMemoryTestStorage : MemoryTestStorage, IAsyncLifetime
{
    private readonly PostgresDatabase _database = new();

    public override async Task<TestDatabase> CreateAsync()
    {
        var schema = _database.NewSchemaName();
        var provider = new PostgreSqlStorageProvider(new PostgreSqlStorageOptions { ConnectionString = _database.ConnectionString, Schema = schema });
        await provider.InitializeAsync();
        return new TestDatabase(provider, text => DatabaseScan.PostgreSqlAsync(_database, schema, text));
    }

    public ValueTask InitializeAsync() => _database.InitializeAsync();

    public ValueTask DisposeAsync() => _database.DisposeAsync();
}
