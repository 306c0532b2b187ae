using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using AiOs.Dashboard.Tests.Infrastructure;
using AiOs.Persistence.Approvals;
using AiOs.Persistence.Spend;
using Microsoft.Extensions.DependencyInjection;

namespace AiOs.Dashboard.Tests.Http;

/// <summary>A goal's history endpoint, for a goal run on the scripted model: its steps with timings, its model calls with
/// the cost the spend store holds, the policy decision on its email naming the rule, and the memory item its tasks used.</summary>
[Trait("Category", "Integration")]
public sealed class GoalHistoryTests(DashboardFixture fixture)
{
    [Fact]
    public async Task History_ShowsStepsCallsAtTheStoredCost_ThePolicyRule_AndTheMemoryItemUsed()
    {
        var ct = TestContext.Current.CancellationToken;
        var run = await ScriptedGoalRun.StartAsync(fixture.Silo, "hist");

        using var handler = new HttpClientHandler { CookieContainer = new CookieContainer() };
        using var client = new HttpClient(handler) { BaseAddress = fixture.Silo.DashboardAddress };
        using (var unauthenticated = new HttpClient { BaseAddress = fixture.Silo.DashboardAddress })
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await unauthenticated.GetAsync($"api/goals/{run.GoalId}/history", ct)).StatusCode);
        }

        (await client.PostAsync("api/login", JsonContent.Create(new { apiKey = fixture.ReadOnlyKey }), ct)).EnsureSuccessStatusCode();
        using var response = await client.GetAsync($"api/goals/{run.GoalId}/history", ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var history = JsonDocument.Parse(await response.Content.ReadAsStringAsync(ct)).RootElement;

        // Steps: the research task done, with its timings and its answer's tier; the send task waiting for its approval.
        var steps = history.GetProperty("steps").EnumerateArray().ToDictionary(s => s.GetProperty("taskId").GetString()!);
        Assert.Equal(["research", "send"], steps.Keys.Order(StringComparer.Ordinal));
        var research = steps["research"];
        Assert.Equal("Done", research.GetProperty("phase").GetString());
        Assert.Equal("Small", research.GetProperty("tier").GetString());
        Assert.Equal(0.95, research.GetProperty("confidence").GetDouble());
        Assert.True(research.GetProperty("startedAt").GetDateTimeOffset() <= research.GetProperty("endedAt").GetDateTimeOffset());
        Assert.Equal("WaitingForApproval", steps["send"].GetProperty("phase").GetString());
        Assert.Equal(run.ApprovalId, steps["send"].GetProperty("approvalId").GetString());

        // Model calls: one row per call the spend store recorded, at the cost it holds, which is the price table's.
        var stored = await fixture.Silo.Services.GetRequiredService<ISpendStore>().ListGoalCallsAsync(run.GoalId, 100, ct);
        var calls = history.GetProperty("modelCalls").EnumerateArray().ToList();
        Assert.Equal(3, stored.Count);
        Assert.Equal(stored.Select(c => (c.Subject.TaskId, c.Subject.Role, (string?)c.Model, c.InputTokens, c.OutputTokens, c.CostMicros)),
            calls.Select(c => (c.GetProperty("taskId").GetString(), c.GetProperty("role").GetString(), c.GetProperty("model").GetString(),
                c.GetProperty("inputTokens").GetInt64(), c.GetProperty("outputTokens").GetInt64(), c.GetProperty("costMicros").GetInt64())));
        Assert.Contains(calls, c => c.GetProperty("role").GetString() == "planner" && c.GetProperty("model").GetString() == GoalScriptedModels.LargeModel);
        var byGoal = Assert.Single(await fixture.Silo.Services.GetRequiredService<ISpendStore>().QuerySpendAsync(
            new SpendQuery(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1), SpendGrouping.Goal, GoalId: run.GoalId), ct));
        Assert.Equal(byGoal.CostMicros, history.GetProperty("totalCostMicros").GetInt64());
        Assert.Equal(run.ExpectedCostMicros, byGoal.CostMicros);
        Assert.Equal(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{run.ExpectedCostMicros / 1_000_000m:0.00####} USD"), history.GetProperty("totalCost").GetString());

        // The policy decision on the email names the rule that decided it, as the decision log holds it.
        var logged = Assert.Single(await fixture.Silo.Services.GetRequiredService<IApprovalStore>()
            .ListPolicyDecisionsAsync(new PolicyDecisionQuery(run.GoalId, []), ct));
        var decision = Assert.Single(history.GetProperty("policyDecisions").EnumerateArray());
        Assert.Equal("customer-emails", decision.GetProperty("rule").GetString());
        Assert.Equal(logged.Rule, decision.GetProperty("rule").GetString());
        Assert.Equal("NeedsApproval", decision.GetProperty("outcome").GetString());
        Assert.Equal("email.send", decision.GetProperty("action").GetString());
        Assert.Equal("send", decision.GetProperty("taskId").GetString());
        Assert.Equal(logged.Reason, decision.GetProperty("reason").GetString());

        // Memory: both tasks' prompts included the preference; the done task from its completion event, the waiting one
        // from its draft.
        var memory = history.GetProperty("memory").EnumerateArray().ToDictionary(m => m.GetProperty("taskId").GetString()!);
        Assert.Equal(["research", "send"], memory.Keys.Order(StringComparer.Ordinal));
        foreach (var used in memory.Values)
        {
            var line = Assert.Single(used.GetProperty("items").EnumerateArray()).GetString()!;
            Assert.Contains(run.MemoryText, line, StringComparison.Ordinal);
            Assert.Contains(run.MemoryItemId, line, StringComparison.Ordinal);
            Assert.Contains("from operator-note by operator", line, StringComparison.Ordinal);
        }

        using var missing = await client.GetAsync("api/goals/no-such-goal/history", ct);
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
    }
}
