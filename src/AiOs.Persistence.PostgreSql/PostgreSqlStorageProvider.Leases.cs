using Npgsql;
using NpgsqlTypes;

namespace AiOs.Persistence.PostgreSql;

// IPartitionLeaseTable, and the fence that every write of a clustered silo carries. All times are the database's.
public sealed partial class PostgreSqlStorageProvider : IPartitionLeaseTable
{
    private const string LeaseColumns = "partition, owner, epoch, expires_at";

    // A silo declared dead must not keep or take leases, whatever its own view.
    private const string OwnerNotDead = """
        NOT EXISTS (SELECT 1 FROM aios_silos s WHERE s.status = 'dead' AND s.name || '@' || s.generation::text = $1)
        """;

    /// <summary>The fence, as a CTE named <c>fence</c> with one row when the lease (partition, owner, epoch at
    /// parameters <c>$p</c>, <c>$p+1</c>, <c>$p+2</c>) is current and unexpired. FOR SHARE makes a concurrent change of
    /// owner wait for the fenced write to finish, or the fenced write see the new owner: either way, no write of an old
    /// owner lands after a new owner has taken the partition.</summary>
    private static string FenceCte(int p) => $"""
        fence AS (
            SELECT 1 FROM aios_partition_leases
            WHERE partition = ${p} AND owner = ${p + 1} AND epoch = ${p + 2} AND expires_at > now()
            FOR SHARE
        )
        """;

    /// <inheritdoc />
    public Task<LeaseSnapshot> ReadLeasesAsync(CancellationToken cancellationToken = default) =>
        RunClusterAsync(async (connection, ct) =>
        {
            var command = Command(connection, $"SELECT {LeaseColumns}, now() FROM aios_partition_leases ORDER BY partition");
            await using (command.ConfigureAwait(false))
            {
                var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
                await using (reader.ConfigureAwait(false))
                {
                    var leases = new List<PartitionLease>();
                    var readAt = DateTimeOffset.MinValue;
                    while (await reader.ReadAsync(ct).ConfigureAwait(false))
                    {
                        leases.Add(ReadLease(reader));
                        readAt = reader.GetFieldValue<DateTimeOffset>(4);
                    }

                    if (leases.Count == 0)
                    {
                        readAt = await NowAsync(connection, ct).ConfigureAwait(false);
                    }

                    return new LeaseSnapshot(leases, readAt);
                }
            }
        }, cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<PartitionLease>> RenewAsync(string owner, IReadOnlyCollection<LeaseFence> held, TimeSpan duration, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(owner);
        if (held.Count == 0)
        {
            return Task.FromResult<IReadOnlyList<PartitionLease>>([]);
        }

        return LeaseCommandAsync($"""
            UPDATE aios_partition_leases l SET expires_at = now() + $2
            FROM unnest($3::integer[], $4::bigint[]) AS h(partition, epoch)
            WHERE l.partition = h.partition AND l.epoch = h.epoch AND l.owner = $1 AND l.expires_at > now() AND {OwnerNotDead}
            RETURNING l.partition, l.owner, l.epoch, l.expires_at
            """,
            command =>
            {
                Add(command, owner);
                Add(command, duration);
                Add(command, held.Select(f => f.Partition).ToArray());
                Add(command, held.Select(f => f.Epoch).ToArray());
            },
            cancellationToken);
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<PartitionLease>> AcquireAsync(string owner, int count, TimeSpan duration, IReadOnlyCollection<int> preferred, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(owner);
        if (count <= 0)
        {
            return Task.FromResult<IReadOnlyList<PartitionLease>>([]);
        }

        // SKIP LOCKED: silos acquiring at the same time each get different leases instead of waiting on each other.
        return LeaseCommandAsync($"""
            WITH candidates AS (
                SELECT partition FROM aios_partition_leases
                WHERE owner IS NULL OR expires_at IS NULL OR expires_at <= now()
                ORDER BY (partition = ANY($4::integer[])) DESC, random()
                LIMIT $3
                FOR UPDATE SKIP LOCKED
            )
            UPDATE aios_partition_leases l SET owner = $1, epoch = l.epoch + 1, expires_at = now() + $2
            FROM candidates c
            WHERE l.partition = c.partition AND {OwnerNotDead}
            RETURNING l.partition, l.owner, l.epoch, l.expires_at
            """,
            command =>
            {
                Add(command, owner);
                Add(command, duration);
                Add(command, count);
                Add(command, preferred.ToArray());
            },
            cancellationToken);
    }

    /// <inheritdoc />
    public Task ReleaseAsync(string owner, IReadOnlyCollection<LeaseFence> held, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(owner);
        if (held.Count == 0)
        {
            return Task.CompletedTask;
        }

        return LeaseCommandAsync("""
            UPDATE aios_partition_leases l SET owner = NULL, expires_at = now()
            FROM unnest($2::integer[], $3::bigint[]) AS h(partition, epoch)
            WHERE l.partition = h.partition AND l.epoch = h.epoch AND l.owner = $1
            RETURNING l.partition, l.owner, l.epoch, l.expires_at
            """,
            command =>
            {
                Add(command, owner);
                Add(command, held.Select(f => f.Partition).ToArray());
                Add(command, held.Select(f => f.Epoch).ToArray());
            },
            cancellationToken);
    }

    private Task<IReadOnlyList<PartitionLease>> LeaseCommandAsync(string sql, Action<NpgsqlCommand> parameters, CancellationToken cancellationToken) =>
        RunClusterAsync<IReadOnlyList<PartitionLease>>(async (connection, ct) =>
        {
            var command = Command(connection, sql);
            await using (command.ConfigureAwait(false))
            {
                parameters(command);
                var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
                await using (reader.ConfigureAwait(false))
                {
                    var leases = new List<PartitionLease>();
                    while (await reader.ReadAsync(ct).ConfigureAwait(false))
                    {
                        leases.Add(ReadLease(reader));
                    }

                    return leases;
                }
            }
        }, cancellationToken);

    private static PartitionLease ReadLease(NpgsqlDataReader reader) => new(
        reader.GetInt32(0),
        reader.IsDBNull(1) ? null : reader.GetString(1),
        reader.GetInt64(2),
        reader.IsDBNull(3) ? null : reader.GetFieldValue<DateTimeOffset>(3));

    private static async Task<DateTimeOffset> NowAsync(NpgsqlConnection connection, CancellationToken ct)
    {
        var command = Command(connection, "SELECT now()");
        await using (command.ConfigureAwait(false))
        {
            return (DateTimeOffset)(await command.ExecuteScalarAsync(ct).ConfigureAwait(false))!;
        }
    }

    /// <summary>Appends a fence's values as the next three parameters.</summary>
    private static void AddFence(NpgsqlCommand command, LeaseFence fence)
    {
        Add(command, fence.Partition);
        Add(command, fence.OwnerSiloId);
        command.Parameters.Add(new NpgsqlParameter { Value = fence.Epoch, NpgsqlDbType = NpgsqlDbType.Bigint });
    }

    private LeaseLostException LeaseLost(LeaseFence fence, string what) =>
        new($"{Location}: {what} refused: the writer's lease on partition {fence.Partition} (epoch {fence.Epoch}, owner " +
            $"{fence.OwnerSiloId}) is no longer current; another silo owns the partition now, or the lease expired.")
        {
            Fence = fence,
        };
}
