using System.Globalization;
using System.Net;
using System.Net.Sockets;
using AiOs.Benchmarks.Grains;
using AiOs.Invocation;
using AiOs.Runtime.Placement;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace AiOs.Benchmarks.Harness;

/// <summary>Forwarded (cross-silo) grain calls against in-silo calls in the same run (issue #3): two silos in this
/// process on one PostgreSQL, each a web application with its own silo-to-silo port, with the default cluster settings.
/// Every call is made from silo A; the forwarded calls go to grains whose partition silo B holds, the in-silo calls to
/// grains whose partition A holds. First throughput with 64 callers (closed loop), then latency with the calls paced at
/// half the forwarded throughput just measured and at half the target rate (open loop), both kinds at the same rates.</summary>
public static class ClusterHarness
{
    private const int Callers = 64;

    /// <summary>The issue's target for forwarded calls between two silos, per second.</summary>
    private const double TargetRate = 20_000;

    public static async Task<IReadOnlyList<LoadResult>> RunAsync(TimeSpan duration, TimeSpan warmup)
    {
        var postgres = Environment.GetEnvironmentVariable("AIOS_BENCH_POSTGRES");
        if (string.IsNullOrEmpty(postgres))
        {
            Console.Error.WriteLine("AIOS_BENCH_POSTGRES is not set: cluster calls not measured (bash benchmarks/run.sh sets it).");
            return [];
        }

        var schema = $"bench_{Guid.NewGuid():N}"[..20];
        var a = await StartSiloAsync("bench-a", postgres, schema);
        var b = await StartSiloAsync("bench-b", postgres, schema);
        try
        {
            await WaitUntilSplitAsync(a, b, TimeSpan.FromSeconds(120));

            // Each caller has its own grain, as in the in-silo scenario, so no call waits for another's turn.
            var forwarded = GrainsOwnedBy(a, b);
            var inSilo = GrainsOwnedBy(a, a);
            var results = new List<LoadResult>
            {
                await LoadRunner.RunAsync("forwarded call, A to B (closed loop)", Callers, c => async () => await forwarded[c].Ping(c), duration, warmup),
                await LoadRunner.RunAsync("in-silo call, A to A (closed loop)", Callers, c => async () => await inSilo[c].Ping(c), duration, warmup),
            };

            // Half the forwarded throughput just measured, and half the issue's target of 20,000/s.
            foreach (var rate in new[] { Math.Round(results[0].PerSecond / 2), TargetRate / 2 })
            {
                var next = 0;
                results.Add(await LoadRunner.RunPacedAsync($"forwarded call, paced at {rate:N0}/s (open loop)", rate,
                    async () => await forwarded[(int)((uint)Interlocked.Increment(ref next) % Callers)].Ping(1), duration, warmup));
                results.Add(await LoadRunner.RunPacedAsync($"in-silo call, paced at {rate:N0}/s (open loop)", rate,
                    async () => await inSilo[(int)((uint)Interlocked.Increment(ref next) % Callers)].Ping(1), duration, warmup));
            }

            return results;
        }
        finally
        {
            // B first: A then has nobody to hand its partitions to and stops at once.
            await b.DisposeAsync();
            await a.DisposeAsync();
        }
    }

    private static async Task<WebApplication> StartSiloAsync(string siloId, string postgres, string schema)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Benchmark" });
        builder.Configuration.Sources.Clear();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["AiOs:Silo:SiloId"] = siloId,
            ["AiOs:Cluster:Port"] = FreePort().ToString(CultureInfo.InvariantCulture),
            ["AiOs:Cluster:Secret"] = "benchmark-cluster-secret-0123456789",
        });
        builder.Logging.ClearProviders();
        builder.Services.AddAiOsPostgreSqlStorage(o => (o.ConnectionString, o.Schema) = (postgres, schema));
        builder.Services.AddAiOsSilo(builder.Configuration, s => s.AddGrains(typeof(PingGrain).Assembly));
        builder.AddAiOsCluster();
        var app = builder.Build();
        app.MapAiOsCluster();
        await app.StartAsync();
        return app;
    }

    /// <summary>Waits until each silo holds half the partitions (the second one to join takes its share from the first
    /// over a few lease renewals).</summary>
    internal static async Task WaitUntilSplitAsync(WebApplication a, WebApplication b, TimeSpan timeout)
    {
        var ownership = new[] { a, b }.Select(s => s.Services.GetRequiredService<IPartitionOwnership>()).ToArray();
        var partitions = ownership[0].PartitionCount;
        var deadline = DateTime.UtcNow + timeout;
        while (!ownership.All(o => o.OwnedPartitions.Count == partitions / 2)
               || !Enumerable.Range(0, partitions).All(p => ownership.Count(o => o.Owns(p)) == 1))
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"The two silos did not split the {partitions} partitions within {timeout} " +
                    $"(they hold {string.Join(" and ", ownership.Select(o => o.OwnedPartitions.Count))}).");
            }

            await Task.Delay(100);
        }
    }

    /// <summary><see cref="Callers"/> ping grains, referenced through <paramref name="caller"/>'s factory, whose
    /// partitions <paramref name="owner"/> holds.</summary>
    private static IPingGrain[] GrainsOwnedBy(WebApplication caller, WebApplication owner)
    {
        var factory = caller.Services.GetRequiredService<IGrainFactory>();
        var ownership = owner.Services.GetRequiredService<IPartitionOwnership>();
        var grains = new List<IPingGrain>();
        for (long key = 0; grains.Count < Callers; key++)
        {
            var grain = factory.GetGrain<IPingGrain>(key);
            if (ownership.Owns(PartitionHasher.GetPartition(((GrainReference)(object)grain).GrainId, ownership.PartitionCount)))
            {
                grains.Add(grain);
            }
        }

        return [.. grains];
    }

    internal static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
