using AiOs.Api.Keys;
using AiOs.Dashboard.ClusterView;

namespace AiOs.Dashboard.Panels;

/// <summary>Reads a <see cref="IDashboardPanel.PerSilo"/> panel from every live silo and merges the answers into one table.</summary>
internal sealed class PerSiloPanels(LocalSilo local, ClusterOverview cluster)
{
    /// <summary>The peer query path of one silo's content of a panel.</summary>
    public const string PanelPath = "/dashboard/panel";

    /// <summary>Who a peer's panel read runs as: the silo-to-silo port is authenticated by the cluster secret, and a panel
    /// read changes nothing.</summary>
    public static readonly ApiCaller Peer = new("cluster-peer", ApiKeyScopes.ReadOnly);

    public async Task<DashboardPanelContent> ReadAsync(IDashboardPanel panel, ApiCaller caller, CancellationToken cancellationToken)
    {
        var own = panel.ReadAsync(caller, cancellationToken);
        var peers = cluster.AskPeersAsync<DashboardPanelContent>($"{PanelPath}?name={Uri.EscapeDataString(panel.Name)}", cancellationToken);
        var content = await own.ConfigureAwait(false);
        var answers = new List<(string SiloId, DashboardPanelContent? Content)> { (local.SiloId, content) };
        answers.AddRange((await peers.ConfigureAwait(false)).Select(a => (a.Member.SiloId, a.Answer)));

        var rows = new List<DashboardPanelRow>();
        var charts = new List<DashboardChart>();
        foreach (var (siloId, answer) in answers.OrderBy(a => a.SiloId, StringComparer.Ordinal))
        {
            if (answer is null)
            {
                rows.Add(new DashboardPanelRow(siloId, [siloId, .. content.Columns.Select((_, i) => i == 0 ? "not answering" : "")], []));
                continue;
            }

            rows.AddRange(answer.Rows.Select(r => new DashboardPanelRow($"{siloId}/{r.Id}", [siloId, .. r.Cells], [])));
            charts.AddRange((answer.Charts ?? []).Select(c => c with { Title = $"{siloId}: {c.Title}" }));
        }

        return new DashboardPanelContent(["Silo", .. content.Columns], rows, charts.Count == 0 ? null : charts, content.Note);
    }
}
