using System.Globalization;
using System.Text.Json;
using AiOs.Api.Keys;
using AiOs.Connectors.Resilience;
using AiOs.Dashboard.Panels;

namespace AiOs.Host.Hosting;

/// <summary>The dashboard's connector health panel: what <c>GET /connectors</c> reports. Each silo has its own circuits
/// and counts, so the panel is per silo: the dashboard shows every silo's rows under its id. It lives in the host because
/// the dashboard does not depend on the connectors.</summary>
internal sealed class ConnectorsPanel(IEnumerable<IConnectorHealth> connectors) : IDashboardPanel
{
    public string Name => "connectors";

    public string Title => "Connectors";

    public bool PerSilo => true;

    public Task<DashboardPanelContent> ReadAsync(ApiCaller caller, CancellationToken cancellationToken)
    {
        var rows = connectors.Select(c => c.Health()).Select(h => new DashboardPanelRow(h.Connector,
        [
            h.Connector,
            h.State.ToString(),
            h.Circuit,
            h.ConsecutiveFailures.ToString(CultureInfo.InvariantCulture),
            Time(h.LastSuccessAt),
            Time(h.LastFailureAt),
            h.LastError ?? "",
            h.Attempts.ToString(CultureInfo.InvariantCulture),
        ], [])).ToList();
        return Task.FromResult(new DashboardPanelContent(
            ["Connector", "State", "Circuit", "Failures in a row", "Last success", "Last failure", "Last error", "Attempts"], rows,
            Note: rows.Count == 0 ? "No connector is configured (AiOs:Connectors:Smtp, :Webhook, :Calendar)." : "As seen by each silo since it started: every silo sends through its own circuit."));
    }

    public Task<string> ActAsync(ApiCaller caller, string action, IReadOnlyList<string> rowIds, JsonElement? input, CancellationToken cancellationToken) =>
        throw new DashboardActionException("the connectors panel only shows health");

    private static string Time(DateTimeOffset? at) => at is { } t ? t.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture) : "—";
}
