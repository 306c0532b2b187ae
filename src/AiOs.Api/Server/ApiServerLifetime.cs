namespace AiOs.Api.Server;

/// <summary>When the API server started, and a token cancelled when it begins to stop (so that open streams end).</summary>
public sealed class ApiServerLifetime : IDisposable
{
    private readonly CancellationTokenSource _stopping = new();

    /// <summary>When the server started listening.</summary>
    public DateTimeOffset StartedAt { get; internal set; }

    /// <summary>Cancelled when the server stops.</summary>
    public CancellationToken Stopping => _stopping.Token;

    internal void Stop() => _stopping.Cancel();

    /// <inheritdoc />
    public void Dispose() => _stopping.Dispose();
}
