using System.Collections.Concurrent;
using AiOs.Runtime.Tests.Grains;
using AiOs.Testing;

namespace AiOs.Runtime.Tests.Filters;

[Trait("Category", "Unit")]
public sealed class CallFilterTests(ITestOutputHelper output) : IAsyncLifetime
{
    private readonly ConcurrentQueue<string> _log = new();
    private readonly ManualTimeProvider _clock = new();
    private TestSilo _silo = null!;

    public async ValueTask InitializeAsync() => _silo = await TestSilo.StartAsync(
        typeof(CallFilterTests).Assembly,
        silo => silo
            .AddIncomingGrainCallFilter(new RecordingIncomingFilter("in-1", _log))
            .AddIncomingGrainCallFilter(new RecordingIncomingFilter("in-2", _log))
            .AddOutgoingGrainCallFilter(new RecordingOutgoingFilter("out-1", _log))
            .AddOutgoingGrainCallFilter(new RecordingOutgoingFilter("out-2", _log)),
        time: _clock,
        output: output);

    public async ValueTask DisposeAsync() => await _silo.DisposeAsync();

    [Fact]
    public async Task Filters_WrapEveryCall_InRegistrationOrder()
    {
        var grain = _silo.GrainFactory.GetGrain<IFaultyGrain>(Guid.NewGuid().ToString("N"));

        Assert.Equal(5, await grain.Add(2, 3));

        Assert.Equal(
            [
                "out-1 before Add", "out-2 before Add",
                "in-1 before Add Request", "in-2 before Add Request", "in-2 after Add result=5", "in-1 after Add result=5",
                "out-2 after Add result=5", "out-1 after Add result=5",
            ],
            _log.ToArray());
    }

    [Fact]
    public async Task Filters_SeeTheExceptionOfAFailedCall()
    {
        var grain = _silo.GrainFactory.GetGrain<IFaultyGrain>(Guid.NewGuid().ToString("N"));

        await Assert.ThrowsAsync<InvalidOperationException>(() => grain.Throw("boom"));

        Assert.Contains("in-1 saw InvalidOperationException: boom", _log);
        Assert.Contains("out-1 saw InvalidOperationException: boom", _log);
    }

    [Fact]
    public async Task Filters_WrapTimerTicks()
    {
        var key = Guid.NewGuid().ToString("N");
        var grain = _silo.GrainFactory.GetGrain<ITimerGrain>(key);
        await grain.StartTimer(TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(5), failEveryTick: false);
        _log.Clear();

        _clock.Advance(TimeSpan.FromSeconds(5));

        await Eventually.WaitUntilAsync(() => _log.Any(e => e.StartsWith("in-1 after ", StringComparison.Ordinal)), "the timer tick passed the filters");
        var entries = _log.ToArray();
        Assert.StartsWith("in-1 before ", entries[0], StringComparison.Ordinal);
        Assert.EndsWith(" Timer", entries[0], StringComparison.Ordinal);
        Assert.StartsWith("in-2 before ", entries[1], StringComparison.Ordinal);
    }

    [Fact]
    public async Task OutgoingFilter_CanReplaceTheResult()
    {
        var grain = _silo.GrainFactory.GetGrain<IFaultyGrain>(Guid.NewGuid().ToString("N"));

        // The grain returns 1007; the outgoing filter replaces results of calls whose second argument exceeds 1000.
        Assert.Equal(7000, await grain.Add(3, 1004));
        Assert.Equal(7, await grain.Add(3, 4));
    }

    private sealed class RecordingIncomingFilter(string name, ConcurrentQueue<string> log) : IIncomingGrainCallFilter
    {
        public async Task Invoke(IIncomingGrainCallContext context)
        {
            log.Enqueue($"{name} before {context.MethodName} {context.Kind}");
            try
            {
                await context.Invoke();
                log.Enqueue($"{name} after {context.MethodName} result={context.Result}");
            }
            catch (Exception exception)
            {
                log.Enqueue($"{name} saw {exception.GetType().Name}: {exception.Message}");
                throw;
            }
        }
    }

    private sealed class RecordingOutgoingFilter(string name, ConcurrentQueue<string> log) : IOutgoingGrainCallFilter
    {
        public async Task Invoke(IOutgoingGrainCallContext context)
        {
            log.Enqueue($"{name} before {context.MethodName}");
            try
            {
                await context.Invoke();
                log.Enqueue($"{name} after {context.MethodName} result={context.Result}");
                if (name == "out-1" && context.MethodName == nameof(IFaultyGrain.Add) && (int)context.Request.GetArgument(1)! > 1000)
                {
                    context.Result = 7000;
                }
            }
            catch (Exception exception)
            {
                log.Enqueue($"{name} saw {exception.GetType().Name}: {exception.Message}");
                throw;
            }
        }
    }
}
