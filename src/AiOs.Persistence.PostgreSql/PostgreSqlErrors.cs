using System.Net.Sockets;
using Npgsql;

namespace AiOs.Persistence.PostgreSql;

/// <summary>Which failures mean "PostgreSQL cannot be used right now" (transient for the caller), and how to describe
/// them without the connection string.</summary>
internal static class PostgreSqlErrors
{
    /// <summary>jsonb refuses the escape \u0000 (it cannot be converted to text).</summary>
    public const string UnsupportedUnicodeEscape = "22P05";

    /// <summary>A NUL byte in text.</summary>
    public const string CharacterNotInRepertoire = "22021";

    /// <summary>Text that is not JSON for a jsonb column.</summary>
    public const string InvalidTextRepresentation = "22P02";

    public static bool IsUnavailable(Exception exception) => exception switch
    {
        PostgresException postgres => IsUnavailableState(postgres.SqlState),

        // Client-side failures: connection refused or reset, broken pooled connections, timeouts, pool exhaustion.
        NpgsqlException npgsql => npgsql.IsTransient || npgsql.InnerException is IOException or SocketException or TimeoutException,
        SocketException or IOException or TimeoutException => true,
        _ => false,
    };

    public static bool IsLoginRefused(Exception exception) =>
        exception is PostgresException { SqlState: "28000" or "28P01" or "3D000" };

    /// <summary>The failure in one line, with <paramref name="secret"/> (the password) masked should it ever appear.</summary>
    public static string Describe(Exception exception, string? secret)
    {
        var text = exception switch
        {
            PostgresException postgres => $"{postgres.SqlState}: {postgres.MessageText}",
            { InnerException: { } inner } when inner.Message != exception.Message => $"{exception.Message} ({inner.Message})",
            _ => exception.Message,
        };

        return string.IsNullOrEmpty(secret) ? text : text.Replace(secret, "***", StringComparison.Ordinal);
    }

    private static bool IsUnavailableState(string state) =>
        state.StartsWith("08", StringComparison.Ordinal)      // connection exception
        || state.StartsWith("53", StringComparison.Ordinal)   // insufficient resources: disk full, out of memory, too many connections
        || state.StartsWith("58", StringComparison.Ordinal)   // system error, I/O error
        || state is "57P01" or "57P02" or "57P03"             // admin shutdown, crash shutdown, cannot connect now
        || state is "57014"                                   // statement timeout (the caller's own cancellation is not mapped)
        || state is "55P03";                                  // lock timeout
}
