using System.Collections.Concurrent;
using Microsoft.Extensions.AI;

namespace AiOs.Workforce.Models;

/// <summary>Usage of the models, per tier: calls made to a provider (cache hits are not calls) and their input and output
/// tokens as the provider reported them.</summary>
public sealed class ModelUsage
{
    private readonly ConcurrentDictionary<ModelTier, Counters> _tiers = new();

    public void Record(ModelTier tier, UsageDetails? usage)
    {
        var counters = _tiers.GetOrAdd(tier, _ => new Counters());
        Interlocked.Increment(ref counters.Calls);
        Interlocked.Add(ref counters.InputTokens, usage?.InputTokenCount ?? 0);
        Interlocked.Add(ref counters.OutputTokens, usage?.OutputTokenCount ?? 0);
    }

    /// <summary>(calls, input tokens, output tokens) of <paramref name="tier"/> so far.</summary>
    public (long Calls, long InputTokens, long OutputTokens) Of(ModelTier tier) =>
        _tiers.TryGetValue(tier, out var c) ? (Interlocked.Read(ref c.Calls), Interlocked.Read(ref c.InputTokens), Interlocked.Read(ref c.OutputTokens)) : (0, 0, 0);

    private sealed class Counters
    {
        public long Calls;
        public long InputTokens;
        public long OutputTokens;
    }
}

/// <summary>Records every provider call's usage in <see cref="ModelUsage"/>.</summary>
public sealed class UsageRecordingChatClient(IChatClient inner, ModelTier tier, ModelUsage usage) : DelegatingChatClient(inner)
{
    public override async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var response = await base.GetResponseAsync(messages, options, cancellationToken).ConfigureAwait(false);
        usage.Record(tier, response.Usage);
        return response;
    }
}
