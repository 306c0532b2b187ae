using AiOs.Persistence.Approvals;
using AiOs.Persistence.Events;
using AiOs.Persistence.Ledger;
using AiOs.Testing;
using AiOs.Workforce.Actions;
using AiOs.Workforce.Approvals;
using AiOs.Workforce.Coordinator;
using AiOs.Workforce.Entities;
using AiOs.Workforce.Playbooks;
using AiOs.Workforce.Policies;
using AiOs.Workforce.Roles;
using AiOs.Workforce.Tests.Coordinator;
using AiOs.Workforce.Tests.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace AiOs.Workforce.Tests.Approvals;

/// <summary>Side effects through policy and the approval queue, on real silos and storage with the offline model: a goal
/// waits for the operator, continues on the decision, and the connector receives exactly the approved payload once.</summary>
public abstract class ApprovalFlowTests(ITestStorage storage, ITestOutputHelper output) : WorkforceTestBase(storage, output)
{
    private readonly RecordingConnector _connector = new();

    [Fact]
    public async Task CustomerEmail_WaitsForApproval_OperatorEditsAndApproves_ConnectorGetsExactlyTheEditedPayloadOnce()
    {
        var silo = await StartAsync(Storage.NewDatabase());
        var (goalId, _) = await SubmitEmailGoalAsync(silo);

        var waiting = await WaitForAsync(silo, goalId, GoalPhase.WaitingForApproval);
        var approvalId = Assert.Single(waiting.WaitingApprovals!);
        var approval = silo.GrainFactory.GetGrain<IApprovalGrain>(approvalId);
        var item = (await approval.Get())!;
        Assert.Equal((ApprovalState.Pending, "customer-emails", "email.send", "medium"), (item.Status, item.PolicyRule, item.ActionKind, item.RiskClass));
        Assert.Contains("ops@acme.example", item.Summary, StringComparison.Ordinal);
        Assert.Contains("\"to\":\"ops@acme.example\"", item.Payload, StringComparison.Ordinal);
        Assert.Equal(item.CreatedAt + TimeSpan.FromHours(24), item.Deadline);
        Assert.Contains(approvalId, waiting.Escalation, StringComparison.Ordinal);
        Assert.Empty(_connector.Calls);

        var edited = item.Payload.Replace("\"text\":\"", "\"text\":\"EDITED by the operator. ", StringComparison.Ordinal);
        var decided = await approval.Decide(new ApprovalDecision(ApprovalChoice.EditAndApprove, "key:op", "tone", edited));
        Assert.Equal(ApprovalState.EditedAndApproved, decided.Status);
        Assert.Equal(ApprovalState.EditedAndApproved, (await approval.Get())!.Status);
        var done = await WaitForAsync(silo, goalId, GoalPhase.Done);

        var sent = Assert.Single(_connector.Calls);
        Assert.Equal(edited, sent.Request);
        Assert.Equal(ActionKey.For(goalId, "send", 0, "email.send"), sent.Key);
        Assert.Contains(done.History, h => h.Contains($"approval decided: {approvalId}", StringComparison.Ordinal));
        var decision = Assert.Single(await silo.Services.GetRequiredService<IApprovalStore>().ListPolicyDecisionsAsync(new PolicyDecisionQuery(goalId, [])));
        Assert.Equal((PolicyVerdict.NeedsApproval, "customer-emails"), (decision.Outcome, decision.Rule));

        // The same decision again changes nothing; a different one is refused and changes nothing either.
        var again = await approval.Decide(new ApprovalDecision(ApprovalChoice.EditAndApprove, "key:op", "tone", edited));
        var conflict = await Assert.ThrowsAsync<ApprovalAlreadyDecidedException>(() => approval.Decide(new ApprovalDecision(ApprovalChoice.Reject, "key:op", "changed my mind")));
        Assert.Equal(decided.Version, again.Version);
        Assert.Contains("already edited and approved by key:op", conflict.Message, StringComparison.Ordinal);
        Assert.Equal((ApprovalState.EditedAndApproved, decided.Version), ((await approval.Get())!.Status, (await approval.Get())!.Version));
        Assert.Single(_connector.Calls);
    }

    [Fact]
    public async Task Rejected_TaskEscalatesWithTheReason_AndNothingIsSent()
    {
        var silo = await StartAsync(Storage.NewDatabase());
        var (goalId, _) = await SubmitEmailGoalAsync(silo);
        var approvalId = Assert.Single((await WaitForAsync(silo, goalId, GoalPhase.WaitingForApproval)).WaitingApprovals!);

        await silo.GrainFactory.GetGrain<IApprovalGrain>(approvalId).Decide(new ApprovalDecision(ApprovalChoice.Reject, "key:op", "wrong customer"));
        var status = await WaitForAsync(silo, goalId, GoalPhase.WaitingForApproval, s => s.Escalation?.Contains("rejected", StringComparison.Ordinal) == true);

        Assert.Contains("email.send was rejected by key:op: wrong customer", status.Escalation, StringComparison.Ordinal);
        Assert.Empty(_connector.Calls);
        var entry = Assert.Single(await silo.Services.GetRequiredService<IActionLedger>().ReadGoalAsync(goalId));
        Assert.Equal(ActionStatus.Rejected, entry.Status);
    }

    [Fact]
    public async Task PolicyRefusal_EscalatesNamingTheRule_AndAMalformedPolicyChangesNothing()
    {
        var silo = await StartAsync(Storage.NewDatabase());
        var policy = silo.GrainFactory.GetGrain<IPolicyGrain>(PolicyGrain.Key);
        var set = await policy.Set("rules:\n  - name: no-email\n    when: { action: email.* }\n    then: refused\n", "key:op");

        var error = await Assert.ThrowsAsync<PolicyInvalidException>(() => policy.Set("rules:\n  - name: x\n    when: { colour: red }\n    then: auto\n", "key:op"));
        Assert.Equal(3, error.Line);
        Assert.Contains("unknown condition 'colour'", error.Message, StringComparison.Ordinal);
        Assert.Equal(set.Version, (await policy.Get()).Version);

        var (goalId, _) = await SubmitEmailGoalAsync(silo);
        var status = await WaitForAsync(silo, goalId, GoalPhase.WaitingForApproval);

        Assert.Contains("policy rule 'no-email' refused email.send", status.Escalation, StringComparison.Ordinal);
        Assert.Empty(_connector.Calls);
        var decision = Assert.Single(await silo.Services.GetRequiredService<IApprovalStore>().ListPolicyDecisionsAsync(new PolicyDecisionQuery(goalId, [PolicyVerdict.Refused])));
        Assert.Equal(("no-email", set.Version.ToString(System.Globalization.CultureInfo.InvariantCulture)), (decision.Rule, decision.PolicyVersion));
    }

    [Fact]
    public async Task ApprovalDecidedBeforeItsGoalMarksTheTaskWaiting_IsNotLost_TheGoalCarriesOnAtOnce()
    {
        // The operator approves in the instant between the approval being opened and the coordinator hearing of it: the
        // wake-up then finds no task waiting. The goal must still carry on, not wait for its minute reminder.
        var decideEarly = new DecideAsSoonAsOpened();
        var silo = await StartAsync(Storage.NewDatabase(), silo: s => s.AddIncomingGrainCallFilter(decideEarly));
        decideEarly.Grains = silo.GrainFactory;
        var (goalId, _) = await SubmitEmailGoalAsync(silo);

        var done = await WaitForAsync(silo, goalId, GoalPhase.Done);

        var approvalId = Assert.Single(decideEarly.Decided);
        Assert.Contains(done.History, h => h.Contains($"approval decided: {approvalId}", StringComparison.Ordinal));
        Assert.Single(_connector.Calls);
    }

    [Fact]
    public async Task Decide_UnknownId_IsAClearError()
    {
        var silo = await StartAsync(Storage.NewDatabase());

        var error = await Assert.ThrowsAsync<ApprovalNotFoundException>(() =>
            silo.GrainFactory.GetGrain<IApprovalGrain>("apr-does-not-exist").Decide(new ApprovalDecision(ApprovalChoice.Approve, "key:op")));

        Assert.Equal("there is no approval 'apr-does-not-exist'", error.Message);
        Assert.Null(await silo.GrainFactory.GetGrain<IApprovalGrain>("apr-does-not-exist").Get());
    }

    [Fact]
    public async Task ConsecutiveUneditedApprovals_SuggestRaisingAutonomy_UntilAnEdit()
    {
        var silo = await StartAsync(Storage.NewDatabase(), suggestAfter: 2);
        var policy = silo.GrainFactory.GetGrain<IPolicyGrain>(PolicyGrain.Key);
        for (var i = 0; i < 2; i++)
        {
            var (goalId, _) = await SubmitEmailGoalAsync(silo);
            var approvalId = Assert.Single((await WaitForAsync(silo, goalId, GoalPhase.WaitingForApproval)).WaitingApprovals!);
            await silo.GrainFactory.GetGrain<IApprovalGrain>(approvalId).Decide(new ApprovalDecision(ApprovalChoice.Approve, "key:op"));
            await WaitForAsync(silo, goalId, GoalPhase.Done);
        }

        var suggestion = Assert.Single((await policy.Get()).Suggestions);
        Assert.Equal(("email.send", 2), (suggestion.ActionKind, suggestion.ConsecutiveApprovals));
        Assert.Equal(2, _connector.Calls.Count);

        await policy.RecordDecision("email.send", approvedUnedited: false);
        Assert.Empty((await policy.Get()).Suggestions);
    }

    private async Task<(string GoalId, string CustomerId)> SubmitEmailGoalAsync(TestSilo silo)
    {
        var customerId = NewId("cust");
        await silo.GrainFactory.GetGrain<ICustomerGrain>(customerId).Save(new Customer("Acme Ltd", "ops@acme.example"), new EventProvenance("operator-api", "operator"));
        var goalId = NewId("goal");
        await silo.GrainFactory.GetGrain<ICoordinatorGrain>(goalId).Submit(new GoalRequest("write to the customer", customerId, Playbook: "email-one"));
        return (goalId, customerId);
    }

    private Task<TestSilo> StartAsync(string database, int suggestAfter = 5, Action<AiOs.Runtime.Hosting.SiloBuilder>? silo = null) => StartSiloAsync(database, silo: silo, services: services =>
    {
        services.AddAiOsWorkforce(o =>
        {
            o.MaxTaskAttempts = 1;
            o.RetryBaseDelay = TimeSpan.FromMilliseconds(5);
            o.Playbooks.Add(new Playbook("email-one", [], new Plan([new PlannedTask("send", "outreach", "Write and send a short hello.", Actions: ["email.send"])])));
        });
        services.Configure<ApprovalOptions>(o => o.SuggestAutonomyAfter = suggestAfter);
        services.AddSingleton<IConnector>(_connector);
    });

    private static async Task<GoalStatus> WaitForAsync(TestSilo silo, string goalId, GoalPhase phase, Func<GoalStatus, bool>? also = null)
    {
        var coordinator = silo.GrainFactory.GetGrain<ICoordinatorGrain>(goalId);
        GoalStatus? status = null;
        try
        {
            await Eventually.WaitUntilAsync(async () => (status = await coordinator.Status()).Phase == phase && (also?.Invoke(status) ?? true), $"goal {goalId} reaches {phase}");
        }
        catch (TimeoutException ex)
        {
            throw new TimeoutException($"{ex.Message} It is {status?.Phase}: {string.Join(" | ", status?.History ?? [])}", ex);
        }

        return status!;
    }
}

/// <summary>Approves a task's approval as the task's grain returns it, before the coordinator has marked the task waiting.</summary>
internal sealed class DecideAsSoonAsOpened : IIncomingGrainCallFilter
{
    public IGrainFactory? Grains { get; set; }

    public List<string> Decided { get; } = [];

    public async Task Invoke(IIncomingGrainCallContext context)
    {
        await context.Invoke();
        if (context.InterfaceName == typeof(IRoleTaskGrain).FullName && context.Result is RoleResult { AwaitingApproval: { } approvalId } && Decided.Count == 0)
        {
            Decided.Add(approvalId);
            await Grains!.GetGrain<IApprovalGrain>(approvalId).Decide(new ApprovalDecision(ApprovalChoice.Approve, "key:op"));
        }
    }
}

[Trait("Category", "Integration")]
public sealed class SqliteApprovalFlowTests(SqliteTestStorage storage, ITestOutputHelper output) : ApprovalFlowTests(storage, output), IClassFixture<SqliteTestStorage>;

[Trait("Category", "Integration")]
public sealed class PostgreSqlApprovalFlowTests(PostgreSqlTestStorage storage, ITestOutputHelper output) : ApprovalFlowTests(storage, output), IClassFixture<PostgreSqlTestStorage>;
