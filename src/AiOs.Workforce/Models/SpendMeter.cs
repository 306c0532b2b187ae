using System.Globalization;
using AiOs.Persistence.Spend;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Options;

namespace AiOs.Workforce.Models;

/// <summary>Prices model calls from <see cref="ModelOptions.Prices"/> and holds them against the budgets in the
/// <see cref="ISpendStore"/>: an estimate is reserved before a call, the real cost recorded after.</summary>
public sealed class SpendMeter(ISpendStore store, IOptions<ModelOptions> options, TimeProvider time)
{
    private ModelOptions Options => options.Value;

    /// <summary>The price-table name of the model <paramref name="tier"/> runs (its configured model name; <c>offline</c>
    /// by default, which has no price and costs nothing).</summary>
    public string ModelOf(ModelTier tier) => Options.For(tier).Model;

    /// <summary>Cost in millionths of the currency unit, rounded up (a price per million tokens is a price in micros per
    /// token).</summary>
    public long CostMicros(string model, long inputTokens, long outputTokens) =>
        Options.Prices.TryGetValue(model, out var price)
            ? (long)Math.Ceiling((inputTokens * price.InputPerMillion) + (outputTokens * price.OutputPerMillion))
            : 0;

    /// <summary>The estimate held before a call: its input (about four characters a token) and its most output.</summary>
    public long EstimateMicros(string model, IEnumerable<ChatMessage> messages, ChatOptions? chatOptions)
    {
        var characters = messages.Sum(m => (long)(m.Text?.Length ?? 0));
        var output = chatOptions?.MaxOutputTokens ?? Options.EstimatedOutputTokens;
        return CostMicros(model, (characters + 3) / 4, output);
    }

    /// <summary>Holds <paramref name="estimateMicros"/> against every budget of <paramref name="subject"/>.</summary>
    /// <returns>The reservation's id, to settle it.</returns>
    /// <exception cref="BudgetExceededException">A budget would be overshot; nothing is held.</exception>
    public async Task<string> ReserveAsync(SpendSubject subject, string model, long estimateMicros, CancellationToken cancellationToken)
    {
        var id = Guid.NewGuid().ToString("N");
        var now = time.GetUtcNow();
        var outcome = await store.TryReserveAsync(new SpendReservation(id, now, subject, estimateMicros), now - Options.ReservationTimeout, cancellationToken)
            .ConfigureAwait(false);
        return outcome.Reserved ? id : throw new BudgetExceededException(Describe(outcome.Blocking!, model, estimateMicros));
    }

    /// <summary>Records what the call cost and releases its reservation; <paramref name="usage"/> null when the call failed
    /// (a failed call is not charged).</summary>
    public async Task SettleAsync(string reservationId, SpendSubject subject, string model, UsageDetails? usage, bool made)
    {
        var record = made
            ? new SpendRecord(Guid.NewGuid().ToString("N"), time.GetUtcNow(), subject, model, usage?.InputTokenCount ?? 0, usage?.OutputTokenCount ?? 0,
                CostMicros(model, usage?.InputTokenCount ?? 0, usage?.OutputTokenCount ?? 0))
            : null;
        try
        {
            // Not the caller's token: a call that was made must be recorded even when its caller gave up meanwhile.
            await store.SettleAsync(reservationId, record, CancellationToken.None).ConfigureAwait(false);
        }
        catch (StorageUnavailableException)
        {
            // The answer is not thrown away for want of a ledger line: the reservation stays held until it is stale, which
            // errs on the side of spending less.
        }
    }

    /// <summary>An amount for people: 0.034 USD.</summary>
    public string Format(long micros) => string.Create(CultureInfo.InvariantCulture, $"{micros / 1_000_000m:0.00####} {Options.Currency}");

    private string Describe(BudgetStatus budget, string model, long estimateMicros)
    {
        var period = budget.Period.Length > 0 ? $" on {budget.Period}" : "";
        var set = budget.Key.Scope == BudgetScope.Day ? "day" : $"{BudgetKey.Name(budget.Key.Scope)} {budget.Key.Subject}";
        return $"the budget of the {budget.Key} is reached{period}: {Format(budget.SpentMicros)} spent and {Format(budget.ReservedMicros)} held of " +
            $"{Format(budget.LimitMicros)}; a call to {model} needs about {Format(estimateMicros)}. Raise it with 'aios budgets set {set} <amount>'.";
    }
}
