using AiOs.Workforce.Goals;

namespace AiOs.Workforce.Schedules;

/// <summary>What a schedule does when its time comes while the goal of its previous run is still going.</summary>
public enum OverlapPolicy
{
    /// <summary>Skip this run (and record the skip).</summary>
    Skip,

    /// <summary>Start this run anyway.</summary>
    Allow,
}

public enum ScheduleStatus
{
    Active,
    Paused,

    /// <summary>A one-off schedule that has run, or a cron expression that matches no future time.</summary>
    Completed,
}

/// <summary>The goal a schedule submits at each run.</summary>
public sealed record GoalTemplate(string Text, string? CustomerId = null, string? ProjectId = null, string? Playbook = null, decimal? Budget = null);

/// <summary>What a schedule runs and when: either <paramref name="Cron"/> (with <paramref name="TimeZone"/>) or a one-off
/// <paramref name="RunAt"/>.</summary>
/// <param name="Name">The operator's name for it.</param>
/// <param name="Cron">A Quartz cron expression with seconds, e.g. <c>0 0 9 ? * MON</c>.</param>
/// <param name="RunAt">The one time a one-off schedule runs.</param>
/// <param name="TimeZone">The IANA time zone of <paramref name="Cron"/>; UTC when empty.</param>
/// <param name="Goal">The goal each run submits.</param>
/// <param name="Overlap">What to do while the previous run's goal is still going.</param>
public sealed record ScheduleSpec(string Name, string? Cron, DateTimeOffset? RunAt, string? TimeZone, GoalTemplate Goal, OverlapPolicy Overlap = OverlapPolicy.Skip);

/// <summary>A run that did not start, and why.</summary>
public sealed record SkippedRun(DateTimeOffset Occurrence, string Reason);

/// <summary>What a schedule has done.</summary>
public sealed record ScheduleProgress
{
    public int Runs { get; init; }

    public DateTimeOffset? LastRunAt { get; init; }

    /// <summary>The goal the last run submitted.</summary>
    public string? LastGoalId { get; init; }

    public int SkippedTotal { get; init; }

    /// <summary>The most recent skips (at most <see cref="ScheduleGrain.KeptSkips"/>), oldest first.</summary>
    public IReadOnlyList<SkippedRun> Skipped { get; init; } = [];
}

/// <summary>A schedule as the operator sees it.</summary>
public sealed record ScheduleView(string ScheduleId, ScheduleSpec Spec, ScheduleStatus Status, DateTimeOffset? NextRunAt, ScheduleProgress Progress);

/// <summary>The goal ids of scheduled runs.</summary>
public static class ScheduledGoals
{
    /// <summary>The goal of <paramref name="scheduleId"/>'s run at <paramref name="occurrence"/>: a pure function of the two, so
    /// that a tick delivered again (reminders are at-least-once) submits the same goal, which the coordinator starts once.</summary>
    public static string GoalId(string scheduleId, DateTimeOffset occurrence) =>
        $"{scheduleId}@{occurrence.UtcDateTime.ToString("yyyyMMdd'T'HHmmss'Z'", System.Globalization.CultureInfo.InvariantCulture)}";

    /// <summary>The submission of a run of <paramref name="scheduleId"/>: the template's goal, by the schedule. The budget is
    /// in the configured currency, as the template's is.</summary>
    public static GoalSubmission Submission(string scheduleId, GoalTemplate goal) =>
        new(goal.Text, goal.CustomerId, goal.ProjectId, goal.Playbook,
            BudgetMicros: goal.Budget is { } budget ? (long)decimal.Round(budget * 1_000_000m) : null,
            Source: "schedule", Actor: "schedule:" + scheduleId);
}
