using AiOs.Cluster.Configuration;
using AiOs.Persistence;
using Microsoft.Extensions.Logging;

namespace AiOs.Cluster.Membership;

/// <summary>This silo's place in the membership table: it joins as a new generation, records heartbeats, changes its
/// status by compare-and-swap, and declares silos dead that stopped heartbeating. Staleness is judged on the database's
/// clock only, and only after this silo itself has reached the table without a break for a whole death timeout: after a
/// database outage every heartbeat is old, and a silo that declared others dead the moment it got through again would
/// kill a healthy cluster.</summary>
internal sealed class ClusterMembership(IMembershipTable table, ClusterOptions options, TimeProvider time, ILogger logger)
{
    private MembershipSnapshot? _latest;
    private long _reachableSince = -1;
    private int _declaredDead;

    /// <summary>This silo's row, once joined.</summary>
    public SiloEntry? Self { get; private set; }

    /// <summary>The last snapshot read.</summary>
    public MembershipSnapshot? Latest => Volatile.Read(ref _latest);

    /// <summary>True once the table says another silo declared this one dead (or its row is gone); not after its own hand-off.</summary>
    public bool IsDeclaredDead => Volatile.Read(ref _declaredDead) != 0;

    /// <summary>Raised once when this silo reads that the others declared it dead.</summary>
    public event Action? DeclaredDead;

    /// <summary>Adds this silo to the table as <see cref="SiloStatus.Joining"/>, with a generation newer than any earlier
    /// process of the same name.</summary>
    public async Task<SiloEntry> JoinAsync(string name, string address, CancellationToken cancellationToken)
    {
        while (true)
        {
            var snapshot = await ReadAsync(cancellationToken).ConfigureAwait(false);
            var previous = snapshot.Silos.Where(s => s.Name == name).Select(s => s.Generation).DefaultIfEmpty(0).Max();
            var generation = Math.Max(time.GetUtcNow().ToUnixTimeMilliseconds(), previous + 1);
            var entry = new SiloEntry(name, generation, address, SiloStatus.Joining, snapshot.ReadAt, snapshot.ReadAt);
            if (await table.JoinAsync(entry, snapshot.Version, cancellationToken).ConfigureAwait(false))
            {
                Self = entry;
                return entry;
            }
        }
    }

    /// <summary>Moves this silo to <paramref name="status"/>. False when the table says it is dead already.</summary>
    public async Task<bool> SetStatusAsync(SiloStatus status, CancellationToken cancellationToken)
    {
        var self = Self ?? throw new InvalidOperationException("The silo has not joined the cluster.");
        while (true)
        {
            var snapshot = await ReadAsync(cancellationToken).ConfigureAwait(false);
            var row = snapshot.Silos.FirstOrDefault(s => s.SiloId == self.SiloId);
            if (row is null || row.Status == SiloStatus.Dead)
            {
                return false;
            }

            if (await table.UpdateStatusAsync(self.Name, self.Generation, status, snapshot.Version, cancellationToken).ConfigureAwait(false))
            {
                Self = self with { Status = status };
                Log.StatusChanged(logger, self.SiloId, status.ToString().ToLowerInvariant());
                return true;
            }
        }
    }

    /// <summary>One heartbeat: records that this silo is alive, reads the table, and declares dead the silos whose last
    /// heartbeat is older than the death timeout. A failure to reach the table is logged and changes nothing.</summary>
    public async Task BeatAsync(CancellationToken cancellationToken)
    {
        var self = Self ?? throw new InvalidOperationException("The silo has not joined the cluster.");
        MembershipSnapshot snapshot;
        try
        {
            if (!await table.HeartbeatAsync(self.Name, self.Generation, cancellationToken).ConfigureAwait(false))
            {
                // The row is dead or gone. Dead by this silo's own hand-off (a beat can run between marking itself dead
                // and the heartbeats stopping) is a leave, not a death sentence: only a row another silo declared dead
                // (ReadAsync notices) or a missing row is.
                var current = await ReadAsync(cancellationToken).ConfigureAwait(false);
                if (!current.Silos.Any(s => s.SiloId == self.SiloId))
                {
                    OnDeclaredDead(self);
                }

                return;
            }

            snapshot = await ReadAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            Volatile.Write(ref _reachableSince, -1);
            Log.MembershipUnreachable(logger, exception.Message);
            return;
        }

        var now = time.GetTimestamp();
        if (Volatile.Read(ref _reachableSince) < 0)
        {
            Volatile.Write(ref _reachableSince, now);
        }

        if (time.GetElapsedTime(Volatile.Read(ref _reachableSince), now) < options.DeathTimeout)
        {
            return;
        }

        foreach (var silo in snapshot.Silos)
        {
            if (silo.SiloId == self.SiloId || silo.Status == SiloStatus.Dead || snapshot.ReadAt - silo.LastHeartbeat <= options.DeathTimeout)
            {
                continue;
            }

            // The table re-checks staleness by its own clock and the version, so two silos cannot both act on an old view.
            if (await table.DeclareDeadAsync(silo.Name, silo.Generation, options.DeathTimeout, self.SiloId, snapshot.Version, cancellationToken).ConfigureAwait(false))
            {
                Log.DeclaredDead(logger, self.SiloId, silo.SiloId, options.DeathTimeout);
            }

            // Either way the version moved (or someone else acted); look again at the next beat.
            break;
        }
    }

    /// <summary>Reads the table and keeps the snapshot; notices when this silo has been declared dead.</summary>
    public async Task<MembershipSnapshot> ReadAsync(CancellationToken cancellationToken)
    {
        var snapshot = await table.ReadAsync(cancellationToken).ConfigureAwait(false);
        Volatile.Write(ref _latest, snapshot);
        if (Self is { } self && snapshot.Silos.FirstOrDefault(s => s.SiloId == self.SiloId) is { Status: SiloStatus.Dead, DeclaredDeadBy: not null })
        {
            OnDeclaredDead(self);
        }

        return snapshot;
    }

    /// <summary>The silos a fair share is computed over: joining and active ones whose last heartbeat is more recent than
    /// <paramref name="silentAfter"/>. A silo silent that long has lost its leases whether or not it has been declared
    /// dead yet; counting it would keep the others from taking over its partitions until it is.</summary>
    public static IReadOnlyList<string> ServingSilos(MembershipSnapshot snapshot, TimeSpan silentAfter) =>
        snapshot.Silos
            .Where(s => s.Status is SiloStatus.Joining or SiloStatus.Active && snapshot.ReadAt - s.LastHeartbeat <= silentAfter)
            .Select(s => s.SiloId)
            .ToList();

    /// <summary>Every known silo that is not dead, by id, with its address (a silo shutting down still serves what it holds).</summary>
    public static IReadOnlyDictionary<string, string> LiveSilos(MembershipSnapshot snapshot) =>
        snapshot.Silos.Where(s => s.Status != SiloStatus.Dead).ToDictionary(s => s.SiloId, s => s.Address, StringComparer.Ordinal);

    private void OnDeclaredDead(SiloEntry self)
    {
        if (Interlocked.Exchange(ref _declaredDead, 1) == 0)
        {
            Log.SelfDeclaredDead(logger, self.SiloId);
            DeclaredDead?.Invoke();
        }
    }
}
