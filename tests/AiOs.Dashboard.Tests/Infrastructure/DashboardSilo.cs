using AiOs.Api.Keys;
using AiOs.Host.Hosting;
using AiOs.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace AiOs.Dashboard.Tests.Infrastructure;

/// <summary>A real silo as the service composes it (AiOs.Host's <c>AddAiOs</c>/<c>MapAiOs</c>): PostgreSQL storage (so
/// a cluster member, with its silo-to-silo port), the test grains, and the dashboard on a free loopback port.</summary>
public sealed class DashboardSilo : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly TempDirectory _data;

    private DashboardSilo(WebApplication app, TempDirectory data, string siloName, int httpPort)
    {
        _app = app;
        _data = data;
        SiloName = siloName;
        BaseAddress = new Uri($"http://127.0.0.1:{httpPort}/");
    }

    public string SiloName { get; }

    /// <summary>The silo's HTTP endpoint; the dashboard is at <c>dashboard/</c> under it.</summary>
    public Uri BaseAddress { get; }

    public Uri DashboardAddress => new(BaseAddress, "dashboard/");

    public IServiceProvider Services => _app.Services;

    public IGrainFactory Grains => Services.GetRequiredService<AiOs.Runtime.SiloRuntime>().GrainFactory;

    /// <summary>Starts a silo on <paramref name="connectionString"/> / <paramref name="schema"/>; silos given the same
    /// schema and <paramref name="clusterSecret"/> form one cluster. With <paramref name="webhook"/>, the webhook connector
    /// posts there (and carries email.send). <paramref name="settings"/> add to or override the configuration.</summary>
    public static async Task<DashboardSilo> StartAsync(
        string connectionString, string schema, string siloName, string clusterSecret, Uri? webhook = null, IReadOnlyDictionary<string, string?>? settings = null)
    {
        var data = new TempDirectory("aios-dashboard");
        var httpPort = LoopbackPorts.Free();
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["AiOs:DataDirectory"] = data.Path,
            ["AiOs:Storage"] = "postgresql",
            ["AiOs:Storage:PostgreSql:ConnectionString"] = connectionString,
            ["AiOs:Storage:PostgreSql:Schema"] = schema,
            ["AiOs:Http:Port"] = httpPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["AiOs:Api:Port"] = "0",
            ["AiOs:Cluster:Port"] = LoopbackPorts.Free().ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["AiOs:Cluster:Secret"] = clusterSecret,
            ["AiOs:Silo:SiloId"] = siloName,
            ["AiOs:Connectors:Webhook:Url"] = webhook?.ToString(),

            // The tiers run priced models (scripted by GoalScriptedModels), so that model calls have a cost to show.
            ["AiOs:Models:Small:Model"] = GoalScriptedModels.SmallModel,
            ["AiOs:Models:Large:Model"] = GoalScriptedModels.LargeModel,
            [$"AiOs:Models:Prices:{GoalScriptedModels.SmallModel}:InputPerMillion"] = Invariant(GoalScriptedModels.SmallPrice.Input),
            [$"AiOs:Models:Prices:{GoalScriptedModels.SmallModel}:OutputPerMillion"] = Invariant(GoalScriptedModels.SmallPrice.Output),
            [$"AiOs:Models:Prices:{GoalScriptedModels.LargeModel}:InputPerMillion"] = Invariant(GoalScriptedModels.LargePrice.Input),
            [$"AiOs:Models:Prices:{GoalScriptedModels.LargeModel}:OutputPerMillion"] = Invariant(GoalScriptedModels.LargePrice.Output),
        });
        builder.Configuration.AddInMemoryCollection(settings ?? new Dictionary<string, string?>());
        builder.Logging.ClearProviders();
        builder.AddAiOs(silo => silo.AddGrains(typeof(DashboardSilo).Assembly));
        builder.Services.AddSingleton<GoalScriptedModels>();
        builder.Services.AddSingleton<AiOs.Workforce.Models.IModelProviders>(sp => sp.GetRequiredService<GoalScriptedModels>());
        var app = builder.Build();
        app.MapAiOs();
        try
        {
            await app.StartAsync();
        }
        catch
        {
            await app.DisposeAsync();
            data.Dispose();
            throw;
        }

        return new DashboardSilo(app, data, siloName, httpPort);
    }

    /// <summary>The silo's model fake: script a goal's answers here.</summary>
    public GoalScriptedModels Models => Services.GetRequiredService<GoalScriptedModels>();

    /// <summary>The operator key the first start generated (only the silo that created the database has one).</summary>
    public string? InitialOperatorKey
    {
        get
        {
            var path = Path.Combine(_data.Path, AiOs.Api.Keys.InitialOperatorKey.FileName);
            return File.Exists(path) ? File.ReadAllText(path).Trim() : null;
        }
    }

    /// <summary>Creates a key of <paramref name="scope"/> in the store and returns its text.</summary>
    public async Task<string> CreateKeyAsync(string scope)
    {
        var (_, secret) = await Services.GetRequiredService<ApiKeyManager>().CreateAsync("dashboard test " + scope, scope, "test", CancellationToken.None);
        return secret;
    }

    private static string Invariant(decimal value) => value.ToString(System.Globalization.CultureInfo.InvariantCulture);

    public async ValueTask DisposeAsync()
    {
        try
        {
            await _app.StopAsync();
        }
        finally
        {
            await _app.DisposeAsync();
            _data.Dispose();
        }
    }
}
