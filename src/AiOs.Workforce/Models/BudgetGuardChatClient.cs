using Microsoft.Extensions.AI;

namespace AiOs.Workforce.Models;

/// <summary>Holds every provider call against the budgets: reserves the call's estimated cost first (a call that would
/// overshoot a cap is not made: <see cref="BudgetExceededException"/>), then settles the reservation with the real usage.
/// Sits above the provider and below the response cache, so a cached answer costs nothing.</summary>
public sealed class BudgetGuardChatClient(IChatClient inner, ModelTier tier, SpendMeter meter) : DelegatingChatClient(inner)
{
    public override async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var list = messages as IReadOnlyCollection<ChatMessage> ?? [.. messages];
        var subject = ModelCallContext.Subject(options);
        var model = meter.ModelOf(tier);
        var reservation = await meter.ReserveAsync(subject, model, meter.EstimateMicros(model, list, options), cancellationToken).ConfigureAwait(false);
        ChatResponse response;
        try
        {
            response = await base.GetResponseAsync(list, options, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await meter.SettleAsync(reservation, subject, model, null, made: false).ConfigureAwait(false);
            throw;
        }

        await meter.SettleAsync(reservation, subject, model, response.Usage, made: true).ConfigureAwait(false);
        return response;
    }

    public override async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var list = messages as IReadOnlyCollection<ChatMessage> ?? [.. messages];
        var subject = ModelCallContext.Subject(options);
        var model = meter.ModelOf(tier);
        var reservation = await meter.ReserveAsync(subject, model, meter.EstimateMicros(model, list, options), cancellationToken).ConfigureAwait(false);
        UsageDetails? usage = null;
        var made = false;
        try
        {
            await foreach (var update in base.GetStreamingResponseAsync(list, options, cancellationToken).ConfigureAwait(false))
            {
                made = true;
                usage = update.Contents.OfType<UsageContent>().LastOrDefault()?.Details ?? usage;
                yield return update;
            }
        }
        finally
        {
            // A stream that delivered anything was a call made, even if it broke off: charge what it reported.
            await meter.SettleAsync(reservation, subject, model, usage, made).ConfigureAwait(false);
        }
    }
}
