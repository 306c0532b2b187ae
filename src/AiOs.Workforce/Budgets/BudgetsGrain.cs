using AiOs.Persistence.Spend;
using AiOs.Workforce.Coordinator;

namespace AiOs.Workforce.Budgets;

/// <summary>State of <see cref="BudgetsGrain"/>.</summary>
public sealed class BudgetWaitersState
{
    public List<string> Goals { get; set; } = [];
}

/// <summary>Sets budgets in the spend store and resumes the goals that wait for one. The waiting list is durable, so a
/// goal paused before a restart still resumes when the operator raises its budget after it.</summary>
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

        var resumed = new List<string>();
        foreach (var goalId in waiting.State.Goals.ToList())
        {
            try
            {
                await GrainFactory.GetGrain<ICoordinatorGrain>(goalId).Resume();
                resumed.Add(goalId);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // Stays on the list: the next budget change tries it again.
            }
        }

        if (resumed.Count > 0)
        {
            waiting.State.Goals.RemoveAll(resumed.Contains);
            await waiting.WriteStateAsync();
        }

        return BudgetView.From(budget);
    }

    public async Task WaitForBudget(string goalId)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(goalId);
        if (!waiting.State.Goals.Contains(goalId))
        {
            waiting.State.Goals.Add(goalId);
            await waiting.WriteStateAsync();
        }
    }

    public Task<IReadOnlyList<string>> Waiting() => Task.FromResult<IReadOnlyList<string>>([.. waiting.State.Goals]);
}
