using AiOs.Persistence.Events;
using AiOs.Workforce.Entities;
using Microsoft.Extensions.AI;

namespace AiOs.Workforce.Roles;

/// <summary>The tools a role's contract may name, built per task so that each reads and writes through the grains as that
/// task.</summary>
public static class WorkforceTools
{
    /// <summary>The id of the project a goal opens with <c>open_project</c>: one per goal, so that a retried task or a
    /// repeated tool call finds the project it opened instead of opening another.</summary>
    public static string ProjectIdFor(string goalId) => "prj-" + goalId;

    /// <summary>The tools a role may name.</summary>
    public static IReadOnlyList<string> Names { get; } = ["lookup_customer", "open_project"];

    public static IReadOnlyList<AIFunction> For(IGrainFactory grains, IEnumerable<string> names, RoleTask task) =>
        [.. names.Select(name => name switch
        {
            "lookup_customer" => AIFunctionFactory.Create(
                async (string customerId) => (object?)(await grains.GetGrain<ICustomerGrain>(customerId).Get())?.Value ?? "no such customer",
                "lookup_customer", "Returns what is known about a customer, by customer id."),
            "open_project" => AIFunctionFactory.Create(
                (string name, string? description = null) => OpenProjectAsync(grains, task, name, description),
                "open_project", "Opens the project of this goal for the task's customer (once per goal) and returns its id."),
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
}
