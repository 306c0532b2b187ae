namespace AiOs.Persistence.Approvals;

/// <summary>Where an approval stands.</summary>
public enum ApprovalState
{
    /// <summary>Waiting for the operator; the deadline has not passed.</summary>
    Pending,

    /// <summary>The deadline passed and the escalation notice went out; still waiting until the grace period ends.</summary>
    Escalated,

    /// <summary>Approved as proposed (by the operator, or by the default action of a low-risk kind).</summary>
    Approved,

    /// <summary>Approved with the operator's edited payload.</summary>
    EditedAndApproved,

    /// <summary>Rejected (by the operator, or by the default action); the action is never taken.</summary>
    Rejected,

    /// <summary>The grace period ended and the default action was "hold": nothing happens until the operator decides.</summary>
    Expired,
}

/// <summary>What an approval asks the operator.</summary>
public enum ApprovalKind
{
    /// <summary>Policy says the action needs the operator's approval before it is taken.</summary>
    Action,

    /// <summary>The action may have been delivered and cannot be repeated safely: approve to resend it, reject to mark it
    /// done without sending.</summary>
    OutcomeUnknown,
}

/// <summary>What happens when the grace period after an approval's deadline ends without a decision.</summary>
public enum ApprovalDefault
{
    /// <summary>Nothing: the goal keeps waiting for the operator.</summary>
    Hold,

    Reject,

    /// <summary>Approve as proposed; only ever applied to low-risk kinds (others are held).</summary>
    Approve,
}

/// <summary>An item of the approval queue: what will happen (summary and exact payload), why (the policy rule, the model's
/// confidence, the sources), until when, and what was decided.</summary>
/// <param name="ApprovalId">Its id, derived from the action's idempotency key so that asking twice finds the same item.</param>
/// <param name="Kind">What it asks.</param>
/// <param name="GoalId">The goal waiting for it.</param>
/// <param name="TaskId">The task that proposed the action.</param>
/// <param name="ActionKey">The action's idempotency key in the ledger.</param>
/// <param name="ActionKind">E.g. <c>email.send</c>.</param>
/// <param name="RiskClass">E.g. <c>low</c>, <c>medium</c>, <c>high</c>.</param>
/// <param name="Summary">What will happen, readable.</param>
/// <param name="Payload">Exactly what will be sent, as JSON.</param>
/// <param name="PolicyRule">The rule that asked for approval.</param>
/// <param name="PolicyReason">Why the rule applied.</param>
/// <param name="Confidence">The model's confidence in the proposal, 0 to 1.</param>
/// <param name="Sources">What the proposal was based on.</param>
/// <param name="Status">Where it stands.</param>
/// <param name="CreatedAt">When it was queued.</param>
/// <param name="Deadline">When the escalation notice goes out if nobody decided.</param>
/// <param name="GraceEndsAt">When the default action is taken if nobody decided.</param>
/// <param name="DefaultAction">What happens then.</param>
/// <param name="DecidedBy">Who decided (a key, or <c>default-action</c>).</param>
/// <param name="DecidedAt">When.</param>
/// <param name="DecisionReason">The comment or the reason of a rejection.</param>
/// <param name="FinalPayload">The payload to send once approved (the edited one, or the proposed one).</param>
/// <param name="EscalatedAt">When the escalation notice went out.</param>
/// <param name="Version">The row's version for compare-and-swap updates.</param>
public sealed record ApprovalRecord(
    string ApprovalId,
    ApprovalKind Kind,
    string GoalId,
    string TaskId,
    string ActionKey,
    string ActionKind,
    string RiskClass,
    string Summary,
    string Payload,
    string PolicyRule,
    string PolicyReason,
    double Confidence,
    IReadOnlyList<string> Sources,
    ApprovalState Status,
    DateTimeOffset CreatedAt,
    DateTimeOffset Deadline,
    DateTimeOffset GraceEndsAt,
    ApprovalDefault DefaultAction,
    string? DecidedBy = null,
    DateTimeOffset? DecidedAt = null,
    string? DecisionReason = null,
    string? FinalPayload = null,
    DateTimeOffset? EscalatedAt = null,
    long Version = 0)
{
    /// <summary>True once approved or rejected; an expired (held) approval can still be decided.</summary>
    public bool IsDecided => Status is ApprovalState.Approved or ApprovalState.EditedAndApproved or ApprovalState.Rejected;

    /// <summary>True when approved, as proposed or edited.</summary>
    public bool IsApproved => Status is ApprovalState.Approved or ApprovalState.EditedAndApproved;
}

/// <summary>Which approvals to list: any of <paramref name="Statuses"/> (all when empty), of a goal and an action kind
/// when given, by deadline then id, after the cursor.</summary>
public sealed record ApprovalQuery(
    IReadOnlyList<ApprovalState> Statuses,
    string? GoalId = null,
    string? ActionKind = null,
    DateTimeOffset? AfterDeadline = null,
    string? AfterId = null,
    int Limit = 100);
