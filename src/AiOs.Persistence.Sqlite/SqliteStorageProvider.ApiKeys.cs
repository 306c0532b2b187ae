using Microsoft.Data.Sqlite;

namespace AiOs.Persistence.Sqlite;

// IApiKeyStore. Writes run on the single writer connection, one at a time, so the check-then-revoke of RevokeAsync is
// atomic without further locking.
public sealed partial class SqliteStorageProvider : IApiKeyStore
{
    private const string ApiKeyColumns = "key_id, name, scope, secret_hash, is_initial, created_at, created_by, revoked_at, revoked_by";

    private const string InsertApiKey = $"""
        INSERT INTO aios_api_keys ({ApiKeyColumns})
        VALUES ($id, $name, $scope, $hash, $initial, $createdAt, $createdBy, NULL, NULL)
        ON CONFLICT DO NOTHING
        """;

    private const string SelectApiKey = $"SELECT {ApiKeyColumns} FROM aios_api_keys WHERE key_id = $id";

    private const string SelectApiKeys = $"SELECT {ApiKeyColumns} FROM aios_api_keys ORDER BY created_at DESC, key_id";

    private const string CountOtherActiveKeysOfScope =
        "SELECT count(*) FROM aios_api_keys WHERE scope = $scope AND revoked_at IS NULL AND key_id <> $id";

    private const string UpdateRevoked =
        "UPDATE aios_api_keys SET revoked_at = $at, revoked_by = $by WHERE key_id = $id AND revoked_at IS NULL";

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
        return ReadAsync(connection => FindKey(connection, keyId), cancellationToken);
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<StoredApiKey>> ListAsync(CancellationToken cancellationToken = default) =>
        ReadAsync<IReadOnlyList<StoredApiKey>>(connection =>
        {
            using var command = connection.CreateCommand();
            command.CommandText = SelectApiKeys;
            return ReadKeys(command);
        }, cancellationToken);

    /// <inheritdoc />
    public Task<(ApiKeyRevocationOutcome Outcome, StoredApiKey? Key)> RevokeAsync(
        string keyId, DateTimeOffset revokedAt, string revokedBy, string? protectedScope, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(keyId);
        ArgumentException.ThrowIfNullOrEmpty(revokedBy);
        return WriteAsync(connection =>
        {
            var key = FindKey(connection, keyId);
            if (key is null)
            {
                return (ApiKeyRevocationOutcome.NotFound, null);
            }

            if (!key.IsActive)
            {
                return (ApiKeyRevocationOutcome.AlreadyRevoked, key);
            }

            if (key.Scope == protectedScope)
            {
                using var count = connection.CreateCommand();
                count.CommandText = CountOtherActiveKeysOfScope;
                AddParameter(count, "$scope", protectedScope);
                AddParameter(count, "$id", keyId);
                if ((long)count.ExecuteScalar()! == 0)
                {
                    return (ApiKeyRevocationOutcome.LastOfProtectedScope, key);
                }
            }

            using var update = connection.CreateCommand();
            update.CommandText = UpdateRevoked;
            AddParameter(update, "$at", SqliteTime.ToMicroseconds(revokedAt));
            AddParameter(update, "$by", revokedBy);
            AddParameter(update, "$id", keyId);
            update.ExecuteNonQuery();
            return (ApiKeyRevocationOutcome.Revoked, FindKey(connection, keyId));
        }, cancellationToken);
    }

    private Task<bool> InsertKeyAsync(StoredApiKey key, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentException.ThrowIfNullOrEmpty(key.KeyId);
        return WriteAsync(connection =>
        {
            using var command = connection.CreateCommand();
            command.CommandText = InsertApiKey;
            AddParameter(command, "$id", key.KeyId);
            AddParameter(command, "$name", key.Name);
            AddParameter(command, "$scope", key.Scope);
            AddParameter(command, "$hash", key.SecretHash);
            AddParameter(command, "$initial", key.IsInitial ? 1 : 0);
            AddParameter(command, "$createdAt", SqliteTime.ToMicroseconds(key.CreatedAt));
            AddParameter(command, "$createdBy", key.CreatedBy);
            return command.ExecuteNonQuery() == 1;
        }, cancellationToken);
    }

    private static StoredApiKey? FindKey(SqliteConnection connection, string keyId)
    {
        using var command = connection.CreateCommand();
        command.CommandText = SelectApiKey;
        AddParameter(command, "$id", keyId);
        return ReadKeys(command).SingleOrDefault();
    }

    private static List<StoredApiKey> ReadKeys(SqliteCommand command)
    {
        using var reader = command.ExecuteReader();
        var keys = new List<StoredApiKey>();
        while (reader.Read())
        {
            keys.Add(new StoredApiKey(
                reader.GetString(0),
                reader.GetString(1),
                reader.GetString(2),
                (byte[])reader.GetValue(3),
                SqliteTime.FromMicroseconds(reader.GetInt64(5)),
                reader.GetString(6),
                reader.GetInt64(4) == 1,
                reader.IsDBNull(7) ? null : SqliteTime.FromMicroseconds(reader.GetInt64(7)),
                reader.IsDBNull(8) ? null : reader.GetString(8)));
        }

        return keys;
    }
}
