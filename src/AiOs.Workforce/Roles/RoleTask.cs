using AiOs.Workforce.Models;

namespace AiOs.Workforce.Roles;

/// <summary>A task given to a role.</summary>
/// <param name="GoalId">The goal it belongs to.</param>
/// <param name="TaskId">Its id within the goal; with <paramref name="GoalId"/> it names the task's work exactly once.</param>
/// <param name="Role">The role asked to do it.</param>
/// <param name="Instructions">What to do.</param>
/// <param name="Inputs">Results of the tasks it depends on, by task id.</param>
/// <param name="CustomerId">The customer it is about, if any.</param>
/// <param name="Actions">External actions to take with the result.</param>
/// <param name="Tier">A tier to use instead of the role's (the coordinator's fallback).</param>
/// <param name="Deadline">The goal's deadline: after it the task does no model work (<see cref="GoalDeadlinePassedException"/>).</param>
public sealed record RoleTask(
    string GoalId,
    string TaskId,
    string Role,
    string Instructions,
    IReadOnlyDictionary<string, string>? Inputs = null,
    string? CustomerId = null,
    IReadOnlyList<string>? Actions = null,
    ModelTier? Tier = null,
    DateTimeOffset? Deadline = null);

/// <summary>What a role made of a task.</summary>
/// <param name="Output">The result text.</param>
/// <param name="Confidence">0 to 1.</param>
/// <param name="Tier">The tier that produced it.</param>
/// <param name="Refusal">Why the task was refused as outside the role's contract; null when it was done.</param>
/// <param name="ModelHistory">What happened on each tier tried.</param>
/// <param name="AwaitingApproval">The approval an action of the task waits for; the task is not done, and runs again
/// when the approval is decided. Never part of a completed result.</param>
/// <param name="Memory">The memory items the prompt included, each with its provenance.</param>
/// <param name="StartedAt">When work on the task began (a completed result's event time minus this is its duration).</param>
public sealed record RoleResult(
    string Output, double Confidence, ModelTier Tier, string? Refusal = null, IReadOnlyList<string>? ModelHistory = null, string? AwaitingApproval = null,
    IReadOnlyList<string>? Memory = null, DateTimeOffset? StartedAt = null)
{
    public bool Refused => Refusal is not null;
}

/// <summary>The task could not be done this time (the model's answers were unusable, an action is not settled); the
/// coordinator may retry it.</summary>
public sealed class RoleTaskFailedException : Exception
{
    public RoleTaskFailedException(string message)
        : base(message)
    {
    }

    public RoleTaskFailedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public RoleTaskFailedException()
    {
    }
}

/// <summary>The goal's deadline passed before the task's model work started; the coordinator pauses the goal for the
/// operator.</summary>
public sealed class GoalDeadlinePassedException : Exception
{
    public GoalDeadlinePassedException(string message)
        : base(message)
    {
    }

    public GoalDeadlinePassedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public GoalDeadlinePassedException()
    {
    }
}
