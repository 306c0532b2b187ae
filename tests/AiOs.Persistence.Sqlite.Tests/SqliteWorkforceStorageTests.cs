using AiOs.Persistence.TestKit;
using AiOs.Persistence.TestKit.Events;
using AiOs.Persistence.TestKit.Ledger;

namespace AiOs.Persistence.Sqlite.Tests;

[Trait("Category", "Integration")]
public sealed class SqliteEventLogTests(SqliteTestDatabase database) : EventLogTests, IClassFixture<SqliteTestDatabase>
{
    protected override string NewDatabase() => database.NewDirectory();

    protected override StorageUnderTest CreateStorage(string directory) =>
        StorageUnderTest.Of(new SqliteStorageProvider(SqliteTestDatabase.OptionsFor(directory)));

    // SQLite triggers cannot be disabled, so the tamperer drops them for the edit and puts them back as they were.
    protected override Task TamperAsync(string directory, string sql)
    {
        var triggers = database.Query("SELECT sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'aios_events'", directory)
            .Select(row => (string)row[0]!)
            .ToList();
        var names = database.Query("SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'aios_events'", directory)
            .Select(row => (string)row[0]!);
        var script = string.Join(";\n", names.Select(n => $"DROP TRIGGER {n}")) + ";\n" + sql + ";\n" + string.Join(";\n", triggers) + ";";
        database.Query(script, directory);
        return Task.CompletedTask;
    }

    protected override Task ExecuteAsync(string directory, string sql)
    {
        database.Query(sql, directory);
        return Task.CompletedTask;
    }
}

[Trait("Category", "Integration")]
public sealed class SqliteActionLedgerTests(SqliteTestDatabase database) : ActionLedgerTests, IClassFixture<SqliteTestDatabase>
{
    protected override StorageUnderTest CreateStorage(TimeProvider timeProvider) =>
        StorageUnderTest.Of(new SqliteStorageProvider(database.Options(), timeProvider: timeProvider));
}

[Trait("Category", "Integration")]
public sealed class SqliteApprovalStoreTests(SqliteTestDatabase database) : AiOs.Persistence.TestKit.Approvals.ApprovalStoreTests, IClassFixture<SqliteTestDatabase>
{
    protected override StorageUnderTest CreateStorage(TimeProvider timeProvider) =>
        StorageUnderTest.Of(new SqliteStorageProvider(database.Options(), timeProvider: timeProvider));
}

[Trait("Category", "Integration")]
public sealed class SqlitePolicyDecisionLogTests(SqliteTestDatabase database) : AiOs.Persistence.TestKit.Approvals.PolicyDecisionLogTests, IClassFixture<SqliteTestDatabase>
{
    protected override StorageUnderTest CreateStorage(TimeProvider timeProvider) =>
        StorageUnderTest.Of(new SqliteStorageProvider(database.Options(), timeProvider: timeProvider));

    protected override Task ExecuteAsync(string sql)
    {
        database.Query(sql);
        return Task.CompletedTask;
    }
}
