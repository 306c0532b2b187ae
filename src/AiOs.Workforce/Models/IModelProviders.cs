using Microsoft.Extensions.AI;
using Microsoft.Extensions.Options;

namespace AiOs.Workforce.Models;

/// <summary>Makes the provider client of each tier. The default reads <see cref="ModelOptions"/>; tests substitute
/// scripted clients here, below the cache and the usage meter.</summary>
public interface IModelProviders
{
    IChatClient Create(ModelTier tier);

    /// <summary>What runs the tier, for status output: <c>offline</c> or the model and host (never the key).</summary>
    string Describe(ModelTier tier);
}

/// <summary>The configured providers: an OpenAI-compatible endpoint where a tier has one, the offline provider elsewhere.</summary>
public sealed class ConfiguredModelProviders(IOptions<ModelOptions> options, Playbooks.PlaybookCatalog playbooks) : IModelProviders
{
    public IChatClient Create(ModelTier tier)
    {
        var tierOptions = options.Value.For(tier);
        return tierOptions.Endpoint is null
            ? new OfflineChatClient(playbooks.PlanFor)
            : new OpenAiCompatibleChatClient(tierOptions, options.Value);
    }

    public string Describe(ModelTier tier) => options.Value.For(tier).ToString();
}
