using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using AiOs.Runtime.Metrics;
using AiOs.Runtime.Tests.Grains;
using AiOs.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace AiOs.Runtime.Tests.Filters;

/// <summary>The built-in call metrics: the runtime's statistics, and what a real <see cref="MeterListener"/> (as an
/// OpenTelemetry exporter would use) reads from the silo's meter.</summary>
[Trait("Category", "Unit")]
public sealed class CallMetricsTests(ITestOutputHelper output) : IAsyncLifetime
{
    private readonly ConcurrentDictionary<string, double> _latest = new();
    private readonly ConcurrentDictionary<string, double> _pushed = new();
    private TestSilo _silo = null!;
    private MeterListener _listener = null!;

    public async ValueTask InitializeAsync()
    {
        // Every call timed, so that counts of timed calls are exact here.
        _silo = await TestSilo.StartAsync(
            typeof(CallMetricsTests).Assembly,
            silo => silo.Configure<AiOs.Runtime.Configuration.GrainCallOptions>(o => o.LatencySampleInterval = 1),
            output: output);
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
        _listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) => Record(instrument, value, tags));
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
        var before = Statistics("faulty", "Add");

        for (var i = 0; i < 5; i++)
        {
            await grain.Add(i, i);
        }

        await Assert.ThrowsAsync<InvalidOperationException>(() => grain.Throw("x"));

        var add = Statistics("faulty", "Add");
        Assert.Equal(5, add.Calls - before.Calls);
        Assert.Equal(0, add.Errors - before.Errors);
        Assert.Equal(add.Calls, add.TimedCalls);
        Assert.True(add.MeanLatency > TimeSpan.Zero);
        Assert.Equal(1, Statistics("faulty", "Throw").Errors);

        _listener.RecordObservableInstruments();
        Assert.Equal(add.Calls, _latest["aios.grain.calls|faulty|Add"]);
        Assert.Equal(1, _latest["aios.grain.errors|faulty|Throw"]);
        Assert.Equal(5 + before.Calls, _pushed.GetValueOrDefault("aios.grain.call.duration|faulty|Add#count"));
    }

    [Fact]
    public async Task Statistics_CountExactly_WhenMoreThreadsThanStripesRecordAtOnce()
    {
        // Twice as many threads as the statistics have stripes, so that stripes are shared and incremented at once, in
        // loops tight enough that a lost update would show.
        const int threads = 32;
        const int recordsPerThread = 1_000_000;
        var statistics = new MethodCallStatistics("contended", "Call");
        using var start = new Barrier(threads);
        var workers = Enumerable.Range(0, threads).Select(_ => new Thread(() =>
        {
            start.SignalAndWait();
            for (var i = 0; i < recordsPerThread; i++)
            {
                statistics.Record(elapsedTicks: i % 4 == 0 ? 10 : -1, failed: i % 10 == 0);
            }
        })).ToList();
        workers.ForEach(w => w.Start());
        await Task.Run(() => workers.ForEach(w => w.Join()), TestContext.Current.CancellationToken);

        var snapshot = statistics.Snapshot();
        Assert.Equal(threads * recordsPerThread, snapshot.Calls);
        Assert.Equal(threads * recordsPerThread / 10, snapshot.Errors);
        Assert.Equal(threads * recordsPerThread / 4, snapshot.TimedCalls);
    }

    [Fact]
    public async Task LatencySampling_TimesEveryNthCallOfAnActivation_AndCountsEveryCall()
    {
        await using var silo = await TestSilo.StartAsync(
            typeof(CallMetricsTests).Assembly,
            s => s.Configure<AiOs.Runtime.Configuration.GrainCallOptions>(o => o.LatencySampleInterval = 4),
            output: output);
        var grain = silo.GrainFactory.GetGrain<IFaultyGrain>(Guid.NewGuid().ToString("N"));

        for (var i = 0; i < 16; i++)
        {
            await grain.Add(i, i);
        }

        var add = silo.Services.GetRequiredService<RuntimeInstruments>().Statistics.Snapshot().Single(s => s.GrainType == "faulty" && s.Method == "Add");
        Assert.Equal(16, add.Calls);
        Assert.Equal(4, add.TimedCalls);
    }

    [Fact]
    public async Task TimerTicks_AreRecordedUnderTheTimersName()
    {
        var clock = new ManualTimeProvider();
        await using var silo = await TestSilo.StartAsync(typeof(CallMetricsTests).Assembly, time: clock, output: output);
        var statistics = silo.Services.GetRequiredService<RuntimeInstruments>().Statistics;
        var grain = silo.GrainFactory.GetGrain<ITimerGrain>(Guid.NewGuid().ToString("N"));
        await grain.StartTimer(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1), failEveryTick: false);

        clock.Advance(TimeSpan.FromSeconds(1));

        await Eventually.WaitUntilAsync(
            () => statistics.Snapshot().Any(s => s.GrainType == "timer" && s.Method.Contains("StartTimer", StringComparison.Ordinal) && s.Calls == 1),
            "the tick was recorded");
    }

    [Fact]
    public async Task Activations_AreCountedPerGrainType()
    {
        for (var i = 0; i < 3; i++)
        {
            await _silo.GrainFactory.GetGrain<IGuidKeyedGrain>(Guid.NewGuid()).Key();
        }

        Assert.Equal(3, _pushed.GetValueOrDefault("aios.grain.activations|guidkeyed|"));
    }

    private MethodCallSnapshot Statistics(string grainType, string method) =>
        _silo.Services.GetRequiredService<RuntimeInstruments>().Statistics.Snapshot().FirstOrDefault(s => s.GrainType == grainType && s.Method == method)
        ?? new MethodCallSnapshot(grainType, method, 0, 0, TimeSpan.Zero, new long[MethodCallStatistics.BucketCount]);

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

        var key = $"{instrument.Name}|{type}|{method}";
        if (instrument.IsObservable)
        {
            _latest[key] = value;
        }
        else if (instrument is Histogram<double>)
        {
            _pushed.AddOrUpdate(key + "#count", 1, (_, n) => n + 1);
        }
        else
        {
            _pushed.AddOrUpdate(key, value, (_, total) => total + value);
        }
    }
}
