using System.Diagnostics;
using AiOs.Runtime.Placement;
using AiOs.Testing;

namespace AiOs.Cluster.Tests.Processes;

/// <summary>Real silo processes with the service's default cluster settings: killed with SIGKILL, stopped with SIGTERM
/// and restarted, under load.</summary>
[Collection(ClusterCollection.Name)]
public sealed class ClusterProcessTests(PostgresDatabase database, ITestOutputHelper output) : IAsyncLifetime
{
    private const int Grains = 10_000;
    private ProcessCluster _cluster = null!;

    public async ValueTask InitializeAsync()
    {
        _cluster = new ProcessCluster(database, output);
        await _cluster.PrepareAsync();
    }

    public ValueTask DisposeAsync() => _cluster.DisposeAsync();

    [Fact]
    public async Task KillingASiloUnderLoad_LosesNoAcknowledgedIncrement_AllGrainsAnswerWithin15s_AndNoActivationsOverlap()
    {
        foreach (var name in new[] { "s1", "s2", "s3" })
        {
            await _cluster.StartAsync(name);
        }

        await _cluster.WaitUntilBalancedAsync();
        var load = new CounterLoad(_cluster, Grains, workers: 16);
        load.Start();
        await Eventually.WaitUntilAsync(() => load.Acknowledged.All(n => n >= 1), "every grain incremented once", TimeSpan.FromSeconds(120));

        // The grains that must fail over: those in the partitions s2 holds when it dies.
        var partitionsOfS2 = (await database.QueryAsync("SELECT partition FROM aios_partition_leases WHERE owner LIKE 's2@%'", _cluster.Schema))
            .Select(p => (int)p!).ToHashSet();
        var movedGrains = Enumerable.Range(0, Grains)
            .Where(g => partitionsOfS2.Contains(PartitionHasher.GetPartition(new GrainId("op-counter", CounterLoad.Key(g)), 256)))
            .ToList();
        Assert.InRange(movedGrains.Count, Grains / 4, Grains / 2);

        _cluster.Process("s2").Kill();
        var killed = Stopwatch.StartNew();
        var takeover = Task.Run(async () =>
        {
            await Eventually.WaitUntilAsync(
                async () => (long)(await database.QueryAsync("SELECT count(*) FROM aios_partition_leases WHERE owner LIKE 's2@%'", _cluster.Schema))[0]! == 0,
                "every partition of s2 taken over",
                TimeSpan.FromSeconds(60));
            return killed.Elapsed;
        });
        var killedAt = await _cluster.DatabaseNowAsync();

        // Every grain of s2 answers again: the time until the last one does, from the kill. (The others never stopped
        // answering: the load goes through them all along, and every counter is read at the end.)
        var lastAnswer = TimeSpan.Zero;
        using (var sweepLimit = new CancellationTokenSource(TimeSpan.FromSeconds(120)))
        {
            await Parallel.ForEachAsync(movedGrains, new ParallelOptions { MaxDegreeOfParallelism = 64, CancellationToken = sweepLimit.Token }, async (grain, ct) =>
            {
                await load.ReadAsync(grain, ct);
                var at = killed.Elapsed;
                lock (killed)
                {
                    lastAnswer = at > lastAnswer ? at : lastAnswer;
                }
            });
        }

        output.WriteLine($"measured: the partitions of s2 were all taken over {(await takeover).TotalSeconds:F1} s after kill -9");
        output.WriteLine($"measured: every one of the {movedGrains.Count} grains of s2 answered again {lastAnswer.TotalSeconds:F1} s after kill -9 (lease 6 s, renew 1 s), under load");
        var before = load.Acknowledged.Sum();
        await Eventually.WaitUntilAsync(() => load.Acknowledged.Sum() >= before + Grains, "the load goes on after the failover", TimeSpan.FromSeconds(120));
        await load.StopAsync();

        Assert.True(lastAnswer < TimeSpan.FromSeconds(15), $"the last grain answered {lastAnswer.TotalSeconds:F1} s after the kill");
        for (var grain = 0; grain < Grains; grain++)
        {
            // Exactly the acknowledged count: nothing acknowledged was lost, and no retried operation counted twice.
            Assert.Equal(load.Acknowledged[grain], await load.ReadAsync(grain, TestContext.Current.CancellationToken));
        }

        AssertNoOverlap(await _cluster.ActivationsAsync(), "s2", killedAt);
        output.WriteLine($"{load.Acknowledged.Sum()} increments acknowledged; {load.Failures.Count} calls failed at a silo (in flight on the killed one)");
    }

    [Fact]
    public async Task RollingRestartOfEverySilo_UnderLoad_FailsNoCall()
    {
        foreach (var name in new[] { "s1", "s2", "s3" })
        {
            await _cluster.StartAsync(name);
        }

        await _cluster.WaitUntilBalancedAsync();
        var load = new CounterLoad(_cluster, grains: 2_000, workers: 32);
        load.Start();
        await Eventually.WaitUntilAsync(() => load.Acknowledged.All(n => n >= 1), "every grain incremented once", TimeSpan.FromSeconds(60));

        foreach (var name in new[] { "s1", "s2", "s3" })
        {
            var stopping = Stopwatch.StartNew();
            _cluster.Process(name).Terminate();
            Assert.Equal(0, await _cluster.Process(name).WaitForExitAsync(TimeSpan.FromSeconds(60)));
            output.WriteLine($"measured: {name} handed off and exited {stopping.Elapsed.TotalSeconds:F1} s after SIGTERM");
            await _cluster.StartAsync(name);
            await _cluster.WaitUntilBalancedAsync();
            var before = load.Acknowledged.Sum();
            await Eventually.WaitUntilAsync(() => load.Acknowledged.Sum() >= before + 1_000, $"the load goes on after restarting {name}");
        }

        await load.StopAsync();
        Assert.True(load.Failures.Count == 0, string.Join("\n", load.Failures.Take(5)));
        for (var grain = 0; grain < load.Grains; grain++)
        {
            Assert.Equal(load.Acknowledged[grain], await load.ReadAsync(grain, TestContext.Current.CancellationToken));
        }

        AssertNoOverlap(await _cluster.ActivationsAsync(), killedSilo: null, killedAt: default);
    }

    /// <summary>For each grain, its activations' intervals follow one another. An activation of a killed silo that never
    /// recorded its end is taken to end at the kill.</summary>
    private static void AssertNoOverlap(IReadOnlyList<(string Grain, string Silo, DateTime Started, DateTime? Ended)> activations, string? killedSilo, DateTime killedAt)
    {
        Assert.NotEmpty(activations);
        foreach (var grain in activations.GroupBy(a => a.Grain))
        {
            var ordered = grain.OrderBy(a => a.Started).ToList();
            for (var i = 1; i < ordered.Count; i++)
            {
                var previous = ordered[i - 1];
                var end = previous.Ended ?? (previous.Silo == killedSilo ? killedAt : DateTime.MaxValue);
                Assert.True(ordered[i].Started >= end,
                    $"{grain.Key}: an activation on {ordered[i].Silo} started at {ordered[i].Started:O} while the one on {previous.Silo} (from {previous.Started:O}) had not ended");
            }
        }
    }
}
