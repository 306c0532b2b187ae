using AiOs.Persistence;

namespace AiOs.Cluster.Routing;

/// <summary>Where each partition is served: the address of the silo holding its lease, as of the last lease round. A
/// hint, never the authority: the receiving silo checks its own lease and sends back calls it does not own, and the
/// entry is then dropped until the next round (or an early refresh) says where the partition went.</summary>
internal sealed class PartitionDirectory(int partitionCount)
{
    private string?[] _addresses = new string?[partitionCount];
    private Action _refresh = static () => { };

    /// <summary>Raised after every update, so that calls waiting for an owner can be sent.</summary>
    public event Action? Updated;

    /// <summary>Number of partitions.</summary>
    public int PartitionCount => partitionCount;

    /// <summary>The address of the silo serving <paramref name="partition"/>, or null when this silo holds it, when it
    /// is free, or when it is moving.</summary>
    public string? AddressOf(int partition) => Volatile.Read(ref _addresses)[partition];

    /// <summary>Sets what an early refresh does (a lease round asked for ahead of time).</summary>
    public void OnRefreshRequested(Action refresh) => _refresh = refresh;

    /// <summary>Rebuilds the directory from a lease snapshot and the silos' addresses. Leases held by this silo, expired
    /// ones, and those of silos without a known address map to null.</summary>
    public void Update(LeaseSnapshot leases, IReadOnlyDictionary<string, string> addressBySilo, string localSiloId)
    {
        var next = new string?[partitionCount];
        foreach (var lease in leases.Leases)
        {
            if (lease.Partition >= partitionCount || lease.Owner is null || lease.Owner == localSiloId || lease.ExpiresAt <= leases.ReadAt)
            {
                continue;
            }

            next[lease.Partition] = addressBySilo.GetValueOrDefault(lease.Owner);
        }

        Volatile.Write(ref _addresses, next);
        Updated?.Invoke();
    }

    /// <summary>The silo at <paramref name="address"/> did not take a call for <paramref name="partition"/>: forget it as
    /// the owner and ask for a fresh look at the leases.</summary>
    public void Invalidate(int partition, string address)
    {
        var addresses = Volatile.Read(ref _addresses);
        Interlocked.CompareExchange(ref addresses[partition], null, address);
        _refresh();
    }
}
