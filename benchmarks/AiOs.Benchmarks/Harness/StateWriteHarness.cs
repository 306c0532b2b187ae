using AiOs.Benchmarks.Grains;
using Microsoft.Extensions.DependencyInjection;

namespace AiOs.Benchmarks.Harness;

/// <summary>Grain calls that each write the grain's state, on SQLite and on PostgreSQL, at concurrency 1, 16 and 64
/// (each caller has its own grain, so writes never conflict). PostgreSQL comes from <c>AIOS_BENCH_POSTGRES</c>
/// (benchmarks/run.sh starts a throwaway server with fsync on); without it the PostgreSQL rows are skipped with a note.</summary>
public static class StateWriteHarness
{
    public static async Task<IReadOnlyList<LoadResult>> RunAsync(TimeSpan duration, TimeSpan warmup)
    {
        var results = new List<LoadResult>();
        foreach (var concurrency in new[] { 1, 16, 64 })
        {
            var directory = Directory.CreateTempSubdirectory("aios-bench-");
            try
            {
                results.Add(await RunAsync("state write (SQLite)", concurrency, duration, warmup,
                    s => s.AddAiOsSqliteStorage(o => o.DataDirectory = directory.FullName)));
            }
            finally
            {
                directory.Delete(recursive: true);
            }
        }

        var postgres = Environment.GetEnvironmentVariable("AIOS_BENCH_POSTGRES");
        if (string.IsNullOrEmpty(postgres))
        {
            Console.Error.WriteLine("AIOS_BENCH_POSTGRES is not set: PostgreSQL state writes not measured (bash benchmarks/run.sh sets it).");
            return results;
        }

        foreach (var concurrency in new[] { 1, 16, 64 })
        {
            var schema = $"bench_{Guid.NewGuid():N}"[..20];
            results.Add(await RunAsync("state write (PostgreSQL)", concurrency, duration, warmup, s => s.AddAiOsPostgreSqlStorage(o =>
            {
                o.ConnectionString = postgres;
                o.Schema = schema;
            })));
        }

        return results;
    }

    private static async Task<LoadResult> RunAsync(string name, int concurrency, TimeSpan duration, TimeSpan warmup, Action<IServiceCollection> storage)
    {
        await using var silo = await BenchmarkSilo.StartAsync(storage);
        var grains = Enumerable.Range(0, concurrency).Select(c => silo.GrainFactory.GetGrain<ICounterGrain>(c)).ToArray();
        return await LoadRunner.RunAsync(name, concurrency, c => async () => await grains[c].Increment(), duration, warmup);
    }
}
