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
    /// <summary>How many operations a caller runs before it lets the others have its thread, when there are more callers
    /// than cores. An operation that completes synchronously (a grain call run inline on an idle activation takes 300 ns)
    /// never gives its thread back: 64 such callers on 2 cores left all but the first few unstarted until the thread pool
    /// had grown a thread for each, and a run that should take 14 s ran for minutes. With no more callers than cores each
    /// keeps its thread and none yields: a yield wakes a second pool thread, which spins looking for work and doubled the
    /// CPU time counted per call of a single caller.</summary>
    private const int YieldEvery = 256;

    public static async Task<LoadResult> RunAsync(string scenario, int callers, Func<int, Func<ValueTask>> operationForCaller, TimeSpan duration, TimeSpan warmup)
    {
        await WarmUpAsync(callers, operationForCaller, warmup);
        return await MeasureAsync(scenario, callers, operationForCaller, duration);
    }

    /// <summary>Runs the operation unmeasured, so that the JIT and tiered compilation settle.</summary>
    public static Task WarmUpAsync(int callers, Func<int, Func<ValueTask>> operationForCaller, TimeSpan duration) =>
        RunOnceAsync(callers, operationForCaller, duration);

    /// <summary>One measured run, without a warm-up: for scenarios that warm up once and then measure many short runs
    /// (<see cref="DashboardHarness"/>).</summary>
    public static async Task<LoadResult> MeasureAsync(string scenario, int callers, Func<int, Func<ValueTask>> operationForCaller, TimeSpan duration)
    {
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
        var yields = callers > Environment.ProcessorCount;
        var loops = Enumerable.Range(0, callers).Select(c => Task.Run(async () =>
        {
            var operation = operationForCaller(c);
            var histogram = histograms[c];
            await start.Task;
            for (var done = 1; Volatile.Read(ref stop) == 0; done++)
            {
                var t0 = Stopwatch.GetTimestamp();
                await operation();
                histogram.Record(Stopwatch.GetTimestamp() - t0);
                if (yields && done % YieldEvery == 0)
                {
                    await Task.Yield();
                }
            }
        })).ToArray();

        // The clock runs on a thread of its own: with every pool thread busy in a loop, a timer's continuation would
        // wait for a free one.
        var clock = Stopwatch.StartNew();
        var timekeeper = new Thread(() =>
        {
            Thread.Sleep(duration);
            Volatile.Write(ref stop, 1);
        }) { IsBackground = true, Name = "load-runner clock" };
        timekeeper.Start();
        start.SetResult();
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
