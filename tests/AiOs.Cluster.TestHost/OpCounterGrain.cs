using AiOs.Runtime;

namespace AiOs.Cluster.TestHost;

public interface IOpCounterGrain : IGrainWithStringKey
{
    /// <summary>Applies operation <paramref name="op"/> once: a retry of an operation already applied changes nothing.
    /// Returns the count.</summary>
    Task<int> Apply(string op);

    /// <summary>As <see cref="Apply"/>, but waits <paramref name="delay"/> between counting in memory and writing the
    /// state: a silo frozen in that window writes after it resumes, with the lease it held before.</summary>
    Task<int> ApplySlowly(string op, TimeSpan delay);

    Task<int> Count();
}

public sealed class OpCounterState
{
    public int Count { get; set; }

    /// <summary>The last operations applied. Each client applies one operation at a time per grain and retries it until
    /// acknowledged, so a short window is enough to recognise a retry.</summary>
    public List<string> Recent { get; set; } = [];
}

/// <summary>A persisted counter with idempotent increments, that records when each of its activations starts and ends.</summary>
[GrainType("op-counter")]
public sealed class OpCounterGrain(
    [PersistentState("counter")] IPersistentState<OpCounterState> state,
    ActivationLog log,
    SiloRuntime runtime) : Grain, IOpCounterGrain
{
    private static int s_slowWritesPending;
    private long _record;

    /// <summary>Calls of <see cref="ApplySlowly"/> in this process waiting to write.</summary>
    public static int SlowWritesPending => s_slowWritesPending;

    public override async Task OnActivateAsync(CancellationToken cancellationToken) =>
        _record = await log.StartedAsync(GetPrimaryKeyString(), runtime.SiloId, cancellationToken);

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken) =>
        log.EndedAsync(_record, cancellationToken);

    public async Task<int> Apply(string op)
    {
        if (CountInMemory(op))
        {
            await state.WriteStateAsync();
        }

        return state.State.Count;
    }

    public async Task<int> ApplySlowly(string op, TimeSpan delay)
    {
        if (CountInMemory(op))
        {
            Interlocked.Increment(ref s_slowWritesPending);
            try
            {
                await Task.Delay(delay);
            }
            finally
            {
                Interlocked.Decrement(ref s_slowWritesPending);
            }

            await state.WriteStateAsync();
        }

        return state.State.Count;
    }

    public Task<int> Count() => Task.FromResult(state.State.Count);

    /// <summary>Counts <paramref name="op"/> in memory unless it was applied already; true when it was counted.</summary>
    private bool CountInMemory(string op)
    {
        if (state.State.Recent.Contains(op))
        {
            return false;
        }

        state.State.Count++;
        state.State.Recent.Add(op);
        if (state.State.Recent.Count > 8)
        {
            state.State.Recent.RemoveAt(0);
        }

        return true;
    }
}
