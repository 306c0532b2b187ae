using System.Collections.Concurrent;
using AiOs.Persistence.Approvals;
using AiOs.Persistence.Ledger;
using AiOs.Testing;
using AiOs.Workforce.Actions;
using AiOs.Workforce.Approvals;
using AiOs.Workforce.Coordinator;
using AiOs.Workforce.Playbooks;
using AiOs.Workforce.Tests.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace AiOs.Workforce.Tests.Approvals;

/// <summary>An action whose outcome cannot be known (the connector cannot repeat it safely) becomes an operator question:
/// approve resends it once, reject marks it done without sending; either way the goal then completes.</summary>
public abstract class OutcomeUnknownTests(ITestStorage storage, ITestOutputHelper output) : WorkforceTestBase(storage, output)
{
    [Theory]
    [InlineData(ApprovalChoice.Approve, 2, "")]
    [InlineData(ApprovalChoice.Reject, 1, "marked done by key:op")]
    public async Task UnknownOutcome_AsksTheOperator_AndTheAnswerIsAppliedOnce(ApprovalChoice answer, int calls, string resolution)
    {
        var connector = new OnceUnknownConnector();
        var silo = await StartSiloAsync(Storage.NewDatabase(), s =>
        {
            s.AddAiOsWorkforce(o =>
            {
                o.MaxTaskAttempts = 1;
                o.Playbooks.Add(new Playbook("hook", [], new Plan([new PlannedTask("post", "outreach", "Post it.", Actions: ["webhook.post"])])));
            });
            s.AddSingleton<IConnector>(connector);
        });
        var goalId = NewId("goal");
        var coordinator = silo.GrainFactory.GetGrain<ICoordinatorGrain>(goalId);
        await coordinator.Submit(new GoalRequest("post to the hook", Playbook: "hook"));

        GoalStatus? waiting = null;
        await Eventually.WaitUntilAsync(async () => (waiting = await coordinator.Status()).WaitingApprovals is [_], "the goal asks the operator");
        var questionId = waiting!.WaitingApprovals![0];
        var question = (await silo.GrainFactory.GetGrain<IApprovalGrain>(questionId).Get())!;
        Assert.Equal((ApprovalKind.OutcomeUnknown, "outcome-unknown"), (question.Kind, question.PolicyRule));
        Assert.Contains("Approve to resend it, reject to mark it done", question.Summary, StringComparison.Ordinal);

        await silo.GrainFactory.GetGrain<IApprovalGrain>(questionId).Decide(new ApprovalDecision(answer, "key:op", answer == ApprovalChoice.Reject ? "it arrived" : null));
        await Eventually.WaitUntilAsync(async () => (await coordinator.Status()).Phase == GoalPhase.Done, "the goal completes");

        Assert.Equal(calls, connector.Calls.Count);
        Assert.Single(connector.Calls.Distinct());
        var entry = Assert.Single(await silo.Services.GetRequiredService<IActionLedger>().ReadGoalAsync(goalId));
        Assert.Equal((ActionStatus.Succeeded, calls), (entry.Status, entry.Attempts));
        Assert.Equal(resolution, entry.Resolution ?? "");
    }

    // The first call times out after sending (unknown); later ones succeed. It takes no idempotency key.
    private sealed class OnceUnknownConnector : IConnector
    {
        public ConcurrentQueue<string> Calls { get; } = new();

        public IReadOnlyList<string> Actions { get; } = ["webhook.post"];

        public bool AcceptsIdempotencyKey => false;

        public Task<ConnectorResult> SendAsync(string action, string requestJson, string idempotencyKey, CancellationToken cancellationToken)
        {
            Calls.Enqueue(idempotencyKey);
            return Task.FromResult(Calls.Count == 1
                ? new ConnectorResult(ConnectorOutcome.Unknown, Error: "timed out after sending")
                : new ConnectorResult(ConnectorOutcome.Succeeded, """{"status":200}"""));
        }
    }
}

[Trait("Category", "Integration")]
public sealed class SqliteOutcomeUnknownTests(SqliteTestStorage storage, ITestOutputHelper output) : OutcomeUnknownTests(storage, output), IClassFixture<SqliteTestStorage>;

[Trait("Category", "Integration")]
public sealed class PostgreSqlOutcomeUnknownTests(PostgreSqlTestStorage storage, ITestOutputHelper output) : OutcomeUnknownTests(storage, output), IClassFixture<PostgreSqlTestStorage>;
