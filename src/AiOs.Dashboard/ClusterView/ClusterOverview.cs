using System.Text.Json;
using AiOs.Persistence;
using AiOs.Runtime.Metrics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace AiOs.Dashboard.ClusterView;

/// <summary>The cluster as the dashboard shows it. Each silo knows only its own numbers; the silo serving the page asks
/// every live member for its report over the silo-to-silo port (<see cref="AiOs.Cluster.ClusterPeers"/>), in parallel,
/// and merges them: rates add up per second, latency percentiles come from the summed histograms (percentiles cannot be
/// averaged), activations are listed per silo. A silo that does not answer in time is shown as not answering, with what
/// the membership table says of it.</summary>
internal sealed class ClusterOverview(LocalSilo local, IOptions<DashboardOptions> options, ILogger<ClusterOverview> logger)
{
    /// <summary>The peer query path of a silo's report.</summary>
    public const string ReportPath = "/dashboard/silo";

    /// <summary>The peer query path of an activation lookup.</summary>
    public const string ActivationPath = "/dashboard/activation";

    public async Task<ClusterSnapshot> ReadAsync(long samplesAfter, CancellationToken cancellationToken)
    {
        var reports = new List<SiloReport> { local.Report(samplesAfter) };
        var silent = new List<SiloSummary>();
        foreach (var (member, report) in await AskPeersAsync<SiloReport>($"{ReportPath}?since={samplesAfter}", cancellationToken).ConfigureAwait(false))
        {
            if (report is null)
            {
                silent.Add(new SiloSummary(member.SiloId, member.Status + " (not answering)", member.Address, member.StartedAt, false,
                    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, ""));
            }
            else
            {
                reports.Add(report);
            }
        }

        return new ClusterSnapshot(
            reports.Select(Summarize).Concat(silent).OrderBy(s => s.SiloId, StringComparer.Ordinal).ToList(),
            MergeSeries(reports),
            MergeMethods(reports),
            reports.SelectMany(r => r.GrainTypes.Select(g => (Type: g.Key, r.SiloId, Count: g.Value)))
                .GroupBy(g => g.Type, StringComparer.Ordinal)
                .OrderBy(g => g.Key, StringComparer.Ordinal)
                .Select(g => new GrainTypeRow(g.Key, g.Sum(x => x.Count), g.ToDictionary(x => x.SiloId, x => x.Count)))
                .ToList());
    }

    /// <summary>Asks every live peer (not this silo) for <paramref name="pathAndQuery"/>; a silent peer's answer is null.</summary>
    public async Task<IReadOnlyList<(SiloEntry Member, T? Answer)>> AskPeersAsync<T>(string pathAndQuery, CancellationToken cancellationToken)
        where T : class
    {
        if (local.Peers is not { } peers)
        {
            return [];
        }

        var members = peers.Members.Where(m => m.Status != SiloStatus.Dead && m.SiloId != peers.LocalSiloId).ToList();
        var answers = await Task.WhenAll(members.Select(async member =>
        {
            var json = await peers.GetAsync(member.Address, pathAndQuery, options.Value.PeerTimeout, cancellationToken).ConfigureAwait(false);
            if (json is null)
            {
                Log.PeerSilent(logger, member.SiloId, member.Address);
                return (member, (T?)null);
            }

            return (member, json == "null" ? null : JsonSerializer.Deserialize<T>(json, DashboardJson.Options));
        })).ConfigureAwait(false);
        return answers;
    }

    private static SiloSummary Summarize(SiloReport r)
    {
        var last = r.Samples.Count > 0 ? r.Samples[^1] : null;
        return new SiloSummary(r.SiloId, r.Status, r.Address, r.StartedAt, true, r.CpuPercent, r.WorkingSetBytes, r.GcHeapBytes,
            r.Activations, r.PartitionsOwned, r.PartitionCount, r.CallsHandled, r.Errors, r.CallsReceived, r.CallsForwarded, r.Storage)
        {
            CallsPerSecond = last?.Calls ?? 0,
        };
    }

    private static IReadOnlyList<SeriesPoint> MergeSeries(List<SiloReport> reports) =>
        reports.SelectMany(r => r.Samples)
            .GroupBy(s => s.T)
            .OrderBy(g => g.Key)
            .Select(g =>
            {
                var buckets = Sum(g.Select(s => s.Buckets));
                return new SeriesPoint(g.Key, g.Sum(s => s.Calls), g.Sum(s => s.Errors),
                    MethodCallSnapshot.Percentile(buckets, 0.5), MethodCallSnapshot.Percentile(buckets, 0.99));
            })
            .ToList();

    private static IReadOnlyList<MethodRow> MergeMethods(List<SiloReport> reports) =>
        reports.SelectMany(r => r.Methods)
            .GroupBy(m => (m.GrainType, m.Method))
            .Select(g =>
            {
                var buckets = Sum(g.Select(m => m.Buckets));
                var timed = buckets.Sum();
                return new MethodRow(g.Key.GrainType, g.Key.Method, g.Sum(m => m.Calls), g.Sum(m => m.Errors),
                    timed == 0 ? 0 : Math.Round(g.Sum(m => m.TimedMilliseconds) * 1000 / timed, 1),
                    MethodCallSnapshot.Percentile(buckets, 0.5), MethodCallSnapshot.Percentile(buckets, 0.99));
            })
            .OrderByDescending(m => m.Calls)
            .ToList();

    private static long[] Sum(IEnumerable<long[]> histograms)
    {
        var sum = new long[MethodCallStatistics.BucketCount];
        foreach (var histogram in histograms)
        {
            for (var i = 0; i < histogram.Length && i < sum.Length; i++)
            {
                sum[i] += histogram[i];
            }
        }

        return sum;
    }
}

/// <summary>The cluster view: silos, the per-second series, methods and grain types.</summary>
public sealed record ClusterSnapshot(IReadOnlyList<SiloSummary> Silos, IReadOnlyList<SeriesPoint> Series, IReadOnlyList<MethodRow> Methods, IReadOnlyList<GrainTypeRow> GrainTypes);

/// <summary>One silo's row.</summary>
public sealed record SiloSummary(
    string SiloId, string Status, string? Address, DateTimeOffset StartedAt, bool Answering, double CpuPercent, long WorkingSetBytes,
    long GcHeapBytes, int Activations, int PartitionsOwned, int PartitionCount, long CallsHandled, long Errors, long CallsReceived,
    long CallsForwarded, string Storage)
{
    /// <summary>Calls in the silo's last sampled second.</summary>
    public long CallsPerSecond { get; init; }
}

/// <summary>One second of the whole cluster; latencies in microseconds (upper bounds of histogram buckets).</summary>
public sealed record SeriesPoint(long T, long Calls, long Errors, double P50Us, double P99Us);

/// <summary>One grain method over the whole cluster since its silos started; latencies in microseconds.</summary>
public sealed record MethodRow(string GrainType, string Method, long Calls, long Errors, double MeanUs, double P50Us, double P99Us);

/// <summary>Activations of one grain type, in total and per silo.</summary>
public sealed record GrainTypeRow(string GrainType, int Activations, IReadOnlyDictionary<string, int> PerSilo);
