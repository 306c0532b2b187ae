namespace AiOs.Persistence;

/// <summary>A durable reminder row.</summary>
/// <param name="GrainId">The grain that owns the reminder.</param>
/// <param name="Name">The reminder's name, unique within the grain.</param>
/// <param name="Partition">The grain's partition.</param>
/// <param name="StartAt">When the reminder first fell due; ticks are due at <c>StartAt + k * Period</c>.</param>
/// <param name="Period">Time between ticks.</param>
/// <param name="NextDue">When the next tick is due. It moves forward only after a tick has been delivered, which is what
/// makes delivery at-least-once across crashes.</param>
/// <param name="ETag">The row's version.</param>
public sealed record ReminderEntry(
    GrainId GrainId,
    string Name,
    int Partition,
    DateTimeOffset StartAt,
    TimeSpan Period,
    DateTimeOffset NextDue,
    string ETag);

/// <summary>Durable reminders. Implementations own their SQL.
///
/// Every method may throw <see cref="StorageUnavailableException"/> (the storage cannot be reached; for writes the
/// outcome is then unknown) and, for writes carrying a fence, <see cref="LeaseLostException"/>. A reminder's ETag is never
/// reused, not even by a reminder removed and registered again under the same name, so a stale
/// <see cref="AdvanceAsync"/> can never succeed. Times are stored to the microsecond and periods to the millisecond.</summary>
public interface IReminderTable
{
    /// <summary>One reminder, or null.</summary>
    Task<ReminderEntry?> ReadAsync(GrainId grainId, string name, CancellationToken cancellationToken = default);

    /// <summary>All reminders of a grain, ordered by name.</summary>
    Task<IReadOnlyList<ReminderEntry>> ReadGrainAsync(GrainId grainId, CancellationToken cancellationToken = default);

    /// <summary>All reminders whose partition is in <paramref name="partitions"/> (what a partition's owner fires).</summary>
    Task<IReadOnlyList<ReminderEntry>> ReadPartitionsAsync(IReadOnlyCollection<int> partitions, CancellationToken cancellationToken = default);

    /// <summary>Creates or replaces a reminder and returns the stored row (with its new ETag).</summary>
    Task<ReminderEntry> UpsertAsync(
        GrainId grainId, string name, int partition, DateTimeOffset startAt, TimeSpan period, DateTimeOffset nextDue,
        StorageWriter writer, CancellationToken cancellationToken = default);

    /// <summary>Deletes a reminder; false when there was none.</summary>
    Task<bool> RemoveAsync(GrainId grainId, string name, StorageWriter writer, CancellationToken cancellationToken = default);

    /// <summary>Moves <paramref name="entry"/>'s next due time after a delivered tick, only if the row still has
    /// <paramref name="entry"/>'s ETag. Returns the updated row, or null when the reminder was changed or removed since
    /// (then the caller reloads it).</summary>
    Task<ReminderEntry?> AdvanceAsync(ReminderEntry entry, DateTimeOffset nextDue, StorageWriter writer, CancellationToken cancellationToken = default);
}
