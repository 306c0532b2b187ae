namespace AiOs.Persistence.TestKit.Silo;

/// <summary>A storage outage seen from grains: a call that writes fails with a retriable error, the activation keeps its
/// last good state (the failed change is not kept in memory), and once storage is back calls succeed and no
/// acknowledged write is lost.</summary>
public abstract class GrainStorageOutageTests(ITestOutputHelper output) : SiloStorageTestBase(output)
{
    /// <summary>Makes the database unreachable for the silo.</summary>
    protected abstract Task CutAsync();

    /// <summary>Ends the outage.</summary>
    protected abstract Task RestoreAsync();

    [Fact]
    public async Task WriteDuringOutage_FailsRetriably_KeepsTheLastGoodState_AndRecovers()
    {
        var key = NewKey();
        var silo = await StartSiloAsync();
        var counter = silo.GrainFactory.GetGrain<ICounterGrain>(key);
        await counter.Increment();
        await counter.Increment();

        await CutAsync();
        var error = await Assert.ThrowsAsync<StorageUnavailableException>(counter.Increment);
        Assert.IsAssignableFrom<ITransientException>(error);
        Assert.Equal(2, await counter.Get());
        await RestoreAsync();

        Assert.Equal(3, await counter.Increment());
        await StopSiloAsync(silo);
        var restarted = await StartSiloAsync();
        Assert.Equal(3, await restarted.GrainFactory.GetGrain<ICounterGrain>(key).Get());
    }

    public override async ValueTask DisposeAsync()
    {
        await RestoreAsync();
        await base.DisposeAsync();
    }
}
