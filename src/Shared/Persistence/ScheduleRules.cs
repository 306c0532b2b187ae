using System.Text.Json;
using AiOs.Persistence.Schedules;

namespace AiOs.Persistence.Shared;

/// <summary>What both providers accept as a schedule row, checked before any SQL runs so that both refuse the same input
/// with the same words.</summary>
internal static class ScheduleRules
{
    public static void Validate(StoredSchedule schedule, StorageWriter writer)
    {
        ArgumentNullException.ThrowIfNull(schedule);
        ArgumentNullException.ThrowIfNull(writer);
        var where = $"Schedule '{schedule.ScheduleId}'";
        if (string.IsNullOrWhiteSpace(schedule.ScheduleId) || schedule.ScheduleId.Length > EventRules.MaxNameLength)
        {
            throw new ArgumentException($"A schedule id must be 1-{EventRules.MaxNameLength} characters.", nameof(schedule));
        }

        if (string.IsNullOrWhiteSpace(schedule.Name) || schedule.Name.Length > EventRules.MaxNameLength)
        {
            throw new ArgumentException($"{where}: its name must be 1-{EventRules.MaxNameLength} characters.", nameof(schedule));
        }

        if (string.IsNullOrWhiteSpace(schedule.Status))
        {
            throw new ArgumentException($"{where}: it has no status.", nameof(schedule));
        }

        RequireObject(schedule.Spec, "spec", where);
        RequireObject(schedule.Progress, "progress", where);
    }

    private static void RequireObject(string json, string what, string where)
    {
        if (json is null || json.Length > EventRules.MaxJsonLength)
        {
            throw new ArgumentException($"{where}: its {what} must be a JSON object of at most {EventRules.MaxJsonLength} characters.", what);
        }

        try
        {
            using var document = JsonDocument.Parse(json);
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw new ArgumentException($"{where}: its {what} must be a JSON object, not {document.RootElement.ValueKind}.", what);
            }
        }
        catch (JsonException ex)
        {
            throw new ArgumentException($"{where}: its {what} is not JSON ({ex.Message}).", what, ex);
        }
    }
}
