using AiOs.Memory;
using AiOs.Persistence.Events;
using AiOs.Persistence.Ledger;
using AiOs.Testing;
using AiOs.Workforce.Actions;
using AiOs.Workforce.Approvals;
using AiOs.Workforce.Coordinator;
using AiOs.Workforce.Entities;
using AiOs.Workforce.Goals;
using AiOs.Workforce.Models;
using AiOs.Workforce.Playbooks;
using AiOs.Workforce.Tests.Models;
using AiOs.Workforce.Tests.Storage;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;

namespace AiOs.Workforce.Tests.Coordinator;

/// <summary>The coordinator on real silos and storage: planning and re-planning, parallel execution, retries, tier
/// fallback, escalation and cancellation. The model is scripted except in the offline test.</summary>
public abstract class CoordinatorTests(ITestStorage storage, ITestOutputHelper output) : WorkforceTestBase(storage, output)
{
    private const string TwoIndependentTasks = """{"tasks":[{"id":"a","role":"writer","instructions":"write A"},{"id":"b","role":"writer","instructions":"write B"},{"id":"c","role":"writer","instructions":"join","dependsOn":["a","b"]}]}""";
    private static readonly ChatResponse Good = ScriptedChatClient.Text("""{"output":"fine","confidence":0.9}""");

    private readonly RecordingConnector _connector = new();

    [Fact]
    public async Task OfflineProvider_NoKeyConfigured_RunsTheOnboardingGoalToDone_WithItsEmailApprovedAndSentOnce()
    {
        var database = Storage.NewDatabase();
        var silo = await StartAsync(database);
        var customerId = NewId("cust");
        await silo.GrainFactory.GetGrain<ICustomerGrain>(customerId).Save(new Customer("Acme Ltd", "ops@acme.example"), new EventProvenance("operator-api", "operator"));
        var goalId = NewId("goal");

        await silo.GrainFactory.GetGrain<ICoordinatorGrain>(goalId).Submit(new GoalRequest("Onboard our new customer", customerId));

        // The default policy sends emails to customers to the operator first.
        var waiting = await WaitForAsync(silo, goalId, GoalPhase.WaitingForApproval);
        await silo.GrainFactory.GetGrain<IApprovalGrain>(Assert.Single(waiting.WaitingApprovals!)).Decide(new ApprovalDecision(ApprovalChoice.Approve, "operator"));
        var status = await WaitForAsync(silo, goalId, GoalPhase.Done);

        Assert.Equal((5, 5), (status.TasksDone, status.TasksTotal));
        Assert.Contains("Acme Ltd", status.Outputs["welcome"], StringComparison.Ordinal);
        Assert.Equal("models: small=offline, large=offline", silo.Services.GetRequiredService<ModelCatalog>().Describe());
        var sent = Assert.Single(_connector.Calls);
        Assert.Equal(("email.send", ActionKey.For(goalId, "send", 0, "email.send")), (sent.Action, sent.Key));
        var ledger = await silo.Services.GetRequiredService<IActionLedger>().ReadGoalAsync(goalId);
        Assert.Equal((ActionStatus.Succeeded, 1), (Assert.Single(ledger).Status, ledger[0].Attempts));
    }

    [Fact]
    public async Task BadPlan_IsRejectedAndReplanned_ThenIndependentTasksRunInParallel()
    {
        var planner = ScriptedChatClient.Replying(
            ScriptedChatClient.Text("""{"tasks":[{"id":"a","role":"astrologer","instructions":"x"},{"id":"b","role":"writer","instructions":"y","dependsOn":["b"]}]}"""),
            ScriptedChatClient.Text(TwoIndependentTasks));
        var both = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var seen = 0;
        var worker = new GatedChatClient(async text =>
        {
            // "write A" and "write B" each wait until both have arrived: only parallel execution gets past this.
            if (text.Contains("write A", StringComparison.Ordinal) || text.Contains("write B", StringComparison.Ordinal))
            {
                if (Interlocked.Increment(ref seen) == 2)
                {
                    both.TrySetResult();
                }

                await both.Task.WaitAsync(TimeSpan.FromSeconds(20));
            }

            return Good;
        });
        var silo = await StartAsync(Storage.NewDatabase(), new ScriptedModelProviders(worker, planner));
        var goalId = NewId("goal");

        await silo.GrainFactory.GetGrain<ICoordinatorGrain>(goalId).Submit(new GoalRequest("write two things and join them"));
        var status = await WaitForAsync(silo, goalId, GoalPhase.Done);

        Assert.Equal((3, 3), (status.TasksDone, status.TasksTotal));
        var rejection = Assert.Single(status.History, h => h.Contains("plan 1 rejected", StringComparison.Ordinal));
        Assert.Contains("unknown role 'astrologer'", rejection, StringComparison.Ordinal);
        Assert.Contains("cycle", rejection, StringComparison.Ordinal);
        Assert.Equal(2, planner.Calls);
    }

    [Fact]
    public async Task PlanInvalidEveryTime_IsEscalatedToTheOperatorAfterTheReplanLimit()
    {
        var planner = new ScriptedChatClient((_, _) => ScriptedChatClient.Text("""{"tasks":[]}"""));
        var silo = await StartAsync(Storage.NewDatabase(), new ScriptedModelProviders(planner, planner));
        var goalId = NewId("goal");

        await silo.GrainFactory.GetGrain<ICoordinatorGrain>(goalId).Submit(new GoalRequest("do the impossible"));
        var status = await WaitForAsync(silo, goalId, GoalPhase.WaitingForApproval);

        Assert.Equal(3, planner.Calls);
        Assert.Contains("no valid plan after 3 attempts", status.Escalation, StringComparison.Ordinal);
    }

    [Fact]
    public async Task FailingTask_IsRetriedThenTriedOnTheOtherTier_AndSucceedsThere()
    {
        var small = new ScriptedChatClient((_, _) => throw new HttpRequestException("small model is down"));
        var large = new ScriptedChatClient((_, _) => Good);
        var silo = await StartAsync(Storage.NewDatabase(), new ScriptedModelProviders(small, large));
        var goalId = NewId("goal");

        await silo.GrainFactory.GetGrain<ICoordinatorGrain>(goalId).Submit(new GoalRequest("post", Playbook: "single-writer"));
        var status = await WaitForAsync(silo, goalId, GoalPhase.Done);

        // Two attempts on the small tier (writer's own), then the fallback to the large tier.
        Assert.Equal(2, small.Calls);
        Assert.Equal(1, large.Calls);
        Assert.Contains(status.History, h => h.Contains("done on the Large tier after 3 attempt(s)", StringComparison.Ordinal));
    }

    [Fact]
    public async Task TaskFailingOnEveryTier_IsEscalatedWithItsHistory()
    {
        var broken = new ScriptedChatClient((_, _) => ScriptedChatClient.Text("not json"));
        var silo = await StartAsync(Storage.NewDatabase(), new ScriptedModelProviders(broken, broken));
        var goalId = NewId("goal");

        await silo.GrainFactory.GetGrain<ICoordinatorGrain>(goalId).Submit(new GoalRequest("post", Playbook: "single-writer"));
        var status = await WaitForAsync(silo, goalId, GoalPhase.WaitingForApproval);

        Assert.Contains("write: failed 3 times", status.Escalation, StringComparison.Ordinal);
        Assert.Contains("not the JSON asked for", status.Escalation, StringComparison.Ordinal);
        Assert.Equal(0, status.TasksDone);
    }

    [Fact]
    public async Task Cancel_WhileATaskRuns_EndsTheGoalCancelled()
    {
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var never = new TaskCompletionSource<ChatResponse>(TaskCreationOptions.RunContinuationsAsynchronously);
        var hanging = new GatedChatClient(_ => { started.TrySetResult(); return never.Task; });
        var silo = await StartAsync(Storage.NewDatabase(), new ScriptedModelProviders(hanging, hanging));
        var goalId = NewId("goal");
        var coordinator = silo.GrainFactory.GetGrain<ICoordinatorGrain>(goalId);
        await coordinator.Submit(new GoalRequest("post", Playbook: "single-writer"));
        await started.Task.WaitAsync(TimeSpan.FromSeconds(20), TestContext.Current.CancellationToken);

        await coordinator.Cancel();
        var status = await WaitForAsync(silo, goalId, GoalPhase.Cancelled);
        never.TrySetResult(Good);

        Assert.Contains(status.History, h => h.Contains("cancelled by the operator", StringComparison.Ordinal));
        Assert.Equal(0, status.TasksDone);
    }

    [Fact]
    public async Task Cancel_WhileTheRunIsBetweenSteps_AnswersWithTheGoalCancelled()
    {
        // The cancellation arrives while the run tells the goal index it has planned: the answer must wait for the run to
        // write the cancellation rather than say "running".
        var (silo, goalId) = await SubmitHeldAsync(new HoldIndexUpdate(GoalPhase.Running, releasedBy: nameof(ICoordinatorGrain.Cancel)));

        var answered = await silo.GrainFactory.GetGrain<ICoordinatorGrain>(goalId).Cancel();

        Assert.Equal(GoalPhase.Cancelled, answered.Phase);
        Assert.Contains(answered.History, h => h.Contains("cancelled by the operator", StringComparison.Ordinal));
        Assert.Equal(0, answered.TasksDone);
    }

    [Fact]
    public async Task ForgetCustomer_RightAfterTheirGoalIsDone_WhileItsRunStillFinishes_ErasesTheGoal()
    {
        // The goal is done (its status says so) but its run is still telling the goal index when the operator forgets the
        // customer: the forget waits for the run to end instead of refusing a goal that has ended.
        var customerId = NewId("cust");
        var (silo, goalId) = await SubmitHeldAsync(new HoldIndexUpdate(GoalPhase.Done, releasedBy: nameof(ICoordinatorGrain.Erase)), customerId);
        Assert.Equal(GoalPhase.Done, (await silo.GrainFactory.GetGrain<ICoordinatorGrain>(goalId).Status()).Phase);

        var report = await silo.Services.GetRequiredService<MemoryService>().ForgetCustomerAsync(customerId, new EventProvenance("operator-api", "operator"));

        Assert.Equal(1, report.GoalsErased);
        var checkpoint = await silo.GrainFactory.GetGrain<ICoordinatorGrain>(goalId).Checkpoint();
        Assert.Equal((CoordinatorGrain.ErasedText, null, GoalPhase.Done), (checkpoint.Request!.Text, checkpoint.Request.CustomerId, checkpoint.Phase));
    }

    // Submits a one-task goal (for a new customer when given) on a silo with the hold, and returns once the hold holds.
    private async Task<(TestSilo Silo, string GoalId)> SubmitHeldAsync(HoldIndexUpdate hold, string? customerId = null)
    {
        var silo = await StartAsync(Storage.NewDatabase(), silo: s => s.AddIncomingGrainCallFilter(hold).AddOutgoingGrainCallFilter(hold));
        if (customerId is not null)
        {
            await silo.GrainFactory.GetGrain<ICustomerGrain>(customerId).Create(new Customer("Forgettable Ltd", "ops@forgettable.example"), new EventProvenance("operator-api", "operator"));
        }

        var goalId = NewId("goal");
        await silo.GrainFactory.GetGrain<IGoalGrain>(goalId).Submit(new GoalSubmission("post", customerId, Playbook: "single-writer"));
        await hold.Held.Task.WaitAsync(TimeSpan.FromSeconds(20), TestContext.Current.CancellationToken);
        return (silo, goalId);
    }

    private Task<TestSilo> StartAsync(string database, IModelProviders? providers = null, Action<AiOs.Runtime.Hosting.SiloBuilder>? silo = null) => StartSiloAsync(database, silo: silo, services: services =>
    {
        services.AddAiOsWorkforce(o =>
        {
            o.MaxTaskAttempts = 2;
            o.RetryBaseDelay = TimeSpan.FromMilliseconds(5);
            o.Playbooks.Add(new Playbook("single-writer", [], new Plan([new PlannedTask("write", "writer", "write a post")])));
        });
        services.AddSingleton<IConnector>(_connector);
        if (providers is not null)
        {
            services.AddSingleton(providers);
        }
    });

    private static async Task<GoalStatus> WaitForAsync(TestSilo silo, string goalId, GoalPhase phase)
    {
        var coordinator = silo.GrainFactory.GetGrain<ICoordinatorGrain>(goalId);
        GoalStatus? status = null;
        await Eventually.WaitUntilAsync(async () => (status = await coordinator.Status()).Phase == phase, $"goal {goalId} reaches {phase}");
        return status!;
    }
}

/// <summary>Holds the coordinator's first update of the goal index that puts a goal in <paramref name="phase"/>, before it
/// is sent, until the coordinator is called on <paramref name="releasedBy"/>, and lets it go as that call starts: the run
/// is then in a step it cannot be interrupted in when the call arrives. (Held on the way out, so the index itself stays
/// free for others.) Register it as both an incoming and an outgoing filter.</summary>
internal sealed class HoldIndexUpdate(GoalPhase phase, string releasedBy) : IIncomingGrainCallFilter, IOutgoingGrainCallFilter
{
    private readonly TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completed when an update is being held.</summary>
    public TaskCompletionSource Held { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public async Task Invoke(IIncomingGrainCallContext context)
    {
        var call = context.Invoke();
        if (context.InterfaceName == typeof(ICoordinatorGrain).FullName && context.MethodName == releasedBy)
        {
            _released.TrySetResult();
        }

        await call;
    }

    public async Task Invoke(IOutgoingGrainCallContext context)
    {
        if (context.InterfaceName == typeof(IGoalIndexGrain).FullName && context.MethodName == nameof(IGoalIndexGrain.Update)
            && context.Request.GetArgument(1) is GoalSummary summary && summary.Phase == phase && Held.TrySetResult())
        {
            await _released.Task;
        }

        await context.Invoke();
    }
}

/// <summary>A model whose every reply comes from an async function of the request's last user text.</summary>
public sealed class GatedChatClient(Func<string, Task<ChatResponse>> reply) : IChatClient
{
    public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
        reply(messages.Last(m => m.Role == ChatRole.User).Text);

    public IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException();

    public object? GetService(Type serviceType, object? serviceKey = null) => null;

    public void Dispose()
    {
    }
}

[Trait("Category", "Integration")]
public sealed class SqliteCoordinatorTests(SqliteTestStorage storage, ITestOutputHelper output) : CoordinatorTests(storage, output), IClassFixture<SqliteTestStorage>;

[Trait("Category", "Integration")]
public sealed class PostgreSqlCoordinatorTests(PostgreSqlTestStorage storage, ITestOutputHelper output) : CoordinatorTests(storage, output), IClassFixture<PostgreSqlTestStorage>;
