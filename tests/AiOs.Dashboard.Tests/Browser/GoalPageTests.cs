using System.Text.Json.Nodes;
using AiOs.Dashboard.Tests.Infrastructure;
using AiOs.Persistence.Spend;
using AiOs.Testing;
using AiOs.Workforce.Approvals;
using AiOs.Workforce.Coordinator;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace AiOs.Dashboard.Tests.Browser;

/// <summary>A goal's page in headless chromium, for a goal run on the scripted model: opened from the goals board, it shows
/// the steps, the model calls with their cost, the policy decision naming its rule and the memory item used, all as text.
/// And the approvals inbox's edit box starts with the item's payload: the operator edits a word, approves, and the goal
/// goes on with the edited payload.</summary>
[Trait("Category", "Browser")]
public sealed class GoalPageTests(DashboardFixture fixture)
{
    [Fact]
    public async Task GoalPage_OpenedFromTheBoard_ShowsStepsCallsWithCostPolicyRuleAndMemory_AsText()
    {
        var run = await ScriptedGoalRun.StartAsync(fixture.Silo, "page");
        var stored = await fixture.Silo.Services.GetRequiredService<ISpendStore>().ListGoalCallsAsync(run.GoalId, 100, TestContext.Current.CancellationToken);

        var page = await fixture.LogInAsync(fixture.OperatorKey);
        await page.ClickAsync("#nav a[data-view='goals']");
        await page.Locator("#goal-table tbody tr", new PageLocatorOptions { HasText = run.GoalId }).Locator("a").ClickAsync();
        await page.WaitForSelectorAsync("#goal-calls tbody tr");

        var steps = await page.InnerTextAsync("#goal-steps");
        Assert.Contains("research", steps, StringComparison.Ordinal);
        Assert.Contains("WaitingForApproval", steps, StringComparison.Ordinal);
        Assert.Contains(run.ApprovalId, steps, StringComparison.Ordinal);

        // One row per recorded call, each at the stored cost; the total is the store's sum.
        var rows = page.Locator("#goal-calls tbody tr");
        Assert.Equal(stored.Count, await rows.CountAsync());
        for (var i = 0; i < stored.Count; i++)
        {
            var cells = await rows.Nth(i).Locator("td").AllInnerTextsAsync();
            Assert.Equal(Money(stored[i].CostMicros), cells[^1]);
            Assert.Equal(stored[i].Model, cells[3]);
        }

        Assert.Equal(Money(run.ExpectedCostMicros), await page.TextContentAsync("#goal-total-cost"));
        Assert.Equal("customer-emails", await page.TextContentAsync("#goal-decisions code.rule"));
        Assert.Contains("email.send", await page.InnerTextAsync("#goal-decisions"), StringComparison.Ordinal);

        // The memory item, markup and all, as text: no element was made of it and no script of the model's output ran.
        var memory = await page.InnerTextAsync("#goal-memory");
        Assert.Contains(run.MemoryText, memory, StringComparison.Ordinal);
        Assert.Contains(run.MemoryItemId, memory, StringComparison.Ordinal);
        Assert.Equal(0, await page.Locator("#goal i, #goal script").CountAsync());
        Assert.Equal("undefined", await page.EvaluateAsync<string>("() => typeof window.__pwned"));
        await DashboardFixture.ScreenshotAsync(page, "goal-history");
        fixture.AssertNoScriptErrors(page);
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task EditAndApprove_StartsFromThePayload_AndTheGoalGoesOnWithTheEditedText()
    {
        var run = await ScriptedGoalRun.StartAsync(fixture.Silo, "edit");
        var approval = (await fixture.Silo.Grains.GetGrain<IApprovalGrain>(run.ApprovalId).Get())!;

        var page = await fixture.LogInAsync(fixture.OperatorKey);
        await page.ClickAsync("#nav a[data-view='panel/approvals']");
        var row = page.Locator("#panel-table tbody tr", new PageLocatorOptions { HasText = run.GoalId });
        await row.Locator("button[data-action='edit-and-approve']").ClickAsync();

        // The box holds the item's payload as it stands (laid out for reading, the same JSON).
        var box = page.Locator("#action-input-text");
        var text = await box.InputValueAsync();
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(approval.Payload), JsonNode.Parse(text)), $"the edit box holds {text}, not the payload {approval.Payload}");
        Assert.Contains("the welcome team", text, StringComparison.Ordinal);
        await DashboardFixture.ScreenshotAsync(page, "edit-and-approve");

        await box.FillAsync(text.Replace("the welcome team", "the onboarding team", StringComparison.Ordinal));
        await page.ClickAsync("#action-input-submit");
        await page.WaitForFunctionAsync("() => document.querySelector('#action-result').textContent === '1 of 1 edited and approved.'");

        var coordinator = fixture.Silo.Grains.GetGrain<ICoordinatorGrain>(run.GoalId);
        await Eventually.WaitUntilAsync(async () => (await coordinator.Status()).Phase == GoalPhase.Done, $"goal {run.GoalId} finishes after the edited approval");
        var decided = (await fixture.Silo.Grains.GetGrain<IApprovalGrain>(run.ApprovalId).Get())!;
        Assert.Contains("the onboarding team", decided.FinalPayload, StringComparison.Ordinal);
        Assert.DoesNotContain("the welcome team", decided.FinalPayload, StringComparison.Ordinal);
        await Eventually.WaitUntilAsync(
            () => fixture.Webhook.Bodies.Any(b => b.Contains(run.CustomerId, StringComparison.Ordinal) && b.Contains("the onboarding team", StringComparison.Ordinal)),
            "the edited email reaches the webhook");
        Assert.DoesNotContain(fixture.Webhook.Bodies, b => b.Contains(run.CustomerId, StringComparison.Ordinal) && b.Contains("the welcome team", StringComparison.Ordinal));
        fixture.AssertNoScriptErrors(page);
        await page.Context.CloseAsync();
    }

    private static string Money(long micros) => string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{micros / 1_000_000m:0.00####} USD");
}
