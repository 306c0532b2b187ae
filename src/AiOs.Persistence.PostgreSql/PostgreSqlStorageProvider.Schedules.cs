using AiOs.Persistence.Schedules;
using AiOs.Persistence.Shared;
using Npgsql;
using NpgsqlTypes;

namespace AiOs.Persistence.PostgreSql;

// IScheduleStore: an insert that does nothing when the id is taken, and updates and deletes whose WHERE clause carries the
// expected version, so that of two writers with the same version the database lets exactly one through.
public sealed partial class PostgreSqlStorageProvider : IScheduleStore
{
    private const string ScheduleColumns = "schedule_id, name, status, spec::text, progress::text, next_run_at, version, created_at, updated_at, updated_by";

    private const string InsertSchedule = $"""
        INSERT INTO aios_schedules (schedule_id, name, status, spec, progress, next_run_at, version, created_at, updated_at, updated_by)
        VALUES ($1, $2, $3, $4, $5, $6, 1, $7, $7, $8)
        ON CONFLICT (schedule_id) DO NOTHING
        RETURNING {ScheduleColumns}
        """;

    private const string UpdateSchedule = $"""
        UPDATE aios_schedules
        SET name = $2, status = $3, spec = $4, progress = $5, next_run_at = $6, version = version + 1, updated_at = $7, updated_by = $8
        WHERE schedule_id = $1 AND version = $9
        RETURNING {ScheduleColumns}
        """;

    private const string SelectSchedule = $"SELECT {ScheduleColumns} FROM aios_schedules WHERE schedule_id = $1";

    private const string SelectSchedules = $"""
        SELECT {ScheduleColumns} FROM aios_schedules
        WHERE cardinality($1::text[]) = 0 OR status = ANY($1)
        ORDER BY next_run_at NULLS LAST, schedule_id
        """;

    private const string DeleteSchedule = "DELETE FROM aios_schedules WHERE schedule_id = $1 AND version = $2";

    /// <inheritdoc />
    public Task<StoredSchedule?> FindScheduleAsync(string scheduleId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(scheduleId);
        return RunAsync(async (connection, ct) =>
            (await ReadSchedulesAsync(Command(connection, SelectSchedule, scheduleId), ct).ConfigureAwait(false)).SingleOrDefault(), cancellationToken);
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<StoredSchedule>> ListSchedulesAsync(IReadOnlyCollection<string> statuses, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(statuses);
        return RunAsync<IReadOnlyList<StoredSchedule>>(async (connection, ct) =>
            await ReadSchedulesAsync(Command(connection, SelectSchedules, (object)statuses.ToArray()), ct).ConfigureAwait(false), cancellationToken);
    }

    /// <inheritdoc />
    public Task<StoredSchedule?> SaveScheduleAsync(StoredSchedule schedule, long? expectedVersion, StorageWriter writer, CancellationToken cancellationToken = default)
    {
        ScheduleRules.Validate(schedule, writer);
        StorageErrors.ThrowIfFenced(writer);
        return RunAsync(async (connection, ct) =>
        {
            var command = Command(connection, expectedVersion is null ? InsertSchedule : UpdateSchedule);
            command.Parameters.Add(new NpgsqlParameter { Value = schedule.ScheduleId });
            command.Parameters.Add(new NpgsqlParameter { Value = schedule.Name });
            command.Parameters.Add(new NpgsqlParameter { Value = schedule.Status });
            command.Parameters.Add(new NpgsqlParameter { Value = schedule.Spec, NpgsqlDbType = NpgsqlDbType.Jsonb });
            command.Parameters.Add(new NpgsqlParameter { Value = schedule.Progress, NpgsqlDbType = NpgsqlDbType.Jsonb });
            command.Parameters.Add(new NpgsqlParameter { Value = schedule.NextRunAt is { } next ? Utc(next) : DBNull.Value, NpgsqlDbType = NpgsqlDbType.TimestampTz });
            Add(command, _time.GetUtcNow());
            Add(command, writer.SiloId);
            if (expectedVersion is { } expected)
            {
                Add(command, expected);
            }

            return (await ReadSchedulesAsync(command, ct).ConfigureAwait(false)).SingleOrDefault();
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task<bool> DeleteScheduleAsync(string scheduleId, long expectedVersion, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(scheduleId);
        return RunAsync(async (connection, ct) =>
        {
            var command = Command(connection, DeleteSchedule, scheduleId, expectedVersion);
            await using (command.ConfigureAwait(false))
            {
                return await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false) == 1;
            }
        }, cancellationToken);
    }

    private static async Task<List<StoredSchedule>> ReadSchedulesAsync(NpgsqlCommand command, CancellationToken ct)
    {
        await using (command.ConfigureAwait(false))
        {
            var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
            await using (reader.ConfigureAwait(false))
            {
                var schedules = new List<StoredSchedule>();
                while (await reader.ReadAsync(ct).ConfigureAwait(false))
                {
                    schedules.Add(new StoredSchedule(
                        reader.GetString(0),
                        reader.GetString(1),
                        reader.GetString(2),
                        reader.GetString(3),
                        reader.GetString(4),
                        reader.IsDBNull(5) ? null : reader.GetFieldValue<DateTimeOffset>(5),
                        reader.GetInt64(6),
                        reader.GetFieldValue<DateTimeOffset>(7),
                        reader.GetFieldValue<DateTimeOffset>(8),
                        reader.GetString(9)));
                }

                return schedules;
            }
        }
    }
}
