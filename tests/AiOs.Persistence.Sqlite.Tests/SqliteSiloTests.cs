using AiOs.Persistence.TestKit.Silo;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;

namespace AiOs.Persistence.Sqlite.Tests;

[Trait("Category", "Integration")]
public sealed class SqliteGrainPersistenceTests(SqliteTestDatabase database, ITestOutputHelper output)
    : GrainPersistenceTests(output), IClassFixture<SqliteTestDatabase>
{
    protected override void AddStorage(IServiceCollection services) => services.AddAiOsSqliteStorage(o => o.DataDirectory = database.Directory);
}

[Trait("Category", "Integration")]
public sealed class SqliteReminderDeliveryTests(SqliteTestDatabase database, ITestOutputHelper output)
    : ReminderDeliveryTests(output), IClassFixture<SqliteTestDatabase>
{
    protected override void AddStorage(IServiceCollection services) => services.AddAiOsSqliteStorage(o => o.DataDirectory = database.Directory);
}

/// <summary>An outage for SQLite is another process holding the database lock.</summary>
[Trait("Category", "Integration")]
public sealed class SqliteGrainStorageOutageTests(SqliteTestDatabase database, ITestOutputHelper output)
    : GrainStorageOutageTests(output), IClassFixture<SqliteTestDatabase>
{
    private SqliteConnection? _lockHolder;

    protected override void AddStorage(IServiceCollection services) => services.AddAiOsSqliteStorage(o =>
    {
        o.DataDirectory = database.Directory;
        o.BusyTimeout = TimeSpan.FromSeconds(1);
    });

    protected override Task CutAsync()
    {
        _lockHolder = database.Open();
        using var command = _lockHolder.CreateCommand();
        command.CommandText = "BEGIN EXCLUSIVE";
        command.ExecuteNonQuery();
        return Task.CompletedTask;
    }

    protected override Task RestoreAsync()
    {
        _lockHolder?.Dispose();
        _lockHolder = null;
        return Task.CompletedTask;
    }
}
