namespace AiOs.Workforce.Schedules;

/// <summary>What <see cref="IScheduleGrain.Create"/> came to: the schedule, or why it was refused.</summary>
public sealed record ScheduleCreation(ScheduleView? Schedule, string? Refusal);

/// <summary>One schedule, keyed by its id: stores it, runs it from a durable reminder, and answers the operator. Unknown
/// ids answer null (nothing is created by asking).</summary>
public interface IScheduleGrain : IGrainWithStringKey
{
    /// <summary>Creates the schedule. Creating it again with the same definition returns it unchanged (so a retried create
    /// is harmless); with another definition it is refused, as is an invalid definition (naming the wrong field).</summary>
    Task<ScheduleCreation> Create(ScheduleSpec spec);

    Task<ScheduleView?> Get();

    /// <summary>Stops runs until resumed; runs that fall due meanwhile are not made up.</summary>
    Task<ScheduleView?> Pause();

    /// <summary>Runs again from the next time after now.</summary>
    Task<ScheduleView?> Resume();

    /// <summary>Removes the schedule and its reminder; goals it started are not touched. False when there was none.</summary>
    Task<bool> Delete();
}
