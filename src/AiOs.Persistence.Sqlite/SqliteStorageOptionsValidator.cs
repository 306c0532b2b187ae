using Microsoft.Extensions.Options;

namespace AiOs.Persistence.Sqlite;

/// <summary>Checks <see cref="SqliteStorageOptions"/> at start; each failure names the setting as it is configured.</summary>
public sealed class SqliteStorageOptionsValidator : IValidateOptions<SqliteStorageOptions>
{
    private static readonly TimeSpan MaxBusyTimeout = TimeSpan.FromMinutes(10);

    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, SqliteStorageOptions options)
    {
        var failures = Describe(options);
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    /// <summary>What is wrong with <paramref name="options"/>; empty when nothing is.</summary>
    public static IReadOnlyList<string> Describe(SqliteStorageOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        const string Section = SqliteStorageOptions.SectionName;
        var failures = new List<string>();
        if (string.IsNullOrWhiteSpace(options.DataDirectory))
        {
            failures.Add($"{Section}:DataDirectory is required (the directory that holds the SQLite database file).");
        }
        else if (options.DataDirectory.IndexOfAny(Path.GetInvalidPathChars()) >= 0)
        {
            failures.Add($"{Section}:DataDirectory '{options.DataDirectory}' is not a valid path.");
        }

        if (string.IsNullOrWhiteSpace(options.FileName))
        {
            failures.Add($"{Section}:FileName is required.");
        }
        else if (options.FileName.IndexOfAny(Path.GetInvalidFileNameChars()) >= 0 || options.FileName is "." or "..")
        {
            failures.Add($"{Section}:FileName '{options.FileName}' is not a plain file name (no directories; put those in DataDirectory).");
        }

        if (options.BusyTimeout <= TimeSpan.Zero || options.BusyTimeout > MaxBusyTimeout)
        {
            failures.Add($"{Section}:BusyTimeout '{options.BusyTimeout}' must be more than zero and at most {MaxBusyTimeout}.");
        }

        return failures;
    }
}
