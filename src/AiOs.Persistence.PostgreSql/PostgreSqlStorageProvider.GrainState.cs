using AiOs.Persistence.Shared;
using Npgsql;
using NpgsqlTypes;

namespace AiOs.Persistence.PostgreSql;

// IGrainStateStore: each write is one statement whose WHERE clause (or ON CONFLICT) carries the ETag check. Under
// READ COMMITTED a concurrent UPDATE with the same expected version waits for the winner's row lock, re-checks the WHERE
// clause against the new version and matches nothing, so exactly one of N racing writers succeeds. The stored version is
// read only to word the conflict.
public sealed partial class PostgreSqlStorageProvider
{
    private const string SelectState = """
        SELECT payload::text, version, written_by, written_at FROM aios_grain_state
        WHERE grain_type = $1 AND grain_key = $2 AND state_name = $3
        """;

    private const string SelectStateVersion = """
        SELECT version FROM aios_grain_state WHERE grain_type = $1 AND grain_key = $2 AND state_name = $3
        """;

    private const string InsertState = """
        INSERT INTO aios_grain_state (grain_type, grain_key, state_name, partition, payload, version, written_by, written_at)
        VALUES ($1, $2, $3, $4, $5, 1, $6, $7)
        ON CONFLICT (grain_type, grain_key, state_name) DO NOTHING
        """;

    private const string UpdateState = """
        UPDATE aios_grain_state
        SET partition = $4, payload = $5, version = version + 1, written_by = $6, written_at = $7
        WHERE grain_type = $1 AND grain_key = $2 AND state_name = $3 AND version = $8
        RETURNING version
        """;

    // The same two writes behind the fence (parameters $8-$10 for the insert, $9-$11 for the update). One row comes back:
    // whether the fence held, and the new version if the write happened.
    private static readonly string FencedInsertState = $"""
        WITH {FenceCte(8)},
        op AS (
            INSERT INTO aios_grain_state (grain_type, grain_key, state_name, partition, payload, version, written_by, written_at)
            SELECT $1, $2, $3, $4, $5, 1, $6, $7 WHERE EXISTS (SELECT 1 FROM fence)
            ON CONFLICT (grain_type, grain_key, state_name) DO NOTHING
            RETURNING version
        )
        SELECT (SELECT count(*) FROM fence), (SELECT version FROM op)
        """;

    private static readonly string FencedUpdateState = $"""
        WITH {FenceCte(9)},
        op AS (
            UPDATE aios_grain_state
            SET partition = $4, payload = $5, version = version + 1, written_by = $6, written_at = $7
            WHERE grain_type = $1 AND grain_key = $2 AND state_name = $3 AND version = $8 AND EXISTS (SELECT 1 FROM fence)
            RETURNING version
        )
        SELECT (SELECT count(*) FROM fence), (SELECT version FROM op)
        """;

    /// <inheritdoc />
    public Task<StoredGrainState?> ReadAsync(GrainStateKey key, CancellationToken cancellationToken = default)
    {
        ValidateKey(key);
        return RunAsync(async (connection, ct) =>
        {
            var command = StateCommand(connection, SelectState, key);
            await using (command.ConfigureAwait(false))
            {
                var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
                await using (reader.ConfigureAwait(false))
                {
                    if (!await reader.ReadAsync(ct).ConfigureAwait(false))
                    {
                        return null;
                    }

                    return new StoredGrainState(
                        reader.IsDBNull(0) ? null : reader.GetString(0),
                        ETag.Format(reader.GetInt64(1)),
                        reader.GetString(2),
                        reader.GetFieldValue<DateTimeOffset>(3));
                }
            }
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task<string> WriteAsync(GrainStateKey key, string json, string? expectedETag, StorageWriter writer, CancellationToken cancellationToken = default)
    {
        ValidateKey(key);
        ArgumentNullException.ThrowIfNull(json);
        ArgumentNullException.ThrowIfNull(writer);
        return RunAsync(async (connection, ct) =>
        {
            var version = await StoreAsync(connection, key, json, expectedETag, writer, ct).ConfigureAwait(false);
            return version is { } stored
                ? ETag.Format(stored)
                : throw StorageErrors.Conflict(Name, key, expectedETag, await ReadVersionAsync(connection, key, ct).ConfigureAwait(false));
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task<string?> ClearAsync(GrainStateKey key, string? expectedETag, StorageWriter writer, CancellationToken cancellationToken = default)
    {
        ValidateKey(key);
        ArgumentNullException.ThrowIfNull(writer);
        return RunAsync<string?>(async (connection, ct) =>
        {
            if (expectedETag is null)
            {
                // Nothing to clear when there is no row; a row (even a tombstone) means the caller's view is stale.
                var stored = await ReadVersionAsync(connection, key, ct).ConfigureAwait(false);
                return stored is null ? null : throw StorageErrors.Conflict(Name, key, expectedETag, stored);
            }

            var version = await StoreAsync(connection, key, json: null, expectedETag, writer, ct).ConfigureAwait(false);
            return version is { } cleared
                ? ETag.Format(cleared)
                : throw StorageErrors.Conflict(Name, key, expectedETag, await ReadVersionAsync(connection, key, ct).ConfigureAwait(false));
        }, cancellationToken);
    }

    /// <summary>Inserts (no ETag) or updates (ETag) the row; the new version, or null when the ETag check failed.</summary>
    private async Task<long?> StoreAsync(NpgsqlConnection connection, GrainStateKey key, string? json, string? expectedETag, StorageWriter writer, CancellationToken ct)
    {
        long expected = 0;
        if (expectedETag is not null && !ETag.TryParse(expectedETag, out expected))
        {
            return null;
        }

        var fence = writer.Fence;
        var sql = (expectedETag is null, fence is null) switch
        {
            (true, true) => InsertState,
            (true, false) => FencedInsertState,
            (false, true) => UpdateState,
            _ => FencedUpdateState,
        };
        var command = StateCommand(connection, sql, key);
        await using (command.ConfigureAwait(false))
        {
            Add(command, key.Partition);
            command.Parameters.Add(new NpgsqlParameter { Value = (object?)json ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Jsonb });
            Add(command, writer.SiloId);
            Add(command, _time.GetUtcNow());
            if (expectedETag is not null)
            {
                Add(command, expected);
            }

            try
            {
                if (fence is { } held)
                {
                    AddFence(command, held);
                    var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
                    await using (reader.ConfigureAwait(false))
                    {
                        await reader.ReadAsync(ct).ConfigureAwait(false);
                        if (reader.GetInt64(0) == 0)
                        {
                            throw LeaseLost(held, $"write of {key}");
                        }

                        return reader.IsDBNull(1) ? null : reader.GetInt64(1);
                    }
                }

                if (expectedETag is null)
                {
                    return await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false) == 1 ? 1 : null;
                }

                return await command.ExecuteScalarAsync(ct).ConfigureAwait(false) is long version ? version : null;
            }
            catch (PostgresException ex) when (ex.SqlState is PostgreSqlErrors.UnsupportedUnicodeEscape or PostgreSqlErrors.CharacterNotInRepertoire)
            {
                throw StorageErrors.InvalidPayload(Name, key,
                    "the state contains the character U+0000 (\\u0000), which PostgreSQL's jsonb cannot store. " +
                    "Remove it or encode it differently (for example as base64).", ex);
            }
            catch (PostgresException ex) when (ex.SqlState is PostgreSqlErrors.InvalidTextRepresentation)
            {
                throw StorageErrors.InvalidPayload(Name, key, $"the state is not valid JSON ({ex.MessageText}).", ex);
            }
        }
    }

    private static async Task<long?> ReadVersionAsync(NpgsqlConnection connection, GrainStateKey key, CancellationToken ct)
    {
        var command = StateCommand(connection, SelectStateVersion, key);
        await using (command.ConfigureAwait(false))
        {
            return await command.ExecuteScalarAsync(ct).ConfigureAwait(false) is long version ? version : null;
        }
    }

    private static NpgsqlCommand StateCommand(NpgsqlConnection connection, string sql, GrainStateKey key)
    {
        var command = Command(connection, sql);
        Add(command, key.GrainId.Type);
        Add(command, key.GrainId.Key);
        Add(command, key.StateName);
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
