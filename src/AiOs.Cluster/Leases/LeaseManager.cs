using AiOs.Cluster.Configuration;
using AiOs.Persistence;
using AiOs.Runtime.Placement;
using Microsoft.Extensions.Logging;

namespace AiOs.Cluster.Leases;

/// <summary>The partitions this silo holds, and the rounds that keep them: renew what is held, take free or lapsed
/// leases up to a fair share, and hand back surplus. Ownership is judged on this silo's monotonic clock: a lease counts
/// as held until the moment its renewal was <em>requested</em> plus the lease duration minus a safety margin, which is
/// never later than the database's own expiry. So a silo that is paused or cut off stops serving a partition before the
/// database would let anyone else take it, and the database refuses its writes after that in any case.</summary>
internal sealed class LeaseManager : IPartitionOwnership
{
    private readonly IPartitionLeaseTable _table;
    private readonly ClusterOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly long[] _validUntil;
    private readonly long[] _epoch;
    private readonly bool[] _releasing;
    private readonly long _validityTicks;
    private readonly object _gate = new();

    public LeaseManager(int partitionCount, IPartitionLeaseTable table, ClusterOptions options, TimeProvider time, ILogger logger)
    {
        PartitionCount = partitionCount;
        _table = table;
        _options = options;
        _time = time;
        _logger = logger;
        _validUntil = new long[partitionCount];
        _epoch = new long[partitionCount];
        _releasing = new bool[partitionCount];
        _validityTicks = (long)((options.LeaseDuration - options.LeaseSafetyMargin).TotalSeconds * time.TimestampFrequency);
    }

    public int PartitionCount { get; }

    /// <summary>The owner name in the lease table (<see cref="SiloEntry.SiloId"/>); set when the silo joins.</summary>
    public string SiloId { get; set; } = string.Empty;

    /// <summary>Deactivates the activations of partitions about to be handed back, and returns when they are done (so
    /// that their last writes still carry a valid lease). Set by the cluster agent.</summary>
    public Func<IReadOnlySet<int>, Task> Drain { get; set; } = static _ => Task.CompletedTask;

    public IReadOnlyCollection<int> OwnedPartitions
    {
        get
        {
            var now = _time.GetTimestamp();
            var owned = new List<int>();
            for (var p = 0; p < PartitionCount; p++)
            {
                if (IsValid(p, now) && !Volatile.Read(ref _releasing[p]))
                {
                    owned.Add(p);
                }
            }

            return owned;
        }
    }

    public event Action<IReadOnlyCollection<int>>? PartitionsAcquired;

    public event Action<IReadOnlyCollection<int>>? PartitionsLost;

    public bool Owns(int partition) => !Volatile.Read(ref _releasing[partition]) && IsValid(partition, _time.GetTimestamp());

    /// <summary>The fence of a partition whose lease is still valid, including one being handed back: activations that
    /// deactivate during a hand-off still write their last state under it.</summary>
    public LeaseFence? GetFence(int partition)
    {
        lock (_gate)
        {
            if (!IsValid(partition, _time.GetTimestamp()))
            {
                throw new LeaseLostException($"This silo does not hold the lease of partition {partition} (any more).");
            }

            return new LeaseFence(partition, SiloId, _epoch[partition]);
        }
    }

    /// <summary>One round: renew, notice lapses, then take or hand back leases toward a fair share of
    /// <paramref name="servingSilos"/> (this one included). Returns the lease snapshot read, for the directory, or null
    /// when the table could not be reached (leases then lapse on their own schedule).</summary>
    public async Task<LeaseSnapshot?> RunRoundAsync(IReadOnlyCollection<string> servingSilos, bool mayAcquire, CancellationToken cancellationToken)
    {
        try
        {
            await RenewAsync(cancellationToken).ConfigureAwait(false);
            var snapshot = await _table.ReadLeasesAsync(cancellationToken).ConfigureAwait(false);
            if (mayAcquire)
            {
                await BalanceAsync(snapshot, servingSilos, cancellationToken).ConfigureAwait(false);
            }

            return snapshot;
        }
        catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            Log.LeasesUnreachable(_logger, exception.Message);
            return null;
        }
        finally
        {
            RaiseLapsed();
        }
    }

    /// <summary>Hands back every lease this silo holds, after its activations have finished (the graceful end).</summary>
    public Task ReleaseAllAsync(CancellationToken cancellationToken) => ReleaseAsync(OwnedPartitions.ToHashSet(), cancellationToken);

    /// <summary>Stops serving everything at once, without touching the table (this silo was declared dead, or it cannot
    /// trust its state): the leases lapse on their own and others take them.</summary>
    public void Abandon()
    {
        var lost = new List<int>();
        lock (_gate)
        {
            for (var p = 0; p < PartitionCount; p++)
            {
                if (_validUntil[p] != 0)
                {
                    Volatile.Write(ref _validUntil[p], 0);
                    lost.Add(p);
                }
            }
        }

        if (lost.Count > 0)
        {
            PartitionsLost?.Invoke(lost);
        }
    }

    private async Task RenewAsync(CancellationToken cancellationToken)
    {
        List<LeaseFence> held;
        lock (_gate)
        {
            held = [];
            for (var p = 0; p < PartitionCount; p++)
            {
                if (_validUntil[p] != 0)
                {
                    held.Add(new LeaseFence(p, SiloId, _epoch[p]));
                }
            }
        }

        if (held.Count == 0)
        {
            return;
        }

        var requested = _time.GetTimestamp();
        var renewed = await _table.RenewAsync(SiloId, held, _options.LeaseDuration, cancellationToken).ConfigureAwait(false);
        var kept = new HashSet<int>(renewed.Select(l => l.Partition));
        var lost = new List<int>();
        lock (_gate)
        {
            foreach (var fence in held)
            {
                if (_epoch[fence.Partition] != fence.Epoch || _validUntil[fence.Partition] == 0)
                {
                    continue; // released meanwhile
                }

                if (kept.Contains(fence.Partition))
                {
                    Volatile.Write(ref _validUntil[fence.Partition], requested + _validityTicks);
                }
                else
                {
                    Volatile.Write(ref _validUntil[fence.Partition], 0);
                    lost.Add(fence.Partition);
                }
            }
        }

        if (lost.Count > 0)
        {
            Log.PartitionsLost(_logger, SiloId, lost.Count);
            PartitionsLost?.Invoke(lost);
        }
    }

    private async Task BalanceAsync(LeaseSnapshot snapshot, IReadOnlyCollection<string> servingSilos, CancellationToken cancellationToken)
    {
        var silos = Math.Max(1, servingSilos.Count + (servingSilos.Contains(SiloId) ? 0 : 1));
        var floor = PartitionCount / silos;
        var ceiling = (PartitionCount + silos - 1) / silos;
        var mine = OwnedPartitions.Count;
        if (mine < ceiling)
        {
            var requested = _time.GetTimestamp();
            var acquired = await _table.AcquireAsync(SiloId, ceiling - mine, _options.LeaseDuration, [], cancellationToken).ConfigureAwait(false);
            if (acquired.Count > 0)
            {
                lock (_gate)
                {
                    foreach (var lease in acquired)
                    {
                        _epoch[lease.Partition] = lease.Epoch;
                        Volatile.Write(ref _releasing[lease.Partition], false);
                        Volatile.Write(ref _validUntil[lease.Partition], requested + _validityTicks);
                    }
                }

                Log.PartitionsAcquired(_logger, SiloId, acquired.Count, mine + acquired.Count);
                PartitionsAcquired?.Invoke(acquired.Select(l => l.Partition).ToList());
            }

            return;
        }

        var surplus = mine - ceiling;
        var anyFree = snapshot.Leases.Any(l => l.Owner is null || l.ExpiresAt <= snapshot.ReadAt);
        if (surplus == 0 && mine > floor && !anyFree)
        {
            // At the ceiling while another serving silo is below the floor and no lease is free for it (it joined after
            // the free ones were gone): give one back so that everyone ends within one partition of a fair share. While a
            // lease is free, the silo below the floor takes that one instead; giving one back then would only trade
            // partitions back and forth.
            var held = snapshot.Leases
                .Where(l => l.Owner is not null && l.ExpiresAt > snapshot.ReadAt)
                .GroupBy(l => l.Owner!)
                .ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
            if (servingSilos.Any(s => s != SiloId && held.GetValueOrDefault(s) < floor))
            {
                surplus = 1;
            }
        }

        if (surplus > 0)
        {
            // Hand back the highest-numbered partitions: a stable choice, so that silos do not trade the same ones back and forth.
            var release = OwnedPartitions.OrderByDescending(p => p).Take(surplus).ToHashSet();
            await ReleaseAsync(release, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task ReleaseAsync(HashSet<int> partitions, CancellationToken cancellationToken)
    {
        if (partitions.Count == 0)
        {
            return;
        }

        // New calls for these partitions now wait for the next owner; the activations finish and write under the lease.
        foreach (var p in partitions)
        {
            Volatile.Write(ref _releasing[p], true);
        }

        PartitionsLost?.Invoke(partitions);
        await Drain(partitions).ConfigureAwait(false);

        List<LeaseFence> fences;
        lock (_gate)
        {
            fences = partitions.Where(p => _validUntil[p] != 0).Select(p => new LeaseFence(p, SiloId, _epoch[p])).ToList();
            foreach (var p in partitions)
            {
                Volatile.Write(ref _validUntil[p], 0);
            }
        }

        try
        {
            await _table.ReleaseAsync(SiloId, fences, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            foreach (var p in partitions)
            {
                Volatile.Write(ref _releasing[p], false);
            }
        }

        Log.PartitionsReleased(_logger, SiloId, fences.Count, OwnedPartitions.Count);
    }

    /// <summary>Raises <see cref="PartitionsLost"/> for leases whose validity ran out without a renewal (the table was
    /// unreachable). Serving stopped at that instant already: <see cref="Owns"/> reads the clock.</summary>
    private void RaiseLapsed()
    {
        var now = _time.GetTimestamp();
        var lapsed = new List<int>();
        lock (_gate)
        {
            for (var p = 0; p < PartitionCount; p++)
            {
                var until = _validUntil[p];
                if (until != 0 && now >= until)
                {
                    Volatile.Write(ref _validUntil[p], 0);
                    lapsed.Add(p);
                }
            }
        }

        if (lapsed.Count > 0)
        {
            Log.PartitionsLost(_logger, SiloId, lapsed.Count);
            PartitionsLost?.Invoke(lapsed);
        }
    }

    private bool IsValid(int partition, long now)
    {
        var until = Volatile.Read(ref _validUntil[partition]);
        return until != 0 && now < until;
    }
}
