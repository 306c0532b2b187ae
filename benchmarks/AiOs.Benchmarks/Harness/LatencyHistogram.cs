using System.Diagnostics;
using System.Numerics;

namespace AiOs.Benchmarks.Harness;

/// <summary>A log-linear latency histogram: 64 linear sub-buckets per power of two, so any recorded value is known to
/// within 1/64 (about 1.6%). Fixed size, no allocation when recording; one per caller, merged at the end.</summary>
public sealed class LatencyHistogram
{
    private const int SubBucketBits = 6;
    private const int SubBuckets = 1 << SubBucketBits;
    private readonly long[] _counts = new long[64 * SubBuckets];

    public long Count { get; private set; }

    /// <summary>Records a duration in <see cref="Stopwatch"/> ticks.</summary>
    public void Record(long ticks)
    {
        var value = (ulong)Math.Max(ticks, 0);
        _counts[Index(value)]++;
        Count++;
    }

    public void Add(LatencyHistogram other)
    {
        for (var i = 0; i < _counts.Length; i++)
        {
            _counts[i] += other._counts[i];
        }

        Count += other.Count;
    }

    /// <summary>The value at <paramref name="quantile"/> (0..1), in microseconds.</summary>
    public double PercentileMicroseconds(double quantile)
    {
        if (Count == 0)
        {
            return 0;
        }

        var rank = (long)Math.Ceiling(quantile * Count);
        long seen = 0;
        for (var i = 0; i < _counts.Length; i++)
        {
            seen += _counts[i];
            if (seen >= rank)
            {
                return ValueOf(i) * 1_000_000.0 / Stopwatch.Frequency;
            }
        }

        return ValueOf(_counts.Length - 1) * 1_000_000.0 / Stopwatch.Frequency;
    }

    private static int Index(ulong value)
    {
        if (value < SubBuckets)
        {
            return (int)value;
        }

        var magnitude = 63 - BitOperations.LeadingZeroCount(value) - SubBucketBits + 1;
        var sub = (int)(value >> magnitude) & (SubBuckets - 1);
        return (magnitude * SubBuckets) + sub;
    }

    // The midpoint of the bucket's range.
    private static double ValueOf(int index)
    {
        var magnitude = index / SubBuckets;
        var sub = index % SubBuckets;
        if (magnitude == 0)
        {
            return sub;
        }

        var low = (double)((ulong)(sub | SubBuckets) << (magnitude - 1));
        return low + ((1UL << (magnitude - 1)) / 2.0);
    }
}
