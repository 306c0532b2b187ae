using AiOs.Persistence;
using AiOs.Persistence.Events;
using AiOs.Persistence.Ledger;
using AiOs.Persistence.Schedules;
using AiOs.Persistence.Memory;
using AiOs.Persistence.PostgreSql;
using AiOs.Persistence.Spend;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the PostgreSQL storage provider.</summary>
public static class PostgreSqlStorageServiceCollectionExtensions
{
    /// <summary>Registers <see cref="PostgreSqlStorageProvider"/> as the silo's <see cref="IStorageProvider"/>,
    /// <see cref="IGrainStateStore"/>, <see cref="IReminderTable"/>, <see cref="IMembershipTable"/>,
    /// <see cref="IPartitionLeaseTable"/>, <see cref="IEventLog"/>, <see cref="IActionLedger"/>, <see cref="IApiKeyStore"/>, <see cref="ISpendStore"/>, <see cref="AiOs.Persistence.Approvals.IApprovalStore"/>, <see cref="IScheduleStore"/> and <see cref="IMemoryStore"/>
    /// (one instance, one data source, for all of them),
    /// with its options validated at start. Bind the options from configuration section
    /// <see cref="PostgreSqlStorageOptions.SectionName"/> and/or set them in <paramref name="configure"/>.</summary>
    public static IServiceCollection AddAiOsPostgreSqlStorage(this IServiceCollection services, Action<PostgreSqlStorageOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var options = services.AddOptions<PostgreSqlStorageOptions>();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        options.ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<PostgreSqlStorageOptions>, PostgreSqlStorageOptionsValidator>());
        services.TryAddSingleton(sp => new PostgreSqlStorageProvider(
            sp.GetRequiredService<IOptions<PostgreSqlStorageOptions>>().Value,
            sp.GetService<ILogger<PostgreSqlStorageProvider>>(),
            sp.GetService<TimeProvider>()));
        services.AddSingleton<IStorageProvider>(sp => sp.GetRequiredService<PostgreSqlStorageProvider>());
        services.AddSingleton<IGrainStateStore>(sp => sp.GetRequiredService<PostgreSqlStorageProvider>());
        services.AddSingleton<IGrainStateBrowser>(sp => sp.GetRequiredService<PostgreSqlStorageProvider>());
        services.AddSingleton<IReminderTable>(sp => sp.GetRequiredService<PostgreSqlStorageProvider>());
        services.AddSingleton<IMembershipTable>(sp => sp.GetRequiredService<PostgreSqlStorageProvider>());
        services.AddSingleton<IPartitionLeaseTable>(sp => sp.GetRequiredService<PostgreSqlStorageProvider>());
        services.AddSingleton<IEventLog>(sp => sp.GetRequiredService<PostgreSqlStorageProvider>());
        services.AddSingleton<IActionLedger>(sp => sp.GetRequiredService<PostgreSqlStorageProvider>());
        services.AddSingleton<IApiKeyStore>(sp => sp.GetRequiredService<PostgreSqlStorageProvider>());
        services.AddSingleton<ISpendStore>(sp => sp.GetRequiredService<PostgreSqlStorageProvider>());
        services.AddSingleton<AiOs.Persistence.Approvals.IApprovalStore>(sp => sp.GetRequiredService<PostgreSqlStorageProvider>());
        services.AddSingleton<IScheduleStore>(sp => sp.GetRequiredService<PostgreSqlStorageProvider>());
        services.AddSingleton<IMemoryStore>(sp => sp.GetRequiredService<PostgreSqlStorageProvider>());
        return services;
    }
}
