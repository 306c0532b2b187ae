using AiOs.Dashboard.Tests.Infrastructure;
using AiOs.Persistence.Events;
using AiOs.Testing;
using AiOs.Workforce.Coordinator;
using AiOs.Workforce.Entities;
using Microsoft.Playwright;

namespace AiOs.Dashboard.Tests.Browser;

/// <summary>The approvals inbox in headless chromium: a goal's customer email waits for the operator, who approves it on
/// the page, and the goal moves on (the offline model plans the built-in onboarding playbook).</summary>
[Trait("Category", "Browser")]
public sealed class ApprovalsPanelTests(DashboardFixture fixture)
{
    [Fact]
    public async Task GoalWaitingForApproval_IsInTheInbox_OperatorApprovesIt_AndTheGoalMovesOn()
    {
        var suffix = Guid.NewGuid().ToString("N")[..6];
        var customerId = "inbox-" + suffix;
        var goalId = "inbox-goal-" + suffix;
        await fixture.Silo.Grains.GetGrain<ICustomerGrain>(customerId)
            .Save(new Customer("Inbox Ltd", $"ops-{suffix}@inbox.example"), new EventProvenance("test", "operator"));
        var coordinator = fixture.Silo.Grains.GetGrain<ICoordinatorGrain>(goalId);
        await coordinator.Submit(new GoalRequest("Onboard Inbox Ltd", customerId, Playbook: "onboard-customer"));
        GoalStatus? status = null;
        await Eventually.WaitUntilAsync(async () => (status = await coordinator.Status()).Phase == GoalPhase.WaitingForApproval && status.WaitingApprovals is { Count: > 0 },
            $"goal {goalId} waits for approval");
        var approvalId = Assert.Single(status!.WaitingApprovals!);

        var page = await fixture.LogInAsync(fixture.OperatorKey);
        await page.ClickAsync("#nav a[data-view='panel/approvals']");
        var row = page.Locator("#panel-table tbody tr", new PageLocatorOptions { HasText = goalId });
        await row.WaitForAsync();
        var text = await row.InnerTextAsync();
        Assert.Contains($"ops-{suffix}@inbox.example", text, StringComparison.Ordinal);
        Assert.Contains("email.send", text, StringComparison.Ordinal);
        Assert.Contains("customer-emails", text, StringComparison.Ordinal);
        await DashboardFixture.ScreenshotAsync(page, "approvals");

        await row.Locator("button[data-action='approve']").ClickAsync();
        await page.WaitForFunctionAsync("() => document.querySelector('#action-result').textContent === '1 of 1 approved.'");
        await row.WaitForAsync(new LocatorWaitForOptions { State = WaitForSelectorState.Detached });

        // The goal continues to the end (the rest of the playbook needs no approval) and the approved email reaches the webhook.
        await Eventually.WaitUntilAsync(async () => (status = await coordinator.Status()).Phase == GoalPhase.Done,
            $"goal {goalId} finishes after the approval");
        Assert.Contains(status!.History, h => h.Contains($"approval decided: {approvalId}", StringComparison.Ordinal));
        await Eventually.WaitUntilAsync(() => fixture.Webhook.Bodies.Any(b => b.Contains($"ops-{suffix}@inbox.example", StringComparison.Ordinal)),
            "the approved email reaches the webhook");

        // And the page shows it: the goal's own view reads its live status.
        await page.GotoAsync(fixture.Silo.DashboardAddress + "#/goals/" + goalId);
        await page.WaitForSelectorAsync("#goal-history li");
        var goal = await page.InnerTextAsync("#goal");
        Assert.DoesNotContain("WaitingForApproval", goal, StringComparison.Ordinal);
        Assert.Contains("Done", goal, StringComparison.Ordinal);
        await DashboardFixture.ScreenshotAsync(page, "approved-goal");
        fixture.AssertNoScriptErrors(page);
        await page.Context.CloseAsync();
    }
}
