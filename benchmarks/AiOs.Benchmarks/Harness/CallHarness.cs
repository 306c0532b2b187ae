using AiOs.Runtime.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace AiOs.Benchmarks.Harness;

/// <summary>In-silo grain calls against the raw channel floor, with 1 and 64 callers, and the cost of the built-in call
/// statistics (on versus off). The floor and the grain calls are 5× apart, so separate runs compare them well enough:
/// they alternate over several rounds and each row reports the round with the median throughput. Statistics on and off
/// are a few percent apart, less than this machine's noise between runs, so they are compared in turns on one warm silo
/// (<see cref="Interleaved"/>).</summary>
public static class CallHarness
{
    public static async Task<IReadOnlyList<LoadResult>> RunAsync(TimeSpan duration, TimeSpan warmup, int rounds = 3)
    {
        var results = new List<LoadResult>();
        foreach (var callers in new[] { 1, 64 })
        {
            var floor = new List<LoadResult>();
            var grain = new List<LoadResult>();
            for (var round = 0; round < rounds; round++)
            {
                floor.Add(await FloorAsync(callers, duration, warmup));
                grain.Add(await GrainCallsAsync(callers, duration, warmup));
            }

            results.Add(Median(floor));
            results.Add(Median(grain));
            var statistics = await StatisticsCostAsync(callers, duration, warmup);
            results.Add(statistics.Baseline with { Scenario = "grain call (call statistics off)" });
            results.Add(statistics.Candidate with { Scenario = $"grain call (call statistics on): {statistics.Describe()}" });
        }

        return results;
    }

    // On one silo, switching the statistics between slices: two silos in one process differ by about 25% on their own
    // (an A/A comparison of two identical silos measured that), which would swamp the cost measured here.
    private static async Task<Comparison> StatisticsCostAsync(int callers, TimeSpan duration, TimeSpan warmup)
    {
        await using var silo = await BenchmarkSilo.StartAsync(callMetrics: true);
        var options = silo.Services.GetRequiredService<IOptions<GrainCallOptions>>().Value;
        var calls = silo.PingCalls(callers);
        await LoadRunner.WarmUpAsync(callers, calls, warmup);
        Task<LoadResult> Slice(bool statistics, TimeSpan slice)
        {
            options.RecordCallMetrics = statistics;
            return LoadRunner.MeasureAsync(statistics ? "on" : "off", callers, calls, slice);
        }

        return await Interleaved.CompareAsync(
            $"call statistics, {callers} callers", slice => Slice(false, slice), slice => Slice(true, slice), Interleaved.SliceFor(duration));
    }

    private static async Task<LoadResult> FloorAsync(int callers, TimeSpan duration, TimeSpan warmup)
    {
        var pairs = Enumerable.Range(0, callers).Select(_ => new ChannelPingPong()).ToArray();
        try
        {
            return await LoadRunner.RunAsync("channel hand-off (floor)", callers, c => async () => await pairs[c].PingAsync(c), duration, warmup);
        }
        finally
        {
            foreach (var pair in pairs)
            {
                await pair.DisposeAsync();
            }
        }
    }

    private static async Task<LoadResult> GrainCallsAsync(int callers, TimeSpan duration, TimeSpan warmup)
    {
        await using var silo = await BenchmarkSilo.StartAsync();
        return await LoadRunner.RunAsync("grain call (defaults: call statistics on)", callers, silo.PingCalls(callers), duration, warmup);
    }

    private static LoadResult Median(List<LoadResult> rounds) => rounds.OrderBy(r => r.PerSecond).ElementAt(rounds.Count / 2) with
    {
        Scenario = $"{rounds[0].Scenario} [median of {rounds.Count}: {string.Join(" / ", rounds.Select(r => $"{r.PerSecond / 1000:N0}k"))}]",
    };
}
