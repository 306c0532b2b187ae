using AiOs.Persistence.TestKit;
using Microsoft.Data.Sqlite;

namespace AiOs.Persistence.Sqlite.Tests;

/// <summary>An outage for SQLite is another connection holding the database lock: writes give up after the busy
/// timeout (1 s here).</summary>
[Trait("Category", "Integration")]
public sealed class SqliteStorageOutageTests(SqliteTestDatabase database) : StorageOutageTests, IClassFixture<SqliteTestDatabase>
{
    private SqliteConnection? _lockHolder;

    protected override StorageUnderTest CreateStorage() =>
        StorageUnderTest.Of(new SqliteStorageProvider(database.Options(busyTimeout: TimeSpan.FromSeconds(1))));

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
        _lockHolder?.Dispose(); // closing rolls the transaction back and releases the lock
        _lockHolder = null;
        return Task.CompletedTask;
    }

    protected override (StorageUnderTest Storage, string MustName) CreateUnreachableStorage()
    {
        // A directory that cannot be created: its parent is a regular file.
        var blocker = Path.Combine(database.Directory, "not-a-directory");
        File.WriteAllText(blocker, "");
        var directory = Path.Combine(blocker, "data");
        return (StorageUnderTest.Of(new SqliteStorageProvider(SqliteTestDatabase.OptionsFor(directory))), directory);
    }
}
