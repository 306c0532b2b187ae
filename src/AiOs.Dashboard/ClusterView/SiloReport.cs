using AiOs.Dashboard.Collection;

namespace AiOs.Dashboard.ClusterView;

/// <summary>What one silo tells the dashboard about itself: who it is, its load, its grains and calls, and its samples
/// since the second asked for. Silos exchange it as JSON over the silo-to-silo port.</summary>
public sealed record SiloReport(
    string SiloId,
    string Status,
    string? Address,
    DateTimeOffset StartedAt,
    double CpuPercent,
    long WorkingSetBytes,
    long GcHeapBytes,
    int Activations,
    int PartitionsOwned,
    int PartitionCount,
    long CallsHandled,
    long Errors,
    long CallsReceived,
    long CallsForwarded,
    string Storage,
    IReadOnlyDictionary<string, int> GrainTypes,
    IReadOnlyList<MethodReport> Methods,
    IReadOnlyList<SiloSample> Samples);

/// <summary>Totals of one grain method on one silo since it started; <see cref="Buckets"/> is the latency histogram of
/// the timed calls (trailing empty buckets left off).</summary>
public sealed record MethodReport(string GrainType, string Method, long Calls, long Errors, double TimedMilliseconds, long[] Buckets);
