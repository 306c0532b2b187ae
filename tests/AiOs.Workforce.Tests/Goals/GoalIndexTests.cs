using AiOs.Persistence;
using AiOs.Runtime.Configuration;
using AiOs.Testing;
using AiOs.Workforce.Coordinator;
using AiOs.Workforce.Goals;
using AiOs.Workforce.Tests.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace AiOs.Workforce.Tests.Goals;

/// <summary>The goal index keeps where each goal stands: the coordinator's updates land on the listing, a late, repeated
/// or out-of-order update never takes it back, the index filters by phase, and the summary survives a silo restart.</summary>
public abstract class GoalIndexTests(ITestStorage storage, ITestOutputHelper output) : WorkforceTestBase(storage, output)
{
    private static readonly DateTimeOffset Submitted = new(2026, 3, 2, 10, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task Update_OlderOrRepeated_DoesNotGoBack_AndAnEndedGoalStaysEnded()
    {
        var database = Storage.NewDatabase();
        var silo = await StartSiloAsync(database, s => s.AddAiOsWorkforce());
        var index = silo.GrainFactory.GetGrain<IGoalIndexGrain>(GoalIndex.DayOf(Submitted));
        await index.Add(new GoalListing("g-order", new GoalSubmission("order test", SubmittedAt: Submitted)));

        Assert.True(await index.Update("g-order", Summary(2, GoalPhase.Running, done: 0)));
        Assert.True(await index.Update("g-order", Summary(9, GoalPhase.Done, done: 3)));
        Assert.False(await index.Update("g-order", Summary(5, GoalPhase.Running, done: 1)));
        Assert.False(await index.Update("g-order", Summary(9, GoalPhase.Done, done: 3)));

        // Never from an ended phase to a running one, whatever its step says.
        Assert.False(await index.Update("g-order", Summary(12, GoalPhase.Running, done: 3)));
        Assert.False(await index.Update("g-unknown", Summary(1, GoalPhase.Running, done: 0)));

        var listed = Assert.Single(await index.Page(null, null, null, null, 10));
        Assert.Equal((GoalPhase.Done, 3, 9), (listed.Summary!.Phase, listed.Summary.TasksDone, listed.Summary.Step));

        // Read back from storage by a new silo: the summary was written, not only kept in memory.
        await StopSiloAsync(silo);
        silo = await StartSiloAsync(database, s => s.AddAiOsWorkforce());
        listed = Assert.Single(await silo.GrainFactory.GetGrain<IGoalIndexGrain>(GoalIndex.DayOf(Submitted)).Page(null, null, null, null, 10));
        Assert.Equal(GoalPhase.Done, listed.Summary!.Phase);
    }

    [Fact]
    public async Task Page_ByPhase_ReturnsThoseInThePhase_AndThoseWithoutASummary()
    {
        var silo = await StartSiloAsync(Storage.NewDatabase(), s => s.AddAiOsWorkforce());
        var index = silo.GrainFactory.GetGrain<IGoalIndexGrain>(GoalIndex.DayOf(Submitted));
        for (var i = 0; i < 4; i++)
        {
            await index.Add(new GoalListing($"g-{i}", new GoalSubmission($"goal {i}", SubmittedAt: Submitted.AddMinutes(i))));
        }

        await index.Update("g-0", Summary(4, GoalPhase.Done, done: 1));
        await index.Update("g-1", Summary(3, GoalPhase.Cancelled, done: 0));
        await index.Update("g-2", Summary(4, GoalPhase.Done, done: 1));

        var done = await index.Page(null, null, null, [GoalPhase.Done], 10);
        var cancelledOrFailed = await index.Page(null, null, null, [GoalPhase.Cancelled, GoalPhase.Failed], 10);

        // g-3 has no summary (listed, its coordinator not heard from): the reader must look it up itself.
        Assert.Equal(["g-3", "g-2", "g-0"], done.Select(l => l.GoalId));
        Assert.Equal(["g-3", "g-1"], cancelledOrFailed.Select(l => l.GoalId));
    }

    [Fact]
    public async Task Coordinator_OfAListedGoal_KeepsItsSummaryCurrent_UpToItsEnd()
    {
        var silo = await StartSiloAsync(Storage.NewDatabase(), s => s.AddAiOsWorkforce());

        // A playbook that does not exist: the goal stops at once, waiting for the operator, without calling a model.
        var goal = silo.GrainFactory.GetGrain<IGoalGrain>("g-listed");
        var submitted = await goal.Submit(new GoalSubmission("listed goal", Playbook: "no-such-playbook"));
        var index = silo.GrainFactory.GetGrain<IGoalIndexGrain>(GoalIndex.DayOf(submitted.SubmittedAt));
        await Eventually.WaitUntilAsync(async () => (await index.Page(null, null, null, null, 10)).Single().Summary?.Phase == GoalPhase.WaitingForApproval,
            "the index shows the goal waiting for the operator", TimeSpan.FromSeconds(30));

        await goal.Cancel("not needed", "test", "operator");

        var listed = (await index.Page(null, null, null, null, 10)).Single();
        var checkpoint = await silo.GrainFactory.GetGrain<ICoordinatorGrain>("g-listed").Checkpoint();
        Assert.Equal(GoalPhase.Cancelled, listed.Summary!.Phase);
        Assert.Equal(GoalSummary.Of(checkpoint), listed.Summary);
    }

    [Fact]
    public async Task AnEndTheIndexMissed_IsSentAgainByTheGoalsReminder_WhichThenStops()
    {
        var clock = new ManualTimeProvider(Submitted) { FiresDueTimersAtOnce = true };
        var index = new FailingIndexUpdates();
        var silo = await StartSiloAsync(Storage.NewDatabase(), s => s.AddAiOsWorkforce(), clock, s => s
            .AddIncomingGrainCallFilter(index)

            // A test clock fires every periodic timer it passes: keep the silo's housekeeping out of the minute it moves.
            .Configure<GrainCallOptions>(o => o.TimeoutCheckInterval = TimeSpan.FromHours(1))
            .Configure<GrainCollectionOptions>(o => o.CollectionQuantum = TimeSpan.FromDays(1))
            .Configure<ReminderOptions>(o => o.RefreshInterval = TimeSpan.FromDays(1)));
        var goal = silo.GrainFactory.GetGrain<IGoalGrain>("g-missed");
        var coordinator = silo.GrainFactory.GetGrain<ICoordinatorGrain>("g-missed");
        var listing = silo.GrainFactory.GetGrain<IGoalIndexGrain>(GoalIndex.DayOf(Submitted));
        var reminders = silo.Services.GetRequiredService<IReminderTable>();
        await goal.Submit(new GoalSubmission("missed", Playbook: "no-such-playbook"));
        await Eventually.WaitUntilAsync(async () => (await listing.Page(null, null, null, null, 10)).Single().Summary?.Phase == GoalPhase.WaitingForApproval,
            "the index shows the goal waiting for the operator", TimeSpan.FromSeconds(30));

        index.Failing = true;
        await goal.Cancel("not needed", "test", "operator");
        await Eventually.WaitUntilAsync(async () => (await coordinator.Status()).Phase == GoalPhase.Cancelled, "the goal is cancelled", TimeSpan.FromSeconds(30));

        Assert.Equal(GoalPhase.WaitingForApproval, (await listing.Page(null, null, null, null, 10)).Single().Summary!.Phase);
        Assert.NotNull(await reminders.ReadAsync(new GrainId("coordinator", "g-missed"), "resume"));

        index.Failing = false;
        clock.Advance(TimeSpan.FromMinutes(1));
        await Eventually.WaitUntilAsync(async () =>
            (await listing.Page(null, null, null, null, 10)).Single().Summary?.Phase == GoalPhase.Cancelled
            && await reminders.ReadAsync(new GrainId("coordinator", "g-missed"), "resume") is null,
            "the reminder sent the end to the index and was removed", TimeSpan.FromSeconds(30));
    }

    private static GoalSummary Summary(int step, GoalPhase phase, int done) => new(step, phase, done, 3, null, $"2026-03-02T10:00:0{step % 10}.000Z step {step}");
}

/// <summary>Makes the goal index refuse updates while <see cref="Failing"/>, as an index grain on a silo that cannot be
/// reached would.</summary>
internal sealed class FailingIndexUpdates : IIncomingGrainCallFilter
{
    public volatile bool Failing;

    public Task Invoke(IIncomingGrainCallContext context) =>
        Failing && context.InterfaceName == typeof(IGoalIndexGrain).FullName && context.MethodName == nameof(IGoalIndexGrain.Update)
            ? throw new InvalidOperationException("the goal index is not reachable")
            : context.Invoke();
}

public sealed class SqliteGoalIndexTests(SqliteTestStorage storage, ITestOutputHelper output) : GoalIndexTests(storage, output), IClassFixture<SqliteTestStorage>;

[Trait("Category", "Integration")]
public sealed class PostgreSqlGoalIndexTests(PostgreSqlTestStorage storage, ITestOutputHelper output) : GoalIndexTests(storage, output), IClassFixture<PostgreSqlTestStorage>;
