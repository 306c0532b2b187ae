using AiOs.Persistence.TestKit.Silo;
using AiOs.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace AiOs.Persistence.PostgreSql.Tests;

[Trait("Category", "Integration")]
public sealed class PostgreSqlGrainPersistenceTests(PostgresDatabase database, ITestOutputHelper output)
    : GrainPersistenceTests(output), IClassFixture<PostgresDatabase>
{
    protected override void AddStorage(IServiceCollection services) => services.AddAiOsPostgreSqlStorage(o =>
    {
        o.ConnectionString = database.ConnectionString;
        o.Schema = database.Schema;
    });
}

[Trait("Category", "Integration")]
public sealed class PostgreSqlReminderDeliveryTests(PostgresDatabase database, ITestOutputHelper output)
    : ReminderDeliveryTests(output), IClassFixture<PostgresDatabase>
{
    protected override void AddStorage(IServiceCollection services) => services.AddAiOsPostgreSqlStorage(o =>
    {
        o.ConnectionString = database.ConnectionString;
        o.Schema = database.Schema;
    });
}

/// <summary>An outage for PostgreSQL is the network: the silo reaches the server through a proxy the test cuts.</summary>
[Trait("Category", "Integration")]
public sealed class PostgreSqlGrainStorageOutageTests(PostgresDatabase database, ITestOutputHelper output)
    : GrainStorageOutageTests(output), IClassFixture<PostgresDatabase>
{
    private readonly TcpProxy _proxy = new(database.Host, database.Port);

    protected override void AddStorage(IServiceCollection services) => services.AddAiOsPostgreSqlStorage(o =>
    {
        o.ConnectionString = database.ConnectionStringVia("127.0.0.1", _proxy.Port);
        o.Schema = database.Schema;
    });

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

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        await _proxy.DisposeAsync();
    }
}
