using System.Net;
using Microsoft.Extensions.Options;

namespace AiOs.Cluster.Configuration;

/// <summary>Refuses cluster settings the silo could not run safely with, naming the setting.</summary>
internal sealed class ClusterOptionsValidator : IValidateOptions<ClusterOptions>
{
    public ValidateOptionsResult Validate(string? name, ClusterOptions o)
    {
        const string S = ClusterOptions.Section;
        var errors = new List<string>();
        if (o.Secret is { Length: < 16 })
        {
            errors.Add($"{S}:Secret must be at least 16 characters long (or unset, to use the one stored with the cluster).");
        }

        if (!IPAddress.TryParse(o.ListenAddress, out _))
        {
            errors.Add($"{S}:ListenAddress must be an IP address (was '{o.ListenAddress}').");
        }

        if (o.Port is < 1 or > 65535)
        {
            errors.Add($"{S}:Port must be between 1 and 65535 (was {o.Port}).");
        }

        if (string.IsNullOrWhiteSpace(o.AdvertisedHost) || o.AdvertisedHost.Contains(':', StringComparison.Ordinal) && !IPAddress.TryParse(o.AdvertisedHost, out _))
        {
            errors.Add($"{S}:AdvertisedHost must be a host name or IP address (was '{o.AdvertisedHost}').");
        }

        Positive(errors, $"{S}:HeartbeatInterval", o.HeartbeatInterval);
        Positive(errors, $"{S}:LeaseRenewInterval", o.LeaseRenewInterval);
        Positive(errors, $"{S}:HandOffTimeout", o.HandOffTimeout);
        if (o.DeathTimeout <= o.HeartbeatInterval * 2)
        {
            errors.Add($"{S}:DeathTimeout ({o.DeathTimeout}) must be more than twice {S}:HeartbeatInterval ({o.HeartbeatInterval}).");
        }

        if (o.LeaseDuration <= o.LeaseRenewInterval * 2)
        {
            errors.Add($"{S}:LeaseDuration ({o.LeaseDuration}) must be more than twice {S}:LeaseRenewInterval ({o.LeaseRenewInterval}).");
        }

        if (o.LeaseSafetyMargin < TimeSpan.Zero || o.LeaseSafetyMargin >= o.LeaseDuration - o.LeaseRenewInterval)
        {
            errors.Add($"{S}:LeaseSafetyMargin ({o.LeaseSafetyMargin}) must be at least zero and less than {S}:LeaseDuration minus {S}:LeaseRenewInterval.");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    private static void Positive(List<string> errors, string setting, TimeSpan value)
    {
        if (value <= TimeSpan.Zero)
        {
            errors.Add($"{setting} must be positive (was {value}).");
        }
    }
}
