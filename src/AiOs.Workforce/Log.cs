using Microsoft.Extensions.Logging;

namespace AiOs.Workforce;

// Log messages of the workforce, with their event ids (policies and approvals: 6100-6199; memory compaction: 6200-6209).
internal static partial class Log
{
    [LoggerMessage(EventId = 6100, Level = LogLevel.Warning, Message = "Escalation notice of approval {ApprovalId} did not go out ({Status}): {Error}")]
    public static partial void EscalationNotDelivered(ILogger logger, string approvalId, string status, string? error);

    [LoggerMessage(EventId = 6101, Level = LogLevel.Warning, Message = "Could not wake goal {GoalId} after approval {ApprovalId} was decided; its reminder will pick it up")]
    public static partial void WakeFailed(ILogger logger, string goalId, string approvalId, Exception exception);

    [LoggerMessage(EventId = 6110, Level = LogLevel.Information, Message = "Policy file {Path} applied as policy version {Version}")]
    public static partial void PolicyFileApplied(ILogger logger, string path, long version);

    [LoggerMessage(EventId = 6111, Level = LogLevel.Error, Message = "Policy file {Path} refused, the policy in force stays: {Reason}")]
    public static partial void PolicyFileRefused(ILogger logger, string path, string reason);

    [LoggerMessage(EventId = 6112, Level = LogLevel.Error, Message = "Policy file {Path} could not be applied; will retry on the next change")]
    public static partial void PolicyFileFailed(ILogger logger, string path, Exception exception);

    [LoggerMessage(EventId = 6200, Level = LogLevel.Warning, Message = "Compaction of memory scope {Scope} summarised {Count} interactions extractively instead of with the {Tier} tier model: {Reason}")]
    public static partial void CompactionSummaryFallback(ILogger logger, string scope, int count, string tier, string reason);

    [LoggerMessage(EventId = 6201, Level = LogLevel.Debug, Message = "Compaction of memory scope {Scope} summarised {Count} interactions extractively: the {Tier} tier runs the offline provider")]
    public static partial void CompactionSummaryOffline(ILogger logger, string scope, int count, string tier);
}
