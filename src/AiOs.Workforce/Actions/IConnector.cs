namespace AiOs.Workforce.Actions;

/// <summary>What a connector call came to.</summary>
public enum ConnectorOutcome
{
    /// <summary>The other side confirmed it.</summary>
    Succeeded,

    /// <summary>The other side refused it for good (e.g. HTTP 4xx).</summary>
    Refused,

    /// <summary>It certainly did not reach the other side (e.g. connection refused); sending again is safe.</summary>
    NotDelivered,

    /// <summary>It may or may not have been delivered (e.g. a timeout after sending).</summary>
    Unknown,
}

/// <summary>A connector's answer.</summary>
public sealed record ConnectorResult(ConnectorOutcome Outcome, string? ResultJson = null, string? Error = null);

/// <summary>A way to act on the outside world (email, webhook, calendar). Connectors are thin: retries, reconciliation and
/// exactly-once bookkeeping are the ledger's (<see cref="ActionRunner"/>).</summary>
public interface IConnector
{
    /// <summary>The actions it performs, e.g. <c>webhook.post</c>.</summary>
    IReadOnlyList<string> Actions { get; }

    /// <summary>True when the other side honours an idempotency key, so that an action whose outcome is unknown may be
    /// sent again with the same key.</summary>
    bool AcceptsIdempotencyKey { get; }

    Task<ConnectorResult> SendAsync(string action, string requestJson, string idempotencyKey, CancellationToken cancellationToken);
}
