using AiOs.Testing;
using Npgsql;

namespace AiOs.Persistence.PostgreSql.Tests;

/// <summary>Connections, schemas and privileges.</summary>
[Trait("Category", "Integration")]
public sealed class PostgreSqlConnectionTests(PostgresDatabase database) : IClassFixture<PostgresDatabase>
{
    private static readonly StorageWriter Writer = new("silo-a");

    [Fact]
    public async Task Write_AfterTheServerTerminatedThePooledConnections_ThrowsStorageUnavailableOnceThenRecovers()
    {
        var applicationName = "aios-test-" + Guid.NewGuid().ToString("N")[..8];
        var connectionString = new NpgsqlConnectionStringBuilder(database.ConnectionString) { ApplicationName = applicationName }.ConnectionString;
        await using var provider = new PostgreSqlStorageProvider(PostgreSqlTestOptions.For(database, connectionString: connectionString));
        await provider.InitializeAsync();
        var key = new GrainStateKey(new GrainId("test", Guid.NewGuid().ToString("N")), "state", 1);
        var etag = await provider.WriteAsync(key, """{"v":1}""", null, Writer);

        // Several idle connections in the pool, so that recovery depends on dropping all of them after the first
        // failure rather than on discarding only the one that failed.
        var warmUp = await Concurrently.RunAsync(8, _ => provider.ReadAsync(key));
        Assert.All(warmUp, o => Assert.Null(o.Error));

        // What a server restart or an administrator does to idle connections (SQLSTATE 57P01 admin_shutdown).
        var terminated = await database.QueryAsync(
            $"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = '{applicationName}'");
        Assert.True(terminated.Count > 1, $"expected several pooled connections, found {terminated.Count}");
        await Eventually.WaitUntilAsync(
            async () => (await database.QueryAsync($"SELECT 1 FROM pg_stat_activity WHERE application_name = '{applicationName}'")).Count == 0,
            "the terminated backends are gone");

        var error = await Assert.ThrowsAsync<StorageUnavailableException>(() => provider.WriteAsync(key, """{"v":2}""", etag, Writer));
        var next = await provider.WriteAsync(key, """{"v":3}""", etag, Writer);

        Assert.Contains("PostgreSQL", error.Message, StringComparison.Ordinal);
        Assert.Equal(next, (await provider.ReadAsync(key))!.ETag);
    }

    [Fact]
    public async Task Providers_OnDifferentSchemas_DoNotSeeEachOthersRows()
    {
        await using var first = PostgreSqlTestOptions.Provider(database, database.NewSchemaName());
        await using var second = PostgreSqlTestOptions.Provider(database, database.NewSchemaName());
        await first.InitializeAsync();
        await second.InitializeAsync();
        var key = new GrainStateKey(new GrainId("test", "shared-key"), "state", 1);

        await first.WriteAsync(key, """{"schema":"first"}""", null, Writer);

        Assert.Null(await second.ReadAsync(key));
        await second.WriteAsync(key, """{"schema":"second"}""", null, Writer); // no conflict: a different table
    }

    [Fact]
    public async Task Initialize_CreatesTheTablesInTheConfiguredSchemaOnly()
    {
        var schema = database.NewSchemaName();
        await using var provider = PostgreSqlTestOptions.Provider(database, schema);

        await provider.InitializeAsync();

        var tables = await database.QueryAsync(
            $"SELECT table_schema || '.' || table_name FROM information_schema.tables WHERE table_name LIKE 'aios\\_%' AND table_schema = '{schema}' ORDER BY 1");
        string[] expected = ["aios_action_ledger", "aios_api_keys", "aios_approvals", "aios_budgets", "aios_cluster", "aios_event_head", "aios_events", "aios_grain_state", "aios_membership_version", "aios_memory_items", "aios_memory_scopes", "aios_partition_leases", "aios_policy_decisions", "aios_reminders", "aios_schedules", "aios_schema_migrations", "aios_silos", "aios_spend", "aios_spend_reservations", "aios_spend_totals"];
        Assert.Equal(expected.Select(t => (object?)$"{schema}.{t}"), tables);
        Assert.Empty(await database.QueryAsync("SELECT 1 FROM information_schema.tables WHERE table_schema = 'public' AND table_name LIKE 'aios\\_%'"));
    }

    [Fact]
    public async Task Initialize_ExistingSchemaAndARoleThatCannotCreateSchemas_Succeeds()
    {
        // Production often runs the silo as a role that owns its schema but may not create schemas in the database.
        var schema = database.NewSchemaName();
        var role = "aios_test_role_" + Guid.NewGuid().ToString("N")[..8];
        await database.ExecuteAsync($"CREATE ROLE {role} LOGIN; CREATE SCHEMA {schema} AUTHORIZATION {role}");
        try
        {
            var connectionString = new NpgsqlConnectionStringBuilder(database.ConnectionString) { Username = role }.ConnectionString;
            await using var provider = new PostgreSqlStorageProvider(PostgreSqlTestOptions.For(database, schema, connectionString));

            await provider.InitializeAsync();

            await provider.WriteAsync(new GrainStateKey(new GrainId("test", "k"), "state", 1), "{}", null, Writer);
        }
        finally
        {
            await database.ExecuteAsync($"DROP SCHEMA {schema} CASCADE; DROP ROLE {role}");
        }
    }

    [Fact]
    public async Task Initialize_MissingDatabase_ThrowsANonTransientErrorWithoutThePassword()
    {
        // The same kind of failure as a wrong password (which the test server, trusting loopback, cannot provoke): the
        // server answers and refuses. Retrying would not help, and the password stays out of the message.
        var connectionString = new NpgsqlConnectionStringBuilder(database.ConnectionString)
        {
            Database = "no_such_database_" + Guid.NewGuid().ToString("N")[..8],
            Password = "s3cr3t-Pa55",
        }.ConnectionString;
        await using var provider = new PostgreSqlStorageProvider(PostgreSqlTestOptions.For(database, connectionString: connectionString));

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => provider.InitializeAsync());

        Assert.Contains("3D000", error.Message, StringComparison.Ordinal);
        Assert.Contains(provider.Location, error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("s3cr3t-Pa55", error.ToString(), StringComparison.Ordinal);
    }
}
