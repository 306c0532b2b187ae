using System.Globalization;
using System.Text.RegularExpressions;
using AiOs.Api.V1;
using AiOs.Workforce.Coordinator;
using AiOs.Workforce.Goals;
using Google.Protobuf.WellKnownTypes;
using GoalStatus = AiOs.Api.V1.GoalStatus;
using WorkforceTier = AiOs.Workforce.Models.ModelTier;

namespace AiOs.Api.Business;

/// <summary>Goals and tasks as the contract shows them, from a goal's submission and its coordinator's checkpoint.</summary>
internal static partial class GoalViews
{
    public static Goal ToGoal(string goalId, GoalSubmission submission, GoalState state, bool withHistory)
    {
        var history = History(state);
        var goal = ToGoal(goalId, submission, GoalSummary.Of(state), history.Count > 0 ? history[^1] : null);
        if (withHistory)
        {
            goal.History.AddRange(history);
        }

        return goal;
    }

    /// <summary>A goal in a list, from its index entry alone: its submission and the summary its coordinator last sent.</summary>
    public static Goal ToGoal(string goalId, GoalSubmission submission, GoalSummary summary) =>
        ToGoal(goalId, submission, summary, summary.LastEntry is { } line ? ToEntry(line) : null);

    private static Goal ToGoal(string goalId, GoalSubmission submission, GoalSummary summary, GoalHistoryEntry? last)
    {
        var goal = new Goal
        {
            GoalId = goalId,
            Text = submission.Text,
            CustomerId = submission.CustomerId ?? "",
            ProjectId = submission.ProjectId ?? "",
            Playbook = submission.Playbook ?? "",
            Status = ToContract(summary.Phase),
            StatusReason = summary.Phase is GoalPhase.WaitingForApproval or GoalPhase.Paused && summary.Escalation is { } escalation
                ? escalation
                : last?.Text ?? "submitted",
            TasksDone = summary.TasksDone,
            TasksTotal = summary.TasksTotal,
            CreatedAt = Timestamp.FromDateTimeOffset(submission.SubmittedAt),
            UpdatedAt = last?.At ?? Timestamp.FromDateTimeOffset(submission.SubmittedAt),
            Submitted = new Provenance { Source = submission.Source, Actor = submission.Actor, At = Timestamp.FromDateTimeOffset(submission.SubmittedAt) },
        };
        if (submission.Deadline is { } deadline)
        {
            goal.Deadline = Timestamp.FromDateTimeOffset(deadline);
        }

        if (submission.BudgetCurrency is { } currency)
        {
            goal.Budget = new Money { Currency = currency, Micros = submission.BudgetMicros ?? 0 };
        }

        return goal;
    }

    public static bool IsFinal(GoalPhase phase) => phase is GoalPhase.Done or GoalPhase.Failed or GoalPhase.Cancelled;

    public static GoalStatus ToContract(GoalPhase phase) => phase switch
    {
        GoalPhase.Planning => GoalStatus.Planning,
        GoalPhase.Running => GoalStatus.Running,
        GoalPhase.WaitingForApproval => GoalStatus.WaitingForApproval,
        GoalPhase.Paused => GoalStatus.Paused,
        GoalPhase.Done => GoalStatus.Done,
        GoalPhase.Failed => GoalStatus.Failed,
        GoalPhase.Cancelled => GoalStatus.Cancelled,
        _ => GoalStatus.Unspecified,
    };

    /// <summary>The checkpoint's history lines (<c>&lt;time&gt; &lt;what happened&gt;</c>) as entries with a kind.</summary>
    public static List<GoalHistoryEntry> History(GoalState state) => [.. state.History.Select(ToEntry)];

    public static GoalHistoryEntry ToEntry(string line)
    {
        var space = line.IndexOf(' ', StringComparison.Ordinal);
        var at = space > 0 && DateTimeOffset.TryParse(line[..space], CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed)
            ? parsed
            : (DateTimeOffset?)null;
        var text = at is null ? line : line[(space + 1)..];
        var entry = new GoalHistoryEntry { Text = text, Kind = "note" };
        if (at is { } time)
        {
            entry.At = Timestamp.FromDateTimeOffset(time);
        }

        var task = TaskLine().Match(text);
        if (task.Success)
        {
            entry.TaskId = task.Groups["task"].Value;
            entry.Kind = "task_" + task.Groups["what"].Value;
            return entry;
        }

        entry.Kind = text switch
        {
            _ when text.StartsWith("submitted", StringComparison.Ordinal) => "submitted",
            _ when text.StartsWith("planned", StringComparison.Ordinal) => "planned",
            _ when text.StartsWith("plan ", StringComparison.Ordinal) && text.Contains("rejected", StringComparison.Ordinal) => "plan_rejected",
            _ when text.StartsWith("escalated", StringComparison.Ordinal) => "escalated",
            _ when text.StartsWith("all tasks done", StringComparison.Ordinal) => "done",
            _ when text.StartsWith("cancelled", StringComparison.Ordinal) => "cancelled",
            _ => "note",
        };
        return entry;
    }

    /// <summary>A task of a goal; its id is <c>&lt;goal id&gt;/&lt;task id&gt;</c>, unique across goals.</summary>
    public static GoalTask ToTask(string goalId, GoalState state, TaskRecord record, WorkforceTier roleTier, IReadOnlyList<GoalHistoryEntry> history)
    {
        var task = new GoalTask
        {
            TaskId = $"{goalId}/{record.Task.Id}",
            GoalId = goalId,
            Role = record.Task.Role,
            Instructions = record.Task.Instructions,
            Status = record.Phase switch
            {
                TaskPhase.Done => GoalTaskStatus.Done,
                _ when state.Phase == GoalPhase.Cancelled => GoalTaskStatus.Cancelled,
                TaskPhase.Pending => GoalTaskStatus.Pending,
                TaskPhase.Running => GoalTaskStatus.Running,
                TaskPhase.Escalated => GoalTaskStatus.Escalated,
                _ => GoalTaskStatus.Unspecified,
            },
            Attempts = record.Attempts,
            ModelTier = (record.Tier ?? roleTier) == WorkforceTier.Large ? V1.ModelTier.Large : V1.ModelTier.Small,
            Result = record.Output ?? "",
            Error = record.LastError ?? "",
        };
        task.DependsOn.AddRange(record.Task.DependsOn ?? []);
        if (history.LastOrDefault(e => e.TaskId == record.Task.Id && e.Kind == "task_started")?.At is { } started)
        {
            task.StartedAt = started;
        }

        if (record.Phase is TaskPhase.Done or TaskPhase.Escalated
            && history.LastOrDefault(e => e.TaskId == record.Task.Id && e.Kind is "task_done" or "task_escalated")?.At is { } finished)
        {
            task.FinishedAt = finished;
        }

        return task;
    }

    [GeneratedRegex(@"^task (?<task>\S+) (?<what>started|done|escalated|failed)\b")]
    private static partial Regex TaskLine();
}
