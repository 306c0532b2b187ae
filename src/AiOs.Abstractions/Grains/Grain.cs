using System.Globalization;

namespace AiOs;

/// <summary>Base class of grain implementations. The runtime constructs grains (with constructor injection, including
/// <see cref="PersistentStateAttribute"/> parameters), so the context is available from the constructor on.</summary>
public abstract class Grain
{
    // Set by the runtime on the constructing thread for the duration of the constructor call, as Orleans does with
    // RuntimeContext, so that a grain may use its identity and factory in its constructor.
    [ThreadStatic]
    private static IGrainContext? t_constructing;

    protected Grain()
    {
        GrainContext = t_constructing ?? throw new InvalidOperationException(
            $"{GetType().Name} is a grain; grains are created by the AiOs runtime, not with 'new'. " +
            "Use IGrainFactory.GetGrain<T>(key) to obtain a reference.");
    }

    /// <summary>The activation's context.</summary>
    public IGrainContext GrainContext { get; }

    /// <summary>This grain's identity.</summary>
    public GrainId GrainId => GrainContext.GrainId;

    /// <summary>Creates references to other grains.</summary>
    protected IGrainFactory GrainFactory => GrainContext.GrainFactory;

    /// <summary>The primary key as a string.</summary>
    public string GetPrimaryKeyString() => GrainId.Key;

    /// <summary>The primary key of a Guid-keyed grain.</summary>
    public Guid GetPrimaryKey() => Guid.Parse(GrainId.Key);

    /// <summary>The primary key of an integer-keyed grain.</summary>
    public long GetPrimaryKeyLong() => long.Parse(GrainId.Key, CultureInfo.InvariantCulture);

    /// <summary>Runs once, as the first turn of a new activation, after its persistent state has been read.</summary>
    public virtual Task OnActivateAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Runs once, as the last turn of an activation. Not called if the process dies.</summary>
    public virtual Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Deactivate this activation once the current call completes.</summary>
    protected void DeactivateOnIdle() => GrainContext.DeactivateOnIdle();

    /// <summary>Registers a timer. Ticks run as turns of this activation (never in parallel with a call unless
    /// <see cref="GrainTimerOptions.Interleave"/>), never overlap each other (the next period starts when a tick ends),
    /// are not durable, and end with the activation or when the returned timer is disposed.</summary>
    protected IGrainTimer RegisterGrainTimer(Func<CancellationToken, Task> callback, TimeSpan dueTime, TimeSpan period) =>
        GrainContext.RegisterTimer(callback.Method.Name, callback, new GrainTimerOptions { DueTime = dueTime, Period = period });

    /// <summary>Registers a timer with options; see <see cref="RegisterGrainTimer(Func{CancellationToken, Task}, TimeSpan, TimeSpan)"/>.</summary>
    protected IGrainTimer RegisterGrainTimer(Func<CancellationToken, Task> callback, GrainTimerOptions options) =>
        GrainContext.RegisterTimer(callback.Method.Name, callback, options);

    /// <summary>Registers or updates a durable reminder. The grain must implement <see cref="IRemindable"/>.</summary>
    protected Task<IGrainReminder> RegisterOrUpdateReminder(string reminderName, TimeSpan dueTime, TimeSpan period) =>
        GrainContext.RegisterOrUpdateReminderAsync(reminderName, dueTime, period);

    /// <summary>Removes a reminder; returns false when there was none of that name.</summary>
    protected Task<bool> UnregisterReminder(string reminderName) => GrainContext.UnregisterReminderAsync(reminderName);

    /// <summary>The reminder of that name, or null.</summary>
    protected Task<IGrainReminder?> GetReminder(string reminderName) => GrainContext.GetReminderAsync(reminderName);

    /// <summary>All reminders of this grain.</summary>
    protected Task<IReadOnlyList<IGrainReminder>> GetReminders() => GrainContext.GetRemindersAsync();

    /// <summary>Makes <paramref name="context"/> the context of grains constructed on this thread until disposed.</summary>
    internal static ConstructionScope BeginConstruction(IGrainContext context)
    {
        var previous = t_constructing;
        t_constructing = context;
        return new ConstructionScope(previous);
    }

    internal readonly struct ConstructionScope(IGrainContext? previous) : IDisposable
    {
        public void Dispose() => t_constructing = previous;
    }
}
