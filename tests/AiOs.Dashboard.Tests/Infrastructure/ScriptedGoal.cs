using System.Text.Json.Nodes;
using AiOs.Memory;
using AiOs.Persistence.Events;
using AiOs.Persistence.Memory;
using AiOs.Testing;
using AiOs.Workforce.Coordinator;
using AiOs.Workforce.Entities;
using AiOs.Workforce.Models;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;

namespace AiOs.Dashboard.Tests.Infrastructure;

/// <summary>A goal run on the scripted model up to its first approval: the planner plans a research task and a send task
/// (email.send to the customer, which the default policy's <c>customer-emails</c> rule holds for the operator); both tasks
/// read a preference about the customer from memory. Texts carry markup, which the page must show as text.</summary>
public sealed record ScriptedGoalRun(string GoalId, string CustomerId, string MemoryItemId, string MemoryText, string ApprovalId, long ExpectedCostMicros)
{
    public const int PlanInput = 1200;
    public const int PlanOutput = 300;
    public const int TaskInput = 800;
    public const int TaskOutput = 200;

    public static async Task<ScriptedGoalRun> StartAsync(DashboardSilo silo, string prefix)
    {
        var suffix = Guid.NewGuid().ToString("N")[..6];
        var (goalId, customerId) = ($"{prefix}-goal-{suffix}", $"{prefix}-cust-{suffix}");
        await silo.Grains.GetGrain<ICustomerGrain>(customerId)
            .Save(new Customer("History <b>Ltd</b>", $"ops-{suffix}@history.example"), new EventProvenance("test", "operator"));
        var memoryText = "The customer prefers <i>short</i> welcome emails signed by Sam.";
        var (item, _) = await silo.Services.GetRequiredService<MemoryService>().AddAsync(new MemoryDraft(
            MemoryScope.Customer(customerId), MemoryKind.Preference, memoryText, new MemoryProvenance("operator-note", "operator", DateTimeOffset.UtcNow)));

        var plan = new JsonObject
        {
            ["tasks"] = new JsonArray(
                new JsonObject { ["id"] = "research", ["role"] = "researcher", ["instructions"] = "Summarize what the customer prefers in welcome emails." },
                new JsonObject
                {
                    ["id"] = "send", ["role"] = "outreach", ["instructions"] = "Send the welcome email.",
                    ["dependsOn"] = new JsonArray("research"), ["actions"] = new JsonArray("email.send"),
                }),
        }.ToJsonString();
        silo.Models.Script(goalId, (kind, _) => kind == "plan"
            ? Reply(plan, PlanInput, PlanOutput)
            : Reply("""{"output":"Hello from <script>window.__pwned = 'output'</script> the welcome team","confidence":0.95}""", TaskInput, TaskOutput));

        var coordinator = silo.Grains.GetGrain<ICoordinatorGrain>(goalId);
        await coordinator.Submit(new GoalRequest("Welcome History Ltd", customerId));
        GoalStatus? status = null;
        await Eventually.WaitUntilAsync(async () => (status = await coordinator.Status()).Phase == GoalPhase.WaitingForApproval && status.WaitingApprovals is { Count: > 0 },
            $"goal {goalId} waits for the approval of its email");
        var expected = GoalScriptedModels.CostMicros(ModelTier.Large, PlanInput, PlanOutput) + (2 * GoalScriptedModels.CostMicros(ModelTier.Small, TaskInput, TaskOutput));
        return new ScriptedGoalRun(goalId, customerId, item.ItemId, memoryText, Assert.Single(status!.WaitingApprovals!), expected);
    }

    private static ChatResponse Reply(string text, long input, long output) =>
        new(new ChatMessage(ChatRole.Assistant, text)) { Usage = new UsageDetails { InputTokenCount = input, OutputTokenCount = output } };
}
