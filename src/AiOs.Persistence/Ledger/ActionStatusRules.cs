namespace AiOs.Persistence.Ledger;

/// <summary>Which status changes the ledger allows. Both providers refuse any other, so a bug cannot, for example, turn a
/// sent action back into one that is merely pending (and so sendable without reconciliation).</summary>
public static class ActionStatusRules
{
    /// <summary>True when an action may go from <paramref name="from"/> to <paramref name="to"/>.</summary>
    public static bool IsAllowed(ActionStatus from, ActionStatus to) => (from, to) switch
    {
        (ActionStatus.AwaitingApproval, ActionStatus.Pending or ActionStatus.Rejected) => true,
        (ActionStatus.Pending, ActionStatus.Sending) => true,

        // After a call: confirmed, refused, definitely not delivered (back to pending), unknown, or sent again with the
        // same idempotency key.
        (ActionStatus.Sending, ActionStatus.Succeeded or ActionStatus.Failed or ActionStatus.Pending or ActionStatus.OutcomeUnknown or ActionStatus.Sending) => true,

        // The operator's answers: resend, or mark done.
        (ActionStatus.OutcomeUnknown, ActionStatus.Sending or ActionStatus.Succeeded) => true,
        (ActionStatus.Failed, ActionStatus.Sending) => true,
        _ => false,
    };

    /// <summary>True for statuses nothing can leave.</summary>
    public static bool IsFinal(ActionStatus status) => status is ActionStatus.Succeeded or ActionStatus.Rejected;

    /// <summary>Throws <see cref="InvalidOperationException"/> naming the action when the change is not allowed.</summary>
    public static void EnsureAllowed(string key, ActionStatus from, ActionStatus to)
    {
        if (!IsAllowed(from, to))
        {
            throw new InvalidOperationException($"Action '{key}' cannot go from {from} to {to}.");
        }
    }
}
