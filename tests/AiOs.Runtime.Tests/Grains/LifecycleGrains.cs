namespace AiOs.Runtime.Tests.Grains;

public interface ILifecycleGrain : IGrainWithStringKey
{
    Task<string> Hello();

    Task<string> Key();

    Task DeactivateAfterThisCall();

    Task<int> ActivationNumber();
}

public interface IGuidKeyedGrain : IGrainWithGuidKey
{
    Task<Guid> Key();
}

public interface IIntegerKeyedGrain : IGrainWithIntegerKey
{
    Task<long> Key();
}

public sealed class LifecycleGrain : Grain, ILifecycleGrain
{
    private readonly Probe _probe;
    private bool _activated;
    private int _activationNumber;

    public LifecycleGrain()
    {
        // The context is available in the constructor, as in Orleans.
        _probe = Probe.For(GetPrimaryKeyString());
        Interlocked.Increment(ref _probe.Constructed);
    }

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        await Task.Yield();
        _activationNumber = Interlocked.Increment(ref _probe.Activated);
        _activated = true;
        if (GetPrimaryKeyString().StartsWith("fail-once", StringComparison.Ordinal) && _activationNumber == 1)
        {
            throw new InvalidOperationException("first activation fails on purpose");
        }
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        _probe.LastDeactivationReason = reason;
        Interlocked.Increment(ref _probe.Deactivated);
        return Task.CompletedTask;
    }

    public Task<string> Hello() => Task.FromResult(_activated ? "activated" : "not activated");

    public Task<string> Key() => Task.FromResult(GetPrimaryKeyString());

    public Task DeactivateAfterThisCall()
    {
        DeactivateOnIdle();
        return Task.CompletedTask;
    }

    public Task<int> ActivationNumber() => Task.FromResult(_activationNumber);
}

public sealed class GuidKeyedGrain : Grain, IGuidKeyedGrain
{
    public Task<Guid> Key() => Task.FromResult(GetPrimaryKey());
}

public sealed class IntegerKeyedGrain : Grain, IIntegerKeyedGrain
{
    public Task<long> Key() => Task.FromResult(GetPrimaryKeyLong());
}

[CollectionAgeLimit(Minutes = 2)]
public sealed class ShortLivedGrain : Grain, IShortLivedGrain
{
    public Task Touch() => Task.CompletedTask;

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        Probe.For(GetPrimaryKeyString()).LastDeactivationReason = reason;
        return Task.CompletedTask;
    }
}

public interface IShortLivedGrain : IGrainWithStringKey
{
    Task Touch();
}
