namespace AiOs.Persistence.Schedules;

/// <summary>A schedule as stored: one row per schedule, owned by its schedule grain, readable by any silo for listing.</summary>
/// <param name="ScheduleId">Its id, unique.</param>
/// <param name="Name">The operator's name for it.</param>
/// <param name="Status">Where it stands as the schedules layer names it (e.g. <c>Active</c>); storage does not interpret it.</param>
/// <param name="Spec">What it runs and when, as JSON (the schedules layer's shape).</param>
/// <param name="Progress">What it has done (runs, skips, last goal), as JSON.</param>
/// <param name="NextRunAt">When it runs next; null when it will not run (paused, completed).</param>
/// <param name="Version">The row's version for compare-and-swap; changes on every save.</param>
/// <param name="CreatedAt">When it was first saved.</param>
/// <param name="UpdatedAt">When it was last saved.</param>
/// <param name="UpdatedBy">The silo that last saved it.</param>
public sealed record StoredSchedule(
    string ScheduleId,
    string Name,
    string Status,
    string Spec,
    string Progress,
    DateTimeOffset? NextRunAt,
    long Version,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    string UpdatedBy);

/// <summary>The durable schedules. Writes are compare-and-swap on <see cref="StoredSchedule.Version"/>, like the action
/// ledger's: the schedule grain is the only writer of its row, and a stale activation's write is refused, not merged.
/// Implementations own their SQL; every method may throw <see cref="StorageUnavailableException"/>.</summary>
public interface IScheduleStore
{
    /// <summary>One schedule, or null.</summary>
    Task<StoredSchedule?> FindScheduleAsync(string scheduleId, CancellationToken cancellationToken = default);

    /// <summary>The schedules whose status is one of <paramref name="statuses"/> (all when empty), soonest next run first,
    /// those that will not run last.</summary>
    Task<IReadOnlyList<StoredSchedule>> ListSchedulesAsync(IReadOnlyCollection<string> statuses, CancellationToken cancellationToken = default);

    /// <summary>Inserts <paramref name="schedule"/> when <paramref name="expectedVersion"/> is null, otherwise updates the row
    /// that still has that version. Returns the row as stored (with its new version), or null when the row exists although
    /// none was expected, or has another version, or is gone (then re-read it). <see cref="StoredSchedule.Version"/>,
    /// <see cref="StoredSchedule.CreatedAt"/> and the update fields of the argument are ignored.</summary>
    /// <exception cref="ArgumentException">Empty id, name or status, or spec/progress that are not JSON objects.</exception>
    Task<StoredSchedule?> SaveScheduleAsync(StoredSchedule schedule, long? expectedVersion, StorageWriter writer, CancellationToken cancellationToken = default);

    /// <summary>Deletes the row if it still has <paramref name="expectedVersion"/>; false when it has another or is gone.</summary>
    Task<bool> DeleteScheduleAsync(string scheduleId, long expectedVersion, CancellationToken cancellationToken = default);
}
