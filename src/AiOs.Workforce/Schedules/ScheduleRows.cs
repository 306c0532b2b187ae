using AiOs.Persistence.Schedules;

namespace AiOs.Workforce.Schedules;

/// <summary>Between a schedule as the workforce sees it and its stored row (spec and progress as JSON).</summary>
public static class ScheduleRows
{
    public static StoredSchedule Row(string scheduleId, ScheduleSpec spec, ScheduleStatus status, DateTimeOffset? nextRunAt, ScheduleProgress progress)
    {
        ArgumentNullException.ThrowIfNull(spec);
        return new StoredSchedule(scheduleId, spec.Name, status.ToString(), SpecJson(spec), WorkforceJson.Serialize(progress), nextRunAt, 0, default, default, "");
    }

    public static ScheduleView View(StoredSchedule row)
    {
        ArgumentNullException.ThrowIfNull(row);
        return new ScheduleView(
            row.ScheduleId,
            WorkforceJson.Deserialize<ScheduleSpec>(row.Spec),
            Enum.Parse<ScheduleStatus>(row.Status),
            row.NextRunAt,
            WorkforceJson.Deserialize<ScheduleProgress>(row.Progress));
    }

    public static string SpecJson(ScheduleSpec spec) => WorkforceJson.Serialize(spec);
}
