namespace AiOs.Persistence.Ledger;

/// <summary>An action as the ledger records it.</summary>
/// <param name="Key">Its idempotency key.</param>
/// <param name="GoalId">The goal it serves.</param>
/// <param name="TaskId">The task that asked for it.</param>
/// <param name="Step">Its position among its task's actions.</param>
/// <param name="Action">What to do.</param>
/// <param name="Target">The connector to do it with.</param>
/// <param name="Request">What is (or was) sent, as JSON.</param>
/// <param name="Status">Where it stands.</param>
/// <param name="Attempts">How many calls were started (each is counted before the call is made).</param>
/// <param name="Result">The other side's answer as JSON, once known.</param>
/// <param name="Error">Why it failed or why its outcome is unknown.</param>
/// <param name="Resolution">How the operator settled it (for example <c>marked-done by operator</c>), when they did.</param>
/// <param name="Version">The row's version, for compare-and-swap transitions; changes on every transition.</param>
/// <param name="CreatedAt">When the intent was recorded.</param>
/// <param name="UpdatedAt">When it last changed.</param>
/// <param name="UpdatedBy">The silo that last changed it.</param>
public sealed record ActionEntry(
    string Key,
    string GoalId,
    string TaskId,
    int Step,
    string Action,
    string Target,
    string Request,
    ActionStatus Status,
    int Attempts,
    string? Result,
    string? Error,
    string? Resolution,
    long Version,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    string UpdatedBy);

/// <summary>A change of an action's status.</summary>
/// <param name="Status">The new status.</param>
/// <param name="CountAttempt">True when a call is about to be made: <see cref="ActionEntry.Attempts"/> grows by one, in the
/// same write that records <see cref="ActionStatus.Sending"/>.</param>
/// <param name="Result">The other side's answer as JSON (kept when null).</param>
/// <param name="Error">Why it failed or is unknown (replaced, null clears it).</param>
/// <param name="Resolution">How the operator settled it (kept when null).</param>
/// <param name="Request">What will be sent instead of the recorded request (kept when null); only when an approval clears
/// the action (<see cref="ActionStatus.AwaitingApproval"/> to <see cref="ActionStatus.Pending"/>), so that an operator's edit
/// is what goes out, and nothing that may already have been sent is ever rewritten.</param>
public sealed record ActionTransition(ActionStatus Status, bool CountAttempt = false, string? Result = null, string? Error = null, string? Resolution = null, string? Request = null);
