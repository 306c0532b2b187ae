using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using AiOs.Runtime.Metrics;
using AiOs.Runtime.Tests.Grains;
using AiOs.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace AiOs.Runtime.Tests.Filters;

/// <summary>The built-in metrics filter, read through a real <see cref="MeterListener"/>.</summary>
[Trait("Category", "Unit")]
public sealed class CallMetricsTests(ITestOutputHelper output) : IAsyncLifetime
{
    private readonly ConcurrentDictionary<string, double> _totals = new();
    private TestSilo _silo = null!;
    private MeterListener _listener = null!;

    public async ValueTask InitializeAsync()
    {
        _silo = await TestSilo.StartAsync(typeof(CallMetricsTests).Assembly, output: output);
        var meter = _silo.Services.GetRequiredService<RuntimeInstruments>().Meter;
        _listener = new MeterListener
        {
            InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter == meter)
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            },
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) => Record(instrument, value, tags));
        _listener.SetMeasurementEventCallback<double>((instrument, _, tags, _) => Record(instrument, 1, tags));
        _listener.Start();
    }

    public async ValueTask DisposeAsync()
    {
        _listener.Dispose();
        await _silo.DisposeAsync();
    }

    [Fact]
    public async Task Calls_AreCountedPerGrainTypeAndMethod_WithErrorsAndLatency()
    {
        var grain = _silo.GrainFactory.GetGrain<IFaultyGrain>(Guid.NewGuid().ToString("N"));

        for (var i = 0; i < 5; i++)
        {
            await grain.Add(i, i);
        }

        await Assert.ThrowsAsync<InvalidOperationException>(() => grain.Throw("x"));

        Assert.Equal(5, Total("aios.grain.calls", "faulty", "Add"));
        Assert.Equal(0, Total("aios.grain.errors", "faulty", "Add"));
        Assert.Equal(5, Total("aios.grain.call.duration", "faulty", "Add"));
        Assert.Equal(1, Total("aios.grain.calls", "faulty", "Throw"));
        Assert.Equal(1, Total("aios.grain.errors", "faulty", "Throw"));
    }

    [Fact]
    public async Task Activations_AreCountedPerGrainType()
    {
        var keys = Enumerable.Range(0, 3).Select(_ => Guid.NewGuid().ToString("N")).ToList();
        foreach (var key in keys)
        {
            await _silo.GrainFactory.GetGrain<IGuidKeyedGrain>(Guid.Parse(key)).Key();
        }

        Assert.Equal(3, Total("aios.grain.activations", "guidkeyed", method: null));
    }

    private double Total(string instrument, string grainType, string? method) =>
        _totals.GetValueOrDefault($"{instrument}|{grainType}|{method}");

    private void Record(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        string? type = null, method = null;
        foreach (var tag in tags)
        {
            if (tag.Key == RuntimeInstruments.GrainTypeTag)
            {
                type = (string?)tag.Value;
            }
            else if (tag.Key == RuntimeInstruments.MethodTag)
            {
                method = (string?)tag.Value;
            }
        }

        _totals.AddOrUpdate($"{instrument.Name}|{type}|{method}", value, (_, total) => total + value);
    }
}
