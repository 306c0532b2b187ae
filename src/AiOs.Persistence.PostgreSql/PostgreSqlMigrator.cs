using AiOs.Persistence.Shared;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace AiOs.Persistence.PostgreSql;

/// <summary>Creates the schema and applies the embedded migrations in one transaction that first takes
/// <c>pg_advisory_xact_lock</c> on a key derived from the schema name. Several silos starting at once therefore run
/// this one after another: the first migrates, the others find nothing pending. The lock is released with the
/// transaction, also when the process dies.</summary>
internal static class PostgreSqlMigrator
{
    private const string CreateHistory = """
        CREATE TABLE IF NOT EXISTS aios_schema_migrations (
            version    integer     NOT NULL PRIMARY KEY,
            name       text        NOT NULL,
            applied_at timestamptz NOT NULL DEFAULT now()
        )
        """;

    public static IReadOnlyList<Migration> Shipped { get; } = EmbeddedMigrations.Load(typeof(PostgreSqlMigrator).Assembly);

    public static async Task ApplyAsync(NpgsqlConnection connection, string schema, string location, ILogger logger, CancellationToken cancellationToken)
    {
        var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using (transaction.ConfigureAwait(false))
        {
            await ExecuteAsync(connection, "SELECT pg_advisory_xact_lock($1)", cancellationToken, AdvisoryLockKey.ForMigrations(schema)).ConfigureAwait(false);

            // Checked first because CREATE SCHEMA IF NOT EXISTS needs the CREATE privilege on the database even when the
            // schema exists, which a least-privilege application role may lack once an administrator has created it.
            // (Concurrent CREATE SCHEMA IF NOT EXISTS can also fail on a unique violation; the advisory lock prevents that.)
            var exists = await ScalarAsync(connection, "SELECT EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = $1)", cancellationToken, schema)
                .ConfigureAwait(false) is true;
            var quoted = Quote(schema);
            if (!exists)
            {
                await ExecuteAsync(connection, $"CREATE SCHEMA IF NOT EXISTS {quoted}", cancellationToken).ConfigureAwait(false);
                Log.CreatedSchema(logger, schema, location);
            }

            // The data source already sets search_path, but this session resolved it before the schema existed.
            await ExecuteAsync(connection, $"SET LOCAL search_path TO {quoted}", cancellationToken).ConfigureAwait(false);
            await ExecuteAsync(connection, CreateHistory, cancellationToken).ConfigureAwait(false);
            var pending = MigrationPlan.Pending(Shipped, await ReadAppliedAsync(connection, cancellationToken).ConfigureAwait(false), location);
            foreach (var migration in pending)
            {
                await ExecuteAsync(connection, migration.Sql, cancellationToken).ConfigureAwait(false);
                await ExecuteAsync(connection, "INSERT INTO aios_schema_migrations (version, name) VALUES ($1, $2)", cancellationToken, migration.Version, migration.Name)
                    .ConfigureAwait(false);
            }

            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            foreach (var migration in pending)
            {
                Log.AppliedMigration(logger, migration.Version, migration.Name, location);
            }

            if (pending.Count == 0)
            {
                Log.SchemaUpToDate(logger, location, Shipped.Count);
            }
        }
    }

    private static async Task<Dictionary<int, string>> ReadAppliedAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        var command = new NpgsqlCommand("SELECT version, name FROM aios_schema_migrations", connection);
        await using (command.ConfigureAwait(false))
        {
            var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await using (reader.ConfigureAwait(false))
            {
                var applied = new Dictionary<int, string>();
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    applied[reader.GetInt32(0)] = reader.GetString(1);
                }

                return applied;
            }
        }
    }

    private static string Quote(string identifier) => "\"" + identifier.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql, CancellationToken cancellationToken, params object[] parameters)
    {
        var command = Command(connection, sql, parameters);
        await using (command.ConfigureAwait(false))
        {
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private static async Task<object?> ScalarAsync(NpgsqlConnection connection, string sql, CancellationToken cancellationToken, params object[] parameters)
    {
        var command = Command(connection, sql, parameters);
        await using (command.ConfigureAwait(false))
        {
            return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private static NpgsqlCommand Command(NpgsqlConnection connection, string sql, object[] parameters)
    {
        var command = new NpgsqlCommand(sql, connection);
        foreach (var parameter in parameters)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = parameter });
        }

        return command;
    }
}
