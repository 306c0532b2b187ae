using AiOs.Runtime.Tests.Grains;
using AiOs.Testing;

namespace AiOs.Runtime.Tests.Timers;

/// <summary>Grain timers on a manual clock.</summary>
[Trait("Category", "Unit")]
public sealed class GrainTimerTests(ITestOutputHelper output) : IAsyncLifetime
{
    private static readonly TimeSpan Period = TimeSpan.FromSeconds(10);
    private readonly ManualTimeProvider _clock = new();
    private TestSilo _silo = null!;

    public async ValueTask InitializeAsync() => _silo = await TestSilo.StartAsync(typeof(GrainTimerTests).Assembly, time: _clock, output: output);

    public async ValueTask DisposeAsync() => await _silo.DisposeAsync();

    [Fact]
    public async Task Timer_TicksEveryPeriod()
    {
        var (grain, probe) = Grain();
        var baseline = _clock.ArmedTimers;
        await grain.StartTimer(Period, Period, failEveryTick: false);

        for (var i = 1; i <= 3; i++)
        {
            await AdvanceOnceArmedAsync(baseline);
            await Eventually.WaitUntilAsync(() => probe.TimerTicks == i, $"tick {i}");
        }
    }

    [Fact]
    public async Task Timer_NeverOverlaps_TheNextPeriodStartsWhenATickEnds()
    {
        var (grain, probe) = Grain();
        var baseline = _clock.ArmedTimers;
        await grain.CloseTickGate();
        await grain.StartTimer(Period, Period, failEveryTick: false);
        Assert.Equal(baseline + 1, _clock.ArmedTimers);

        _clock.Advance(Period);
        await Eventually.WaitUntilAsync(() => probe.TimerTicks == 1, "the first tick started");

        // While the tick runs its timer is not armed, so however much time passes no second tick can be due.
        Assert.Equal(baseline, _clock.ArmedTimers);
        _clock.Advance(Period * 5);

        await grain.OpenTickGate();
        await Eventually.WaitUntilAsync(() => _clock.ArmedTimers == baseline + 1, "the timer was re-armed when the tick ended");
        Assert.Equal(1, probe.TimerTicks);

        _clock.Advance(Period);
        await Eventually.WaitUntilAsync(() => probe.TimerTicks == 2, "the second tick, one period after the first ended");
        Assert.Equal(1, probe.MaxConcurrentTicks);
    }

    [Fact]
    public async Task TimerTick_RunsAsATurn_NotDuringACall()
    {
        var (grain, probe) = Grain();
        await grain.StartTimer(Period, Period, failEveryTick: false);
        var busy = grain.Busy();
        await Eventually.WaitUntilAsync(() => probe.Events.Contains("busy-start"), "the call started");

        _clock.Advance(Period);
        await grain.OpenGate();
        await busy;
        await Eventually.WaitUntilAsync(() => probe.TimerTicks == 1, "the tick ran after the call");

        Assert.Equal(["busy-start", "busy-end", "tick"], probe.Events.ToArray());
    }

    [Fact]
    public async Task FailingTick_DoesNotStopTheTimer()
    {
        var (grain, probe) = Grain();
        var baseline = _clock.ArmedTimers;
        await grain.StartTimer(Period, Period, failEveryTick: true);

        await AdvanceOnceArmedAsync(baseline);
        await Eventually.WaitUntilAsync(() => probe.TimerTicks == 1, "tick 1");
        await AdvanceOnceArmedAsync(baseline);
        await Eventually.WaitUntilAsync(() => probe.TimerTicks == 2, "tick 2 after a failed tick");
    }

    [Fact]
    public async Task DisposedTimer_StopsTicking()
    {
        var (grain, probe) = Grain();
        await grain.StartTimer(Period, Period, failEveryTick: false);
        _clock.Advance(Period);
        await Eventually.WaitUntilAsync(() => probe.TimerTicks == 1, "tick 1");

        var armed = _clock.ArmedTimers;
        await grain.StopTimer();
        Assert.Equal(armed - 1, _clock.ArmedTimers);
    }

    [Fact]
    public async Task Timer_EndsWithItsActivation()
    {
        var (grain, _) = Grain();
        var armedBefore = _clock.ArmedTimers;
        await grain.StartTimer(Period, Period, failEveryTick: false);
        Assert.Equal(armedBefore + 1, _clock.ArmedTimers);

        await grain.Deactivate();
        await Eventually.WaitUntilAsync(() => _clock.ArmedTimers == armedBefore, "the timer was disposed with its activation");
    }

    // A timer is re-armed when its tick ends, so advancing the clock before then would skip a period.
    private async Task AdvanceOnceArmedAsync(int baseline)
    {
        await Eventually.WaitUntilAsync(() => _clock.ArmedTimers == baseline + 1, "the timer is armed");
        _clock.Advance(Period);
    }

    private (ITimerGrain Grain, Probe Probe) Grain()
    {
        var key = Guid.NewGuid().ToString("N");
        return (_silo.GrainFactory.GetGrain<ITimerGrain>(key), Probe.For(key));
    }
}
