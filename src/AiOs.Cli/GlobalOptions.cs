using System.CommandLine;
using AiOs.Client;

namespace AiOs.Cli;

/// <summary>Options every command takes: where the service is, the key, the output format and the deadline.</summary>
internal sealed class GlobalOptions
{
    public Option<string?> Endpoint { get; } = new("--endpoint", "-e")
    {
        Description = $"The service's API address (default: ${AiOsClientOptions.EndpointVariable}, else http://127.0.0.1:5171)",
        Recursive = true,
    };

    public Option<string?> ApiKey { get; } = new("--api-key", "-k")
    {
        Description = $"The API key (default: ${AiOsClientOptions.ApiKeyVariable})",
        Recursive = true,
    };

    public Option<string> Output { get; } = new("--output", "-o")
    {
        Description = "table (for people) or json (for scripts)",
        DefaultValueFactory = _ => "table",
        Recursive = true,
    };

    public Option<double> Timeout { get; } = new("--timeout")
    {
        Description = "Seconds to wait for an answer",
        DefaultValueFactory = _ => 30,
        Recursive = true,
    };

    public GlobalOptions() => Output.AcceptOnlyFromAmong("table", "json");

    public void AddTo(RootCommand root)
    {
        root.Options.Add(Endpoint);
        root.Options.Add(ApiKey);
        root.Options.Add(Output);
        root.Options.Add(Timeout);
    }

    /// <summary>Client options from the flags, falling back to the environment.</summary>
    public AiOsClientOptions ClientOptions(ParseResult parse, Func<string, string?> environment)
    {
        var endpoint = parse.GetValue(Endpoint) ?? environment(AiOsClientOptions.EndpointVariable);
        var options = new AiOsClientOptions
        {
            ApiKey = parse.GetValue(ApiKey) ?? NullIfEmpty(environment(AiOsClientOptions.ApiKeyVariable)),
            DefaultTimeout = TimeSpan.FromSeconds(parse.GetValue(Timeout)),
        };
        if (!string.IsNullOrEmpty(endpoint))
        {
            options.Endpoint = Uri.TryCreate(endpoint, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"
                ? uri
                : throw new CliUsageException($"the endpoint '{endpoint}' is not an http:// or https:// address");
        }

        return options;
    }

    private static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;
}

/// <summary>A wrong value on the command line, reported in one line with exit code 2.</summary>
internal sealed class CliUsageException(string message) : Exception(message);
