using System.Text.Json;
using AiOs.Api.Keys;

namespace AiOs.Dashboard.Panels;

/// <summary>A page of the operator's control plane that another feature contributes: approvals, spend, schedules,
/// connector health, or one of its own. Register it with <c>services.AddDashboardPanel&lt;T&gt;()</c>; the dashboard
/// then shows it under <see cref="Name"/> instead of the "not available yet" placeholder, draws its rows as a table and
/// its charts as bar charts, and offers each row's actions as buttons (with a batch form for rows that offer the same
/// action). Authentication, the CSRF check and the read-only rule are the dashboard's: <see cref="ActAsync"/> is only
/// called for an operator key with a valid CSRF token. Everything a panel returns is shown as text, never as HTML.</summary>
public interface IDashboardPanel
{
    /// <summary>The panel's route name, lower-case letters and dashes (the built-in places are <c>approvals</c>,
    /// <c>spend</c>, <c>schedules</c> and <c>connectors</c>).</summary>
    string Name { get; }

    /// <summary>The panel's title.</summary>
    string Title { get; }

    /// <summary>True when what the panel shows is this silo's own view (connector health: each silo has its own circuits).
    /// The dashboard then gathers every live silo's content over the silo-to-silo port and shows it as one table with a
    /// Silo column first (a silo that does not answer gets a row saying so). Rows of such a panel offer no actions: an
    /// action would run on the silo serving the page, not on the one the row is about.</summary>
    bool PerSilo => false;

    /// <summary>What the panel shows now.</summary>
    Task<DashboardPanelContent> ReadAsync(ApiCaller caller, CancellationToken cancellationToken);

    /// <summary>Runs <paramref name="action"/> on the rows <paramref name="rowIds"/> (one, or several for a batch), with
    /// the operator's <paramref name="input"/> (e.g. an edited payload; <c>null</c> when none). Returns a sentence to
    /// show; throw <see cref="DashboardActionException"/> to refuse with a reason.</summary>
    Task<string> ActAsync(ApiCaller caller, string action, IReadOnlyList<string> rowIds, JsonElement? input, CancellationToken cancellationToken);
}

/// <summary>What a panel shows: a table, optional bar charts, and an optional note above them.</summary>
/// <param name="Columns">The table's column titles, in order; each row has a cell per column.</param>
/// <param name="Rows">The rows.</param>
/// <param name="Charts">Bar charts (e.g. spend per day, per role, per customer).</param>
/// <param name="Note">A sentence above the table.</param>
public sealed record DashboardPanelContent(
    IReadOnlyList<string> Columns,
    IReadOnlyList<DashboardPanelRow> Rows,
    IReadOnlyList<DashboardChart>? Charts = null,
    string? Note = null);

/// <summary>One row: its id (passed back to actions), its cells (one per column), and the actions it offers.</summary>
public sealed record DashboardPanelRow(string Id, IReadOnlyList<string> Cells, IReadOnlyList<DashboardAction> Actions);

/// <summary>An action on a row. <see cref="TakesInput"/>: the dashboard asks for a JSON input first (edit-and-approve), in an
/// edit box that starts with <see cref="Prefill"/> (e.g. the item's current payload) or <c>{}</c>.</summary>
public sealed record DashboardAction(string Name, string Label, bool TakesInput = false, string? Prefill = null);

/// <summary>A bar chart: labels and one value each, with the unit shown on the axis (e.g. "USD", "tokens").</summary>
public sealed record DashboardChart(string Title, string Unit, IReadOnlyList<string> Labels, IReadOnlyList<double> Values);

/// <summary>Thrown by a panel to refuse an action; the message is shown to the operator.</summary>
public sealed class DashboardActionException(string message) : Exception(message);
