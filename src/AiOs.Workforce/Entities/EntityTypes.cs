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

/// <summary>What makes each entity's value valid: the grains refuse a value that breaks them, and an import checks a
/// snapshot by them before storing anything.</summary>
internal static class EntityRules
{
    public static string? Problem(Customer value) => Required(value.Name, "name");

    public static string? Problem(Project value) => Required(value.Name, "name") ?? Required(value.CustomerId, "customer id");

    public static string? Problem(Lead value) => Required(value.Name, "name");

    public static string? Problem(ContentItem value) => Required(value.Title, "title") ?? Required(value.Channel, "channel");

    public static string? Problem(Invoice value) =>
        Required(value.CustomerId, "customer id")
        ?? (value.AmountMinor < 0 ? $"the amount {value.AmountMinor} must not be negative" : null)
        ?? (value.Currency is { Length: 3 } && value.Currency.All(char.IsAsciiLetterUpper) ? null : $"the currency '{value.Currency}' is not an ISO 4217 code such as EUR");

    private static string? Required(string? value, string what) => string.IsNullOrWhiteSpace(value) ? $"the {what} must not be empty" : null;
}
