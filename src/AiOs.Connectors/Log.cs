using AiOs.Workforce.Actions;
using Microsoft.Extensions.Logging;

namespace AiOs.Connectors;

/// <summary>The connectors' log events (61xx). Errors are logged only after redaction: no credentials, ever.</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 6101, Level = LogLevel.Information, Message = "Email {MessageId} sent to {Recipients} recipient(s)")]
    public static partial void EmailSent(ILogger logger, string messageId, int recipients);

    [LoggerMessage(EventId = 6102, Level = LogLevel.Warning, Message = "Email {MessageId} not sent ({Outcome}): {Error}")]
    public static partial void EmailFailed(ILogger logger, string messageId, ConnectorOutcome outcome, string error);

    [LoggerMessage(EventId = 6103, Level = LogLevel.Information, Message = "Dry run: email {MessageId} to {Recipients} recipient(s) recorded, not sent")]
    public static partial void EmailDryRun(ILogger logger, string messageId, int recipients);

    [LoggerMessage(EventId = 6111, Level = LogLevel.Information, Message = "Webhook {Action} {Key} delivered ({Status})")]
    public static partial void WebhookSent(ILogger logger, string action, string key, int status);

    [LoggerMessage(EventId = 6112, Level = LogLevel.Warning, Message = "Webhook {Action} {Key} not delivered ({Outcome}): {Error}")]
    public static partial void WebhookFailed(ILogger logger, string action, string key, ConnectorOutcome outcome, string error);

    [LoggerMessage(EventId = 6113, Level = LogLevel.Information, Message = "Dry run: webhook {Action} {Key} recorded, not sent")]
    public static partial void WebhookDryRun(ILogger logger, string action, string key);

    [LoggerMessage(EventId = 6121, Level = LogLevel.Information, Message = "Calendar event {Uid} added to the feed{DryRun}")]
    public static partial void CalendarEvent(ILogger logger, string uid, string dryRun);
}
