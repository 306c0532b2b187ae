using System.Net;
using AiOs.Cluster;
using AiOs.Cluster.Configuration;
using AiOs.Cluster.Leases;
using AiOs.Cluster.Membership;
using AiOs.Cluster.Routing;
using AiOs.Cluster.Transport;
using AiOs.Persistence;
using AiOs.Runtime;
using AiOs.Runtime.Configuration;
using AiOs.Runtime.Messaging;
using AiOs.Runtime.Placement;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Makes a silo a member of a cluster on a storage that supports one (PostgreSQL).</summary>
public static class ClusterHostingExtensions
{
    /// <summary>Adds membership, partition leases, the directory and call forwarding, and a Kestrel listener (HTTP/2 only)
    /// for silo-to-silo traffic. Options bind from section <c>AiOs:Cluster</c> and are validated at start. The storage
    /// provider must register <see cref="IMembershipTable"/> and <see cref="IPartitionLeaseTable"/>.</summary>
    public static WebApplicationBuilder AddAiOsCluster(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        var section = builder.Configuration.GetSection(ClusterOptions.Section);
        services.AddOptions<ClusterOptions>().Bind(section).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ClusterOptions>, ClusterOptionsValidator>());

        services.TryAddSingleton(sp => new PartitionDirectory(sp.GetRequiredService<IOptions<SiloOptions>>().Value.PartitionCount));
        services.TryAddSingleton(sp => new LeaseManager(
            sp.GetRequiredService<IOptions<SiloOptions>>().Value.PartitionCount,
            sp.GetRequiredService<IPartitionLeaseTable>(),
            sp.GetRequiredService<IOptions<ClusterOptions>>().Value,
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILoggerFactory>().CreateLogger("AiOs.Cluster.Leases")));
        services.TryAddSingleton<IPartitionOwnership>(sp => sp.GetRequiredService<LeaseManager>());
        services.TryAddSingleton(sp => new ClusterTransport(
            new WireCodec(sp.GetRequiredService<SiloRuntime>().StateSerializer.Options),
            sp.GetRequiredService<ILoggerFactory>().CreateLogger("AiOs.Cluster.Transport")));

        // The runtime asks for the forwarder while it is being built; the forwarder reaches the runtime (and the transport,
        // whose codec needs the runtime's serializer) only when a call is forwarded.
        services.TryAddSingleton(sp => new MessageForwarder(
            sp.GetRequiredService<IPartitionOwnership>(),
            sp.GetRequiredService<PartitionDirectory>(),
            new Lazy<SiloRuntime>(sp.GetRequiredService<SiloRuntime>),
            new Lazy<ClusterTransport>(sp.GetRequiredService<ClusterTransport>),
            sp.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton<IMessageForwarder>(sp => sp.GetRequiredService<MessageForwarder>());
        services.TryAddSingleton(sp => new ClusterMembership(
            sp.GetRequiredService<IMembershipTable>(),
            sp.GetRequiredService<IOptions<ClusterOptions>>().Value,
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILoggerFactory>().CreateLogger("AiOs.Cluster.Membership")));
        services.TryAddSingleton(sp => new ClusterEndpoint(
            sp.GetRequiredService<SiloRuntime>(),
            sp.GetRequiredService<ClusterTransport>(),
            () => sp.GetRequiredService<IOptions<ClusterOptions>>().Value.Port,
            sp.GetRequiredService<ILoggerFactory>().CreateLogger("AiOs.Cluster.Endpoint")));
        services.TryAddSingleton<ClusterStatus>();
        services.TryAddSingleton(sp => new ClusterPeers(
            sp.GetRequiredService<ClusterMembership>(),
            sp.GetRequiredService<ClusterTransport>(),
            sp.GetRequiredService<IOptions<ClusterOptions>>().Value));
        services.AddHostedService<ClusterAgent>();

        var listen = section.Get<ClusterOptions>() ?? new ClusterOptions();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            // Bad values are reported by the options validator at start; only listen on what can be listened on.
            if (IPAddress.TryParse(listen.ListenAddress, out var address) && listen.Port is > 0 and <= 65535)
            {
                kestrel.Listen(address, listen.Port, endpoint => endpoint.Protocols = HttpProtocols.Http2);
            }
        });
        return builder;
    }

    /// <summary>Maps the silo-to-silo endpoint (it answers only on the cluster port) when the cluster was added.</summary>
    public static IEndpointRouteBuilder MapAiOsCluster(this IEndpointRouteBuilder endpoints)
    {
        if (endpoints.ServiceProvider.GetService<ClusterEndpoint>() is { } endpoint)
        {
            endpoints.MapPost(ClusterEndpoint.Path, endpoint.HandleAsync);
        }

        return endpoints;
    }
}
