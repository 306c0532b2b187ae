using AiOs.Api.Keys;
using AiOs.Api.Server;
using AiOs.Client;
using AiOs.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace AiOs.Api.Tests.Infrastructure;

/// <summary>A real silo (SQLite in a temporary directory) with the workforce (offline models) serving the API on a free
/// loopback port.</summary>
public sealed class ApiHost : IAsyncDisposable
{
    private readonly TempDirectory? _ownedDirectory;

    private ApiHost(TestSilo silo, TempDirectory? ownedDirectory, string dataDirectory)
    {
        Silo = silo;
        _ownedDirectory = ownedDirectory;
        DataDirectory = dataDirectory;
        Endpoint = new Uri(silo.Services.GetRequiredService<ApiEndpointAddress>().Address!);
    }

    public TestSilo Silo { get; }

    public Uri Endpoint { get; }

    public string DataDirectory { get; }

    public IServiceProvider Services => Silo.Services;

    /// <summary>The operator key generated at first start, read from its file.</summary>
    public string InitialOperatorKey => File.ReadAllText(Path.Combine(DataDirectory, AiOs.Api.Keys.InitialOperatorKey.FileName)).Trim();

    public static async Task<ApiHost> StartAsync(
        Action<ApiServerOptions>? api = null,
        Action<IServiceCollection>? services = null,
        string? dataDirectory = null,
        ITestOutputHelper? output = null,
        Action<AiOs.Runtime.Hosting.SiloBuilder>? silo = null)
    {
        var owned = dataDirectory is null ? new TempDirectory("aios-api") : null;
        var directory = dataDirectory ?? owned!.Path;
        try
        {
            // The workforce's grains always: the business services of the API call them.
            var started = await TestSilo.StartAsync(typeof(ApiHost).Assembly, silo: s =>
            {
                s.AddGrains(typeof(AiOs.Workforce.Coordinator.CoordinatorGrain).Assembly);
                silo?.Invoke(s);
            }, services: s =>
            {
                s.AddAiOsSqliteStorage(o => o.DataDirectory = directory);
                s.AddAiOsApi(configure: o =>
                {
                    o.Port = 0;
                    o.DataDirectory = directory;
                    api?.Invoke(o);
                });
                services?.Invoke(s);
            }, output: output);
            return new ApiHost(started, owned, directory);
        }
        catch
        {
            owned?.Dispose();
            throw;
        }
    }

    /// <summary>Runs the <c>aios</c> command in this process against this host, with the operator key: its exit code and
    /// what it wrote to standard output and standard error.</summary>
    public async Task<(int ExitCode, string Output, string Error)> RunCliAsync(params string[] args)
    {
        var environment = new Dictionary<string, string> { ["AIOS_ENDPOINT"] = Endpoint.ToString(), ["AIOS_API_KEY"] = InitialOperatorKey };
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exitCode = await AiOs.Cli.AiOsCli.RunAsync(args, output, error, name => environment.GetValueOrDefault(name), TestContext.Current.CancellationToken);
        return (exitCode, output.ToString(), error.ToString());
    }

    /// <summary>A client of this silo with <paramref name="key"/> (none when null), fast retries.</summary>
    public AiOsClient Client(string? key) => new(new AiOsClientOptions
    {
        Endpoint = Endpoint,
        ApiKey = key,
        RetryBackoff = TimeSpan.FromMilliseconds(5),
    });

    /// <summary>Creates a key of <paramref name="scope"/> directly in the store and returns its text.</summary>
    public async Task<string> CreateKeyAsync(string scope)
    {
        var (_, secret) = await Services.GetRequiredService<ApiKeyManager>().CreateAsync("test " + scope, scope, "test", CancellationToken.None);
        return secret;
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await Silo.DisposeAsync();
        }
        finally
        {
            _ownedDirectory?.Dispose();
        }
    }
}
