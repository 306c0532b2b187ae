namespace AiOs.Persistence.Memory;

/// <summary>Which items of a scope a read considers. Every criterion left null admits everything.</summary>
/// <param name="Kinds">Only these kinds (null or empty: all).</param>
/// <param name="Since">Only items learned at or after this time.</param>
/// <param name="Until">Only items learned before this time.</param>
/// <param name="Source">Only items whose provenance source is exactly this.</param>
/// <param name="MinConfidence">Only items at least this confident.</param>
/// <param name="Role">Only items that apply to this role (their role is this one or none); null: every item.</param>
public sealed record MemoryFilter(
    IReadOnlyCollection<MemoryKind>? Kinds = null,
    DateTimeOffset? Since = null,
    DateTimeOffset? Until = null,
    string? Source = null,
    double? MinConfidence = null,
    string? Role = null)
{
    public static MemoryFilter All { get; } = new();

    /// <summary>Whether <paramref name="item"/> passes, for filtering in memory exactly as the providers filter in SQL.</summary>
    public bool Admits(MemoryItem item)
    {
        ArgumentNullException.ThrowIfNull(item);
        return (Kinds is not { Count: > 0 } || Kinds.Contains(item.Kind))
            && (Since is null || item.CreatedAt >= Since)
            && (Until is null || item.CreatedAt < Until)
            && (Source is null || string.Equals(item.Provenance.Source, Source, StringComparison.Ordinal))
            && (MinConfidence is null || item.Confidence >= MinConfidence)
            && (Role is null || item.Role is null || string.Equals(item.Role, Role, StringComparison.Ordinal));
    }

    /// <summary>The kinds as a bit mask (bit n: kind n), 0 for all.</summary>
    public int KindMask() => Kinds is not { Count: > 0 } ? 0 : Kinds.Aggregate(0, (mask, kind) => mask | (1 << (int)kind));
}
