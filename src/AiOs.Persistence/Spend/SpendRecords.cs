namespace AiOs.Persistence.Spend;

/// <summary>Who a model call was for. Every field may be null (a call outside any goal still counts against the day).</summary>
/// <param name="GoalId">The goal it served.</param>
/// <param name="TaskId">The task of that goal.</param>
/// <param name="Role">The agent role that made it (<c>planner</c> for the coordinator's own planning).</param>
/// <param name="CustomerId">The customer it was about.</param>
public sealed record SpendSubject(string? GoalId = null, string? TaskId = null, string? Role = null, string? CustomerId = null)
{
    /// <summary>The budgets a call for this subject counts against: its goal, role and customer, and the day.</summary>
    public IReadOnlyList<BudgetKey> Keys()
    {
        var keys = new List<BudgetKey>(4);
        if (!string.IsNullOrWhiteSpace(GoalId))
        {
            keys.Add(BudgetKey.Goal(GoalId));
        }

        if (!string.IsNullOrWhiteSpace(Role))
        {
            keys.Add(BudgetKey.Role(Role));
        }

        if (!string.IsNullOrWhiteSpace(CustomerId))
        {
            keys.Add(BudgetKey.Customer(CustomerId));
        }

        keys.Add(BudgetKey.Day);
        return keys;
    }
}

/// <summary>The estimated cost of a call about to be made, held against every budget of its subject until the call is
/// settled.</summary>
/// <param name="ReservationId">Unique; settles the reservation later.</param>
/// <param name="At">When the call starts (decides the day it counts in).</param>
/// <param name="Subject">Who the call is for.</param>
/// <param name="AmountMicros">The estimate, in millionths of the currency unit.</param>
public sealed record SpendReservation(string ReservationId, DateTimeOffset At, SpendSubject Subject, long AmountMicros);

/// <summary>What a model call cost.</summary>
/// <param name="CallId">Unique per call (recording the same call twice keeps the first).</param>
/// <param name="At">When it was made.</param>
/// <param name="Subject">Who it was for.</param>
/// <param name="Model">The model that answered, as the price table names it.</param>
/// <param name="InputTokens">Input tokens the provider reported.</param>
/// <param name="OutputTokens">Output tokens the provider reported.</param>
/// <param name="CostMicros">Its cost from the price table, in millionths of the currency unit.</param>
public sealed record SpendRecord(string CallId, DateTimeOffset At, SpendSubject Subject, string Model, long InputTokens, long OutputTokens, long CostMicros);

/// <summary>A budget and what counts against it in its current period.</summary>
/// <param name="Key">Which budget.</param>
/// <param name="LimitMicros">The cap.</param>
/// <param name="SpentMicros">Spent in the period.</param>
/// <param name="ReservedMicros">Held for calls in flight.</param>
/// <param name="Period">"" for a goal budget, the UTC date for the daily ones.</param>
public sealed record BudgetStatus(BudgetKey Key, long LimitMicros, long SpentMicros, long ReservedMicros, string Period)
{
    /// <summary>What is left to reserve (never negative).</summary>
    public long AvailableMicros => Math.Max(0, LimitMicros - SpentMicros - ReservedMicros);
}

/// <summary>The answer to a reservation: made, or refused by the first budget it would overshoot.</summary>
public sealed record ReservationOutcome(bool Reserved, BudgetStatus? Blocking)
{
    public static ReservationOutcome Made { get; } = new(true, null);
}

/// <summary>How <see cref="ISpendStore.QuerySpendAsync"/> groups its rows.</summary>
public enum SpendGrouping
{
    Day,
    Role,
    Customer,
    Goal,
    Model,
}

/// <summary>A spend query: calls made in [<paramref name="From"/>, <paramref name="To"/>), grouped, optionally filtered.</summary>
public sealed record SpendQuery(DateTimeOffset From, DateTimeOffset To, SpendGrouping GroupBy, string? GoalId = null, string? Role = null, string? CustomerId = null);

/// <summary>One group of a spend query. <paramref name="Key"/> is the day (yyyy-MM-dd), role, customer id, goal id or
/// model; "" for calls without one.</summary>
public sealed record SpendRow(string Key, long CostMicros, long Calls, long InputTokens, long OutputTokens);
