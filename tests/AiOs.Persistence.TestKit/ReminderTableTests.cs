using AiOs.Testing;

namespace AiOs.Persistence.TestKit;

/// <summary>The <see cref="IReminderTable"/> contract: upsert replaces, reads by grain and by partition, remove, and
/// compare-and-swap advance.</summary>
public abstract class ReminderTableTests : StorageTestBase
{
    // Whole microseconds: both providers keep PostgreSQL's precision.
    private static readonly DateTimeOffset Start = new DateTimeOffset(2026, 1, 5, 9, 0, 0, TimeSpan.Zero).AddTicks(1_234_560);
    private static readonly TimeSpan Period = TimeSpan.FromMinutes(15);

    /// <summary>The provenance columns of a reminder row (not part of <see cref="ReminderEntry"/>), read with the
    /// provider's own SQL; null when there is no such row.</summary>
    protected abstract Task<(string WrittenBy, DateTimeOffset WrittenAt)?> ReadReminderProvenanceAsync(GrainId grainId, string name);

    [Fact]
    public async Task Read_MissingReminder_ReturnsNull()
    {
        Assert.Null(await Reminders.ReadAsync(NewGrain(), "missing"));
    }

    [Fact]
    public async Task Upsert_ThenRead_ReturnsTheStoredReminder()
    {
        var grain = NewGrain();

        var upserted = await Reminders.UpsertAsync(grain, "weekly-report", 42, Start, Period, Start + Period, Writer);
        var read = await Reminders.ReadAsync(grain, "weekly-report");

        Assert.Equal(new ReminderEntry(grain, "weekly-report", 42, Start, Period, Start + Period, upserted.ETag), upserted);
        Assert.Equal(upserted, read);
        Assert.False(string.IsNullOrEmpty(upserted.ETag));
    }

    [Fact]
    public async Task Upsert_NonUtcTimes_AreStoredAsTheSameInstants()
    {
        var grain = NewGrain();
        var local = Start.ToOffset(TimeSpan.FromHours(5.5));

        await Reminders.UpsertAsync(grain, "r", 1, local, Period, local + Period, Writer);
        var read = await Reminders.ReadAsync(grain, "r");

        Assert.Equal(Start.UtcTicks, read!.StartAt.UtcTicks);
        Assert.Equal((Start + Period).UtcTicks, read.NextDue.UtcTicks);
    }

    [Fact]
    public async Task Upsert_ExistingReminder_ReplacesItAndChangesTheETag()
    {
        var grain = NewGrain();
        var first = await Reminders.UpsertAsync(grain, "r", 1, Start, Period, Start + Period, Writer);

        var second = await Reminders.UpsertAsync(grain, "r", 2, Start.AddHours(1), TimeSpan.FromHours(1), Start.AddHours(2), Writer);

        Assert.NotEqual(first.ETag, second.ETag);
        Assert.Equal(new ReminderEntry(grain, "r", 2, Start.AddHours(1), TimeSpan.FromHours(1), Start.AddHours(2), second.ETag), await Reminders.ReadAsync(grain, "r"));
        Assert.Single(await Reminders.ReadGrainAsync(grain));
    }

    [Fact]
    public async Task ReadGrain_ReturnsOnlyThatGrainsReminders_OrderedByName()
    {
        var unique = Guid.NewGuid().ToString("N")[..8];
        var grain = new GrainId("test", unique + "a");
        GrainId[] lookAlikes = [new("test", unique + "ab"), new("test", unique + "a%"), new("test", unique + "_"), new("test", unique + "A"), new("test2", unique + "a")];
        foreach (var name in new[] { "charlie", "alpha", "bravo" })
        {
            await Reminders.UpsertAsync(grain, name, 3, Start, Period, Start, Writer);
        }

        foreach (var other in lookAlikes)
        {
            await Reminders.UpsertAsync(other, "alpha", 3, Start, Period, Start, Writer);
        }

        var reminders = await Reminders.ReadGrainAsync(grain);

        Assert.Equal(["alpha", "bravo", "charlie"], reminders.Select(r => r.Name));
        Assert.All(reminders, r => Assert.Equal(grain, r.GrainId));
        Assert.Empty(await Reminders.ReadGrainAsync(NewGrain()));
    }

    [Fact]
    public async Task ReadPartitions_ReturnsRemindersInTheGivenPartitionsOnly()
    {
        // Partitions are shared with the other tests of this class, so the test checks its own reminders and that
        // nothing outside the requested partitions comes back.
        var grains = Enumerable.Range(0, 6).Select(_ => NewGrain()).ToArray();
        for (var i = 0; i < grains.Length; i++)
        {
            await Reminders.UpsertAsync(grains[i], "r", 100 + i, Start, Period, Start.AddMinutes(i), Writer);
        }

        var found = await Reminders.ReadPartitionsAsync([100, 102, 105]);

        Assert.All(found, r => Assert.Contains(r.Partition, new[] { 100, 102, 105 }));
        var mine = found.Where(r => grains.Contains(r.GrainId)).Select(r => r.GrainId).ToHashSet();
        Assert.Equal(new HashSet<GrainId> { grains[0], grains[2], grains[5] }, mine);
    }

    [Fact]
    public async Task ReadPartitions_EmptySet_ReturnsNothing()
    {
        await Reminders.UpsertAsync(NewGrain(), "r", 0, Start, Period, Start, Writer);

        Assert.Empty(await Reminders.ReadPartitionsAsync([]));
    }

    [Fact]
    public async Task Upsert_MovingPartition_MovesTheReminder()
    {
        var grain = NewGrain();
        await Reminders.UpsertAsync(grain, "r", 201, Start, Period, Start, Writer);

        await Reminders.UpsertAsync(grain, "r", 202, Start, Period, Start, Writer);

        Assert.DoesNotContain(await Reminders.ReadPartitionsAsync([201]), r => r.GrainId == grain);
        Assert.Contains(await Reminders.ReadPartitionsAsync([202]), r => r.GrainId == grain);
    }

    [Fact]
    public async Task Remove_ExistingReminder_ReturnsTrueAndDeletesOnlyIt()
    {
        var grain = NewGrain();
        await Reminders.UpsertAsync(grain, "keep", 1, Start, Period, Start, Writer);
        await Reminders.UpsertAsync(grain, "drop", 1, Start, Period, Start, Writer);

        Assert.True(await Reminders.RemoveAsync(grain, "drop", Writer));

        Assert.Null(await Reminders.ReadAsync(grain, "drop"));
        Assert.Equal(["keep"], (await Reminders.ReadGrainAsync(grain)).Select(r => r.Name));
    }

    [Fact]
    public async Task Remove_MissingReminder_ReturnsFalse()
    {
        var grain = NewGrain();
        await Reminders.UpsertAsync(grain, "r", 1, Start, Period, Start, Writer);

        Assert.False(await Reminders.RemoveAsync(grain, "other", Writer));
        Assert.True(await Reminders.RemoveAsync(grain, "r", Writer));
        Assert.False(await Reminders.RemoveAsync(grain, "r", Writer));
    }

    [Fact]
    public async Task Advance_CurrentETag_MovesNextDueAndChangesTheETag()
    {
        var grain = NewGrain();
        var entry = await Reminders.UpsertAsync(grain, "r", 4, Start, Period, Start + Period, Writer);

        var advanced = await Reminders.AdvanceAsync(entry, Start + (2 * Period), Writer);

        Assert.NotNull(advanced);
        Assert.Equal(entry with { NextDue = Start + (2 * Period), ETag = advanced.ETag }, advanced);
        Assert.NotEqual(entry.ETag, advanced.ETag);
        Assert.Equal(advanced, await Reminders.ReadAsync(grain, "r"));
    }

    [Fact]
    public async Task Advance_StaleETag_ReturnsNullAndChangesNothing()
    {
        var grain = NewGrain();
        var entry = await Reminders.UpsertAsync(grain, "r", 4, Start, Period, Start + Period, Writer);
        var current = await Reminders.AdvanceAsync(entry, Start + (2 * Period), Writer);

        Assert.Null(await Reminders.AdvanceAsync(entry, Start + (3 * Period), Writer));

        Assert.Equal(current, await Reminders.ReadAsync(grain, "r"));
    }

    [Fact]
    public async Task Advance_ReminderReplacedSinceRead_ReturnsNull()
    {
        var grain = NewGrain();
        var entry = await Reminders.UpsertAsync(grain, "r", 4, Start, Period, Start + Period, Writer);
        var replaced = await Reminders.UpsertAsync(grain, "r", 4, Start, TimeSpan.FromHours(1), Start.AddHours(1), Writer);

        Assert.Null(await Reminders.AdvanceAsync(entry, Start + (2 * Period), Writer));

        Assert.Equal(replaced, await Reminders.ReadAsync(grain, "r"));
    }

    [Fact]
    public async Task Advance_RemovedReminder_ReturnsNullAndDoesNotRecreateIt()
    {
        var grain = NewGrain();
        var entry = await Reminders.UpsertAsync(grain, "r", 4, Start, Period, Start + Period, Writer);
        await Reminders.RemoveAsync(grain, "r", Writer);

        Assert.Null(await Reminders.AdvanceAsync(entry, Start + (2 * Period), Writer));

        Assert.Null(await Reminders.ReadAsync(grain, "r"));
    }

    [Fact]
    public async Task Advance_AfterRemoveAndReRegister_ReturnsNull()
    {
        // ABA: a reminder removed and registered again must not accept an advance meant for its previous incarnation.
        var grain = NewGrain();
        var old = await Reminders.UpsertAsync(grain, "r", 4, Start, Period, Start + Period, Writer);
        await Reminders.RemoveAsync(grain, "r", Writer);
        var reborn = await Reminders.UpsertAsync(grain, "r", 4, Start.AddDays(1), TimeSpan.FromDays(1), Start.AddDays(2), Writer);

        Assert.NotEqual(old.ETag, reborn.ETag);
        Assert.Null(await Reminders.AdvanceAsync(old, Start + (2 * Period), Writer));
        Assert.Equal(reborn, await Reminders.ReadAsync(grain, "r"));
    }

    [Fact]
    public async Task Advance_ConcurrentAdvancesOfTheSameEntry_ExactlyOneWins()
    {
        var grain = NewGrain();
        var entry = await Reminders.UpsertAsync(grain, "r", 4, Start, Period, Start + Period, Writer);

        var outcomes = await Concurrently.RunAsync(16, i => Reminders.AdvanceAsync(entry, Start + ((i + 2) * Period), new StorageWriter($"silo-{i}")));

        Assert.All(outcomes, o => Assert.Null(o.Error));
        var winner = Assert.Single(outcomes, o => o.Result is not null);
        Assert.Equal(winner.Result, await Reminders.ReadAsync(grain, "r"));
    }

    [Fact]
    public async Task Writes_RecordProvenance()
    {
        var time = new DateTimeOffset(2026, 2, 1, 12, 0, 0, TimeSpan.Zero).AddTicks(7_654_320);
        var clock = new ManualTimeProvider(time);
        var storage = await ReplaceStorageAsync(clock);
        var grain = NewGrain();

        var entry = await storage.Reminders.UpsertAsync(grain, "r", 1, Start, Period, Start, new StorageWriter("silo-one"));
        var afterUpsert = await ReadReminderProvenanceAsync(grain, "r");
        clock.Advance(TimeSpan.FromSeconds(90));
        await storage.Reminders.AdvanceAsync(entry, Start + Period, new StorageWriter("silo-two"));
        var afterAdvance = await ReadReminderProvenanceAsync(grain, "r");

        Assert.Equal(("silo-one", time), afterUpsert);
        Assert.Equal(("silo-two", time.AddSeconds(90)), afterAdvance);
    }

    [Fact]
    public async Task Upsert_NegativePeriod_IsRefused()
    {
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() =>
            Reminders.UpsertAsync(NewGrain(), "r", 1, Start, TimeSpan.FromSeconds(-1), Start, Writer));
    }
}
