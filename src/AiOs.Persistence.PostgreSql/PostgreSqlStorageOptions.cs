namespace AiOs.Persistence.PostgreSql;

/// <summary>Settings of the PostgreSQL storage provider (configuration section <see cref="SectionName"/>).</summary>
public sealed class PostgreSqlStorageOptions
{
    /// <summary>The configuration section these options are usually bound from.</summary>
    public const string SectionName = "AiOs:Storage:PostgreSql";

    /// <summary>An Npgsql connection string. Required. <b>Secret</b>: it usually carries a password, so it is never
    /// logged or put in an error message; errors name only host, port and database.</summary>
    public string ConnectionString { get; set; } = "";

    /// <summary>The schema that holds AiOs' tables; created at start when missing. Lowercase letters, digits and '_'.</summary>
    public string Schema { get; set; } = "aios";
}
