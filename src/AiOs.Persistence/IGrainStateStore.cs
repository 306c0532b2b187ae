namespace AiOs.Persistence;

/// <summary>Identifies one named state of one grain.</summary>
/// <param name="GrainId">The grain.</param>
/// <param name="StateName">The state's name within the grain.</param>
/// <param name="Partition">The grain's partition (stored with the row, used for fencing and ownership queries).</param>
public readonly record struct GrainStateKey(GrainId GrainId, string StateName, int Partition)
{
    public override string ToString() => $"{GrainId} state '{StateName}'";
}

/// <summary>A stored state row.</summary>
/// <param name="Json">The state as JSON text; null for a cleared row (a tombstone that keeps the version sequence going,
/// so that an ETag is never reused after a clear and a later insert).</param>
/// <param name="ETag">The row's version; changes on every write.</param>
/// <param name="WrittenBy">The silo that wrote it.</param>
/// <param name="WrittenAt">When it was written.</param>
public sealed record StoredGrainState(string? Json, string ETag, string WrittenBy, DateTimeOffset WrittenAt);

/// <summary>Durable grain state with optimistic concurrency. Implementations own their SQL.
///
/// Facts every implementation guarantees and every caller may rely on:
/// <list type="bullet">
/// <item>ETags are never reused for a key: a clear leaves a tombstone whose version keeps counting, and
/// <see cref="ReadAsync"/> returns that tombstone (Json null) with its ETag. A caller that cleared or read a tombstone
/// writes next with the tombstone's ETag; writing with a null ETag over a tombstone is a conflict.</item>
/// <item>The JSON read back is equivalent, not identical, to the JSON written (PostgreSQL's jsonb reorders keys, drops
/// whitespace and keeps the last of duplicate keys): never compare JSON text.</item>
/// <item>Times are stored to the microsecond.</item>
/// <item>A <see cref="StorageUnavailableException"/> from a write means the outcome is unknown: if the connection broke
/// after the statement reached the server, the write may have committed. A later write with the old ETag then gets an
/// <see cref="InconsistentStateException"/>, and the caller re-reads (the runtime deactivates the activation).</item>
/// <item>Using a provider before <see cref="IStorageProvider.InitializeAsync"/> throws <see cref="InvalidOperationException"/>.</item>
/// </list></summary>
public interface IGrainStateStore
{
    /// <summary>The provider's name as shown in errors ("SQLite", "PostgreSQL").</summary>
    string ProviderName { get; }

    /// <summary>Reads a row, or null when there is none.</summary>
    /// <exception cref="StorageUnavailableException">The storage cannot be reached.</exception>
    Task<StoredGrainState?> ReadAsync(GrainStateKey key, CancellationToken cancellationToken = default);

    /// <summary>Inserts or updates a row, returning its new ETag. <paramref name="expectedETag"/> is the ETag the writer
    /// last saw, or null when it believes there is no row.</summary>
    /// <exception cref="InconsistentStateException">The stored ETag differs from <paramref name="expectedETag"/>, or a row
    /// exists when none was expected, or none exists when one was. Nothing was written.</exception>
    /// <exception cref="LeaseLostException">The writer's fence is no longer current. Nothing was written.</exception>
    /// <exception cref="StorageUnavailableException">The storage cannot be reached; the write may be retried.</exception>
    Task<string> WriteAsync(GrainStateKey key, string json, string? expectedETag, StorageWriter writer, CancellationToken cancellationToken = default);

    /// <summary>Clears a row: its JSON becomes null and its version moves on (a tombstone), and the new ETag is returned.
    /// <paramref name="expectedETag"/> as for <see cref="WriteAsync"/>. Clearing when there is no row and none was
    /// expected succeeds and returns null.</summary>
    /// <exception cref="InconsistentStateException">The stored ETag differs from <paramref name="expectedETag"/>.</exception>
    /// <exception cref="LeaseLostException">The writer's fence is no longer current.</exception>
    /// <exception cref="StorageUnavailableException">The storage cannot be reached (outcome unknown, as for writes).</exception>
    Task<string?> ClearAsync(GrainStateKey key, string? expectedETag, StorageWriter writer, CancellationToken cancellationToken = default);
}
