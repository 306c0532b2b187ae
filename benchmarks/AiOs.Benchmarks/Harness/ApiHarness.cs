using AiOs.Api.Keys;
using AiOs.Api.Server;
using AiOs.Client;
using Microsoft.Extensions.DependencyInjection;

namespace AiOs.Benchmarks.Harness;

/// <summary>Unary API calls per second against one silo (issue #7): a cheap read (Cluster/ListSilos, which authenticates
/// the key and checks its scope) and the open health check, each from 64 concurrent callers sharing one .NET client (the
/// library's HttpClient over cleartext HTTP/2 on loopback). Client and server share this process and its two cores, so
/// the figure includes the client's cost.</summary>
public static class ApiHarness
{
    public static async Task<IReadOnlyList<LoadResult>> RunAsync(TimeSpan duration, TimeSpan warmup, int rounds = 3)
    {
        var directory = Directory.CreateTempSubdirectory("aios-bench-api");
        try
        {
            await using var silo = await BenchmarkSilo.StartAsync(storage: s =>
            {
                s.AddAiOsSqliteStorage(o => o.DataDirectory = directory.FullName);
                s.AddAiOsApi(configure: o =>
                {
                    o.Port = 0;
                    o.DataDirectory = directory.FullName;
                    o.GenerateInitialKey = false;
                });
            });
            var (_, key) = await silo.Services.GetRequiredService<ApiKeyManager>().CreateAsync("bench", ApiKeyScopes.ReadOnly, "bench", CancellationToken.None);
            using var client = new AiOsClient(new AiOsClientOptions
            {
                Endpoint = new Uri(silo.Services.GetRequiredService<ApiEndpointAddress>().Address!),
                ApiKey = key,
            });

            var results = new List<LoadResult>();
            var reads = new List<LoadResult>();
            var health = new List<LoadResult>();
            for (var round = 0; round < rounds; round++)
            {
                reads.Add(await LoadRunner.RunAsync("API unary read (Cluster/ListSilos, read-only key)", 64, _ => async () => await client.ListSilosAsync(), duration, warmup));
                health.Add(await LoadRunner.RunAsync("API unary open (Health/GetHealth, no key)", 64, _ => async () => await client.GetHealthAsync(), duration, warmup));
            }

            results.Add(Median(reads));
            results.Add(Median(health));
            return results;
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    private static LoadResult Median(List<LoadResult> rounds) => rounds.OrderBy(r => r.PerSecond).ElementAt(rounds.Count / 2) with
    {
        Scenario = $"{rounds[0].Scenario} [median of {rounds.Count}: {string.Join(" / ", rounds.Select(r => $"{r.PerSecond / 1000:N1}k"))}]",
    };
}
