using System.Diagnostics;
using AiOs.Cluster;
using AiOs.Dashboard.Collection;
using AiOs.Persistence;
using AiOs.Runtime;
using AiOs.Runtime.Metrics;
using Microsoft.Extensions.DependencyInjection;

namespace AiOs.Dashboard.ClusterView;

/// <summary>This silo's own report, from its runtime, sampler and (when clustered) its traffic counters.</summary>
internal sealed class LocalSilo(SiloRuntime runtime, RuntimeInstruments instruments, MetricsSampler sampler, IServiceProvider services, TimeProvider time)
{
    private readonly DateTimeOffset _startedAt = time.GetUtcNow();
    private readonly ClusterPeers? _peers = services.GetService<ClusterPeers>();

    public ClusterPeers? Peers => _peers;

    /// <summary>The id this silo has in the cluster (<c>name@generation</c>), or its configured id when not clustered.</summary>
    public string SiloId => _peers?.LocalSiloId ?? runtime.SiloId;

    public SiloReport Report(long samplesAfter)
    {
        using var process = Process.GetCurrentProcess();
        var methods = instruments.Statistics.Snapshot()
            .Select(m => new MethodReport(m.GrainType, m.Method, m.Calls, m.Errors, Math.Round(m.TimedTime.TotalMilliseconds, 3), Trim(m.LatencyBuckets)))
            .ToList();
        var self = _peers?.Members.FirstOrDefault(m => m.SiloId == _peers.LocalSiloId);
        return new SiloReport(
            SiloId,
            runtime.IsRunning ? (self?.Status ?? SiloStatus.Active).ToString() : SiloStatus.ShuttingDown.ToString(),
            self?.Address,
            self?.StartedAt ?? _startedAt,
            sampler.CpuPercent,
            process.WorkingSet64,
            GC.GetTotalMemory(forceFullCollection: false),
            runtime.ActivationCount,
            runtime.Ownership.OwnedPartitions.Count,
            runtime.Ownership.PartitionCount,
            methods.Sum(m => m.Calls),
            methods.Sum(m => m.Errors),
            _peers?.Traffic.Received ?? 0,
            _peers?.Traffic.Forwarded ?? 0,
            services.GetService<IStorageProvider>()?.Location ?? "none",
            runtime.CountActivationsByGrainType(),
            methods,
            sampler.Since(samplesAfter));
    }

    private static long[] Trim(long[] buckets)
    {
        var last = Array.FindLastIndex(buckets, b => b != 0);
        return buckets[..(last + 1)];
    }
}
