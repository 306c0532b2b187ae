using AiOs.Runtime.Tests.Grains;
using AiOs.Testing;

namespace AiOs.Runtime.Tests.Activation;

[Trait("Category", "Unit")]
public sealed class ActivationTests(ITestOutputHelper output) : IAsyncLifetime
{
    private TestSilo _silo = null!;

    public async ValueTask InitializeAsync() => _silo = await TestSilo.StartAsync(typeof(ActivationTests).Assembly, output: output);

    public async ValueTask DisposeAsync() => await _silo.DisposeAsync();

    [Fact]
    public async Task FirstCall_ToNeverSeenKey_ActivatesAndRunsOnActivateBeforeTheCall()
    {
        var key = Unique();
        var grain = _silo.GrainFactory.GetGrain<ILifecycleGrain>(key);
        Assert.Equal(0, Probe.For(key).Activated);

        Assert.Equal("activated", await grain.Hello());
        Assert.Equal(1, Probe.For(key).Activated);
        Assert.Equal(key, await grain.Key());
        Assert.Equal(1, Probe.For(key).Activated);
    }

    [Fact]
    public async Task ConcurrentFirstCalls_ActivateTheGrainExactlyOnce()
    {
        var key = Unique();
        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var callers = Enumerable.Range(0, 1000).Select(async _ =>
        {
            await start.Task;
            return await _silo.GrainFactory.GetGrain<ILifecycleGrain>(key).Hello();
        }).ToList();
        start.SetResult();

        var results = await Task.WhenAll(callers);

        Assert.All(results, r => Assert.Equal("activated", r));
        Assert.Equal(1, Probe.For(key).Constructed);
        Assert.Equal(1, Probe.For(key).Activated);
    }

    [Fact]
    public async Task GuidAndIntegerKeys_RoundTripThroughTheGrainId()
    {
        var guid = Guid.NewGuid();
        Assert.Equal(guid, await _silo.GrainFactory.GetGrain<IGuidKeyedGrain>(guid).Key());
        Assert.Equal(-42L, await _silo.GrainFactory.GetGrain<IIntegerKeyedGrain>(-42).Key());
    }

    [Fact]
    public async Task CountActivationsByGrainType_CountsLiveActivationsOfEachType()
    {
        var guids = Enumerable.Range(0, 3).Select(_ => Guid.NewGuid()).ToList();
        foreach (var guid in guids)
        {
            await _silo.GrainFactory.GetGrain<IGuidKeyedGrain>(guid).Key();
        }

        await _silo.GrainFactory.GetGrain<IIntegerKeyedGrain>(Random.Shared.NextInt64()).Key();

        var counts = _silo.Runtime.CountActivationsByGrainType();

        // Other tests of this class use other grain types only, and each test has its own silo.
        Assert.Equal(3, counts.Single(c => c.Key.Contains("guid", StringComparison.OrdinalIgnoreCase)).Value);
        Assert.Equal(1, counts.Single(c => c.Key.Contains("integer", StringComparison.OrdinalIgnoreCase)).Value);
        Assert.Equal(_silo.Runtime.ActivationCount, counts.Values.Sum());
    }

    [Theory]
    [InlineData("", "is empty")]
    [InlineData("a\u0001b", "a\\u0001b")]
    [InlineData("line\nbreak", "line\\u000abreak")]
    public void InvalidKey_ThrowsArgumentErrorNamingTheKey_AndActivatesNothing(string key, string expectedInMessage)
    {
        var before = _silo.Runtime.ActivationCount;

        var error = Assert.Throws<ArgumentException>(() => _silo.GrainFactory.GetGrain<ILifecycleGrain>(key));

        Assert.Equal("key", error.ParamName);
        Assert.Contains(expectedInMessage, error.Message, StringComparison.Ordinal);
        Assert.Contains(nameof(ILifecycleGrain), error.Message, StringComparison.Ordinal);
        Assert.Equal(before, _silo.Runtime.ActivationCount);
    }

    [Fact]
    public void OverlongKey_ThrowsArgumentErrorWithItsLength()
    {
        var key = new string('k', GrainId.MaxKeyLength + 1);

        var error = Assert.Throws<ArgumentException>(() => _silo.GrainFactory.GetGrain<ILifecycleGrain>(key));

        Assert.Contains("513 characters", error.Message, StringComparison.Ordinal);
        Assert.Contains("kkkkkkkkkk", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void KeyOfMaximumLength_IsAccepted()
    {
        var grain = _silo.GrainFactory.GetGrain<ILifecycleGrain>(new string('k', GrainId.MaxKeyLength));
        Assert.NotNull(grain);
    }

    [Fact]
    public async Task FailedActivation_FailsWaitingCalls_AndTheNextCallActivatesAgain()
    {
        var key = "fail-once-" + Unique();
        var grain = _silo.GrainFactory.GetGrain<ILifecycleGrain>(key);

        var error = await Assert.ThrowsAsync<GrainActivationException>(grain.Hello);
        Assert.Contains(key, error.Message, StringComparison.Ordinal);
        Assert.Contains("first activation fails on purpose", error.Message, StringComparison.Ordinal);
        Assert.IsType<InvalidOperationException>(error.InnerException);

        Assert.Equal("activated", await grain.Hello());
        Assert.Equal(2, await grain.ActivationNumber());
    }

    [Fact]
    public async Task GrainWithUnregisteredConstructorService_FailsActivationNamingTheParameter()
    {
        var error = await Assert.ThrowsAsync<GrainActivationException>(() => _silo.GrainFactory.GetGrain<INeedsServiceGrain>(Unique()).Ping());
        Assert.Contains("'service'", error.Message, StringComparison.Ordinal);
        Assert.Contains(nameof(IUnregisteredService), error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnknownGrainType_FailsTheCallWithAClearMessage()
    {
        var grain = _silo.GrainFactory.GetGrain<ILifecycleGrain>(new GrainId("no-such-type", "k"));

        var error = await Assert.ThrowsAsync<InvalidOperationException>(grain.Hello);

        Assert.Contains("no-such-type", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ConstructingAGrainWithNew_IsRefusedWithAnExplanation()
    {
        var error = Assert.Throws<InvalidOperationException>(() => new FaultyGrain());
        Assert.Contains("GetGrain", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DeactivateOnIdle_DeactivatesAfterTheCurrentCall_AndTheNextCallReactivates()
    {
        var key = Unique();
        var grain = _silo.GrainFactory.GetGrain<ILifecycleGrain>(key);

        await grain.DeactivateAfterThisCall();
        await Eventually.WaitUntilAsync(() => Probe.For(key).Deactivated == 1, "the grain deactivated");
        Assert.Equal(DeactivationReason.ApplicationRequested, Probe.For(key).LastDeactivationReason);

        Assert.Equal("activated", await grain.Hello());
        Assert.Equal(2, Probe.For(key).Activated);
    }

    [Fact]
    public async Task Exceptions_ReachTheCallerWithTypeAndMessage()
    {
        var grain = _silo.GrainFactory.GetGrain<IFaultyGrain>(Unique());

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => grain.Throw("bad input 42"));

        Assert.Equal("bad input 42", error.Message);
        Assert.Equal(5, await grain.Add(2, 3));
    }

    [Fact]
    public async Task ValueTaskAndNullableSignatures_WorkThroughGeneratedProxies()
    {
        var grain = _silo.GrainFactory.GetGrain<IFaultyGrain>(Unique());

        Assert.Null(await grain.MaybeName(null));
        Assert.Equal("x", await grain.MaybeName("x"));
        await grain.Nothing();
    }

    [Fact]
    public async Task GrainReference_PassedAsArgument_CanBeCalledByTheReceiver()
    {
        var target = _silo.GrainFactory.GetGrain<IPlainCallerGrain>(Unique());
        var relay = _silo.GrainFactory.GetGrain<IRelayGrain>(Unique());

        var result = await relay.CallReference(target);

        Assert.Equal($"via reference: echo from caller/{((AiOs.Invocation.GrainReference)target).GrainId.Key}", result);
    }

    [Fact]
    public void References_ToTheSameGrainAndInterface_AreEqual()
    {
        var a = _silo.GrainFactory.GetGrain<ILifecycleGrain>("same");
        var b = _silo.GrainFactory.GetGrain<ILifecycleGrain>("same");
        var c = _silo.GrainFactory.GetGrain<ILifecycleGrain>("other");

        Assert.Equal(a, b);
        Assert.Equal(a.GetHashCode(), b.GetHashCode());
        Assert.NotEqual(a, c);
    }

    private static string Unique() => Guid.NewGuid().ToString("N");
}
