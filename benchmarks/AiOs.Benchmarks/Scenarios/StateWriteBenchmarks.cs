using AiOs.Benchmarks.Grains;
using AiOs.Benchmarks.Harness;
using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.DependencyInjection;

namespace AiOs.Benchmarks.Scenarios;

/// <summary>Grain calls that each write the grain's state (one row per grain, each caller on its own grain) on SQLite and
/// on PostgreSQL. Each invocation makes <see cref="TotalWrites"/> writes split across the callers, so Mean is the wall time
/// per write. PostgreSQL needs AIOS_BENCH_POSTGRES (benchmarks/run.sh starts a throwaway server with fsync on).</summary>
[ShortRunJob]
public class StateWriteBenchmarks
{
    private const int TotalWrites = 1_024;
    private BenchmarkSilo _silo = null!;
    private ICounterGrain[] _grains = null!;
    private DirectoryInfo? _directory;

    [Params("SQLite", "PostgreSQL")]
    public string Storage { get; set; } = "";

    [Params(1, 16, 64)]
    public int Concurrency { get; set; }

    [GlobalSetup]
    public async Task Setup()
    {
        if (Storage == "SQLite")
        {
            _directory = Directory.CreateTempSubdirectory("aios-bench-");
            _silo = await BenchmarkSilo.StartAsync(s => s.AddAiOsSqliteStorage(o => o.DataDirectory = _directory.FullName));
        }
        else
        {
            var connectionString = Environment.GetEnvironmentVariable("AIOS_BENCH_POSTGRES")
                ?? throw new InvalidOperationException("Set AIOS_BENCH_POSTGRES (bash benchmarks/run.sh does) to benchmark PostgreSQL.");
            _silo = await BenchmarkSilo.StartAsync(s => s.AddAiOsPostgreSqlStorage(o =>
            {
                o.ConnectionString = connectionString;
                o.Schema = $"bench_{Guid.NewGuid():N}"[..20];
            }));
        }

        _grains = Enumerable.Range(0, Concurrency).Select(c => _silo.GrainFactory.GetGrain<ICounterGrain>(c)).ToArray();
        await Writes();
    }

    [GlobalCleanup]
    public async Task Cleanup()
    {
        await _silo.DisposeAsync();
        _directory?.Delete(recursive: true);
    }

    [Benchmark(OperationsPerInvoke = TotalWrites)]
    public Task Writes() => Task.WhenAll(_grains.Select(grain => Task.Run(async () =>
    {
        for (var i = 0; i < TotalWrites / Concurrency; i++)
        {
            await grain.Increment();
        }
    })));
}
