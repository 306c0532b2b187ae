using AiOs.Dashboard.Tests.Infrastructure;
using AiOs.Workforce.Schedules;
using Microsoft.Playwright;

namespace AiOs.Dashboard.Tests.Browser;

/// <summary>The schedules panel in headless chromium: a schedule shows its next run; the operator pauses and resumes it
/// on the page, and the schedule grain agrees.</summary>
[Trait("Category", "Browser")]
public sealed class SchedulesPanelTests(DashboardFixture fixture)
{
    [Fact]
    public async Task Schedule_ShowsNextRun_OperatorPausesAndResumesItOnThePage()
    {
        var scheduleId = "panel-" + Guid.NewGuid().ToString("N")[..6];
        var grain = fixture.Silo.Grains.GetGrain<IScheduleGrain>(scheduleId);
        var created = await grain.Create(new ScheduleSpec("weekly report " + scheduleId, "0 0 9 ? * MON", null, "UTC", new GoalTemplate("Send the weekly report")));
        Assert.True(created.Schedule is not null, created.Refusal);
        var next = created.Schedule.NextRunAt!.Value.UtcDateTime.ToString("yyyy-MM-dd HH:mm'Z'", System.Globalization.CultureInfo.InvariantCulture);

        var page = await fixture.LogInAsync(fixture.OperatorKey);
        await page.ClickAsync("#nav a[data-view='panel/schedules']");
        var row = page.Locator("#panel-table tbody tr", new PageLocatorOptions { HasText = scheduleId });
        await row.WaitForAsync();
        Assert.Contains(next, await row.InnerTextAsync(), StringComparison.Ordinal);
        Assert.Contains("Active", await row.InnerTextAsync(), StringComparison.Ordinal);
        await DashboardFixture.ScreenshotAsync(page, "schedules");

        await row.Locator("button[data-action='pause']").ClickAsync();
        await row.Locator("button[data-action='resume']").WaitForAsync();
        Assert.Contains("Paused", await row.InnerTextAsync(), StringComparison.Ordinal);
        Assert.Equal(ScheduleStatus.Paused, (await grain.Get())!.Status);

        await row.Locator("button[data-action='resume']").ClickAsync();
        await row.Locator("button[data-action='pause']").WaitForAsync();
        Assert.Contains("Active", await row.InnerTextAsync(), StringComparison.Ordinal);
        var resumed = (await grain.Get())!;
        Assert.Equal(ScheduleStatus.Active, resumed.Status);
        Assert.NotNull(resumed.NextRunAt);
        fixture.AssertNoScriptErrors(page);
        await page.Context.CloseAsync();
    }
}
