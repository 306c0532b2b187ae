namespace AiOs.Persistence.Memory;

/// <summary>Who owns a memory item: one customer, project or agent role, or the whole business.</summary>
public enum MemoryScopeKind
{
    Business,
    Customer,
    Project,
    Role,
}

/// <summary>What a memory item is.</summary>
public enum MemoryKind
{
    Fact,
    Preference,
    Interaction,
    Decision,
    Summary,
    Playbook,
}

/// <summary>The owner of memory items. Scopes are compared by kind and exact id (ordinal), never by pattern or prefix,
/// so that no id can reach into another scope.</summary>
/// <param name="Kind">Customer, project, role, or business.</param>
/// <param name="Id">The customer, project or role id; empty for the business scope.</param>
public readonly record struct MemoryScope(MemoryScopeKind Kind, string Id)
{
    /// <summary>The one business-wide scope.</summary>
    public static MemoryScope Business { get; } = new(MemoryScopeKind.Business, "");

    public static MemoryScope Customer(string id) => new(MemoryScopeKind.Customer, id);

    public static MemoryScope Project(string id) => new(MemoryScopeKind.Project, id);

    public static MemoryScope Role(string id) => new(MemoryScopeKind.Role, id);

    /// <summary>The kind as stored: <c>business</c>, <c>customer</c>, <c>project</c> or <c>role</c>.</summary>
    public string KindName => KindNames[(int)Kind];

    /// <summary>Why this scope is not a valid owner, or null when it is.</summary>
    public string? Problem() => Kind switch
    {
        MemoryScopeKind.Business => string.IsNullOrEmpty(Id) ? null : "the business scope has no id",
        MemoryScopeKind.Customer or MemoryScopeKind.Project or MemoryScopeKind.Role =>
            string.IsNullOrWhiteSpace(Id) ? $"a {KindName} scope needs an id"
            : Id.Length > MaxIdLength ? $"a scope id has at most {MaxIdLength} characters"
            : Id.Any(char.IsControl) ? "a scope id must not contain control characters"
            : null,
        _ => $"there is no scope kind {(int)Kind} (known: business, customer, project, role)",
    };

    /// <summary>Parses <c>business</c>, <c>customer</c>, <c>project</c> or <c>role</c>; null for anything else.</summary>
    public static MemoryScopeKind? ParseKind(string? name) =>
        Array.IndexOf(KindNames, name) is var index and >= 0 ? (MemoryScopeKind)index : null;

    public override string ToString() => Kind == MemoryScopeKind.Business ? "business" : $"{KindName}/{Id}";

    /// <summary>The longest scope id accepted.</summary>
    public const int MaxIdLength = 200;

    private static readonly string[] KindNames = ["business", "customer", "project", "role"];
}

/// <summary>Where a memory item came from: recorded with it and returned with every hit.</summary>
/// <param name="Source">What produced it, e.g. <c>operator-api</c>, <c>goal</c>, <c>operator-edit</c>, <c>compaction</c>, <c>import</c>.</param>
/// <param name="Actor">Who: <c>operator</c>, or <c>agent:&lt;role&gt;</c>.</param>
/// <param name="At">When it was learned (microsecond precision).</param>
/// <param name="EventSequence">The event it came from, if any.</param>
/// <param name="Reference">What it belongs to, e.g. <c>goal/g-17/task/t2</c>.</param>
public sealed record MemoryProvenance(string Source, string Actor, DateTimeOffset At, long? EventSequence = null, string? Reference = null);

/// <summary>One thing memory holds.</summary>
/// <param name="ItemId">Unique across all scopes.</param>
/// <param name="Scope">Its owner.</param>
/// <param name="Kind">What it is.</param>
/// <param name="Text">The item itself.</param>
/// <param name="Provenance">Where it came from.</param>
/// <param name="Confidence">How sure the source was, 0 to 1.</param>
/// <param name="Embedding">Its vector (unit length); stored at half precision.</param>
/// <param name="SourceItemIds">For summaries: the items they were made from.</param>
/// <param name="Role">The agent role it applies to within its scope (e.g. a customer's preference for drafts by the
/// writer); null when it applies to every role.</param>
/// <param name="CustomerId">The customer it is about, when not its scope: <c>forget</c> of that customer removes it too.</param>
public sealed record MemoryItem(
    string ItemId,
    MemoryScope Scope,
    MemoryKind Kind,
    string Text,
    MemoryProvenance Provenance,
    double Confidence,
    float[] Embedding,
    IReadOnlyList<string> SourceItemIds,
    string? Role = null,
    string? CustomerId = null)
{
    public DateTimeOffset CreatedAt => Provenance.At;
}
