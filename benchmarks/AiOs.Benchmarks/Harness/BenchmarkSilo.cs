using AiOs.Benchmarks.Grains;
using AiOs.Runtime;
using AiOs.Runtime.Configuration;
using AiOs.Runtime.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace AiOs.Benchmarks.Harness;

/// <summary>A silo for benchmarks, optionally with storage, with logging off.</summary>
public sealed class BenchmarkSilo : IAsyncDisposable
{
    private readonly IHost _host;

    private BenchmarkSilo(IHost host)
    {
        _host = host;
        GrainFactory = host.Services.GetRequiredService<IGrainFactory>();
        Runtime = host.Services.GetRequiredService<SiloRuntime>();
    }

    public IGrainFactory GrainFactory { get; }

    public SiloRuntime Runtime { get; }

    public IServiceProvider Services => _host.Services;

    /// <summary>The cheapest call for each of <paramref name="callers"/> callers, each on a ping grain of its own.</summary>
    public Func<int, Func<ValueTask>> PingCalls(int callers)
    {
        var grains = Enumerable.Range(0, callers).Select(c => GrainFactory.GetGrain<IPingGrain>(c)).ToArray();
        return c => async () => await grains[c].Ping(c);
    }

    public static async Task<BenchmarkSilo> StartAsync(Action<IServiceCollection>? storage = null, bool callMetrics = true, Action<SiloBuilder>? grains = null)
    {
        var builder = new HostApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.ClearProviders();
        builder.Services.AddAiOsSilo(configure: silo => silo
            .AddGrains(typeof(PingGrain).Assembly)
            .Configure<SiloOptions>(o => o.SiloId = "bench")
            .Configure<GrainCallOptions>(o => o.RecordCallMetrics = callMetrics)
            .Apply(grains));

        storage?.Invoke(builder.Services);
        var host = builder.Build();
        await host.StartAsync();
        return new BenchmarkSilo(host);
    }

    public async ValueTask DisposeAsync()
    {
        await _host.StopAsync();
        _host.Dispose();
    }
}

internal static class SiloBuilderExtensions
{
    public static SiloBuilder Apply(this SiloBuilder builder, Action<SiloBuilder>? configure)
    {
        configure?.Invoke(builder);
        return builder;
    }
}
