namespace AiOs.Persistence.Approvals;

/// <summary>What policy says about a side effect.</summary>
public enum PolicyVerdict
{
    Auto,
    NeedsApproval,
    Refused,
}

/// <summary>A logged policy decision: one per side effect (its ledger key), naming the rule that decided it.</summary>
/// <param name="ActionKey">The action's idempotency key; the first decision of a key is the one that counts.</param>
/// <param name="GoalId">The goal.</param>
/// <param name="TaskId">The task.</param>
/// <param name="ActionKind">E.g. <c>email.send</c>.</param>
/// <param name="Outcome">Auto, needs approval, or refused.</param>
/// <param name="Rule">The rule that decided.</param>
/// <param name="Reason">Why it applied, readable.</param>
/// <param name="Recipient">Who the action goes to, when known (for "is the recipient new").</param>
/// <param name="PolicyVersion">The version of the policy that decided.</param>
/// <param name="DecidedAt">When.</param>
/// <param name="Sequence">Its place in the log, assigned by the store.</param>
public sealed record PolicyDecisionRecord(
    string ActionKey,
    string GoalId,
    string TaskId,
    string ActionKind,
    PolicyVerdict Outcome,
    string Rule,
    string Reason,
    string? Recipient,
    string PolicyVersion,
    DateTimeOffset DecidedAt,
    long Sequence = 0);

/// <summary>Which decisions to list, newest first: of a goal, with one of <paramref name="Outcomes"/> (any when empty),
/// older than <paramref name="BeforeSequence"/> when given.</summary>
public sealed record PolicyDecisionQuery(string? GoalId, IReadOnlyList<PolicyVerdict> Outcomes, long? BeforeSequence = null, int Limit = 100);
