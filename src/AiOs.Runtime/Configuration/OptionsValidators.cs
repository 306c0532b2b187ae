using Microsoft.Extensions.Options;

namespace AiOs.Runtime.Configuration;

// Each failure names the setting as it is written in configuration, so that a bad value stops the host with a message
// the operator can act on.

internal sealed class SiloOptionsValidator : IValidateOptions<SiloOptions>
{
    public ValidateOptionsResult Validate(string? name, SiloOptions options)
    {
        var errors = new List<string>();
        if (string.IsNullOrWhiteSpace(options.SiloId) || options.SiloId.Any(char.IsControl) || options.SiloId.Length > 200)
        {
            errors.Add($"{SiloOptions.Section}:SiloId must be 1-200 printable characters (was '{options.SiloId}').");
        }

        if (options.PartitionCount is < 1 or > 65536)
        {
            errors.Add($"{SiloOptions.Section}:PartitionCount must be between 1 and 65536 (was {options.PartitionCount}).");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}

internal sealed class GrainCallOptionsValidator : IValidateOptions<GrainCallOptions>
{
    public ValidateOptionsResult Validate(string? name, GrainCallOptions options)
    {
        var errors = new List<string>();
        if (options.ResponseTimeout <= TimeSpan.Zero)
        {
            errors.Add($"{GrainCallOptions.Section}:ResponseTimeout must be positive (was {options.ResponseTimeout}).");
        }

        if (options.TimeoutCheckInterval <= TimeSpan.Zero)
        {
            errors.Add($"{GrainCallOptions.Section}:TimeoutCheckInterval must be positive (was {options.TimeoutCheckInterval}).");
        }

        if (options.LatencySampleInterval is < 1 or > 1_000_000)
        {
            errors.Add($"{GrainCallOptions.Section}:LatencySampleInterval must be between 1 and 1000000 (was {options.LatencySampleInterval}).");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}

internal sealed class GrainCollectionOptionsValidator : IValidateOptions<GrainCollectionOptions>
{
    public ValidateOptionsResult Validate(string? name, GrainCollectionOptions options)
    {
        var errors = new List<string>();
        if (options.CollectionAge <= TimeSpan.Zero)
        {
            errors.Add($"{GrainCollectionOptions.Section}:CollectionAge must be positive (was {options.CollectionAge}).");
        }

        if (options.CollectionQuantum <= TimeSpan.Zero)
        {
            errors.Add($"{GrainCollectionOptions.Section}:CollectionQuantum must be positive (was {options.CollectionQuantum}).");
        }

        foreach (var (type, age) in options.CollectionAgeByGrainType)
        {
            if (age <= TimeSpan.Zero)
            {
                errors.Add($"{GrainCollectionOptions.Section}:CollectionAgeByGrainType:{type} must be positive (was {age}).");
            }
        }

        if (options.DeactivationTimeout <= TimeSpan.Zero)
        {
            errors.Add($"{GrainCollectionOptions.Section}:DeactivationTimeout must be positive (was {options.DeactivationTimeout}).");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}

internal sealed class ReminderOptionsValidator : IValidateOptions<ReminderOptions>
{
    public ValidateOptionsResult Validate(string? name, ReminderOptions options)
    {
        var errors = new List<string>();
        if (options.MinimumPeriod <= TimeSpan.Zero)
        {
            errors.Add($"{ReminderOptions.Section}:MinimumPeriod must be positive (was {options.MinimumPeriod}).");
        }

        if (options.RefreshInterval <= TimeSpan.Zero)
        {
            errors.Add($"{ReminderOptions.Section}:RefreshInterval must be positive (was {options.RefreshInterval}).");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
