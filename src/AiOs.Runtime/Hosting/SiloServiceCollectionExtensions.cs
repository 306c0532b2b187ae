using AiOs.Runtime;
using AiOs.Runtime.Configuration;
using AiOs.Runtime.Hosting;
using AiOs.Runtime.Metrics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Adds an AiOs silo to a .NET host.</summary>
public static class SiloServiceCollectionExtensions
{
    /// <summary>Adds the silo. Options bind from <paramref name="configuration"/> (sections <c>AiOs:Silo</c>,
    /// <c>AiOs:Calls</c>, <c>AiOs:Collection</c>, <c>AiOs:Reminders</c>) when given, then <paramref name="configure"/>
    /// runs; every option is validated when the host starts, and a bad value stops it with the setting's name.</summary>
    public static IServiceCollection AddAiOsSilo(this IServiceCollection services, IConfiguration? configuration = null, Action<SiloBuilder>? configure = null)
    {
        AddOptions<SiloOptions, SiloOptionsValidator>(services, configuration, SiloOptions.Section);
        AddOptions<GrainCallOptions, GrainCallOptionsValidator>(services, configuration, GrainCallOptions.Section);
        AddOptions<GrainCollectionOptions, GrainCollectionOptionsValidator>(services, configuration, GrainCollectionOptions.Section);
        AddOptions<ReminderOptions, ReminderOptionsValidator>(services, configuration, ReminderOptions.Section);

        services.AddMetrics();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<RuntimeInstruments>();
        services.TryAddSingleton<SiloRuntime>();
        services.TryAddSingleton(sp => sp.GetRequiredService<SiloRuntime>().GrainFactory);

        // Registered first so that the silo is up before other hosted services, and stops after them.
        services.Insert(0, ServiceDescriptor.Singleton<Hosting.IHostedService, SiloHostedService>());

        configure?.Invoke(new SiloBuilder(services));
        return services;
    }

    private static void AddOptions<TOptions, TValidator>(IServiceCollection services, IConfiguration? configuration, string section)
        where TOptions : class
        where TValidator : class, IValidateOptions<TOptions>
    {
        var builder = services.AddOptions<TOptions>();
        if (configuration is not null)
        {
            builder.Bind(configuration.GetSection(section));
        }

        builder.ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<TOptions>, TValidator>());
    }
}
