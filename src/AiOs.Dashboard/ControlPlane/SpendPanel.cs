using System.Globalization;
using System.Text.Json;
using AiOs.Api.Keys;
using AiOs.Dashboard.Panels;
using AiOs.Persistence.Spend;

namespace AiOs.Dashboard.ControlPlane;

/// <summary>Model spend against budgets: bar charts of the last 30 days' recorded spend per day, per role and per
/// customer, and every budget with what counts against it now. It only shows; budgets are set through the API.</summary>
public sealed class SpendPanel(ISpendStore store, TimeProvider time) : IDashboardPanel
{
    private const int Days = 30;
    private const int MaxBars = 20;
    private const double MicrosPerDollar = 1_000_000;

    public string Name => "spend";

    public string Title => "Spend";

    public async Task<DashboardPanelContent> ReadAsync(ApiCaller caller, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var from = new DateTimeOffset(now.UtcDateTime.Date, TimeSpan.Zero).AddDays(1 - Days);
        var charts = new List<DashboardChart>();
        foreach (var (grouping, title) in new[] { (SpendGrouping.Day, "Spend per day"), (SpendGrouping.Role, "Spend per role"), (SpendGrouping.Customer, "Spend per customer") })
        {
            var rows = await store.QuerySpendAsync(new SpendQuery(from, now.AddTicks(1), grouping), cancellationToken).ConfigureAwait(false);

            // Days in order; roles and customers by what they cost, the largest first.
            var shown = grouping == SpendGrouping.Day ? rows.TakeLast(MaxBars) : rows.OrderByDescending(r => r.CostMicros).Take(MaxBars);
            var bars = shown.ToList();
            charts.Add(new DashboardChart(title, "USD", bars.Select(r => r.Key.Length == 0 ? "(none)" : r.Key).ToList(), bars.Select(r => r.CostMicros / MicrosPerDollar).ToList()));
        }

        var budgets = await store.ListBudgetsAsync(now, cancellationToken).ConfigureAwait(false);
        var table = budgets.Select(b => new DashboardPanelRow(
            $"{b.Key.Scope}:{b.Key.Subject}",
            [b.Key.Scope.ToString().ToLowerInvariant(), b.Key.Subject, Dollars(b.LimitMicros), Dollars(b.SpentMicros), Dollars(b.ReservedMicros), Dollars(b.AvailableMicros), b.Period],
            [])).ToList();
        return new DashboardPanelContent(["Scope", "Subject", "Limit", "Spent", "Reserved", "Available", "Period"], table, charts,
            $"Charts: recorded model spend since {from:yyyy-MM-dd} (UTC). Table: budgets and what counts against them in their current period.");
    }

    public Task<string> ActAsync(ApiCaller caller, string action, IReadOnlyList<string> rowIds, JsonElement? input, CancellationToken cancellationToken) =>
        throw new DashboardActionException("the spend panel only shows; set budgets with `aios budgets set` or the API");

    private static string Dollars(long micros) => (micros / MicrosPerDollar).ToString("$#,0.00####", CultureInfo.InvariantCulture);
}
