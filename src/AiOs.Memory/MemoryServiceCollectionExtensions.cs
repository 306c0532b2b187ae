using AiOs.Memory;
using AiOs.Persistence;
using AiOs.Persistence.Events;
using AiOs.Persistence.Memory;
using AiOs.Runtime;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers memory (the grain comes with <c>AddGrains(typeof(MemoryScopeGrain).Assembly)</c>).</summary>
public static class MemoryServiceCollectionExtensions
{
    /// <summary>The memory service over the storage provider's <see cref="IMemoryStore"/>, with the offline embedding
    /// unless an <see cref="IEmbeddingGenerator{TInput, TEmbedding}"/> is registered, and extractive compaction unless an
    /// <see cref="IMemorySummarizer"/> is (the workforce registers a model-backed one). Options bind from section
    /// <see cref="MemoryOptions.SectionName"/> of <paramref name="configuration"/> when given, then
    /// <paramref name="configure"/> runs; they are validated at start.</summary>
    public static IServiceCollection AddAiOsMemory(this IServiceCollection services, IConfiguration? configuration = null, Action<MemoryOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var options = services.AddOptions<MemoryOptions>();
        if (configuration is not null)
        {
            options.Bind(configuration.GetSection(MemoryOptions.SectionName));
        }

        if (configure is not null)
        {
            options.Configure(configure);
        }

        options.ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<MemoryOptions>, MemoryOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<IEmbeddingGenerator<string, Embedding<float>>>(_ => new HashedNGramEmbeddingGenerator());
        services.TryAddSingleton<MemoryRedactor>();
        services.TryAddSingleton<IMemorySummarizer, ExtractiveSummarizer>();
        services.TryAddSingleton(sp => new MemoryService(
            sp.GetRequiredService<IMemoryStore>(),
            sp.GetRequiredService<IEventLog>(),
            sp.GetRequiredService<IEmbeddingGenerator<string, Embedding<float>>>(),
            sp.GetRequiredService<MemoryRedactor>(),
            sp.GetRequiredService<IOptions<MemoryOptions>>(),
            sp.GetServices<IMemoryForgetParticipant>(),
            sp.GetRequiredService<TimeProvider>(),
            new StorageWriter(sp.GetService<SiloRuntime>()?.SiloId ?? "memory"),
            sp.GetService<AiOs.IGrainFactory>()));
        return services;
    }
}
