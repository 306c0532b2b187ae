using AiOs.Persistence.Schedules;
using AiOs.Testing;

namespace AiOs.Persistence.TestKit;

/// <summary>The schedule store: rows round-trip (JSON equivalent, times to the microsecond), saves are compare-and-swap on
/// the version so that of concurrent writers with one version exactly one wins, listing filters by status and orders by
/// next run, and bad rows are refused before anything is stored. Tests use ids of their own (the table is shared by the
/// class) and filter listings by a status of their own.</summary>
public abstract class ScheduleStoreTests : StorageTestBase
{
    private static readonly DateTimeOffset NextRun = new DateTimeOffset(2026, 3, 2, 8, 0, 0, TimeSpan.Zero).AddTicks(4_560);

    private IScheduleStore Schedules => Storage.Schedules;

    [Fact]
    public async Task InsertedSchedule_ReadsBackEquivalent()
    {
        var schedule = NewSchedule("Active", NextRun);

        var saved = await Schedules.SaveScheduleAsync(schedule, null, Writer);

        Assert.NotNull(saved);
        var stored = await Schedules.FindScheduleAsync(schedule.ScheduleId);
        Assert.NotNull(stored);
        Assert.Equal((schedule.ScheduleId, schedule.Name, schedule.Status, NextRun, 1L, "silo-a"),
            (stored.ScheduleId, stored.Name, stored.Status, stored.NextRunAt, stored.Version, stored.UpdatedBy));
        JsonAssert.Equivalent(schedule.Spec, stored.Spec);
        JsonAssert.Equivalent(schedule.Progress, stored.Progress);
        Assert.Equal(saved.Version, stored.Version);
    }

    [Fact]
    public async Task Insert_WhenTheIdIsTaken_ReturnsNull_AndKeepsTheFirst()
    {
        var first = NewSchedule("Active", NextRun);
        await Schedules.SaveScheduleAsync(first, null, Writer);

        Assert.Null(await Schedules.SaveScheduleAsync(first with { Name = "second" }, null, Writer));

        Assert.Equal(first.Name, (await Schedules.FindScheduleAsync(first.ScheduleId))!.Name);
    }

    [Fact]
    public async Task Update_WithTheCurrentVersion_Succeeds_AndMovesTheVersion_AndClearsNextRun()
    {
        var saved = (await Schedules.SaveScheduleAsync(NewSchedule("Active", NextRun), null, Writer))!;

        var updated = await Schedules.SaveScheduleAsync(saved with { Status = "Paused", NextRunAt = null, Progress = """{"runs":3}""" }, saved.Version, new StorageWriter("silo-b"));

        Assert.NotNull(updated);
        Assert.NotEqual(saved.Version, updated.Version);
        var stored = (await Schedules.FindScheduleAsync(saved.ScheduleId))!;
        Assert.Equal(("Paused", (DateTimeOffset?)null, "silo-b", updated.Version), (stored.Status, stored.NextRunAt, stored.UpdatedBy, stored.Version));
        JsonAssert.Equivalent("""{"runs":3}""", stored.Progress);
    }

    [Fact]
    public async Task ConcurrentUpdates_WithOneVersion_ExactlyOneWins()
    {
        var saved = (await Schedules.SaveScheduleAsync(NewSchedule("Active", NextRun), null, Writer))!;

        var outcomes = await Concurrently.RunAsync(8, i =>
            Schedules.SaveScheduleAsync(saved with { Progress = $$"""{"writer":{{i}}}""" }, saved.Version, Writer));

        Assert.All(outcomes, o => Assert.True(o.Succeeded));
        var winner = Assert.Single(outcomes, o => o.Result is not null).Result;
        JsonAssert.Equivalent(winner!.Progress, (await Schedules.FindScheduleAsync(saved.ScheduleId))!.Progress);
    }

    [Fact]
    public async Task Update_WithAStaleVersion_ReturnsNull_AndChangesNothing()
    {
        var saved = (await Schedules.SaveScheduleAsync(NewSchedule("Active", NextRun), null, Writer))!;
        await Schedules.SaveScheduleAsync(saved with { Name = "renamed" }, saved.Version, Writer);

        Assert.Null(await Schedules.SaveScheduleAsync(saved with { Name = "stale" }, saved.Version, Writer));

        Assert.Equal("renamed", (await Schedules.FindScheduleAsync(saved.ScheduleId))!.Name);
    }

    [Fact]
    public async Task List_FiltersByStatus_AndOrdersBySoonestNextRun_WithNeverLast()
    {
        var status = "test-" + Guid.NewGuid().ToString("N")[..8];
        var later = await Schedules.SaveScheduleAsync(NewSchedule(status, NextRun.AddDays(2)), null, Writer);
        var never = await Schedules.SaveScheduleAsync(NewSchedule(status, null), null, Writer);
        var sooner = await Schedules.SaveScheduleAsync(NewSchedule(status, NextRun), null, Writer);
        await Schedules.SaveScheduleAsync(NewSchedule("other-" + status, NextRun.AddDays(-1)), null, Writer);

        var listed = await Schedules.ListSchedulesAsync([status]);

        Assert.Equal([sooner!.ScheduleId, later!.ScheduleId, never!.ScheduleId], listed.Select(s => s.ScheduleId));
        Assert.Contains(await Schedules.ListSchedulesAsync([]), s => s.Status == "other-" + status);
    }

    [Fact]
    public async Task Delete_WithTheCurrentVersion_RemovesTheRow_AStaleOneDoesNot()
    {
        var saved = (await Schedules.SaveScheduleAsync(NewSchedule("Active", NextRun), null, Writer))!;

        Assert.False(await Schedules.DeleteScheduleAsync(saved.ScheduleId, saved.Version + 1));
        Assert.NotNull(await Schedules.FindScheduleAsync(saved.ScheduleId));
        Assert.True(await Schedules.DeleteScheduleAsync(saved.ScheduleId, saved.Version));

        Assert.Null(await Schedules.FindScheduleAsync(saved.ScheduleId));
        Assert.False(await Schedules.DeleteScheduleAsync(saved.ScheduleId, saved.Version));
    }

    [Theory]
    [InlineData("", "weekly", "{}", "schedule id")]
    [InlineData("id", "", "{}", "name")]
    [InlineData("id", "weekly", "[1]", "spec must be a JSON object")]
    [InlineData("id", "weekly", "{not json", "spec is not JSON")]
    public async Task Save_BadRow_IsRefusedNamingWhatIsWrong_AndStoresNothing(string id, string name, string spec, string expected)
    {
        var scheduleId = id.Length == 0 ? "" : "bad-" + Guid.NewGuid().ToString("N");
        var schedule = NewSchedule("Active", NextRun) with { ScheduleId = scheduleId, Name = name, Spec = spec };

        var error = await Assert.ThrowsAsync<ArgumentException>(() => Schedules.SaveScheduleAsync(schedule, null, Writer));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        if (scheduleId.Length > 0)
        {
            Assert.Null(await Schedules.FindScheduleAsync(scheduleId));
        }
    }

    private static StoredSchedule NewSchedule(string status, DateTimeOffset? nextRunAt) => new(
        "sch-" + Guid.NewGuid().ToString("N"),
        "weekly report",
        status,
        """{"cron":"0 0 9 ? * MON","timeZone":"Europe/Berlin","goal":{"text":"write the weekly report"}}""",
        """{"runs":0}""",
        nextRunAt,
        0,
        default,
        default,
        "");
}
