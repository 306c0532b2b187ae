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

    /// <summary>Starts <paramref name="operation"/> at a fixed rate whatever the latency (an open loop), so that latency is
    /// measured at a chosen load instead of at saturation, where a closed loop's latency is only its queue length. The
    /// timer ticks about once a millisecond on Linux, so calls go out in bursts of about rate/1000 per tick: harsher than
    /// even spacing, never gentler. Each call is timed from when it was started. <see cref="LoadResult.Callers"/> reports
    /// the most calls that were in flight at once.</summary>
    public static async Task<LoadResult> RunPacedAsync(string scenario, double perSecond, Func<ValueTask> operation, TimeSpan duration, TimeSpan warmup)
    {
        await PaceOnceAsync(perSecond, operation, warmup);
        GC.Collect();
        GC.WaitForPendingFinalizers();
        var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
        var (elapsed, histogram, maxInFlight) = await PaceOnceAsync(perSecond, operation, duration);
        var cpu = Process.GetCurrentProcess().TotalProcessorTime - cpuBefore;
        return new LoadResult(scenario, maxInFlight, histogram.Count, elapsed, histogram.PercentileMicroseconds(0.50), histogram.PercentileMicroseconds(0.99), cpu);
    }

    private static async Task<(TimeSpan Elapsed, LatencyHistogram Histogram, int MaxInFlight)> PaceOnceAsync(double perSecond, Func<ValueTask> operation, TimeSpan duration)
    {
        var histogram = new LatencyHistogram();
        var gate = new Lock();
        var inFlight = 0;
        var maxInFlight = 0;
        Exception? failure = null;

        async Task TimedAsync()
        {
            var t0 = Stopwatch.GetTimestamp();
            try
            {
                await operation();
            }
            catch (Exception exception)
            {
                Interlocked.CompareExchange(ref failure, exception, null);
            }
            finally
            {
                var ticks = Stopwatch.GetTimestamp() - t0;
                lock (gate)
                {
                    histogram.Record(ticks);
                }

                Interlocked.Decrement(ref inFlight);
            }
        }

        var clock = Stopwatch.StartNew();
        await Task.Run(async () =>
        {
            long started = 0;
            while (clock.Elapsed < duration)
            {
                // Catch up to the schedule: a late tick starts every call that was due meanwhile.
                var due = (long)(clock.Elapsed.TotalSeconds * perSecond);
                for (; started < due; started++)
                {
                    var now = Interlocked.Increment(ref inFlight);
                    maxInFlight = Math.Max(maxInFlight, now);
                    _ = TimedAsync();
                }

                await Task.Delay(1);
            }
        });

        while (Volatile.Read(ref inFlight) > 0)
        {
            await Task.Delay(1);
        }

        clock.Stop();
        if (failure is not null)
        {
            throw new InvalidOperationException($"A paced call failed: {failure.Message}", failure);
        }

        return (clock.Elapsed, histogram, maxInFlight);
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
