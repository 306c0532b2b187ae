using AiOs.Workforce.Coordinator;

namespace AiOs.Workforce.Goals;

/// <summary>Where a listed goal stands, as its coordinator last told the goal index: enough to show it in a list
/// without reading the coordinator's checkpoint.</summary>
/// <param name="Step">How many history lines the checkpoint had: it only grows, so it orders the coordinator's updates
/// (they may arrive late, twice or out of order, e.g. from two interleaved checkpoints of the reentrant coordinator).</param>
/// <param name="Phase">The goal's phase.</param>
/// <param name="TasksDone">Tasks of the plan that are done.</param>
/// <param name="TasksTotal">Tasks in the plan.</param>
/// <param name="Escalation">Why the operator is needed, while the goal waits for them or is paused.</param>
/// <param name="LastEntry">The checkpoint's last history line (<c>&lt;time&gt; &lt;what happened&gt;</c>).</param>
public sealed record GoalSummary(int Step, GoalPhase Phase, int TasksDone, int TasksTotal, string? Escalation, string? LastEntry)
{
    /// <summary>The summary of a checkpoint.</summary>
    public static GoalSummary Of(GoalState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        return new(
            state.History.Count,
            state.Phase,
            state.Tasks.Count(t => t.Phase == TaskPhase.Done),
            state.Tasks.Count,
            state.Escalation,
            state.History.Count > 0 ? state.History[^1] : null);
    }

    /// <summary>Whether <paramref name="other"/> shows the goal the same way in a list, apart from its last history line.</summary>
    public bool SameStanding(GoalSummary other) =>
        other is not null && this with { Step = 0, LastEntry = null } == other with { Step = 0, LastEntry = null };

    public static bool IsFinal(GoalPhase phase) => phase is GoalPhase.Done or GoalPhase.Failed or GoalPhase.Cancelled;

    /// <summary>Whether this update replaces <paramref name="stored"/>: only a later step does, and nothing moves a goal
    /// out of an ended phase (a repeated or late update must never make a finished goal look unfinished).</summary>
    public bool Supersedes(GoalSummary? stored) =>
        stored is null || (Step > stored.Step && !(IsFinal(stored.Phase) && !IsFinal(Phase)));
}
