using AiOs.Api;
using AiOs.Api.Keys;
using AiOs.Api.Reflection;
using AiOs.Api.Server;
using AiOs.Api.Services;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Adds the gRPC API (aios.v1) to a silo's host.</summary>
public static class ApiServiceCollectionExtensions
{
    /// <summary>Adds the API server, its services and API keys. Call after <c>AddAiOsSilo</c> and a storage provider (it
    /// needs an <see cref="AiOs.Persistence.IApiKeyStore"/>). Options bind from section <see cref="ApiServerOptions.Section"/>
    /// of <paramref name="configuration"/> when given, then <paramref name="configure"/> runs; they are validated at start.</summary>
    public static IServiceCollection AddAiOsApi(this IServiceCollection services, IConfiguration? configuration = null, Action<ApiServerOptions>? configure = null)
    {
        var options = services.AddOptions<ApiServerOptions>();
        if (configuration is not null)
        {
            options.Bind(configuration.GetSection(ApiServerOptions.Section));
        }

        if (configure is not null)
        {
            options.Configure(configure);
        }

        options.ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ApiServerOptions>, ApiServerOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);

        services.TryAddSingleton<ApiKeyAuthenticator>();
        services.TryAddSingleton<ApiKeyManager>();
        services.TryAddSingleton<InitialOperatorKey>();
        services.TryAddSingleton<ApiServerLifetime>();
        services.TryAddSingleton<ApiEndpointAddress>();
        services.TryAddSingleton<ServerReflection>();
        services.TryAddSingleton<MethodTable>();
        services.TryAddSingleton<GrpcDispatcher>();
        services.TryAddSingleton<AiOs.Workforce.Policies.PolicyBook>();
        services.AddSingleton<IGrpcService, HealthService>();
        services.AddSingleton<IGrpcService, ClusterService>();
        services.AddSingleton<IGrpcService, ApiKeysService>();
        services.AddSingleton<IGrpcService, EventsService>();
        services.AddSingleton<IGrpcService, SpendService>();
        services.AddSingleton<IGrpcService, ApprovalsService>();
        services.AddSingleton<IGrpcService, PoliciesService>();
        services.AddSingleton<IGrpcService, SchedulesService>();
        services.AddSingleton<IGrpcService, MemoryGrpcService>();

        // The business services read and change the workforce's grains (the host adds those grains to the silo).
        services.AddAiOsWorkforce();
        services.TryAddSingleton<AiOs.Api.Business.GoalReader>();
        services.TryAddSingleton<AiOs.Api.Business.EntityAccess>();
        services.AddSingleton<IGrpcService, GoalsService>();
        services.AddSingleton<IGrpcService, TasksService>();
        services.AddSingleton<IGrpcService, CustomersService>();
        services.AddSingleton<IGrpcService, ProjectsService>();
        services.AddSingleton<IGrpcService, LeadsService>();
        services.AddSingleton<IGrpcService, AgentRolesService>();
        services.AddSingleton<IGrpcService, PlaybooksService>();
        services.AddSingleton<IHostedService, ApiServer>();
        return services;
    }
}
