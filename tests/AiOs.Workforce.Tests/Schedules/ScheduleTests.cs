using AiOs.Persistence;
using AiOs.Persistence.Schedules;
using AiOs.Runtime.Configuration;
using AiOs.Testing;
using AiOs.Workforce.Coordinator;
using AiOs.Workforce.Schedules;
using AiOs.Workforce.Tests.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace AiOs.Workforce.Tests.Schedules;

/// <summary>Schedules on real silos and storage, driven by durable reminders on a test clock: each occurrence submits one
/// goal with a deterministic id (also across a silo restart), overlapping runs are skipped and recorded, one-off goals run
/// once, pause/resume/delete do what they say, and invalid definitions store nothing. The goals use a playbook that does
/// not exist, so that they stop at once (waiting for the operator) without calling a model.</summary>
public abstract class ScheduleTests(ITestStorage storage, ITestOutputHelper output) : WorkforceTestBase(storage, output)
{
    // Monday 5 January 2026, 09:00 UTC.
    private static readonly DateTimeOffset Start = new(2026, 1, 5, 9, 0, 0, TimeSpan.Zero);
    private static readonly GoalTemplate Goal = new("write the weekly report", Playbook: "no-such-playbook");

    [Fact]
    public async Task WeeklySchedule_FiresOncePerOccurrence_AcrossASiloRestart()
    {
        var database = Storage.NewDatabase();
        var clock = new ManualTimeProvider(Start);
        var silo = await StartAsync(database, clock);
        var id = NewId("weekly");
        var created = await Create(silo, id, new ScheduleSpec("weekly report", "0 0 9 ? * MON", null, "Europe/Berlin", Goal, OverlapPolicy.Allow));
        var first = new DateTimeOffset(2026, 1, 12, 8, 0, 0, TimeSpan.Zero); // Monday 9:00 in Berlin (CET)
        Assert.Equal(first, created.NextRunAt);

        await RunNextAsync(silo, clock, id, expectedRuns: 1);
        await StopSiloAsync(silo);
        silo = await StartAsync(database, clock);
        await RunNextAsync(silo, clock, id, expectedRuns: 2);

        var view = (await silo.GrainFactory.GetGrain<IScheduleGrain>(id).Get())!;
        var second = first.AddDays(7);
        Assert.Equal((2, second, ScheduledGoals.GoalId(id, second), second.AddDays(7)), (view.Progress.Runs, view.Progress.LastRunAt, view.Progress.LastGoalId, view.NextRunAt));
        Assert.Equal(0, view.Progress.SkippedTotal);
        foreach (var occurrence in new[] { first, second })
        {
            var goal = await silo.GrainFactory.GetGrain<ICoordinatorGrain>(ScheduledGoals.GoalId(id, occurrence)).Status();
            Assert.Single(goal.History, h => h.Contains("submitted: write the weekly report", StringComparison.Ordinal));
        }

        // The runs are goals like any other: recorded by their goal grains and listed in the goal index, by the schedule.
        var listed = new List<AiOs.Workforce.Goals.GoalListing>();
        await foreach (var listing in AiOs.Workforce.Goals.GoalIndex.ReadAsync(silo.GrainFactory, null, null, null, null, 50, TestContext.Current.CancellationToken))
        {
            listed.Add(listing);
        }

        Assert.Equal(
            new[] { second, first }.Select(o => ScheduledGoals.GoalId(id, o)),
            listed.Select(l => l.GoalId));
        Assert.All(listed, l => Assert.Equal(("schedule", "schedule:" + id), (l.Submission.Source, l.Submission.Actor)));
    }

    [Fact]
    public async Task OverlapSkip_WhileThePreviousGoalIsStillGoing_RecordsTheSkip_AndRunsAgainOnceItEnded()
    {
        var clock = new ManualTimeProvider(Start);
        var silo = await StartAsync(Storage.NewDatabase(), clock);
        var id = NewId("daily");
        await Create(silo, id, new ScheduleSpec("daily digest", "0 0 8 * * ?", null, null, Goal));
        await RunNextAsync(silo, clock, id, expectedRuns: 1);
        var firstGoal = ScheduledGoals.GoalId(id, new DateTimeOffset(2026, 1, 6, 8, 0, 0, TimeSpan.Zero));

        var skippedAt = await RunNextAsync(silo, clock, id, expectedRuns: 1, expectedSkips: 1);
        var previous = silo.GrainFactory.GetGrain<ICoordinatorGrain>(firstGoal);
        await previous.Cancel();
        await Eventually.WaitUntilAsync(async () => (await previous.Status()).Phase == GoalPhase.Cancelled, $"goal {firstGoal} is cancelled");
        await RunNextAsync(silo, clock, id, expectedRuns: 2, expectedSkips: 1);

        var view = (await silo.GrainFactory.GetGrain<IScheduleGrain>(id).Get())!;
        var skip = Assert.Single(view.Progress.Skipped);
        Assert.Equal(skippedAt, skip.Occurrence);
        Assert.Contains($"the previous run's goal {firstGoal} is still", skip.Reason, StringComparison.Ordinal);
        Assert.Equal(ScheduledGoals.GoalId(id, skippedAt.AddDays(1)), view.Progress.LastGoalId);
        Assert.Empty((await silo.GrainFactory.GetGrain<ICoordinatorGrain>(ScheduledGoals.GoalId(id, skippedAt)).Status()).History);
    }

    [Fact]
    public async Task OneOffFollowUpInThreeDays_RunsOnce_ThenIsCompleted()
    {
        var clock = new ManualTimeProvider(Start);
        var silo = await StartAsync(Storage.NewDatabase(), clock);
        var id = NewId("follow-up");
        var at = Start.AddDays(3);
        await Create(silo, id, new ScheduleSpec("follow up with Acme", null, at, null, Goal));

        await RunNextAsync(silo, clock, id, expectedRuns: 1);

        var view = (await silo.GrainFactory.GetGrain<IScheduleGrain>(id).Get())!;
        Assert.Equal((ScheduleStatus.Completed, (DateTimeOffset?)null, ScheduledGoals.GoalId(id, at)), (view.Status, view.NextRunAt, view.Progress.LastGoalId));
        Assert.Null(await Reminder(silo, id));
        clock.Advance(TimeSpan.FromDays(30));
        Assert.Equal(1, (await silo.GrainFactory.GetGrain<IScheduleGrain>(id).Get())!.Progress.Runs);
    }

    [Fact]
    public async Task Pause_StopsRuns_Resume_RunsFromNow_Delete_RemovesItEverywhere()
    {
        var clock = new ManualTimeProvider(Start);
        var silo = await StartAsync(Storage.NewDatabase(), clock);
        var id = NewId("paused");
        var schedule = silo.GrainFactory.GetGrain<IScheduleGrain>(id);
        await Create(silo, id, new ScheduleSpec("daily digest", "0 0 8 * * ?", null, null, Goal));

        var paused = (await schedule.Pause())!;
        Assert.Equal((ScheduleStatus.Paused, (DateTimeOffset?)null), (paused.Status, paused.NextRunAt));
        Assert.Null(await Reminder(silo, id));
        clock.Advance(TimeSpan.FromDays(2) + TimeSpan.FromHours(1)); // Wednesday 10:00: two 8:00 runs passed while paused
        var resumed = (await schedule.Resume())!;
        Assert.Equal((ScheduleStatus.Active, new DateTimeOffset(2026, 1, 8, 8, 0, 0, TimeSpan.Zero)), (resumed.Status, resumed.NextRunAt));
        Assert.Equal(0, resumed.Progress.Runs);

        var listed = await silo.Services.GetRequiredService<IScheduleStore>().ListSchedulesAsync([nameof(ScheduleStatus.Active)]);
        Assert.Contains(listed, s => s.ScheduleId == id && s.NextRunAt == resumed.NextRunAt);
        Assert.True(await schedule.Delete());

        Assert.Null(await schedule.Get());
        Assert.Null(await silo.Services.GetRequiredService<IScheduleStore>().FindScheduleAsync(id));
        Assert.Null(await Reminder(silo, id));
        Assert.False(await schedule.Delete());
    }

    [Fact]
    public async Task Create_Again_SameDefinitionReturnsIt_AnotherIsRefused_AnInvalidOneStoresNothing()
    {
        var silo = await StartAsync(Storage.NewDatabase(), new ManualTimeProvider(Start));
        var id = NewId("twice");
        var spec = new ScheduleSpec("weekly report", "0 0 9 ? * MON", null, "Europe/Berlin", Goal);
        var schedule = silo.GrainFactory.GetGrain<IScheduleGrain>(id);
        var first = await Create(silo, id, spec);

        var again = (await schedule.Create(spec)).Schedule!;
        Assert.Equal((first.ScheduleId, first.Spec, first.NextRunAt), (again.ScheduleId, again.Spec, again.NextRunAt));
        Assert.Contains("exists with another definition", (await schedule.Create(spec with { Cron = "0 0 10 ? * MON" })).Refusal, StringComparison.Ordinal);

        var invalidId = NewId("invalid");
        var refused = await silo.GrainFactory.GetGrain<IScheduleGrain>(invalidId).Create(spec with { Cron = "0 0 25 ? * MON" });
        Assert.Contains("the hours field '25'", refused.Refusal, StringComparison.Ordinal);
        Assert.Null(refused.Schedule);
        Assert.Null(await silo.Services.GetRequiredService<IScheduleStore>().FindScheduleAsync(invalidId));
        var badZone = await silo.GrainFactory.GetGrain<IScheduleGrain>(invalidId).Create(spec with { TimeZone = "Europe/Atlantis" });
        Assert.Contains("time zone 'Europe/Atlantis' is not known", badZone.Refusal, StringComparison.Ordinal);
        Assert.Null(await silo.Services.GetRequiredService<IScheduleStore>().FindScheduleAsync(invalidId));
    }

    private Task<TestSilo> StartAsync(string database, ManualTimeProvider clock) => StartSiloAsync(
        database,
        services => services.AddAiOsWorkforce(),
        clock,
        // A test clock fires every periodic timer it passes: make the silo's housekeeping timers sparse, as a week passes.
        s => s.Configure<GrainCallOptions>(o => o.TimeoutCheckInterval = TimeSpan.FromHours(1))
            .Configure<GrainCollectionOptions>(o => o.CollectionQuantum = TimeSpan.FromDays(1))
            .Configure<ReminderOptions>(o => o.RefreshInterval = TimeSpan.FromDays(1)));

    private static async Task<ScheduleView> Create(TestSilo silo, string id, ScheduleSpec spec)
    {
        var created = await silo.GrainFactory.GetGrain<IScheduleGrain>(id).Create(spec);
        Assert.Null(created.Refusal);
        return created.Schedule!;
    }

    // Moves the clock exactly to the schedule's next run (so that no call in flight outlives its deadline on the test
    // clock), then waits until the run is recorded and the reminder is armed for the run after it. Returns the run time.
    private static async Task<DateTimeOffset> RunNextAsync(TestSilo silo, ManualTimeProvider clock, string id, int expectedRuns, int expectedSkips = 0)
    {
        var schedule = silo.GrainFactory.GetGrain<IScheduleGrain>(id);
        var due = (await schedule.Get())!.NextRunAt!.Value;
        await Eventually.WaitUntilAsync(async () => (await Reminder(silo, id))?.NextDue == due, $"the reminder of {id} is armed for {due:O}");
        clock.Advance(due - clock.GetUtcNow());

        ScheduleView? view = null;
        await Eventually.WaitUntilAsync(async () =>
        {
            view = await schedule.Get();
            return view!.Progress.Runs + view.Progress.SkippedTotal == expectedRuns + expectedSkips && (view.NextRunAt is null
                ? await Reminder(silo, id) is null
                : (await Reminder(silo, id))?.NextDue == view.NextRunAt);
        }, $"schedule {id} has run {expectedRuns} time(s) and skipped {expectedSkips}");
        Assert.Equal((expectedRuns, expectedSkips), (view!.Progress.Runs, view.Progress.SkippedTotal));
        return due;
    }

    private static Task<ReminderEntry?> Reminder(TestSilo silo, string id) =>
        silo.Services.GetRequiredService<IReminderTable>().ReadAsync(new GrainId("schedule", id), "tick");
}

[Trait("Category", "Integration")]
public sealed class SqliteScheduleTests(SqliteTestStorage storage, ITestOutputHelper output) : ScheduleTests(storage, output), IClassFixture<SqliteTestStorage>;

[Trait("Category", "Integration")]
public sealed class PostgreSqlScheduleTests(PostgreSqlTestStorage storage, ITestOutputHelper output) : ScheduleTests(storage, output), IClassFixture<PostgreSqlTestStorage>;
