using AiOs.Workforce;
using AiOs.Workforce.Coordinator;
using AiOs.Workforce.Models;
using AiOs.Runtime.Hosting;

namespace AiOs.Host.Hosting;

/// <summary>Adds the agent workforce to the service: its grains, its settings (<c>AiOs:Workforce</c>, <c>AiOs:Models</c>,
/// <c>AiOs:Memory</c>) and the configured connectors (<c>AiOs:Connectors</c>). With no model endpoint configured every
/// tier runs on the offline provider.</summary>
internal static class WorkforceHosting
{
    public static void AddWorkforce(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddAiOsWorkforce();
        services.AddAiOsMemory(configuration);
        services.AddOptions<WorkforceOptions>().Bind(configuration.GetSection(WorkforceOptions.SectionName));
        services.AddOptions<ModelOptions>().Bind(configuration.GetSection(ModelOptions.SectionName));
        services.AddOptions<ApprovalOptions>().Bind(configuration.GetSection(ApprovalOptions.SectionName));

        services.AddAiOsConnectors(configuration);
    }

    public static SiloBuilder AddWorkforceGrains(this SiloBuilder silo) =>
        silo.AddGrains(typeof(CoordinatorGrain).Assembly).AddGrains(typeof(AiOs.Memory.MemoryScopeGrain).Assembly);
}
