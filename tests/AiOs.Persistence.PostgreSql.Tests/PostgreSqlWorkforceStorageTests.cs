using AiOs.Persistence.TestKit;
using AiOs.Persistence.TestKit.Events;
using AiOs.Persistence.TestKit.Ledger;
using AiOs.Testing;

namespace AiOs.Persistence.PostgreSql.Tests;

[Trait("Category", "Integration")]
public sealed class PostgreSqlEventLogTests(PostgresDatabase database) : EventLogTests, IClassFixture<PostgresDatabase>
{
    protected override string NewDatabase() => database.NewSchemaName();

    protected override StorageUnderTest CreateStorage(string schema) => StorageUnderTest.Of(PostgreSqlTestOptions.Provider(database, schema));

    // As a table owner would: switch the append-only triggers off for the edit.
    protected override Task TamperAsync(string schema, string sql) => database.ExecuteAsync(
        $"BEGIN; ALTER TABLE aios_events DISABLE TRIGGER USER; {sql}; ALTER TABLE aios_events ENABLE TRIGGER USER; COMMIT;", schema);

    protected override Task ExecuteAsync(string schema, string sql) => database.ExecuteAsync(sql, schema);
}

[Trait("Category", "Integration")]
public sealed class PostgreSqlActionLedgerTests(PostgresDatabase database) : ActionLedgerTests, IClassFixture<PostgresDatabase>
{
    protected override StorageUnderTest CreateStorage(TimeProvider timeProvider) =>
        StorageUnderTest.Of(PostgreSqlTestOptions.Provider(database, timeProvider: timeProvider));
}

[Trait("Category", "Integration")]
public sealed class PostgreSqlApprovalStoreTests(PostgresDatabase database) : AiOs.Persistence.TestKit.Approvals.ApprovalStoreTests, IClassFixture<PostgresDatabase>
{
    protected override StorageUnderTest CreateStorage(TimeProvider timeProvider) =>
        StorageUnderTest.Of(PostgreSqlTestOptions.Provider(database, timeProvider: timeProvider));
}

[Trait("Category", "Integration")]
public sealed class PostgreSqlPolicyDecisionLogTests(PostgresDatabase database) : AiOs.Persistence.TestKit.Approvals.PolicyDecisionLogTests, IClassFixture<PostgresDatabase>
{
    protected override StorageUnderTest CreateStorage(TimeProvider timeProvider) =>
        StorageUnderTest.Of(PostgreSqlTestOptions.Provider(database, timeProvider: timeProvider));

    protected override Task ExecuteAsync(string sql) => database.ExecuteAsync(sql);
}
