using AiOs.Persistence.Approvals;

namespace AiOs.Workforce.Approvals;

/// <summary>What the operator decides.</summary>
public enum ApprovalChoice
{
    Approve,
    Reject,
    EditAndApprove,
}

/// <summary>An operator's decision on an approval.</summary>
/// <param name="Choice">Approve, reject, or edit and approve.</param>
/// <param name="Actor">Who decides (e.g. <c>key:abc</c>).</param>
/// <param name="Reason">The comment, or for a rejection the reason (required).</param>
/// <param name="EditedPayload">With <see cref="ApprovalChoice.EditAndApprove"/>: the JSON to send instead.</param>
public sealed record ApprovalDecision(ApprovalChoice Choice, string Actor, string? Reason = null, string? EditedPayload = null);

/// <summary>One item of the approval queue, keyed by its id: opened by the task that proposes the action, decided by the
/// operator once, and watched by a durable reminder for its deadline (escalation notice once, then the default action
/// once).</summary>
public interface IApprovalGrain : IGrainWithStringKey
{
    /// <summary>Queues <paramref name="proposal"/> (its id must be this grain's key) unless it exists; returns what is
    /// stored.</summary>
    Task<ApprovalRecord> Open(ApprovalRecord proposal);

    /// <summary>The item, or null when there is none.</summary>
    [ReadOnly]
    Task<ApprovalRecord?> Get();

    /// <summary>Decides the item and wakes its goal. The same decision again returns it unchanged; a different decision on
    /// a decided item throws <see cref="ApprovalAlreadyDecidedException"/>; an unknown id throws
    /// <see cref="ApprovalNotFoundException"/>; a bad decision (no reason for a rejection, an edit that is not JSON)
    /// throws <see cref="ArgumentException"/>. Nothing changes when it throws.</summary>
    Task<ApprovalRecord> Decide(ApprovalDecision decision);
}
