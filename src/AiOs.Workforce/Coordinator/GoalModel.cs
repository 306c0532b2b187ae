using AiOs.Workforce.Models;
using AiOs.Workforce.Playbooks;

namespace AiOs.Workforce.Coordinator;

/// <summary>A goal as the operator submits it.</summary>
/// <param name="Text">What to achieve, in words.</param>
/// <param name="CustomerId">The customer it is about, if any.</param>
/// <param name="ProjectId">The project it belongs to, if any.</param>
/// <param name="Playbook">A stored playbook to run instead of asking the planner model.</param>
/// <param name="Deadline">When it must be done by: no task starts after it (the goal pauses for the operator, who may
/// resume it past the deadline or cancel it), and each task carries it into its model work.</param>
/// <param name="Budget">Most it may spend on model calls, in the price table's currency (<c>AiOs:Models:Currency</c>):
/// submitted, it becomes the goal's budget (scope goal, the same the operator sets with <c>aios budgets set goal</c>).</param>
/// <param name="ListedAt">When the goal grain recorded the goal: the goal index lists it under that time's day, and the
/// coordinator keeps that listing's summary current after every checkpoint. Null for a goal that is not in the index.</param>
public sealed record GoalRequest(
    string Text,
    string? CustomerId = null,
    string? ProjectId = null,
    string? Playbook = null,
    DateTimeOffset? Deadline = null,
    decimal? Budget = null,
    DateTimeOffset? ListedAt = null);

/// <summary>Where a goal stands, as the operator sees it.</summary>
public enum GoalPhase
{
    Planning,
    Running,
    WaitingForApproval,
    Paused,
    Done,
    Failed,
    Cancelled,
}

public enum TaskPhase
{
    Pending,
    Running,
    Done,
    Escalated,

    /// <summary>An action of the task waits for the operator's decision (<see cref="TaskRecord.ApprovalId"/>).</summary>
    WaitingForApproval,
}

/// <summary>A task of the goal's plan and what became of it.</summary>
public sealed class TaskRecord
{
    public required PlannedTask Task { get; init; }

    public TaskPhase Phase { get; set; }

    public int Attempts { get; set; }

    public string? Output { get; set; }

    public ModelTier? Tier { get; set; }

    public string? LastError { get; set; }

    /// <summary>The approval the task waits for (or last waited for).</summary>
    public string? ApprovalId { get; set; }

    /// <summary>When the task first started (a task run again after an approval or a pause keeps its first start).</summary>
    public DateTimeOffset? StartedAt { get; set; }

    /// <summary>When it was last done or escalated.</summary>
    public DateTimeOffset? EndedAt { get; set; }
}

/// <summary>The coordinator's checkpoint, written after every step transition.</summary>
public sealed class GoalState
{
    public GoalRequest? Request { get; set; }

    public GoalPhase Phase { get; set; }

    public int PlanAttempts { get; set; }

    public List<TaskRecord> Tasks { get; set; } = [];

    /// <summary>Why the operator is needed, when the goal waits for them.</summary>
    public string? Escalation { get; set; }

    /// <summary>What paused the goal, while <see cref="GoalPhase.Paused"/>: <c>operator</c>, <c>budget</c> or <c>deadline</c>.</summary>
    public string? PausedBy { get; set; }

    /// <summary>The operator resumed the goal after its deadline: it runs on past it.</summary>
    public bool DeadlineWaived { get; set; }

    public List<string> History { get; set; } = [];
}

/// <summary>A goal's status for the operator: phase, progress (tasks done / total), escalation and history, and the
/// approvals its tasks wait for.</summary>
public sealed record GoalStatus(
    string GoalId,
    GoalPhase Phase,
    int TasksDone,
    int TasksTotal,
    string? Escalation,
    IReadOnlyList<string> History,
    IReadOnlyDictionary<string, string?> Outputs,
    IReadOnlyList<string>? WaitingApprovals = null);
