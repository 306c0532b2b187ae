using AiOs.Testing;

namespace AiOs.Persistence.TestKit;

/// <summary>Membership, partition leases and fencing, for providers that support a cluster. Every test gets a brand-new
/// database with a cluster of <see cref="Partitions"/> partitions.</summary>
public abstract class ClusterTablesTests : IAsyncLifetime
{
    protected const int Partitions = 8;
    private static readonly TimeSpan Long = TimeSpan.FromMinutes(5);
    private object? _provider;

    protected IMembershipTable Membership => (IMembershipTable)_provider!;

    protected IPartitionLeaseTable Leases => (IPartitionLeaseTable)_provider!;

    protected IGrainStateStore States => (IGrainStateStore)_provider!;

    protected IReminderTable Reminders => (IReminderTable)_provider!;

    /// <summary>An uninitialized provider on a database no other test uses.</summary>
    protected abstract object CreateProviderOnNewDatabase();

    public async ValueTask InitializeAsync()
    {
        _provider = CreateProviderOnNewDatabase();
        await ((IStorageProvider)_provider).InitializeAsync();
        await Membership.InitializeClusterAsync(Partitions, configuredSecret: null);
    }

    public async ValueTask DisposeAsync()
    {
        if (_provider is IAsyncDisposable disposable)
        {
            await disposable.DisposeAsync();
        }

        GC.SuppressFinalize(this);
    }

    [Fact]
    public async Task InitializeCluster_IsIdempotent_KeepsItsSecret_AndRefusesAnotherPartitionCountOrSecret()
    {
        var first = await Membership.InitializeClusterAsync(Partitions, null);
        var again = await Membership.InitializeClusterAsync(Partitions, first.Secret);

        Assert.Equal(first, again);
        Assert.True(first.Secret.Length >= 32);
        Assert.Equal(Partitions, (await Leases.ReadLeasesAsync()).Leases.Count);
        var count = await Assert.ThrowsAsync<InvalidOperationException>(() => Membership.InitializeClusterAsync(Partitions * 2, null));
        Assert.Contains("AiOs:Silo:PartitionCount", count.Message, StringComparison.Ordinal);
        var secret = await Assert.ThrowsAsync<InvalidOperationException>(() => Membership.InitializeClusterAsync(Partitions, "another secret"));
        Assert.Contains("AiOs:Cluster:Secret", secret.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(first.Secret, secret.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Join_AddsTheSilo_AdvancesTheVersionByOne_AndIsRefusedOnAStaleVersion()
    {
        var before = await Membership.ReadAsync();

        Assert.True(await Membership.JoinAsync(Silo("a"), before.Version));
        Assert.False(await Membership.JoinAsync(Silo("b"), before.Version));

        var after = await Membership.ReadAsync();
        Assert.Equal(before.Version + 1, after.Version);
        var a = Assert.Single(after.Silos);
        Assert.Equal(("a", SiloStatus.Joining, "127.0.0.1:1111"), (a.Name, a.Status, a.Address));
        Assert.InRange(after.ReadAt - a.LastHeartbeat, TimeSpan.Zero, TimeSpan.FromMinutes(1));
    }

    [Fact]
    public async Task ConcurrentMembershipChanges_OnTheSameVersion_ExactlyOneWins()
    {
        var start = await Membership.ReadAsync();
        await Membership.JoinAsync(Silo("a"), start.Version);
        var version = (await Membership.ReadAsync()).Version;

        var outcomes = await Concurrently.RunAsync(16, i => i % 2 == 0
            ? Membership.UpdateStatusAsync("a", 1, SiloStatus.Active, version)
            : Membership.JoinAsync(Silo($"racer-{i}"), version));

        Assert.Equal(1, outcomes.Count(o => o.Result));
        Assert.All(outcomes, o => Assert.Null(o.Error));
        Assert.Equal(version + 1, (await Membership.ReadAsync()).Version);
    }

    [Fact]
    public async Task DeclaringDead_NeedsAStaleHeartbeatByTheDatabasesClock_AndThenHeartbeatsReportDeath()
    {
        await Membership.JoinAsync(Silo("a"), (await Membership.ReadAsync()).Version);
        Assert.True(await Membership.HeartbeatAsync("a", 1));

        Assert.False(await Membership.DeclareDeadAsync("a", 1, Long, "b@1", (await Membership.ReadAsync()).Version));

        await Eventually.WaitUntilAsync(
            async () => await Membership.DeclareDeadAsync("a", 1, TimeSpan.FromMilliseconds(200), "b@1", (await Membership.ReadAsync()).Version),
            "the silo's heartbeat is 200 ms old and it can be declared dead");

        Assert.False(await Membership.HeartbeatAsync("a", 1));
        var dead = Assert.Single((await Membership.ReadAsync()).Silos);
        Assert.Equal((SiloStatus.Dead, "b@1"), (dead.Status, dead.DeclaredDeadBy));
        Assert.False(await Membership.UpdateStatusAsync("a", 1, SiloStatus.Active, (await Membership.ReadAsync()).Version));
    }

    [Fact]
    public async Task ConcurrentAcquirers_GetEachPartitionExactlyOnce()
    {
        var outcomes = await Concurrently.RunAsync(4, i => Leases.AcquireAsync($"silo-{i}@1", Partitions, Long, []));

        var acquired = outcomes.SelectMany(o => o.Result!).ToList();
        Assert.Equal(Enumerable.Range(0, Partitions), acquired.Select(l => l.Partition).Order());
        Assert.All(acquired, l => Assert.Equal(1, l.Epoch));
        var table = await Leases.ReadLeasesAsync();
        Assert.All(table.Leases, l => Assert.Equal(acquired.Single(a => a.Partition == l.Partition).Owner, l.Owner));
    }

    [Fact]
    public async Task Acquire_PrefersThePartitionsAsked()
    {
        var acquired = await Leases.AcquireAsync("a@1", 2, Long, [5, 6]);

        Assert.Equal([5, 6], acquired.Select(l => l.Partition).Order());
    }

    [Fact]
    public async Task Renew_ExtendsOnlyLeasesStillHeldAtTheirEpoch()
    {
        var held = await Leases.AcquireAsync("a@1", 3, TimeSpan.FromSeconds(30), []);
        var stale = held[2].Fence with { Epoch = held[2].Epoch + 7 };

        var renewed = await Leases.RenewAsync("a@1", [held[0].Fence, held[1].Fence, stale], Long);

        Assert.Equal(new[] { held[0].Partition, held[1].Partition }.Order(), renewed.Select(l => l.Partition).Order());
        Assert.All(renewed, l => Assert.True(l.ExpiresAt > held[0].ExpiresAt));
        Assert.Empty(await Leases.RenewAsync("b@1", [held[0].Fence], Long));
    }

    [Fact]
    public async Task ExpiredLease_IsTakenWithANewEpoch_AndItsOldOwnerCanNeitherRenewNorWrite()
    {
        var old = Assert.Single(await Leases.AcquireAsync("a@1", 1, TimeSpan.FromMilliseconds(200), [3]));
        Assert.Equal(Partitions - 1, (await Leases.AcquireAsync("c@1", Partitions, Long, [])).Count); // only partition 3 can free up
        var key = new GrainStateKey(new GrainId("t", Guid.NewGuid().ToString("N")), "s", old.Partition);
        var etag = await States.WriteAsync(key, """{"v":1}""", null, new StorageWriter("a@1", old.Fence));

        PartitionLease? taken = null;
        await Eventually.WaitUntilAsync(
            async () => (taken = (await Leases.AcquireAsync("b@1", 1, Long, [3])).SingleOrDefault()) is not null,
            "the lapsed lease is taken by another silo");

        Assert.Equal((3, "b@1", old.Epoch + 1), (taken!.Partition, taken.Owner, taken.Epoch));
        Assert.Empty(await Leases.RenewAsync("a@1", [old.Fence], Long));
        await Assert.ThrowsAsync<LeaseLostException>(() => States.WriteAsync(key, """{"v":2}""", etag, new StorageWriter("a@1", old.Fence)));
        var newEtag = await States.WriteAsync(key, """{"v":3}""", etag, new StorageWriter("b@1", taken.Fence));
        var row = await States.ReadAsync(key);
        Assert.Equal((newEtag, "b@1"), (row!.ETag, row.WrittenBy));
        JsonAssert.Equivalent("""{"v":3}""", row.Json);
    }

    [Fact]
    public async Task FencedWrite_IsRefused_OnceTheLeaseHasLapsed_EvenIfNoOneTookIt()
    {
        var lease = Assert.Single(await Leases.AcquireAsync("a@1", 1, TimeSpan.FromMilliseconds(200), [1]));
        var writer = new StorageWriter("a@1", lease.Fence);

        await Eventually.WaitUntilAsync(
            async () =>
            {
                var key = new GrainStateKey(new GrainId("t", Guid.NewGuid().ToString("N")), "s", lease.Partition);
                try
                {
                    await States.WriteAsync(key, "{}", null, writer);
                    return false;
                }
                catch (LeaseLostException)
                {
                    return (await States.ReadAsync(key)) is null;
                }
            },
            "writes with the lapsed lease are refused and leave nothing behind");
    }

    [Fact]
    public async Task ReleasedLease_IsImmediatelyAcquirable_AndFencesItsOldOwner()
    {
        var held = Assert.Single(await Leases.AcquireAsync("a@1", 1, Long, [2]));

        await Leases.ReleaseAsync("a@1", [held.Fence]);

        var taken = Assert.Single(await Leases.AcquireAsync("b@1", 1, Long, [2]));
        Assert.Equal((2, held.Epoch + 1), (taken.Partition, taken.Epoch));
        var key = new GrainStateKey(new GrainId("t", "k"), "s", 2);
        await Assert.ThrowsAsync<LeaseLostException>(() => States.ClearAsync(key, "1", new StorageWriter("a@1", held.Fence)));
    }

    [Fact]
    public async Task DeadSilo_CanNeitherRenewNorAcquire()
    {
        await Membership.JoinAsync(Silo("a"), (await Membership.ReadAsync()).Version);
        var held = await Leases.AcquireAsync("a@1", 2, Long, []);
        await Eventually.WaitUntilAsync(
            async () => await Membership.DeclareDeadAsync("a", 1, TimeSpan.FromMilliseconds(100), "b@1", (await Membership.ReadAsync()).Version),
            "silo a is declared dead");

        Assert.Empty(await Leases.RenewAsync("a@1", held.Select(l => l.Fence).ToList(), Long));
        Assert.Empty(await Leases.AcquireAsync("a@1", Partitions, Long, []));
    }

    [Fact]
    public async Task FencedReminderWrites_FollowTheLease()
    {
        var lease = Assert.Single(await Leases.AcquireAsync("a@1", 1, Long, [4]));
        var owner = new StorageWriter("a@1", lease.Fence);
        var grain = new GrainId("t", Guid.NewGuid().ToString("N"));
        var start = new DateTimeOffset(2026, 1, 5, 9, 0, 0, TimeSpan.Zero);
        var entry = await Reminders.UpsertAsync(grain, "r", 4, start, TimeSpan.FromMinutes(1), start, owner);
        entry = (await Reminders.AdvanceAsync(entry, start.AddMinutes(1), owner))!;

        await Leases.ReleaseAsync("a@1", [lease.Fence]);

        await Assert.ThrowsAsync<LeaseLostException>(() => Reminders.UpsertAsync(grain, "r2", 4, start, TimeSpan.FromMinutes(1), start, owner));
        await Assert.ThrowsAsync<LeaseLostException>(() => Reminders.AdvanceAsync(entry, start.AddMinutes(2), owner));
        await Assert.ThrowsAsync<LeaseLostException>(() => Reminders.RemoveAsync(grain, "r", owner));
        Assert.Equal([entry], await Reminders.ReadGrainAsync(grain));
    }

    private static SiloEntry Silo(string name) =>
        new(name, 1, "127.0.0.1:1111", SiloStatus.Joining, DateTimeOffset.MinValue, DateTimeOffset.MinValue);
}
