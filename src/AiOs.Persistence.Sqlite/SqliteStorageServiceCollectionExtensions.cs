using AiOs.Persistence;
using AiOs.Persistence.Events;
using AiOs.Persistence.Ledger;
using AiOs.Persistence.Schedules;
using AiOs.Persistence.Memory;
using AiOs.Persistence.Sqlite;
using AiOs.Persistence.Spend;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the SQLite storage provider.</summary>
public static class SqliteStorageServiceCollectionExtensions
{
    /// <summary>Registers <see cref="SqliteStorageProvider"/> as the silo's <see cref="IStorageProvider"/>,
    /// <see cref="IGrainStateStore"/>, <see cref="IReminderTable"/>, <see cref="IEventLog"/>, <see cref="IActionLedger"/>, <see cref="IApiKeyStore"/>, <see cref="ISpendStore"/>, <see cref="AiOs.Persistence.Approvals.IApprovalStore"/>, <see cref="IScheduleStore"/> and <see cref="IMemoryStore"/> (one instance for all), with its options
    /// validated at start. Bind the options from configuration section <see cref="SqliteStorageOptions.SectionName"/>
    /// and/or set them in <paramref name="configure"/>.</summary>
    public static IServiceCollection AddAiOsSqliteStorage(this IServiceCollection services, Action<SqliteStorageOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var options = services.AddOptions<SqliteStorageOptions>();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        options.ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<SqliteStorageOptions>, SqliteStorageOptionsValidator>());
        services.TryAddSingleton(sp => new SqliteStorageProvider(
            sp.GetRequiredService<IOptions<SqliteStorageOptions>>().Value,
            sp.GetService<ILogger<SqliteStorageProvider>>(),
            sp.GetService<TimeProvider>()));
        services.AddSingleton<IStorageProvider>(sp => sp.GetRequiredService<SqliteStorageProvider>());
        services.AddSingleton<IGrainStateStore>(sp => sp.GetRequiredService<SqliteStorageProvider>());
        services.AddSingleton<IGrainStateBrowser>(sp => sp.GetRequiredService<SqliteStorageProvider>());
        services.AddSingleton<IReminderTable>(sp => sp.GetRequiredService<SqliteStorageProvider>());
        services.AddSingleton<IEventLog>(sp => sp.GetRequiredService<SqliteStorageProvider>());
        services.AddSingleton<IActionLedger>(sp => sp.GetRequiredService<SqliteStorageProvider>());
        services.AddSingleton<IApiKeyStore>(sp => sp.GetRequiredService<SqliteStorageProvider>());
        services.AddSingleton<ISpendStore>(sp => sp.GetRequiredService<SqliteStorageProvider>());
        services.AddSingleton<AiOs.Persistence.Approvals.IApprovalStore>(sp => sp.GetRequiredService<SqliteStorageProvider>());
        services.AddSingleton<IScheduleStore>(sp => sp.GetRequiredService<SqliteStorageProvider>());
        services.AddSingleton<IMemoryStore>(sp => sp.GetRequiredService<SqliteStorageProvider>());
        return services;
    }
}
