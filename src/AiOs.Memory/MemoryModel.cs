using AiOs.Persistence.Memory;

namespace AiOs.Memory;

/// <summary>Something to remember, before validation, redaction and embedding.</summary>
/// <param name="Scope">Its owner.</param>
/// <param name="Kind">What it is.</param>
/// <param name="Text">At most <see cref="MemoryService.MaxTextBytes"/> bytes of UTF-8, not blank.</param>
/// <param name="Provenance">Where it came from.</param>
/// <param name="Confidence">0 to 1.</param>
/// <param name="RequestId">Makes the add idempotent: the same scope and request id give the same item id.</param>
/// <param name="Role">The role it applies to within its scope, if only one.</param>
/// <param name="CustomerId">The customer it is about, when not its scope.</param>
/// <param name="SourceItemIds">The items it was made from (summaries).</param>
public sealed record MemoryDraft(
    MemoryScope Scope,
    MemoryKind Kind,
    string Text,
    MemoryProvenance Provenance,
    double Confidence = 1,
    string? RequestId = null,
    string? Role = null,
    string? CustomerId = null,
    IReadOnlyList<string>? SourceItemIds = null);

/// <summary>A search within one scope.</summary>
/// <param name="Scope">The only scope searched.</param>
/// <param name="Text">What to look for; any text (it is only ever data).</param>
/// <param name="Filter">Which items are considered.</param>
/// <param name="Limit">Hits returned at most (1 to <see cref="MemoryService.MaxLimit"/>).</param>
/// <param name="RecencyHalfLife">When set, an item's score is weighted down with its age: by a quarter at one half-life,
/// approaching a half for very old items.</param>
public sealed record MemoryQuery(MemoryScope Scope, string Text, MemoryFilter? Filter = null, int Limit = 10, TimeSpan? RecencyHalfLife = null);

/// <summary>A search result: the item (with its provenance) and its fused score (higher is better).</summary>
public sealed record MemoryHit(MemoryItem Item, double Score);

/// <summary>What an agent is given: the best items within the token budget, best first, and the versions of the scopes
/// they came from.</summary>
public sealed record MemoryContext(IReadOnlyList<MemoryHit> Items, int Tokens, IReadOnlyDictionary<MemoryScope, long> Versions)
{
    public static MemoryContext Empty { get; } = new([], 0, new Dictionary<MemoryScope, long>());

    /// <summary>The items as prompt lines: text, then kind and where it came from.</summary>
    public IReadOnlyList<string> Lines() =>
        [.. Items.Select(h => $"{h.Item.Text} ({h.Item.Kind.ToString().ToLowerInvariant()} {h.Item.ItemId} of {h.Item.Scope}, from {h.Item.Provenance.Source} by {h.Item.Provenance.Actor} at {h.Item.CreatedAt:yyyy-MM-dd})")];
}

/// <summary>What <see cref="MemoryService.ForgetCustomerAsync"/> removed.</summary>
/// <param name="ItemsRemoved">Memory items.</param>
/// <param name="EmbeddingsRemoved">Their embeddings.</param>
/// <param name="CacheEntriesRemoved">Cached model answers about the customer.</param>
/// <param name="EventPayloadsRedacted">Events whose stream key and payload were erased (they stay in the chain).</param>
/// <param name="EventSequence">The <c>memory.forgotten</c> event that records the forget (counts only, no identifiers).</param>
/// <param name="GoalsErased">Goals for the customer whose texts were erased (their ids, status and cost stay).</param>
/// <param name="SchedulesRemoved">Schedules that would have started goals for the customer.</param>
/// <param name="RecordsErased">Other rows erased or stripped of the customer: task drafts, approvals, policy decisions'
/// recipients, ledger actions, spend rows and the customer's budget.</param>
public sealed record ForgetReport(
    long ItemsRemoved,
    long EmbeddingsRemoved,
    long CacheEntriesRemoved,
    long EventPayloadsRedacted,
    long EventSequence,
    long GoalsErased = 0,
    long SchedulesRemoved = 0,
    long RecordsErased = 0);

/// <summary>What else holds data about a customer (cached answers, entity streams, goals), told when the customer is
/// forgotten.</summary>
public interface IMemoryForgetParticipant
{
    /// <summary>Called for every participant before anything is removed: throws <see cref="ForgetRefusedException"/> when
    /// the customer cannot be forgotten now (e.g. work for them is still running).</summary>
    Task CheckCanForgetAsync(string customerId, CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Removes what it holds about <paramref name="customerId"/>.</summary>
    Task<ForgetContribution> ForgetCustomerAsync(string customerId, CancellationToken cancellationToken);
}

/// <summary>What a participant removed.</summary>
public sealed record ForgetContribution(long CacheEntriesRemoved = 0, long EventPayloadsRedacted = 0, long GoalsErased = 0, long SchedulesRemoved = 0, long RecordsErased = 0);

/// <summary>The customer cannot be forgotten now, with why (nothing was removed).</summary>
public sealed class ForgetRefusedException(string message) : InvalidOperationException(message);

/// <summary>Input memory refuses, with what was wrong. Nothing was stored.</summary>
public sealed class MemoryInputException(string message) : ArgumentException(message);
