using AiOs.Api.Server;
using AiOs.Persistence;
using AiOs.Runtime;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Options;

namespace AiOs.Host.Hosting;

/// <summary>Prints, once the server listens, where the service can be reached and what it runs on. Written to standard
/// output (not only the log) because it is the first thing a new user needs to see.</summary>
internal sealed class StartupBanner(
    IServer server, IHostApplicationLifetime lifetime, SiloRuntime runtime, ApiEndpointAddress api, IServiceProvider services) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        lifetime.ApplicationStarted.Register(() =>
        {
            // When clustered, Kestrel also listens on the silo-to-silo port; that one is not for people.
            var clusterPort = services.GetService<AiOs.Cluster.ClusterStatus>() is null
                ? (int?)null
                : services.GetRequiredService<IOptions<AiOs.Cluster.Configuration.ClusterOptions>>().Value.Port;
            var address = server.Features.Get<IServerAddressesFeature>()?.Addresses
                .FirstOrDefault(a => clusterPort is null || !a.EndsWith($":{clusterPort}", StringComparison.Ordinal)) ?? "(unknown)";
            Console.Out.WriteLine($"AiOs is running at {address}  (health: {address}/healthz)");
            if (services.GetService<IOptions<AiOs.Dashboard.DashboardOptions>>()?.Value is { Enabled: true })
            {
                Console.Out.WriteLine($"  dashboard at {address}/dashboard/ (log in with an operator or read-only API key)");
            }

            if (api.Address is { } apiAddress)
            {
                Console.Out.WriteLine($"  gRPC API (aios.v1) at {apiAddress}");
            }

            Console.Out.WriteLine($"  silo {runtime.SiloId} · storage {services.GetService<IStorageProvider>()?.Location ?? "none"}"
                + (clusterPort is null ? string.Empty : $" · cluster port {clusterPort}"));
            if (services.GetService<AiOs.Workforce.Models.ModelCatalog>() is { } models)
            {
                // Names "offline" when no endpoint is configured, so that nobody mistakes template drafts for a model's.
                Console.Out.WriteLine($"  {models.Describe()}");
            }

            Console.Out.WriteLine("  Press Ctrl+C to stop.");
            Console.Out.Flush();
        });
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
