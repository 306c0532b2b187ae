using System.Net;
using Microsoft.Extensions.Options;

namespace AiOs.Host.Hosting;

/// <summary>Refuses settings the service cannot start with, naming the setting.</summary>
internal sealed class AiOsHostOptionsValidator : IValidateOptions<AiOsHostOptions>
{
    public ValidateOptionsResult Validate(string? name, AiOsHostOptions options)
    {
        var errors = new List<string>();
        if (string.IsNullOrWhiteSpace(options.DataDirectory))
        {
            errors.Add("AiOs:DataDirectory must name a directory.");
        }

        if (!StorageKinds.IsKnown(options.Storage))
        {
            errors.Add($"AiOs:Storage must be 'sqlite' or 'postgresql' (was '{options.Storage}').");
        }

        if (!IPAddress.TryParse(options.Http.Address, out _))
        {
            errors.Add($"AiOs:Http:Address must be an IP address such as 127.0.0.1 (was '{options.Http.Address}').");
        }

        if (options.Http.Port is < 0 or > 65535)
        {
            errors.Add($"AiOs:Http:Port must be between 0 and 65535 (was {options.Http.Port}).");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}

/// <summary>The storage providers the service can use.</summary>
internal static class StorageKinds
{
    public const string Sqlite = "sqlite";
    public const string PostgreSql = "postgresql";

    public static bool IsKnown(string? kind) =>
        string.Equals(kind, Sqlite, StringComparison.OrdinalIgnoreCase) || string.Equals(kind, PostgreSql, StringComparison.OrdinalIgnoreCase);
}
