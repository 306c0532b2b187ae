using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;
using Npgsql;

namespace AiOs.Persistence.PostgreSql;

/// <summary>Checks <see cref="PostgreSqlStorageOptions"/> at start; each failure names the setting as it is configured
/// and never repeats the connection string.</summary>
public sealed partial class PostgreSqlStorageOptionsValidator : IValidateOptions<PostgreSqlStorageOptions>
{
    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, PostgreSqlStorageOptions options)
    {
        var failures = Describe(options);
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    /// <summary>What is wrong with <paramref name="options"/>; empty when nothing is.</summary>
    public static IReadOnlyList<string> Describe(PostgreSqlStorageOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        const string Section = PostgreSqlStorageOptions.SectionName;
        var failures = new List<string>();
        if (string.IsNullOrWhiteSpace(options.ConnectionString))
        {
            failures.Add($"{Section}:ConnectionString is required (an Npgsql connection string such as 'Host=db;Database=aios;Username=aios;Password=...').");
        }
        else
        {
            try
            {
                var parsed = new NpgsqlConnectionStringBuilder(options.ConnectionString);
                if (string.IsNullOrWhiteSpace(parsed.Host))
                {
                    failures.Add($"{Section}:ConnectionString names no Host.");
                }
            }
            catch (Exception ex) when (ex is ArgumentException or FormatException or InvalidCastException or OverflowException)
            {
                // The parser's message names the offending keyword, not the string, so it is safe to repeat.
                failures.Add($"{Section}:ConnectionString is not a valid Npgsql connection string: {ex.Message}");
            }
        }

        if (string.IsNullOrEmpty(options.Schema))
        {
            failures.Add($"{Section}:Schema is required.");
        }
        else if (!Identifier().IsMatch(options.Schema))
        {
            failures.Add($"{Section}:Schema '{options.Schema}' is not a valid identifier: use lowercase ASCII letters, digits and '_', " +
                "starting with a letter or '_', at most 63 characters.");
        }
        else if (options.Schema.StartsWith("pg_", StringComparison.Ordinal))
        {
            failures.Add($"{Section}:Schema '{options.Schema}' is reserved: PostgreSQL keeps names starting with 'pg_' for itself.");
        }

        return failures;
    }

    // Lowercase only: an unquoted identifier in search_path is folded to lowercase, so 'Aios' would silently mean 'aios'.
    [GeneratedRegex("^[a-z_][a-z0-9_]{0,62}$", RegexOptions.CultureInvariant)]
    private static partial Regex Identifier();
}
