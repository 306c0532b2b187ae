namespace AiOs.Persistence;

/// <summary>A stored API key. The key itself is never stored: only a hash of its secret part, which the API compares in
/// constant time.</summary>
/// <param name="KeyId">The public part of the key, unique.</param>
/// <param name="Name">What the key is for, as its creator named it.</param>
/// <param name="Scope">The key's scope as the API names it (e.g. <c>operator</c>); storage does not interpret it.</param>
/// <param name="SecretHash">The hash of the key's secret part.</param>
/// <param name="CreatedAt">When it was created.</param>
/// <param name="CreatedBy">Who created it: a key id, or a description for the key generated at first start.</param>
/// <param name="IsInitial">True for the key generated at first start (there is at most one, ever).</param>
/// <param name="RevokedAt">When it was revoked; null while it is active.</param>
/// <param name="RevokedBy">Who revoked it.</param>
public sealed record StoredApiKey(
    string KeyId,
    string Name,
    string Scope,
    byte[] SecretHash,
    DateTimeOffset CreatedAt,
    string CreatedBy,
    bool IsInitial = false,
    DateTimeOffset? RevokedAt = null,
    string? RevokedBy = null)
{
    /// <summary>True until revoked.</summary>
    public bool IsActive => RevokedAt is null;
}

/// <summary>What <see cref="IApiKeyStore.RevokeAsync"/> did.</summary>
public enum ApiKeyRevocationOutcome
{
    /// <summary>The key was active and is revoked now.</summary>
    Revoked,

    /// <summary>The key had been revoked before; nothing changed.</summary>
    AlreadyRevoked,

    /// <summary>There is no key with that id.</summary>
    NotFound,

    /// <summary>The key is the last active key of the protected scope; nothing changed.</summary>
    LastOfProtectedScope,
}

/// <summary>The API keys of the service. Implementations own their SQL; every method may throw
/// <see cref="StorageUnavailableException"/>.</summary>
public interface IApiKeyStore
{
    /// <summary>Stores a new key; false when its id is taken (ids are random: draw another).</summary>
    Task<bool> TryInsertAsync(StoredApiKey key, CancellationToken cancellationToken = default);

    /// <summary>Stores the key generated at first start (<paramref name="key"/> with <see cref="StoredApiKey.IsInitial"/>
    /// set), unless an initial key was ever stored before, by this silo or any other sharing the database. Decided by the
    /// database, so that of several silos starting at once exactly one stores (and shows) its key.</summary>
    /// <returns>True when this key was stored.</returns>
    Task<bool> TryInsertInitialAsync(StoredApiKey key, CancellationToken cancellationToken = default);

    /// <summary>One key, or null.</summary>
    Task<StoredApiKey?> FindAsync(string keyId, CancellationToken cancellationToken = default);

    /// <summary>Every key, revoked ones included, newest first.</summary>
    Task<IReadOnlyList<StoredApiKey>> ListAsync(CancellationToken cancellationToken = default);

    /// <summary>Revokes a key, unless it is the last active key whose scope is <paramref name="protectedScope"/> (checked
    /// and changed atomically, so that concurrent revocations cannot leave no such key).</summary>
    /// <returns>The outcome and the key as stored afterwards (null when not found).</returns>
    Task<(ApiKeyRevocationOutcome Outcome, StoredApiKey? Key)> RevokeAsync(
        string keyId, DateTimeOffset revokedAt, string revokedBy, string? protectedScope, CancellationToken cancellationToken = default);
}
