namespace AiOs.Persistence.Approvals;

/// <summary>The approval queue and the log of policy decisions. Implementations own their SQL; every method may throw
/// <see cref="StorageUnavailableException"/>.</summary>
public interface IApprovalStore
{
    /// <summary>Queues <paramref name="approval"/> when its id is new and returns what is stored: when the id exists the stored
    /// item is returned unchanged (the first one counts, as for ledger intents).</summary>
    /// <exception cref="ArgumentException">The item is malformed (empty id, payload that is not JSON, ...).</exception>
    Task<ApprovalRecord> CreateApprovalAsync(ApprovalRecord approval, StorageWriter writer, CancellationToken cancellationToken = default);

    /// <summary>One item, or null.</summary>
    Task<ApprovalRecord?> ReadApprovalAsync(string approvalId, CancellationToken cancellationToken = default);

    /// <summary>Items by deadline, then id.</summary>
    Task<IReadOnlyList<ApprovalRecord>> ListApprovalsAsync(ApprovalQuery query, CancellationToken cancellationToken = default);

    /// <summary>Stores the decision fields of <paramref name="updated"/> (status, decided by/at, reason, final payload,
    /// escalated at) if the row still has <paramref name="updated"/>'s <see cref="ApprovalRecord.Version"/>
    /// (compare-and-swap). Returns the stored item with its new version, or null when another writer changed it first.</summary>
    Task<ApprovalRecord?> UpdateApprovalAsync(ApprovalRecord updated, StorageWriter writer, CancellationToken cancellationToken = default);

    /// <summary>Logs <paramref name="decision"/> unless its action key already has one; returns the stored decision (the
    /// first one), with its sequence.</summary>
    Task<PolicyDecisionRecord> RecordPolicyDecisionAsync(PolicyDecisionRecord decision, StorageWriter writer, CancellationToken cancellationToken = default);

    /// <summary>Decisions, newest first.</summary>
    Task<IReadOnlyList<PolicyDecisionRecord>> ListPolicyDecisionsAsync(PolicyDecisionQuery query, CancellationToken cancellationToken = default);

    /// <summary>True when a side effect for <paramref name="recipient"/> was decided before, other than the one keyed
    /// <paramref name="exceptActionKey"/>.</summary>
    Task<bool> HasRecipientAsync(string recipient, string exceptActionKey, CancellationToken cancellationToken = default);

    /// <summary>Erases the personal part of <paramref name="goalId"/>'s approvals (summary, payloads, sources, the
    /// decision's comment) and the recipients of its policy decisions, keeping ids, kinds, rules, statuses and times.
    /// Returns how many rows were changed; a second call changes none.</summary>
    Task<long> EraseGoalApprovalsAsync(string goalId, CancellationToken cancellationToken = default);
}
