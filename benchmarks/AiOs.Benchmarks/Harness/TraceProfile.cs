using Microsoft.Diagnostics.Tracing.Etlx;

namespace AiOs.Benchmarks.Harness;

/// <summary>Reads an EventPipe trace written by the runtime itself (no dotnet-trace needed: DOTNET_EnableEventPipe and
/// friends, see benchmarks/README.md) and prints where the CPU samples fall: the methods most often on top of a stack
/// (exclusive) and most often anywhere in it (inclusive), and the share per code area. Only samples of threads running
/// managed code count, and of those only the ones not parked in a wait (a thread blocked in managed code, such as an idle
/// thread-pool worker or the timer thread, is sampled as managed too); so the shares approximate CPU, not wall time.</summary>
public static class TraceProfile
{
    private static readonly (string Prefix, string Area)[] Areas =
    [
        ("AiOs.Workforce", "AiOs.Workforce"),
        ("AiOs.Persistence", "AiOs.Persistence*"),
        ("AiOs.Runtime", "AiOs.Runtime"),
        ("AiOs.Benchmarks", "benchmark harness"),
        ("Npgsql", "Npgsql"),
        ("System.Text.Json", "System.Text.Json"),
        ("System.Threading", "System.Threading"),
        ("System.Net", "System.Net"),
    ];

    public static void Print(string path, int top)
    {
        var etlx = TraceLog.CreateFromEventPipeDataFile(path);
        using var log = new TraceLog(etlx);
        var exclusive = new Dictionary<string, int>(StringComparer.Ordinal);
        var inclusive = new Dictionary<string, int>(StringComparer.Ordinal);
        var areas = new Dictionary<string, int>(StringComparer.Ordinal);
        int samples = 0, external = 0, parked = 0;
        foreach (var e in log.Events)
        {
            if (e.ProviderName != "Microsoft-DotNETCore-SampleProfiler")
            {
                continue;
            }

            // The sample's type: 1 external (waiting, or in native code), 2 managed.
            if (Convert.ToInt32(e.PayloadByName("Type"), System.Globalization.CultureInfo.InvariantCulture) != 2)
            {
                external++;
                continue;
            }

            var topMethod = e.CallStack()?.CodeAddress.FullMethodName ?? "";
            if (Parked(topMethod))
            {
                parked++;
                continue;
            }

            samples++;
            var seen = new HashSet<string>(StringComparer.Ordinal);
            var seenAreas = new HashSet<string>(StringComparer.Ordinal);
            var first = true;
            for (var frame = e.CallStack(); frame is not null; frame = frame.Caller)
            {
                var method = frame.CodeAddress.FullMethodName;
                if (string.IsNullOrEmpty(method))
                {
                    method = "?!" + frame.CodeAddress.ModuleName;
                }

                if (first)
                {
                    exclusive[method] = exclusive.GetValueOrDefault(method) + 1;
                    first = false;
                }

                if (seen.Add(method))
                {
                    inclusive[method] = inclusive.GetValueOrDefault(method) + 1;
                }

                foreach (var (prefix, area) in Areas)
                {
                    if (method.StartsWith(prefix, StringComparison.Ordinal) && seenAreas.Add(area))
                    {
                        areas[area] = areas.GetValueOrDefault(area) + 1;
                    }
                }
            }
        }

        Console.WriteLine($"{samples} busy managed samples ({parked} parked in a wait and {external} outside managed code left out)");
        Print("code area (inclusive: a sample counts once per area on its stack)", areas, samples, areas.Count);
        Print("exclusive (top of stack)", exclusive, samples, top);
        Print("inclusive", inclusive, samples, top);
    }

    private static bool Parked(string method) =>
        method.StartsWith("System.Threading.WaitHandle.Wait", StringComparison.Ordinal)
        || method.StartsWith("System.Threading.LowLevelLifoSemaphore.Wait", StringComparison.Ordinal)
        || method.StartsWith("System.Threading.Monitor.Wait", StringComparison.Ordinal)
        || method.StartsWith("System.Threading.Thread.Sleep", StringComparison.Ordinal)
        || method.Contains("PollGC", StringComparison.Ordinal);

    private static void Print(string title, Dictionary<string, int> counts, int samples, int top)
    {
        Console.WriteLine();
        Console.WriteLine($"| {title} | samples | share |");
        Console.WriteLine("|---|---:|---:|");
        foreach (var (name, count) in counts.OrderByDescending(c => c.Value).Take(top))
        {
            var shown = name.Length > 140 ? name[..140] + "…" : name;
            Console.WriteLine($"| `{shown.Replace("|", "\\|", StringComparison.Ordinal)}` | {count} | {100.0 * count / samples:F1} % |");
        }
    }
}
