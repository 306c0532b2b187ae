using AiOs.Persistence.Shared;
using Npgsql;

namespace AiOs.Persistence.PostgreSql;

// IReminderTable. Versions come from the sequence aios_reminder_versions (see migration 1), so an ETag is never
// reused, even by a reminder that was removed and registered again.
public sealed partial class PostgreSqlStorageProvider
{
    private const string ReminderColumns = "grain_type, grain_key, name, partition, start_at, period, next_due, version";

    private const string SelectReminder =
        $"SELECT {ReminderColumns} FROM aios_reminders WHERE grain_type = $1 AND grain_key = $2 AND name = $3";

    private const string SelectGrainReminders =
        $"SELECT {ReminderColumns} FROM aios_reminders WHERE grain_type = $1 AND grain_key = $2 ORDER BY name";

    private const string SelectPartitionReminders =
        $"SELECT {ReminderColumns} FROM aios_reminders WHERE partition = ANY($1) ORDER BY partition, next_due";

    private const string UpsertReminder = $"""
        INSERT INTO aios_reminders (grain_type, grain_key, name, partition, start_at, period, next_due, version, written_by, written_at)
        VALUES ($1, $2, $3, $4, $5, $6, $7, nextval('aios_reminder_versions'), $8, $9)
        ON CONFLICT (grain_type, grain_key, name) DO UPDATE SET
            partition = EXCLUDED.partition, start_at = EXCLUDED.start_at, period = EXCLUDED.period,
            next_due = EXCLUDED.next_due, version = EXCLUDED.version,
            written_by = EXCLUDED.written_by, written_at = EXCLUDED.written_at
        RETURNING {ReminderColumns}
        """;

    private const string AdvanceReminder = $"""
        UPDATE aios_reminders
        SET next_due = $4, version = nextval('aios_reminder_versions'), written_by = $5, written_at = $6
        WHERE grain_type = $1 AND grain_key = $2 AND name = $3 AND version = $7
        RETURNING {ReminderColumns}
        """;

    private const string DeleteReminder = "DELETE FROM aios_reminders WHERE grain_type = $1 AND grain_key = $2 AND name = $3";

    // The writes behind the fence: one row comes back with whether the fence held, then the written row (if any).
    private static readonly string FencedUpsertReminder = $"""
        WITH {FenceCte(10)},
        op AS (
            INSERT INTO aios_reminders (grain_type, grain_key, name, partition, start_at, period, next_due, version, written_by, written_at)
            SELECT $1, $2, $3, $4, $5, $6, $7, nextval('aios_reminder_versions'), $8, $9 WHERE EXISTS (SELECT 1 FROM fence)
            ON CONFLICT (grain_type, grain_key, name) DO UPDATE SET
                partition = EXCLUDED.partition, start_at = EXCLUDED.start_at, period = EXCLUDED.period,
                next_due = EXCLUDED.next_due, version = EXCLUDED.version,
                written_by = EXCLUDED.written_by, written_at = EXCLUDED.written_at
            RETURNING {ReminderColumns}
        )
        SELECT (SELECT count(*) FROM fence), op.* FROM (SELECT 1) AS one LEFT JOIN op ON true
        """;

    private static readonly string FencedAdvanceReminder = $"""
        WITH {FenceCte(8)},
        op AS (
            UPDATE aios_reminders
            SET next_due = $4, version = nextval('aios_reminder_versions'), written_by = $5, written_at = $6
            WHERE grain_type = $1 AND grain_key = $2 AND name = $3 AND version = $7 AND EXISTS (SELECT 1 FROM fence)
            RETURNING {ReminderColumns}
        )
        SELECT (SELECT count(*) FROM fence), op.* FROM (SELECT 1) AS one LEFT JOIN op ON true
        """;

    private static readonly string FencedDeleteReminder = $"""
        WITH {FenceCte(4)},
        op AS (
            DELETE FROM aios_reminders WHERE grain_type = $1 AND grain_key = $2 AND name = $3 AND EXISTS (SELECT 1 FROM fence)
            RETURNING 1
        )
        SELECT (SELECT count(*) FROM fence), (SELECT count(*) FROM op)
        """;

    /// <inheritdoc />
    public Task<ReminderEntry?> ReadAsync(GrainId grainId, string name, CancellationToken cancellationToken = default)
    {
        ValidateGrain(grainId);
        ArgumentException.ThrowIfNullOrEmpty(name);
        return RunAsync(async (connection, ct) =>
        {
            var command = ReminderCommand(connection, SelectReminder, grainId, name);
            await using (command.ConfigureAwait(false))
            {
                return (await ReadRemindersAsync(command, ct).ConfigureAwait(false)).SingleOrDefault();
            }
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<ReminderEntry>> ReadGrainAsync(GrainId grainId, CancellationToken cancellationToken = default)
    {
        ValidateGrain(grainId);
        return RunAsync<IReadOnlyList<ReminderEntry>>(async (connection, ct) =>
        {
            var command = ReminderCommand(connection, SelectGrainReminders, grainId, name: null);
            await using (command.ConfigureAwait(false))
            {
                return await ReadRemindersAsync(command, ct).ConfigureAwait(false);
            }
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<ReminderEntry>> ReadPartitionsAsync(IReadOnlyCollection<int> partitions, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(partitions);
        if (partitions.Count == 0)
        {
            return Task.FromResult<IReadOnlyList<ReminderEntry>>([]);
        }

        var array = partitions.Distinct().ToArray();
        return RunAsync<IReadOnlyList<ReminderEntry>>(async (connection, ct) =>
        {
            var command = Command(connection, SelectPartitionReminders);
            await using (command.ConfigureAwait(false))
            {
                Add(command, array);
                return await ReadRemindersAsync(command, ct).ConfigureAwait(false);
            }
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task<ReminderEntry> UpsertAsync(
        GrainId grainId, string name, int partition, DateTimeOffset startAt, TimeSpan period, DateTimeOffset nextDue,
        StorageWriter writer, CancellationToken cancellationToken = default)
    {
        ValidateGrain(grainId);
        StorageErrors.ValidateReminder(name, period);
        ArgumentNullException.ThrowIfNull(writer);
        return RunAsync(async (connection, ct) =>
        {
            var command = ReminderCommand(connection, writer.Fence is null ? UpsertReminder : FencedUpsertReminder, grainId, name);
            await using (command.ConfigureAwait(false))
            {
                Add(command, partition);
                Add(command, Utc(startAt));
                Add(command, period.Ticks / TimeSpan.TicksPerMillisecond);
                Add(command, Utc(nextDue));
                Add(command, writer.SiloId);
                Add(command, _time.GetUtcNow());
                if (writer.Fence is { } fence)
                {
                    AddFence(command, fence);
                    return (await ReadFencedRemindersAsync(command, fence, $"reminder '{name}' of {grainId}", ct).ConfigureAwait(false)).Single();
                }

                return (await ReadRemindersAsync(command, ct).ConfigureAwait(false)).Single();
            }
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task<bool> RemoveAsync(GrainId grainId, string name, StorageWriter writer, CancellationToken cancellationToken = default)
    {
        ValidateGrain(grainId);
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(writer);
        return RunAsync(async (connection, ct) =>
        {
            var command = ReminderCommand(connection, writer.Fence is null ? DeleteReminder : FencedDeleteReminder, grainId, name);
            await using (command.ConfigureAwait(false))
            {
                if (writer.Fence is not { } fence)
                {
                    return await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false) > 0;
                }

                AddFence(command, fence);
                var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
                await using (reader.ConfigureAwait(false))
                {
                    await reader.ReadAsync(ct).ConfigureAwait(false);
                    return reader.GetInt64(0) == 0
                        ? throw LeaseLost(fence, $"removal of reminder '{name}' of {grainId}")
                        : reader.GetInt64(1) > 0;
                }
            }
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task<ReminderEntry?> AdvanceAsync(ReminderEntry entry, DateTimeOffset nextDue, StorageWriter writer, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(entry);
        ValidateGrain(entry.GrainId);
        ArgumentNullException.ThrowIfNull(writer);
        if (!ETag.TryParse(entry.ETag, out var expected))
        {
            // Not an ETag this provider issued, so it cannot be the current one.
            return Task.FromResult<ReminderEntry?>(null);
        }

        return RunAsync(async (connection, ct) =>
        {
            var command = ReminderCommand(connection, writer.Fence is null ? AdvanceReminder : FencedAdvanceReminder, entry.GrainId, entry.Name);
            await using (command.ConfigureAwait(false))
            {
                Add(command, Utc(nextDue));
                Add(command, writer.SiloId);
                Add(command, _time.GetUtcNow());
                Add(command, expected);
                if (writer.Fence is { } fence)
                {
                    AddFence(command, fence);
                    return (await ReadFencedRemindersAsync(command, fence, $"reminder '{entry.Name}' of {entry.GrainId}", ct).ConfigureAwait(false)).SingleOrDefault();
                }

                return (await ReadRemindersAsync(command, ct).ConfigureAwait(false)).SingleOrDefault();
            }
        }, cancellationToken);
    }

    private static NpgsqlCommand ReminderCommand(NpgsqlConnection connection, string sql, GrainId grainId, string? name)
    {
        var command = Command(connection, sql);
        Add(command, grainId.Type);
        Add(command, grainId.Key);
        if (name is not null)
        {
            Add(command, name);
        }

        return command;
    }

    private static async Task<List<ReminderEntry>> ReadRemindersAsync(NpgsqlCommand command, CancellationToken ct)
    {
        var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
        await using (reader.ConfigureAwait(false))
        {
            var entries = new List<ReminderEntry>();
            while (await reader.ReadAsync(ct).ConfigureAwait(false))
            {
                entries.Add(new ReminderEntry(
                    new GrainId(reader.GetString(0), reader.GetString(1)),
                    reader.GetString(2),
                    reader.GetInt32(3),
                    reader.GetFieldValue<DateTimeOffset>(4),
                    TimeSpan.FromMilliseconds(reader.GetInt64(5)),
                    reader.GetFieldValue<DateTimeOffset>(6),
                    ETag.Format(reader.GetInt64(7))));
            }

            return entries;
        }
    }

    // Reads the one row of a fenced reminder write: the fence's verdict in column 0, then the row's columns (null when
    // nothing was written).
    private async Task<List<ReminderEntry>> ReadFencedRemindersAsync(NpgsqlCommand command, LeaseFence fence, string what, CancellationToken ct)
    {
        var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
        await using (reader.ConfigureAwait(false))
        {
            await reader.ReadAsync(ct).ConfigureAwait(false);
            if (reader.GetInt64(0) == 0)
            {
                throw LeaseLost(fence, what);
            }

            if (reader.IsDBNull(1))
            {
                return [];
            }

            return
            [
                new ReminderEntry(
                    new GrainId(reader.GetString(1), reader.GetString(2)),
                    reader.GetString(3),
                    reader.GetInt32(4),
                    reader.GetFieldValue<DateTimeOffset>(5),
                    TimeSpan.FromMilliseconds(reader.GetInt64(6)),
                    reader.GetFieldValue<DateTimeOffset>(7),
                    ETag.Format(reader.GetInt64(8))),
            ];
        }
    }

    private static void ValidateGrain(GrainId grainId)
    {
        if (grainId.IsDefault)
        {
            throw new ArgumentException("The reminder has no grain id.", nameof(grainId));
        }
    }
}
