namespace AiOs.Persistence;

/// <summary>A storage provider as the host sees it: one database, prepared at start.</summary>
public interface IStorageProvider
{
    /// <summary>"SQLite" or "PostgreSQL".</summary>
    string Name { get; }

    /// <summary>The provider and where its data lives, for logs and errors, without credentials (e.g. "SQLite at
    /// /data/aios.db", "PostgreSQL at db.local:5432, database aios, schema aios").</summary>
    string Location { get; }

    /// <summary>Connects and applies pending migrations, idempotently (several processes may start at once). Must complete
    /// before the provider's other operations are used; until then they throw <see cref="InvalidOperationException"/>.</summary>
    /// <exception cref="StorageUnavailableException">The database cannot be reached; the message names the provider and
    /// its host, never a password.</exception>
    /// <exception cref="InvalidOperationException">The database refused the login, does not exist, or is not a database of
    /// this provider (not transient: retrying will not help).</exception>
    Task InitializeAsync(CancellationToken cancellationToken = default);
}
