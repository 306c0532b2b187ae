using AiOs.Persistence.Spend;

namespace AiOs.Workforce.Budgets;

/// <summary>A budget as grain calls carry it: limit, and what is spent and held against it in its current period.</summary>
public sealed record BudgetView(BudgetScope Scope, string Subject, long LimitMicros, long SpentMicros, long ReservedMicros, string Period)
{
    public static BudgetView From(BudgetStatus status)
    {
        ArgumentNullException.ThrowIfNull(status);
        return new(status.Key.Scope, status.Key.Subject, status.LimitMicros, status.SpentMicros, status.ReservedMicros, status.Period);
    }
}

/// <summary>The operator's side of the budgets (one grain, key <see cref="BudgetsGrain.Key"/>): setting a budget, and the
/// goals paused because a budget was reached, which it resumes when the operator sets a budget.</summary>
public interface IBudgetsGrain : IGrainWithStringKey
{
    /// <summary>Sets (or raises, or lowers) a budget, then resumes every goal paused by a budget. A goal whose cap is
    /// still reached pauses again at its next call, which is not made.</summary>
    /// <exception cref="ArgumentException">No such scope, a missing or superfluous subject, or a negative limit.</exception>
    Task<BudgetView> Set(BudgetScope scope, string subject, long limitMicros, string setBy);

    /// <summary>Records that <paramref name="goalId"/> paused because a budget was reached.</summary>
    Task WaitForBudget(string goalId);

    /// <summary>The goals paused by a budget, oldest first.</summary>
    Task<IReadOnlyList<string>> Waiting();
}
