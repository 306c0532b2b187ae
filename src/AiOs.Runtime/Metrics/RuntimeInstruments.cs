using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace AiOs.Runtime.Metrics;

/// <summary>The runtime's instruments, on a meter named <see cref="MeterName"/> created through the host's
/// <see cref="IMeterFactory"/> (so that each silo in one process has its own).</summary>
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
        Calls = Meter.CreateCounter<long>("aios.grain.calls", "{call}", "Grain calls completed, per grain type and method.");
        Errors = Meter.CreateCounter<long>("aios.grain.errors", "{call}", "Grain calls that threw, per grain type and method.");
        Duration = Meter.CreateHistogram<double>("aios.grain.call.duration", "ms", "Grain call execution time, per grain type and method.");
        _activations = Meter.CreateUpDownCounter<long>("aios.grain.activations", "{activation}", "Live activations per grain type.");
    }

    /// <summary>The meter all instruments belong to.</summary>
    public Meter Meter { get; }

    public Counter<long> Calls { get; }

    public Counter<long> Errors { get; }

    public Histogram<double> Duration { get; }

    internal void ActivationCreated(string grainType) => _activations.Add(1, new KeyValuePair<string, object?>(GrainTypeTag, grainType));

    internal void ActivationRemoved(string grainType) => _activations.Add(-1, new KeyValuePair<string, object?>(GrainTypeTag, grainType));

    internal static TagList Tags(string grainType, string method) => new()
    {
        { GrainTypeTag, grainType },
        { MethodTag, method },
    };
}
