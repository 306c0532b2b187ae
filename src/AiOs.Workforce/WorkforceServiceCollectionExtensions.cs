using AiOs.Workforce;
using AiOs.Workforce.Actions;
using AiOs.Workforce.Models;
using AiOs.Workforce.Playbooks;
using AiOs.Workforce.Policies;
using AiOs.Workforce.Portability;
using AiOs.Workforce.Roles;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the workforce's services (the grains come with <c>AddGrains(typeof(CustomerGrain).Assembly)</c>).</summary>
public static class WorkforceServiceCollectionExtensions
{
    /// <summary>Roles, playbooks, models (offline unless <see cref="ModelOptions"/> names endpoints; every call priced and
    /// held against the budgets in the storage provider's spend store) and the action runner.
    /// Register <see cref="IConnector"/>s for the actions roles may take.</summary>
    public static IServiceCollection AddAiOsWorkforce(this IServiceCollection services, Action<WorkforceOptions>? workforce = null, Action<ModelOptions>? models = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var workforceOptions = services.AddOptions<WorkforceOptions>();
        if (workforce is not null)
        {
            workforceOptions.Configure(workforce);
        }

        var modelOptions = services.AddOptions<ModelOptions>();
        if (models is not null)
        {
            modelOptions.Configure(models);
        }

        modelOptions.ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<Microsoft.Extensions.Options.IValidateOptions<ModelOptions>, ModelOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);

        services.TryAddSingleton<RoleDirectory>();
        services.TryAddSingleton<PlaybookCatalog>();
        services.TryAddSingleton<ModelUsage>();
        services.TryAddSingleton<IModelProviders, ConfiguredModelProviders>();
        services.TryAddSingleton<SpendMeter>();
        services.TryAddSingleton<ModelCatalog>();
        services.TryAddSingleton<ActionRunner>();

        // Policies and approvals: options (bound by the host from AiOs:Approvals), parsed policies per version, and the
        // policy file's watcher.
        services.AddOptions<ApprovalOptions>().ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ApprovalOptions>, ApprovalOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<PolicyBook>();
        if (!services.Any(d => d.ServiceType == typeof(PolicyFileWatcher)))
        {
            services.AddSingleton<PolicyFileWatcher>();
            services.AddSingleton<IHostedService>(sp => sp.GetRequiredService<PolicyFileWatcher>());
        }

        // Roles read memory into their prompts, and compaction summarises through the models; forgetting a customer reaches
        // the model cache, linked entities, the goals run for them (with their tasks, approvals and actions), their
        // schedules and their spend.
        services.AddAiOsMemory();
        services.Replace(ServiceDescriptor.Singleton<AiOs.Memory.IMemorySummarizer, ModelMemorySummarizer>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<AiOs.Memory.IMemoryForgetParticipant, ModelCacheForgetting>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<AiOs.Memory.IMemoryForgetParticipant, AiOs.Workforce.Entities.EntityForgetting>());
        services.TryAddSingleton<AiOs.Workforce.Goals.CustomerGoals>();
        // Schedules before goals: a schedule deleted first cannot start another goal for the customer meanwhile.
        services.TryAddEnumerable(ServiceDescriptor.Singleton<AiOs.Memory.IMemoryForgetParticipant, AiOs.Workforce.Schedules.ScheduleForgetting>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<AiOs.Memory.IMemoryForgetParticipant, AiOs.Workforce.Goals.GoalForgetting>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<AiOs.Memory.IMemoryForgetParticipant, AiOs.Workforce.Budgets.SpendForgetting>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<Microsoft.Extensions.Hosting.IHostedService, RunTimeDefinitionsRefresher>());

        // A portable snapshot carries the business beyond memory; an import stores in this order (playbooks name roles,
        // projects their customers, schedules both).
        services.TryAddEnumerable(ServiceDescriptor.Singleton<AiOs.Memory.IPortableSource, PortableDefinitions>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<AiOs.Memory.IPortableSource, PortableEntities>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<AiOs.Memory.IPortableSource, PortablePolicy>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<AiOs.Memory.IPortableSource, PortableSchedules>());
        return services;
    }
}
