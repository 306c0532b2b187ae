using System.Globalization;
using AiOs.Benchmarks.Grains;
using AiOs.Dashboard.Collection;
using AiOs.Runtime.Metrics;
using Microsoft.Extensions.DependencyInjection;

namespace AiOs.Benchmarks.Harness;

/// <summary>The cost of watching: in-silo grain calls with the dashboard's collection off, and on as a silo runs it
/// with one dashboard open (the once-a-second sampler, and a viewer reading the samples and the per-method totals every
/// second, as the cluster page's poll does). The runtime's own call statistics are on in both (they are on by default
/// and measured by the "calls" scenario).</summary>
/// <remarks>The arms are interleaved on one warm silo: short slices, off and on in turn, the order flipping every pair
/// (off-on, on-off, ...). Separate runs were not comparable on this machine: throughput moved by up to 40% from one run to
/// the next (the thread pool grows under 64 callers and keeps its threads; fresh processes differed by as much), far
/// more than the few percent to be measured. Slices next to each other share the machine's state of the moment, so
/// the cost is read per pair, and over all slices as total calls on against total calls off.</remarks>
public static class DashboardHarness
{
    private const int Pairs = 16;

    public static async Task<IReadOnlyList<LoadResult>> RunAsync(TimeSpan duration, TimeSpan warmup)
    {
        // Each slice at least 2 s, so that an "on" slice holds two samples and two views.
        var slice = TimeSpan.FromSeconds(Math.Max(2, duration.TotalSeconds / 4));
        var results = new List<LoadResult>();
        foreach (var callers in new[] { 1, 64 })
        {
            await using var silo = await BenchmarkSilo.StartAsync();
            var statistics = silo.Services.GetRequiredService<RuntimeInstruments>().Statistics;
            var grains = Enumerable.Range(0, callers).Select(c => silo.GrainFactory.GetGrain<IPingGrain>(c)).ToArray();
            Func<int, Func<ValueTask>> call = c => async () => await grains[c].Ping(c);
            await LoadRunner.RunAsync("warm-up", callers, call, warmup, warmup);

            var off = new List<LoadResult>();
            var on = new List<LoadResult>();
            for (var pair = 0; pair < Pairs; pair++)
            {
                foreach (var watched in pair % 2 == 0 ? new[] { false, true } : [true, false])
                {
                    var result = watched ? await WatchedAsync(statistics, callers, call, slice) : await LoadRunner.MeasureAsync("off", callers, call, slice);
                    (watched ? on : off).Add(result);
                }

                Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"dashboard: {callers} callers, pair {pair + 1}/{Pairs}: off {off[^1].PerSecond:N0}, on {on[^1].PerSecond:N0} calls/s"));
            }

            var costs = off.Zip(on, (o, w) => 1 - (w.PerSecond / o.PerSecond)).Order().ToList();
            var overall = 1 - (Rate(on) / Rate(off));
            results.Add(Total(off, "grain call (dashboard collection off)"));
            results.Add(Total(on, string.Create(CultureInfo.InvariantCulture,
                $"grain call (dashboard collection on, one viewer): cost {overall:+0.0%;-0.0%} overall, per pair median {Quantile(costs, 0.5):+0.0%;-0.0%} (quartiles {Quantile(costs, 0.25):+0.0%;-0.0%} to {Quantile(costs, 0.75):+0.0%;-0.0%})")));
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

    private static double Rate(List<LoadResult> slices) => slices.Sum(s => s.Operations) / slices.Sum(s => s.Elapsed.TotalSeconds);

    // All slices of an arm as one run: calls, time and CPU summed; the latency columns are the median slice's.
    private static LoadResult Total(List<LoadResult> slices, string scenario)
    {
        var median = slices.OrderBy(s => s.PerSecond).ElementAt(slices.Count / 2);
        return median with
        {
            Scenario = scenario,
            Operations = slices.Sum(s => s.Operations),
            Elapsed = TimeSpan.FromTicks(slices.Sum(s => s.Elapsed.Ticks)),
            CpuTime = TimeSpan.FromTicks(slices.Sum(s => s.CpuTime.Ticks)),
        };
    }

    private static double Quantile(List<double> sorted, double q)
    {
        var position = q * (sorted.Count - 1);
        var low = (int)Math.Floor(position);
        var high = (int)Math.Ceiling(position);
        return sorted[low] + ((sorted[high] - sorted[low]) * (position - low));
    }
}
