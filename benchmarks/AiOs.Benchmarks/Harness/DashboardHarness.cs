using AiOs.Dashboard.Collection;
using AiOs.Runtime.Metrics;
using Microsoft.Extensions.DependencyInjection;

namespace AiOs.Benchmarks.Harness;

/// <summary>The cost of watching: in-silo grain calls with the dashboard's collection off, and on as a silo runs it
/// with one dashboard open (the once-a-second sampler, and a viewer reading the samples and the per-method totals every
/// second, as the cluster page's poll does). The runtime's own call statistics are on in both (they are on by default
/// and measured by the "calls" scenario). The arms take turns in slices on one warm silo (<see cref="Interleaved"/>).</summary>
public static class DashboardHarness
{
    public static async Task<IReadOnlyList<LoadResult>> RunAsync(TimeSpan duration, TimeSpan warmup)
    {
        var results = new List<LoadResult>();
        foreach (var callers in new[] { 1, 64 })
        {
            await using var silo = await BenchmarkSilo.StartAsync();
            var statistics = silo.Services.GetRequiredService<RuntimeInstruments>().Statistics;
            var call = silo.PingCalls(callers);
            await LoadRunner.WarmUpAsync(callers, call, warmup);

            var comparison = await Interleaved.CompareAsync(
                $"dashboard, {callers} callers",
                slice => LoadRunner.MeasureAsync("off", callers, call, slice),
                slice => WatchedAsync(statistics, callers, call, slice),
                Interleaved.SliceFor(duration));
            results.Add(comparison.Baseline with { Scenario = "grain call (dashboard collection off)" });
            results.Add(comparison.Candidate with { Scenario = $"grain call (dashboard collection on, one viewer): {comparison.Describe()}" });
        }

        return results;
    }

    // One slice with the dashboard watching: a sampler as the silo runs it, and a viewer polling as an open page does.
    private static async Task<LoadResult> WatchedAsync(CallStatistics statistics, int callers, Func<int, Func<ValueTask>> call, TimeSpan slice)
    {
        using var sampler = new MetricsSampler(statistics, TimeProvider.System);
        using var viewing = new CancellationTokenSource();
        sampler.Start();
        var viewer = Task.Run(async () =>
        {
            using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1));
            while (await timer.WaitForNextTickAsync(viewing.Token).ConfigureAwait(false))
            {
                _ = sampler.Since(0);
                _ = statistics.Snapshot();
            }
        });
        try
        {
            return await LoadRunner.MeasureAsync("on", callers, call, slice);
        }
        finally
        {
            await viewing.CancelAsync();
            await viewer.ContinueWith(_ => { }, TaskScheduler.Default);
        }
    }
}
