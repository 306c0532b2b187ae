using AiOs.Runtime.Timers;

namespace AiOs.Runtime.Activation;

// The services an activation offers its grain through IGrainContext: timers and reminders.
internal sealed partial class ActivationData
{
    /// <inheritdoc />
    public IGrainTimer RegisterTimer(string name, Func<CancellationToken, Task> callback, GrainTimerOptions options)
    {
        ArgumentNullException.ThrowIfNull(callback);
        ArgumentNullException.ThrowIfNull(options);
        if (options.DueTime < TimeSpan.Zero && options.DueTime != Timeout.InfiniteTimeSpan)
        {
            throw new ArgumentOutOfRangeException(nameof(options), $"Timer '{name}' of {GrainId}: DueTime must not be negative (was {options.DueTime}).");
        }

        if (options.Period <= TimeSpan.Zero && options.Period != Timeout.InfiniteTimeSpan)
        {
            throw new ArgumentOutOfRangeException(nameof(options), $"Timer '{name}' of {GrainId}: Period must be positive or infinite (was {options.Period}).");
        }

        var timer = new GrainTimer(this, name, callback, options, _runtime.Time, _runtime.Logger);
        lock (_lock)
        {
            if (_state is ActivationState.Deactivating or ActivationState.Invalid)
            {
                throw new InvalidOperationException($"{GrainId} is deactivating; it cannot register timer '{name}'.");
            }

            _timers.Add(timer);
        }

        timer.Start();
        return timer;
    }

    /// <summary>Forgets a disposed timer.</summary>
    public void RemoveTimer(GrainTimer timer)
    {
        lock (_lock)
        {
            _timers.Remove(timer);
        }
    }

    /// <inheritdoc />
    public Task<IGrainReminder> RegisterOrUpdateReminderAsync(string name, TimeSpan dueTime, TimeSpan period) =>
        _runtime.Reminders.RegisterAsync(this, name, dueTime, period);

    /// <inheritdoc />
    public Task<bool> UnregisterReminderAsync(string name) => _runtime.Reminders.UnregisterAsync(this, name);

    /// <inheritdoc />
    public Task<IGrainReminder?> GetReminderAsync(string name) => _runtime.Reminders.GetAsync(GrainId, name);

    /// <inheritdoc />
    public Task<IReadOnlyList<IGrainReminder>> GetRemindersAsync() => _runtime.Reminders.ListAsync(GrainId);
}
