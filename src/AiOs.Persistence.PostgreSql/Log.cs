using Microsoft.Extensions.Logging;

namespace AiOs.Persistence.PostgreSql;

/// <summary>The provider's log messages (event ids 1200-1299). None of them carries the connection string.</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 1201, Level = LogLevel.Information, Message = "Applied schema migration {Version} ({Name}) to {Location}")]
    public static partial void AppliedMigration(ILogger logger, int version, string name, string location);

    [LoggerMessage(EventId = 1202, Level = LogLevel.Debug, Message = "{Location}: schema is up to date ({Count} migrations)")]
    public static partial void SchemaUpToDate(ILogger logger, string location, int count);

    [LoggerMessage(EventId = 1203, Level = LogLevel.Information, Message = "Created schema {Schema} for {Location}")]
    public static partial void CreatedSchema(ILogger logger, string schema, string location);

    // Debug: the caller gets a StorageUnavailableException and decides what to report; an outage would otherwise log once
    // per failed call.
    [LoggerMessage(EventId = 1204, Level = LogLevel.Debug, Message = "{Location} is unavailable; dropping its idle pooled connections")]
    public static partial void Unavailable(ILogger logger, string location, Exception exception);
}
