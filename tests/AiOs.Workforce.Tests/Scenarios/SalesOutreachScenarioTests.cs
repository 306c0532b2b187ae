using AiOs.Persistence.Approvals;
using AiOs.Persistence.Events;
using AiOs.Persistence.Ledger;
using AiOs.Workforce.Approvals;
using AiOs.Workforce.Coordinator;
using AiOs.Workforce.Entities;
using AiOs.Workforce.Playbooks;
using AiOs.Workforce.Policies;
using AiOs.Workforce.Tests.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace AiOs.Workforce.Tests.Scenarios;

/// <summary>Scenario 3 of issue 6, sales outreach to three leads under the operator's policy (every email needs approval;
/// two hours to decide, one more of grace, then reject): the operator approves two, the third expires, so the escalation
/// notice goes to the operator through the real SMTP server once and the default reject happens once; the two approved
/// emails arrive once each and the third lead gets nothing.</summary>
public abstract class SalesOutreachScenarioTests(ITestStorage storage, ITestOutputHelper output) : ScenarioTestBase(storage, output)
{
    private const string Operator = "operator@company.example";

    private const string Policy = """
        approvals:
          deadline: 2h
          grace: 1h
          default: reject
        rules:
          - name: sales-emails
            when: { action: email.* }
            then: needs-approval
        otherwise: auto
        """;

    private static readonly Playbook Outreach = new("sales-outreach", [], new Plan(
    [
        new PlannedTask("pitch", "writer", "Write a short first message to the lead."),
        new PlannedTask("send", "outreach", "Send the message.", ["pitch"], ["email.send"]),
    ]));

    [Fact]
    public async Task ThreeLeads_OneApprovalExpires_EscalationNoticeOnce_DefaultRejectOnce_ApprovedEmailsOnceEach()
    {
        var model = ModelAnswering((role, context) => role switch
        {
            "writer" => $"Hello {context["customer"]!["name"]}, may we automate your reports?",
            "outreach" => context["inputs"]!["pitch"]!.GetValue<string>(),
            _ => throw new InvalidOperationException($"no answer scripted for role {role}"),
        });
        var silo = await StartAsync(Storage.NewDatabase(), model, o => o.Playbooks.Add(Outreach), services: s =>
            s.Configure<ApprovalOptions>(o => (o.EscalationAction, o.EscalationRecipient, o.DeadlineCheckPeriod) = ("email.send", Operator, TimeSpan.FromMinutes(15))));
        await silo.GrainFactory.GetGrain<IPolicyGrain>(PolicyGrain.Key).Set(Policy, "key:op");

        // The leads, each recorded as a prospect the operator reaches out to; one outreach goal each.
        var leads = new[] { ("Ada Works", "ada@leads.example"), ("Bell & Co", "bell@leads.example"), ("Cole Ltd", "cole@leads.example") };
        var goals = new List<string>();
        foreach (var (name, email) in leads)
        {
            var customerId = NewId("lead");
            await silo.GrainFactory.GetGrain<ICustomerGrain>(customerId).Create(new Customer(name, email, Tier: "prospect"), new EventProvenance("operator-api", "operator"));
            var goalId = NewId("outreach");
            await silo.GrainFactory.GetGrain<ICoordinatorGrain>(goalId).Submit(new GoalRequest($"reach out to {name}", customerId, Playbook: Outreach.Name));
            goals.Add(goalId);
        }

        var approvals = new List<string>();
        foreach (var goalId in goals)
        {
            approvals.Add(Assert.Single((await WaitForAsync(silo, goalId, GoalPhase.WaitingForApproval)).WaitingApprovals!));
        }

        var expiring = silo.GrainFactory.GetGrain<IApprovalGrain>(approvals[2]);
        Assert.Equal(("sales-emails", ApprovalDefault.Reject, Clock.GetUtcNow() + TimeSpan.FromHours(2)), ((await expiring.Get())!.PolicyRule, (await expiring.Get())!.DefaultAction, (await expiring.Get())!.Deadline));
        for (var i = 0; i < 2; i++)
        {
            await silo.GrainFactory.GetGrain<IApprovalGrain>(approvals[i]).Decide(new ApprovalDecision(ApprovalChoice.Approve, "key:op"));
            await WaitForAsync(silo, goals[i], GoalPhase.Done);
        }

        // Past the deadline: one notice to the operator; past the grace period: the default reject, once.
        for (var step = 0; step < 14; step++)
        {
            await AdvanceWhenScheduledAsync(silo, TimeSpan.FromMinutes(15));
        }

        var rejected = await WaitForAsync(silo, goals[2], GoalPhase.WaitingForApproval, s => s.Escalation?.Contains("rejected", StringComparison.Ordinal) == true);
        Assert.Contains($"email.send was rejected by {ApprovalGrain.DefaultActor}", rejected.Escalation, StringComparison.Ordinal);
        var decided = (await expiring.Get())!;
        Assert.Equal((ApprovalState.Rejected, ApprovalGrain.DefaultActor), (decided.Status, decided.DecidedBy));
        Assert.Contains("default action: reject", decided.DecisionReason, StringComparison.Ordinal);

        // Long after, nothing more happens.
        for (var step = 0; step < 4; step++)
        {
            await AdvanceWhenScheduledAsync(silo, TimeSpan.FromHours(1));
        }

        var notice = Assert.Single(Smtp.MessagesTo(Operator));
        Assert.Contains(approvals[2], notice.Body, StringComparison.Ordinal);
        Assert.Contains("default action is taken: reject", notice.Body, StringComparison.Ordinal);
        Assert.Contains("Hello Ada Works", Assert.Single(Smtp.MessagesTo("ada@leads.example")).Body, StringComparison.Ordinal);
        Assert.Contains("Hello Bell & Co", Assert.Single(Smtp.MessagesTo("bell@leads.example")).Body, StringComparison.Ordinal);
        Assert.Empty(Smtp.MessagesTo("cole@leads.example"));
        Assert.Equal(3, Smtp.Messages().Count);
        Assert.Equal(decided.Version, (await expiring.Get())!.Version);
        var entry = Assert.Single(await silo.Services.GetRequiredService<IActionLedger>().ReadGoalAsync(goals[2]), e => e.Action == "email.send" && e.TaskId == "send");
        Assert.Equal(ActionStatus.Rejected, entry.Status);
    }
}

[Trait("Category", "Integration")]
public sealed class SqliteSalesOutreachScenarioTests(SqliteTestStorage storage, ITestOutputHelper output) : SalesOutreachScenarioTests(storage, output), IClassFixture<SqliteTestStorage>;

[Trait("Category", "Integration")]
public sealed class PostgreSqlSalesOutreachScenarioTests(PostgreSqlTestStorage storage, ITestOutputHelper output) : SalesOutreachScenarioTests(storage, output), IClassFixture<PostgreSqlTestStorage>;
