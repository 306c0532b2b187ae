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

    public static ChatOptions With(this ChatOptions options, string key, string value)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.AdditionalProperties ??= [];
        options.AdditionalProperties[key] = value;
        return options;
    }

    public static string? Get(ChatOptions? options, string key) =>
        options?.AdditionalProperties is { } properties && properties.TryGetValue(key, out var value) ? value as string : null;

    /// <summary>The cache scope of <paramref name="customerId"/> at <paramref name="memoryVersion"/>.</summary>
    public static string Scope(string customerId, long memoryVersion) => $"customer/{customerId}@{memoryVersion}";
}
