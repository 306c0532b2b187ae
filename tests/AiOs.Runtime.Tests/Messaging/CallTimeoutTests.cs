using AiOs.Runtime.Configuration;
using AiOs.Runtime.Tests.Grains;
using AiOs.Testing;

namespace AiOs.Runtime.Tests.Messaging;

[Trait("Category", "Unit")]
public sealed class CallTimeoutTests(ITestOutputHelper output) : IAsyncLifetime
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(1);
    private TestSilo _silo = null!;

    public async ValueTask InitializeAsync() => _silo = await TestSilo.StartAsync(
        typeof(CallTimeoutTests).Assembly,
        silo => silo.Configure<GrainCallOptions>(o =>
        {
            o.ResponseTimeout = Timeout;
            o.TimeoutCheckInterval = TimeSpan.FromMilliseconds(50);
        }),
        output: output);

    public async ValueTask DisposeAsync() => await _silo.DisposeAsync();

    [Fact]
    public async Task CallCycle_OnNonReentrantGrain_FailsAtItsDeadline_WithAnErrorNamingTheChain()
    {
        var callerKey = Unique();
        var relayKey = Unique();
        var caller = _silo.GrainFactory.GetGrain<IPlainCallerGrain>(callerKey);

        var error = await Assert.ThrowsAsync<GrainCallTimeoutException>(() => caller.CallThrough(relayKey));

        var expected = new[] { $"caller/{callerKey}.CallThrough", $"relay/{relayKey}.Relay", $"caller/{callerKey}.Echo" };
        Assert.Equal(expected, error.CallChain);
        Assert.Contains(string.Join(" -> ", expected), error.Message, StringComparison.Ordinal);
        Assert.Contains("deadlock", error.Message, StringComparison.Ordinal);
        Assert.Contains("not reentrant", error.Message, StringComparison.Ordinal);

        // The grains recover: once the cycle has failed, ordinary calls work again.
        Assert.Equal($"echo from caller/{callerKey}", await caller.Echo());
    }

    [Fact]
    public async Task CallCycle_OnGrainAllowingCallChainReentrancy_Succeeds()
    {
        var callerKey = Unique();
        var caller = _silo.GrainFactory.GetGrain<IChainReentrantCallerGrain>(callerKey);

        var result = await caller.CallThrough(Unique());

        Assert.Equal($"relayed echo from chain-caller/{callerKey}", result);
    }

    [Fact]
    public async Task SlowCall_FailsAtItsDeadline_AndTheGrainKeepsWorking()
    {
        var key = Unique();
        var grain = _silo.GrainFactory.GetGrain<ISlowGrain>(key);

        var error = await Assert.ThrowsAsync<GrainCallTimeoutException>(() => grain.Sleep(TimeSpan.FromSeconds(3)));

        Assert.Contains($"slow/{key}.Sleep", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("deadlock", error.Message, StringComparison.Ordinal);

        // The method itself ran on to completion after its caller gave up.
        await Eventually.WaitUntilAsync(() => Probe.For(key).Calls == 1, "the slow call finished in the grain");
        Assert.Equal("slept", await grain.Sleep(TimeSpan.Zero));
    }

    [Fact]
    public async Task NestedCall_InheritsItsCallersDeadline()
    {
        var outer = _silo.GrainFactory.GetGrain<ISlowGrain>(Unique());
        var innerKey = Unique();

        var error = await Assert.ThrowsAsync<GrainCallTimeoutException>(() => outer.CallSlow(innerKey, TimeSpan.FromSeconds(3)));

        // Outer and inner expire together; the caller learns what the outer call was waiting on.
        Assert.Equal(2, error.CallChain.Count);
        Assert.EndsWith($"slow/{innerKey}.Sleep", error.CallChain[1], StringComparison.Ordinal);
    }

    private static string Unique() => Guid.NewGuid().ToString("N");
}
