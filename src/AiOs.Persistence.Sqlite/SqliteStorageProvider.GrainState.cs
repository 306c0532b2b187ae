using AiOs.Persistence.Shared;
using Microsoft.Data.Sqlite;

namespace AiOs.Persistence.Sqlite;

// IGrainStateStore: each write is one statement whose WHERE clause (or ON CONFLICT) carries the ETag check, so the
// affected-row count alone decides success or conflict; the stored version is read only to word the conflict.
public sealed partial class SqliteStorageProvider
{
    private const string SelectState = """
        SELECT payload, version, written_by, written_at FROM aios_grain_state
        WHERE grain_type = $type AND grain_key = $key AND state_name = $state
        """;

    private const string SelectStateVersion = """
        SELECT version FROM aios_grain_state WHERE grain_type = $type AND grain_key = $key AND state_name = $state
        """;

    private const string InsertState = """
        INSERT INTO aios_grain_state (grain_type, grain_key, state_name, "partition", payload, version, written_by, written_at)
        VALUES ($type, $key, $state, $partition, $payload, 1, $writtenBy, $writtenAt)
        ON CONFLICT (grain_type, grain_key, state_name) DO NOTHING
        """;

    private const string UpdateState = """
        UPDATE aios_grain_state
        SET "partition" = $partition, payload = $payload, version = version + 1, written_by = $writtenBy, written_at = $writtenAt
        WHERE grain_type = $type AND grain_key = $key AND state_name = $state AND version = $expected
        RETURNING version
        """;

    // SQLite's extended result code for a failed CHECK constraint: the only one on grain state is json_valid(payload).
    private const int ConstraintCheck = 275;

    /// <inheritdoc />
    public Task<StoredGrainState?> ReadAsync(GrainStateKey key, CancellationToken cancellationToken = default)
    {
        ValidateKey(key);
        return ReadAsync(connection =>
        {
            using var command = StateCommand(connection, SelectState, key);
            using var reader = command.ExecuteReader();
            if (!reader.Read())
            {
                return null;
            }

            return new StoredGrainState(
                reader.IsDBNull(0) ? null : reader.GetString(0),
                ETag.Format(reader.GetInt64(1)),
                reader.GetString(2),
                SqliteTime.FromMicroseconds(reader.GetInt64(3)));
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task<string> WriteAsync(GrainStateKey key, string json, string? expectedETag, StorageWriter writer, CancellationToken cancellationToken = default)
    {
        ValidateKey(key);
        ArgumentNullException.ThrowIfNull(json);
        StorageErrors.ThrowIfFenced(writer);
        return WriteAsync(connection =>
        {
            try
            {
                var version = Store(connection, key, json, expectedETag, writer);
                return version is { } stored
                    ? ETag.Format(stored)
                    : throw StorageErrors.Conflict(Name, key, expectedETag, ReadVersion(connection, key));
            }
            catch (SqliteException ex) when (ex.SqliteExtendedErrorCode == ConstraintCheck)
            {
                throw StorageErrors.InvalidPayload(Name, key, "the state is not valid JSON.", ex);
            }
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task<string?> ClearAsync(GrainStateKey key, string? expectedETag, StorageWriter writer, CancellationToken cancellationToken = default)
    {
        ValidateKey(key);
        StorageErrors.ThrowIfFenced(writer);
        return WriteAsync<string?>(connection =>
        {
            if (expectedETag is null)
            {
                // Nothing to clear when there is no row; a row (even a tombstone) means the caller's view is stale.
                var stored = ReadVersion(connection, key);
                return stored is null ? null : throw StorageErrors.Conflict(Name, key, expectedETag, stored);
            }

            var version = Store(connection, key, json: null, expectedETag, writer);
            return version is { } cleared
                ? ETag.Format(cleared)
                : throw StorageErrors.Conflict(Name, key, expectedETag, ReadVersion(connection, key));
        }, cancellationToken);
    }

    /// <summary>Inserts (no ETag) or updates (ETag) the row; the new version, or null when the ETag check failed.</summary>
    private long? Store(SqliteConnection connection, GrainStateKey key, string? json, string? expectedETag, StorageWriter writer)
    {
        if (expectedETag is null)
        {
            using var insert = StateCommand(connection, InsertState, key);
            AddStateValues(insert, key, json, writer);
            return insert.ExecuteNonQuery() == 1 ? 1 : null;
        }

        if (!ETag.TryParse(expectedETag, out var expected))
        {
            return null;
        }

        using var update = StateCommand(connection, UpdateState, key);
        AddStateValues(update, key, json, writer);
        AddParameter(update, "$expected", expected);
        return update.ExecuteScalar() is long version ? version : null;
    }

    private void AddStateValues(SqliteCommand command, GrainStateKey key, string? json, StorageWriter writer)
    {
        AddParameter(command, "$partition", key.Partition);
        AddParameter(command, "$payload", json);
        AddParameter(command, "$writtenBy", writer.SiloId);
        AddParameter(command, "$writtenAt", SqliteTime.ToMicroseconds(_time.GetUtcNow()));
    }

    private static long? ReadVersion(SqliteConnection connection, GrainStateKey key)
    {
        using var command = StateCommand(connection, SelectStateVersion, key);
        return command.ExecuteScalar() is long version ? version : null;
    }

    private static SqliteCommand StateCommand(SqliteConnection connection, string sql, GrainStateKey key)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        AddParameter(command, "$type", key.GrainId.Type);
        AddParameter(command, "$key", key.GrainId.Key);
        AddParameter(command, "$state", key.StateName);
        return command;
    }

    private static void ValidateKey(GrainStateKey key)
    {
        if (key.GrainId.IsDefault)
        {
            throw new ArgumentException("The grain state key has no grain id.", nameof(key));
        }

        ArgumentException.ThrowIfNullOrEmpty(key.StateName, nameof(key));
    }
}
