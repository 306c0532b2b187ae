using AiOs.Memory;

namespace AiOs.Workforce.Models;

/// <summary>Forgetting a customer removes the model answers cached about them, on every tier.</summary>
public sealed class ModelCacheForgetting(ModelCatalog models) : IMemoryForgetParticipant
{
    public Task<ForgetContribution> ForgetCustomerAsync(string customerId, CancellationToken cancellationToken)
    {
        var removed = Enum.GetValues<ModelTier>().Sum(tier => models.For(tier) is ResponseCachingChatClient cache ? cache.ForgetCustomer(customerId) : 0);
        return Task.FromResult(new ForgetContribution(CacheEntriesRemoved: removed));
    }
}
