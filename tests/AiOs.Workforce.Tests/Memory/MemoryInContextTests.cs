using AiOs.Memory;
using AiOs.Persistence.Events;
using AiOs.Persistence.Memory;
using AiOs.Testing;
using AiOs.Workforce.Coordinator;
using AiOs.Workforce.Entities;
using AiOs.Workforce.Models;
using AiOs.Workforce.Playbooks;
using AiOs.Workforce.Tests.Models;
using AiOs.Workforce.Tests.Storage;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;

namespace AiOs.Workforce.Tests.Memory;

/// <summary>Roles work with memory: an operator's edit becomes a preference that reaches the role's later prompts for that
/// customer (and no other role's), the goal's history names the items used with their provenance, the model cache keys on
/// the customer's memory version, and forgetting the customer empties the cache about them.</summary>
public abstract class MemoryInContextTests(ITestStorage storage, ITestOutputHelper output) : WorkforceTestBase(storage, output)
{
    private static readonly ChatResponse Good = ScriptedChatClient.Text("""{"output":"draft","confidence":0.9}""");

    [Fact]
    public async Task OperatorEdit_ReachesTheWritersNextPrompt_AndTheGoalHistoryShowsTheItemWithItsProvenance()
    {
        var model = new ScriptedChatClient((_, _) => Good);
        var silo = await StartAsync(Storage.NewDatabase(), model);
        var memory = silo.Services.GetRequiredService<MemoryService>();
        var customerId = NewId("cust");
        await silo.GrainFactory.GetGrain<ICustomerGrain>(customerId).Save(new Customer("Acme Ltd", "ops@acme.example"), new EventProvenance("operator-api", "operator"));
        var preference = await memory.RecordOperatorEditAsync("writer", customerId, "Dear Sir or Madam. Here is the post.", "Hi Sam! Here is the post.", "approval-1");

        var goalId = NewId("goal");
        await silo.GrainFactory.GetGrain<ICoordinatorGrain>(goalId).Submit(new GoalRequest("post", customerId, Playbook: "single-writer"));
        var status = await WaitForAsync(silo, goalId, GoalPhase.Done);

        var prompt = string.Join("\n", Assert.Single(model.Requests).Messages.Select(m => m.Text));
        Assert.Contains("Hi Sam!", prompt, StringComparison.Ordinal);
        Assert.Contains("Dear Sir or Madam.", prompt, StringComparison.Ordinal);
        var used = Assert.Single(status.History, h => h.Contains("used memory", StringComparison.Ordinal));
        Assert.Contains(preference!.ItemId, used, StringComparison.Ordinal);
        Assert.Contains("from operator-edit by operator", used, StringComparison.Ordinal);
        Assert.Contains($"customer/{customerId}", used, StringComparison.Ordinal);
    }

    [Fact]
    public async Task APreferenceForAnotherRole_OrAnotherCustomer_StaysOutOfThePrompt()
    {
        var model = new ScriptedChatClient((_, _) => Good);
        var silo = await StartAsync(Storage.NewDatabase(), model);
        var memory = silo.Services.GetRequiredService<MemoryService>();
        var customerId = NewId("cust");
        await memory.RecordOperatorEditAsync("bookkeeper", customerId, "Totals in USD.", "Totals in EUR.", "approval-2");
        await memory.RecordOperatorEditAsync("writer", NewId("other"), "Formal tone.", "Casual tone.", "approval-3");

        var goalId = NewId("goal");
        await silo.GrainFactory.GetGrain<ICoordinatorGrain>(goalId).Submit(new GoalRequest("post", customerId, Playbook: "single-writer"));
        var status = await WaitForAsync(silo, goalId, GoalPhase.Done);

        var prompt = string.Join("\n", Assert.Single(model.Requests).Messages.Select(m => m.Text));
        Assert.DoesNotContain("EUR", prompt, StringComparison.Ordinal);
        Assert.DoesNotContain("Casual", prompt, StringComparison.Ordinal);
        Assert.DoesNotContain(status.History, h => h.Contains("used memory", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ModelCache_KeysOnTheCustomersMemoryVersion_AndForgetEmptiesIt()
    {
        var model = new ScriptedChatClient((_, _) => Good);
        var silo = await StartAsync(Storage.NewDatabase(), model);
        var memory = silo.Services.GetRequiredService<MemoryService>();
        var customerId = NewId("cust");
        var scope = MemoryScope.Customer(customerId);
        var version = await memory.VersionAsync(scope);

        await RunGoalAsync(silo, customerId);
        await RunGoalAsync(silo, customerId);
        Assert.Equal(1, model.Calls);
        Assert.Equal(ModelCallContext.Scope(customerId, version), ModelCallContext.Get(Assert.Single(model.Requests).Options, ModelCallContext.CacheScope));

        // An item that does not even enter the prompt (another role's) still makes a new memory version: no cached answer.
        await memory.AddAsync(new MemoryDraft(scope, MemoryKind.Fact, "Totals in EUR", new MemoryProvenance("test", "operator", DateTimeOffset.UtcNow), Role: "bookkeeper"));
        await RunGoalAsync(silo, customerId);
        Assert.Equal(2, model.Calls);

        var report = await memory.ForgetCustomerAsync(customerId, new EventProvenance("test", "operator"));
        Assert.Equal(2, report.CacheEntriesRemoved);
    }

    private static async Task RunGoalAsync(TestSilo silo, string customerId)
    {
        var goalId = "goal-" + Guid.NewGuid().ToString("N")[..10];
        await silo.GrainFactory.GetGrain<ICoordinatorGrain>(goalId).Submit(new GoalRequest("post", customerId, Playbook: "single-writer"));
        await WaitForAsync(silo, goalId, GoalPhase.Done);
    }

    private Task<TestSilo> StartAsync(string database, IChatClient model) => StartSiloAsync(database, services =>
    {
        services.AddAiOsWorkforce(o => o.Playbooks.Add(new Playbook("single-writer", [], new Plan([new PlannedTask("write", "writer", "write a post")]))));
        services.AddSingleton<IModelProviders>(new ScriptedModelProviders(model, model));
    }, silo: silo => silo.AddGrains(typeof(MemoryScopeGrain).Assembly));

    private static async Task<GoalStatus> WaitForAsync(TestSilo silo, string goalId, GoalPhase phase)
    {
        var coordinator = silo.GrainFactory.GetGrain<ICoordinatorGrain>(goalId);
        GoalStatus? status = null;
        await Eventually.WaitUntilAsync(async () => (status = await coordinator.Status()).Phase == phase, $"goal {goalId} reaches {phase}");
        return status!;
    }
}

[Trait("Category", "Integration")]
public sealed class SqliteMemoryInContextTests(SqliteTestStorage storage, ITestOutputHelper output) : MemoryInContextTests(storage, output), IClassFixture<SqliteTestStorage>;

[Trait("Category", "Integration")]
public sealed class PostgreSqlMemoryInContextTests(PostgreSqlTestStorage storage, ITestOutputHelper output) : MemoryInContextTests(storage, output), IClassFixture<PostgreSqlTestStorage>;
