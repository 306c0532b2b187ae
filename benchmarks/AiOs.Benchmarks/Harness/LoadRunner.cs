using System.Diagnostics;

namespace AiOs.Benchmarks.Harness;

/// <summary>What a load run measured.</summary>
public sealed record LoadResult(string Scenario, int Callers, long Operations, TimeSpan Elapsed, double P50Microseconds, double P99Microseconds, TimeSpan CpuTime)
{
    /// <summary>Processor time of the whole process per operation, in nanoseconds: steadier than throughput on a shared
    /// machine, and what the operation really costs.</summary>
    public double CpuNanosecondsPerOperation => CpuTime.TotalMilliseconds * 1_000_000 / Operations;

    public double PerSecond => Operations / Elapsed.TotalSeconds;

    /// <summary>Wall time per operation across all callers, in nanoseconds.</summary>
    public double NanosecondsPerOperation => Elapsed.TotalMilliseconds * 1_000_000 / Operations;
}

/// <summary>Runs <c>callers</c> concurrent loops of one operation for a fixed time, timing every operation; a warm-up
/// run first lets the JIT and tiered compilation settle. Latencies go into per-caller arrays (no shared state on the
/// hot path) and are merged at the end for the percentiles.</summary>
public static class LoadRunner
{
    public static async Task<LoadResult> RunAsync(string scenario, int callers, Func<int, Func<ValueTask>> operationForCaller, TimeSpan duration, TimeSpan warmup)
    {
        await RunOnceAsync(callers, operationForCaller, warmup);
        GC.Collect();
        GC.WaitForPendingFinalizers();
        var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
        var (elapsed, histogram) = await RunOnceAsync(callers, operationForCaller, duration);
        var cpu = Process.GetCurrentProcess().TotalProcessorTime - cpuBefore;
        return new LoadResult(scenario, callers, histogram.Count, elapsed, histogram.PercentileMicroseconds(0.50), histogram.PercentileMicroseconds(0.99), cpu);
    }

    private static async Task<(TimeSpan Elapsed, LatencyHistogram Histogram)> RunOnceAsync(int callers, Func<int, Func<ValueTask>> operationForCaller, TimeSpan duration)
    {
        var stop = 0;
        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var histograms = Enumerable.Range(0, callers).Select(_ => new LatencyHistogram()).ToArray();
        var loops = Enumerable.Range(0, callers).Select(c => Task.Run(async () =>
        {
            var operation = operationForCaller(c);
            var histogram = histograms[c];
            await start.Task;
            while (Volatile.Read(ref stop) == 0)
            {
                var t0 = Stopwatch.GetTimestamp();
                await operation();
                histogram.Record(Stopwatch.GetTimestamp() - t0);
            }
        })).ToArray();

        var clock = Stopwatch.StartNew();
        start.SetResult();
        await Task.Delay(duration);
        Volatile.Write(ref stop, 1);
        await Task.WhenAll(loops);
        clock.Stop();
        var total = new LatencyHistogram();
        foreach (var histogram in histograms)
        {
            total.Add(histogram);
        }

        return (clock.Elapsed, total);
    }
}
