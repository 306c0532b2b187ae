namespace AiOs.Connectors.Resilience;

/// <summary>How a connector is doing, for the operator (the dashboard and <c>/connectors</c> show it).</summary>
public enum ConnectorState
{
    /// <summary>The last attempt went through (or none was made yet).</summary>
    Healthy,

    /// <summary>Recent attempts failed, but the circuit is closed.</summary>
    Degraded,

    /// <summary>The circuit is open: calls are refused without trying until it half-opens.</summary>
    Unavailable,

    /// <summary>Dry-run mode: nothing is sent.</summary>
    DryRun,
}

/// <summary>A connector's health. <see cref="LastError"/> has passed through the connector's redaction: no credentials.</summary>
public sealed record ConnectorHealthReport(
    string Connector,
    ConnectorState State,
    string Circuit,
    int ConsecutiveFailures,
    DateTimeOffset? LastSuccessAt,
    DateTimeOffset? LastFailureAt,
    string? LastError,
    long Attempts,
    long DryRuns);

/// <summary>A connector that reports its health.</summary>
public interface IConnectorHealth
{
    ConnectorHealthReport Health();
}
