using AiOs.Api.V1;
using AiOs.Client;
using AiOs.Testing;

namespace AiOs.Api.Interop.Tests;

/// <summary>The real service program on free loopback ports with a fresh data directory, its first-start operator key, and
/// a read-only key made through the API.</summary>
public sealed class ServiceFixture : IAsyncLifetime
{
    private readonly TempDirectory _data = new("aios-interop");
    private ServiceProcess? _service;

    public Uri Endpoint { get; private set; } = null!;

    public string OperatorKey { get; private set; } = null!;

    public string ReadOnlyKey { get; private set; } = null!;

    /// <summary>What interop.js reads: the target and the keys.</summary>
    public IReadOnlyDictionary<string, string> NodeEnvironment => new Dictionary<string, string>
    {
        ["AIOS_TARGET"] = Endpoint.Authority,
        ["AIOS_OPERATOR_KEY"] = OperatorKey,
        ["AIOS_READ_ONLY_KEY"] = ReadOnlyKey,
    };

    public async ValueTask InitializeAsync()
    {
        _service = ServiceProcess.Start(Path.Combine(AppContext.BaseDirectory, "aios-server.dll"), new Dictionary<string, string?>
        {
            ["AiOs__DataDirectory"] = _data.Path,
            ["AiOs__Http__Port"] = "0",
            ["AiOs__Api__Port"] = "0",
        });
        Endpoint = new Uri((await _service.WaitForLineAsync(@"gRPC API \(aios.v1\) at (http://\S+)")).Groups[1].Value);
        OperatorKey = (await File.ReadAllTextAsync(Path.Combine(_data.Path, "operator.key"))).Trim();
        using var client = new AiOsClient(new AiOsClientOptions { Endpoint = Endpoint, ApiKey = OperatorKey });
        ReadOnlyKey = (await client.CreateApiKeyAsync("interop read-only", ApiKeyScope.ReadOnly)).Secret;
    }

    public async ValueTask DisposeAsync()
    {
        if (_service is not null)
        {
            await _service.DisposeAsync();
        }

        _data.Dispose();
    }
}
