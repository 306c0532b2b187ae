namespace AiOs.Client;

/// <summary>How the client reaches a silo.</summary>
public sealed class AiOsClientOptions
{
    /// <summary>The environment variable read for <see cref="Endpoint"/> by <see cref="FromEnvironment"/>.</summary>
    public const string EndpointVariable = "AIOS_ENDPOINT";

    /// <summary>The environment variable read for <see cref="ApiKey"/> by <see cref="FromEnvironment"/>.</summary>
    public const string ApiKeyVariable = "AIOS_API_KEY";

    /// <summary>The silo's API address: <c>http://host:port</c> (cleartext HTTP/2) or <c>https://host:port</c>.</summary>
    public Uri Endpoint { get; set; } = new("http://127.0.0.1:5171");

    /// <summary>The API key, sent as <c>authorization: Bearer &lt;key&gt;</c>. Secret: never in errors or logs.</summary>
    public string? ApiKey { get; set; }

    /// <summary>The deadline of a call that sets none (streams have none unless given).</summary>
    public TimeSpan DefaultTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How many times an idempotent call is retried after UNAVAILABLE, within its deadline.</summary>
    public int MaxRetries { get; set; } = 3;

    /// <summary>The first retry's delay; each next one doubles (with jitter).</summary>
    public TimeSpan RetryBackoff { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>The largest response message accepted.</summary>
    public int MaxMessageSize { get; set; } = Grpc.GrpcProtocol.DefaultMaxMessageSize;

    /// <summary>A handler to use instead of the default (for example to trust a private certificate authority). The
    /// client does not dispose it.</summary>
    public HttpMessageHandler? Handler { get; set; }

    /// <summary>Options from <c>AIOS_ENDPOINT</c> and <c>AIOS_API_KEY</c>, where set.</summary>
    public static AiOsClientOptions FromEnvironment()
    {
        var options = new AiOsClientOptions();
        if (Environment.GetEnvironmentVariable(EndpointVariable) is { Length: > 0 } endpoint)
        {
            options.Endpoint = new Uri(endpoint);
        }

        options.ApiKey = Environment.GetEnvironmentVariable(ApiKeyVariable) is { Length: > 0 } key ? key : null;
        return options;
    }
}
