using System.Globalization;
using AiOs.Persistence.Events;
using AiOs.Workforce.Entities;
using AiOs.Workforce.Playbooks;
using AiOs.Workforce.Schedules;
using Microsoft.Extensions.AI;

namespace AiOs.Workforce.Roles;

/// <summary>The tools a role's contract may name, built per task so that each reads and writes through the grains as that
/// task.</summary>
public static class WorkforceTools
{
    /// <summary>The id of the project a goal opens with <c>open_project</c>: one per goal, so that a retried task or a
    /// repeated tool call finds the project it opened instead of opening another.</summary>
    public static string ProjectIdFor(string goalId) => "prj-" + goalId;

    /// <summary>The id of the follow-up a goal schedules with <c>schedule_follow_up</c>: one per goal, for the same reason.</summary>
    public static string FollowUpIdFor(string goalId) => "fup-" + goalId;

    /// <summary>The longest a follow-up may be put off.</summary>
    public const int MaxFollowUpDays = 365;

    /// <summary>The tools a role may name.</summary>
    public static IReadOnlyList<string> Names { get; } = ["lookup_customer", "open_project", "schedule_follow_up"];

    public static IReadOnlyList<AIFunction> For(
        IGrainFactory grains, IEnumerable<string> names, RoleTask task, TimeProvider? time = null, PlaybookCatalog? playbooks = null) =>
        [.. names.Select(name => name switch
        {
            "lookup_customer" => AIFunctionFactory.Create(
                async (string customerId) => (object?)(await grains.GetGrain<ICustomerGrain>(customerId).Get())?.Value ?? "no such customer",
                "lookup_customer", "Returns what is known about a customer, by customer id."),
            "open_project" => AIFunctionFactory.Create(
                (string name, string? description = null) => OpenProjectAsync(grains, task, name, description),
                "open_project", "Opens the project of this goal for the task's customer (once per goal) and returns its id."),
            "schedule_follow_up" => AIFunctionFactory.Create(
                (int inDays, string goal, string? playbook = null) => ScheduleFollowUpAsync(grains, task, time ?? TimeProvider.System, playbooks, inDays, goal, playbook),
                "schedule_follow_up",
                $"Schedules a follow-up goal for the task's customer in 1 to {MaxFollowUpDays} days (once per goal), e.g. a check-in three days after onboarding, optionally run by a named playbook."),
            _ => throw new InvalidOperationException($"The role names tool '{name}', which does not exist."),
        })];

    private static async Task<string> OpenProjectAsync(IGrainFactory grains, RoleTask task, string name, string? description)
    {
        if (task.CustomerId is null)
        {
            return "no project opened: the task names no customer";
        }

        var id = ProjectIdFor(task.GoalId);
        var project = grains.GetGrain<IProjectGrain>(id);
        if (await project.Get() is { } existing)
        {
            return $"project {existing.Id} is open";
        }

        // Provenance as on the task's completion: the goal's agent did it, in this task.
        var by = new EventProvenance("goal", $"agent:{task.Role}", $"goal/{task.GoalId}/task/{task.TaskId}");
        try
        {
            await project.Create(new Project(task.CustomerId, name, Description: description), by);
        }
        catch (EntityExistsException)
        {
            // Opened by a call that raced this one: it is the goal's project all the same.
        }

        return $"project {id} is open";
    }

    private static async Task<string> ScheduleFollowUpAsync(
        IGrainFactory grains, RoleTask task, TimeProvider time, PlaybookCatalog? playbooks, int inDays, string goal, string? playbook)
    {
        if (inDays is < 1 or > MaxFollowUpDays)
        {
            return $"no follow-up scheduled: inDays must be 1 to {MaxFollowUpDays}, not {inDays}";
        }

        if (string.IsNullOrWhiteSpace(goal))
        {
            return "no follow-up scheduled: say what the follow-up goal is";
        }

        if (playbook is not null && playbooks?.Find(playbook) is null)
        {
            return $"no follow-up scheduled: there is no playbook '{playbook}'";
        }

        // One per goal: a retried task or a repeated call finds the follow-up already there.
        var schedule = grains.GetGrain<IScheduleGrain>(FollowUpIdFor(task.GoalId));
        if (await schedule.Get() is { } existing)
        {
            return $"a follow-up is already scheduled for {existing.NextRunAt?.ToString("u", CultureInfo.InvariantCulture) ?? "its time"}";
        }

        var project = await grains.GetGrain<IProjectGrain>(ProjectIdFor(task.GoalId)).Get();
        var at = time.GetUtcNow().AddDays(inDays);
        var created = await schedule.Create(new ScheduleSpec(
            $"follow-up of goal {task.GoalId}", null, at, null, new GoalTemplate(goal.Trim(), task.CustomerId, project?.Id, playbook)));
        return created.Refusal is { } refusal
            ? $"no follow-up scheduled: {refusal}"
            : $"follow-up scheduled for {at.ToString("u", CultureInfo.InvariantCulture)}";
    }
}
