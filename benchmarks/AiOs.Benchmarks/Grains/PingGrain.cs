namespace AiOs.Benchmarks.Grains;

/// <summary>The cheapest possible grain call: no state, no work.</summary>
public interface IPingGrain : IGrainWithIntegerKey
{
    Task<int> Ping(int value);
}

public sealed class PingGrain : Grain, IPingGrain
{
    public Task<int> Ping(int value) => Task.FromResult(value + 1);
}

/// <summary>A grain that writes its state on every call.</summary>
public interface ICounterGrain : IGrainWithIntegerKey
{
    Task<long> Increment();
}

public sealed class CounterGrain([PersistentState("counter")] IPersistentState<CounterState> state) : Grain, ICounterGrain
{
    public async Task<long> Increment()
    {
        state.State.Value++;
        await state.WriteStateAsync();
        return state.State.Value;
    }
}

public sealed class CounterState
{
    public long Value { get; set; }

    public string Note { get; set; } = "a small payload, as a business entity's state would be";
}
