namespace AiOs.Persistence;

/// <summary>Where a silo is in its life in the cluster.</summary>
public enum SiloStatus
{
    /// <summary>Registered, not yet serving.</summary>
    Joining,

    /// <summary>Serving.</summary>
    Active,

    /// <summary>Handing its partitions back before it stops.</summary>
    ShuttingDown,

    /// <summary>Stopped, or declared dead by the others. A silo that reads this about itself stops at once.</summary>
    Dead,
}

/// <summary>One silo process in the membership table. A restart is a new generation: a new row.</summary>
/// <param name="Name">The silo's configured name.</param>
/// <param name="Generation">Distinguishes successive processes of one name (a start timestamp).</param>
/// <param name="Address">Where other silos reach it (host:port of its silo-to-silo endpoint).</param>
/// <param name="Status">Its status.</param>
/// <param name="StartedAt">When it joined (database time).</param>
/// <param name="LastHeartbeat">Its last heartbeat (database time).</param>
/// <param name="DeclaredDeadBy">The silo that declared it dead, if another one did.</param>
public sealed record SiloEntry(
    string Name,
    long Generation,
    string Address,
    SiloStatus Status,
    DateTimeOffset StartedAt,
    DateTimeOffset LastHeartbeat,
    string? DeclaredDeadBy = null)
{
    /// <summary>The silo's identity in leases and logs: <c>name@generation</c>.</summary>
    public string SiloId => $"{Name}@{Generation}";
}

/// <summary>The membership table as read at one moment.</summary>
/// <param name="Version">The table's version; every change of membership (not a heartbeat) increases it by one.</param>
/// <param name="Silos">Every silo row.</param>
/// <param name="ReadAt">The database's clock when it was read: staleness is judged on one clock, never on each silo's.</param>
public sealed record MembershipSnapshot(long Version, IReadOnlyList<SiloEntry> Silos, DateTimeOffset ReadAt);

/// <summary>What the cluster agreed once, at its creation: the partition count, and the secret silos authenticate each
/// other with (generated when not configured).</summary>
public sealed record ClusterInfo(int PartitionCount, string Secret);

/// <summary>The cluster's membership, totally ordered by a version changed only by compare-and-swap. Implemented by
/// storage providers that support several silos (PostgreSQL); SQLite is single-silo and does not.</summary>
public interface IMembershipTable
{
    /// <summary>Creates the cluster (its partition count, its secret, one lease row per partition) when it does not exist,
    /// and returns what is recorded. A silo configured with another partition count must not start.</summary>
    /// <param name="partitionCount">This silo's configured partition count.</param>
    /// <param name="configuredSecret">This silo's configured cluster secret, or null to use (or create) the stored one.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <exception cref="InvalidOperationException">The cluster exists with a different partition count, or with a
    /// different configured secret.</exception>
    Task<ClusterInfo> InitializeClusterAsync(int partitionCount, string? configuredSecret, CancellationToken cancellationToken = default);

    /// <summary>Reads every silo, the table's version and the database's clock.</summary>
    Task<MembershipSnapshot> ReadAsync(CancellationToken cancellationToken = default);

    /// <summary>Adds a silo if the table is still at <paramref name="expectedVersion"/>. False when it changed meanwhile.</summary>
    Task<bool> JoinAsync(SiloEntry silo, long expectedVersion, CancellationToken cancellationToken = default);

    /// <summary>Sets a silo's status if the table is still at <paramref name="expectedVersion"/> and the silo is not dead.
    /// False when the table changed meanwhile or the silo is dead.</summary>
    Task<bool> UpdateStatusAsync(string name, long generation, SiloStatus status, long expectedVersion, CancellationToken cancellationToken = default);

    /// <summary>Declares a silo dead if the table is still at <paramref name="expectedVersion"/> and the silo's last
    /// heartbeat is older than <paramref name="timeout"/> by the database's clock. False otherwise.</summary>
    Task<bool> DeclareDeadAsync(string name, long generation, TimeSpan timeout, string declaredBy, long expectedVersion, CancellationToken cancellationToken = default);

    /// <summary>Records a heartbeat (database time). Returns false when the silo has been declared dead (or is unknown):
    /// it must stop serving at once.</summary>
    Task<bool> HeartbeatAsync(string name, long generation, CancellationToken cancellationToken = default);
}
