using AiOs.Persistence.Ledger;
using AiOs.Persistence.Shared;
using Npgsql;

namespace AiOs.Persistence.PostgreSql;

// IActionLedger: the intent is an INSERT ... ON CONFLICT DO NOTHING (the first intent of a key wins), and every status
// change is one UPDATE whose WHERE clause carries the expected version, so of two racing transitions exactly one wins.
public sealed partial class PostgreSqlStorageProvider
{
    private const string LedgerColumns = """
        idempotency_key, goal_id, task_id, step, action, target, request, status, attempts, result, error, resolution,
        version, created_at, updated_at, updated_by
        """;

    private const string InsertIntent = $"""
        INSERT INTO aios_action_ledger ({LedgerColumns})
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 0, NULL, NULL, NULL, 1, $9, $9, $10)
        ON CONFLICT (idempotency_key) DO NOTHING
        """;

    private const string SelectAction = $"SELECT {LedgerColumns} FROM aios_action_ledger WHERE idempotency_key = $1";

    private const string SelectGoalActions = $"SELECT {LedgerColumns} FROM aios_action_ledger WHERE goal_id = $1 ORDER BY task_id, step";

    private const string SelectActionsByStatus = $"""
        SELECT {LedgerColumns} FROM aios_action_ledger WHERE status = $1 ORDER BY created_at, idempotency_key LIMIT $2
        """;

    private const string UpdateAction = $"""
        UPDATE aios_action_ledger
        SET status = $2, attempts = attempts + $3, result = coalesce($4, result), error = $5, resolution = coalesce($6, resolution),
            request = coalesce($10, request), version = version + 1, updated_at = $7, updated_by = $8
        WHERE idempotency_key = $1 AND version = $9
        RETURNING {LedgerColumns}
        """;

    /// <inheritdoc />
    public Task<ActionEntry> RecordIntentAsync(ActionIntent intent, ActionStatus initialStatus, StorageWriter writer, CancellationToken cancellationToken = default)
    {
        EventRules.Validate(intent, initialStatus);
        StorageErrors.ThrowIfFenced(writer);
        return RunAsync(async (connection, ct) =>
        {
            var insert = Command(connection, InsertIntent, intent.Key, intent.GoalId, intent.TaskId, intent.Step, intent.Action, intent.Target,
                intent.Request, initialStatus.ToString(), _time.GetUtcNow(), writer.SiloId);
            await using (insert.ConfigureAwait(false))
            {
                await insert.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
            }

            return (await ReadActionsAsync(Command(connection, SelectAction, intent.Key), ct).ConfigureAwait(false)).Single();
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task<ActionEntry?> ReadAsync(string key, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        return RunAsync(
            async (connection, ct) => (await ReadActionsAsync(Command(connection, SelectAction, key), ct).ConfigureAwait(false)).SingleOrDefault(),
            cancellationToken);
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<ActionEntry>> ReadGoalAsync(string goalId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(goalId);
        return RunAsync<IReadOnlyList<ActionEntry>>(
            async (connection, ct) => await ReadActionsAsync(Command(connection, SelectGoalActions, goalId), ct).ConfigureAwait(false),
            cancellationToken);
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<ActionEntry>> ReadByStatusAsync(ActionStatus status, int limit, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        return RunAsync<IReadOnlyList<ActionEntry>>(
            async (connection, ct) => await ReadActionsAsync(Command(connection, SelectActionsByStatus, status.ToString(), limit), ct).ConfigureAwait(false),
            cancellationToken);
    }

    /// <inheritdoc />
    public Task<ActionEntry?> TransitionAsync(ActionEntry current, ActionTransition transition, StorageWriter writer, CancellationToken cancellationToken = default)
    {
        EventRules.Validate(current, transition);
        StorageErrors.ThrowIfFenced(writer);
        return RunAsync(async (connection, ct) =>
        {
            var command = Command(connection, UpdateAction, current.Key, transition.Status.ToString(), transition.CountAttempt ? 1 : 0,
                transition.Result, transition.Error, transition.Resolution, _time.GetUtcNow(), writer.SiloId, current.Version, transition.Request);
            return (await ReadActionsAsync(command, ct).ConfigureAwait(false)).SingleOrDefault();
        }, cancellationToken);
    }

    private static async Task<List<ActionEntry>> ReadActionsAsync(NpgsqlCommand command, CancellationToken ct)
    {
        await using (command.ConfigureAwait(false))
        {
            var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
            await using (reader.ConfigureAwait(false))
            {
                var entries = new List<ActionEntry>();
                while (await reader.ReadAsync(ct).ConfigureAwait(false))
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
                        reader.GetFieldValue<DateTimeOffset>(13),
                        reader.GetFieldValue<DateTimeOffset>(14),
                        reader.GetString(15)));
                }

                return entries;
            }
        }
    }
}
