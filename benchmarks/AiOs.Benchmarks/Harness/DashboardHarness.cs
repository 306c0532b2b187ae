using AiOs.Benchmarks.Grains;
using AiOs.Dashboard.Collection;
using Microsoft.Extensions.DependencyInjection;

namespace AiOs.Benchmarks.Harness;

/// <summary>The cost of watching: in-silo grain calls with the dashboard's collection off, and on as a silo runs it
/// with one dashboard open (the once-a-second sampler, and a viewer reading the samples and the per-method totals every
/// second, as the cluster page's poll does). The runtime's own call statistics are on in both (they are on by default
/// and measured by the "calls" scenario). Rounds alternate; each row reports the round with the median throughput.</summary>
public static class DashboardHarness
{
    public static async Task<IReadOnlyList<LoadResult>> RunAsync(TimeSpan duration, TimeSpan warmup, int rounds = 5)
    {
        var results = new List<LoadResult>();
        foreach (var callers in new[] { 1, 64 })
        {
            var off = new List<LoadResult>();
            var on = new List<LoadResult>();
            for (var round = 0; round < rounds; round++)
            {
                off.Add(await GrainCallsAsync(callers, watched: false, duration, warmup));
                on.Add(await GrainCallsAsync(callers, watched: true, duration, warmup));
            }

            results.Add(Median(off));
            results.Add(Median(on));
        }

        return results;
    }

    private static async Task<LoadResult> GrainCallsAsync(int callers, bool watched, TimeSpan duration, TimeSpan warmup)
    {
        await using var silo = await BenchmarkSilo.StartAsync();
        var statistics = silo.Services.GetRequiredService<AiOs.Runtime.Metrics.RuntimeInstruments>().Statistics;
        using var sampler = new MetricsSampler(statistics, TimeProvider.System);
        using var viewing = new CancellationTokenSource();
        var viewer = Task.CompletedTask;
        if (watched)
        {
            sampler.Start();
            viewer = Task.Run(async () =>
            {
                using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1));
                while (await timer.WaitForNextTickAsync(viewing.Token).ConfigureAwait(false))
                {
                    _ = sampler.Since(0);
                    _ = statistics.Snapshot();
                }
            });
        }

        var grains = Enumerable.Range(0, callers).Select(c => silo.GrainFactory.GetGrain<IPingGrain>(c)).ToArray();
        var name = watched ? "grain call (dashboard collection on, one viewer)" : "grain call (dashboard collection off)";
        try
        {
            return await LoadRunner.RunAsync(name, callers, c => async () => await grains[c].Ping(c), duration, warmup);
        }
        finally
        {
            await viewing.CancelAsync();
            await viewer.ContinueWith(_ => { }, TaskScheduler.Default);
        }
    }

    private static LoadResult Median(List<LoadResult> rounds) => rounds.OrderBy(r => r.PerSecond).ElementAt(rounds.Count / 2) with
    {
        Scenario = $"{rounds[0].Scenario} [median of {rounds.Count}: {string.Join(" / ", rounds.Select(r => $"{r.PerSecond / 1000:N0}k"))}]",
    };
}
