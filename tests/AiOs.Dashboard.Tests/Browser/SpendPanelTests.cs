using System.Text.Json;
using AiOs.Dashboard.Tests.Infrastructure;
using AiOs.Persistence.Spend;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace AiOs.Dashboard.Tests.Browser;

/// <summary>The spend panel in headless chromium: recorded spend shows in the per-role and per-customer charts, and a
/// budget shows with what counts against it.</summary>
[Trait("Category", "Browser")]
public sealed class SpendPanelTests(DashboardFixture fixture)
{
    [Fact]
    public async Task RecordedSpend_IsChartedPerRoleAndCustomer_AndBudgetsShowWhatCountsAgainstThem()
    {
        var ct = TestContext.Current.CancellationToken;
        var suffix = Guid.NewGuid().ToString("N")[..6];
        var role = "spendrole-" + suffix;
        var customer = "spendcust-" + suffix;
        var store = fixture.Silo.Services.GetRequiredService<ISpendStore>();
        var now = DateTimeOffset.UtcNow;
        // A goal's budget counts over the goal's life: a role's counts per UTC day, and this test may run across midnight.
        var subject = new SpendSubject("spend-goal-" + suffix, "t1", role, customer);
        await store.SetBudgetAsync(BudgetKey.Create(BudgetScope.Goal, subject.GoalId!), 5_000_000, now, "test", ct);
        var reservation = new SpendReservation("res-" + suffix, now, subject, 1_250_000);
        Assert.True((await store.TryReserveAsync(reservation, now.AddHours(-1), ct)).Reserved);
        await store.SettleAsync(reservation.ReservationId, new SpendRecord("call-" + suffix, now, subject, "offline", 100, 50, 1_250_000), ct);

        var page = await fixture.LogInAsync(fixture.OperatorKey);
        await page.ClickAsync("#nav a[data-view='panel/spend']");
        var budget = page.Locator("#panel-table tbody tr", new PageLocatorOptions { HasText = subject.GoalId });
        await budget.WaitForAsync();
        var cells = await budget.Locator("td").AllInnerTextsAsync();
        Assert.Contains("$5.00", cells);
        Assert.Contains("$1.25", cells);
        Assert.Contains("$3.75", cells);
        foreach (var title in new[] { "Spend per day (USD)", "Spend per role (USD)", "Spend per customer (USD)" })
        {
            Assert.Equal(1, await page.Locator("#panel .card h2", new PageLocatorOptions { HasTextString = title }).CountAsync());
        }

        // What the charts plot, as the page received it.
        var json = await page.EvaluateAsync<string>("async () => JSON.stringify((await (await fetch('api/panels/spend')).json()).content.charts)");
        var charts = JsonDocument.Parse(json).RootElement.EnumerateArray().ToDictionary(c => c.GetProperty("title").GetString()!);
        Assert.Equal(1.25, Bar(charts["Spend per role"], role));
        Assert.Equal(1.25, Bar(charts["Spend per customer"], customer));
        Assert.True(Bar(charts["Spend per day"], now.UtcDateTime.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture)) >= 1.25);
        await DashboardFixture.ScreenshotAsync(page, "spend");

        // It only shows: an action is refused with a reason.
        var answer = await page.EvaluateAsync<string>(@"async () => {
            const session = await (await fetch('api/session')).json();
            const r = await fetch('api/panels/spend/actions/anything', { method: 'POST', headers: { 'X-CSRF-Token': session.csrfToken, 'Content-Type': 'application/json' }, body: JSON.stringify({ rowIds: ['x'] }) });
            return r.status + ' ' + (await r.json()).error;
        }");
        Assert.StartsWith("409 the spend panel only shows", answer, StringComparison.Ordinal);
        fixture.AssertNoScriptErrors(page);
        await page.Context.CloseAsync();
    }

    private static double? Bar(JsonElement chart, string label)
    {
        var labels = chart.GetProperty("labels").EnumerateArray().Select(l => l.GetString()).ToList();
        var index = labels.IndexOf(label);
        return index < 0 ? null : chart.GetProperty("values")[index].GetDouble();
    }
}
