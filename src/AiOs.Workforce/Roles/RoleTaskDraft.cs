namespace AiOs.Workforce.Roles;

/// <summary>A role task's checkpoint between the model's answer and the task's completion (while its actions run or wait
/// for approval).</summary>
public sealed class RoleTaskDraft
{
    public RoleResult? Result { get; set; }

    /// <summary>When the task was first worked on, so that its duration counts the wait for an approval too.</summary>
    public DateTimeOffset? StartedAt { get; set; }
}
