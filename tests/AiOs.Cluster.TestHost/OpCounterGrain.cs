using AiOs.Runtime;

namespace AiOs.Cluster.TestHost;

public interface IOpCounterGrain : IGrainWithStringKey
{
    /// <summary>Applies operation <paramref name="op"/> once: a retry of an operation already applied changes nothing.
    /// Returns the count.</summary>
    Task<int> Apply(string op);

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
    private long _record;

    public override async Task OnActivateAsync(CancellationToken cancellationToken) =>
        _record = await log.StartedAsync(GetPrimaryKeyString(), runtime.SiloId, cancellationToken);

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken) =>
        log.EndedAsync(_record, cancellationToken);

    public async Task<int> Apply(string op)
    {
        if (state.State.Recent.Contains(op))
        {
            return state.State.Count;
        }

        state.State.Count++;
        state.State.Recent.Add(op);
        if (state.State.Recent.Count > 8)
        {
            state.State.Recent.RemoveAt(0);
        }

        await state.WriteStateAsync();
        return state.State.Count;
    }

    public Task<int> Count() => Task.FromResult(state.State.Count);
}
