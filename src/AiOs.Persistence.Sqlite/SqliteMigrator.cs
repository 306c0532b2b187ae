using System.Globalization;
using AiOs.Persistence.Shared;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;

namespace AiOs.Persistence.Sqlite;

/// <summary>Applies the embedded migrations in one <c>BEGIN IMMEDIATE</c> transaction: the write lock is taken before
/// the applied versions are read, so two initializers can never both decide that a migration is pending.</summary>
internal static class SqliteMigrator
{
    private const string CreateHistory = """
        CREATE TABLE IF NOT EXISTS aios_schema_migrations (
            version    INTEGER NOT NULL PRIMARY KEY,
            name       TEXT    NOT NULL,
            applied_at TEXT    NOT NULL -- ISO 8601, UTC
        )
        """;

    public static IReadOnlyList<Migration> Shipped { get; } = EmbeddedMigrations.Load(typeof(SqliteMigrator).Assembly);

    public static void Apply(SqliteConnection connection, string location, TimeProvider time, ILogger logger)
    {
        Execute(connection, "BEGIN IMMEDIATE");
        try
        {
            Execute(connection, CreateHistory);
            var pending = MigrationPlan.Pending(Shipped, ReadApplied(connection), location);
            foreach (var migration in pending)
            {
                // DDL is transactional in SQLite: a failing migration leaves no trace, and the next start retries it.
                Execute(connection, migration.Sql);
                using var record = connection.CreateCommand();
                record.CommandText = "INSERT INTO aios_schema_migrations (version, name, applied_at) VALUES ($version, $name, $at)";
                record.Parameters.AddWithValue("$version", migration.Version);
                record.Parameters.AddWithValue("$name", migration.Name);
                record.Parameters.AddWithValue("$at", time.GetUtcNow().ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture));
                record.ExecuteNonQuery();
            }

            Execute(connection, "COMMIT");
            foreach (var migration in pending)
            {
                Log.AppliedMigration(logger, migration.Version, migration.Name, location);
            }

            if (pending.Count == 0)
            {
                Log.SchemaUpToDate(logger, location, Shipped.Count);
            }
        }
        catch
        {
            Rollback(connection);
            throw;
        }
    }

    private static void Rollback(SqliteConnection connection)
    {
        try
        {
            Execute(connection, "ROLLBACK");
        }
        catch (SqliteException)
        {
            // SQLite already rolled back (some errors end the transaction themselves); the original error is what matters.
        }
    }

    private static Dictionary<int, string> ReadApplied(SqliteConnection connection)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT version, name FROM aios_schema_migrations";
        using var reader = command.ExecuteReader();
        var applied = new Dictionary<int, string>();
        while (reader.Read())
        {
            applied[reader.GetInt32(0)] = reader.GetString(1);
        }

        return applied;
    }

    private static void Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
