using System.Reflection;
using AiOs.Runtime;
using AiOs.Runtime.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace AiOs.Testing;

/// <summary>A real silo in a generic host, in-process, for tests: no configuration files or environment variables are
/// read, logs go to the test output when one is given.</summary>
public sealed class TestSilo : IAsyncDisposable
{
    private TestSilo(IHost host)
    {
        Host = host;
        Runtime = host.Services.GetRequiredService<SiloRuntime>();
        GrainFactory = host.Services.GetRequiredService<IGrainFactory>();
    }

    public IHost Host { get; }

    public SiloRuntime Runtime { get; }

    public IGrainFactory GrainFactory { get; }

    public IServiceProvider Services => Host.Services;

    /// <summary>Builds and starts a silo hosting the grains of <paramref name="grainAssembly"/>.</summary>
    public static async Task<TestSilo> StartAsync(
        Assembly grainAssembly,
        Action<SiloBuilder>? silo = null,
        Action<IServiceCollection>? services = null,
        TimeProvider? time = null,
        ITestOutputHelper? output = null)
    {
        var host = Build(grainAssembly, silo, services, time, output);
        try
        {
            await host.StartAsync(TestContext.Current.CancellationToken);
        }
        catch
        {
            host.Dispose();
            throw;
        }

        return new TestSilo(host);
    }

    /// <summary>Builds a silo host without starting it (to test start-up failures).</summary>
    public static IHost Build(
        Assembly grainAssembly,
        Action<SiloBuilder>? silo = null,
        Action<IServiceCollection>? services = null,
        TimeProvider? time = null,
        ITestOutputHelper? output = null)
    {
        var builder = new HostApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.SetMinimumLevel(LogLevel.Information);
        if (output is not null)
        {
            builder.Logging.AddProvider(new TestOutputLoggerProvider(output));
        }

        if (time is not null)
        {
            builder.Services.AddSingleton(time);
        }

        builder.Services.AddAiOsSilo(configure: s =>
        {
            s.AddGrains(grainAssembly);
            s.Configure<AiOs.Runtime.Configuration.SiloOptions>(o => o.SiloId = "test-silo");
            silo?.Invoke(s);
        });
        services?.Invoke(builder.Services);
        return builder.Build();
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await Host.StopAsync(CancellationToken.None);
        }
        finally
        {
            Host.Dispose();
        }
    }
}
