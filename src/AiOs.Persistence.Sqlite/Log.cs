using Microsoft.Extensions.Logging;

namespace AiOs.Persistence.Sqlite;

/// <summary>The provider's log messages (event ids 1100-1199).</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 1101, Level = LogLevel.Information, Message = "Applied schema migration {Version} ({Name}) to {Location}")]
    public static partial void AppliedMigration(ILogger logger, int version, string name, string location);

    [LoggerMessage(EventId = 1102, Level = LogLevel.Debug, Message = "{Location}: schema is up to date ({Count} migrations)")]
    public static partial void SchemaUpToDate(ILogger logger, string location, int count);

    [LoggerMessage(EventId = 1103, Level = LogLevel.Information, Message = "Opened {Location} (journal mode {JournalMode}, synchronous NORMAL)")]
    public static partial void Opened(ILogger logger, string location, string journalMode);

    [LoggerMessage(EventId = 1104, Level = LogLevel.Warning, Message = "{Location} did not switch to WAL journal mode (it reports '{JournalMode}'); writes will block readers")]
    public static partial void NotWal(ILogger logger, string location, string journalMode);
}
