namespace AiOs.Persistence.Sqlite;

/// <summary>Settings of the SQLite storage provider (configuration section <see cref="SectionName"/>).</summary>
public sealed class SqliteStorageOptions
{
    /// <summary>The configuration section these options are usually bound from.</summary>
    public const string SectionName = "AiOs:Storage:Sqlite";

    /// <summary>The directory that holds the database file; created on first run. Required.</summary>
    public string DataDirectory { get; set; } = "";

    /// <summary>The database file's name inside <see cref="DataDirectory"/>.</summary>
    public string FileName { get; set; } = "aios.db";

    /// <summary>How long a write waits for the database lock when another process holds it before it fails with
    /// <see cref="StorageUnavailableException"/>. Microsoft.Data.Sqlite counts command timeouts in whole seconds, so the
    /// effective wait is this value rounded up to a whole second.</summary>
    public TimeSpan BusyTimeout { get; set; } = TimeSpan.FromSeconds(5);
}
