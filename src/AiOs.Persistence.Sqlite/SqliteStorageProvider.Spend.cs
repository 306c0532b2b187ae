using AiOs.Persistence.Shared;
using AiOs.Persistence.Spend;
using Microsoft.Data.Sqlite;

namespace AiOs.Persistence.Sqlite;

// ISpendStore. Every write runs on the single writer connection, one at a time, inside one transaction: the check of
// every budget and the hold of the reservation cannot interleave with another reservation's.
public sealed partial class SqliteStorageProvider : ISpendStore
{
    private const string EnsureTotal = """
        INSERT INTO aios_spend_totals (scope, subject, period, spent_micros, reserved_micros)
        VALUES ($scope, $subject, $period, 0, 0) ON CONFLICT DO NOTHING
        """;

    private const string SelectTotalWithLimit = """
        SELECT t.spent_micros, t.reserved_micros, b.limit_micros
        FROM aios_spend_totals t LEFT JOIN aios_budgets b ON b.scope = t.scope AND b.subject = t.subject
        WHERE t.scope = $scope AND t.subject = $subject AND t.period = $period
        """;

    private const string AddToTotal = """
        UPDATE aios_spend_totals SET spent_micros = spent_micros + $spent, reserved_micros = max(0, reserved_micros + $reserved)
        WHERE scope = $scope AND subject = $subject AND period = $period
        """;

    private const string InsertReservation = """
        INSERT INTO aios_spend_reservations (reservation_id, created_at, goal_id, role, customer_id, amount_micros)
        VALUES ($id, $at, $goal, $role, $customer, $amount)
        """;

    private const string DeleteReservation = """
        DELETE FROM aios_spend_reservations WHERE reservation_id = $id
        RETURNING reservation_id, created_at, goal_id, role, customer_id, amount_micros
        """;

    private const string DeleteStaleReservations = """
        DELETE FROM aios_spend_reservations WHERE created_at < $before
        RETURNING reservation_id, created_at, goal_id, role, customer_id, amount_micros
        """;

    private const string InsertSpend = """
        INSERT INTO aios_spend (call_id, occurred_at, day, goal_id, task_id, role, customer_id, model, input_tokens, output_tokens, cost_micros)
        VALUES ($id, $at, $day, $goal, $task, $role, $customer, $model, $in, $out, $cost) ON CONFLICT DO NOTHING
        """;

    private const string SelectGoalCalls = """
        SELECT call_id, occurred_at, task_id, role, customer_id, model, input_tokens, output_tokens, cost_micros
        FROM aios_spend WHERE goal_id = $goal ORDER BY occurred_at, call_id LIMIT $limit
        """;

    private const string UpsertBudget = """
        INSERT INTO aios_budgets (scope, subject, limit_micros, updated_at, updated_by) VALUES ($scope, $subject, $limit, $at, $by)
        ON CONFLICT (scope, subject) DO UPDATE SET limit_micros = excluded.limit_micros, updated_at = excluded.updated_at, updated_by = excluded.updated_by
        """;

    private const string SelectBudgets = """
        SELECT b.scope, b.subject, b.limit_micros, coalesce(t.spent_micros, 0), coalesce(t.reserved_micros, 0)
        FROM aios_budgets b LEFT JOIN aios_spend_totals t
            ON t.scope = b.scope AND t.subject = b.subject AND t.period = CASE WHEN b.scope = 'goal' THEN '' ELSE $day END
        ORDER BY b.scope, b.subject
        """;

    /// <inheritdoc />
    public Task<ReservationOutcome> TryReserveAsync(SpendReservation reservation, DateTimeOffset staleBefore, CancellationToken cancellationToken = default)
    {
        SpendRules.Validate(reservation);
        return WriteAsync(connection =>
        {
            using var transaction = connection.BeginTransaction();
            ReleaseStale(connection, transaction, staleBefore);
            var counters = SpendRules.Counters(reservation.Subject, reservation.At);
            foreach (var (key, period) in counters)
            {
                Execute(connection, transaction, EnsureTotal, ("$scope", SpendRules.Stored(key.Scope)), ("$subject", key.Subject), ("$period", period));
                using var select = Command(connection, transaction, SelectTotalWithLimit,
                    ("$scope", SpendRules.Stored(key.Scope)), ("$subject", key.Subject), ("$period", period));
                using var reader = select.ExecuteReader();
                reader.Read();
                var (spent, reserved) = (reader.GetInt64(0), reader.GetInt64(1));
                if (!reader.IsDBNull(2) && spent + reserved + reservation.AmountMicros > reader.GetInt64(2))
                {
                    var blocking = new BudgetStatus(key, reader.GetInt64(2), spent, reserved, period);
                    reader.Close();

                    // The stale releases are kept: they are right whatever this reservation's fate.
                    transaction.Commit();
                    return new ReservationOutcome(false, blocking);
                }
            }

            foreach (var (key, period) in counters)
            {
                AddTo(connection, transaction, key, period, spent: 0, reserved: reservation.AmountMicros);
            }

            Execute(connection, transaction, InsertReservation, ("$id", reservation.ReservationId), ("$at", SqliteTime.ToMicroseconds(reservation.At)),
                ("$goal", reservation.Subject.GoalId), ("$role", reservation.Subject.Role), ("$customer", reservation.Subject.CustomerId),
                ("$amount", reservation.AmountMicros));
            transaction.Commit();
            return ReservationOutcome.Made;
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

        return WriteAsync(connection =>
        {
            using var transaction = connection.BeginTransaction();
            var held = TakeReservations(connection, transaction, DeleteReservation, ("$id", reservationId)).SingleOrDefault();
            if (held is not null)
            {
                Release(connection, transaction, held);
            }

            if (actual is not null)
            {
                Record(connection, transaction, actual, held?.At ?? actual.At);
            }

            transaction.Commit();
            return true;
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task<BudgetStatus> SetBudgetAsync(BudgetKey key, long limitMicros, DateTimeOffset at, string setBy, CancellationToken cancellationToken = default)
    {
        SpendRules.ValidateLimit(limitMicros);
        ArgumentException.ThrowIfNullOrWhiteSpace(setBy);
        return WriteAsync(connection =>
        {
            Execute(connection, null, UpsertBudget, ("$scope", SpendRules.Stored(key.Scope)), ("$subject", key.Subject), ("$limit", limitMicros),
                ("$at", SqliteTime.ToMicroseconds(at)), ("$by", setBy));
            return ReadBudgets(connection, at).Single(b => b.Key == key);
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<BudgetStatus>> ListBudgetsAsync(DateTimeOffset at, CancellationToken cancellationToken = default) =>
        ReadAsync<IReadOnlyList<BudgetStatus>>(connection => ReadBudgets(connection, at), cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<SpendRow>> QuerySpendAsync(SpendQuery query, CancellationToken cancellationToken = default)
    {
        SpendRules.Validate(query);
        var column = SpendRules.GroupColumn(query.GroupBy);
        var sql = $"""
            SELECT coalesce({column}, ''), sum(cost_micros), count(*), sum(input_tokens), sum(output_tokens)
            FROM aios_spend
            WHERE occurred_at >= $from AND occurred_at < $to
              AND ($goal IS NULL OR goal_id = $goal) AND ($role IS NULL OR role = $role) AND ($customer IS NULL OR customer_id = $customer)
            GROUP BY 1 ORDER BY 1
            """;
        return ReadAsync<IReadOnlyList<SpendRow>>(connection =>
        {
            using var command = Command(connection, null, sql, ("$from", SqliteTime.ToMicroseconds(query.From)), ("$to", SqliteTime.ToMicroseconds(query.To)),
                ("$goal", query.GoalId), ("$role", query.Role), ("$customer", query.CustomerId));
            using var reader = command.ExecuteReader();
            var rows = new List<SpendRow>();
            while (reader.Read())
            {
                rows.Add(new SpendRow(reader.GetString(0), reader.GetInt64(1), reader.GetInt64(2), reader.GetInt64(3), reader.GetInt64(4)));
            }

            return rows;
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<SpendRecord>> ListGoalCallsAsync(string goalId, int limit, CancellationToken cancellationToken = default)
    {
        SpendRules.ValidateGoalCalls(goalId, limit);
        return ReadAsync<IReadOnlyList<SpendRecord>>(connection =>
        {
            using var command = Command(connection, null, SelectGoalCalls, ("$goal", goalId), ("$limit", limit));
            using var reader = command.ExecuteReader();
            var calls = new List<SpendRecord>();
            while (reader.Read())
            {
                calls.Add(new SpendRecord(
                    reader.GetString(0),
                    SqliteTime.FromMicroseconds(reader.GetInt64(1)),
                    new SpendSubject(goalId, reader.IsDBNull(2) ? null : reader.GetString(2), reader.IsDBNull(3) ? null : reader.GetString(3),
                        reader.IsDBNull(4) ? null : reader.GetString(4)),
                    reader.GetString(5),
                    reader.GetInt64(6),
                    reader.GetInt64(7),
                    reader.GetInt64(8)));
            }

            return calls;
        }, cancellationToken);
    }

    private static void ReleaseStale(SqliteConnection connection, SqliteTransaction transaction, DateTimeOffset staleBefore)
    {
        foreach (var stale in TakeReservations(connection, transaction, DeleteStaleReservations, ("$before", SqliteTime.ToMicroseconds(staleBefore))))
        {
            Release(connection, transaction, stale);
        }
    }

    private static void Release(SqliteConnection connection, SqliteTransaction transaction, HeldReservation held)
    {
        foreach (var (key, period) in SpendRules.Counters(held.Subject, held.At))
        {
            AddTo(connection, transaction, key, period, spent: 0, reserved: -held.Amount);
        }
    }

    private static void Record(SqliteConnection connection, SqliteTransaction transaction, SpendRecord actual, DateTimeOffset countedAt)
    {
        var subject = actual.Subject;
        var inserted = Execute(connection, transaction, InsertSpend, ("$id", actual.CallId), ("$at", SqliteTime.ToMicroseconds(actual.At)),
            ("$day", BudgetKey.DayOf(actual.At)), ("$goal", subject.GoalId), ("$task", subject.TaskId), ("$role", subject.Role),
            ("$customer", subject.CustomerId), ("$model", actual.Model), ("$in", actual.InputTokens), ("$out", actual.OutputTokens),
            ("$cost", actual.CostMicros));
        if (inserted == 0)
        {
            return;
        }

        foreach (var (key, period) in SpendRules.Counters(subject, countedAt))
        {
            Execute(connection, transaction, EnsureTotal, ("$scope", SpendRules.Stored(key.Scope)), ("$subject", key.Subject), ("$period", period));
            AddTo(connection, transaction, key, period, spent: actual.CostMicros, reserved: 0);
        }
    }

    private static void AddTo(SqliteConnection connection, SqliteTransaction transaction, BudgetKey key, string period, long spent, long reserved) =>
        Execute(connection, transaction, AddToTotal, ("$spent", spent), ("$reserved", reserved), ("$scope", SpendRules.Stored(key.Scope)),
            ("$subject", key.Subject), ("$period", period));

    private static List<HeldReservation> TakeReservations(SqliteConnection connection, SqliteTransaction transaction, string sql, (string, object?) parameter)
    {
        using var command = Command(connection, transaction, sql, parameter);
        using var reader = command.ExecuteReader();
        var held = new List<HeldReservation>();
        while (reader.Read())
        {
            held.Add(new HeldReservation(
                SqliteTime.FromMicroseconds(reader.GetInt64(1)),
                new SpendSubject(reader.IsDBNull(2) ? null : reader.GetString(2), null, reader.IsDBNull(3) ? null : reader.GetString(3), reader.IsDBNull(4) ? null : reader.GetString(4)),
                reader.GetInt64(5)));
        }

        return held;
    }

    private static List<BudgetStatus> ReadBudgets(SqliteConnection connection, DateTimeOffset at)
    {
        using var command = Command(connection, null, SelectBudgets, ("$day", BudgetKey.DayOf(at)));
        using var reader = command.ExecuteReader();
        var budgets = new List<BudgetStatus>();
        while (reader.Read())
        {
            var key = BudgetKey.Create(SpendRules.ParseStored(reader.GetString(0)), reader.GetString(1));
            budgets.Add(new BudgetStatus(key, reader.GetInt64(2), reader.GetInt64(3), reader.GetInt64(4), key.PeriodOf(at)));
        }

        return budgets;
    }

    private static int Execute(SqliteConnection connection, SqliteTransaction? transaction, string sql, params (string Name, object? Value)[] parameters)
    {
        using var command = Command(connection, transaction, sql, parameters);
        return command.ExecuteNonQuery();
    }

    private static SqliteCommand Command(SqliteConnection connection, SqliteTransaction? transaction, string sql, params (string Name, object? Value)[] parameters)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            AddParameter(command, name, value);
        }

        return command;
    }

    private sealed record HeldReservation(DateTimeOffset At, SpendSubject Subject, long Amount);
}
