using AiOs.Persistence.Spend;
using AiOs.Testing;
using AiOs.Workforce.Budgets;
using AiOs.Workforce.Coordinator;
using AiOs.Workforce.Models;
using AiOs.Workforce.Playbooks;
using AiOs.Workforce.Roles;
using AiOs.Workforce.Tests.Models;
using AiOs.Workforce.Tests.Storage;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;

namespace AiOs.Workforce.Tests.Budgets;

/// <summary>Budgets on real silos and storage: a goal stops at its cap and resumes when the operator raises it, without
/// repeating steps; reservations hold under concurrency; a role drops to the small tier when its contract allows; the
/// deadline pauses a goal. Models are scripted and priced: the small tier 1,000 micros per input token and 2,000 per
/// output token (0.001 and 0.002 of the currency).</summary>
public abstract class BudgetTests(ITestStorage storage, ITestOutputHelper output) : WorkforceTestBase(storage, output)
{
    private const long CallInputTokens = 20;
    private const long CallOutputTokens = 5;

    // What one scripted small-tier call costs: 20 x 1,000 + 5 x 2,000 micros.
    private const long SmallCallMicros = 30_000;

    private static readonly ChatResponse Good = ScriptedChatClient.Text("""{"output":"fine","confidence":0.9}""", CallInputTokens, CallOutputTokens);

    [Fact]
    public async Task RoleWhoseModelNeverFinishes_StopsAtTheCapPlusAtMostOneCall_ThenResumesWithoutRepeatingSteps_WhenTheBudgetIsRaised()
    {
        var finishing = false;
        var model = new ScriptedChatClient((messages, _) =>
        {
            var prompt = messages.First(m => m.Role == ChatRole.User).Text;
            return prompt.Contains("write the brief", StringComparison.Ordinal) || Volatile.Read(ref finishing)
                ? Good
                : ToolCallCosting(CallInputTokens, CallOutputTokens); // asks for yet another tool round, forever
        });
        var silo = await StartAsync(Storage.NewDatabase(), new ScriptedModelProviders(model, model));
        var goalId = NewId("goal");
        var coordinator = silo.GrainFactory.GetGrain<ICoordinatorGrain>(goalId);

        await coordinator.Submit(new GoalRequest("brief then draft", Playbook: "brief-then-draft", Budget: 0.50m));
        var paused = await WaitForAsync(silo, goalId, GoalPhase.Paused);

        var spent = await SpentAsync(silo, goalId);
        // It ran until the cap stopped it (a reservation is an estimate of about 0.07 here), and never past the cap plus one call.
        Assert.InRange(spent.CostMicros, 300_000, 500_000 + SmallCallMicros);
        Assert.Equal(model.Calls, spent.Calls);
        Assert.Contains("budget of the goal", paused.Escalation, StringComparison.Ordinal);
        Assert.Contains($"aios budgets set goal {goalId}", paused.Escalation, StringComparison.Ordinal);
        Assert.Equal((1, 2), (paused.TasksDone, paused.TasksTotal));
        Assert.Equal([goalId], await silo.GrainFactory.GetGrain<IBudgetsGrain>(BudgetsGrain.Key).Waiting());

        Volatile.Write(ref finishing, true);
        var raised = await silo.GrainFactory.GetGrain<IBudgetsGrain>(BudgetsGrain.Key).Set(BudgetScope.Goal, goalId, 2_000_000, "operator");
        var done = await WaitForAsync(silo, goalId, GoalPhase.Done);

        Assert.Equal(2_000_000, raised.LimitMicros);
        Assert.Equal((2, 2), (done.TasksDone, done.TasksTotal));
        Assert.Single(model.Requests, r => r.Messages.Any(m => m.Text.Contains("write the brief", StringComparison.Ordinal)));
        Assert.Single(done.History, h => h.Contains("task brief done", StringComparison.Ordinal));
        Assert.Empty(await silo.GrainFactory.GetGrain<IBudgetsGrain>(BudgetsGrain.Key).Waiting());
        var byRole = await silo.Services.GetRequiredService<ISpendStore>().QuerySpendAsync(Today(SpendGrouping.Role, goalId));
        Assert.Equal("writer", Assert.Single(byRole).Key);
    }

    [Fact]
    public async Task BudgetRaisedWhileARefusedTaskWaitsForTheOthers_RunsItAgain_AndTheGoalNeverPauses()
    {
        var (silo, goalId, auditor, release) = await AuditRefusedWhileTheDraftIsWrittenAsync();
        var budgets = silo.GrainFactory.GetGrain<IBudgetsGrain>(BudgetsGrain.Key);

        await budgets.Set(BudgetScope.Role, "auditor", 1_000_000_000, "operator");
        release.SetResult();
        var ended = await WaitForEitherAsync(silo, goalId, GoalPhase.Done, GoalPhase.Paused);

        Assert.Equal(GoalPhase.Done, ended.Phase);
        Assert.Equal(1, auditor.Calls);
        Assert.DoesNotContain(ended.History, h => h.Contains("paused", StringComparison.Ordinal));
        Assert.Empty(await budgets.Waiting());
    }

    [Fact]
    public async Task BudgetRaisedBetweenARefusalAndTheGoalJoiningTheWaitingList_RunsTheTaskAgainAtOnce()
    {
        var auditor = new ScriptedChatClient((_, _) => Good);
        var hold = new HoldWaitForBudget();
        var silo = await StartAsync(Storage.NewDatabase(), new ScriptedModelProviders(auditor, auditor), ShiftedTimeProvider.AtMidday(), s => s.AddOutgoingGrainCallFilter(hold));
        var budgets = silo.GrainFactory.GetGrain<IBudgetsGrain>(BudgetsGrain.Key);
        await budgets.Set(BudgetScope.Role, "auditor", 0, "operator");
        var goalId = NewId("goal");

        await silo.GrainFactory.GetGrain<ICoordinatorGrain>(goalId).Submit(new GoalRequest("audit", Playbook: "audit"));
        await hold.Held.Task.WaitAsync(TimeSpan.FromSeconds(20), TestContext.Current.CancellationToken);
        await budgets.Set(BudgetScope.Role, "auditor", 1_000_000_000, "operator");
        hold.Release();
        var ended = await WaitForEitherAsync(silo, goalId, GoalPhase.Done, GoalPhase.Paused);

        Assert.Equal(GoalPhase.Done, ended.Phase);
        Assert.Contains(ended.History, h => h.Contains("a budget has been set since, so it runs again", StringComparison.Ordinal));
        Assert.Equal(1, auditor.Calls);
        Assert.Empty(await budgets.Waiting());
    }

    [Fact]
    public async Task BudgetSet_DoesNotCallOffAPauseTheOperatorAskedFor()
    {
        var (silo, goalId, auditor, release) = await AuditRefusedWhileTheDraftIsWrittenAsync();
        var budgets = silo.GrainFactory.GetGrain<IBudgetsGrain>(BudgetsGrain.Key);
        var coordinator = silo.GrainFactory.GetGrain<ICoordinatorGrain>(goalId);

        await coordinator.Pause("reviewing the numbers first");
        await budgets.Set(BudgetScope.Role, "auditor", 1_000_000_000, "operator");
        release.SetResult();
        var paused = await WaitForAsync(silo, goalId, GoalPhase.Paused);

        Assert.Equal("reviewing the numbers first", paused.Escalation);
        Assert.Equal(0, auditor.Calls);
        await coordinator.Resume();
        await WaitForAsync(silo, goalId, GoalPhase.Done);
        Assert.Equal(1, auditor.Calls);
    }

    [Fact]
    public async Task ConcurrentCalls_AgainstOneBudget_NeverMakeMoreCallsThanItHolds()
    {
        var inFlight = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var model = new GatedChatClientWithUsage(async () => { await inFlight.Task; return Good; });

        // A role's budget is counted per UTC day: at midday, no call of the test can fall on a day after the others.
        var clock = ShiftedTimeProvider.AtMidday();
        var silo = await StartAsync(Storage.NewDatabase(), new ScriptedModelProviders(model, model), clock);
        var role = NewId("role");
        var models = silo.Services.GetRequiredService<ModelCatalog>();
        var meter = silo.Services.GetRequiredService<SpendMeter>();
        var message = new ChatMessage(ChatRole.User, new string('x', 400));
        var estimate = meter.EstimateMicros("test-small", [message], new ChatOptions { MaxOutputTokens = 5 });
        await silo.GrainFactory.GetGrain<IBudgetsGrain>(BudgetsGrain.Key).Set(BudgetScope.Role, role, 5 * estimate, "operator");

        var refused = 0;
        var calls = Task.Run(() => Concurrently.RunAsync(24, async _ =>
        {
            try
            {
                return await models.For(ModelTier.Small).GetResponseAsync([message], new ChatOptions { MaxOutputTokens = 5 }.For(new SpendSubject(Role: role)));
            }
            catch (BudgetExceededException)
            {
                Interlocked.Increment(ref refused);
                throw;
            }
        }));

        // Every call has been held or refused while the held ones are still in flight (settling frees room for more).
        await Eventually.WaitUntilAsync(() => model.Started == 5 && Volatile.Read(ref refused) == 19, "five calls in flight, nineteen refused");
        inFlight.SetResult();
        var outcomes = await calls;

        Assert.Equal(5, outcomes.Count(o => o.Succeeded));
        Assert.All(outcomes.Where(o => !o.Succeeded), o => Assert.IsType<BudgetExceededException>(o.Error));
        Assert.Equal(5, model.Started);
        var budget = (await silo.Services.GetRequiredService<ISpendStore>().ListBudgetsAsync(clock.GetUtcNow())).Single(b => b.Key == BudgetKey.Role(role));
        Assert.Equal((5 * SmallCallMicros, 0L), (budget.SpentMicros, budget.ReservedMicros));
    }

    [Fact]
    public async Task LargeTierCallOverBudget_DropsToTheSmallTier_WhenTheContractAllows_ElseThePauses()
    {
        var small = new ScriptedChatClient((_, _) => Good);
        var large = new ScriptedChatClient((_, _) => Good);
        var silo = await StartAsync(Storage.NewDatabase(), new ScriptedModelProviders(small, large), ShiftedTimeProvider.AtMidday()); // role budgets: one UTC day
        var budgets = silo.GrainFactory.GetGrain<IBudgetsGrain>(BudgetsGrain.Key);
        await budgets.Set(BudgetScope.Role, "analyst", 100_000, "operator");
        await budgets.Set(BudgetScope.Role, "auditor", 100_000, "operator");
        var (flexible, strict) = (NewId("goal"), NewId("goal"));

        await silo.GrainFactory.GetGrain<ICoordinatorGrain>(flexible).Submit(new GoalRequest("analyse", Playbook: "analyse"));
        await silo.GrainFactory.GetGrain<ICoordinatorGrain>(strict).Submit(new GoalRequest("audit", Playbook: "audit"));
        var done = await WaitForAsync(silo, flexible, GoalPhase.Done);
        var paused = await WaitForAsync(silo, strict, GoalPhase.Paused);

        Assert.Contains(done.History, h => h.Contains("task analyse done on the Small tier", StringComparison.Ordinal));
        Assert.Equal(1, small.Calls);
        Assert.Equal(0, large.Calls);
        Assert.Contains("budget of the role 'auditor'", paused.Escalation, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Deadline_PassedWhileATaskRuns_StartsNoFurtherTask_PausesTheGoal_AndResumeRunsOnPastIt()
    {
        // The deadline passes when the test says, while the brief is being written, however slow the machine.
        var clock = new ShiftedTimeProvider();
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var model = new GatedChatClientWithUsage(async () => { await release.Task; return Good; });
        var silo = await StartAsync(Storage.NewDatabase(), new ScriptedModelProviders(model, model), clock);
        var goalId = NewId("goal");
        var coordinator = silo.GrainFactory.GetGrain<ICoordinatorGrain>(goalId);

        await coordinator.Submit(new GoalRequest("brief then draft", Playbook: "brief-then-draft", Deadline: clock.GetUtcNow().AddHours(1)));
        await Eventually.WaitUntilAsync(() => model.Started == 1, "the brief is being written");
        clock.Advance(TimeSpan.FromHours(2));
        release.SetResult();
        var paused = await WaitForAsync(silo, goalId, GoalPhase.Paused);

        Assert.Equal((1, 1), (paused.TasksDone, model.Started));
        Assert.Contains("deadline", paused.Escalation, StringComparison.Ordinal);

        await coordinator.Resume();
        var done = await WaitForAsync(silo, goalId, GoalPhase.Done);

        Assert.Equal(2, model.Started);
        Assert.Contains(done.History, h => h.Contains("past the deadline", StringComparison.Ordinal));
    }

    [Fact]
    public async Task OperatorPause_LetsTheRunningTaskFinish_StartsNoOther_AndResumeCarriesOn()
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var model = new GatedChatClientWithUsage(async () => { await release.Task; return Good; });
        var silo = await StartAsync(Storage.NewDatabase(), new ScriptedModelProviders(model, model));
        var goalId = NewId("goal");
        var coordinator = silo.GrainFactory.GetGrain<ICoordinatorGrain>(goalId);
        await coordinator.Submit(new GoalRequest("brief then draft", Playbook: "brief-then-draft"));
        await Eventually.WaitUntilAsync(() => model.Started == 1, "the brief is being written");

        await coordinator.Pause("checking the brief first");
        release.SetResult();
        var paused = await WaitForAsync(silo, goalId, GoalPhase.Paused);

        Assert.Equal((1, 1, "checking the brief first"), (paused.TasksDone, model.Started, paused.Escalation));
        await coordinator.Resume();
        await WaitForAsync(silo, goalId, GoalPhase.Done);
        Assert.Equal(2, model.Started);
    }

    [Fact]
    public async Task StreamedCall_IsHeldAndChargedLikeAWholeResponse_AndRefusedOverTheCap()
    {
        var offline = new OfflineChatClient(_ => null);
        var silo = await StartAsync(Storage.NewDatabase(), new ScriptedModelProviders(offline, offline));
        var models = silo.Services.GetRequiredService<ModelCatalog>();
        var (paid, capped) = (NewId("goal"), NewId("goal"));
        await silo.GrainFactory.GetGrain<IBudgetsGrain>(BudgetsGrain.Key).Set(BudgetScope.Goal, capped, 0, "operator");

        var text = "";
        await foreach (var update in models.For(ModelTier.Small).GetStreamingResponseAsync("draft a short note", new ChatOptions().For(new SpendSubject(paid))))
        {
            text += update.Text;
        }

        var refused = await Assert.ThrowsAsync<BudgetExceededException>(async () =>
        {
            await foreach (var update in models.For(ModelTier.Small).GetStreamingResponseAsync("draft a short note", new ChatOptions().For(new SpendSubject(capped))))
            {
                Assert.Fail("a call over the cap must not be made");
            }
        });

        Assert.NotEmpty(text);
        var spent = await SpentAsync(silo, paid);
        Assert.Equal(1, spent.Calls);
        Assert.True(spent.CostMicros > 0 && spent.InputTokens > 0, $"charged {spent.CostMicros} micros for {spent.InputTokens} input tokens");
        Assert.Contains($"goal '{capped}'", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task BadGoalRequest_NegativeBudgetOrPastDeadline_IsRefusedClearly_AndNothingIsStored()
    {
        var silo = await StartAsync(Storage.NewDatabase(), new ScriptedModelProviders(new ScriptedChatClient((_, _) => Good), new ScriptedChatClient((_, _) => Good)));
        var goalId = NewId("goal");
        var coordinator = silo.GrainFactory.GetGrain<ICoordinatorGrain>(goalId);
        var budgets = silo.GrainFactory.GetGrain<IBudgetsGrain>(BudgetsGrain.Key);

        var negative = await Assert.ThrowsAsync<ArgumentException>(() => coordinator.Submit(new GoalRequest("x", Budget: -1m)));
        var late = await Assert.ThrowsAsync<ArgumentException>(() => coordinator.Submit(new GoalRequest("x", Deadline: DateTimeOffset.UtcNow.AddMinutes(-1))));
        var negativeLimit = await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => budgets.Set(BudgetScope.Role, "writer", -5, "operator"));
        var unknownScope = await Assert.ThrowsAsync<ArgumentException>(() => budgets.Set((BudgetScope)42, "writer", 5, "operator"));
        var daySubject = await Assert.ThrowsAsync<ArgumentException>(() => budgets.Set(BudgetScope.Day, "monday", 5, "operator"));

        Assert.Contains("budget must be between 0", negative.Message, StringComparison.Ordinal);
        Assert.Contains("deadline", late.Message, StringComparison.Ordinal);
        Assert.Contains("cannot be negative", negativeLimit.Message, StringComparison.Ordinal);
        Assert.Contains("not a budget scope", unknownScope.Message, StringComparison.Ordinal);
        Assert.Contains("takes no subject", daySubject.Message, StringComparison.Ordinal);
        Assert.Equal(0, (await coordinator.Status()).TasksTotal);
        Assert.Empty(await silo.Services.GetRequiredService<ISpendStore>().ListBudgetsAsync(DateTimeOffset.UtcNow));
    }

    private Task<TestSilo> StartAsync(string database, IModelProviders providers, TimeProvider? time = null, Action<AiOs.Runtime.Hosting.SiloBuilder>? silo = null) => StartSiloAsync(database, time: time, silo: silo, services: services =>
    {
        services.AddAiOsWorkforce(
            o =>
            {
                o.MaxTaskAttempts = 2;
                o.RetryBaseDelay = TimeSpan.FromMilliseconds(5);
                o.MaxToolRounds = 1000;
                o.Roles.Add(new RoleContract("analyst", "data", "an analysis", Tier: ModelTier.Large));
                o.Roles.Add(new RoleContract("auditor", "books", "an audit", Tier: ModelTier.Large, SmallTierOnBudget: false));
                o.Playbooks.Add(new Playbook("brief-then-draft", [], new Plan([
                    new PlannedTask("brief", "writer", "write the brief"),
                    new PlannedTask("draft", "writer", "write the draft", DependsOn: ["brief"])])));
                o.Playbooks.Add(new Playbook("analyse", [], new Plan([new PlannedTask("analyse", "analyst", "analyse the numbers")])));
                o.Playbooks.Add(new Playbook("audit", [], new Plan([new PlannedTask("audit", "auditor", "audit the numbers")])));
                o.Playbooks.Add(new Playbook("audit-and-draft", [], new Plan([
                    new PlannedTask("audit", "auditor", "audit the numbers"),
                    new PlannedTask("draft", "writer", "write the draft")])));
            },
            m =>
            {
                m.Small.Model = "test-small";
                m.Large.Model = "test-large";
                m.EstimatedOutputTokens = 5;
                m.Prices["test-small"] = new ModelPrice { InputPerMillion = 1_000m, OutputPerMillion = 2_000m };
                m.Prices["test-large"] = new ModelPrice { InputPerMillion = 100_000m, OutputPerMillion = 200_000m };
            });
        services.AddSingleton(providers);
    });

    // A goal of two tasks at once: the audit, refused by the auditor's budget of 0, and the draft, whose model call is held
    // until `release` is completed. Returns once the audit has been refused while the draft is being written.
    private async Task<(TestSilo Silo, string GoalId, ScriptedChatClient Auditor, TaskCompletionSource Release)> AuditRefusedWhileTheDraftIsWrittenAsync()
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var writer = new GatedChatClientWithUsage(async () => { await release.Task; return Good; });
        var auditor = new ScriptedChatClient((_, _) => Good);
        var silo = await StartAsync(Storage.NewDatabase(), new ScriptedModelProviders(writer, auditor), ShiftedTimeProvider.AtMidday()); // role budgets: one UTC day
        await silo.GrainFactory.GetGrain<IBudgetsGrain>(BudgetsGrain.Key).Set(BudgetScope.Role, "auditor", 0, "operator");
        var goalId = NewId("goal");
        var coordinator = silo.GrainFactory.GetGrain<ICoordinatorGrain>(goalId);

        await coordinator.Submit(new GoalRequest("audit and draft", Playbook: "audit-and-draft"));
        await Eventually.WaitUntilAsync(
            async () => writer.Started == 1 && (await coordinator.Status()).History.Any(h => h.Contains("task audit stopped (budget)", StringComparison.Ordinal)),
            "the audit refused while the draft is being written");
        return (silo, goalId, auditor, release);
    }

    private static ChatResponse ToolCallCosting(long input, long output) =>
        new(new ChatMessage(ChatRole.Assistant, [new FunctionCallContent(Guid.NewGuid().ToString("N"), "look_again", new Dictionary<string, object?>())]))
        {
            Usage = new UsageDetails { InputTokenCount = input, OutputTokenCount = output },
        };

    private static SpendQuery Today(SpendGrouping grouping, string goalId) =>
        new(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1), grouping, GoalId: goalId);

    private static async Task<SpendRow> SpentAsync(TestSilo silo, string goalId) =>
        Assert.Single(await silo.Services.GetRequiredService<ISpendStore>().QuerySpendAsync(Today(SpendGrouping.Goal, goalId)));

    private static async Task<GoalStatus> WaitForAsync(TestSilo silo, string goalId, GoalPhase phase) =>
        await WaitForEitherAsync(silo, goalId, phase, phase);

    private static async Task<GoalStatus> WaitForEitherAsync(TestSilo silo, string goalId, GoalPhase phase, GoalPhase other)
    {
        var coordinator = silo.GrainFactory.GetGrain<ICoordinatorGrain>(goalId);
        GoalStatus? status = null;
        await Eventually.WaitUntilAsync(async () => (status = await coordinator.Status()).Phase == phase || status.Phase == other, $"goal {goalId} reaches {phase} or {other}");
        return status!;
    }
}

/// <summary>Holds a goal's first call to <see cref="IBudgetsGrain.WaitForBudget"/> on its way out, until released: the
/// goal's call has then been refused but the goal is not on the waiting list yet.</summary>
internal sealed class HoldWaitForBudget : IOutgoingGrainCallFilter
{
    private readonly TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public TaskCompletionSource Held { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public void Release() => _released.TrySetResult();

    public async Task Invoke(IOutgoingGrainCallContext context)
    {
        if (context.InterfaceName == typeof(IBudgetsGrain).FullName && context.MethodName == nameof(IBudgetsGrain.WaitForBudget) && Held.TrySetResult())
        {
            await _released.Task;
        }

        await context.Invoke();
    }
}

/// <summary>A model whose every reply comes from an async function; counts the calls that reached it.</summary>
public sealed class GatedChatClientWithUsage(Func<Task<ChatResponse>> reply) : IChatClient
{
    private int _started;

    public int Started => Volatile.Read(ref _started);

    public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref _started);
        return reply();
    }

    public IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException();

    public object? GetService(Type serviceType, object? serviceKey = null) => null;

    public void Dispose()
    {
    }
}

[Trait("Category", "Integration")]
public sealed class SqliteBudgetTests(SqliteTestStorage storage, ITestOutputHelper output) : BudgetTests(storage, output), IClassFixture<SqliteTestStorage>;

[Trait("Category", "Integration")]
public sealed class PostgreSqlBudgetTests(PostgreSqlTestStorage storage, ITestOutputHelper output) : BudgetTests(storage, output), IClassFixture<PostgreSqlTestStorage>;
