namespace AiOs.Persistence.Memory;

/// <summary>A lexical match: an item id and its rank within the query (higher is better; comparable within one result
/// only).</summary>
public sealed record MemoryTextHit(string ItemId, double Rank);

/// <summary>What <see cref="IMemoryStore.ForgetCustomerAsync"/> removed.</summary>
/// <param name="ItemsRemoved">Memory items (of the customer's scope, and items elsewhere that are about the customer).</param>
/// <param name="EmbeddingsRemoved">Their embeddings (one per item).</param>
/// <param name="ScopesChanged">The scopes that lost items: their caches must be dropped.</param>
public sealed record MemoryForgetCounts(long ItemsRemoved, long EmbeddingsRemoved, IReadOnlyList<MemoryScope> ScopesChanged);

/// <summary>Memory items, their lexical index and each scope's version. Implementations own their SQL, compare scopes by
/// exact kind and id, and treat query text as data. Every change of a scope's items gives the scope a new version, higher
/// than any version any scope ever had (one counter per database), so that a version seen once is never seen again for
/// different contents, even after a scope is forgotten and filled anew. Every method may throw
/// <see cref="StorageUnavailableException"/>.</summary>
public interface IMemoryStore
{
    /// <summary>Stores <paramref name="items"/> (all of <paramref name="scope"/>) in one transaction: all or none. Items
    /// whose id is stored already are left as they are (a retried add is harmless).</summary>
    /// <returns>The scope's version afterwards (unchanged when nothing new was stored) and how many items were new.</returns>
    /// <exception cref="ArgumentException">An item is not of <paramref name="scope"/>, or has an empty id.</exception>
    Task<(long Version, int Added)> AddAsync(MemoryScope scope, IReadOnlyList<MemoryItem> items, CancellationToken cancellationToken = default);

    /// <summary>Removes the items of <paramref name="scope"/> with these ids (ids of other scopes are ignored).</summary>
    /// <returns>The scope's version afterwards and how many were removed.</returns>
    Task<(long Version, int Removed)> RemoveAsync(MemoryScope scope, IReadOnlyCollection<string> itemIds, CancellationToken cancellationToken = default);

    /// <summary>The scope's version: 0 when it has never had items.</summary>
    Task<long> VersionAsync(MemoryScope scope, CancellationToken cancellationToken = default);

    /// <summary>The items of <paramref name="scope"/> among <paramref name="itemIds"/>, in no particular order.</summary>
    Task<IReadOnlyList<MemoryItem>> GetAsync(MemoryScope scope, IReadOnlyCollection<string> itemIds, CancellationToken cancellationToken = default);

    /// <summary>Items of <paramref name="scope"/> that pass <paramref name="filter"/>, oldest first (by time learned, then
    /// id), after the item <paramref name="after"/> (null: from the start), at most <paramref name="limit"/>.</summary>
    Task<IReadOnlyList<MemoryItem>> ListAsync(
        MemoryScope scope, MemoryFilter filter, (DateTimeOffset At, string ItemId)? after, int limit, CancellationToken cancellationToken = default);

    /// <summary>Items of <paramref name="scope"/> passing <paramref name="filter"/> whose text matches any of
    /// <paramref name="terms"/> (words as <see cref="MemoryText.Terms"/> splits them), best first, at most
    /// <paramref name="limit"/>.</summary>
    Task<IReadOnlyList<MemoryTextHit>> SearchTextAsync(
        MemoryScope scope, IReadOnlyList<string> terms, MemoryFilter filter, int limit, CancellationToken cancellationToken = default);

    /// <summary>Every scope that has items, in order, after <paramref name="after"/>, at most <paramref name="limit"/>.</summary>
    Task<IReadOnlyList<MemoryScope>> ListScopesAsync(MemoryScope? after, int limit, CancellationToken cancellationToken = default);

    /// <summary>Removes the items of the customer's scope and every item about the customer in other scopes, with their
    /// embeddings and index entries, and the customer's scope version row.</summary>
    Task<MemoryForgetCounts> ForgetCustomerAsync(string customerId, CancellationToken cancellationToken = default);
}
