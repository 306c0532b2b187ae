namespace AiOs.Runtime.Tests.Grains;

public interface ITimerGrain : IGrainWithStringKey
{
    Task StartTimer(TimeSpan due, TimeSpan period, bool failEveryTick);

    Task StopTimer();

    /// <summary>Occupies the grain until <see cref="OpenGate"/>.</summary>
    Task Busy();

    [AlwaysInterleave]
    Task OpenGate();

    /// <summary>Ticks wait on this gate when it is closed.</summary>
    [AlwaysInterleave]
    Task CloseTickGate();

    [AlwaysInterleave]
    Task OpenTickGate();

    [AlwaysInterleave]
    Task<int> Ticks();

    Task Deactivate();
}

public sealed class TimerGrain : Grain, ITimerGrain
{
    private IGrainTimer? _timer;
    private TaskCompletionSource _busyGate = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private TaskCompletionSource? _tickGate;
    private int _ticksRunning;

    private Probe Probe => Probe.For(GetPrimaryKeyString());

    public Task StartTimer(TimeSpan due, TimeSpan period, bool failEveryTick)
    {
        _timer = RegisterGrainTimer(
            async _ =>
            {
                var running = Interlocked.Increment(ref _ticksRunning);
                if (running > Probe.MaxConcurrentTicks)
                {
                    Probe.MaxConcurrentTicks = running;
                }

                Probe.Events.Enqueue("tick");
                Interlocked.Increment(ref Probe.TimerTicks);
                if (_tickGate is { } gate)
                {
                    await gate.Task;
                }

                Interlocked.Decrement(ref _ticksRunning);
                if (failEveryTick)
                {
                    throw new InvalidOperationException("tick fails on purpose");
                }
            },
            due,
            period);
        return Task.CompletedTask;
    }

    public Task StopTimer()
    {
        _timer?.Dispose();
        return Task.CompletedTask;
    }

    public async Task Busy()
    {
        Probe.Events.Enqueue("busy-start");
        await _busyGate.Task;
        Probe.Events.Enqueue("busy-end");
        _busyGate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    public Task OpenGate()
    {
        _busyGate.TrySetResult();
        return Task.CompletedTask;
    }

    public Task CloseTickGate()
    {
        _tickGate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        return Task.CompletedTask;
    }

    public Task OpenTickGate()
    {
        _tickGate?.TrySetResult();
        _tickGate = null;
        return Task.CompletedTask;
    }

    public Task<int> Ticks() => Task.FromResult(Probe.TimerTicks);

    public Task Deactivate()
    {
        DeactivateOnIdle();
        return Task.CompletedTask;
    }
}
