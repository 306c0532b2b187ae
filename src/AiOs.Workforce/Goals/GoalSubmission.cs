namespace AiOs.Workforce.Goals;

/// <summary>A goal as it was submitted: what was asked, by whom, when, and the caller's idempotency key. It never changes
/// after submission; where the goal stands is the coordinator's (<see cref="Coordinator.ICoordinatorGrain"/>).</summary>
/// <param name="Text">What to achieve, in words.</param>
/// <param name="CustomerId">The customer it is for, if any.</param>
/// <param name="ProjectId">The project it belongs to, if any.</param>
/// <param name="Playbook">The stored playbook to plan from, if one was named.</param>
/// <param name="Deadline">When it must be done by, if given.</param>
/// <param name="BudgetCurrency">ISO 4217 currency of the budget, if one was given.</param>
/// <param name="BudgetMicros">The budget in millionths of the currency's unit.</param>
/// <param name="RequestId">The caller's idempotency key; null when the caller gave none.</param>
/// <param name="Source">The channel it came through, e.g. <c>api</c>.</param>
/// <param name="Actor">Who submitted it, e.g. <c>key:&lt;id&gt;</c>.</param>
/// <param name="SubmittedAt">When it was first submitted (set by the goal grain).</param>
public sealed record GoalSubmission(
    string Text,
    string? CustomerId = null,
    string? ProjectId = null,
    string? Playbook = null,
    DateTimeOffset? Deadline = null,
    string? BudgetCurrency = null,
    long? BudgetMicros = null,
    string? RequestId = null,
    string Source = "api",
    string Actor = "operator",
    DateTimeOffset SubmittedAt = default);

/// <summary>A goal in the index: its id, submission and, once its coordinator has reported, where it stands (null for a
/// goal listed before the index kept summaries, or whose coordinator has not reported yet: read its checkpoint then).</summary>
public sealed record GoalListing(string GoalId, GoalSubmission Submission, GoalSummary? Summary = null)
{
    /// <summary>Where it sits in the newest-first order of the index.</summary>
    public GoalPosition Position => new(Submission.SubmittedAt.UtcTicks, GoalId);
}

/// <summary>A place in the goal index's order: newest first by submission time, then by goal id descending (so that
/// goals submitted in the same tick still have one order).</summary>
public sealed record GoalPosition(long SubmittedTicks, string GoalId) : IComparable<GoalPosition>
{
    /// <summary>The UTC day of the index grain that holds goals at this position (<c>yyyy-MM-dd</c>).</summary>
    public string Day => GoalIndex.DayOf(new DateTimeOffset(SubmittedTicks, TimeSpan.Zero));

    /// <summary>Negative when this position comes first in the newest-first order.</summary>
    public int CompareTo(GoalPosition? other)
    {
        if (other is null)
        {
            return -1;
        }

        var byTime = other.SubmittedTicks.CompareTo(SubmittedTicks);
        return byTime != 0 ? byTime : string.CompareOrdinal(other.GoalId, GoalId);
    }
}
