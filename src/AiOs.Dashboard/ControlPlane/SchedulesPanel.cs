using System.Globalization;
using System.Text.Json;
using AiOs.Api.Keys;
using AiOs.Dashboard.Panels;
using AiOs.Persistence.Schedules;
using AiOs.Runtime;
using AiOs.Workforce.Schedules;

namespace AiOs.Dashboard.ControlPlane;

/// <summary>Scheduled goals with their next run; pause and resume go through the schedule grains, as the API's do,
/// so a paused schedule's reminder is disarmed and a resumed one computes its next run afresh.</summary>
public sealed class SchedulesPanel(SiloRuntime runtime, IScheduleStore store) : IDashboardPanel
{
    private const int MaxBatch = 100;
    private static readonly DashboardAction Pause = new("pause", "Pause");
    private static readonly DashboardAction Resume = new("resume", "Resume");

    public string Name => "schedules";

    public string Title => "Schedules";

    public async Task<DashboardPanelContent> ReadAsync(ApiCaller caller, CancellationToken cancellationToken)
    {
        var stored = await store.ListSchedulesAsync([], cancellationToken).ConfigureAwait(false);
        var rows = stored.Select(ScheduleRows.View).Select(v => new DashboardPanelRow(v.ScheduleId,
        [
            v.Spec.Name,
            (v.Spec.Cron is { } cron ? "cron " + cron : "once at " + Time(v.Spec.RunAt)) + (v.Spec.TimeZone is { } zone ? " (" + zone + ")" : ""),
            v.Spec.Goal.Text,
            v.Status.ToString(),
            v.Status == ScheduleStatus.Active ? Time(v.NextRunAt) : "—",
            v.Progress.Runs.ToString(CultureInfo.InvariantCulture),
            Time(v.Progress.LastRunAt),
        ], v.Status switch
        {
            ScheduleStatus.Active => [Pause],
            ScheduleStatus.Paused => [Resume],
            _ => [],
        })).ToList();
        return new DashboardPanelContent(["Name", "When", "Goal", "Status", "Next run", "Runs", "Last run"], rows);
    }

    public async Task<string> ActAsync(ApiCaller caller, string action, IReadOnlyList<string> rowIds, JsonElement? input, CancellationToken cancellationToken)
    {
        if (action is not ("pause" or "resume"))
        {
            throw new DashboardActionException($"unknown action '{action}': use pause or resume");
        }

        if (rowIds.Count > MaxBatch)
        {
            throw new DashboardActionException($"at most {MaxBatch} schedules at once; got {rowIds.Count}");
        }

        var missing = new List<string>();
        foreach (var id in rowIds)
        {
            var grain = runtime.GrainFactory.GetGrain<IScheduleGrain>(id);
            var view = await (action == "pause" ? grain.Pause() : grain.Resume()).WaitAsync(cancellationToken).ConfigureAwait(false);
            if (view is null)
            {
                missing.Add(id);
            }
        }

        var done = rowIds.Count - missing.Count;
        var verb = action == "pause" ? "paused" : "resumed";
        return missing.Count == 0 ? $"{done} of {rowIds.Count} {verb}."
            : done == 0 ? throw new DashboardActionException("no such schedule: " + string.Join(", ", missing))
            : $"{done} of {rowIds.Count} {verb}. No such schedule: {string.Join(", ", missing)}";
    }

    private static string Time(DateTimeOffset? at) => at is { } t ? t.UtcDateTime.ToString("yyyy-MM-dd HH:mm'Z'", CultureInfo.InvariantCulture) : "—";
}
