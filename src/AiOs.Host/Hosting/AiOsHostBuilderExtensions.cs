using System.Net;
using AiOs.Persistence.PostgreSql;
using AiOs.Runtime.Hosting;
using Microsoft.Extensions.Options;

namespace AiOs.Host.Hosting;

/// <summary>Composes the service from configuration: options, storage, the silo with the workforce, the gRPC API, the dashboard, Kestrel and health checks.</summary>
public static class AiOsHostBuilderExtensions
{
    /// <summary>Adds everything the AiOs service runs. <paramref name="silo"/> adds to the silo (grains, filters); the
    /// service's own grains (the workforce's) are always there.</summary>
    public static WebApplicationBuilder AddAiOs(this WebApplicationBuilder builder, Action<SiloBuilder>? silo = null)
    {
        var configuration = builder.Configuration;
        var services = builder.Services;

        // Read once here to choose the storage provider and endpoint; validated again (and reported) at start.
        var host = configuration.GetSection(AiOsHostOptions.Section).Get<AiOsHostOptions>() ?? new AiOsHostOptions();
        services.AddOptions<AiOsHostOptions>().Bind(configuration.GetSection(AiOsHostOptions.Section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<AiOsHostOptions>, AiOsHostOptionsValidator>();

        if (string.Equals(host.Storage, StorageKinds.PostgreSql, StringComparison.OrdinalIgnoreCase))
        {
            services.AddOptions<PostgreSqlStorageOptions>().Bind(configuration.GetSection(PostgreSqlStorageOptions.SectionName));
            services.AddAiOsPostgreSqlStorage();

            // On PostgreSQL the silo is always a cluster member, even alone: its writes then carry lease fences, and more
            // silos can join at any time.
            builder.AddAiOsCluster();
        }
        else if (StorageKinds.IsKnown(host.Storage))
        {
            services.AddOptions<AiOs.Persistence.Sqlite.SqliteStorageOptions>().Bind(configuration.GetSection("AiOs:Storage:Sqlite"));
            services.AddAiOsSqliteStorage(o =>
            {
                if (string.IsNullOrEmpty(o.DataDirectory))
                {
                    o.DataDirectory = host.DataDirectory;
                }
            });
        }

        services.AddAiOsSilo(configuration, s =>
        {
            s.AddWorkforceGrains();
            silo?.Invoke(s);
        });
        services.AddWorkforce(configuration);
        services.AddAiOsApi(configuration, api =>
        {
            if (string.IsNullOrEmpty(api.DataDirectory))
            {
                api.DataDirectory = host.DataDirectory;
            }
        });

        services.AddAiOsDashboard(configuration);
        services.AddDashboardPanel<AiOs.Dashboard.ControlPlane.ApprovalsPanel>();
        services.AddDashboardPanel<AiOs.Dashboard.ControlPlane.SpendPanel>();
        services.AddDashboardPanel<AiOs.Dashboard.ControlPlane.SchedulesPanel>();
        services.AddDashboardPanel<ConnectorsPanel>();

        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            if (IPAddress.TryParse(host.Http.Address, out var address) && host.Http.Port is >= 0 and <= 65535)
            {
                kestrel.Listen(address, host.Http.Port);
            }
        });

        services.AddHealthChecks().AddCheck<SiloReadinessCheck>("silo", tags: ["ready"]);
        services.AddHostedService<StartupBanner>();
        return builder;
    }
}
