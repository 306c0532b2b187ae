using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;

namespace AiOs.Benchmarks.Harness;

/// <summary>Runs the harness scenarios and prints a Markdown table with the machine it ran on.</summary>
public static class HarnessReport
{
    public static async Task RunAsync(TimeSpan duration, IReadOnlyCollection<string> scenarios)
    {
        var warmup = TimeSpan.FromSeconds(Math.Max(1, duration.TotalSeconds / 3));
        var results = new List<LoadResult>();
        if (scenarios.Contains("calls"))
        {
            results.AddRange(await CallHarness.RunAsync(duration, warmup));
        }

        if (scenarios.Contains("dashboard"))
        {
            results.AddRange(await DashboardHarness.RunAsync(duration, warmup));
        }

        if (scenarios.Contains("state"))
        {
            results.AddRange(await StateWriteHarness.RunAsync(duration, warmup));
        }

        if (scenarios.Contains("goals"))
        {
            results.AddRange(await GoalHarness.RunAsync(duration, warmup));
        }

        if (scenarios.Contains("cluster"))
        {
            results.AddRange(await ClusterHarness.RunAsync(duration, warmup));
        }

        if (scenarios.Contains("api"))
        {
            results.AddRange(await ApiHarness.RunAsync(duration, warmup));
        }

        if (scenarios.Contains("goal-list"))
        {
            results.AddRange(await GoalListHarness.RunAsync(duration, warmup));
        }

        if (scenarios.Contains("api-cluster"))
        {
            results.AddRange(await ApiClusterHarness.RunAsync(duration, warmup));
        }

        if (scenarios.Contains("memory"))
        {
            // Sized by item counts, not by duration; prints its own table.
            await MemoryHarness.RunAsync();
        }

        if (results.Count > 0)
        {
            Console.WriteLine(Describe(results));
        }
    }

    public static string Machine() => string.Create(CultureInfo.InvariantCulture,
        $"{Environment.ProcessorCount} cores ({RuntimeInformation.ProcessArchitecture}), {RuntimeInformation.OSDescription}, {RuntimeInformation.FrameworkDescription}, {DateTime.UtcNow:yyyy-MM-dd}");

    private static string Describe(IReadOnlyList<LoadResult> results)
    {
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"Machine: {Machine()}");
        // Other work on a shared machine moves every figure; say how busy it was.
        if (File.Exists("/proc/loadavg"))
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"Load average at the end (1, 5, 15 min): {string.Join(", ", File.ReadAllText("/proc/loadavg").Split(' ').Take(3))}");
        }

        text.AppendLine();
        text.AppendLine("| scenario | callers | ops/s | ns/op (wall) | CPU ns/op | p50 µs | p99 µs |");
        text.AppendLine("|---|---:|---:|---:|---:|---:|---:|");
        foreach (var r in results)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"| {r.Scenario} | {r.Callers} | {r.PerSecond:N0} | {r.NanosecondsPerOperation:N0} | {r.CpuNanosecondsPerOperation:N0} | {r.P50Microseconds:N1} | {r.P99Microseconds:N1} |");
        }

        return text.ToString();
    }
}
