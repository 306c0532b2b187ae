using System.Text;
using AiOs.Persistence.Events;
using AiOs.Persistence.Memory;
using AiOs.Persistence.PostgreSql;
using AiOs.Persistence.Sqlite;
using AiOs.Testing;
using Microsoft.Data.Sqlite;
using Npgsql;

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
        return new TestDatabase(provider, text => Task.FromResult(Scan(provider.DatabasePath, text)));
    }

    private static IReadOnlyList<string> Scan(string path, string text)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        using var connection = new SqliteConnection($"Data Source={path};Mode=ReadOnly;Pooling=False");
        connection.Open();
        var tables = new List<string>();
        using (var list = connection.CreateCommand())
        {
            // Virtual tables are read through their shadow tables, which are ordinary tables listed here too.
            list.CommandText = "SELECT name FROM sqlite_master WHERE type = 'table' AND sql NOT LIKE 'CREATE VIRTUAL TABLE%'";
            using var reader = list.ExecuteReader();
            while (reader.Read())
            {
                tables.Add(reader.GetString(0));
            }
        }

        var found = new List<string>();
        foreach (var table in tables)
        {
            using var select = connection.CreateCommand();
            select.CommandText = $"SELECT * FROM \"{table}\"";
            using var reader = select.ExecuteReader();
            while (reader.Read())
            {
                for (var i = 0; i < reader.FieldCount; i++)
                {
                    var value = reader.IsDBNull(i) ? null : reader.GetValue(i);
                    if (value is byte[] blob ? blob.AsSpan().IndexOf(bytes) >= 0 : value?.ToString()?.Contains(text, StringComparison.Ordinal) == true)
                    {
                        found.Add($"{table}.{reader.GetName(i)}");
                    }
                }
            }
        }

        return found;
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
        return new TestDatabase(provider, text => ScanAsync(schema, text));
    }

    private async Task<IReadOnlyList<string>> ScanAsync(string schema, string text)
    {
        await using var connection = await _database.OpenConnectionAsync(schema);
        var tables = new List<string>();
        await using (var list = new NpgsqlCommand("SELECT table_name FROM information_schema.tables WHERE table_schema = $1 AND table_type = 'BASE TABLE'", connection))
        {
            list.Parameters.Add(new NpgsqlParameter { Value = schema });
            await using var reader = await list.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                tables.Add(reader.GetString(0));
            }
        }

        var found = new List<string>();
        foreach (var table in tables)
        {
            // A row as text covers every column, bytea included (as hex, so its bytes are compared as hex too).
            await using var select = new NpgsqlCommand(
                $"SELECT count(*) FROM \"{table}\" t WHERE strpos(t::text, $1) > 0 OR strpos(replace(t::text, '\\\\x', ''), $2) > 0", connection);
            select.Parameters.Add(new NpgsqlParameter { Value = text });
            select.Parameters.Add(new NpgsqlParameter { Value = Convert.ToHexStringLower(Encoding.UTF8.GetBytes(text)) });
            if ((long)(await select.ExecuteScalarAsync())! > 0)
            {
                found.Add(table);
            }
        }

        return found;
    }

    public ValueTask InitializeAsync() => _database.InitializeAsync();

    public ValueTask DisposeAsync() => _database.DisposeAsync();
}
