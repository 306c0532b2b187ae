using AiOs.Testing;
using AiOs.Runtime.Placement;

namespace AiOs.Persistence.TestKit.Silo;

/// <summary>Grain state through real silos: what a grain author relies on, on every storage provider.</summary>
public abstract class GrainPersistenceTests(ITestOutputHelper output) : SiloStorageTestBase(output)
{
    [Fact]
    public async Task State_SurvivesDeactivationAndSiloRestart()
    {
        var key = NewKey();
        var silo = await StartSiloAsync();
        var counter = silo.GrainFactory.GetGrain<ICounterGrain>(key);
        Assert.False(await counter.Exists());
        await counter.Increment();
        await counter.Increment();
        await StopSiloAsync(silo);

        var restarted = await StartSiloAsync();
        var again = restarted.GrainFactory.GetGrain<ICounterGrain>(key);

        Assert.Equal(2, await again.Get());
        Assert.True(await again.Exists());
        Assert.Equal(3, await again.Increment());
    }

    [Fact]
    public async Task WriteWithStaleETag_FailsWithInconsistentState_AndTheActivationIsReplacedByOneThatReadsTheNewRow()
    {
        var key = NewKey();
        var silo = await StartSiloAsync();
        var counter = silo.GrainFactory.GetGrain<ICounterGrain>(key);
        await counter.Increment();
        var etag = await counter.ETag();

        // Another writer wins the race with the ETag the activation holds.
        var grainKey = StateKey(silo, key);
        await StoreOf(silo).WriteAsync(grainKey, """{"count":41}""", etag, new StorageWriter("other-writer"));

        var error = await Assert.ThrowsAsync<InconsistentStateException>(counter.Increment);
        Assert.Equal(etag, error.ExpectedETag);
        Assert.Contains("kit-counter/" + key, error.Message, StringComparison.Ordinal);

        // The losing activation is deactivated; the next call reads the winner's row and goes on from it.
        Assert.Equal(42, await counter.Increment());
    }

    [Fact]
    public async Task UndeserializableState_FailsActivationNamingGrainStateAndProvider_AndLeavesTheRowAsItWas()
    {
        var key = NewKey();
        var silo = await StartSiloAsync();
        var store = StoreOf(silo);
        var grainKey = StateKey(silo, key);
        const string Corrupt = """{"count":"not a number"}""";
        var etag = await store.WriteAsync(grainKey, Corrupt, null, new StorageWriter("hand-edit"));

        var error = await Assert.ThrowsAsync<GrainActivationException>(() => silo.GrainFactory.GetGrain<ICounterGrain>(key).Get());

        Assert.Contains("kit-counter/" + key, error.Message, StringComparison.Ordinal);
        Assert.Contains("'counter'", error.Message, StringComparison.Ordinal);
        Assert.Contains(store.ProviderName, error.Message, StringComparison.Ordinal);
        Assert.IsType<StateDeserializationException>(error.InnerException);
        var row = await store.ReadAsync(grainKey);
        Assert.Equal(etag, row!.ETag);
        JsonAssert.Equivalent(Corrupt, row.Json);
    }

    [Fact]
    public async Task RowsWrittenBeforeAStateTypeGainedFields_ReadWithTheNewFieldsAtTheirDefaults()
    {
        var key = NewKey();
        var silo = await StartSiloAsync();
        await StoreOf(silo).WriteAsync(StateKey(silo, key), """{"count":5,"retiredField":"ignored"}""", null, new StorageWriter("old-version"));

        var counter = silo.GrainFactory.GetGrain<ICounterGrain>(key);

        Assert.Equal(5, await counter.Get());
        Assert.Equal("default note", await counter.Note());
        Assert.Equal(6, await counter.Increment());
    }

    [Fact]
    public async Task ClearState_ResetsTheStateAndRecordExists_AndSurvivesRestart()
    {
        var key = NewKey();
        var silo = await StartSiloAsync();
        var counter = silo.GrainFactory.GetGrain<ICounterGrain>(key);
        await counter.Increment();

        await counter.Clear();

        Assert.Equal(0, await counter.Get());
        Assert.False(await counter.Exists());
        await StopSiloAsync(silo);
        var restarted = await StartSiloAsync();
        Assert.False(await restarted.GrainFactory.GetGrain<ICounterGrain>(key).Exists());
        Assert.Equal(1, await restarted.GrainFactory.GetGrain<ICounterGrain>(key).Increment());
    }

    [Fact]
    public async Task NamedStatesAndAStoredGrainReference_SurviveRestart_AndTheReferenceIsLive()
    {
        var key = NewKey();
        var friendKey = NewKey();
        var silo = await StartSiloAsync();
        var profile = silo.GrainFactory.GetGrain<IProfileGrain>(key);
        await profile.Set("Ada", silo.GrainFactory.GetGrain<ICounterGrain>(friendKey));
        Assert.Equal(1, await profile.VisitFriend());
        await StopSiloAsync(silo);

        var restarted = await StartSiloAsync();
        var again = restarted.GrainFactory.GetGrain<IProfileGrain>(key);

        Assert.Equal("Ada", await again.Name());
        Assert.Equal(1, await again.Visits());
        Assert.Equal(2, await again.VisitFriend());
        Assert.Equal(2, await restarted.GrainFactory.GetGrain<ICounterGrain>(friendKey).Get());
    }

    [Fact]
    public async Task RowsRecordTheWritingSiloAndTheGrainsPartition()
    {
        var key = NewKey();
        var silo = await StartSiloAsync();
        await silo.GrainFactory.GetGrain<ICounterGrain>(key).Increment();

        var row = await StoreOf(silo).ReadAsync(StateKey(silo, key));

        Assert.Equal("test-silo", row!.WrittenBy);
    }

    /// <summary>The storage key the runtime uses for the counter grain's state.</summary>
    protected static GrainStateKey StateKey(TestSilo silo, string key)
    {
        var grainId = new GrainId("kit-counter", key);
        return new GrainStateKey(grainId, "counter", PartitionHasher.GetPartition(grainId, silo.Runtime.Ownership.PartitionCount));
    }
}
