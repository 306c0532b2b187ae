using AiOs.Persistence.Spend;
using Microsoft.Extensions.AI;

namespace AiOs.Workforce.Models;

/// <summary>What the layers below a role need to know about a call, carried in <see cref="ChatOptions.AdditionalProperties"/>
/// so that the call stays a plain <see cref="IChatClient"/> call.</summary>
public static class ModelCallContext
{
    /// <summary>The kind of work: <c>plan</c>, <c>draft</c>, <c>classify</c>, ... (the offline provider answers by kind).</summary>
    public const string TaskKind = "aios.task-kind";

    /// <summary>The cache scope: the customer the answer is about and the version of what is known about them. Calls
    /// without a scope are not cached.</summary>
    public const string CacheScope = "aios.cache-scope";

    /// <summary>The goal the call serves (budgets and spend are counted per goal).</summary>
    public const string GoalId = "aios.goal";

    /// <summary>The task of that goal.</summary>
    public const string TaskId = "aios.task";

    /// <summary>The agent role making the call (<c>planner</c> for the coordinator's planning).</summary>
    public const string Role = "aios.role";

    /// <summary>The customer the call is about.</summary>
    public const string CustomerId = "aios.customer";

    public static ChatOptions With(this ChatOptions options, string key, string value)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.AdditionalProperties ??= [];
        options.AdditionalProperties[key] = value;
        return options;
    }

    public static string? Get(ChatOptions? options, string key) =>
        options?.AdditionalProperties is { } properties && properties.TryGetValue(key, out var value) ? value as string : null;

    /// <summary>Marks the call as made for <paramref name="subject"/>'s goal, task, role and customer.</summary>
    public static ChatOptions For(this ChatOptions options, SpendSubject subject)
    {
        ArgumentNullException.ThrowIfNull(subject);
        foreach (var (key, value) in new[] { (GoalId, subject.GoalId), (TaskId, subject.TaskId), (Role, subject.Role), (CustomerId, subject.CustomerId) })
        {
            if (value is not null)
            {
                options.With(key, value);
            }
        }

        return options;
    }

    /// <summary>Who the call is for, as <see cref="For"/> marked it (all null when unmarked).</summary>
    public static SpendSubject Subject(ChatOptions? options) =>
        new(Get(options, GoalId), Get(options, TaskId), Get(options, Role), Get(options, CustomerId));

    /// <summary>The cache scope of <paramref name="customerId"/> at <paramref name="memoryVersion"/>.</summary>
    public static string Scope(string customerId, long memoryVersion) => $"customer/{customerId}@{memoryVersion}";
}
