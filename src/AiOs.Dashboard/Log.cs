using Microsoft.Extensions.Logging;

namespace AiOs.Dashboard;

// Every log message of the dashboard, with its event id. Keys are never logged, only their public ids.
internal static partial class Log
{
    [LoggerMessage(EventId = 8000, Level = LogLevel.Information, Message = "Dashboard login with key {KeyId} ({Scope})")]
    public static partial void LoggedIn(ILogger logger, string keyId, string scope);

    [LoggerMessage(EventId = 8001, Level = LogLevel.Warning, Message = "Dashboard login refused from {Remote}: {Reason}")]
    public static partial void LoginRefused(ILogger logger, string remote, string reason);

    [LoggerMessage(EventId = 8002, Level = LogLevel.Information, Message = "Dashboard action {Action} by key {KeyId}")]
    public static partial void ActionTaken(ILogger logger, string action, string keyId);

    [LoggerMessage(EventId = 8003, Level = LogLevel.Debug, Message = "Silo {SiloId} at {Address} did not answer the dashboard's query")]
    public static partial void PeerSilent(ILogger logger, string siloId, string address);
}
