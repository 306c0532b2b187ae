using AiOs.Persistence.Ledger;
using AiOs.Persistence.Shared;
using Microsoft.Data.Sqlite;

namespace AiOs.Persistence.Sqlite;

// IActionLedger: the intent is an INSERT ... ON CONFLICT DO NOTHING (the first intent of a key wins), and every status
// change is one UPDATE whose WHERE clause carries the expected version.
public sealed partial class SqliteStorageProvider
{
    private const string LedgerColumns = """
        idempotency_key, goal_id, task_id, step, action, target, request, status, attempts, result, error, resolution,
        version, created_at, updated_at, updated_by
        """;

    private const string InsertIntent = $"""
        INSERT INTO aios_action_ledger ({LedgerColumns})
        VALUES ($key, $goal, $task, $step, $action, $target, $request, $status, 0, NULL, NULL, NULL, 1, $now, $now, $writtenBy)
        ON CONFLICT (idempotency_key) DO NOTHING
        """;

    private const string SelectAction = $"SELECT {LedgerColumns} FROM aios_action_ledger WHERE idempotency_key = $key";

    private const string SelectGoalActions = $"SELECT {LedgerColumns} FROM aios_action_ledger WHERE goal_id = $goal ORDER BY task_id, step";

    private const string SelectActionsByStatus = $"""
        SELECT {LedgerColumns} FROM aios_action_ledger WHERE status = $status ORDER BY created_at, idempotency_key LIMIT $limit
        """;

    private const string UpdateAction = $"""
        UPDATE aios_action_ledger
        SET status = $status, attempts = attempts + $attempt, result = coalesce($result, result), error = $error,
            resolution = coalesce($resolution, resolution), request = coalesce($request, request), version = version + 1, updated_at = $now, updated_by = $writtenBy
        WHERE idempotency_key = $key AND version = $expected
        RETURNING {LedgerColumns}
        """;

    /// <inheritdoc />
    public Task<ActionEntry> RecordIntentAsync(ActionIntent intent, ActionStatus initialStatus, StorageWriter writer, CancellationToken cancellationToken = default)
    {
        EventRules.Validate(intent, initialStatus);
        StorageErrors.ThrowIfFenced(writer);
        return WriteAsync(connection =>
        {
            using (var insert = connection.CreateCommand())
            {
                insert.CommandText = InsertIntent;
                AddParameter(insert, "$key", intent.Key);
                AddParameter(insert, "$goal", intent.GoalId);
                AddParameter(insert, "$task", intent.TaskId);
                AddParameter(insert, "$step", intent.Step);
                AddParameter(insert, "$action", intent.Action);
                AddParameter(insert, "$target", intent.Target);
                AddParameter(insert, "$request", intent.Request);
                AddParameter(insert, "$status", initialStatus.ToString());
                AddParameter(insert, "$now", SqliteTime.ToMicroseconds(_time.GetUtcNow()));
                AddParameter(insert, "$writtenBy", writer.SiloId);
                insert.ExecuteNonQuery();
            }

            using var select = connection.CreateCommand();
            select.CommandText = SelectAction;
            AddParameter(select, "$key", intent.Key);
            return ReadActions(select).Single();
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task<ActionEntry?> ReadAsync(string key, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        return ReadAsync(connection =>
        {
            using var command = connection.CreateCommand();
            command.CommandText = SelectAction;
            AddParameter(command, "$key", key);
            return ReadActions(command).SingleOrDefault();
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<ActionEntry>> ReadGoalAsync(string goalId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(goalId);
        return ReadAsync<IReadOnlyList<ActionEntry>>(connection =>
        {
            using var command = connection.CreateCommand();
            command.CommandText = SelectGoalActions;
            AddParameter(command, "$goal", goalId);
            return ReadActions(command);
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<ActionEntry>> ReadByStatusAsync(ActionStatus status, int limit, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        return ReadAsync<IReadOnlyList<ActionEntry>>(connection =>
        {
            using var command = connection.CreateCommand();
            command.CommandText = SelectActionsByStatus;
            AddParameter(command, "$status", status.ToString());
            AddParameter(command, "$limit", limit);
            return ReadActions(command);
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task<ActionEntry?> TransitionAsync(ActionEntry current, ActionTransition transition, StorageWriter writer, CancellationToken cancellationToken = default)
    {
        EventRules.Validate(current, transition);
        StorageErrors.ThrowIfFenced(writer);
        return WriteAsync(connection =>
        {
            using var command = connection.CreateCommand();
            command.CommandText = UpdateAction;
            AddParameter(command, "$key", current.Key);
            AddParameter(command, "$status", transition.Status.ToString());
            AddParameter(command, "$attempt", transition.CountAttempt ? 1 : 0);
            AddParameter(command, "$result", transition.Result);
            AddParameter(command, "$error", transition.Error);
            AddParameter(command, "$resolution", transition.Resolution);
            AddParameter(command, "$request", transition.Request);
            AddParameter(command, "$now", SqliteTime.ToMicroseconds(_time.GetUtcNow()));
            AddParameter(command, "$writtenBy", writer.SiloId);
            AddParameter(command, "$expected", current.Version);
            return ReadActions(command).SingleOrDefault();
        }, cancellationToken);
    }

    private static List<ActionEntry> ReadActions(SqliteCommand command)
    {
        using var reader = command.ExecuteReader();
        var entries = new List<ActionEntry>();
        while (reader.Read())
        {
            entries.Add(new ActionEntry(
                reader.GetString(0),
                reader.GetString(1),
                reader.GetString(2),
                reader.GetInt32(3),
                reader.GetString(4),
                reader.GetString(5),
                reader.GetString(6),
                LedgerStatus.Parse(reader.GetString(7)),
                reader.GetInt32(8),
                reader.IsDBNull(9) ? null : reader.GetString(9),
                reader.IsDBNull(10) ? null : reader.GetString(10),
                reader.IsDBNull(11) ? null : reader.GetString(11),
                reader.GetInt64(12),
                SqliteTime.FromMicroseconds(reader.GetInt64(13)),
                SqliteTime.FromMicroseconds(reader.GetInt64(14)),
                reader.GetString(15)));
        }

        return entries;
    }
}
