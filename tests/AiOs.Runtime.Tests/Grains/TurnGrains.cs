namespace AiOs.Runtime.Tests.Grains;

public interface ITurnGrain : IGrainWithStringKey
{
    /// <summary>Runs a call that yields <paramref name="awaits"/> times.</summary>
    Task Work(int awaits);

    [ReadOnly]
    Task Read(int awaits);

    /// <summary>Waits until <see cref="Release"/> is called.</summary>
    Task Block();

    [AlwaysInterleave]
    Task Release();
}

public interface IPlainTurnGrain : ITurnGrain;

public interface IReentrantTurnGrain : ITurnGrain;

public abstract class TurnGrainBase : Grain, ITurnGrain
{
    private TaskCompletionSource _gate = new();

    protected Probe Probe => Probe.For(GetPrimaryKeyString());

    public async Task Work(int awaits)
    {
        using var _ = Probe.Enter();
        Probe.Events.Enqueue("work");
        if (Interlocked.Increment(ref Probe.Writers) > 1 || Volatile.Read(ref Probe.Readers) > 0)
        {
            Interlocked.Increment(ref Probe.ReadWriteViolations);
        }

        for (var i = 0; i < awaits; i++)
        {
            Probe.Execute();
            await Task.Delay(1);
        }

        Probe.Execute();
        Interlocked.Decrement(ref Probe.Writers);
    }

    public async Task Read(int awaits)
    {
        using var _ = Probe.Enter();
        Probe.Events.Enqueue("read");
        Interlocked.Increment(ref Probe.Readers);
        for (var i = 0; i < awaits; i++)
        {
            if (Volatile.Read(ref Probe.Writers) > 0)
            {
                Interlocked.Increment(ref Probe.ReadWriteViolations);
            }

            Probe.Execute();
            await Task.Delay(1);
        }

        Interlocked.Decrement(ref Probe.Readers);
    }

    public async Task Block()
    {
        using var _ = Probe.Enter();
        Probe.Events.Enqueue("block-start");
        await _gate.Task;
        _gate = new TaskCompletionSource();
        Probe.Events.Enqueue("block-end");
    }

    public Task Release()
    {
        _gate.TrySetResult();
        return Task.CompletedTask;
    }
}

public sealed class PlainTurnGrain : TurnGrainBase, IPlainTurnGrain;

[Reentrant]
public sealed class ReentrantTurnGrain : TurnGrainBase, IReentrantTurnGrain;
