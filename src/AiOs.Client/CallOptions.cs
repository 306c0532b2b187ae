namespace AiOs.Client;

/// <summary>Per-call settings.</summary>
/// <param name="Timeout">The call's deadline from now; the client's default when null. For streams, no deadline when null.</param>
/// <param name="CancellationToken">Cancels the call.</param>
public readonly record struct CallOptions(TimeSpan? Timeout = null, CancellationToken CancellationToken = default);
