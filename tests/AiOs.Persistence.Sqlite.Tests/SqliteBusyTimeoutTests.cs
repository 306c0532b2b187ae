using System.Diagnostics;
using Microsoft.Data.Sqlite;

namespace AiOs.Persistence.Sqlite.Tests;

/// <summary>Another connection (another process, a backup tool, a sqlite3 shell) holding the database lock.</summary>
[Trait("Category", "Integration")]
public sealed class SqliteBusyTimeoutTests(SqliteTestDatabase database) : IClassFixture<SqliteTestDatabase>, IAsyncLifetime
{
    private static readonly TimeSpan BusyTimeout = TimeSpan.FromSeconds(1);
    private static readonly StorageWriter Writer = new("silo-a");
    private SqliteStorageProvider? _provider;

    private SqliteStorageProvider Provider => _provider!;

    public async ValueTask InitializeAsync()
    {
        _provider = new SqliteStorageProvider(database.Options(BusyTimeout));
        await _provider.InitializeAsync();
    }

    public ValueTask DisposeAsync()
    {
        _provider?.Dispose();
        return ValueTask.CompletedTask;
    }

    [Fact]
    public async Task Write_WhileAnotherConnectionHoldsTheLock_ThrowsStorageUnavailableAfterTheBusyTimeout()
    {
        var key = new GrainStateKey(new GrainId("test", Guid.NewGuid().ToString("N")), "state", 1);
        using var holder = HoldWriteLock();
        var clock = Stopwatch.StartNew();

        var error = await Assert.ThrowsAsync<StorageUnavailableException>(() => Provider.WriteAsync(key, "{}", null, Writer));

        Assert.InRange(clock.Elapsed, BusyTimeout - TimeSpan.FromMilliseconds(50), BusyTimeout * 10);
        Assert.Contains("SQLite", error.Message, StringComparison.Ordinal);
        Assert.Contains(Provider.DatabasePath, error.Message, StringComparison.Ordinal);
        Assert.IsType<SqliteException>(error.InnerException);
    }

    [Fact]
    public async Task Writes_QueuedBehindABlockedWrite_AlsoGiveUpWithinTheBusyTimeout()
    {
        using var holder = HoldWriteLock();
        var clock = Stopwatch.StartNew();

        var writes = Enumerable.Range(0, 4)
            .Select(i => Provider.WriteAsync(new GrainStateKey(new GrainId("test", Guid.NewGuid().ToString("N")), "state", 1), "{}", null, Writer))
            .ToArray();

        foreach (var write in writes)
        {
            await Assert.ThrowsAsync<StorageUnavailableException>(() => write);
        }

        // Without the bound on the in-process queue, four writes would take four busy timeouts.
        Assert.True(clock.Elapsed < BusyTimeout * 3.5, $"the blocked writes took {clock.Elapsed}");
    }

    [Fact]
    public async Task Read_WhileAnotherConnectionHoldsTheWriteLock_Succeeds()
    {
        var key = new GrainStateKey(new GrainId("test", Guid.NewGuid().ToString("N")), "state", 1);
        var etag = await Provider.WriteAsync(key, """{"v":1}""", null, Writer);
        using var holder = HoldWriteLock();

        var stored = await Provider.ReadAsync(key);

        Assert.Equal(etag, stored!.ETag);
    }

    [Fact]
    public async Task Write_AfterTheLockIsReleased_Succeeds()
    {
        var key = new GrainStateKey(new GrainId("test", Guid.NewGuid().ToString("N")), "state", 1);
        using (HoldWriteLock())
        {
            await Assert.ThrowsAsync<StorageUnavailableException>(() => Provider.WriteAsync(key, "{}", null, Writer));
        }

        var etag = await Provider.WriteAsync(key, """{"v":2}""", null, Writer);

        Assert.Equal(etag, (await Provider.ReadAsync(key))!.ETag);
    }

    private SqliteConnection HoldWriteLock()
    {
        var connection = database.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "BEGIN IMMEDIATE";
        command.ExecuteNonQuery();
        return connection;
    }
}
