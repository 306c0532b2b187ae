namespace AiOs.Runtime.Tests.Grains;

public interface IEchoGrain : IGrainWithStringKey
{
    Task<string> Echo();
}

/// <summary>Calls a relay, which calls back the caller: A -> B -> A.</summary>
public interface ICallerGrain : IEchoGrain
{
    Task<string> CallThrough(string relayKey);
}

public interface IPlainCallerGrain : ICallerGrain;

public interface IChainReentrantCallerGrain : ICallerGrain;

public interface IRelayGrain : IGrainWithStringKey
{
    Task<string> Relay(GrainId callBack);

    Task<string> CallReference(IEchoGrain target);
}

public interface ISlowGrain : IGrainWithStringKey
{
    Task<string> Sleep(TimeSpan duration);

    Task<string> CallSlow(string otherKey, TimeSpan duration);
}

public abstract class CallerGrainBase : Grain, ICallerGrain
{
    public Task<string> CallThrough(string relayKey) => GrainFactory.GetGrain<IRelayGrain>(relayKey).Relay(GrainId);

    public Task<string> Echo() => Task.FromResult("echo from " + GrainId);
}

[GrainType("caller")]
public sealed class PlainCallerGrain : CallerGrainBase, IPlainCallerGrain;

[GrainType("chain-caller")]
[AllowCallChainReentrancy]
public sealed class ChainReentrantCallerGrain : CallerGrainBase, IChainReentrantCallerGrain;

[GrainType("relay")]
public sealed class RelayGrain : Grain, IRelayGrain
{
    public async Task<string> Relay(GrainId callBack) => "relayed " + await GrainFactory.GetGrain<IEchoGrain>(callBack).Echo();

    public async Task<string> CallReference(IEchoGrain target) => "via reference: " + await target.Echo();
}

public sealed class SlowGrain : Grain, ISlowGrain
{
    public async Task<string> Sleep(TimeSpan duration)
    {
        await Task.Delay(duration);
        Interlocked.Increment(ref Probe.For(GetPrimaryKeyString()).Calls);
        return "slept";
    }

    public Task<string> CallSlow(string otherKey, TimeSpan duration) => GrainFactory.GetGrain<ISlowGrain>(otherKey).Sleep(duration);
}
