namespace AiOs.Persistence.Sqlite;

/// <summary>The exclusive lock on <c>&lt;database&gt;.lock</c> that makes a SQLite database single-silo. SQLite itself
/// would let two silos share the file, but each would believe it owns every partition (no leases without a cluster), so
/// both would activate the same grains. The lock is held for the provider's lifetime.</summary>
/// <remarks>.NET implements <see cref="FileShare.None"/> on Unix with an advisory <c>flock</c>, which the kernel releases
/// when the process dies, so a crashed silo never leaves a stale lock behind. The file itself is left in place on
/// release: deleting it could let two later silos lock two different files of the same name.</remarks>
internal sealed class SqliteSiloLock : IDisposable
{
    private readonly FileStream _file;

    private SqliteSiloLock(FileStream file) => _file = file;

    /// <exception cref="InvalidOperationException">Another silo (process or provider instance) holds the lock.</exception>
    public static SqliteSiloLock Acquire(string databasePath)
    {
        var path = databasePath + ".lock";
        try
        {
            var file = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, bufferSize: 1, FileOptions.None);
            return new SqliteSiloLock(file);
        }
        catch (IOException ex) when (File.Exists(path))
        {
            throw new InvalidOperationException(
                $"SQLite database {databasePath} is already in use by another AiOs silo; SQLite supports one silo. " +
                $"Use PostgreSQL for a cluster. (The lock is held on {path}.)",
                ex);
        }
    }

    public void Dispose() => _file.Dispose();
}
