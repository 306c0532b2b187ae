using AiOs.Persistence.TestKit;
using AiOs.Testing;
using Npgsql;

namespace AiOs.Persistence.PostgreSql.Tests;

/// <summary>An outage for PostgreSQL is the network: the provider talks to the server through a <see cref="TcpProxy"/>
/// whose cut resets every connection and refuses new ones.</summary>
[Trait("Category", "Integration")]
public sealed class PostgreSqlStorageOutageTests(PostgresDatabase database) : StorageOutageTests, IClassFixture<PostgresDatabase>
{
    private readonly TcpProxy _proxy = new(database.Host, database.Port);

    protected override StorageUnderTest CreateStorage() =>
        StorageUnderTest.Of(new PostgreSqlStorageProvider(
            PostgreSqlTestOptions.For(database, connectionString: database.ConnectionStringVia("127.0.0.1", _proxy.Port))));

    protected override Task CutAsync()
    {
        _proxy.Cut();
        return Task.CompletedTask;
    }

    protected override Task RestoreAsync()
    {
        _proxy.Restore();
        return Task.CompletedTask;
    }

    protected override (StorageUnderTest Storage, string MustName) CreateUnreachableStorage()
    {
        var port = LoopbackPorts.Free();
        var connectionString = new NpgsqlConnectionStringBuilder(database.ConnectionString)
        {
            Host = "127.0.0.1",
            Port = port,
            Password = Password,
            Timeout = 5,
        }.ConnectionString;
        var provider = new PostgreSqlStorageProvider(PostgreSqlTestOptions.For(database, connectionString: connectionString));
        return (StorageUnderTest.Of(provider), $"127.0.0.1:{port}");
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        await _proxy.DisposeAsync();
    }
}
