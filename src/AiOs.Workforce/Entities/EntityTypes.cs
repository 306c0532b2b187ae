using AiOs.Persistence.Events;

namespace AiOs.Workforce.Entities;

/// <summary>The grain type names of the entities (stored in every event: never rename).</summary>
public static class EntityTypes
{
    public const string Customer = "customer";
    public const string Project = "project";
    public const string Lead = "lead";
    public const string ContentItem = "content-item";
    public const string Invoice = "invoice";

    /// <summary>The ids of the entities of <paramref name="type"/> that have events, in ordinal order, after
    /// <paramref name="afterId"/>: the log is the directory, so listing needs no index of its own.</summary>
    public static Task<IReadOnlyList<string>> ListAsync(IEventLog events, string type, string? afterId = null, int limit = 100, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(events);
        return events.ListStreamKeysAsync(type, afterId, limit, cancellationToken);
    }
}

internal static class EntityRules
{
    public static string? Required(string? value, string what) => string.IsNullOrWhiteSpace(value) ? $"the {what} must not be empty" : null;
}
