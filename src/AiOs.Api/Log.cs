using Microsoft.Extensions.Logging;

namespace AiOs.Api;

// Every log message of the API, with its event id. Keys' secrets are never logged; key ids are public.
internal static partial class Log
{
    [LoggerMessage(EventId = 4000, Level = LogLevel.Information, Message = "gRPC API listening at {Address}")]
    public static partial void Listening(ILogger logger, string address);

    [LoggerMessage(EventId = 4001, Level = LogLevel.Warning, Message = "gRPC API listens on {Address} without TLS (AiOs:Api:AllowInsecureRemote)")]
    public static partial void InsecureRemote(ILogger logger, string address);

    [LoggerMessage(EventId = 4002, Level = LogLevel.Warning, Message = "Generated the first-start operator key {KeyId}; written to {Path}")]
    public static partial void InitialKeyGenerated(ILogger logger, string keyId, string path);

    [LoggerMessage(EventId = 4010, Level = LogLevel.Error, Message = "{Method} failed (error id {ErrorId}); the caller got INTERNAL")]
    public static partial void CallFailed(ILogger logger, Exception exception, string method, string errorId);

    [LoggerMessage(EventId = 4011, Level = LogLevel.Debug, Message = "{Method} ended with {Status}: {Detail}")]
    public static partial void CallEnded(ILogger logger, string method, Grpc.StatusCode status, string detail);
}
