namespace AiOs.Cluster;

/// <summary>What the host needs to know about this silo's membership when it ends: whether the cluster declared it dead
/// (the process then exits with a failure code, so that an orchestrator restarts it as a new generation).</summary>
public sealed class ClusterStatus
{
    private volatile string? _siloId;
    private volatile bool _declaredDead;

    /// <summary>This silo's id in the cluster (<c>name@generation</c>), once joined.</summary>
    public string? SiloId
    {
        get => _siloId;
        internal set => _siloId = value;
    }

    /// <summary>True once the other silos declared this one dead; it has stopped serving.</summary>
    public bool DeclaredDead
    {
        get => _declaredDead;
        internal set => _declaredDead = value;
    }
}
