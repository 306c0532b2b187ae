using AiOs.Benchmarks.Grains;

namespace AiOs.Benchmarks.Harness;

/// <summary>In-silo grain calls against the raw channel floor, with 1 and 64 callers, and the cost of the built-in call
/// statistics (on versus off). Run-to-run noise on a shared 2-core machine is around 10-15%, so the scenarios alternate
/// over several rounds and each row reports the round with the median throughput.</summary>
public static class CallHarness
{
    public static async Task<IReadOnlyList<LoadResult>> RunAsync(TimeSpan duration, TimeSpan warmup, int rounds = 3)
    {
        var results = new List<LoadResult>();
        foreach (var callers in new[] { 1, 64 })
        {
            var floor = new List<LoadResult>();
            var on = new List<LoadResult>();
            var off = new List<LoadResult>();
            for (var round = 0; round < rounds; round++)
            {
                floor.Add(await FloorAsync(callers, duration, warmup));
                on.Add(await GrainCallsAsync(callers, metrics: true, duration, warmup));
                off.Add(await GrainCallsAsync(callers, metrics: false, duration, warmup));
            }

            results.Add(Median(floor));
            results.Add(Median(on));
            results.Add(Median(off));
        }

        return results;
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

    private static async Task<LoadResult> GrainCallsAsync(int callers, bool metrics, TimeSpan duration, TimeSpan warmup)
    {
        await using var silo = await BenchmarkSilo.StartAsync(callMetrics: metrics);
        var grains = Enumerable.Range(0, callers).Select(c => silo.GrainFactory.GetGrain<IPingGrain>(c)).ToArray();
        var name = metrics ? "grain call (call statistics on)" : "grain call (call statistics off)";
        return await LoadRunner.RunAsync(name, callers, c => async () => await grains[c].Ping(c), duration, warmup);
    }

    private static LoadResult Median(List<LoadResult> rounds) => rounds.OrderBy(r => r.PerSecond).ElementAt(rounds.Count / 2) with
    {
        Scenario = $"{rounds[0].Scenario} [median of {rounds.Count}: {string.Join(" / ", rounds.Select(r => $"{r.PerSecond / 1000:N0}k"))}]",
    };
}
