namespace AiOs.Dashboard.Panels;

/// <summary>The control-plane panels: those registered, and the built-in places that wait for a feature to plug in.</summary>
internal sealed class DashboardPanels(IEnumerable<IDashboardPanel> registered)
{
    /// <summary>Places the dashboard reserves for features that are coming, with what they will show.</summary>
    public static readonly IReadOnlyList<(string Name, string Title, string Promise)> Reserved =
    [
        ("approvals", "Approvals", "Actions waiting for the operator: what will happen, why, and the deadline; approve, reject, edit and approve, in batches."),
        ("spend", "Spend", "Model and connector spend against budgets, per day, per role and per customer."),
        ("schedules", "Schedules", "Scheduled work with its next run; pause and resume."),
        ("connectors", "Connectors", "Health of each connector: last success, failures, circuit state."),
    ];

    private readonly Dictionary<string, IDashboardPanel> _byName = registered.ToDictionary(p => p.Name, StringComparer.Ordinal);

    public IDashboardPanel? Find(string name) => _byName.GetValueOrDefault(name);

    /// <summary>Every panel for the navigation: reserved places first (available or not), then other registered ones.</summary>
    public IReadOnlyList<PanelEntry> List() =>
        Reserved.Select(r => _byName.TryGetValue(r.Name, out var p) ? new PanelEntry(r.Name, p.Title, true, null) : new PanelEntry(r.Name, r.Title, false, r.Promise))
            .Concat(_byName.Values.Where(p => Reserved.All(r => r.Name != p.Name)).Select(p => new PanelEntry(p.Name, p.Title, true, null)))
            .ToList();
}

/// <summary>A panel in the navigation; <see cref="Promise"/> says what an unavailable one will show.</summary>
public sealed record PanelEntry(string Name, string Title, bool Available, string? Promise);
