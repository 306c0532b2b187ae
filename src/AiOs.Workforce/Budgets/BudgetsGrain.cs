using AiOs.Persistence.Spend;
using AiOs.Workforce.Coordinator;

namespace AiOs.Workforce.Budgets;

/// <summary>State of <see cref="BudgetsGrain"/>.</summary>
public sealed class BudgetWaitersState
{
    public List<string> Goals { get; set; } = [];

    /// <summary>How many times a budget has been set (see <see cref="IBudgetsGrain.Changes"/>).</summary>
    public long Changes { get; set; }
}

/// <summary>Sets budgets in the spend store and tells the goals that wait for one. The waiting list is durable, so a
/// goal paused before a restart still resumes when the operator raises its budget after it. Calls to this grain take
/// turns, so a goal joining the list either precedes a budget's change (and is told of it) or follows it (and sees the
/// change count has moved).</summary>
[GrainType("budgets")]
public sealed class BudgetsGrain(
    [PersistentState("waiting")] IPersistentState<BudgetWaitersState> waiting,
    ISpendStore spend,
    TimeProvider time) : Grain, IBudgetsGrain
{
    /// <summary>The one key of this grain.</summary>
    public const string Key = "all";

    public async Task<BudgetView> Set(BudgetScope scope, string subject, long limitMicros, string setBy)
    {
        var key = BudgetKey.Create(scope, subject);
        ArgumentException.ThrowIfNullOrWhiteSpace(setBy);
        var budget = await spend.SetBudgetAsync(key, limitMicros, time.GetUtcNow(), setBy);

        // Counted durably before any goal is told: a goal that reads the count from here on knows of this change.
        waiting.State.Changes++;
        await waiting.WriteStateAsync();

        var told = new List<string>();
        foreach (var goalId in waiting.State.Goals.ToList())
        {
            try
            {
                await GrainFactory.GetGrain<ICoordinatorGrain>(goalId).BudgetChanged();
                told.Add(goalId);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // Stays on the list: the next budget change tries it again.
            }
        }

        if (told.Count > 0)
        {
            waiting.State.Goals.RemoveAll(told.Contains);
            await waiting.WriteStateAsync();
        }

        return BudgetView.From(budget);
    }

    public Task<long> Changes() => Task.FromResult(waiting.State.Changes);

    public async Task<bool> WaitForBudget(string goalId, long changesSeen)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(goalId);
        if (waiting.State.Changes > changesSeen)
        {
            return false;
        }

        if (!waiting.State.Goals.Contains(goalId))
        {
            waiting.State.Goals.Add(goalId);
            await waiting.WriteStateAsync();
        }

        return true;
    }

    public Task<IReadOnlyList<string>> Waiting() => Task.FromResult<IReadOnlyList<string>>([.. waiting.State.Goals]);
}
