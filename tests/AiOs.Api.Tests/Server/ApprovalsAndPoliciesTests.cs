using System.Collections.Concurrent;
using AiOs.Api.Keys;
using AiOs.Api.Tests.Infrastructure;
using AiOs.Api.V1;
using AiOs.Cli;
using AiOs.Client;
using AiOs.Grpc;
using AiOs.Persistence.Events;
using AiOs.Testing;
using AiOs.Workforce.Actions;
using AiOs.Workforce.Coordinator;
using AiOs.Workforce.Entities;
using AiOs.Workforce.Playbooks;
using Microsoft.Extensions.DependencyInjection;
using Customer = AiOs.Workforce.Entities.Customer;
using GoalStatus = AiOs.Workforce.Coordinator.GoalStatus;
using Playbook = AiOs.Workforce.Playbooks.Playbook;
using PlannedTask = AiOs.Workforce.Playbooks.PlannedTask;

namespace AiOs.Api.Tests.Server;

/// <summary>aios.v1.Approvals and aios.v1.Policies on a silo running the workforce (SQLite, offline model): a goal's email
/// waits in the queue, the operator edits and approves it through the API (or the CLI), the connector receives the edit
/// once; decisions twice, on unknown ids, or with a read-only key change nothing; a malformed policy is refused with its
/// line.</summary>
public sealed class ApprovalsAndPoliciesTests : IAsyncLifetime
{
    private readonly Connector _connector = new();
    private ApiHost _host = null!;
    private AiOsClient _operator = null!;
    private AiOsClient _reader = null!;

    public async ValueTask InitializeAsync()
    {
        _host = await ApiHost.StartAsync(
            silo: s => s.AddGrains(typeof(CoordinatorGrain).Assembly),
            services: s =>
            {
                s.AddAiOsWorkforce(o => o.Playbooks.Add(new Playbook("email-one", [], new Plan([new PlannedTask("send", "outreach", "Say hello.", Actions: ["email.send"])]))));
                s.AddSingleton<IConnector>(_connector);
            });
        _operator = _host.Client(_host.InitialOperatorKey);
        _reader = _host.Client(await _host.CreateKeyAsync(ApiKeyScopes.ReadOnly));
    }

    public async ValueTask DisposeAsync()
    {
        _operator.Dispose();
        _reader.Dispose();
        await _host.DisposeAsync();
    }

    [Fact]
    public async Task EditAndApprove_ThroughTheApi_SendsTheEditOnce_AndASecondDifferentDecisionIsFailedPrecondition()
    {
        var goalId = await SubmitAsync();
        var listed = await WaitForApprovalAsync(goalId);
        var approval = await _reader.GetApprovalAsync(listed.ApprovalId);
        Assert.Equal((ApprovalStatus.Pending, "customer-emails", "email.send"), (approval.Status, approval.PolicyRule, approval.ActionKind));
        Assert.Equal("hold", approval.DefaultAction);
        Assert.Contains("customer:", approval.Sources[0], StringComparison.Ordinal);

        var denied = await Assert.ThrowsAsync<RpcException>(() => _reader.ApproveAsync(approval.ApprovalId));
        var edited = approval.PayloadJson.Replace("\"text\":\"", "\"text\":\"Edited. ", StringComparison.Ordinal);
        var decided = await _operator.EditAndApproveAsync(approval.ApprovalId, edited, "friendlier");
        await WaitForGoalAsync(goalId, GoalPhase.Done);
        var twice = await Assert.ThrowsAsync<RpcException>(() => _operator.RejectAsync(approval.ApprovalId, "no"));
        var same = await _operator.EditAndApproveAsync(approval.ApprovalId, edited, "friendlier");

        Assert.Equal(StatusCode.PermissionDenied, denied.StatusCode);
        Assert.Equal((ApprovalStatus.EditedAndApproved, edited), (decided.Status, decided.PayloadJson));
        Assert.StartsWith("key:", decided.DecidedBy, StringComparison.Ordinal);
        Assert.Equal(StatusCode.FailedPrecondition, twice.StatusCode);
        Assert.Contains("already edited and approved", twice.Detail, StringComparison.Ordinal);
        Assert.Equal(decided.DecidedAt, same.DecidedAt);
        Assert.Equal(edited, Assert.Single(_connector.Calls).Request);
        var decisions = await _reader.ListPolicyDecisionsAsync(new ListPolicyDecisionsRequest { GoalId = goalId });
        Assert.Equal(("customer-emails", PolicyOutcome.NeedsApproval), (Assert.Single(decisions.Decisions).Rule, decisions.Decisions[0].Outcome));
    }

    [Fact]
    public async Task Decisions_OnUnknownIds_AreNotFound_SinglyAndInABatch()
    {
        var goalId = await SubmitAsync();
        var listed = await WaitForApprovalAsync(goalId);

        var single = await Assert.ThrowsAsync<RpcException>(() => _operator.ApproveAsync("apr-nope"));
        var batch = await _operator.DecideApprovalsAsync(new DecideApprovalsRequest
        {
            Decisions =
            {
                new ApprovalDecision { ApprovalId = "apr-nope", Kind = DecisionKind.Approve },
                new ApprovalDecision { ApprovalId = listed.ApprovalId, Kind = DecisionKind.Reject, Reason = "not now" },
                new ApprovalDecision { ApprovalId = listed.ApprovalId, Kind = DecisionKind.Approve },
            },
        });

        Assert.Equal(StatusCode.NotFound, single.StatusCode);
        Assert.Equal("there is no approval 'apr-nope'", single.Detail);
        Assert.Equal([(int)StatusCode.NotFound, 0, (int)StatusCode.FailedPrecondition], batch.Results.Select(r => r.ErrorCode));
        Assert.Equal(ApprovalStatus.Rejected, batch.Results[1].Approval.Status);
        await WaitForGoalAsync(goalId, GoalPhase.WaitingForApproval, s => s.Escalation?.Contains("not now", StringComparison.Ordinal) == true);
        Assert.Empty(_connector.Calls);
    }

    [Fact]
    public async Task SetPolicy_Malformed_IsInvalidArgumentWithTheLine_StaleVersionIsAborted_AndAValidOneIsInForce()
    {
        var before = await _reader.GetPolicyAsync();

        var malformed = await Assert.ThrowsAsync<RpcException>(() => _operator.SetPolicyAsync("rules:\n  - name: a\n    then: sometimes\n"));
        var stale = await Assert.ThrowsAsync<RpcException>(() => _operator.SetPolicyAsync("rules: []\n", expectedVersion: "7"));
        var set = await _operator.SetPolicyAsync("rules:\n  - name: all-auto\n    then: auto\n", before.Version);
        var after = await _reader.GetPolicyAsync();

        Assert.Equal(("0", "built-in default"), (before.Version, before.UpdatedBy));
        Assert.Contains(before.Rules, r => r.Name == "customer-emails" && r.Outcome == PolicyOutcome.NeedsApproval);
        Assert.Equal(StatusCode.InvalidArgument, malformed.StatusCode);
        Assert.Equal("policy line 3: then must be auto, needs-approval or refused, not 'sometimes'; the previous policy stays in force", malformed.Detail);
        Assert.Equal(StatusCode.Aborted, stale.StatusCode);
        Assert.Equal(("1", "all-auto"), (set.Version, Assert.Single(after.Rules).Name));
        Assert.StartsWith("key:", after.UpdatedBy, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Cli_PolicySetAndGet_AndApprovalsListShowApprove()
    {
        using var directory = new TempDirectory("aios-cli-policy");
        var bad = Path.Combine(directory.Path, "bad.yaml");
        await File.WriteAllTextAsync(bad, "rules:\n  - name: x\n    when: { colour: red }\n    then: auto\n", TestContext.Current.CancellationToken);
        var refused = await _host.RunCliAsync("policy", "set", bad);
        var get = await _host.RunCliAsync("policy", "get");

        Assert.Equal(ExitCodes.Usage, refused.ExitCode);
        Assert.Contains("policy line 3: unknown condition 'colour'", refused.Error, StringComparison.Ordinal);
        Assert.Equal(ExitCodes.Ok, get.ExitCode);
        Assert.Contains("customer-emails", get.Output, StringComparison.Ordinal);

        var goalId = await SubmitAsync();
        var approvalId = (await WaitForApprovalAsync(goalId)).ApprovalId;
        var list = await _host.RunCliAsync("approvals", "list");
        var show = await _host.RunCliAsync("approvals", "show", approvalId);
        var approve = await _host.RunCliAsync("approvals", "approve", approvalId);
        await WaitForGoalAsync(goalId, GoalPhase.Done);
        var decisions = await _host.RunCliAsync("policy", "decisions", "--goal", goalId);

        Assert.Contains(approvalId, list.Output, StringComparison.Ordinal);
        Assert.Contains("customer-emails", show.Output, StringComparison.Ordinal);
        Assert.Equal(ExitCodes.Ok, approve.ExitCode);
        Assert.Contains("Approved", approve.Output, StringComparison.Ordinal);
        Assert.Contains("needs-approval", decisions.Output, StringComparison.Ordinal);
        Assert.Single(_connector.Calls);
    }

    private async Task<string> SubmitAsync()
    {
        var grains = _host.Silo.GrainFactory;
        var customerId = "cust-" + Guid.NewGuid().ToString("N")[..8];
        await grains.GetGrain<ICustomerGrain>(customerId).Save(new Customer("Acme Ltd", "ops@acme.example"), new EventProvenance("operator-api", "operator"));
        var goalId = "goal-" + Guid.NewGuid().ToString("N")[..8];
        await grains.GetGrain<ICoordinatorGrain>(goalId).Submit(new GoalRequest("say hello", customerId, Playbook: "email-one"));
        return goalId;
    }

    private async Task<Approval> WaitForApprovalAsync(string goalId)
    {
        Approval? found = null;
        await Eventually.WaitUntilAsync(async () =>
            (found = (await _reader.ListApprovalsAsync(new ListApprovalsRequest { GoalId = goalId })).Approvals.SingleOrDefault()) is not null,
            $"goal {goalId} has an approval waiting");
        return found!;
    }

    private Task WaitForGoalAsync(string goalId, GoalPhase phase, Func<GoalStatus, bool>? also = null) =>
        Eventually.WaitUntilAsync(async () =>
        {
            var status = await _host.Silo.GrainFactory.GetGrain<ICoordinatorGrain>(goalId).Status();
            return status.Phase == phase && (also?.Invoke(status) ?? true);
        }, $"goal {goalId} reaches {phase}");

    private sealed class Connector : IConnector
    {
        public ConcurrentQueue<(string Action, string Key, string Request)> Calls { get; } = new();

        public IReadOnlyList<string> Actions { get; } = ["email.send"];

        public bool AcceptsIdempotencyKey => true;

        public Task<ConnectorResult> SendAsync(string action, string requestJson, string idempotencyKey, CancellationToken cancellationToken)
        {
            Calls.Enqueue((action, idempotencyKey, requestJson));
            return Task.FromResult(new ConnectorResult(ConnectorOutcome.Succeeded, """{"status":250}"""));
        }
    }
}
