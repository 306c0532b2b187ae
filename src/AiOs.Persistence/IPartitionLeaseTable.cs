namespace AiOs.Persistence;

/// <summary>The lease of one partition.</summary>
/// <param name="Partition">The partition.</param>
/// <param name="Owner">The owning silo (<see cref="SiloEntry.SiloId"/>), or null when free.</param>
/// <param name="Epoch">Grows at every change of owner; the fencing token.</param>
/// <param name="ExpiresAt">When the lease lapses unless renewed (database time), or null when free.</param>
public sealed record PartitionLease(int Partition, string? Owner, long Epoch, DateTimeOffset? ExpiresAt)
{
    /// <summary>The fence its owner attaches to writes in the partition.</summary>
    public LeaseFence Fence => new(Partition, Owner ?? string.Empty, Epoch);
}

/// <summary>Every lease, with the database's clock at the moment of reading.</summary>
public sealed record LeaseSnapshot(IReadOnlyList<PartitionLease> Leases, DateTimeOffset ReadAt);

/// <summary>Partition leases: which silo may serve which partition. All times are the database's. Every state and
/// reminder write of a partition carries its owner's <see cref="LeaseFence"/>, and the write statement itself refuses it
/// when the fence is no longer the current, unexpired lease.</summary>
public interface IPartitionLeaseTable
{
    /// <summary>Reads every lease.</summary>
    Task<LeaseSnapshot> ReadLeasesAsync(CancellationToken cancellationToken = default);

    /// <summary>Extends the leases <paramref name="owner"/> still holds at the given epochs (and that have not expired) by
    /// <paramref name="duration"/> from now. Returns those renewed; any other was lost.</summary>
    Task<IReadOnlyList<PartitionLease>> RenewAsync(string owner, IReadOnlyCollection<LeaseFence> held, TimeSpan duration, CancellationToken cancellationToken = default);

    /// <summary>Takes up to <paramref name="count"/> leases that are free or expired, preferring
    /// <paramref name="preferred"/> partitions, each with a new epoch. Safe against concurrent acquirers (each lease goes
    /// to one of them).</summary>
    Task<IReadOnlyList<PartitionLease>> AcquireAsync(string owner, int count, TimeSpan duration, IReadOnlyCollection<int> preferred, CancellationToken cancellationToken = default);

    /// <summary>Gives leases back at once (owner cleared, expired now), so that another silo can take them without
    /// waiting for them to lapse. Leases no longer held at those epochs are ignored.</summary>
    Task ReleaseAsync(string owner, IReadOnlyCollection<LeaseFence> held, CancellationToken cancellationToken = default);
}
