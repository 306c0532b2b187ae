using System.Globalization;
using AiOs.Api.Keys;
using AiOs.Api.Server;
using AiOs.Client;
using AiOs.Runtime.Placement;
using AiOs.Workforce.Coordinator;
using AiOs.Workforce.Roles;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace AiOs.Benchmarks.Harness;

/// <summary>Unary API calls through the forwarding path of a 2-silo cluster (issue #7): two silos in this process on one
/// PostgreSQL, each serving the API on its own port. The call is AgentRoles/GetAgentRole (a read-only key, authenticated
/// from the cache), which reads the one role catalog grain. Sent to the silo that does not hold that grain's partition,
/// every API call makes one forwarded grain call; sent to the silo that holds it, the same call stays in the silo. Both
/// from 64 callers on one .NET client per silo, alternated over three rounds, median.</summary>
public static class ApiClusterHarness
{
    private const int Callers = 64;

    public static async Task<IReadOnlyList<LoadResult>> RunAsync(TimeSpan duration, TimeSpan warmup, int rounds = 3)
    {
        var postgres = Environment.GetEnvironmentVariable("AIOS_BENCH_POSTGRES");
        if (string.IsNullOrEmpty(postgres))
        {
            Console.Error.WriteLine("AIOS_BENCH_POSTGRES is not set: API calls through the cluster not measured (bash benchmarks/run.sh sets it).");
            return [];
        }

        var schema = $"bench_{Guid.NewGuid():N}"[..20];
        var directory = Directory.CreateTempSubdirectory("aios-bench-api-cluster");
        var a = await StartSiloAsync("bench-api-a", postgres, schema, directory.FullName);
        var b = await StartSiloAsync("bench-api-b", postgres, schema, directory.FullName);
        try
        {
            await ClusterHarness.WaitUntilSplitAsync(a, b, TimeSpan.FromSeconds(120));
            var catalog = new GrainId("role-catalog", IRoleCatalogGrain.Key);
            var ownership = a.Services.GetRequiredService<IPartitionOwnership>();
            var (owner, other) = ownership.Owns(PartitionHasher.GetPartition(catalog, ownership.PartitionCount)) ? (a, b) : (b, a);
            var (_, key) = await a.Services.GetRequiredService<ApiKeyManager>().CreateAsync("bench", ApiKeyScopes.ReadOnly, "bench", CancellationToken.None);
            using var forwarding = Client(other, key);
            using var local = Client(owner, key);

            var forwarded = new List<LoadResult>();
            var inSilo = new List<LoadResult>();
            for (var round = 0; round < rounds; round++)
            {
                forwarded.Add(await LoadRunner.RunAsync("API GetAgentRole, grain on the other silo (forwarded)", Callers,
                    _ => async () => await forwarding.GetAgentRoleAsync("writer"), duration, warmup));
                inSilo.Add(await LoadRunner.RunAsync("API GetAgentRole, grain on the called silo", Callers,
                    _ => async () => await local.GetAgentRoleAsync("writer"), duration, warmup));
            }

            return [Median(forwarded), Median(inSilo)];
        }
        finally
        {
            await b.DisposeAsync();
            await a.DisposeAsync();
            directory.Delete(recursive: true);
        }
    }

    private static AiOsClient Client(WebApplication silo, string key) => new(new AiOsClientOptions
    {
        Endpoint = new Uri(silo.Services.GetRequiredService<ApiEndpointAddress>().Address!),
        ApiKey = key,
    });

    private static async Task<WebApplication> StartSiloAsync(string siloId, string postgres, string schema, string dataDirectory)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Benchmark" });
        builder.Configuration.Sources.Clear();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["AiOs:Silo:SiloId"] = siloId,
            ["AiOs:Cluster:Port"] = ClusterHarness.FreePort().ToString(CultureInfo.InvariantCulture),
            ["AiOs:Cluster:Secret"] = "benchmark-cluster-secret-0123456789",
        });
        builder.Logging.ClearProviders();
        builder.Services.AddAiOsPostgreSqlStorage(o => (o.ConnectionString, o.Schema) = (postgres, schema));
        builder.Services.AddAiOsSilo(builder.Configuration, s => s.AddGrains(typeof(CoordinatorGrain).Assembly));
        builder.Services.AddAiOsApi(configure: o =>
        {
            o.Port = 0;
            o.DataDirectory = Path.Combine(dataDirectory, siloId);
            o.GenerateInitialKey = false;
        });
        builder.AddAiOsCluster();
        var app = builder.Build();
        app.MapAiOsCluster();
        await app.StartAsync();
        return app;
    }

    private static LoadResult Median(List<LoadResult> rounds) => rounds.OrderBy(r => r.PerSecond).ElementAt(rounds.Count / 2) with
    {
        Scenario = $"{rounds[0].Scenario} [median of {rounds.Count}: {string.Join(" / ", rounds.Select(r => $"{r.PerSecond / 1000:N1}k"))}]",
    };
}
