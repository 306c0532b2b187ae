using AiOs.Dashboard;
using AiOs.Dashboard.Access;
using AiOs.Dashboard.ClusterView;
using AiOs.Dashboard.Collection;
using AiOs.Dashboard.ControlPlane;
using AiOs.Dashboard.Panels;
using AiOs.Runtime.Metrics;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Adds the dashboard to a silo's host.</summary>
public static class DashboardHostingExtensions
{
    /// <summary>Adds the dashboard's services and its once-a-second metrics sampler. Call after <c>AddAiOsSilo</c> and
    /// <c>AddAiOsApi</c> (logins use the API's keys). Options bind from <see cref="DashboardOptions.Section"/>.</summary>
    public static IServiceCollection AddAiOsDashboard(this IServiceCollection services, IConfiguration? configuration = null)
    {
        var options = services.AddOptions<DashboardOptions>();
        if (configuration is not null)
        {
            options.Bind(configuration.GetSection(DashboardOptions.Section));
        }

        options.ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<DashboardOptions>, DashboardOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(sp => new MetricsSampler(sp.GetRequiredService<RuntimeInstruments>().Statistics, sp.GetRequiredService<TimeProvider>()));
        services.AddHostedService<SamplerService>();
        services.TryAddSingleton<DashboardSessions>();
        services.TryAddSingleton<LocalSilo>();
        services.TryAddSingleton<ClusterOverview>();
        services.TryAddSingleton<GrainInspector>();
        services.TryAddSingleton<AiOs.Dashboard.Panels.PerSiloPanels>();
        services.TryAddSingleton<GoalsBoard>();
        services.TryAddSingleton<GoalHistory>();
        services.TryAddSingleton<DashboardPanels>();
        return services;
    }

    /// <summary>Registers a control-plane panel (see <see cref="IDashboardPanel"/>).</summary>
    public static IServiceCollection AddDashboardPanel<TPanel>(this IServiceCollection services)
        where TPanel : class, IDashboardPanel
    {
        services.AddSingleton<IDashboardPanel, TPanel>();
        return services;
    }

    /// <summary>Maps <c>/dashboard</c> (and, on a cluster, the queries other silos' dashboards make on the silo-to-silo
    /// port) unless <c>AiOs:Dashboard:Enabled</c> is false.</summary>
    public static IEndpointRouteBuilder MapAiOsDashboard(this IEndpointRouteBuilder endpoints)
    {
        if (endpoints.ServiceProvider.GetService<IOptions<DashboardOptions>>()?.Value is { Enabled: true })
        {
            DashboardEndpoints.Map(endpoints);
        }

        return endpoints;
    }
}
