using AiOs.Testing;

namespace AiOs.Cluster.Tests;

/// <summary>Silos joining, leaving, losing the database and being declared dead: partitions stay owned once, fairly
/// shared, and calls keep working.</summary>
[Collection(ClusterCollection.Name)]
public sealed class ClusterMembershipTests(PostgresDatabase database, ITestOutputHelper output) : IAsyncLifetime
{
    private TestCluster _cluster = null!;

    public ValueTask InitializeAsync()
    {
        _cluster = new TestCluster(database, output);
        return ValueTask.CompletedTask;
    }

    public ValueTask DisposeAsync() => _cluster.DisposeAsync();

    [Fact]
    public async Task Ownership_StaysWithinOneOfAFairShare_AsSilosJoinAndLeave()
    {
        await _cluster.StartSiloAsync("s1");
        await _cluster.WaitUntilBalancedAsync();
        Assert.Equal(TestCluster.Partitions, _cluster.Silos[0].Ownership.OwnedPartitions.Count);

        await _cluster.StartSiloAsync("s2");
        await _cluster.StartSiloAsync("s3");
        await _cluster.StartSiloAsync("s4");
        await _cluster.WaitUntilBalancedAsync();
        Assert.All(_cluster.Running, s => Assert.Equal(16, s.Ownership.OwnedPartitions.Count));

        await _cluster.Silos[1].StopAsync();
        await _cluster.Silos[3].StopAsync();
        await _cluster.WaitUntilBalancedAsync();
        Assert.All(_cluster.Running, s => Assert.Equal(32, s.Ownership.OwnedPartitions.Count));

        var members = await _cluster.MembersAsync();
        Assert.Equal(["active", "dead", "active", "dead"], members.Select(m => m.Status));
        Assert.All(members, m => Assert.Null(m.DeclaredBy)); // they left; nobody had to declare them dead
    }

    [Fact]
    public async Task GracefulStop_HandsPartitionsOver_WithoutFailingACall_AndStateGoesOn()
    {
        var a = await _cluster.StartSiloAsync("a");
        var b = await _cluster.StartSiloAsync("b");
        await _cluster.WaitUntilBalancedAsync();
        var keys = Enumerable.Range(0, 20).Select(i => TestCluster.KeyOwnedBy(b, $"handoff-{i}")).ToArray();
        var acknowledged = new int[keys.Length];
        var failures = new System.Collections.Concurrent.ConcurrentQueue<Exception>();
        using var stop = new CancellationTokenSource();

        // One caller per grain, calling through silo a while silo b (which serves all of them) leaves.
        var callers = keys.Select((key, i) => Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                try
                {
                    acknowledged[i] = await a.Probe(key).Increment();
                }
                catch (Exception exception)
                {
                    failures.Enqueue(exception);
                }
            }
        })).ToArray();

        await Eventually.WaitUntilAsync(() => acknowledged.All(n => n >= 3), "every grain incremented on silo b");
        await b.StopAsync();
        var afterStop = acknowledged.ToArray();
        await Eventually.WaitUntilAsync(() => acknowledged.Select((n, i) => n >= afterStop[i] + 3).All(x => x), "every grain incremented on silo a");
        await stop.CancelAsync();
        await Task.WhenAll(callers);

        Assert.Empty(failures);
        Assert.Equal(TestCluster.Partitions, a.Ownership.OwnedPartitions.Count);
        for (var i = 0; i < keys.Length; i++)
        {
            // Every acknowledged increment is in the state: the count went on from where silo b left it.
            Assert.Equal(acknowledged[i], await a.Probe(keys[i]).Count());
        }
    }

    [Fact]
    public async Task DatabaseOutageLongerThanTheDeathTimeout_DeclaresNobodyDead_AndServiceResumes()
    {
        await using var proxy = new TcpProxy(database.Host, database.Port);
        var via = database.ConnectionStringVia("127.0.0.1", proxy.Port) + ";Timeout=2;Command Timeout=2";
        var a = await _cluster.StartSiloAsync("a", via);
        var b = await _cluster.StartSiloAsync("b", via);
        await _cluster.WaitUntilBalancedAsync();
        var key = TestCluster.KeyOwnedBy(b);
        Assert.Equal(1, await a.Probe(key).Increment());

        proxy.Cut();

        // Without the database no lease can be renewed: both silos stop serving before anyone could take over.
        await Eventually.WaitUntilAsync(() => a.Ownership.OwnedPartitions.Count == 0 && b.Ownership.OwnedPartitions.Count == 0, "both silos stop serving");
        // The outage itself: longer than AiOs:Cluster:DeathTimeout (3 s), so every heartbeat in the table is stale.
        await Task.Delay(TimeSpan.FromSeconds(4), TestContext.Current.CancellationToken);
        proxy.Restore();

        await _cluster.WaitUntilBalancedAsync();
        Assert.Equal(2, await a.Probe(key).Increment());

        // Several death timeouts later, still nobody has been declared dead, and neither host stopped.
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(5);
        while (DateTime.UtcNow < deadline)
        {
            Assert.All(await _cluster.MembersAsync(), m => Assert.Equal("active", m.Status));
            Assert.False(a.Lifetime.ApplicationStopping.IsCancellationRequested || b.Lifetime.ApplicationStopping.IsCancellationRequested);
            await Task.Delay(250, TestContext.Current.CancellationToken);
        }

        // Stop the silos while the proxy still carries their hand-off.
        await _cluster.DisposeAsync();
    }

    [Fact]
    public async Task SiloThatReadsItWasDeclaredDead_StopsServingAndStopsItsHost_AndTheOthersTakeOver()
    {
        var a = await _cluster.StartSiloAsync("a");
        var b = await _cluster.StartSiloAsync("b");
        await _cluster.WaitUntilBalancedAsync();
        var key = TestCluster.KeyOwnedBy(b);
        Assert.Equal(1, await a.Probe(key).Increment());

        await _cluster.ExecuteAsync($"UPDATE aios_silos SET status = 'dead', declared_dead_by = 'operator' WHERE name = 'b'");

        await Eventually.WaitUntilAsync(() => b.Lifetime.ApplicationStopping.IsCancellationRequested, "silo b stops its host");
        Assert.True(b.Status.DeclaredDead);
        Assert.Empty(b.Ownership.OwnedPartitions);
        await Eventually.WaitUntilAsync(() => a.Ownership.OwnedPartitions.Count == TestCluster.Partitions, "silo a takes every partition");
        Assert.Equal(2, await a.Probe(key).Increment());
    }
}
