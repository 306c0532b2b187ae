using AiOs.Runtime.Tests.Grains;
using AiOs.Testing;

namespace AiOs.Runtime.Tests.Scheduling;

/// <summary>The turn rules, proven under real concurrency: many callers on the thread pool at once.</summary>
[Trait("Category", "Unit")]
public sealed class TurnTests(ITestOutputHelper output) : IAsyncLifetime
{
    private TestSilo _silo = null!;

    public async ValueTask InitializeAsync() => _silo = await TestSilo.StartAsync(typeof(TurnTests).Assembly, output: output);

    public async ValueTask DisposeAsync() => await _silo.DisposeAsync();

    [Fact]
    public async Task NonReentrantGrain_NeverHasTwoCallsInFlight_Under64ConcurrentCallers()
    {
        var key = Unique();
        var grain = _silo.GrainFactory.GetGrain<IPlainTurnGrain>(key);

        await RunConcurrently(64, 10, () => grain.Work(awaits: 2));

        var probe = Probe.For(key);
        Assert.Equal(640, probe.Calls);
        Assert.Equal(1, probe.MaxInFlight);
        Assert.Equal(1, probe.MaxExecuting);
    }

    [Fact]
    public async Task ReentrantGrain_InterleavesCallsAtAwaits_ButNeverRunsGrainCodeInParallel()
    {
        var key = Unique();
        var grain = _silo.GrainFactory.GetGrain<IReentrantTurnGrain>(key);

        await RunConcurrently(64, 10, () => grain.Work(awaits: 3));

        var probe = Probe.For(key);
        Assert.Equal(640, probe.Calls);
        Assert.True(probe.MaxInFlight > 1, $"calls should interleave at awaits (max in flight {probe.MaxInFlight})");
        Assert.Equal(1, probe.MaxExecuting);
    }

    [Fact]
    public async Task ReadOnlyCalls_InterleaveWithEachOther_ButNeverWithAWrite()
    {
        var key = Unique();
        var grain = _silo.GrainFactory.GetGrain<IPlainTurnGrain>(key);

        await RunConcurrently(32, 10, () => grain.Read(awaits: 3));
        var probe = Probe.For(key);
        Assert.True(probe.MaxInFlight > 1, $"read-only calls should interleave (max in flight {probe.MaxInFlight})");
        Assert.Equal(1, probe.MaxExecuting);

        // Now mix writes in: a write must always be alone.
        var mixedKey = Unique();
        var mixed = _silo.GrainFactory.GetGrain<IPlainTurnGrain>(mixedKey);
        await RunConcurrently(32, 10, i => i % 4 == 0 ? mixed.Work(awaits: 2) : mixed.Read(awaits: 2));
        var mixedProbe = Probe.For(mixedKey);
        Assert.Equal(320, mixedProbe.Calls);
        Assert.Equal(1, mixedProbe.MaxExecuting);
        Assert.Equal(0, mixedProbe.ReadWriteViolations);
    }

    [Fact]
    public async Task AlwaysInterleaveMethod_RunsWhileTheGrainIsBusy()
    {
        var grain = _silo.GrainFactory.GetGrain<IPlainTurnGrain>(Unique());
        var blocked = grain.Block();
        await Task.Yield();

        // Release is [AlwaysInterleave]: without it, it would queue behind Block and both would hang.
        await Eventually.WithinAsync(grain.Release(), "the always-interleave call");
        await Eventually.WithinAsync(blocked, "the blocked call to finish once released");
    }

    [Fact]
    public async Task NonReentrantGrain_QueuesAnOrdinaryCallWhileBusy()
    {
        var key = Unique();
        var grain = _silo.GrainFactory.GetGrain<IPlainTurnGrain>(key);
        var blocked = grain.Block();
        await Eventually.WaitUntilAsync(() => Probe.For(key).Calls == 1, "Block started");

        var queued = grain.Work(awaits: 0);
        await grain.Release();
        await Eventually.WithinAsync(Task.WhenAll(blocked, queued), "both calls");

        // The queued call ran only after the running one had finished.
        Assert.Equal(["block-start", "block-end", "work"], Probe.For(key).Events.ToArray());
    }

    private static async Task RunConcurrently(int callers, int callsEach, Func<Task> call) =>
        await RunConcurrently(callers, callsEach, _ => call());

    private static async Task RunConcurrently(int callers, int callsEach, Func<int, Task> call)
    {
        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var tasks = Enumerable.Range(0, callers).Select(c => Task.Run(async () =>
        {
            await start.Task;
            for (var i = 0; i < callsEach; i++)
            {
                await call(c);
            }
        })).ToList();
        start.SetResult();
        await Eventually.WithinAsync(Task.WhenAll(tasks), "all callers", TimeSpan.FromSeconds(60));
    }

    private static string Unique() => Guid.NewGuid().ToString("N");
}
