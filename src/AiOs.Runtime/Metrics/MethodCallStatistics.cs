using System.Diagnostics;
using System.Numerics;

namespace AiOs.Runtime.Metrics;

/// <summary>Counts and timings of one grain method on one grain type, since the silo started.
///
/// Recording must cost a few nanoseconds, because it runs on every call: the counters are striped per thread (each
/// thread increments its own stripe, so cores do not fight over one cache line) and summed only when read. Calls and
/// errors are counted exactly; latency is recorded for the calls the runtime chose to time (a sample, see
/// <c>GrainCallOptions.LatencySampleInterval</c>).</summary>
public sealed class MethodCallStatistics
{
    /// <summary>Latency buckets: bucket i counts calls of at most <see cref="BucketUpperBoundMicroseconds"/>(i).</summary>
    public const int BucketCount = 40;

    // Stripes are chosen by thread, not by processor. Thread.GetCurrentProcessorId is a cached guess that goes stale when
    // a thread moves to another core, and then two cores increment one stripe: with 64 callers on 2 cores that made the
    // statistics cost 25% of a call's throughput instead of 2% (benchmarks/README.md). A thread keeps its stripe; threads
    // are dealt stripes in turn, so as long as a silo has no more busy threads than stripes none share one.
    private const int StripeMask = 15;
    private static int s_threadsSeen;
    [ThreadStatic]
    private static int t_stripe; // 1-based; 0 until the thread first records

    private static readonly double TicksPerMicrosecond = Stopwatch.Frequency / 1_000_000.0;
    private readonly Stripe[] _stripes;

    internal MethodCallStatistics(string grainType, string method)
    {
        GrainType = grainType;
        Method = method;
        _stripes = new Stripe[StripeMask + 1];
        for (var i = 0; i < _stripes.Length; i++)
        {
            _stripes[i] = new Stripe();
        }
    }

    public string GrainType { get; }

    public string Method { get; }

    /// <summary>Upper bound of latency bucket <paramref name="bucket"/> in microseconds: powers of two from 1 µs; the last is unbounded.</summary>
    public static double BucketUpperBoundMicroseconds(int bucket) => bucket >= BucketCount - 1 ? double.PositiveInfinity : Math.Pow(2, bucket);

    /// <summary>Counts one call; <paramref name="elapsedTicks"/> is its duration when it was timed, or -1.</summary>
    internal void Record(long elapsedTicks, bool failed)
    {
        var stripe = _stripes[StripeOfThisThread()];
        Interlocked.Increment(ref stripe.Calls);
        if (failed)
        {
            Interlocked.Increment(ref stripe.Errors);
        }

        if (elapsedTicks < 0)
        {
            return;
        }

        Interlocked.Add(ref stripe.ElapsedTicks, elapsedTicks);
        var microseconds = (ulong)(elapsedTicks / TicksPerMicrosecond);
        var bucket = microseconds <= 1 ? 0 : Math.Min(BucketCount - 1, 64 - BitOperations.LeadingZeroCount(microseconds - 1));
        Interlocked.Increment(ref stripe.Buckets[bucket]);
    }

    private static int StripeOfThisThread()
    {
        var stripe = t_stripe;
        if (stripe == 0)
        {
            stripe = t_stripe = (Interlocked.Increment(ref s_threadsSeen) & StripeMask) + 1;
        }

        return stripe - 1;
    }

    /// <summary>The totals now.</summary>
    public MethodCallSnapshot Snapshot()
    {
        long calls = 0, errors = 0, ticks = 0;
        var buckets = new long[BucketCount];
        foreach (var stripe in _stripes)
        {
            calls += Volatile.Read(ref stripe.Calls);
            errors += Volatile.Read(ref stripe.Errors);
            ticks += Volatile.Read(ref stripe.ElapsedTicks);
            for (var i = 0; i < BucketCount; i++)
            {
                buckets[i] += Volatile.Read(ref stripe.Buckets[i]);
            }
        }

        return new MethodCallSnapshot(GrainType, Method, calls, errors, TimeSpan.FromSeconds(ticks / (double)Stopwatch.Frequency), buckets);
    }

    // Stripes are allocated one after another; the padding keeps each thread's hot counters on cache lines of their
    // own (adjacent-line prefetch makes the unit 128 bytes), so that striping does not turn into false sharing.
    private sealed class Stripe
    {
        public readonly long[] Buckets = new long[BucketCount];
        public long Calls;
        public long Errors;
        public long ElapsedTicks;
#pragma warning disable CS0169, IDE0051, CA1823 // padding, never read
        private readonly long _pad0, _pad1, _pad2, _pad3, _pad4, _pad5, _pad6, _pad7, _pad8, _pad9, _pad10, _pad11, _pad12, _pad13;
#pragma warning restore CS0169, IDE0051, CA1823
    }
}

/// <summary>A point-in-time copy of one method's statistics. Differences of two snapshots give rates and windowed
/// latency percentiles. <see cref="TimedTime"/> and <see cref="LatencyBuckets"/> cover the timed calls only (their count
/// is the buckets' sum); <see cref="Calls"/> and <see cref="Errors"/> are exact.</summary>
public sealed record MethodCallSnapshot(string GrainType, string Method, long Calls, long Errors, TimeSpan TimedTime, long[] LatencyBuckets)
{
    /// <summary>Number of calls that were timed.</summary>
    public long TimedCalls => LatencyBuckets.Sum();

    /// <summary>Mean latency of the timed calls.</summary>
    public TimeSpan MeanLatency => TimedCalls == 0 ? TimeSpan.Zero : TimedTime / TimedCalls;

    /// <summary>The latency at <paramref name="quantile"/> (0..1) in microseconds, as the upper bound of its bucket.</summary>
    public double PercentileMicroseconds(double quantile) => Percentile(LatencyBuckets, quantile);

    /// <summary>The latency quantile of a bucket array (for example the difference of two snapshots' buckets).</summary>
    public static double Percentile(long[] buckets, double quantile)
    {
        var total = buckets.Sum();
        if (total == 0)
        {
            return 0;
        }

        var rank = (long)Math.Ceiling(quantile * total);
        long seen = 0;
        for (var i = 0; i < buckets.Length; i++)
        {
            seen += buckets[i];
            if (seen >= rank)
            {
                return MethodCallStatistics.BucketUpperBoundMicroseconds(i);
            }
        }

        return double.PositiveInfinity;
    }
}
