namespace AiOs.Persistence.Sqlite.Tests;

/// <summary>What the provider does to the file system and the database file.</summary>
[Trait("Category", "Integration")]
public sealed class SqliteDatabaseFileTests(SqliteTestDatabase database) : IClassFixture<SqliteTestDatabase>
{
    [Fact]
    public async Task Initialize_MissingDirectories_CreatesThemAndTheDatabase()
    {
        var directory = Path.Combine(database.NewDirectory(), "nested", "deeper");
        using var provider = new SqliteStorageProvider(new SqliteStorageOptions { DataDirectory = directory, FileName = "custom.db" });

        await provider.InitializeAsync();

        Assert.Equal(Path.Combine(directory, "custom.db"), provider.DatabasePath);
        Assert.True(File.Exists(provider.DatabasePath));
        Assert.Equal($"SQLite at {provider.DatabasePath}", provider.Location);
    }

    [Fact]
    public async Task Initialize_SwitchesTheDatabaseToWriteAheadLogging()
    {
        var directory = database.NewDirectory();
        using var provider = new SqliteStorageProvider(SqliteTestDatabase.OptionsFor(directory));

        await provider.InitializeAsync();

        // journal_mode=WAL is stored in the file, so any other connection reports it.
        Assert.Equal("wal", database.Query("PRAGMA journal_mode", directory)[0][0]);
    }

    [Fact]
    public async Task Initialize_CreatesTheTablesOfTheShippedMigrations()
    {
        var directory = database.NewDirectory();
        using var provider = new SqliteStorageProvider(SqliteTestDatabase.OptionsFor(directory));

        await provider.InitializeAsync();

        var tables = database.Query("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name", directory).Select(r => (string)r[0]!);
        Assert.Equal(["aios_action_ledger", "aios_api_keys", "aios_approvals", "aios_budgets", "aios_event_head", "aios_events", "aios_grain_state", "aios_memory_fts", "aios_memory_fts_config", "aios_memory_fts_data", "aios_memory_fts_docsize", "aios_memory_fts_idx", "aios_memory_items", "aios_memory_scopes", "aios_memory_version_counter", "aios_policy_decisions", "aios_reminder_versions", "aios_reminders", "aios_schedules", "aios_schema_migrations", "aios_spend", "aios_spend_reservations", "aios_spend_totals"], tables);
    }

    [Fact]
    public async Task Initialize_FileThatIsNotADatabase_FailsNamingTheFileAndReleasesTheLock()
    {
        var directory = database.NewDirectory();
        Directory.CreateDirectory(directory);
        await File.WriteAllTextAsync(Path.Combine(directory, "aios.db"), new string('x', 8192));
        using var provider = new SqliteStorageProvider(SqliteTestDatabase.OptionsFor(directory));

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => provider.InitializeAsync());

        Assert.Contains(provider.DatabasePath, error.Message, StringComparison.Ordinal);
        File.Delete(provider.DatabasePath);
        using var next = new SqliteStorageProvider(SqliteTestDatabase.OptionsFor(directory));
        await next.InitializeAsync(); // the failed start did not keep the single-silo lock
    }

    [Fact]
    public async Task Operations_AfterDispose_ThrowObjectDisposed()
    {
        var provider = new SqliteStorageProvider(SqliteTestDatabase.OptionsFor(database.NewDirectory()));
        await provider.InitializeAsync();
        provider.Dispose();
        provider.Dispose(); // idempotent: the container may dispose it once per registered contract

        await Assert.ThrowsAsync<ObjectDisposedException>(() => provider.ReadAsync(new GrainStateKey(new GrainId("t", "k"), "s", 0)));
    }
}
