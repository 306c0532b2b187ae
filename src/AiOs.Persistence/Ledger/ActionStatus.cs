namespace AiOs.Persistence.Ledger;

/// <summary>Where an external action stands in the ledger.</summary>
public enum ActionStatus
{
    /// <summary>Recorded; waits for the operator to approve it before anything is sent.</summary>
    AwaitingApproval,

    /// <summary>Recorded and cleared to send; nothing has been sent yet.</summary>
    Pending,

    /// <summary>A call was started (and counted in <see cref="ActionEntry.Attempts"/>) before its result was recorded: it
    /// may or may not have reached the other side. Found after a crash, it is reconciled, never blindly repeated.</summary>
    Sending,

    /// <summary>The other side confirmed it, or the operator marked it done.</summary>
    Succeeded,

    /// <summary>The other side refused it for good (for example HTTP 4xx).</summary>
    Failed,

    /// <summary>A call may have been delivered, the connector cannot repeat it safely (no idempotency key), and only the
    /// operator can say: resend, or mark done.</summary>
    OutcomeUnknown,

    /// <summary>The operator rejected it; it will never be sent.</summary>
    Rejected,
}
