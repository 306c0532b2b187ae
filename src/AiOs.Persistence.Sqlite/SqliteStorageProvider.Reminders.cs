using System.Globalization;
using AiOs.Persistence.Shared;
using Microsoft.Data.Sqlite;

namespace AiOs.Persistence.Sqlite;

// IReminderTable. Versions come from the table-wide counter aios_reminder_versions (see migration 1), so an ETag is
// never reused, even by a reminder that was removed and registered again.
public sealed partial class SqliteStorageProvider
{
    private const string ReminderColumns = """grain_type, grain_key, name, "partition", start_at, period, next_due, version""";

    private const string NextReminderVersion = "(SELECT last + 1 FROM aios_reminder_versions)";

    private const string SelectReminder =
        $"SELECT {ReminderColumns} FROM aios_reminders WHERE grain_type = $type AND grain_key = $key AND name = $name";

    private const string SelectGrainReminders =
        $"SELECT {ReminderColumns} FROM aios_reminders WHERE grain_type = $type AND grain_key = $key ORDER BY name";

    private const string SelectPartitionReminders = $"""
        SELECT {ReminderColumns} FROM aios_reminders
        WHERE "partition" IN (SELECT value FROM json_each($partitions))
        ORDER BY "partition", next_due
        """;

    private const string UpsertReminder = $"""
        INSERT INTO aios_reminders (grain_type, grain_key, name, "partition", start_at, period, next_due, version, written_by, written_at)
        VALUES ($type, $key, $name, $partition, $startAt, $period, $nextDue, {NextReminderVersion}, $writtenBy, $writtenAt)
        ON CONFLICT (grain_type, grain_key, name) DO UPDATE SET
            "partition" = excluded."partition", start_at = excluded.start_at, period = excluded.period,
            next_due = excluded.next_due, version = excluded.version,
            written_by = excluded.written_by, written_at = excluded.written_at
        RETURNING {ReminderColumns}
        """;

    private const string AdvanceReminder = $"""
        UPDATE aios_reminders
        SET next_due = $nextDue, version = {NextReminderVersion}, written_by = $writtenBy, written_at = $writtenAt
        WHERE grain_type = $type AND grain_key = $key AND name = $name AND version = $expected
        RETURNING {ReminderColumns}
        """;

    private const string DeleteReminder =
        "DELETE FROM aios_reminders WHERE grain_type = $type AND grain_key = $key AND name = $name";

    /// <inheritdoc />
    public Task<ReminderEntry?> ReadAsync(GrainId grainId, string name, CancellationToken cancellationToken = default)
    {
        ValidateGrain(grainId);
        ArgumentException.ThrowIfNullOrEmpty(name);
        return ReadAsync(connection =>
        {
            using var command = ReminderCommand(connection, SelectReminder, grainId, name);
            return ReadReminders(command).SingleOrDefault();
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<ReminderEntry>> ReadGrainAsync(GrainId grainId, CancellationToken cancellationToken = default)
    {
        ValidateGrain(grainId);
        return ReadAsync<IReadOnlyList<ReminderEntry>>(connection =>
        {
            using var command = ReminderCommand(connection, SelectGrainReminders, grainId, name: null);
            return ReadReminders(command);
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

        // One JSON array parameter instead of an IN list with a parameter per partition: one statement text however
        // many partitions a silo owns.
        var list = "[" + string.Join(",", partitions.Distinct().Select(p => p.ToString(CultureInfo.InvariantCulture))) + "]";
        return ReadAsync<IReadOnlyList<ReminderEntry>>(connection =>
        {
            using var command = connection.CreateCommand();
            command.CommandText = SelectPartitionReminders;
            AddParameter(command, "$partitions", list);
            return ReadReminders(command);
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task<ReminderEntry> UpsertAsync(
        GrainId grainId, string name, int partition, DateTimeOffset startAt, TimeSpan period, DateTimeOffset nextDue,
        StorageWriter writer, CancellationToken cancellationToken = default)
    {
        ValidateGrain(grainId);
        StorageErrors.ValidateReminder(name, period);
        StorageErrors.ThrowIfFenced(writer);
        return WriteAsync(connection =>
        {
            using var command = ReminderCommand(connection, UpsertReminder, grainId, name);
            AddParameter(command, "$partition", partition);
            AddParameter(command, "$startAt", SqliteTime.ToMicroseconds(startAt));
            AddParameter(command, "$period", SqliteTime.ToMilliseconds(period));
            AddParameter(command, "$nextDue", SqliteTime.ToMicroseconds(nextDue));
            AddProvenance(command, writer);
            return ReadReminders(command).Single();
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task<bool> RemoveAsync(GrainId grainId, string name, StorageWriter writer, CancellationToken cancellationToken = default)
    {
        ValidateGrain(grainId);
        ArgumentException.ThrowIfNullOrEmpty(name);
        StorageErrors.ThrowIfFenced(writer);
        return WriteAsync(connection =>
        {
            using var command = ReminderCommand(connection, DeleteReminder, grainId, name);
            return command.ExecuteNonQuery() > 0;
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task<ReminderEntry?> AdvanceAsync(ReminderEntry entry, DateTimeOffset nextDue, StorageWriter writer, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(entry);
        ValidateGrain(entry.GrainId);
        StorageErrors.ThrowIfFenced(writer);
        if (!ETag.TryParse(entry.ETag, out var expected))
        {
            // Not an ETag this provider issued, so it cannot be the current one.
            return Task.FromResult<ReminderEntry?>(null);
        }

        return WriteAsync(connection =>
        {
            using var command = ReminderCommand(connection, AdvanceReminder, entry.GrainId, entry.Name);
            AddParameter(command, "$nextDue", SqliteTime.ToMicroseconds(nextDue));
            AddParameter(command, "$expected", expected);
            AddProvenance(command, writer);
            return ReadReminders(command).SingleOrDefault();
        }, cancellationToken);
    }

    private void AddProvenance(SqliteCommand command, StorageWriter writer)
    {
        AddParameter(command, "$writtenBy", writer.SiloId);
        AddParameter(command, "$writtenAt", SqliteTime.ToMicroseconds(_time.GetUtcNow()));
    }

    private static SqliteCommand ReminderCommand(SqliteConnection connection, string sql, GrainId grainId, string? name)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        AddParameter(command, "$type", grainId.Type);
        AddParameter(command, "$key", grainId.Key);
        if (name is not null)
        {
            AddParameter(command, "$name", name);
        }

        return command;
    }

    private static List<ReminderEntry> ReadReminders(SqliteCommand command)
    {
        using var reader = command.ExecuteReader();
        var entries = new List<ReminderEntry>();
        while (reader.Read())
        {
            entries.Add(new ReminderEntry(
                new GrainId(reader.GetString(0), reader.GetString(1)),
                reader.GetString(2),
                reader.GetInt32(3),
                SqliteTime.FromMicroseconds(reader.GetInt64(4)),
                SqliteTime.FromMilliseconds(reader.GetInt64(5)),
                SqliteTime.FromMicroseconds(reader.GetInt64(6)),
                ETag.Format(reader.GetInt64(7))));
        }

        return entries;
    }

    private static void ValidateGrain(GrainId grainId)
    {
        if (grainId.IsDefault)
        {
            throw new ArgumentException("The reminder has no grain id.", nameof(grainId));
        }
    }
}
