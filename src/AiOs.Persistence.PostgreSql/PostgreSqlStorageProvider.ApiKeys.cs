using Npgsql;

namespace AiOs.Persistence.PostgreSql;

// IApiKeyStore. RevokeAsync locks the active keys of the protected scope (SELECT ... FOR UPDATE) in one transaction, so
// that two silos revoking the last two operator keys at once cannot both succeed.
public sealed partial class PostgreSqlStorageProvider : IApiKeyStore
{
    private const string ApiKeyColumns = "key_id, name, scope, secret_hash, is_initial, created_at, created_by, revoked_at, revoked_by";

    private const string InsertApiKey = $"""
        INSERT INTO aios_api_keys ({ApiKeyColumns})
        VALUES ($1, $2, $3, $4, $5, $6, $7, NULL, NULL)
        ON CONFLICT DO NOTHING
        """;

    private const string SelectApiKey = $"SELECT {ApiKeyColumns} FROM aios_api_keys WHERE key_id = $1";

    private const string SelectApiKeyForUpdate = $"SELECT {ApiKeyColumns} FROM aios_api_keys WHERE key_id = $1 FOR UPDATE";

    private const string SelectApiKeys = $"SELECT {ApiKeyColumns} FROM aios_api_keys ORDER BY created_at DESC, key_id";

    private const string LockActiveKeysOfScope =
        "SELECT key_id FROM aios_api_keys WHERE scope = $1 AND revoked_at IS NULL ORDER BY key_id FOR UPDATE";

    private const string UpdateRevoked =
        "UPDATE aios_api_keys SET revoked_at = $2, revoked_by = $3 WHERE key_id = $1 AND revoked_at IS NULL";

    /// <inheritdoc />
    public Task<bool> TryInsertAsync(StoredApiKey key, CancellationToken cancellationToken = default) =>
        InsertKeyAsync(key with { IsInitial = false }, cancellationToken);

    /// <inheritdoc />
    public Task<bool> TryInsertInitialAsync(StoredApiKey key, CancellationToken cancellationToken = default) =>
        InsertKeyAsync(key with { IsInitial = true }, cancellationToken);

    /// <inheritdoc />
    public Task<StoredApiKey?> FindAsync(string keyId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(keyId);
        return RunAsync(async (connection, ct) => (await ReadKeysAsync(connection, SelectApiKey, ct, keyId).ConfigureAwait(false)).SingleOrDefault(), cancellationToken);
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<StoredApiKey>> ListAsync(CancellationToken cancellationToken = default) =>
        RunAsync<IReadOnlyList<StoredApiKey>>(async (connection, ct) => await ReadKeysAsync(connection, SelectApiKeys, ct).ConfigureAwait(false), cancellationToken);

    /// <inheritdoc />
    public Task<(ApiKeyRevocationOutcome Outcome, StoredApiKey? Key)> RevokeAsync(
        string keyId, DateTimeOffset revokedAt, string revokedBy, string? protectedScope, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(keyId);
        ArgumentException.ThrowIfNullOrEmpty(revokedBy);
        return RunAsync<(ApiKeyRevocationOutcome, StoredApiKey?)>(async (connection, ct) =>
        {
            var transaction = await connection.BeginTransactionAsync(ct).ConfigureAwait(false);
            await using (transaction.ConfigureAwait(false))
            {
                // Locked first, in key order, by every revoker alike: no deadlock, and the set stays as read until commit.
                var activeOfScope = protectedScope is null
                    ? []
                    : await ReadIdsAsync(connection, LockActiveKeysOfScope, ct, protectedScope).ConfigureAwait(false);

                var key = (await ReadKeysAsync(connection, SelectApiKeyForUpdate, ct, keyId).ConfigureAwait(false)).SingleOrDefault();
                if (key is null)
                {
                    return (ApiKeyRevocationOutcome.NotFound, null);
                }

                if (!key.IsActive)
                {
                    return (ApiKeyRevocationOutcome.AlreadyRevoked, key);
                }

                if (key.Scope == protectedScope && activeOfScope.All(id => id == keyId))
                {
                    return (ApiKeyRevocationOutcome.LastOfProtectedScope, key);
                }

                var update = Command(connection, UpdateRevoked);
                await using (update.ConfigureAwait(false))
                {
                    Add(update, keyId);
                    Add(update, Utc(revokedAt));
                    Add(update, revokedBy);
                    await update.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
                }

                var revoked = (await ReadKeysAsync(connection, SelectApiKey, ct, keyId).ConfigureAwait(false)).Single();
                await transaction.CommitAsync(ct).ConfigureAwait(false);
                return (ApiKeyRevocationOutcome.Revoked, revoked);
            }
        }, cancellationToken);
    }

    private Task<bool> InsertKeyAsync(StoredApiKey key, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentException.ThrowIfNullOrEmpty(key.KeyId);
        return RunAsync(async (connection, ct) =>
        {
            var command = Command(connection, InsertApiKey);
            await using (command.ConfigureAwait(false))
            {
                Add(command, key.KeyId);
                Add(command, key.Name);
                Add(command, key.Scope);
                Add(command, key.SecretHash);
                Add(command, key.IsInitial);
                Add(command, Utc(key.CreatedAt));
                Add(command, key.CreatedBy);
                return await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false) == 1;
            }
        }, cancellationToken);
    }

    private static async Task<List<StoredApiKey>> ReadKeysAsync(NpgsqlConnection connection, string sql, CancellationToken ct, params object[] parameters)
    {
        var command = Command(connection, sql);
        await using (command.ConfigureAwait(false))
        {
            foreach (var parameter in parameters)
            {
                Add(command, parameter);
            }

            var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
            await using (reader.ConfigureAwait(false))
            {
                var keys = new List<StoredApiKey>();
                while (await reader.ReadAsync(ct).ConfigureAwait(false))
                {
                    keys.Add(new StoredApiKey(
                        reader.GetString(0),
                        reader.GetString(1),
                        reader.GetString(2),
                        reader.GetFieldValue<byte[]>(3),
                        reader.GetFieldValue<DateTimeOffset>(5),
                        reader.GetString(6),
                        reader.GetBoolean(4),
                        reader.IsDBNull(7) ? null : reader.GetFieldValue<DateTimeOffset>(7),
                        reader.IsDBNull(8) ? null : reader.GetString(8)));
                }

                return keys;
            }
        }
    }

    private static async Task<List<string>> ReadIdsAsync(NpgsqlConnection connection, string sql, CancellationToken ct, object parameter)
    {
        var command = Command(connection, sql);
        await using (command.ConfigureAwait(false))
        {
            Add(command, parameter);
            var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
            await using (reader.ConfigureAwait(false))
            {
                var ids = new List<string>();
                while (await reader.ReadAsync(ct).ConfigureAwait(false))
                {
                    ids.Add(reader.GetString(0));
                }

                return ids;
            }
        }
    }
}
