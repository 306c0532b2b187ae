using AiOs.Runtime.Tests.Grains;

namespace AiOs.Runtime.Tests.Scheduling;

/// <summary>A call that finds its grain idle runs on the caller's thread (the runtime's fast path). These tests pin down
/// that it is invisible to grain code.</summary>
[Trait("Category", "Unit")]
public sealed class InlineExecutionTests(ITestOutputHelper output) : IAsyncLifetime
{
    private AiOs.Testing.TestSilo _silo = null!;

    public async ValueTask InitializeAsync() => _silo = await AiOs.Testing.TestSilo.StartAsync(typeof(InlineExecutionTests).Assembly, output: output);

    public async ValueTask DisposeAsync() => await _silo.DisposeAsync();

    [Fact]
    public async Task CallersAsyncLocals_AreNotVisibleToGrainCode()
    {
        var grain = _silo.GrainFactory.GetGrain<IAmbientGrain>(Guid.NewGuid().ToString("N"));
        await grain.SeenAmbient(); // activated: the next call finds it idle and runs on this thread

        AmbientGrain.Ambient.Value = "caller's secret";
        var seen = await grain.SeenAmbient();

        Assert.Null(seen);
        Assert.Equal("caller's secret", AmbientGrain.Ambient.Value);
    }

    [Fact]
    public async Task LongChainsOfNestedCalls_Complete_WithoutGrowingTheStack()
    {
        var grain = _silo.GrainFactory.GetGrain<IAmbientGrain>(Guid.NewGuid().ToString("N"));

        Assert.Equal(500, await grain.Chain(500));
    }

    [Fact]
    public async Task CallersSynchronizationContext_IsRestoredAfterAnInlineCall()
    {
        var grain = _silo.GrainFactory.GetGrain<IAmbientGrain>(Guid.NewGuid().ToString("N"));
        await grain.SeenAmbient();
        var mine = new SynchronizationContext();
        SynchronizationContext.SetSynchronizationContext(mine);
        try
        {
            var call = grain.SeenAmbient();
            Assert.Same(mine, SynchronizationContext.Current);
            await call;
        }
        finally
        {
            SynchronizationContext.SetSynchronizationContext(null);
        }
    }
}
