using AiOs.Persistence;
using AiOs.Persistence.Ledger;

namespace AiOs.Workforce.Actions;

/// <summary>Where an action stands after <see cref="ActionRunner.RunAsync"/>.</summary>
public sealed record ActionOutcome(string Key, ActionStatus Status, string? Result, string? Error)
{
    public bool Done => Status == ActionStatus.Succeeded;
}

/// <summary>Takes external actions through the ledger: the intent (with its deterministic idempotency key) is written
/// before the call, the attempt is counted in the same write that marks it as sending, and the result is written after.
/// On resume a <see cref="ActionStatus.Sending"/> entry (a call that may have been delivered) is never blindly repeated:
/// a connector that honours idempotency keys gets the same key again; otherwise the action becomes
/// <see cref="ActionStatus.OutcomeUnknown"/> for the operator to resend or mark done.</summary>
public sealed class ActionRunner(IActionLedger ledger, IEnumerable<IConnector> connectors)
{
    private readonly IReadOnlyList<IConnector> _connectors = [.. connectors];

    public async Task<ActionOutcome> RunAsync(ActionIntent intent, bool needsApproval, StorageWriter writer, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(intent);
        var connector = _connectors.FirstOrDefault(c => c.Actions.Contains(intent.Action, StringComparer.Ordinal))
            ?? throw new InvalidOperationException($"No connector is configured for action '{intent.Action}'.");
        var entry = await ledger.RecordIntentAsync(intent, needsApproval ? ActionStatus.AwaitingApproval : ActionStatus.Pending, writer, cancellationToken).ConfigureAwait(false);
        while (true)
        {
            switch (entry.Status)
            {
                case ActionStatus.Pending:
                    entry = await Transition(entry, new ActionTransition(ActionStatus.Sending, CountAttempt: true), writer, cancellationToken).ConfigureAwait(false);
                    entry = await CallAsync(connector, entry, writer, cancellationToken).ConfigureAwait(false);
                    break;
                case ActionStatus.Sending when connector.AcceptsIdempotencyKey:
                    // Found mid-call (the process died after the intent, before the result): the other side may have it,
                    // and will drop the duplicate by its key.
                    entry = await Transition(entry, new ActionTransition(ActionStatus.Sending, CountAttempt: true), writer, cancellationToken).ConfigureAwait(false);
                    entry = await CallAsync(connector, entry, writer, cancellationToken).ConfigureAwait(false);
                    break;
                case ActionStatus.Sending:
                    entry = await Transition(entry, new ActionTransition(ActionStatus.OutcomeUnknown,
                        Error: "outcome unknown: the call may have been delivered and the connector cannot repeat it safely; resend or mark done"), writer, cancellationToken).ConfigureAwait(false);
                    break;
                default:
                    return new ActionOutcome(entry.Key, entry.Status, entry.Result, entry.Error);
            }
        }
    }

    /// <summary>The operator's "resend" of an action whose outcome is unknown: counted, sent again with the same key.</summary>
    public async Task<ActionOutcome> ResendAsync(ActionEntry unknown, StorageWriter writer, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(unknown);
        var connector = _connectors.FirstOrDefault(c => c.Actions.Contains(unknown.Action, StringComparer.Ordinal))
            ?? throw new InvalidOperationException($"No connector is configured for action '{unknown.Action}'.");
        var sending = await Transition(unknown, new ActionTransition(ActionStatus.Sending, CountAttempt: true), writer, cancellationToken).ConfigureAwait(false);
        var entry = await CallAsync(connector, sending, writer, cancellationToken).ConfigureAwait(false);
        return new ActionOutcome(entry.Key, entry.Status, entry.Result, entry.Error);
    }

    private async Task<ActionEntry> CallAsync(IConnector connector, ActionEntry sending, StorageWriter writer, CancellationToken cancellationToken)
    {
        var result = await connector.SendAsync(sending.Action, sending.Request, sending.Key, cancellationToken).ConfigureAwait(false);
        var transition = result.Outcome switch
        {
            ConnectorOutcome.Succeeded => new ActionTransition(ActionStatus.Succeeded, Result: result.ResultJson),
            ConnectorOutcome.Refused => new ActionTransition(ActionStatus.Failed, Result: result.ResultJson, Error: result.Error),
            ConnectorOutcome.NotDelivered => new ActionTransition(ActionStatus.Pending, Error: result.Error),
            _ when connector.AcceptsIdempotencyKey => new ActionTransition(ActionStatus.Pending, Error: result.Error),
            _ => new ActionTransition(ActionStatus.OutcomeUnknown, Result: result.ResultJson, Error: result.Error),
        };
        var next = await Transition(sending, transition, writer, cancellationToken).ConfigureAwait(false);

        // A transient failure is not retried here: the task fails this attempt and the coordinator retries it with backoff.
        return next.Status == ActionStatus.Pending ? throw new ActionNotSettledException($"action {next.Key} ({next.Action}) did not go through: {next.Error}") : next;
    }

    private async Task<ActionEntry> Transition(ActionEntry current, ActionTransition transition, StorageWriter writer, CancellationToken cancellationToken) =>
        await ledger.TransitionAsync(current, transition, writer, cancellationToken).ConfigureAwait(false)
        ?? throw new ActionNotSettledException($"action {current.Key} was changed by another writer; it will be re-read on the next attempt");
}

/// <summary>An action did not reach a final state this time; the task that needs it may be retried.</summary>
public sealed class ActionNotSettledException : Exception
{
    public ActionNotSettledException(string message)
        : base(message)
    {
    }

    public ActionNotSettledException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public ActionNotSettledException()
    {
    }
}
