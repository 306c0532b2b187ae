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
/// goals held because a budget was reached, which it tells when the operator sets a budget.</summary>
public interface IBudgetsGrain : IGrainWithStringKey
{
    /// <summary>Sets (or raises, or lowers) a budget, then tells every goal held by a budget
    /// (<see cref="AiOs.Workforce.Coordinator.ICoordinatorGrain.BudgetChanged"/>). A goal whose cap is still reached is
    /// held again at its next call, which is not made.</summary>
    /// <exception cref="ArgumentException">No such scope, a missing or superfluous subject, or a negative limit.</exception>
    Task<BudgetView> Set(BudgetScope scope, string subject, long limitMicros, string setBy);

    /// <summary>How many times a budget has been set. A goal reads it before it starts calls that a budget may refuse,
    /// so that <see cref="WaitForBudget"/> can tell it the refusal is already out of date.</summary>
    Task<long> Changes();

    /// <summary>Puts <paramref name="goalId"/> on the list of goals held by a budget, unless a budget has been set since
    /// the goal read <paramref name="changesSeen"/> from <see cref="Changes"/>.</summary>
    /// <returns>True when the goal now waits; false when a budget was set after its call was refused, so that it should
    /// try again at once (it is not listed then).</returns>
    Task<bool> WaitForBudget(string goalId, long changesSeen);

    /// <summary>The goals held by a budget, oldest first.</summary>
    Task<IReadOnlyList<string>> Waiting();
}
