using System.Globalization;
using AiOs.Testing;

namespace AiOs.Workforce.ProcessTests;

/// <summary>On PostgreSQL the service is a one-silo cluster: the restarted process is a new member that takes the killed
/// one's partitions once its leases lapse, so the lease and death timeouts are shortened to keep the test quick.</summary>
public sealed class PostgreSqlGoalProcessKillTests(PostgresDatabase database, ITestOutputHelper output)
    : GoalProcessKillTestsBase(output), IClassFixture<PostgresDatabase>
{
    private readonly string _schema = database.NewSchemaName();

    protected override IReadOnlyDictionary<string, string?> StorageSettings(string dataDirectory) => new Dictionary<string, string?>
    {
        ["AiOs__Storage"] = "postgresql",
        ["AiOs__Storage__PostgreSql__ConnectionString"] = database.ConnectionString,
        ["AiOs__Storage__PostgreSql__Schema"] = _schema,
        ["AiOs__Cluster__Port"] = LoopbackPorts.Free().ToString(CultureInfo.InvariantCulture),
        ["AiOs__Cluster__Secret"] = "process-kill-test-secret-0123456789",
        ["AiOs__Cluster__HeartbeatInterval"] = "00:00:00.200",
        ["AiOs__Cluster__DeathTimeout"] = "00:00:03",
        ["AiOs__Cluster__LeaseDuration"] = "00:00:03",
        ["AiOs__Cluster__LeaseRenewInterval"] = "00:00:00.250",
        ["AiOs__Cluster__LeaseSafetyMargin"] = "00:00:00.500",
    };
}
