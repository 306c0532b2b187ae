using AiOs.Persistence.Spend;

namespace AiOs.Persistence.Shared;

/// <summary>What both providers accept as spend, checked before any SQL runs so that both refuse the same input with the
/// same words; and the counters a call touches.</summary>
internal static class SpendRules
{
    public static void Validate(SpendReservation reservation)
    {
        ArgumentNullException.ThrowIfNull(reservation);
        ArgumentNullException.ThrowIfNull(reservation.Subject);
        ArgumentException.ThrowIfNullOrWhiteSpace(reservation.ReservationId);
        if (reservation.AmountMicros < 0)
        {
            throw new ArgumentException($"A reservation's amount cannot be negative (got {reservation.AmountMicros} micros).", nameof(reservation));
        }
    }

    public static void Validate(SpendRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        ArgumentNullException.ThrowIfNull(record.Subject);
        ArgumentException.ThrowIfNullOrWhiteSpace(record.CallId);
        ArgumentException.ThrowIfNullOrWhiteSpace(record.Model);
        if (record.CostMicros < 0 || record.InputTokens < 0 || record.OutputTokens < 0)
        {
            throw new ArgumentException("A call's cost and token counts cannot be negative.", nameof(record));
        }
    }

    public static void ValidateLimit(long limitMicros)
    {
        if (limitMicros < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(limitMicros), limitMicros, "A budget's limit cannot be negative.");
        }
    }

    public static void Validate(SpendQuery query)
    {
        ArgumentNullException.ThrowIfNull(query);
        if (query.To <= query.From)
        {
            throw new ArgumentException($"The spend range is empty: 'to' ({query.To:O}) must be after 'from' ({query.From:O}).", nameof(query));
        }

        if (!Enum.IsDefined(query.GroupBy))
        {
            throw new ArgumentException($"'{(int)query.GroupBy}' is not a spend grouping.", nameof(query));
        }
    }

    public static void ValidateGoalCalls(string goalId, int limit)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(goalId);
        if (limit is < 1 or > SpendLimits.MaxGoalCalls)
        {
            throw new ArgumentException($"A goal's calls are listed 1 to {SpendLimits.MaxGoalCalls} at a time (got {limit}).", nameof(limit));
        }
    }

    /// <summary>The counters (scope, subject, period) a call for <paramref name="subject"/> at <paramref name="at"/> counts
    /// in, in the one order every writer locks them (so concurrent reservations never deadlock).</summary>
    public static IReadOnlyList<(BudgetKey Key, string Period)> Counters(SpendSubject subject, DateTimeOffset at) =>
        [.. subject.Keys().Select(k => (k, k.PeriodOf(at))).OrderBy(c => (int)c.k.Scope).ThenBy(c => c.k.Subject, StringComparer.Ordinal)];

    /// <summary>The column a grouping groups by.</summary>
    public static string GroupColumn(SpendGrouping grouping) => grouping switch
    {
        SpendGrouping.Day => "day",
        SpendGrouping.Role => "role",
        SpendGrouping.Customer => "customer_id",
        SpendGrouping.Goal => "goal_id",
        SpendGrouping.Model => "model",
        _ => throw new ArgumentOutOfRangeException(nameof(grouping)),
    };

    /// <summary>Scopes as stored (text, lower case).</summary>
    public static string Stored(BudgetScope scope) => BudgetKey.Name(scope);

    public static BudgetScope ParseStored(string scope) => Enum.Parse<BudgetScope>(scope, ignoreCase: true);
}
