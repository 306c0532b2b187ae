using System.Text.Json;

namespace AiOs.Workforce.Playbooks;

/// <summary>Checks a plan before anything runs: JSON of the right shape, at least one and at most a bounded number of
/// tasks, each with an id, a known role and instructions, dependencies that exist, and no cycle.</summary>
public static class PlanValidator
{
    /// <summary>Parses and validates <paramref name="json"/>: the plan, or the reasons it was rejected.</summary>
    public static (Plan? Plan, IReadOnlyList<string> Problems) Parse(string json, Func<string, bool> isKnownRole, int maxTasks)
    {
        Plan? plan;
        try
        {
            plan = WorkforceJson.Deserialize<Plan>(json);
        }
        catch (JsonException ex)
        {
            return (null, [$"the plan is not valid JSON of the form {{\"tasks\":[...]}} ({ex.Message})"]);
        }

        var problems = Validate(plan, isKnownRole, maxTasks);
        return problems.Count == 0 ? (plan, problems) : (null, problems);
    }

    public static IReadOnlyList<string> Validate(Plan plan, Func<string, bool> isKnownRole, int maxTasks)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(isKnownRole);
        var problems = new List<string>();
        var tasks = plan.Tasks ?? [];
        if (tasks.Count == 0)
        {
            return ["the plan has no tasks"];
        }

        if (tasks.Count > maxTasks)
        {
            return [$"the plan has {tasks.Count} tasks; the limit is {maxTasks}"];
        }

        var ids = new HashSet<string>(StringComparer.Ordinal);
        foreach (var task in tasks)
        {
            if (string.IsNullOrWhiteSpace(task.Id))
            {
                problems.Add("a task has no id");
                continue;
            }

            if (!ids.Add(task.Id))
            {
                problems.Add($"task id '{task.Id}' is used twice");
            }

            if (string.IsNullOrWhiteSpace(task.Role))
            {
                problems.Add($"task '{task.Id}' has no role");
            }
            else if (!isKnownRole(task.Role))
            {
                problems.Add($"task '{task.Id}' names unknown role '{task.Role}'");
            }

            if (string.IsNullOrWhiteSpace(task.Instructions))
            {
                problems.Add($"task '{task.Id}' has no instructions");
            }
        }

        foreach (var task in tasks)
        {
            foreach (var dependency in task.DependsOn ?? [])
            {
                if (!ids.Contains(dependency))
                {
                    problems.Add($"task '{task.Id}' depends on unknown task '{dependency}'");
                }
            }
        }

        if (FindCycle(tasks) is { } cycle)
        {
            problems.Add($"the plan has a cycle: {string.Join(" -> ", cycle)}");
        }

        return problems;
    }

    private static List<string>? FindCycle(IReadOnlyList<PlannedTask> tasks)
    {
        var byId = tasks.Where(t => t.Id is not null).GroupBy(t => t.Id, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
        var state = new Dictionary<string, int>(StringComparer.Ordinal); // 1: on the path, 2: done
        var path = new List<string>();

        List<string>? Visit(string id)
        {
            // Unknown ids are reported above; they cannot be part of a cycle.
            if (!byId.ContainsKey(id) || state.GetValueOrDefault(id) == 2)
            {
                return null;
            }

            if (state.GetValueOrDefault(id) == 1)
            {
                return [.. path.Skip(path.IndexOf(id)), id];
            }

            state[id] = 1;
            path.Add(id);
            foreach (var dependency in byId[id].DependsOn ?? [])
            {
                if (Visit(dependency) is { } cycle)
                {
                    return cycle;
                }
            }

            path.RemoveAt(path.Count - 1);
            state[id] = 2;
            return null;
        }

        return byId.Keys.Select(Visit).FirstOrDefault(c => c is not null);
    }
}
