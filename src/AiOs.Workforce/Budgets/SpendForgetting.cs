using AiOs.Memory;
using AiOs.Persistence.Spend;

namespace AiOs.Workforce.Budgets;

/// <summary>Forgetting a customer takes their id off the spend records (the cost still counts for its day, goal and role)
/// and deletes their budget.</summary>
public sealed class SpendForgetting(ISpendStore spend) : IMemoryForgetParticipant
{
    public async Task<ForgetContribution> ForgetCustomerAsync(string customerId, CancellationToken cancellationToken) =>
        new(RecordsErased: await spend.EraseCustomerSpendAsync(customerId, cancellationToken));
}
