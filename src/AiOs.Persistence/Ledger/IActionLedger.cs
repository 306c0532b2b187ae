namespace AiOs.Persistence.Ledger;

/// <summary>The outbox of external side effects. An intent is written before any call and its result after, so that after
/// a crash every action's state is known: never sent, maybe sent, confirmed, refused. Implementations own their SQL.
/// Every method may throw <see cref="StorageUnavailableException"/> (for a write, the outcome is then unknown).</summary>
public interface IActionLedger
{
    /// <summary>Records <paramref name="intent"/> with status <paramref name="initialStatus"/> (<see cref="ActionStatus.Pending"/>
    /// or <see cref="ActionStatus.AwaitingApproval"/>) when its key is new, and returns the entry. When the key exists
    /// the stored entry is returned unchanged, whatever its request: the first intent of a key is the one that counts.</summary>
    /// <exception cref="ArgumentException">The intent is malformed (empty key, request that is not JSON, ...).</exception>
    Task<ActionEntry> RecordIntentAsync(ActionIntent intent, ActionStatus initialStatus, StorageWriter writer, CancellationToken cancellationToken = default);

    /// <summary>The entry of <paramref name="key"/>, or null.</summary>
    Task<ActionEntry?> ReadAsync(string key, CancellationToken cancellationToken = default);

    /// <summary>The entries of a goal, by task and step.</summary>
    Task<IReadOnlyList<ActionEntry>> ReadGoalAsync(string goalId, CancellationToken cancellationToken = default);

    /// <summary>Up to <paramref name="limit"/> entries in <paramref name="status"/>, oldest first.</summary>
    Task<IReadOnlyList<ActionEntry>> ReadByStatusAsync(ActionStatus status, int limit, CancellationToken cancellationToken = default);

    /// <summary>Moves <paramref name="current"/> to <paramref name="transition"/>'s status if the row still has
    /// <paramref name="current"/>'s version (compare-and-swap). Returns the updated entry, or null when another writer
    /// changed it first (then re-read it).</summary>
    /// <exception cref="InvalidOperationException">The change is not allowed (<see cref="ActionStatusRules"/>).</exception>
    Task<ActionEntry?> TransitionAsync(ActionEntry current, ActionTransition transition, StorageWriter writer, CancellationToken cancellationToken = default);

    /// <summary>Erases what the actions of <paramref name="goalId"/> carried (request becomes <c>{}</c>; result, error and
    /// resolution become null) and keeps their keys, kinds, targets, status and attempts, so that the ledger still shows
    /// what was done and an action is still never repeated. Returns how many entries were changed; a second call changes
    /// none.</summary>
    Task<long> EraseGoalActionsAsync(string goalId, CancellationToken cancellationToken = default);
}
