using AiOs.Runtime.Configuration;
using AiOs.Runtime.Tests.Grains;
using AiOs.Testing;

namespace AiOs.Runtime.Tests.Messaging;

/// <summary>Deadlines given to calls from outside grains (what the API does with a request's grpc-timeout). The silo's
/// own timeout is ten minutes here, and the slow calls take 2 s: one that fails with a timeout failed at the scope's
/// deadline (without the scope it would have succeeded).</summary>
[Trait("Category", "Unit")]
public sealed class GrainCallDeadlineTests(ITestOutputHelper output) : IAsyncLifetime
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(20);
    private TestSilo _silo = null!;

    public async ValueTask InitializeAsync() => _silo = await TestSilo.StartAsync(
        typeof(GrainCallDeadlineTests).Assembly,
        silo => silo.Configure<GrainCallOptions>(o =>
        {
            o.ResponseTimeout = TimeSpan.FromMinutes(10);
            o.TimeoutCheckInterval = TimeSpan.FromMilliseconds(20);
        }),
        output: output);

    public async ValueTask DisposeAsync() => await _silo.DisposeAsync();

    [Fact]
    public async Task CallInsideADeadlineScope_FailsAtTheScopesDeadline()
    {
        var grain = _silo.GrainFactory.GetGrain<ISlowGrain>(Unique());

        Task<string> call;
        using (GrainCallDeadline.Begin(DateTimeOffset.UtcNow.AddMilliseconds(200)))
        {
            call = grain.Sleep(TimeSpan.FromSeconds(2));
        }

        await Assert.ThrowsAsync<GrainCallTimeoutException>(() => Eventually.WithinAsync(call, "the call to fail at the scope's deadline", Limit));
    }

    [Fact]
    public async Task NestedCall_InheritsTheScopesDeadline()
    {
        var outer = _silo.GrainFactory.GetGrain<ISlowGrain>(Unique());
        var innerKey = Unique();

        Task<string> call;
        using (GrainCallDeadline.Begin(DateTimeOffset.UtcNow.AddMilliseconds(200)))
        {
            call = outer.CallSlow(innerKey, TimeSpan.FromSeconds(2));
        }

        var error = await Assert.ThrowsAsync<GrainCallTimeoutException>(() => Eventually.WithinAsync(call, "the nested call to fail", Limit));
        Assert.EndsWith($"slow/{innerKey}.Sleep", error.CallChain[^1], StringComparison.Ordinal);
    }

    [Fact]
    public async Task InnerScope_CannotExtendAnOuterScopesDeadline()
    {
        var grain = _silo.GrainFactory.GetGrain<ISlowGrain>(Unique());

        Task<string> call;
        using (GrainCallDeadline.Begin(DateTimeOffset.UtcNow.AddMilliseconds(200)))
        using (GrainCallDeadline.Begin(DateTimeOffset.UtcNow.AddHours(1)))
        {
            call = grain.Sleep(TimeSpan.FromSeconds(2));
        }

        await Assert.ThrowsAsync<GrainCallTimeoutException>(() => Eventually.WithinAsync(call, "the call to fail at the outer deadline", Limit));
    }

    [Fact]
    public async Task AfterTheScope_CallsGetTheSilosTimeoutAgain()
    {
        var key = Unique();
        var grain = _silo.GrainFactory.GetGrain<ISlowGrain>(key);
        using (GrainCallDeadline.Begin(DateTimeOffset.UtcNow.AddMilliseconds(1)))
        {
        }

        // Outlives the dead scope's deadline by far, and succeeds.
        Assert.Equal("slept", await grain.Sleep(TimeSpan.FromMilliseconds(300)));
    }

    private static string Unique() => Guid.NewGuid().ToString("N");
}
