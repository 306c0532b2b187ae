using System.Collections.Concurrent;
using AiOs.Persistence;
using Microsoft.Extensions.Options;

namespace AiOs.Api.Keys;

/// <summary>Checks presented keys against the store. Stored keys are cached for
/// <see cref="ApiServerOptions.KeyRefreshInterval"/> so that a call costs one hash and no database read; a revocation made
/// on this silo takes effect at once (<see cref="Forget"/>), one made on another silo within the interval.</summary>
public sealed class ApiKeyAuthenticator(IApiKeyStore store, IOptions<ApiServerOptions> options, TimeProvider time)
{
    private readonly ConcurrentDictionary<string, CachedKey> _cache = new(StringComparer.Ordinal);
    private readonly TimeSpan _refresh = options.Value.KeyRefreshInterval;

    /// <summary>The caller a key belongs to, or null when the key is malformed, unknown, revoked or wrong. The reason is
    /// not told apart, so that a guesser learns nothing.</summary>
    public async ValueTask<ApiCaller?> AuthenticateAsync(string? key, CancellationToken cancellationToken)
    {
        if (!ApiKeySecret.TryParse(key, out var keyId, out var secret))
        {
            return null;
        }

        var now = time.GetTimestamp();
        if (!_cache.TryGetValue(keyId, out var cached) || time.GetElapsedTime(cached.ReadAt, now) > _refresh)
        {
            var stored = await store.FindAsync(keyId, cancellationToken).ConfigureAwait(false);
            cached = new CachedKey(stored, now);
            if (stored is null)
            {
                // Unknown ids are not cached: random ids must not fill the memory.
                _cache.TryRemove(keyId, out _);
            }
            else
            {
                _cache[keyId] = cached;
            }
        }

        var found = cached.Key;
        return found is { IsActive: true } && ApiKeySecret.Matches(secret, found.SecretHash)
            ? new ApiCaller(found.KeyId, found.Scope)
            : null;
    }

    /// <summary>Drops a key from the cache (after it was revoked here).</summary>
    public void Forget(string keyId) => _cache.TryRemove(keyId, out _);

    private readonly record struct CachedKey(StoredApiKey? Key, long ReadAt);
}
