using AiOs.Persistence;

namespace AiOs.Runtime.Placement;

/// <summary>Which partitions of the grain space this silo may serve. A grain is activated only on the owner of its
/// partition, its state writes carry the owner's fence, and its reminders are fired by the owner. A single silo owns
/// every partition; the cluster supplies an implementation backed by leases.</summary>
public interface IPartitionOwnership
{
    /// <summary>Number of partitions.</summary>
    int PartitionCount { get; }

    /// <summary>True when this silo currently holds <paramref name="partition"/>.</summary>
    bool Owns(int partition);

    /// <summary>The fence to attach to writes of <paramref name="partition"/>, or null when none is needed (single silo).</summary>
    /// <exception cref="LeaseLostException">This silo does not own the partition.</exception>
    LeaseFence? GetFence(int partition);

    /// <summary>The partitions held now.</summary>
    IReadOnlyCollection<int> OwnedPartitions { get; }

    /// <summary>Raised after partitions were acquired.</summary>
    event Action<IReadOnlyCollection<int>>? PartitionsAcquired;

    /// <summary>Raised after partitions were lost or released.</summary>
    event Action<IReadOnlyCollection<int>>? PartitionsLost;
}

/// <summary>The ownership of a silo that is alone: every partition, no fencing.</summary>
internal sealed class SingleSiloOwnership(int partitionCount) : IPartitionOwnership
{
    private readonly int[] _all = Enumerable.Range(0, partitionCount).ToArray();

    public int PartitionCount => partitionCount;

    public IReadOnlyCollection<int> OwnedPartitions => _all;

    public bool Owns(int partition) => (uint)partition < (uint)partitionCount;

    public LeaseFence? GetFence(int partition) => null;

    public event Action<IReadOnlyCollection<int>>? PartitionsAcquired
    {
        add { }
        remove { }
    }

    public event Action<IReadOnlyCollection<int>>? PartitionsLost
    {
        add { }
        remove { }
    }
}
