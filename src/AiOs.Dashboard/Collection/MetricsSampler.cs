using System.Diagnostics;
using AiOs.Runtime.Metrics;

namespace AiOs.Dashboard.Collection;

/// <summary>Turns the runtime's running totals (<see cref="CallStatistics"/>, which the runtime keeps for every call
/// anyway) into one sample per second, keeping the last five minutes. This is all the dashboard adds to a silo's work
/// while nobody watches: one snapshot of the counters per second, off the call path. Viewing adds only reads of this
/// ring.</summary>
public sealed class MetricsSampler : IDisposable
{
    /// <summary>Samples kept: five minutes at one per second.</summary>
    public const int Capacity = 300;

    private readonly CallStatistics _statistics;
    private readonly TimeProvider _time;
    private readonly SiloSample[] _ring = new SiloSample[Capacity];
    private readonly Lock _lock = new();
    private ITimer? _timer;
    private int _next;
    private int _count;
    private long _calls;
    private long _errors;
    private long[] _buckets = new long[MethodCallStatistics.BucketCount];
    private TimeSpan _cpu;
    private long _at;

    public MetricsSampler(CallStatistics statistics, TimeProvider time)
    {
        _statistics = statistics;
        _time = time;
    }

    /// <summary>The latest CPU use of the process (percent of all cores), from the last sample.</summary>
    public double CpuPercent { get; private set; }

    /// <summary>Starts sampling once per second.</summary>
    public void Start()
    {
        lock (_lock)
        {
            if (_timer is not null)
            {
                return;
            }

            (_calls, _errors, _buckets) = Totals();
            _cpu = ProcessCpu();
            _at = _time.GetTimestamp();
            _timer = _time.CreateTimer(_ => Sample(), null, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1));
        }
    }

    /// <summary>Takes one sample now (the timer's work; tests and benchmarks call it directly).</summary>
    public void Sample()
    {
        var (calls, errors, buckets) = Totals();
        var cpu = ProcessCpu();
        var now = _time.GetTimestamp();
        lock (_lock)
        {
            var wall = _time.GetElapsedTime(_at, now);
            var cpuPercent = wall > TimeSpan.Zero ? Math.Clamp((cpu - _cpu) / wall / Environment.ProcessorCount * 100, 0, 100) : 0;
            var delta = new long[buckets.Length];
            var last = -1;
            for (var i = 0; i < buckets.Length; i++)
            {
                delta[i] = buckets[i] - _buckets[i];
                if (delta[i] != 0)
                {
                    last = i;
                }
            }

            var sample = new SiloSample(_time.GetUtcNow().ToUnixTimeSeconds(), calls - _calls, errors - _errors, delta[..(last + 1)], Math.Round(cpuPercent, 1));
            _ring[_next] = sample;
            _next = (_next + 1) % Capacity;
            _count = Math.Min(_count + 1, Capacity);
            (_calls, _errors, _buckets, _cpu, _at) = (calls, errors, buckets, cpu, now);
            CpuPercent = sample.CpuPercent;
        }
    }

    /// <summary>The samples after second <paramref name="afterSecond"/> (Unix time), oldest first.</summary>
    public IReadOnlyList<SiloSample> Since(long afterSecond)
    {
        lock (_lock)
        {
            var samples = new List<SiloSample>(_count);
            for (var i = 0; i < _count; i++)
            {
                var sample = _ring[(_next - _count + i + Capacity) % Capacity];
                if (sample.T > afterSecond)
                {
                    samples.Add(sample);
                }
            }

            return samples;
        }
    }

    public void Dispose()
    {
        lock (_lock)
        {
            _timer?.Dispose();
            _timer = null;
        }
    }

    private static TimeSpan ProcessCpu()
    {
        using var process = Process.GetCurrentProcess();
        return process.TotalProcessorTime;
    }

    private (long Calls, long Errors, long[] Buckets) Totals()
    {
        long calls = 0, errors = 0;
        var buckets = new long[MethodCallStatistics.BucketCount];
        foreach (var method in _statistics.Snapshot())
        {
            calls += method.Calls;
            errors += method.Errors;
            for (var i = 0; i < buckets.Length; i++)
            {
                buckets[i] += method.LatencyBuckets[i];
            }
        }

        return (calls, errors, buckets);
    }
}
