using System.Globalization;

namespace AiOs.Benchmarks.Harness;

/// <summary>What one arm costs against another, measured in short slices that take turns.</summary>
/// <param name="Baseline">The baseline's slices as one run.</param>
/// <param name="Candidate">The candidate's slices as one run.</param>
/// <param name="Overall">Throughput lost by the candidate over all slices (total calls against total calls).</param>
/// <param name="PerPair">Throughput lost per pair of neighbouring slices, sorted.</param>
public sealed record Comparison(LoadResult Baseline, LoadResult Candidate, double Overall, IReadOnlyList<double> PerPair)
{
    public double Quantile(double q)
    {
        var position = q * (PerPair.Count - 1);
        var low = (int)Math.Floor(position);
        var high = (int)Math.Ceiling(position);
        return PerPair[low] + ((PerPair[high] - PerPair[low]) * (position - low));
    }

    /// <summary>"cost +2.7% overall, per pair median +0.9% (quartiles -0.6% to +3.0%)".</summary>
    public string Describe() =>
        $"cost {Percent(Overall)} overall, per pair median {Percent(Quantile(0.5))} (quartiles {Percent(Quantile(0.25))} to {Percent(Quantile(0.75))})";

    // Signed, and a plain 0.0% for what rounds to zero (a format string's sections print a small negative as "-+0.0%").
    private static string Percent(double fraction)
    {
        var percent = Math.Round(fraction * 100, 1);
        return percent == 0 ? "0.0%" : percent.ToString("+0.0;-0.0", CultureInfo.InvariantCulture) + "%";
    }
}

/// <summary>Compares two arms of a few percent apart on a machine whose speed moves by more than that between runs.</summary>
/// <remarks>Separate runs were not comparable here: throughput moved by up to 40% from one run to the next (the thread
/// pool grows under 64 callers and keeps its threads; two fresh processes differed by up to 30%), far more than the
/// difference to be measured. So both arms are set up and warmed first, then measured in short slices, baseline and
/// candidate in turn, the order flipping every pair (baseline first, then candidate first, ...). Neighbouring slices share
/// the machine's state of the moment, so the cost is read per pair as well as over all slices.</remarks>
public static class Interleaved
{
    /// <summary>The slice for a scenario of <paramref name="duration"/>: a quarter of it, at least 2 s, so that a slice
    /// holds two of anything done once a second (the dashboard's samples and views).</summary>
    public static TimeSpan SliceFor(TimeSpan duration) => TimeSpan.FromSeconds(Math.Max(2, duration.TotalSeconds / 4));

    public static async Task<Comparison> CompareAsync(
        string label, Func<TimeSpan, Task<LoadResult>> baseline, Func<TimeSpan, Task<LoadResult>> candidate, TimeSpan slice, int pairs = 16)
    {
        var first = new List<LoadResult>();
        var second = new List<LoadResult>();
        for (var pair = 0; pair < pairs; pair++)
        {
            foreach (var isCandidate in pair % 2 == 0 ? new[] { false, true } : [true, false])
            {
                (isCandidate ? second : first).Add(await (isCandidate ? candidate : baseline)(slice));
            }

            Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{label}: pair {pair + 1}/{pairs}: {first[^1].PerSecond:N0} against {second[^1].PerSecond:N0} ops/s"));
        }

        var perPair = first.Zip(second, (b, c) => 1 - (c.PerSecond / b.PerSecond)).Order().ToList();
        return new Comparison(Total(first), Total(second), 1 - (Rate(second) / Rate(first)), perPair);
    }

    private static double Rate(List<LoadResult> slices) => slices.Sum(s => s.Operations) / slices.Sum(s => s.Elapsed.TotalSeconds);

    // All slices of an arm as one run: operations, time and CPU summed; the latency columns are the median slice's.
    private static LoadResult Total(List<LoadResult> slices)
    {
        var median = slices.OrderBy(s => s.PerSecond).ElementAt(slices.Count / 2);
        return median with
        {
            Operations = slices.Sum(s => s.Operations),
            Elapsed = TimeSpan.FromTicks(slices.Sum(s => s.Elapsed.Ticks)),
            CpuTime = TimeSpan.FromTicks(slices.Sum(s => s.CpuTime.Ticks)),
        };
    }
}
