namespace AiOs;

/// <summary>Implemented by grains that register reminders. Each tick is delivered as a call through this interface, so
/// it is a turn of the grain and passes through the call filters.</summary>
public interface IRemindable : IGrain
{
    /// <summary>A reminder is due.</summary>
    Task ReceiveReminder(string reminderName, TickStatus status);
}

/// <summary>About one reminder tick.</summary>
/// <param name="FirstTickTime">When the reminder first fell due.</param>
/// <param name="Period">The reminder's period.</param>
/// <param name="ScheduledTime">When this tick fell due; earlier than now for a catch-up tick after downtime.</param>
/// <param name="CurrentTickTime">When this tick was delivered.</param>
public readonly record struct TickStatus(DateTimeOffset FirstTickTime, TimeSpan Period, DateTimeOffset ScheduledTime, DateTimeOffset CurrentTickTime)
{
    /// <summary>True when the tick was due more than one period ago: ticks were missed while no silo could deliver them,
    /// and this single tick stands for all of them.</summary>
    public bool IsCatchUp => CurrentTickTime - ScheduledTime >= Period;
}

/// <summary>A durable reminder of a grain.</summary>
public interface IGrainReminder
{
    /// <summary>The reminder's name, unique within its grain.</summary>
    string ReminderName { get; }

    /// <summary>The reminder's period.</summary>
    TimeSpan Period { get; }

    /// <summary>When the reminder is next due.</summary>
    DateTimeOffset NextDue { get; }
}
