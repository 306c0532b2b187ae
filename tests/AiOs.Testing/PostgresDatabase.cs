using Npgsql;

namespace AiOs.Testing;

/// <summary>A PostgreSQL schema of one test class's own, on the server named by <c>AIOS_TEST_POSTGRES</c>: use it as a
/// class fixture. The schema has a random name and is dropped, with every other schema handed out by
/// <see cref="NewSchemaName"/>, when the fixture is disposed. Without the variable the fixture cannot be built, so
/// PostgreSQL tests fail (never skip) on a machine that has no server.</summary>
public sealed class PostgresDatabase : IAsyncLifetime
{
    /// <summary>The environment variable that holds an Npgsql connection string to a server where tests may create and
    /// drop schemas.</summary>
    public const string EnvironmentVariable = "AIOS_TEST_POSTGRES";

    private readonly Lock _lock = new();
    private readonly List<string> _schemas = [];
    private readonly NpgsqlDataSource _admin;

    public PostgresDatabase()
    {
        var connectionString = Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            throw new InvalidOperationException(MissingServerMessage);
        }

        ConnectionString = connectionString;
        var settings = new NpgsqlConnectionStringBuilder(connectionString);
        Host = settings.Host ?? "localhost";
        Port = settings.Port;
        _admin = NpgsqlDataSource.Create(connectionString);
        Schema = NewSchemaName();
    }

    /// <summary>What a test run without a server reports.</summary>
    public static string MissingServerMessage =>
        $"PostgreSQL tests need a server, and {EnvironmentVariable} is not set. Run `bash scripts/test.sh`, which starts a " +
        $"throwaway PostgreSQL, or set {EnvironmentVariable}=<connection string> (an Npgsql connection string, e.g. " +
        $"'Host=127.0.0.1;Port=5432;Username=postgres;Password=...;Database=postgres', to a server where the tests may " +
        "create and drop schemas).";

    /// <summary>The server's connection string, as given in <see cref="EnvironmentVariable"/>.</summary>
    public string ConnectionString { get; }

    /// <summary>The server's host.</summary>
    public string Host { get; }

    /// <summary>The server's port.</summary>
    public int Port { get; }

    /// <summary>This test class's schema; it exists once the fixture is initialized.</summary>
    public string Schema { get; }

    /// <summary>The server's connection string with host and port replaced, e.g. to go through a <see cref="TcpProxy"/>.</summary>
    public string ConnectionStringVia(string host, int port) =>
        new NpgsqlConnectionStringBuilder(ConnectionString) { Host = host, Port = port }.ConnectionString;

    /// <summary>A fresh, unique schema name that does not exist yet (a brand-new database for migration tests). Whatever
    /// creates it, it is dropped with this fixture.</summary>
    public string NewSchemaName()
    {
        var name = "aios_test_" + Guid.NewGuid().ToString("N")[..16];
        lock (_lock)
        {
            _schemas.Add(name);
        }

        return name;
    }

    /// <summary>Opens a connection whose search_path is <paramref name="schema"/> (default: <see cref="Schema"/>), for a
    /// test's own SQL.</summary>
    public async Task<NpgsqlConnection> OpenConnectionAsync(string? schema = null)
    {
        var connection = await _admin.OpenConnectionAsync();
        try
        {
            await using var command = new NpgsqlCommand($"SET search_path TO {Quote(schema ?? Schema)}", connection);
            await command.ExecuteNonQueryAsync();
            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    /// <summary>Runs <paramref name="sql"/> in <paramref name="schema"/> (default: <see cref="Schema"/>) and returns the
    /// first column of every row.</summary>
    public async Task<IReadOnlyList<object?>> QueryAsync(string sql, string? schema = null)
    {
        await using var connection = await OpenConnectionAsync(schema);
        await using var command = new NpgsqlCommand(sql, connection);
        await using var reader = await command.ExecuteReaderAsync();
        var values = new List<object?>();
        while (await reader.ReadAsync())
        {
            values.Add(reader.IsDBNull(0) ? null : reader.GetValue(0));
        }

        return values;
    }

    /// <summary>Runs <paramref name="sql"/> in <paramref name="schema"/> (default: <see cref="Schema"/>).</summary>
    public async Task ExecuteAsync(string sql, string? schema = null)
    {
        await using var connection = await OpenConnectionAsync(schema);
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    public async ValueTask InitializeAsync()
    {
        await using var command = _admin.CreateCommand($"CREATE SCHEMA {Quote(Schema)}");
        await command.ExecuteNonQueryAsync();
    }

    public async ValueTask DisposeAsync()
    {
        string[] schemas;
        lock (_lock)
        {
            schemas = [.. _schemas];
        }

        try
        {
            foreach (var schema in schemas)
            {
                await using var command = _admin.CreateCommand($"DROP SCHEMA IF EXISTS {Quote(schema)} CASCADE");
                await command.ExecuteNonQueryAsync();
            }
        }
        finally
        {
            await _admin.DisposeAsync();
        }
    }

    private static string Quote(string identifier) => "\"" + identifier.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
}
