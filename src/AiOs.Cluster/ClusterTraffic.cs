namespace AiOs.Cluster;

/// <summary>How many grain calls this silo forwarded to peers and received from them since it started (for the
/// dashboard). Counted on the forwarding path only, which already costs a network hop, so an increment is free.</summary>
public sealed class ClusterTraffic
{
    private long _forwarded;
    private long _received;

    /// <summary>Calls sent to the silo that owns their partition (a call re-sent after a partition moved counts again).</summary>
    public long Forwarded => Volatile.Read(ref _forwarded);

    /// <summary>Calls other silos sent here.</summary>
    public long Received => Volatile.Read(ref _received);

    internal void CountForwarded() => Interlocked.Increment(ref _forwarded);

    internal void CountReceived() => Interlocked.Increment(ref _received);
}
