using AiOs.Workforce.Coordinator;

namespace AiOs.Workforce.Goals;

/// <summary>A goal's submission, keyed by the goal id. Its state is its event stream (<c>goal.submitted</c>), so the
/// submission is in the event log like every other change of business state.</summary>
public interface IGoalGrain : IGrainWithStringKey
{
    /// <summary>Records the submission (the first one wins: a repeated submission returns the stored one), lists the goal
    /// in the index and hands it to its coordinator. Every step is repeated on a repeated call, so a call that failed half
    /// way is completed by its retry.</summary>
    Task<GoalSubmission> Submit(GoalSubmission submission);

    /// <summary>Records who cancelled the goal and why (<c>goal.cancelled</c>), then cancels it at its coordinator.</summary>
    Task Cancel(string reason, string source, string actor);

    /// <summary>The submission, or null when no goal has this id.</summary>
    [ReadOnly]
    Task<GoalSubmission?> Get();

    /// <summary>Erases the submission's personal part from the goal index and the goal's stream (its events stay in the
    /// chain without stream key and payload) and returns how many events were erased; the goal is then unknown here.</summary>
    Task<long> Erase();
}

/// <summary>The goals submitted on one UTC day, keyed <c>yyyy-MM-dd</c>, newest first. Sharding the index by day keeps
/// each grain's state small and spreads days over the cluster's partitions; the days themselves are listed by
/// <see cref="IGoalDaysGrain"/>.</summary>
public interface IGoalIndexGrain : IGrainWithStringKey
{
    /// <summary>Adds a goal (idempotent) and makes sure its day is listed.</summary>
    Task Add(GoalListing listing);

    /// <summary>Records where a listed goal stands (sent by its coordinator after each checkpoint). Idempotent and safe
    /// against reordering: see <see cref="GoalSummary.Supersedes"/>. False when the update was older than the stored one
    /// or the goal is not listed on this day.</summary>
    Task<bool> Update(string goalId, GoalSummary summary);

    /// <summary>Up to <paramref name="limit"/> goals after <paramref name="after"/> (null: from the newest) in newest-first
    /// order, only those for <paramref name="customerId"/> and <paramref name="projectId"/> when given, and only those in
    /// <paramref name="phases"/> when it is not empty (a goal without a summary is always returned: the index does not
    /// know its phase).</summary>
    [ReadOnly]
    Task<IReadOnlyList<GoalListing>> Page(GoalPosition? after, string? customerId, string? projectId, IReadOnlyList<GoalPhase>? phases, int limit);

    /// <summary>Keeps <paramref name="goalId"/> listed (id, time, playbook, source, status) without its text, customer,
    /// project or request id; false when it is not listed here or was erased already.</summary>
    Task<bool> Erase(string goalId);
}

/// <summary>The days that have goals, keyed <see cref="GoalIndex.DaysKey"/>.</summary>
public interface IGoalDaysGrain : IGrainWithStringKey
{
    /// <summary>Adds a day (idempotent).</summary>
    Task Add(string day);

    /// <summary>Every day with goals, newest first.</summary>
    [ReadOnly]
    Task<IReadOnlyList<string>> Days();
}
