using System.Net;
using Microsoft.Extensions.Options;

namespace AiOs.Api;

/// <summary>Refuses settings the API cannot start with, naming the setting; above all a non-loopback address without TLS.</summary>
internal sealed class ApiServerOptionsValidator : IValidateOptions<ApiServerOptions>
{
    public ValidateOptionsResult Validate(string? name, ApiServerOptions options)
    {
        if (!options.Enabled)
        {
            return ValidateOptionsResult.Success;
        }

        var errors = new List<string>();
        if (!IPAddress.TryParse(options.Address, out var address))
        {
            errors.Add($"AiOs:Api:Address must be an IP address such as 127.0.0.1 (was '{options.Address}').");
        }
        else if (!IPAddress.IsLoopback(address) && string.IsNullOrEmpty(options.CertificatePath) && !options.AllowInsecureRemote)
        {
            errors.Add($"AiOs:Api:Address {options.Address} is not a loopback address: API keys would cross the network in clear. " +
                "Set AiOs:Api:CertificatePath to a certificate file for TLS, or AiOs:Api:AllowInsecureRemote=true if the network is protected otherwise.");
        }

        if (options.Port is < 0 or > 65535)
        {
            errors.Add($"AiOs:Api:Port must be between 0 and 65535 (was {options.Port}).");
        }

        if (options.MaxMessageSize is < 1024)
        {
            errors.Add($"AiOs:Api:MaxMessageSize must be at least 1024 bytes (was {options.MaxMessageSize}).");
        }

        if (!string.IsNullOrEmpty(options.CertificatePath) && !File.Exists(options.CertificatePath))
        {
            errors.Add($"AiOs:Api:CertificatePath names no file ('{options.CertificatePath}').");
        }

        if (!string.IsNullOrEmpty(options.CertificateKeyPath) && !File.Exists(options.CertificateKeyPath))
        {
            errors.Add($"AiOs:Api:CertificateKeyPath names no file ('{options.CertificateKeyPath}').");
        }

        if (options.KeyRefreshInterval <= TimeSpan.Zero)
        {
            errors.Add("AiOs:Api:KeyRefreshInterval must be positive.");
        }

        if (options.GenerateInitialKey && string.IsNullOrWhiteSpace(options.DataDirectory))
        {
            errors.Add("AiOs:Api:DataDirectory must name a directory for the first-start operator key.");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
