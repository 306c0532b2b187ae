using System.Security.Cryptography;
using Npgsql;

namespace AiOs.Persistence.PostgreSql;

// IMembershipTable. Every change of membership runs in one transaction that locks the version row, compares it with the
// version the caller read, makes the change and increases the version: so all views of the cluster are totally
// ordered, and a change made on a stale view is refused. Heartbeats do not change the version.
public sealed partial class PostgreSqlStorageProvider : IMembershipTable
{
    private const string SiloColumns = "name, generation, address, status, started_at, last_heartbeat, declared_dead_by";

    /// <inheritdoc />
    public Task<ClusterInfo> InitializeClusterAsync(int partitionCount, string? configuredSecret, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(partitionCount, 1);
        return RunClusterAsync(async (connection, ct) =>
        {
            var transaction = await connection.BeginTransactionAsync(ct).ConfigureAwait(false);
            await using (transaction.ConfigureAwait(false))
            {
                var create = Command(connection, """
                    INSERT INTO aios_cluster (id, partition_count, secret) VALUES (1, $1, $2) ON CONFLICT (id) DO NOTHING;
                    """);
                await using (create.ConfigureAwait(false))
                {
                    Add(create, partitionCount);
                    Add(create, configuredSecret ?? Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)));
                    await create.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
                }

                ClusterInfo stored;
                var read = Command(connection, "SELECT partition_count, secret FROM aios_cluster WHERE id = 1");
                await using (read.ConfigureAwait(false))
                {
                    var reader = await read.ExecuteReaderAsync(ct).ConfigureAwait(false);
                    await using (reader.ConfigureAwait(false))
                    {
                        await reader.ReadAsync(ct).ConfigureAwait(false);
                        stored = new ClusterInfo(reader.GetInt32(0), reader.GetString(1));
                    }
                }

                if (stored.PartitionCount != partitionCount)
                {
                    throw new InvalidOperationException(
                        $"AiOs:Silo:PartitionCount is {partitionCount}, but the cluster in {Location} was created with " +
                        $"{stored.PartitionCount} partitions; every silo of a cluster must use the count it was created with.");
                }

                if (configuredSecret is not null && !CryptographicOperations.FixedTimeEquals(
                        System.Text.Encoding.UTF8.GetBytes(configuredSecret), System.Text.Encoding.UTF8.GetBytes(stored.Secret)))
                {
                    throw new InvalidOperationException(
                        $"AiOs:Cluster:Secret differs from the secret the cluster in {Location} was created with; every silo " +
                        "of a cluster must have the same secret.");
                }

                var leases = Command(connection, """
                    INSERT INTO aios_partition_leases (partition) SELECT generate_series(0, $1 - 1) ON CONFLICT (partition) DO NOTHING
                    """);
                await using (leases.ConfigureAwait(false))
                {
                    Add(leases, partitionCount);
                    await leases.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
                }

                await transaction.CommitAsync(ct).ConfigureAwait(false);
                return stored;
            }
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task<MembershipSnapshot> ReadAsync(CancellationToken cancellationToken = default) =>
        RunClusterAsync(async (connection, ct) =>
        {
            var command = Command(connection, $"""
                SELECT (SELECT version FROM aios_membership_version WHERE id = 1), now(), {SiloColumns}
                FROM (SELECT 1) AS one LEFT JOIN aios_silos ON true
                ORDER BY name, generation
                """);
            await using (command.ConfigureAwait(false))
            {
                var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
                await using (reader.ConfigureAwait(false))
                {
                    long version = 0;
                    var readAt = DateTimeOffset.MinValue;
                    var silos = new List<SiloEntry>();
                    while (await reader.ReadAsync(ct).ConfigureAwait(false))
                    {
                        version = reader.GetInt64(0);
                        readAt = reader.GetFieldValue<DateTimeOffset>(1);
                        if (!reader.IsDBNull(2))
                        {
                            silos.Add(new SiloEntry(
                                reader.GetString(2),
                                reader.GetInt64(3),
                                reader.GetString(4),
                                ParseStatus(reader.GetString(5)),
                                reader.GetFieldValue<DateTimeOffset>(6),
                                reader.GetFieldValue<DateTimeOffset>(7),
                                reader.IsDBNull(8) ? null : reader.GetString(8)));
                        }
                    }

                    return new MembershipSnapshot(version, silos, readAt);
                }
            }
        }, cancellationToken);

    /// <inheritdoc />
    public Task<bool> JoinAsync(SiloEntry silo, long expectedVersion, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(silo);
        return ChangeMembershipAsync(expectedVersion, $"""
            INSERT INTO aios_silos ({SiloColumns}) VALUES ($1, $2, $3, $4, now(), now(), NULL) ON CONFLICT DO NOTHING
            """,
            command =>
            {
                Add(command, silo.Name);
                Add(command, silo.Generation);
                Add(command, silo.Address);
                Add(command, FormatStatus(silo.Status));
            },
            cancellationToken);
    }

    /// <inheritdoc />
    public Task<bool> UpdateStatusAsync(string name, long generation, SiloStatus status, long expectedVersion, CancellationToken cancellationToken = default) =>
        ChangeMembershipAsync(expectedVersion, """
            UPDATE aios_silos SET status = $3 WHERE name = $1 AND generation = $2 AND status <> 'dead'
            """,
            command =>
            {
                Add(command, name);
                Add(command, generation);
                Add(command, FormatStatus(status));
            },
            cancellationToken);

    /// <inheritdoc />
    public Task<bool> DeclareDeadAsync(string name, long generation, TimeSpan timeout, string declaredBy, long expectedVersion, CancellationToken cancellationToken = default) =>
        ChangeMembershipAsync(expectedVersion, """
            UPDATE aios_silos SET status = 'dead', declared_dead_by = $4
            WHERE name = $1 AND generation = $2 AND status <> 'dead' AND last_heartbeat < now() - $3
            """,
            command =>
            {
                Add(command, name);
                Add(command, generation);
                Add(command, timeout);
                Add(command, declaredBy);
            },
            cancellationToken);

    /// <inheritdoc />
    public Task<bool> HeartbeatAsync(string name, long generation, CancellationToken cancellationToken = default) =>
        RunClusterAsync(async (connection, ct) =>
        {
            var command = Command(connection, "UPDATE aios_silos SET last_heartbeat = now() WHERE name = $1 AND generation = $2 AND status <> 'dead'");
            await using (command.ConfigureAwait(false))
            {
                Add(command, name);
                Add(command, generation);
                return await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false) == 1;
            }
        }, cancellationToken);

    private Task<bool> ChangeMembershipAsync(long expectedVersion, string change, Action<NpgsqlCommand> parameters, CancellationToken cancellationToken) =>
        RunClusterAsync(async (connection, ct) =>
        {
            var transaction = await connection.BeginTransactionAsync(ct).ConfigureAwait(false);
            await using (transaction.ConfigureAwait(false))
            {
                var version = Command(connection, "SELECT version FROM aios_membership_version WHERE id = 1 FOR UPDATE");
                await using (version.ConfigureAwait(false))
                {
                    if ((long)(await version.ExecuteScalarAsync(ct).ConfigureAwait(false))! != expectedVersion)
                    {
                        return false;
                    }
                }

                var command = Command(connection, change);
                await using (command.ConfigureAwait(false))
                {
                    parameters(command);
                    if (await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false) != 1)
                    {
                        return false;
                    }
                }

                var bump = Command(connection, "UPDATE aios_membership_version SET version = version + 1 WHERE id = 1");
                await using (bump.ConfigureAwait(false))
                {
                    await bump.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
                }

                await transaction.CommitAsync(ct).ConfigureAwait(false);
                return true;
            }
        }, cancellationToken);

    private static string FormatStatus(SiloStatus status) => status switch
    {
        SiloStatus.Joining => "joining",
        SiloStatus.Active => "active",
        SiloStatus.ShuttingDown => "shutting_down",
        _ => "dead",
    };

    private static SiloStatus ParseStatus(string status) => status switch
    {
        "joining" => SiloStatus.Joining,
        "active" => SiloStatus.Active,
        "shutting_down" => SiloStatus.ShuttingDown,
        _ => SiloStatus.Dead,
    };
}
