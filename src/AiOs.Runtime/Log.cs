using Microsoft.Extensions.Logging;

namespace AiOs.Runtime;

/// <summary>The runtime's log messages, source-generated, with stable event ids.</summary>
internal static partial class Log
{
    [LoggerMessage(1000, LogLevel.Information, "AiOs silo {SiloId} started: {GrainTypes} grain types, {Partitions} partitions, storage {Storage}")]
    public static partial void SiloStarted(ILogger logger, string siloId, int grainTypes, int partitions, string storage);

    [LoggerMessage(1001, LogLevel.Information, "AiOs silo {SiloId} stopped")]
    public static partial void SiloStopped(ILogger logger, string siloId);

    [LoggerMessage(1002, LogLevel.Critical, "Storage {Storage} could not be prepared at start")]
    public static partial void StorageInitializationFailed(ILogger logger, Exception exception, string storage);

    [LoggerMessage(1003, LogLevel.Warning, "{Count} activations did not finish deactivating within {Timeout} during shutdown")]
    public static partial void ShutdownDrainTimedOut(ILogger logger, int count, TimeSpan timeout);

    [LoggerMessage(1100, LogLevel.Warning, "Activation of {GrainId} failed")]
    public static partial void ActivationFailed(ILogger logger, Exception exception, GrainId grainId);

    [LoggerMessage(1101, LogLevel.Debug, "Deactivated {GrainId} ({Reason})")]
    public static partial void Deactivated(ILogger logger, GrainId grainId, DeactivationReason reason);

    [LoggerMessage(1102, LogLevel.Warning, "OnDeactivateAsync of {GrainId} failed or timed out ({Reason})")]
    public static partial void DeactivationFailed(ILogger logger, Exception exception, GrainId grainId, DeactivationReason reason);

    [LoggerMessage(1103, LogLevel.Error, "Unhandled exception in grain code of {GrainId} (an async void method?)")]
    public static partial void UnhandledGrainException(ILogger logger, Exception exception, GrainId grainId);

    [LoggerMessage(1200, LogLevel.Warning, "{Message}")]
    public static partial void CallTimedOut(ILogger logger, string message);

    [LoggerMessage(1300, LogLevel.Warning, "Timer {TimerName} of {GrainId} failed")]
    public static partial void TimerTickFailed(ILogger logger, Exception exception, string timerName, GrainId grainId);

    [LoggerMessage(1400, LogLevel.Debug, "Loaded {Count} reminders of {Partitions} partitions")]
    public static partial void RemindersLoaded(ILogger logger, int count, int partitions);

    [LoggerMessage(1401, LogLevel.Warning, "Reminder tick {ReminderName} of {GrainId} failed")]
    public static partial void ReminderTickFailed(ILogger logger, Exception exception, string reminderName, GrainId grainId);

    [LoggerMessage(1402, LogLevel.Warning, "Could not record the delivery of reminder {ReminderName} of {GrainId}; it may be delivered again")]
    public static partial void ReminderAdvanceFailed(ILogger logger, Exception exception, string reminderName, GrainId grainId);

    [LoggerMessage(1403, LogLevel.Warning, "Reading reminders failed; retrying at the next refresh")]
    public static partial void ReminderRefreshFailed(ILogger logger, Exception exception);
}
