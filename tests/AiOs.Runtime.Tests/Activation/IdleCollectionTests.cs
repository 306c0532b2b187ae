using AiOs.Runtime.Activation;
using AiOs.Runtime.Configuration;
using AiOs.Runtime.Tests.Grains;
using AiOs.Testing;

namespace AiOs.Runtime.Tests.Activation;

/// <summary>Idle collection on a manual clock: no waiting on wall time, and exact bounds.</summary>
[Trait("Category", "Unit")]
public sealed class IdleCollectionTests(ITestOutputHelper output) : IAsyncLifetime
{
    private static readonly TimeSpan Age = TimeSpan.FromMinutes(10);
    private static readonly TimeSpan Quantum = TimeSpan.FromMinutes(1);
    private readonly ManualTimeProvider _clock = new();
    private TestSilo _silo = null!;

    public async ValueTask InitializeAsync() => _silo = await TestSilo.StartAsync(
        typeof(IdleCollectionTests).Assembly,
        silo => silo.Configure<GrainCollectionOptions>(o =>
        {
            o.CollectionAge = Age;
            o.CollectionQuantum = Quantum;
            o.CollectionAgeByGrainType["integerkeyed"] = TimeSpan.FromMinutes(30);
        }),
        time: _clock,
        output: output);

    public async ValueTask DisposeAsync() => await _silo.DisposeAsync();

    [Fact]
    public async Task IdleActivation_IsKeptBeforeItsAge_AndCollectedWithinAgePlusOneQuantum()
    {
        var key = Guid.NewGuid().ToString("N");
        var grain = _silo.GrainFactory.GetGrain<ILifecycleGrain>(key);
        await grain.Hello();

        _clock.Advance(Age - Quantum);
        Assert.Equal(ActivationState.Valid, _silo.Runtime.Catalog.Find(new GrainId("lifecycle", key))?.State);

        _clock.Advance(Quantum + Quantum);
        await Eventually.WaitUntilAsync(() => Probe.For(key).Deactivated == 1, "the idle grain was collected");
        Assert.Equal(DeactivationReason.IdleCollection, Probe.For(key).LastDeactivationReason);
    }

    [Fact]
    public async Task ActivityResetsTheIdleClock()
    {
        var key = Guid.NewGuid().ToString("N");
        var grain = _silo.GrainFactory.GetGrain<ILifecycleGrain>(key);
        await grain.Hello();

        for (var i = 0; i < 5; i++)
        {
            _clock.Advance(Age / 2);
            await grain.Hello();
        }

        Assert.Equal(ActivationState.Valid, _silo.Runtime.Catalog.Find(new GrainId("lifecycle", key))?.State);
        Assert.Equal(0, Probe.For(key).Deactivated);
        Assert.Equal(1, Probe.For(key).Activated);
    }

    [Fact]
    public async Task CollectionAgeLimitAttribute_OverridesTheDefault()
    {
        var key = Guid.NewGuid().ToString("N");
        await _silo.GrainFactory.GetGrain<IShortLivedGrain>(key).Touch();

        _clock.Advance(TimeSpan.FromMinutes(2) + Quantum);

        await Eventually.WaitUntilAsync(() => Probe.For(key).LastDeactivationReason == DeactivationReason.IdleCollection, "the short-lived grain was collected");
    }

    [Fact]
    public async Task ConfiguredAgePerGrainType_OverridesTheDefault()
    {
        await _silo.GrainFactory.GetGrain<IIntegerKeyedGrain>(7).Key();
        var id = new GrainId("integerkeyed", "7");

        _clock.Advance(Age + Quantum + Quantum);
        Assert.Equal(ActivationState.Valid, _silo.Runtime.Catalog.Find(id)?.State);

        _clock.Advance(TimeSpan.FromMinutes(30));
        await Eventually.WaitUntilAsync(() => _silo.Runtime.Catalog.Find(id) is null, "the grain was collected at its configured age");
    }
}
