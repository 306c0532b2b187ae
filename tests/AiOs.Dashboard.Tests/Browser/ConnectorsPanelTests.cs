using AiOs.Connectors.Resilience;
using AiOs.Dashboard.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace AiOs.Dashboard.Tests.Browser;

/// <summary>The connectors panel in headless chromium shows each configured connector's health as the silo reports it.</summary>
[Trait("Category", "Browser")]
public sealed class ConnectorsPanelTests(DashboardFixture fixture)
{
    [Fact]
    public async Task ConfiguredWebhookConnector_ShowsItsStateAndCircuit()
    {
        var health = Assert.Single(fixture.Silo.Services.GetServices<IConnectorHealth>()).Health();

        var page = await fixture.LogInAsync(fixture.OperatorKey);
        await page.ClickAsync("#nav a[data-view='panel/connectors']");
        var row = page.Locator("#panel-table tbody tr", new PageLocatorOptions { HasText = health.Connector });
        await row.WaitForAsync();
        var cells = await row.Locator("td").AllInnerTextsAsync();
        Assert.Contains(health.Connector, cells);
        Assert.Contains(health.Circuit, cells);
        Assert.Contains(cells, c => c is "Healthy" or "Degraded" or "Unavailable" or "DryRun");
        await DashboardFixture.ScreenshotAsync(page, "connectors");
        fixture.AssertNoScriptErrors(page);
        await page.Context.CloseAsync();
    }
}
