using Microsoft.Extensions.AI;

namespace AiOs.Workforce.Models;

/// <summary>The chat client of each tier, as everything above the provider layer sees it: provider, then usage meter,
/// then budget guard (when a <see cref="SpendMeter"/> is given), then response cache. Nothing above this knows which
/// model runs.</summary>
public sealed class ModelCatalog : IDisposable
{
    private readonly Dictionary<ModelTier, IChatClient> _clients = [];
    private readonly IModelProviders _providers;

    public ModelCatalog(IModelProviders providers, ModelUsage usage, SpendMeter? spend = null)
    {
        ArgumentNullException.ThrowIfNull(providers);
        _providers = providers;
        Usage = usage;
        Spend = spend;
        foreach (var tier in Enum.GetValues<ModelTier>())
        {
            IChatClient client = new UsageRecordingChatClient(providers.Create(tier), tier, usage);
            if (spend is not null)
            {
                client = new BudgetGuardChatClient(client, tier, spend);
            }

            _clients[tier] = new ResponseCachingChatClient(client, providers.Describe(tier));
        }
    }

    public ModelUsage Usage { get; }

    /// <summary>Prices and budgets, when calls are held against them.</summary>
    public SpendMeter? Spend { get; }

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
