using Microsoft.Extensions.AI;

namespace AiOs.Workforce.Models;

/// <summary>The chat client of each tier, as everything above the provider layer sees it: provider, then usage meter,
/// then response cache. Nothing above this knows which model runs.</summary>
public sealed class ModelCatalog : IDisposable
{
    private readonly Dictionary<ModelTier, IChatClient> _clients = [];
    private readonly IModelProviders _providers;

    public ModelCatalog(IModelProviders providers, ModelUsage usage)
    {
        ArgumentNullException.ThrowIfNull(providers);
        _providers = providers;
        Usage = usage;
        foreach (var tier in Enum.GetValues<ModelTier>())
        {
            _clients[tier] = new ResponseCachingChatClient(new UsageRecordingChatClient(providers.Create(tier), tier, usage), providers.Describe(tier));
        }
    }

    public ModelUsage Usage { get; }

    public IChatClient For(ModelTier tier) => _clients[tier];

    /// <summary>One line for status output, e.g. <c>models: small=offline, large=offline</c>.</summary>
    public string Describe() => $"models: small={_providers.Describe(ModelTier.Small)}, large={_providers.Describe(ModelTier.Large)}";

    public void Dispose()
    {
        foreach (var client in _clients.Values)
        {
            client.Dispose();
        }
    }
}
