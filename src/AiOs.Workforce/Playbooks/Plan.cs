namespace AiOs.Workforce.Playbooks;

/// <summary>A plan: a DAG of tasks, as the planner model returns it (JSON) or a playbook stores it.</summary>
public sealed record Plan(IReadOnlyList<PlannedTask> Tasks);

/// <summary>One task of a plan.</summary>
/// <param name="Id">Unique within the plan, e.g. <c>research</c>.</param>
/// <param name="Role">The agent role that does it.</param>
/// <param name="Instructions">What to do, in words.</param>
/// <param name="DependsOn">Tasks that must be done first; their results are this task's inputs.</param>
/// <param name="Actions">External actions the task takes after its model work (e.g. <c>email.send</c>), each through the ledger.</param>
public sealed record PlannedTask(string Id, string Role, string Instructions, IReadOnlyList<string>? DependsOn = null, IReadOnlyList<string>? Actions = null);
