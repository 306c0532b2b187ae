using AiOs.Persistence.Approvals;
using AiOs.Persistence.Ledger;

namespace AiOs.Persistence.TestKit.Approvals;

/// <summary>The <see cref="IApprovalStore"/> contract: the first item of an id wins, decisions are compare-and-swap, lists
/// filter and page by deadline, policy decisions are logged once per action and listed newest first; and the ledger's
/// approval transition carries the approved request.</summary>
public abstract class ApprovalStoreTests : StorageTestBase
{
    private static readonly DateTimeOffset T0 = new(2026, 5, 4, 9, 0, 0, TimeSpan.Zero);

    private IApprovalStore Approvals => Storage.Approvals;

    [Fact]
    public async Task CreateApproval_NewId_StoresEveryField_AndTheSameIdAgainReturnsTheFirst()
    {
        var approval = NewApproval();

        var stored = await Approvals.CreateApprovalAsync(approval, Writer);
        var again = await Approvals.CreateApprovalAsync(approval with { Summary = "something else", Payload = """{"text":"other"}""" }, Writer);

        Assert.Equal(1, stored.Version);
        Assert.Equal(approval with { Version = 1, Sources = stored.Sources }, stored);
        Assert.Equal(["memory:m1", "event:7"], stored.Sources);
        Assert.Equal(approval.Payload, again.Payload);
        Assert.Equal("Send the welcome email to ops@acme.example", again.Summary);
        Assert.Equal(stored.Version, (await Approvals.ReadApprovalAsync(approval.ApprovalId))!.Version);
    }

    [Fact]
    public async Task CreateApproval_PayloadNotJson_IsRefused_AndNothingStored()
    {
        var approval = NewApproval() with { Payload = "{not json" };

        var error = await Assert.ThrowsAsync<ArgumentException>(() => Approvals.CreateApprovalAsync(approval, Writer));

        Assert.Contains("payload", error.Message, StringComparison.Ordinal);
        Assert.Null(await Approvals.ReadApprovalAsync(approval.ApprovalId));
    }

    [Fact]
    public async Task UpdateApproval_OfTwoDecisionsOnOneVersion_ExactlyOneWins()
    {
        var stored = await Approvals.CreateApprovalAsync(NewApproval(), Writer);
        var approve = stored with { Status = ApprovalState.EditedAndApproved, DecidedBy = "key:a", DecidedAt = T0.AddMinutes(1), FinalPayload = """{"text":"edited"}""" };
        var reject = stored with { Status = ApprovalState.Rejected, DecidedBy = "key:b", DecidedAt = T0.AddMinutes(1), DecisionReason = "no" };

        var results = await Task.WhenAll(
            Approvals.UpdateApprovalAsync(approve, Writer),
            Approvals.UpdateApprovalAsync(reject, Writer));

        var winner = Assert.Single(results, r => r is not null)!;
        Assert.Equal(2, winner.Version);
        var read = await Approvals.ReadApprovalAsync(stored.ApprovalId);
        Assert.Equal((winner.Status, winner.DecidedBy, winner.FinalPayload), (read!.Status, read.DecidedBy, read.FinalPayload));
        Assert.Equal(T0.AddMinutes(1), read.DecidedAt);
    }

    [Fact]
    public async Task ListApprovals_FiltersByStatusGoalAndKind_AndPagesByDeadline()
    {
        var goal = "goal-" + Guid.NewGuid().ToString("N");
        var early = await Approvals.CreateApprovalAsync(NewApproval(goal) with { Deadline = T0.AddHours(1), GraceEndsAt = T0.AddHours(2) }, Writer);
        var late = await Approvals.CreateApprovalAsync(NewApproval(goal) with { Deadline = T0.AddHours(3), GraceEndsAt = T0.AddHours(4) }, Writer);
        var webhook = await Approvals.CreateApprovalAsync(NewApproval(goal) with { ActionKind = "webhook.post", Deadline = T0.AddHours(2), GraceEndsAt = T0.AddHours(2) }, Writer);
        await Approvals.UpdateApprovalAsync(late with { Status = ApprovalState.Rejected, DecidedBy = "key:a", DecidedAt = T0 }, Writer);

        var pending = await Approvals.ListApprovalsAsync(new ApprovalQuery([ApprovalState.Pending, ApprovalState.Escalated], goal));
        var emails = await Approvals.ListApprovalsAsync(new ApprovalQuery([], goal, "email.send"));
        var firstPage = await Approvals.ListApprovalsAsync(new ApprovalQuery([], goal, Limit: 2));
        var secondPage = await Approvals.ListApprovalsAsync(new ApprovalQuery([], goal, AfterDeadline: firstPage[^1].Deadline, AfterId: firstPage[^1].ApprovalId, Limit: 2));

        Assert.Equal([early.ApprovalId, webhook.ApprovalId], pending.Select(a => a.ApprovalId));
        Assert.Equal([early.ApprovalId, late.ApprovalId], emails.Select(a => a.ApprovalId));
        Assert.Equal([early.ApprovalId, webhook.ApprovalId], firstPage.Select(a => a.ApprovalId));
        Assert.Equal([late.ApprovalId], secondPage.Select(a => a.ApprovalId));
    }

    [Fact]
    public async Task PolicyDecisions_AreLoggedOncePerAction_ListedNewestFirst_AndKnowRecipients()
    {
        var goal = "goal-" + Guid.NewGuid().ToString("N");
        var recipient = Guid.NewGuid().ToString("N") + "@example.com";
        var first = await Approvals.RecordPolicyDecisionAsync(NewDecision(goal, "k1", PolicyVerdict.NeedsApproval, recipient), Writer);
        var again = await Approvals.RecordPolicyDecisionAsync(NewDecision(goal, "k1", PolicyVerdict.Auto, recipient), Writer);
        var second = await Approvals.RecordPolicyDecisionAsync(NewDecision(goal, "k2", PolicyVerdict.Refused, null), Writer);

        var all = await Approvals.ListPolicyDecisionsAsync(new PolicyDecisionQuery(goal, []));
        var refused = await Approvals.ListPolicyDecisionsAsync(new PolicyDecisionQuery(goal, [PolicyVerdict.Refused]));
        var older = await Approvals.ListPolicyDecisionsAsync(new PolicyDecisionQuery(goal, [], BeforeSequence: second.Sequence));

        Assert.Equal((PolicyVerdict.NeedsApproval, first.Sequence), (again.Outcome, again.Sequence));
        Assert.Equal(["k2", "k1"], all.Select(d => d.ActionKey[(goal.Length + 1)..]));
        Assert.Equal("customer-emails", all[1].Rule);
        Assert.Equal(T0, all[1].DecidedAt);
        Assert.Equal(second.Sequence, Assert.Single(refused).Sequence);
        Assert.Equal(first.Sequence, Assert.Single(older).Sequence);
        Assert.False(await Approvals.HasRecipientAsync(recipient, first.ActionKey));
        Assert.True(await Approvals.HasRecipientAsync(recipient, goal + "/k3"));
    }

    [Fact]
    public async Task LedgerApproval_CarriesTheEditedRequest_ButNoOtherTransitionMayRewriteIt()
    {
        var key = "act-" + Guid.NewGuid().ToString("N");
        var waiting = await Storage.Ledger.RecordIntentAsync(new ActionIntent(key, "g", "t", 0, "email.send", "default", """{"text":"draft"}"""), ActionStatus.AwaitingApproval, Writer);

        var pending = await Storage.Ledger.TransitionAsync(waiting, new ActionTransition(ActionStatus.Pending, Request: """{"text":"edited"}"""), Writer);
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() =>
            Storage.Ledger.TransitionAsync(pending!, new ActionTransition(ActionStatus.Sending, CountAttempt: true, Request: """{"text":"again"}"""), Writer));

        JsonAssert.Equivalent("""{"text":"edited"}""", pending!.Request);
        Assert.Contains("only while it awaits approval", error.Message, StringComparison.Ordinal);
        JsonAssert.Equivalent("""{"text":"edited"}""", (await Storage.Ledger.ReadAsync(key))!.Request);
    }

    [Fact]
    public async Task EraseGoalApprovals_StripsSummaryPayloadsSourcesCommentAndRecipients_KeepsTheDecision_AndOtherGoals()
    {
        var (goal, other) = ("goal-" + Guid.NewGuid().ToString("N"), "goal-" + Guid.NewGuid().ToString("N"));
        var recipient = $"r-{Guid.NewGuid():N}@acme.example";
        var stored = await Approvals.CreateApprovalAsync(NewApproval(goal), Writer);
        var decided = await Approvals.UpdateApprovalAsync(
            stored with { Status = ApprovalState.EditedAndApproved, DecidedBy = "key:a", DecidedAt = T0, DecisionReason = "for Ada", FinalPayload = """{"text":"Dear Ada"}""" }, Writer);
        var kept = await Approvals.CreateApprovalAsync(NewApproval(other), Writer);
        await Approvals.RecordPolicyDecisionAsync(NewDecision(goal, "k1", PolicyVerdict.NeedsApproval, recipient), Writer);
        await Approvals.RecordPolicyDecisionAsync(NewDecision(other, "k1", PolicyVerdict.NeedsApproval, recipient), Writer);

        var changed = await Approvals.EraseGoalApprovalsAsync(goal);
        var again = await Approvals.EraseGoalApprovalsAsync(goal);

        Assert.Equal((2L, 0L), (changed, again));
        var erased = (await Approvals.ReadApprovalAsync(stored.ApprovalId))!;
        Assert.Equal(("(erased)", "{}", "{}", null), (erased.Summary, erased.Payload.Replace(" ", "", StringComparison.Ordinal), erased.FinalPayload, erased.DecisionReason));
        Assert.Empty(erased.Sources);
        Assert.Equal((ApprovalState.EditedAndApproved, "key:a", T0, decided!.ActionKey), (erased.Status, erased.DecidedBy, erased.DecidedAt!.Value, erased.ActionKey));
        Assert.Equal(kept.Payload, (await Approvals.ReadApprovalAsync(kept.ApprovalId))!.Payload);
        var decision = Assert.Single(await Approvals.ListPolicyDecisionsAsync(new PolicyDecisionQuery(goal, [])));
        Assert.Equal((null, PolicyVerdict.NeedsApproval, "customer-emails"), (decision.Recipient, decision.Outcome, decision.Rule));
        Assert.Equal(recipient, Assert.Single(await Approvals.ListPolicyDecisionsAsync(new PolicyDecisionQuery(other, []))).Recipient);
    }

    private static ApprovalRecord NewApproval(string? goal = null) => new(
        "apr-" + Guid.NewGuid().ToString("N"),
        ApprovalKind.Action,
        goal ?? "goal-1",
        "send",
        "act-" + Guid.NewGuid().ToString("N"),
        "email.send",
        "medium",
        "Send the welcome email to ops@acme.example",
        """{"to":"ops@acme.example","text":"Welcome"}""",
        "customer-emails",
        "emails to customers need approval",
        0.82,
        ["memory:m1", "event:7"],
        ApprovalState.Pending,
        T0,
        T0.AddHours(4),
        T0.AddHours(5),
        ApprovalDefault.Hold);

    private static PolicyDecisionRecord NewDecision(string goal, string key, PolicyVerdict outcome, string? recipient) =>
        new($"{goal}/{key}", goal, "send", "email.send", outcome, outcome == PolicyVerdict.Refused ? "night" : "customer-emails", "why", recipient, "3", T0);
}
