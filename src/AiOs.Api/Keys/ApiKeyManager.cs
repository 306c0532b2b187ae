using AiOs.Grpc;
using AiOs.Persistence;

namespace AiOs.Api.Keys;

/// <summary>Creates, lists and revokes keys: the rules around the store (names, scopes, the last operator key).</summary>
public sealed class ApiKeyManager(IApiKeyStore store, ApiKeyAuthenticator authenticator, TimeProvider time)
{
    /// <summary>The longest key name.</summary>
    public const int MaxNameLength = 100;

    /// <summary>Creates a key; returns it as stored and its text, which is shown once and never again.</summary>
    /// <exception cref="RpcException">InvalidArgument: an empty or too long name, or an unknown scope.</exception>
    public async Task<(StoredApiKey Key, string Secret)> CreateAsync(string name, string scope, string createdBy, CancellationToken cancellationToken)
    {
        name = name.Trim();
        if (name.Length is 0 or > MaxNameLength)
        {
            throw new RpcException(StatusCode.InvalidArgument, $"a key's name must have 1 to {MaxNameLength} characters");
        }

        if (scope is not (ApiKeyScopes.Operator or ApiKeyScopes.Frontend or ApiKeyScopes.ReadOnly))
        {
            throw new RpcException(StatusCode.InvalidArgument, "scope must be operator, frontend or read-only");
        }

        while (true)
        {
            var (keyId, key, hash) = ApiKeySecret.Generate();
            var stored = new StoredApiKey(keyId, name, scope, hash, time.GetUtcNow(), createdBy);
            if (await store.TryInsertAsync(stored, cancellationToken).ConfigureAwait(false))
            {
                return (stored, key);
            }
        }
    }

    /// <summary>Every key, newest first; revoked ones only when asked.</summary>
    public async Task<IReadOnlyList<StoredApiKey>> ListAsync(bool includeRevoked, CancellationToken cancellationToken)
    {
        var keys = await store.ListAsync(cancellationToken).ConfigureAwait(false);
        return includeRevoked ? keys : keys.Where(k => k.IsActive).ToList();
    }

    /// <summary>Revokes a key (idempotent); refuses to revoke the last active operator key, which would lock the
    /// operator out.</summary>
    /// <exception cref="RpcException">NotFound, or FailedPrecondition for the last operator key.</exception>
    public async Task<StoredApiKey> RevokeAsync(string keyId, string revokedBy, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(keyId))
        {
            throw new RpcException(StatusCode.InvalidArgument, "key_id is required");
        }

        var (outcome, key) = await store.RevokeAsync(keyId, time.GetUtcNow(), revokedBy, ApiKeyScopes.Operator, cancellationToken).ConfigureAwait(false);
        authenticator.Forget(keyId);
        return outcome switch
        {
            ApiKeyRevocationOutcome.Revoked or ApiKeyRevocationOutcome.AlreadyRevoked => key!,
            ApiKeyRevocationOutcome.LastOfProtectedScope => throw new RpcException(StatusCode.FailedPrecondition,
                $"key {keyId} is the last active operator key; create another operator key before revoking it"),
            _ => throw new RpcException(StatusCode.NotFound, $"there is no key {keyId}"),
        };
    }
}
