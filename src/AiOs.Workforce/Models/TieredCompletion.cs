using Microsoft.Extensions.AI;

namespace AiOs.Workforce.Models;

/// <summary>A model answer parsed and judged: its value, its confidence, or why it is unusable.</summary>
public sealed record ModelVerdict<T>(T? Value, double Confidence, string? Problem);

/// <summary>The outcome of a tiered call: the accepted value (or null), the tier that produced it, and what happened on
/// each tier tried.</summary>
public sealed record TieredOutcome<T>(T? Value, double Confidence, ModelTier Tier, IReadOnlyList<string> History)
{
    public bool Succeeded => Value is not null;
}

/// <summary>Tiering: a call starts on its tier; an answer that fails validation or falls below the confidence threshold
/// on the small tier is asked again of the large tier. A large-tier call refused by a budget drops to the small tier when
/// <c>smallTierOnBudget</c> allows (and the small tier has not been tried); otherwise the refusal
/// (<see cref="BudgetExceededException"/>) goes to the caller.</summary>
public static class TieredCompletion
{
    public static async Task<TieredOutcome<T>> RunAsync<T>(
        ModelCatalog models,
        ModelTier start,
        double confidenceThreshold,
        Func<IChatClient, CancellationToken, Task<ChatResponse>> call,
        Func<ChatResponse, ModelVerdict<T>> judge,
        CancellationToken cancellationToken,
        bool smallTierOnBudget = false)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(models);
        ArgumentNullException.ThrowIfNull(call);
        ArgumentNullException.ThrowIfNull(judge);
        var history = new List<string>();
        ModelVerdict<T>? last = null;
        var tier = start;
        var tiers = new Queue<ModelTier>(start == ModelTier.Small ? [ModelTier.Small, ModelTier.Large] : [ModelTier.Large]);
        var triedSmall = false;
        while (tiers.TryDequeue(out var t))
        {
            tier = t;
            triedSmall |= t == ModelTier.Small;
            try
            {
                last = judge(await call(models.For(t), cancellationToken).ConfigureAwait(false));
            }
            catch (ModelOutputException ex)
            {
                last = new ModelVerdict<T>(null, 0, ex.Message);
            }
            catch (BudgetExceededException ex) when (t == ModelTier.Large && smallTierOnBudget && !triedSmall)
            {
                history.Add($"{t}: not made: {ex.Message} Dropping to the small tier.");
                tiers.Clear();
                tiers.Enqueue(ModelTier.Small);
                continue;
            }

            if (last.Problem is null && last.Value is not null && last.Confidence >= confidenceThreshold)
            {
                history.Add($"{t}: accepted (confidence {last.Confidence:0.00})");
                return new TieredOutcome<T>(last.Value, last.Confidence, t, history);
            }

            history.Add(last.Problem is not null ? $"{t}: rejected: {last.Problem}" : $"{t}: confidence {last.Confidence:0.00} below {confidenceThreshold:0.00}");
        }

        return new TieredOutcome<T>(null, last?.Confidence ?? 0, tier, history);
    }
}
