using AiOs.Cluster.Configuration;
using AiOs.Cluster.Leases;
using AiOs.Cluster.Membership;
using AiOs.Cluster.Routing;
using AiOs.Cluster.Transport;
using AiOs.Persistence;
using AiOs.Runtime;
using AiOs.Runtime.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace AiOs.Cluster;

/// <summary>Runs this silo's life in the cluster. Once the host has started (the silo runtime and the silo-to-silo
/// endpoint are up), it joins, takes its first leases, and becomes active; then it heartbeats and runs lease rounds until
/// the host stops, when it hands every partition back (its activations finish first) and leaves. A silo the others
/// declared dead stops serving at once and stops the host (see <see cref="ClusterStatus"/>), to be restarted as a new
/// generation.</summary>
internal sealed class ClusterAgent(
    IMembershipTable table,
    ClusterMembership membership,
    LeaseManager leases,
    PartitionDirectory directory,
    ClusterTransport transport,
    MessageForwarder forwarder,
    ClusterEndpoint endpoint,
    SiloRuntime runtime,
    IOptions<ClusterOptions> clusterOptions,
    IOptions<SiloOptions> siloOptions,
    IHostApplicationLifetime lifetime,
    ClusterStatus status,
    TimeProvider time,
    ILogger<ClusterAgent> logger) : IHostedLifecycleService, IAsyncDisposable
{
    /// <summary>Rounds asked for early (a peer refused a call) are at least this far apart.</summary>
    private static readonly TimeSpan MinimumRoundGap = TimeSpan.FromMilliseconds(100);

    private readonly ClusterOptions _options = clusterOptions.Value;
    private readonly CancellationTokenSource _stopRounds = new();
    private readonly CancellationTokenSource _stopHeartbeats = new();
    private readonly CancellationTokenSource _stopFollowing = new();
    private readonly SemaphoreSlim _roundRequested = new(0, 1);
    private Task _heartbeats = Task.CompletedTask;
    private Task _rounds = Task.CompletedTask;
    private volatile bool _leaving;
    private LeaseSnapshot? _lastLeases;

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async Task StartedAsync(CancellationToken cancellationToken)
    {
        var info = await table.InitializeClusterAsync(leases.PartitionCount, _options.Secret, cancellationToken).ConfigureAwait(false);
        transport.Secret = info.Secret;
        transport.OnReroute(forwarder.Reroute);
        leases.Drain = partitions => runtime.DeactivatePartitionsAsync(partitions, DeactivationReason.PartitionLost);
        directory.OnRefreshRequested(RequestRound);
        membership.DeclaredDead += OnDeclaredDead;

        var self = await membership.JoinAsync(siloOptions.Value.SiloId, _options.AdvertisedAddress, cancellationToken).ConfigureAwait(false);
        leases.SiloId = self.SiloId;
        transport.LocalSiloId = self.SiloId;
        status.SiloId = self.SiloId;
        Log.Joined(logger, self.SiloId, _options.AdvertisedAddress, leases.PartitionCount);

        await RoundAsync(cancellationToken).ConfigureAwait(false);
        await membership.SetStatusAsync(SiloStatus.Active, cancellationToken).ConfigureAwait(false);

        _heartbeats = HeartbeatLoopAsync(_stopHeartbeats.Token);
        _rounds = LeaseLoopAsync(_stopRounds.Token);
    }

    public async Task StoppingAsync(CancellationToken cancellationToken)
    {
        _leaving = true;
        if (membership.Self is null)
        {
            return;
        }

        // Stop the rounds first, so that nothing is taken while everything is handed back. Heartbeats go on meanwhile:
        // a hand-off may take longer than the death timeout.
        await _stopRounds.CancelAsync().ConfigureAwait(false);
        await _rounds.ConfigureAwait(false);
        if (!membership.IsDeclaredDead)
        {
            await HandOffAsync(cancellationToken).ConfigureAwait(false);
        }

        endpoint.CloseStreams();
        await _stopHeartbeats.CancelAsync().ConfigureAwait(false);
        await _heartbeats.ConfigureAwait(false);

        // Calls still arriving here, until the web server has stopped, belong to other silos now: keep following where
        // the partitions went (rounds that only read), so that they are forwarded instead of waiting for nothing.
        _rounds = LeaseLoopAsync(_stopFollowing.Token);

        // Peers learn where the partitions went at their next lease rounds; until then they may still send calls here.
        // The endpoint ends such streams at once, unanswered calls and all, which peers route again. Once the web server
        // stops, it refuses new streams outright, and a peer cannot tell a refused stream from a broken one whose calls
        // may have run. So stay reachable until every partition has a new owner, and two rounds more for the peers.
        if (membership.IsDeclaredDead || membership.Latest is not { } members || !ClusterMembership.ServingSilos(members, _options.LeaseDuration).Any(id => id != leases.SiloId))
        {
            return; // declared dead (stop at once), or the last silo: nobody will take the partitions or route calls here
        }

        try
        {
            using var bounded = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            bounded.CancelAfter(_options.HandOffTimeout);
            while (!(Volatile.Read(ref _lastLeases) is { } leasesNow && leasesNow.Leases.All(l => l.Owner is not null && l.Owner != leases.SiloId && l.ExpiresAt > leasesNow.ReadAt)))
            {
                await Task.Delay(MinimumRoundGap, time, bounded.Token).ConfigureAwait(false);
            }

            await Task.Delay(_options.LeaseRenewInterval * 2 + MinimumRoundGap, time, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // The hand-off bound or the host's shutdown bound ran out: stop now.
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async Task StoppedAsync(CancellationToken cancellationToken)
    {
        await _stopFollowing.CancelAsync().ConfigureAwait(false);
        await _rounds.ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        await _stopRounds.CancelAsync().ConfigureAwait(false);
        await _stopHeartbeats.CancelAsync().ConfigureAwait(false);
        await _stopFollowing.CancelAsync().ConfigureAwait(false);
        await Task.WhenAll(_heartbeats, _rounds).ConfigureAwait(false);
        membership.DeclaredDead -= OnDeclaredDead;
        forwarder.Dispose();
        await transport.DisposeAsync().ConfigureAwait(false);
        _stopRounds.Dispose();
        _stopHeartbeats.Dispose();
        _stopFollowing.Dispose();
        _roundRequested.Dispose();
    }

    /// <summary>Leaves gracefully: shutting down, every partition handed back after its activations finished, then dead.
    /// Bounded by the hand-off timeout; whatever is not handed back lapses within a lease duration.</summary>
    private async Task HandOffAsync(CancellationToken cancellationToken)
    {
        using var bounded = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        bounded.CancelAfter(_options.HandOffTimeout);
        try
        {
            await membership.SetStatusAsync(SiloStatus.ShuttingDown, bounded.Token).ConfigureAwait(false);
            await leases.ReleaseAllAsync(bounded.Token).ConfigureAwait(false);
            await membership.SetStatusAsync(SiloStatus.Dead, bounded.Token).ConfigureAwait(false);
        }
        catch (Exception exception)
        {
            // Shutting down must not fail: what was not handed back lapses within a lease duration, and others take it.
            Log.HandOffIncomplete(logger, _options.HandOffTimeout, exception.Message);
        }
    }

    private async Task HeartbeatLoopAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(_options.HeartbeatInterval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false) && !membership.IsDeclaredDead)
            {
                await membership.BeatAsync(cancellationToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }

    private async Task LeaseLoopAsync(CancellationToken cancellationToken)
    {
        try
        {
            while (!cancellationToken.IsCancellationRequested && !membership.IsDeclaredDead)
            {
                var started = time.GetTimestamp();
                await RoundAsync(cancellationToken).ConfigureAwait(false);
                var rest = _options.LeaseRenewInterval - time.GetElapsedTime(started);
                if (rest > TimeSpan.Zero)
                {
                    await _roundRequested.WaitAsync(rest, cancellationToken).ConfigureAwait(false);
                }

                var gap = MinimumRoundGap - time.GetElapsedTime(started);
                if (gap > TimeSpan.Zero)
                {
                    await Task.Delay(gap, time, cancellationToken).ConfigureAwait(false);
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }

    private async Task RoundAsync(CancellationToken cancellationToken)
    {
        // A round that hangs on an unreachable database must not keep lapsed leases from being noticed.
        using var bounded = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        bounded.CancelAfter(_options.LeaseDuration - _options.LeaseSafetyMargin);
        try
        {
            await RoundCoreAsync(bounded.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            Log.LeasesUnreachable(logger, $"a lease round did not finish within {_options.LeaseDuration - _options.LeaseSafetyMargin}");
        }
    }

    private async Task RoundCoreAsync(CancellationToken bounded)
    {
        // Read every round (one small query): a silo that went silent must stop counting toward the fair share as soon as
        // its leases can have lapsed, not a heartbeat later.
        var members = await TryReadMembershipAsync(bounded).ConfigureAwait(false) ?? membership.Latest;
        if (members is null)
        {
            await leases.RunRoundAsync([], mayAcquire: false, bounded).ConfigureAwait(false);
            return;
        }

        var serving = ClusterMembership.ServingSilos(members, _options.LeaseDuration);
        var snapshot = await leases.RunRoundAsync(serving, mayAcquire: !_leaving, bounded).ConfigureAwait(false);
        if (snapshot is null)
        {
            return;
        }

        Volatile.Write(ref _lastLeases, snapshot);
        directory.Update(snapshot, ClusterMembership.LiveSilos(members), leases.SiloId);
    }

    private async Task<MembershipSnapshot?> TryReadMembershipAsync(CancellationToken cancellationToken)
    {
        try
        {
            return await membership.ReadAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            Log.MembershipUnreachable(logger, exception.Message);
            return null;
        }
    }

    private void RequestRound()
    {
        try
        {
            _roundRequested.Release();
        }
        catch (SemaphoreFullException)
        {
            // A round is requested already.
        }
    }

    private void OnDeclaredDead()
    {
        // Stop serving first (every partition), then end the process; a restart joins as a new generation.
        leases.Abandon();
        status.DeclaredDead = true;
        lifetime.StopApplication();
    }
}
