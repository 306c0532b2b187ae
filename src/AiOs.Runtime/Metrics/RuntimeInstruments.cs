using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace AiOs.Runtime.Metrics;

/// <summary>The runtime's instruments, on a meter named <see cref="MeterName"/> created through the host's
/// <see cref="IMeterFactory"/> (so that each silo in one process has its own).
///
/// Calls and errors are observable counters read from <see cref="CallStatistics"/>, which the runtime keeps anyway, so
/// an exporter adds no cost per call. The duration histogram is pushed for each timed call, but only while a listener
/// (such as an OpenTelemetry exporter) has enabled it.</summary>
public sealed class RuntimeInstruments
{
    /// <summary>The meter's name.</summary>
    public const string MeterName = "AiOs.Runtime";

    /// <summary>Tag naming the grain type.</summary>
    public const string GrainTypeTag = "aios.grain.type";

    /// <summary>Tag naming the grain method.</summary>
    public const string MethodTag = "aios.grain.method";

    private readonly UpDownCounter<long> _activations;

    public RuntimeInstruments(IMeterFactory meterFactory)
    {
        Meter = meterFactory.Create(MeterName);
        Meter.CreateObservableCounter("aios.grain.calls", () => Observe(s => s.Calls), "{call}", "Grain calls completed, per grain type and method.");
        Meter.CreateObservableCounter("aios.grain.errors", () => Observe(s => s.Errors), "{call}", "Grain calls that threw, per grain type and method.");
        Duration = Meter.CreateHistogram<double>("aios.grain.call.duration", "ms", "Grain call execution time, per grain type and method.");
        _activations = Meter.CreateUpDownCounter<long>("aios.grain.activations", "{activation}", "Live activations per grain type.");
    }

    /// <summary>The meter all instruments belong to.</summary>
    public Meter Meter { get; }

    /// <summary>The statistics the observable instruments read.</summary>
    public CallStatistics Statistics { get; } = new();

    internal Histogram<double> Duration { get; }

    internal void ActivationCreated(string grainType) => _activations.Add(1, new KeyValuePair<string, object?>(GrainTypeTag, grainType));

    internal void ActivationRemoved(string grainType) => _activations.Add(-1, new KeyValuePair<string, object?>(GrainTypeTag, grainType));

    /// <summary>Records one call in the statistics and, when it was timed (<paramref name="elapsedTicks"/> not -1) and a
    /// listener is on, in the duration histogram.</summary>
    internal void RecordCall(MethodCallStatistics statistics, long elapsedTicks, bool failed)
    {
        statistics.Record(elapsedTicks, failed);
        if (elapsedTicks >= 0 && Duration.Enabled)
        {
            Duration.Record(
                elapsedTicks * 1000.0 / Stopwatch.Frequency,
                new KeyValuePair<string, object?>(GrainTypeTag, statistics.GrainType),
                new KeyValuePair<string, object?>(MethodTag, statistics.Method));
        }
    }

    private IEnumerable<Measurement<long>> Observe(Func<MethodCallSnapshot, long> value) =>
        Statistics.Snapshot().Select(s => new Measurement<long>(
            value(s),
            new KeyValuePair<string, object?>(GrainTypeTag, s.GrainType),
            new KeyValuePair<string, object?>(MethodTag, s.Method)));
}
