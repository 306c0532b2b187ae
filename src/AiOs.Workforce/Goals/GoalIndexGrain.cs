using AiOs.Workforce.Coordinator;

namespace AiOs.Workforce.Goals;

/// <summary>State of <see cref="GoalIndexGrain"/>: the day's goals, newest first.</summary>
public sealed class GoalIndexState
{
    public List<GoalListing> Goals { get; set; } = [];
}

[GrainType("goal-index")]
public sealed class GoalIndexGrain([PersistentState("goals")] IPersistentState<GoalIndexState> index) : Grain, IGoalIndexGrain
{
    public async Task Add(GoalListing listing)
    {
        ArgumentNullException.ThrowIfNull(listing);
        var goals = index.State.Goals;
        if (!goals.Exists(g => g.GoalId == listing.GoalId))
        {
            var at = goals.FindIndex(g => listing.Position.CompareTo(g.Position) < 0);
            goals.Insert(at < 0 ? goals.Count : at, listing);
            await index.WriteStateAsync();
        }

        // Every time, not only for a new goal: a crash between the two writes is healed by the submission's retry.
        await GrainFactory.GetGrain<IGoalDaysGrain>(GoalIndex.DaysKey).Add(GrainId.Key);
    }

    public async Task<bool> Update(string goalId, GoalSummary summary)
    {
        ArgumentException.ThrowIfNullOrEmpty(goalId);
        ArgumentNullException.ThrowIfNull(summary);
        var goals = index.State.Goals;
        var at = goals.FindIndex(g => g.GoalId == goalId);
        if (at < 0 || !summary.Supersedes(goals[at].Summary))
        {
            return false;
        }

        goals[at] = goals[at] with { Summary = summary };
        await index.WriteStateAsync();
        return true;
    }

    public Task<IReadOnlyList<GoalListing>> Page(GoalPosition? after, string? customerId, string? projectId, IReadOnlyList<GoalPhase>? phases, int limit) =>
        Task.FromResult<IReadOnlyList<GoalListing>>(
        [
            .. index.State.Goals
                .Where(g => after is null || g.Position.CompareTo(after) > 0)
                .Where(g => string.IsNullOrEmpty(customerId) || g.Submission.CustomerId == customerId)
                .Where(g => string.IsNullOrEmpty(projectId) || g.Submission.ProjectId == projectId)
                .Where(g => phases is not { Count: > 0 } || g.Summary is null || phases.Contains(g.Summary.Phase))
                .Take(limit),
        ]);

    public async Task<bool> Erase(string goalId)
    {
        var at = index.State.Goals.FindIndex(g => g.GoalId == goalId);
        if (at < 0 || index.State.Goals[at].Submission.Text == CoordinatorGrain.ErasedText)
        {
            return false;
        }

        var listing = index.State.Goals[at];
        index.State.Goals[at] = listing with
        {
            Submission = listing.Submission with { Text = CoordinatorGrain.ErasedText, CustomerId = null, ProjectId = null, RequestId = null },

            // The status stays; the escalation and the last history line may quote the customer.
            Summary = listing.Summary is { } summary ? summary with { Escalation = null, LastEntry = null } : null,
        };
        await index.WriteStateAsync();
        return true;
    }
}

/// <summary>State of <see cref="GoalDaysGrain"/>.</summary>
public sealed class GoalDaysState
{
    public List<string> Days { get; set; } = [];
}

[GrainType("goal-days")]
public sealed class GoalDaysGrain([PersistentState("days")] IPersistentState<GoalDaysState> days) : Grain, IGoalDaysGrain
{
    public async Task Add(string day)
    {
        ArgumentException.ThrowIfNullOrEmpty(day);
        if (!days.State.Days.Contains(day, StringComparer.Ordinal))
        {
            days.State.Days.Add(day);
            days.State.Days.Sort((a, b) => string.CompareOrdinal(b, a));
            await days.WriteStateAsync();
        }
    }

    public Task<IReadOnlyList<string>> Days() => Task.FromResult<IReadOnlyList<string>>([.. days.State.Days]);
}
