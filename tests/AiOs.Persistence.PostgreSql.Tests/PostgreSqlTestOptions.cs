using AiOs.Testing;

namespace AiOs.Persistence.PostgreSql.Tests;

/// <summary>Provider options for the test server.</summary>
internal static class PostgreSqlTestOptions
{
    public static PostgreSqlStorageOptions For(PostgresDatabase database, string? schema = null, string? connectionString = null) =>
        new() { ConnectionString = connectionString ?? database.ConnectionString, Schema = schema ?? database.Schema };

    public static PostgreSqlStorageProvider Provider(PostgresDatabase database, string? schema = null, TimeProvider? timeProvider = null) =>
        new(For(database, schema), timeProvider: timeProvider);
}
