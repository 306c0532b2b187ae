using Microsoft.Extensions.Options;

namespace AiOs.Dashboard;

/// <summary>Refuses dashboard settings the service cannot run with, naming the setting.</summary>
internal sealed class DashboardOptionsValidator : IValidateOptions<DashboardOptions>
{
    public ValidateOptionsResult Validate(string? name, DashboardOptions options)
    {
        var errors = new List<string>();
        if (options.SessionLifetime < TimeSpan.FromMinutes(1) || options.SessionLifetime > TimeSpan.FromDays(30))
        {
            errors.Add($"AiOs:Dashboard:SessionLifetime must be between 00:01:00 and 30.00:00:00 (was {options.SessionLifetime}).");
        }

        if (options.PeerTimeout < TimeSpan.FromMilliseconds(100) || options.PeerTimeout > TimeSpan.FromMinutes(1))
        {
            errors.Add($"AiOs:Dashboard:PeerTimeout must be between 00:00:00.100 and 00:01:00 (was {options.PeerTimeout}).");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
