namespace AiOs.Workforce.Schedules;

/// <summary>Checks a schedule before anything is stored, and says when it runs.</summary>
public static class ScheduleRules
{
    public const int MaxNameLength = 200;

    /// <summary>What is wrong with <paramref name="spec"/> (one message naming the field), or null. A one-off time in the
    /// past is accepted: it runs at once.</summary>
    public static string? Check(ScheduleSpec? spec)
    {
        if (spec is null)
        {
            return "schedule is missing";
        }

        if (string.IsNullOrWhiteSpace(spec.Name) || spec.Name.Length > MaxNameLength)
        {
            return $"name must be 1-{MaxNameLength} characters";
        }

        if (spec.Goal is null || string.IsNullOrWhiteSpace(spec.Goal.Text))
        {
            return "goal.text is required: what each run should achieve";
        }

        if (spec.Goal.Budget is <= 0 or > 1_000_000_000m)
        {
            return "goal.budget must be more than 0 and at most 1,000,000,000";
        }

        if (!Enum.IsDefined(spec.Overlap))
        {
            return $"overlap '{spec.Overlap}' is not known (Skip or Allow)";
        }

        var hasCron = !string.IsNullOrWhiteSpace(spec.Cron);
        if (hasCron == spec.RunAt.HasValue)
        {
            return "give either cron (a recurring schedule) or run_at (a one-off), not both or neither";
        }

        return (hasCron ? CronSchedule.Check(spec.Cron) : null) ?? CronSchedule.TimeZoneProblem(spec.TimeZone);
    }

    /// <summary>The first run time of <paramref name="spec"/> strictly after <paramref name="after"/> (for a one-off: its
    /// time, if it has not run yet); null when there is none.</summary>
    public static DateTimeOffset? NextRunAfter(ScheduleSpec spec, DateTimeOffset after, bool oneOffHasRun)
    {
        ArgumentNullException.ThrowIfNull(spec);
        return spec.RunAt is { } runAt
            ? oneOffHasRun ? null : runAt
            : CronSchedule.Parse(spec.Cron!, spec.TimeZone).NextAfter(after);
    }
}
