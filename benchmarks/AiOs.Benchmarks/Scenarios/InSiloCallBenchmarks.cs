using AiOs.Benchmarks.Grains;
using AiOs.Benchmarks.Harness;
using BenchmarkDotNet.Attributes;

namespace AiOs.Benchmarks.Scenarios;

/// <summary>In-silo grain calls (a non-persistent ping, each caller on its own grain) against the floor: the same
/// number of callers doing a raw Channel request/response hand-off. Each invocation makes <see cref="TotalCalls"/> calls
/// split evenly across the callers, so Mean is the wall time per call and the Ratio column is the per-call cost of a
/// grain call relative to the floor (target: at most 3).</summary>
[MemoryDiagnoser]
[ShortRunJob]
public class InSiloCallBenchmarks
{
    private const int TotalCalls = 64_000;
    private BenchmarkSilo _silo = null!;
    private IPingGrain[] _grains = null!;
    private ChannelPingPong[] _pairs = null!;

    [Params(1, 64)]
    public int Callers { get; set; }

    [GlobalSetup]
    public async Task Setup()
    {
        _silo = await BenchmarkSilo.StartAsync();
        _grains = Enumerable.Range(0, Callers).Select(c => _silo.GrainFactory.GetGrain<IPingGrain>(c)).ToArray();
        _pairs = Enumerable.Range(0, Callers).Select(_ => new ChannelPingPong()).ToArray();
        await GrainCalls();
    }

    [GlobalCleanup]
    public async Task Cleanup()
    {
        foreach (var pair in _pairs)
        {
            await pair.DisposeAsync();
        }

        await _silo.DisposeAsync();
    }

    private int CallsPerCaller => TotalCalls / Callers;

    [Benchmark(Baseline = true, OperationsPerInvoke = TotalCalls)]
    public Task ChannelHandoff() => Task.WhenAll(_pairs.Select(pair => Task.Run(async () =>
    {
        for (var i = 0; i < CallsPerCaller; i++)
        {
            await pair.PingAsync(i);
        }
    })));

    [Benchmark(OperationsPerInvoke = TotalCalls)]
    public Task GrainCalls() => Task.WhenAll(_grains.Select(grain => Task.Run(async () =>
    {
        for (var i = 0; i < CallsPerCaller; i++)
        {
            await grain.Ping(i);
        }
    })));
}
