using AiOs.Persistence.Ledger;
using AiOs.Testing;

namespace AiOs.Persistence.TestKit.Ledger;

/// <summary>The <see cref="IActionLedger"/> contract: the first intent of a key wins, status changes are compare-and-swap
/// and follow <see cref="ActionStatusRules"/>, attempts are counted in the write that precedes a call.</summary>
public abstract class ActionLedgerTests : StorageTestBase
{
    private IActionLedger Ledger => Storage.Ledger;

    [Fact]
    public async Task RecordIntent_NewKey_StoresItPendingWithNoAttempts()
    {
        var intent = NewIntent();

        var entry = await Ledger.RecordIntentAsync(intent, ActionStatus.Pending, Writer);

        Assert.Equal((intent.Key, intent.GoalId, intent.TaskId, intent.Step, intent.Action, intent.Target), (entry.Key, entry.GoalId, entry.TaskId, entry.Step, entry.Action, entry.Target));
        JsonAssert.Equivalent(intent.Request, entry.Request);
        Assert.Equal(ActionStatus.Pending, entry.Status);
        Assert.Equal(0, entry.Attempts);
        Assert.Null(entry.Result);
        Assert.Equal("silo-a", entry.UpdatedBy);
        Assert.Equal(entry, await Ledger.ReadAsync(intent.Key));
    }

    [Fact]
    public async Task RecordIntent_ExistingKey_ReturnsTheFirstIntentUnchanged()
    {
        var intent = NewIntent();
        var first = await Ledger.RecordIntentAsync(intent, ActionStatus.Pending, Writer);
        var sending = await Ledger.TransitionAsync(first, new ActionTransition(ActionStatus.Sending, CountAttempt: true), Writer);

        var again = await Ledger.RecordIntentAsync(intent with { Request = """{"text":"changed"}""" }, ActionStatus.AwaitingApproval, Writer);

        Assert.Equal(sending, again);
        JsonAssert.Equivalent(intent.Request, again.Request);
    }

    [Fact]
    public async Task Transitions_PendingSendingSucceeded_CountTheAttemptAndKeepTheResult()
    {
        var entry = await Ledger.RecordIntentAsync(NewIntent(), ActionStatus.Pending, Writer);

        var sending = await Ledger.TransitionAsync(entry, new ActionTransition(ActionStatus.Sending, CountAttempt: true), Writer);
        var done = await Ledger.TransitionAsync(sending!, new ActionTransition(ActionStatus.Succeeded, Result: """{"status":200}"""), Writer);

        Assert.Equal((ActionStatus.Sending, 1), (sending!.Status, sending.Attempts));
        Assert.Equal((ActionStatus.Succeeded, 1), (done!.Status, done.Attempts));
        JsonAssert.Equivalent("""{"status":200}""", done.Result);
        Assert.True(done.Version > sending.Version && sending.Version > entry.Version);
        Assert.Equal(done, await Ledger.ReadAsync(entry.Key));
    }

    [Fact]
    public async Task Transition_WithAStaleVersion_ReturnsNull_AndChangesNothing()
    {
        var entry = await Ledger.RecordIntentAsync(NewIntent(), ActionStatus.Pending, Writer);
        var sending = await Ledger.TransitionAsync(entry, new ActionTransition(ActionStatus.Sending, CountAttempt: true), Writer);

        var stale = await Ledger.TransitionAsync(entry, new ActionTransition(ActionStatus.Sending, CountAttempt: true), Writer);

        Assert.Null(stale);
        Assert.Equal(sending, await Ledger.ReadAsync(entry.Key));
    }

    [Theory]
    [InlineData(ActionStatus.Pending, ActionStatus.Succeeded)]
    [InlineData(ActionStatus.AwaitingApproval, ActionStatus.Sending)]
    public async Task Transition_NotAllowed_IsRefusedNamingTheAction_AndChangesNothing(ActionStatus from, ActionStatus to)
    {
        var entry = await Ledger.RecordIntentAsync(NewIntent(), from, Writer);

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => Ledger.TransitionAsync(entry, new ActionTransition(to), Writer));

        Assert.Contains(entry.Key, error.Message, StringComparison.Ordinal);
        Assert.Equal(entry, await Ledger.ReadAsync(entry.Key));
    }

    [Fact]
    public async Task Transition_FromASucceededAction_IsRefused()
    {
        var entry = await Ledger.RecordIntentAsync(NewIntent(), ActionStatus.Pending, Writer);
        var sending = await Ledger.TransitionAsync(entry, new ActionTransition(ActionStatus.Sending, CountAttempt: true), Writer);
        var done = await Ledger.TransitionAsync(sending!, new ActionTransition(ActionStatus.Succeeded), Writer);

        await Assert.ThrowsAsync<InvalidOperationException>(() => Ledger.TransitionAsync(done!, new ActionTransition(ActionStatus.Sending, CountAttempt: true), Writer));
    }

    [Fact]
    public async Task Transition_SixteenRacersFromOneVersion_ExactlyOneWins()
    {
        var entry = await Ledger.RecordIntentAsync(NewIntent(), ActionStatus.Pending, Writer);

        var outcomes = await Concurrently.RunAsync(16, _ => Ledger.TransitionAsync(entry, new ActionTransition(ActionStatus.Sending, CountAttempt: true), Writer));

        Assert.All(outcomes, o => Assert.Null(o.Error));
        Assert.Single(outcomes, o => o.Result is not null);
        Assert.Equal(1, (await Ledger.ReadAsync(entry.Key))!.Attempts);
    }

    [Fact]
    public async Task RecordIntent_SixteenRacersWithOneKey_StoreOneRow_AndAllSeeIt()
    {
        var intent = NewIntent();

        var outcomes = await Concurrently.RunAsync(16, _ => Ledger.RecordIntentAsync(intent, ActionStatus.Pending, Writer));

        Assert.All(outcomes, o => Assert.Null(o.Error));
        Assert.Single(outcomes.Select(o => o.Result!.Version).Distinct());
        Assert.Single(await Ledger.ReadGoalAsync(intent.GoalId));
    }

    [Fact]
    public async Task ReadGoal_ReturnsTheGoalsActionsByTaskAndStep_AndReadByStatusFindsThem()
    {
        var goal = "goal-" + Guid.NewGuid().ToString("N");
        var b1 = await Ledger.RecordIntentAsync(NewIntent(goal, "t2", 1), ActionStatus.Pending, Writer);
        var a0 = await Ledger.RecordIntentAsync(NewIntent(goal, "t1", 0), ActionStatus.AwaitingApproval, Writer);
        var b0 = await Ledger.RecordIntentAsync(NewIntent(goal, "t2", 0), ActionStatus.Pending, Writer);
        await Ledger.RecordIntentAsync(NewIntent(), ActionStatus.Pending, Writer);

        var actions = await Ledger.ReadGoalAsync(goal);
        var awaiting = await Ledger.ReadByStatusAsync(ActionStatus.AwaitingApproval, 1_000);

        Assert.Equal([a0.Key, b0.Key, b1.Key], actions.Select(a => a.Key));
        Assert.Contains(awaiting, a => a.Key == a0.Key);
        Assert.DoesNotContain(awaiting, a => a.Key == b0.Key);
    }

    [Fact]
    public async Task RecordIntent_WithARequestThatIsNotJson_IsRefusedSayingSo()
    {
        var intent = NewIntent() with { Request = "send it" };

        var error = await Assert.ThrowsAsync<ArgumentException>(() => Ledger.RecordIntentAsync(intent, ActionStatus.Pending, Writer));

        Assert.Contains("request is not valid JSON", error.Message, StringComparison.Ordinal);
        Assert.Null(await Ledger.ReadAsync(intent.Key));
    }

    [Fact]
    public async Task ActionKey_SameGoalTaskStepAndAction_FindsTheFirstIntent_AnyFieldChangedIsAnotherAction()
    {
        var goal = "goal-" + Guid.NewGuid().ToString("N");
        var first = await Ledger.RecordIntentAsync(NewIntent(goal) with { Key = ActionKey.For(goal, "t1", 0, "webhook.post") }, ActionStatus.Pending, Writer);

        var resumed = await Ledger.ReadAsync(ActionKey.For(goal, "t1", 0, "webhook.post"));

        Assert.Equal(first, resumed);
        string[] others =
        [
            ActionKey.For(goal + "x", "t1", 0, "webhook.post"), ActionKey.For(goal, "t2", 0, "webhook.post"),
            ActionKey.For(goal, "t1", 1, "webhook.post"), ActionKey.For(goal, "t1", 0, "email.send"),
            ActionKey.For(goal, "t10", 0, "webhook.post"), ActionKey.For(goal + "t", "1", 0, "webhook.post"),
        ];
        Assert.Equal(others.Length + 1, others.Append(first.Key).Distinct().Count());
        foreach (var other in others)
        {
            Assert.Null(await Ledger.ReadAsync(other));
        }
    }

    [Fact]
    public async Task EraseGoalActions_StripsRequestResultErrorAndResolution_KeepsStatusAndAttempts_AndOtherGoals()
    {
        var goal = "goal-" + Guid.NewGuid().ToString("N");
        var entry = await Ledger.RecordIntentAsync(NewIntent(goal), ActionStatus.Pending, Writer);
        var sending = await Ledger.TransitionAsync(entry, new ActionTransition(ActionStatus.Sending, CountAttempt: true), Writer);
        await Ledger.TransitionAsync(sending!, new ActionTransition(ActionStatus.Succeeded, Result: """{"to":"ada@acme.example"}"""), Writer);
        var other = await Ledger.RecordIntentAsync(NewIntent(), ActionStatus.Pending, Writer);

        var changed = await Ledger.EraseGoalActionsAsync(goal);
        var again = await Ledger.EraseGoalActionsAsync(goal);

        Assert.Equal((1L, 0L), (changed, again));
        var erased = Assert.Single(await Ledger.ReadGoalAsync(goal));
        JsonAssert.Equivalent("{}", erased.Request);
        Assert.Equal((ActionStatus.Succeeded, 1, null, null), (erased.Status, erased.Attempts, erased.Result, erased.Error));
        Assert.Equal((entry.Key, entry.Action, entry.Target), (erased.Key, erased.Action, erased.Target));
        JsonAssert.Equivalent(other.Request, (await Ledger.ReadAsync(other.Key))!.Request);
    }

    private static ActionIntent NewIntent(string? goal = null, string task = "t1", int step = 0) =>
        new("aios-" + Guid.NewGuid().ToString("N"), goal ?? "goal-" + Guid.NewGuid().ToString("N"), task, step, "webhook.post", "crm",
            """{"url":"https://crm.example/hook","body":{"text":"hello"}}""");
}
