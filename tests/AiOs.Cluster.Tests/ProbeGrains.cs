using System.Collections.Concurrent;
using AiOs.Runtime;

namespace AiOs.Cluster.Tests;

public interface IProbeGrain : IGrainWithStringKey
{
    /// <summary>Which silo serves this grain, and which activation.</summary>
    Task<string> Where();

    Task<int> Increment();

    Task<int> Count();

    Task Fail(string message);

    Task<string> WhereIs(IProbeGrain other);

    Task Sleep(TimeSpan duration);
}

public sealed class ProbeState
{
    public int Count { get; set; }
}

/// <summary>Records every activation process-wide (all in-process silos share it), so that tests can count them.</summary>
[GrainType("cluster-probe")]
public sealed class ProbeGrain(SiloRuntime runtime, [PersistentState("probe")] IPersistentState<ProbeState> state) : Grain, IProbeGrain
{
    public static readonly ConcurrentDictionary<string, int> Activations = new(StringComparer.Ordinal);

    private readonly string _activation = Guid.NewGuid().ToString("N");

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        Activations.AddOrUpdate(GetPrimaryKeyString(), 1, static (_, n) => n + 1);
        return Task.CompletedTask;
    }

    public Task<string> Where() => Task.FromResult($"{runtime.SiloId}/{_activation}");

    public async Task<int> Increment()
    {
        state.State.Count++;
        await state.WriteStateAsync();
        return state.State.Count;
    }

    public Task<int> Count() => Task.FromResult(state.State.Count);

    public Task Fail(string message) => throw new InvalidOperationException(message);

    public Task<string> WhereIs(IProbeGrain other) => other.Where();

    public Task Sleep(TimeSpan duration) => Task.Delay(duration);
}
