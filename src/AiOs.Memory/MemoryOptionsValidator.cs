using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;

namespace AiOs.Memory;

/// <summary>Checks <see cref="MemoryOptions"/> at start; each failure names its setting.</summary>
public sealed class MemoryOptionsValidator : IValidateOptions<MemoryOptions>
{
    public ValidateOptionsResult Validate(string? name, MemoryOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        const string Section = MemoryOptions.SectionName;
        if (options.WorkingSetLimit < 1)
        {
            failures.Add($"{Section}:WorkingSetLimit must be at least 1 (got {options.WorkingSetLimit}).");
        }

        if (options.Candidates is < 1 or > 1_000)
        {
            failures.Add($"{Section}:Candidates must be between 1 and 1000 (got {options.Candidates}).");
        }

        if (options.MinSimilarity is < -1 or > 1 || double.IsNaN(options.MinSimilarity))
        {
            failures.Add($"{Section}:MinSimilarity must be between -1 and 1 (got {options.MinSimilarity}).");
        }

        if (options.MaintenancePeriod < TimeSpan.FromSeconds(1))
        {
            failures.Add($"{Section}:MaintenancePeriod must be at least 1 second (got {options.MaintenancePeriod}).");
        }

        if (options.CompactAfter < TimeSpan.Zero)
        {
            failures.Add($"{Section}:CompactAfter must not be negative (got {options.CompactAfter}).");
        }

        if (options.CompactionBatch is < 2 or > 1_000)
        {
            failures.Add($"{Section}:CompactionBatch must be between 2 and 1000 (got {options.CompactionBatch}).");
        }

        foreach (var (kind, policy) in options.Retention)
        {
            if (RetentionPolicy.Parse(policy) is null)
            {
                failures.Add($"{Section}:Retention:{kind} must be 'forever', 'days:N' or 'last:N' with N a positive whole number (got '{policy}').");
            }
        }

        foreach (var (what, pattern) in options.RedactionPatterns)
        {
            try
            {
                _ = new Regex(pattern, RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));
            }
            catch (ArgumentException ex)
            {
                failures.Add($"{Section}:RedactionPatterns:{what} is not a regular expression: {ex.Message}");
            }
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
