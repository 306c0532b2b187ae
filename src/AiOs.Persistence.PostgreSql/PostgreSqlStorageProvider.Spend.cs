using AiOs.Persistence.Shared;
using AiOs.Persistence.Spend;
using Npgsql;

namespace AiOs.Persistence.PostgreSql;

// ISpendStore. A reservation is one transaction that locks the counter rows of its budget keys (SELECT ... FOR UPDATE, in
// one order for every writer, so no deadlock), checks each against its limit and holds the amount: of concurrent
// reservations from any silos, each sees what the ones before it held.
public sealed partial class PostgreSqlStorageProvider : ISpendStore
{
    private const string EnsureTotal = """
        INSERT INTO aios_spend_totals (scope, subject, period, spent_micros, reserved_micros)
        VALUES ($1, $2, $3, 0, 0) ON CONFLICT DO NOTHING
        """;

    private const string LockTotalWithLimit = """
        SELECT t.spent_micros, t.reserved_micros, b.limit_micros
        FROM aios_spend_totals t LEFT JOIN aios_budgets b ON b.scope = t.scope AND b.subject = t.subject
        WHERE t.scope = $1 AND t.subject = $2 AND t.period = $3
        FOR UPDATE OF t
        """;

    private const string AddToTotal = """
        UPDATE aios_spend_totals SET spent_micros = spent_micros + $4, reserved_micros = greatest(0, reserved_micros + $5)
        WHERE scope = $1 AND subject = $2 AND period = $3
        """;

    private const string InsertReservation = """
        INSERT INTO aios_spend_reservations (reservation_id, created_at, goal_id, role, customer_id, amount_micros)
        VALUES ($1, $2, $3, $4, $5, $6)
        """;

    private const string DeleteReservation = """
        DELETE FROM aios_spend_reservations WHERE reservation_id = $1
        RETURNING created_at, goal_id, role, customer_id, amount_micros
        """;

    private const string DeleteStaleReservations = """
        DELETE FROM aios_spend_reservations WHERE created_at < $1
        RETURNING created_at, goal_id, role, customer_id, amount_micros
        """;

    private const string InsertSpend = """
        INSERT INTO aios_spend (call_id, occurred_at, day, goal_id, task_id, role, customer_id, model, input_tokens, output_tokens, cost_micros)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) ON CONFLICT DO NOTHING
        """;

    private const string SelectGoalCalls = """
        SELECT call_id, occurred_at, task_id, role, customer_id, model, input_tokens, output_tokens, cost_micros
        FROM aios_spend WHERE goal_id = $1 ORDER BY occurred_at, call_id COLLATE "C" LIMIT $2
        """;

    private const string UpsertBudget = """
        INSERT INTO aios_budgets (scope, subject, limit_micros, updated_at, updated_by) VALUES ($1, $2, $3, $4, $5)
        ON CONFLICT (scope, subject) DO UPDATE SET limit_micros = excluded.limit_micros, updated_at = excluded.updated_at, updated_by = excluded.updated_by
        """;

    private const string SelectBudgets = """
        SELECT b.scope, b.subject, b.limit_micros, coalesce(t.spent_micros, 0), coalesce(t.reserved_micros, 0)
        FROM aios_budgets b LEFT JOIN aios_spend_totals t
            ON t.scope = b.scope AND t.subject = b.subject AND t.period = CASE WHEN b.scope = 'goal' THEN '' ELSE $1 END
        ORDER BY b.scope COLLATE "C", b.subject COLLATE "C"
        """;

    /// <inheritdoc />
    public Task<ReservationOutcome> TryReserveAsync(SpendReservation reservation, DateTimeOffset staleBefore, CancellationToken cancellationToken = default)
    {
        SpendRules.Validate(reservation);
        return RunAsync(async (connection, ct) =>
        {
            var transaction = await connection.BeginTransactionAsync(ct).ConfigureAwait(false);
            await using (transaction.ConfigureAwait(false))
            {
                await ReleaseStaleAsync(connection, staleBefore, ct).ConfigureAwait(false);
                var counters = SpendRules.Counters(reservation.Subject, reservation.At);
                foreach (var (key, period) in counters)
                {
                    await ExecuteAsync(connection, EnsureTotal, ct, SpendRules.Stored(key.Scope), key.Subject, period).ConfigureAwait(false);
                }

                foreach (var (key, period) in counters)
                {
                    var command = Command(connection, LockTotalWithLimit);
                    await using (command.ConfigureAwait(false))
                    {
                        Add(command, SpendRules.Stored(key.Scope));
                        Add(command, key.Subject);
                        Add(command, period);
                        var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
                        await using (reader.ConfigureAwait(false))
                        {
                            await reader.ReadAsync(ct).ConfigureAwait(false);
                            var (spent, reserved) = (reader.GetInt64(0), reader.GetInt64(1));
                            if (!reader.IsDBNull(2) && spent + reserved + reservation.AmountMicros > reader.GetInt64(2))
                            {
                                var blocking = new BudgetStatus(key, reader.GetInt64(2), spent, reserved, period);
                                await reader.DisposeAsync().ConfigureAwait(false);

                                // The stale releases are kept: they are right whatever this reservation's fate.
                                await transaction.CommitAsync(ct).ConfigureAwait(false);
                                return new ReservationOutcome(false, blocking);
                            }
                        }
                    }
                }

                foreach (var (key, period) in counters)
                {
                    await AddToAsync(connection, key, period, 0, reservation.AmountMicros, ct).ConfigureAwait(false);
                }

                await ExecuteAsync(connection, InsertReservation, ct, reservation.ReservationId, Utc(reservation.At), reservation.Subject.GoalId,
                    reservation.Subject.Role, reservation.Subject.CustomerId, reservation.AmountMicros).ConfigureAwait(false);
                await transaction.CommitAsync(ct).ConfigureAwait(false);
                return ReservationOutcome.Made;
            }
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task SettleAsync(string reservationId, SpendRecord? actual, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(reservationId);
        if (actual is not null)
        {
            SpendRules.Validate(actual);
        }

        return RunAsync(async (connection, ct) =>
        {
            var transaction = await connection.BeginTransactionAsync(ct).ConfigureAwait(false);
            await using (transaction.ConfigureAwait(false))
            {
                var held = (await TakeReservationsAsync(connection, DeleteReservation, reservationId, ct).ConfigureAwait(false)).SingleOrDefault();
                if (held is not null)
                {
                    await ReleaseAsync(connection, held, ct).ConfigureAwait(false);
                }

                if (actual is not null)
                {
                    await RecordAsync(connection, actual, held?.At ?? actual.At, ct).ConfigureAwait(false);
                }

                await transaction.CommitAsync(ct).ConfigureAwait(false);
            }
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task<BudgetStatus> SetBudgetAsync(BudgetKey key, long limitMicros, DateTimeOffset at, string setBy, CancellationToken cancellationToken = default)
    {
        SpendRules.ValidateLimit(limitMicros);
        ArgumentException.ThrowIfNullOrWhiteSpace(setBy);
        return RunAsync(async (connection, ct) =>
        {
            await ExecuteAsync(connection, UpsertBudget, ct, SpendRules.Stored(key.Scope), key.Subject, limitMicros, Utc(at), setBy).ConfigureAwait(false);
            return (await ReadBudgetsAsync(connection, at, ct).ConfigureAwait(false)).Single(b => b.Key == key);
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<BudgetStatus>> ListBudgetsAsync(DateTimeOffset at, CancellationToken cancellationToken = default) =>
        RunAsync<IReadOnlyList<BudgetStatus>>(async (connection, ct) => await ReadBudgetsAsync(connection, at, ct).ConfigureAwait(false), cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<SpendRow>> QuerySpendAsync(SpendQuery query, CancellationToken cancellationToken = default)
    {
        SpendRules.Validate(query);
        var column = SpendRules.GroupColumn(query.GroupBy);
        var sql = $"""
            SELECT coalesce({column}, '') AS k, sum(cost_micros)::bigint, count(*), sum(input_tokens)::bigint, sum(output_tokens)::bigint
            FROM aios_spend
            WHERE occurred_at >= $1 AND occurred_at < $2
              AND ($3::text IS NULL OR goal_id = $3) AND ($4::text IS NULL OR role = $4) AND ($5::text IS NULL OR customer_id = $5)
            GROUP BY 1 ORDER BY coalesce({column}, '') COLLATE "C"
            """;
        return RunAsync<IReadOnlyList<SpendRow>>(async (connection, ct) =>
        {
            var command = Command(connection, sql);
            await using (command.ConfigureAwait(false))
            {
                Add(command, Utc(query.From));
                Add(command, Utc(query.To));
                AddText(command, query.GoalId);
                AddText(command, query.Role);
                AddText(command, query.CustomerId);
                var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
                await using (reader.ConfigureAwait(false))
                {
                    var rows = new List<SpendRow>();
                    while (await reader.ReadAsync(ct).ConfigureAwait(false))
                    {
                        rows.Add(new SpendRow(reader.GetString(0), reader.GetInt64(1), reader.GetInt64(2), reader.GetInt64(3), reader.GetInt64(4)));
                    }

                    return rows;
                }
            }
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<SpendRecord>> ListGoalCallsAsync(string goalId, int limit, CancellationToken cancellationToken = default)
    {
        SpendRules.ValidateGoalCalls(goalId, limit);
        return RunAsync<IReadOnlyList<SpendRecord>>(async (connection, ct) =>
        {
            var command = Command(connection, SelectGoalCalls);
            await using (command.ConfigureAwait(false))
            {
                Add(command, goalId);
                Add(command, limit);
                var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
                await using (reader.ConfigureAwait(false))
                {
                    var calls = new List<SpendRecord>();
                    while (await reader.ReadAsync(ct).ConfigureAwait(false))
                    {
                        calls.Add(new SpendRecord(
                            reader.GetString(0),
                            reader.GetFieldValue<DateTimeOffset>(1),
                            new SpendSubject(goalId, reader.IsDBNull(2) ? null : reader.GetString(2), reader.IsDBNull(3) ? null : reader.GetString(3),
                                reader.IsDBNull(4) ? null : reader.GetString(4)),
                            reader.GetString(5),
                            reader.GetInt64(6),
                            reader.GetInt64(7),
                            reader.GetInt64(8)));
                    }

                    return calls;
                }
            }
        }, cancellationToken);
    }

    private static async Task ReleaseStaleAsync(NpgsqlConnection connection, DateTimeOffset staleBefore, CancellationToken ct)
    {
        foreach (var stale in await TakeReservationsAsync(connection, DeleteStaleReservations, Utc(staleBefore), ct).ConfigureAwait(false))
        {
            await ReleaseAsync(connection, stale, ct).ConfigureAwait(false);
        }
    }

    private static async Task ReleaseAsync(NpgsqlConnection connection, HeldReservation held, CancellationToken ct)
    {
        foreach (var (key, period) in SpendRules.Counters(held.Subject, held.At))
        {
            await AddToAsync(connection, key, period, 0, -held.Amount, ct).ConfigureAwait(false);
        }
    }

    private static async Task RecordAsync(NpgsqlConnection connection, SpendRecord actual, DateTimeOffset countedAt, CancellationToken ct)
    {
        var subject = actual.Subject;
        var inserted = await ExecuteAsync(connection, InsertSpend, ct, actual.CallId, Utc(actual.At), BudgetKey.DayOf(actual.At), subject.GoalId,
            subject.TaskId, subject.Role, subject.CustomerId, actual.Model, actual.InputTokens, actual.OutputTokens, actual.CostMicros).ConfigureAwait(false);
        if (inserted == 0)
        {
            return;
        }

        foreach (var (key, period) in SpendRules.Counters(subject, countedAt))
        {
            await ExecuteAsync(connection, EnsureTotal, ct, SpendRules.Stored(key.Scope), key.Subject, period).ConfigureAwait(false);
            await AddToAsync(connection, key, period, actual.CostMicros, 0, ct).ConfigureAwait(false);
        }
    }

    private static Task<int> AddToAsync(NpgsqlConnection connection, BudgetKey key, string period, long spent, long reserved, CancellationToken ct) =>
        ExecuteAsync(connection, AddToTotal, ct, SpendRules.Stored(key.Scope), key.Subject, period, spent, reserved);

    private static async Task<List<HeldReservation>> TakeReservationsAsync(NpgsqlConnection connection, string sql, object parameter, CancellationToken ct)
    {
        var command = Command(connection, sql);
        await using (command.ConfigureAwait(false))
        {
            Add(command, parameter);
            var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
            await using (reader.ConfigureAwait(false))
            {
                var held = new List<HeldReservation>();
                while (await reader.ReadAsync(ct).ConfigureAwait(false))
                {
                    held.Add(new HeldReservation(
                        reader.GetFieldValue<DateTimeOffset>(0),
                        new SpendSubject(reader.IsDBNull(1) ? null : reader.GetString(1), null, reader.IsDBNull(2) ? null : reader.GetString(2), reader.IsDBNull(3) ? null : reader.GetString(3)),
                        reader.GetInt64(4)));
                }

                return held;
            }
        }
    }

    private static async Task<List<BudgetStatus>> ReadBudgetsAsync(NpgsqlConnection connection, DateTimeOffset at, CancellationToken ct)
    {
        var command = Command(connection, SelectBudgets);
        await using (command.ConfigureAwait(false))
        {
            Add(command, BudgetKey.DayOf(at));
            var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
            await using (reader.ConfigureAwait(false))
            {
                var budgets = new List<BudgetStatus>();
                while (await reader.ReadAsync(ct).ConfigureAwait(false))
                {
                    var key = BudgetKey.Create(SpendRules.ParseStored(reader.GetString(0)), reader.GetString(1));
                    budgets.Add(new BudgetStatus(key, reader.GetInt64(2), reader.GetInt64(3), reader.GetInt64(4), key.PeriodOf(at)));
                }

                return budgets;
            }
        }
    }

    private static async Task<int> ExecuteAsync(NpgsqlConnection connection, string sql, CancellationToken ct, params object?[] parameters)
    {
        var command = Command(connection, sql);
        await using (command.ConfigureAwait(false))
        {
            foreach (var parameter in parameters)
            {
                Add(command, parameter);
            }

            return await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        }
    }

    private static void AddText(NpgsqlCommand command, string? value) =>
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)value ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });

    private sealed record HeldReservation(DateTimeOffset At, SpendSubject Subject, long Amount);
}
