using AiOs.Runtime.Configuration;
using AiOs.Runtime.Tests.Grains;
using AiOs.Testing;
using Microsoft.Extensions.Options;

namespace AiOs.Runtime.Tests.Hosting;

[Trait("Category", "Unit")]
public sealed class SiloHostingTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData("PartitionCount", "AiOs:Silo:PartitionCount")]
    [InlineData("ResponseTimeout", "AiOs:Calls:ResponseTimeout")]
    [InlineData("CollectionQuantum", "AiOs:Collection:CollectionQuantum")]
    [InlineData("MinimumPeriod", "AiOs:Reminders:MinimumPeriod")]
    public async Task InvalidOption_StopsTheHostAtStart_WithTheSettingsName(string option, string settingName)
    {
        using var host = TestSilo.Build(typeof(SiloHostingTests).Assembly, silo => _ = option switch
        {
            "PartitionCount" => silo.Configure<SiloOptions>(o => o.PartitionCount = 0),
            "ResponseTimeout" => silo.Configure<GrainCallOptions>(o => o.ResponseTimeout = TimeSpan.Zero),
            "CollectionQuantum" => silo.Configure<GrainCollectionOptions>(o => o.CollectionQuantum = TimeSpan.FromSeconds(-1)),
            _ => silo.Configure<ReminderOptions>(o => o.MinimumPeriod = TimeSpan.Zero),
        });

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync(TestContext.Current.CancellationToken));

        Assert.Contains(settingName, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GracefulStop_FinishesTheRunningCall_AndDeactivatesEveryActivation()
    {
        var silo = await TestSilo.StartAsync(typeof(SiloHostingTests).Assembly, output: output);
        var busyKey = Guid.NewGuid().ToString("N");
        var idleKey = Guid.NewGuid().ToString("N");
        await silo.GrainFactory.GetGrain<ILifecycleGrain>(idleKey).Hello();
        var busy = silo.GrainFactory.GetGrain<ISlowGrain>(busyKey).Sleep(TimeSpan.FromMilliseconds(300));

        await silo.DisposeAsync();

        Assert.Equal("slept", await busy);
        Assert.Equal(DeactivationReason.ShuttingDown, Probe.For(idleKey).LastDeactivationReason);
        Assert.Equal(0, silo.Runtime.ActivationCount);
    }

    [Fact]
    public async Task StoppedSilo_RefusesNewActivations_WithATransientError()
    {
        var silo = await TestSilo.StartAsync(typeof(SiloHostingTests).Assembly, output: output);
        await silo.Host.StopAsync(TestContext.Current.CancellationToken);

        var error = await Assert.ThrowsAsync<SiloUnavailableException>(() => silo.GrainFactory.GetGrain<ILifecycleGrain>("late").Hello());

        Assert.IsAssignableFrom<ITransientException>(error);
        silo.Host.Dispose();
    }

    [Fact]
    public void TwoGrainClassesWithTheSameTypeName_AreRefusedAtStart()
    {
        var error = Assert.Throws<InvalidOperationException>(() =>
        {
            using var host = TestSilo.Build(typeof(SiloHostingTests).Assembly, silo => silo.AddGrain<DuplicateNameGrain>());
            _ = host.Services.GetService(typeof(SiloRuntime));
        });

        Assert.Contains("'faulty'", error.Message, StringComparison.Ordinal);
    }

    // Not public, so assembly scanning skips it; the test adds it explicitly to provoke the clash.
    [GrainType("faulty")]
    private sealed class DuplicateNameGrain : Grain, IFaultyGrain
    {
        public Task Throw(string message) => Task.CompletedTask;

        public Task<int> Add(int a, int b) => Task.FromResult(0);

        public ValueTask<string?> MaybeName(string? name) => ValueTask.FromResult(name);

        public ValueTask Nothing() => ValueTask.CompletedTask;
    }
}
