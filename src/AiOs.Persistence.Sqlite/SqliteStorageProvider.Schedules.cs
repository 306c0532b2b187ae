using AiOs.Persistence.Schedules;
using AiOs.Persistence.Shared;
using Microsoft.Data.Sqlite;

namespace AiOs.Persistence.Sqlite;

// IScheduleStore: an insert that does nothing when the id is taken, and updates and deletes whose WHERE clause carries the
// expected version.
public sealed partial class SqliteStorageProvider : IScheduleStore
{
    private const string ScheduleColumns = "schedule_id, name, status, spec, progress, next_run_at, version, created_at, updated_at, updated_by";

    private const string InsertSchedule = $"""
        INSERT INTO aios_schedules ({ScheduleColumns})
        VALUES ($id, $name, $status, $spec, $progress, $next, 1, $now, $now, $by)
        ON CONFLICT (schedule_id) DO NOTHING
        RETURNING {ScheduleColumns}
        """;

    private const string UpdateSchedule = $"""
        UPDATE aios_schedules
        SET name = $name, status = $status, spec = $spec, progress = $progress, next_run_at = $next, version = version + 1,
            updated_at = $now, updated_by = $by
        WHERE schedule_id = $id AND version = $expected
        RETURNING {ScheduleColumns}
        """;

    private const string SelectSchedule = $"SELECT {ScheduleColumns} FROM aios_schedules WHERE schedule_id = $id";

    // SQLite sorts NULL first; schedules that will not run go last.
    private const string SelectSchedules = $"SELECT {ScheduleColumns} FROM aios_schedules ORDER BY next_run_at IS NULL, next_run_at, schedule_id";

    private const string DeleteSchedule = "DELETE FROM aios_schedules WHERE schedule_id = $id AND version = $expected";

    /// <inheritdoc />
    public Task<StoredSchedule?> FindScheduleAsync(string scheduleId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(scheduleId);
        return ReadAsync(connection =>
        {
            using var command = connection.CreateCommand();
            command.CommandText = SelectSchedule;
            AddParameter(command, "$id", scheduleId);
            return ReadSchedules(command).SingleOrDefault();
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<StoredSchedule>> ListSchedulesAsync(IReadOnlyCollection<string> statuses, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(statuses);
        return ReadAsync<IReadOnlyList<StoredSchedule>>(connection =>
        {
            using var command = connection.CreateCommand();
            command.CommandText = SelectSchedules;
            var all = ReadSchedules(command);
            return statuses.Count == 0 ? all : [.. all.Where(s => statuses.Contains(s.Status))];
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task<StoredSchedule?> SaveScheduleAsync(StoredSchedule schedule, long? expectedVersion, StorageWriter writer, CancellationToken cancellationToken = default)
    {
        ScheduleRules.Validate(schedule, writer);
        StorageErrors.ThrowIfFenced(writer);
        return WriteAsync(connection =>
        {
            using var command = connection.CreateCommand();
            command.CommandText = expectedVersion is null ? InsertSchedule : UpdateSchedule;
            AddParameter(command, "$id", schedule.ScheduleId);
            AddParameter(command, "$name", schedule.Name);
            AddParameter(command, "$status", schedule.Status);
            AddParameter(command, "$spec", schedule.Spec);
            AddParameter(command, "$progress", schedule.Progress);
            AddParameter(command, "$next", schedule.NextRunAt is { } next ? SqliteTime.ToMicroseconds(next) : null);
            AddParameter(command, "$now", SqliteTime.ToMicroseconds(_time.GetUtcNow()));
            AddParameter(command, "$by", writer.SiloId);
            if (expectedVersion is { } expected)
            {
                AddParameter(command, "$expected", expected);
            }

            return ReadSchedules(command).SingleOrDefault();
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task<bool> DeleteScheduleAsync(string scheduleId, long expectedVersion, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(scheduleId);
        return WriteAsync(connection =>
        {
            using var command = connection.CreateCommand();
            command.CommandText = DeleteSchedule;
            AddParameter(command, "$id", scheduleId);
            AddParameter(command, "$expected", expectedVersion);
            return command.ExecuteNonQuery() == 1;
        }, cancellationToken);
    }

    private static List<StoredSchedule> ReadSchedules(SqliteCommand command)
    {
        using var reader = command.ExecuteReader();
        var schedules = new List<StoredSchedule>();
        while (reader.Read())
        {
            schedules.Add(new StoredSchedule(
                reader.GetString(0),
                reader.GetString(1),
                reader.GetString(2),
                reader.GetString(3),
                reader.GetString(4),
                reader.IsDBNull(5) ? null : SqliteTime.FromMicroseconds(reader.GetInt64(5)),
                reader.GetInt64(6),
                SqliteTime.FromMicroseconds(reader.GetInt64(7)),
                SqliteTime.FromMicroseconds(reader.GetInt64(8)),
                reader.GetString(9)));
        }

        return schedules;
    }
}
