namespace AiOs;

/// <summary>What the runtime gives one activation: its identity, services, timers, reminders and lifecycle control.
/// <see cref="Grain"/> exposes these to grain code; other components reach it through <see cref="Grain.GrainContext"/>.</summary>
public interface IGrainContext
{
    /// <summary>The grain's identity.</summary>
    GrainId GrainId { get; }

    /// <summary>The partition the grain id hashes to.</summary>
    int Partition { get; }

    /// <summary>Creates references to other grains.</summary>
    IGrainFactory GrainFactory { get; }

    /// <summary>The silo's services.</summary>
    IServiceProvider Services { get; }

    /// <summary>Deactivate this activation once the current call completes.</summary>
    void DeactivateOnIdle();

    /// <summary>Registers a timer that ticks as a turn of this activation; see <see cref="GrainTimerOptions"/>.</summary>
    IGrainTimer RegisterTimer(string name, Func<CancellationToken, Task> callback, GrainTimerOptions options);

    /// <summary>Registers or updates a durable reminder of this grain.</summary>
    Task<IGrainReminder> RegisterOrUpdateReminderAsync(string name, TimeSpan dueTime, TimeSpan period);

    /// <summary>Removes a reminder; returns false when there was none of that name.</summary>
    Task<bool> UnregisterReminderAsync(string name);

    /// <summary>The reminder of that name, or null.</summary>
    Task<IGrainReminder?> GetReminderAsync(string name);

    /// <summary>All reminders of this grain.</summary>
    Task<IReadOnlyList<IGrainReminder>> GetRemindersAsync();
}
