using AiOs.Persistence.Events;
using AiOs.Persistence.Shared;
using Npgsql;

namespace AiOs.Persistence.PostgreSql;

// IEventLog: an append locks the head row (SELECT ... FOR UPDATE), so appends from any number of silos are ordered and
// sequences have no gaps; the stream checks, the insert and the head update run in the same transaction, sent as two
// batches (the reads, then the writes).
public sealed partial class PostgreSqlStorageProvider
{
    private const string EventColumns = """
        sequence, occurred_at, stream_type, stream_key, revision, kind, payload, source, actor, reference, salt,
        content_digest, hash, written_by, erased_at
        """;

    private const string LockHead = "SELECT last_sequence, last_hash FROM aios_event_head WHERE id = 1 FOR UPDATE";

    private const string SelectStreamRevision = $"""
        SELECT {EventColumns} FROM aios_events WHERE stream_type = $1 AND stream_key = $2 AND revision = $3
        """;

    private const string SelectStreamLastRevision = """
        SELECT coalesce(max(revision), 0) FROM aios_events WHERE stream_type = $1 AND stream_key = $2
        """;

    private const string InsertEvent = """
        INSERT INTO aios_events (sequence, occurred_at, stream_type, stream_key, revision, kind, payload, source, actor,
                                 reference, salt, content_digest, hash, written_by)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)
        """;

    private const string UpdateHead = "UPDATE aios_event_head SET last_sequence = $1, last_hash = $2 WHERE id = 1";

    private const string SelectEvents = $"SELECT {EventColumns} FROM aios_events WHERE sequence > $1 ORDER BY sequence LIMIT $2";

    private const string SelectStream = $"""
        SELECT {EventColumns} FROM aios_events WHERE stream_type = $1 AND stream_key = $2 AND revision > $3
        ORDER BY revision LIMIT $4
        """;

    private const string SelectStreamKeys = """
        SELECT DISTINCT stream_key COLLATE "C" AS stream_key FROM aios_events
        WHERE stream_type = $1 AND stream_key IS NOT NULL AND ($2::text IS NULL OR stream_key COLLATE "C" > $2::text COLLATE "C")
        ORDER BY 1 LIMIT $3
        """;

    private const string SelectHead = "SELECT last_sequence, last_hash FROM aios_event_head WHERE id = 1";

    private const string EraseStream = """
        UPDATE aios_events SET stream_key = NULL, payload = NULL, salt = NULL, erased_at = $3
        WHERE stream_type = $1 AND stream_key = $2
        """;

    /// <inheritdoc />
    public Task<StoredEvent> AppendAsync(NewEvent newEvent, StorageWriter writer, CancellationToken cancellationToken = default)
    {
        EventRules.Validate(newEvent);
        StorageErrors.ThrowIfFenced(writer);
        return RunAsync(async (connection, ct) =>
        {
            var transaction = await connection.BeginTransactionAsync(ct).ConfigureAwait(false);
            await using (transaction.ConfigureAwait(false))
            {
                // Two round trips and the commit, not five and the commit: an append's latency is its round trips (a goal
                // appends several events, one after another). The statements of a batch run in order, each with its own
                // snapshot, so the stream reads still see everything committed before the head was locked.
                var stream = newEvent.Stream;
                long lastSequence, streamRevision;
                byte[] lastHash;
                List<StoredEvent> existing;
                var reads = new NpgsqlBatch(connection, transaction)
                {
                    BatchCommands =
                    {
                        new NpgsqlBatchCommand(LockHead),
                        BatchCommand(SelectStreamRevision, stream.Type, stream.Key, newEvent.Revision),
                        BatchCommand(SelectStreamLastRevision, stream.Type, stream.Key),
                    },
                };
                await using (reads.ConfigureAwait(false))
                {
                    var reader = await reads.ExecuteReaderAsync(ct).ConfigureAwait(false);
                    await using (reader.ConfigureAwait(false))
                    {
                        (lastSequence, lastHash) = await ReadHeadRowAsync(reader, ct).ConfigureAwait(false);
                        await reader.NextResultAsync(ct).ConfigureAwait(false);
                        existing = await ReadEventRowsAsync(reader, ct).ConfigureAwait(false);
                        await reader.NextResultAsync(ct).ConfigureAwait(false);
                        await reader.ReadAsync(ct).ConfigureAwait(false);
                        streamRevision = reader.GetInt64(0);
                    }
                }

                if (existing.Count == 1)
                {
                    // A retry of an append whose outcome the writer could not know, or another writer's event.
                    return EventAppend.SameAsStored(newEvent, existing[0])
                        ? existing[0]
                        : throw EventAppend.Conflict(Name, newEvent, newEvent.Revision);
                }

                if (newEvent.Revision != streamRevision + 1)
                {
                    throw EventAppend.Conflict(Name, newEvent, streamRevision);
                }

                var stored = EventAppend.Seal(newEvent, lastSequence + 1, lastHash, writer.SiloId);
                var writes = new NpgsqlBatch(connection, transaction)
                {
                    BatchCommands =
                    {
                        BatchCommand(InsertEvent,
                            stored.Sequence, stored.OccurredAt, stored.StreamType, stored.StreamKey, stored.Revision, stored.Kind, stored.Payload,
                            stored.Provenance.Source, stored.Provenance.Actor, stored.Provenance.Reference, stored.Salt, stored.ContentDigest,
                            stored.Hash, stored.WrittenBy),
                        BatchCommand(UpdateHead, stored.Sequence, stored.Hash),
                    },
                };
                await using (writes.ConfigureAwait(false))
                {
                    await writes.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
                }

                await transaction.CommitAsync(ct).ConfigureAwait(false);
                return stored;
            }
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<StoredEvent>> ReadAsync(long afterSequence, int limit, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        return RunAsync<IReadOnlyList<StoredEvent>>(
            async (connection, ct) => await ReadEventsAsync(Command(connection, SelectEvents, afterSequence, limit), ct).ConfigureAwait(false),
            cancellationToken);
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<StoredEvent>> ReadStreamAsync(GrainId stream, long afterRevision, int limit, CancellationToken cancellationToken = default)
    {
        EventAppend.ValidateStream(stream);
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        return RunAsync<IReadOnlyList<StoredEvent>>(
            async (connection, ct) => await ReadEventsAsync(Command(connection, SelectStream, stream.Type, stream.Key, afterRevision, limit), ct)
                .ConfigureAwait(false),
            cancellationToken);
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<string>> ListStreamKeysAsync(string streamType, string? afterKey, int limit, CancellationToken cancellationToken = default)
    {
        GrainId.ValidateTypeName(streamType);
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        return RunAsync<IReadOnlyList<string>>(async (connection, ct) =>
        {
            var command = Command(connection, SelectStreamKeys, streamType, afterKey, limit);
            await using (command.ConfigureAwait(false))
            {
                var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
                await using (reader.ConfigureAwait(false))
                {
                    var keys = new List<string>();
                    while (await reader.ReadAsync(ct).ConfigureAwait(false))
                    {
                        keys.Add(reader.GetString(0));
                    }

                    return keys;
                }
            }
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task<EventLogHead> ReadHeadAsync(CancellationToken cancellationToken = default) =>
        RunAsync(async (connection, ct) =>
        {
            var (sequence, hash) = await ReadHeadAsync(connection, SelectHead, ct).ConfigureAwait(false);
            return new EventLogHead(sequence, hash);
        }, cancellationToken);

    /// <inheritdoc />
    public Task<int> EraseStreamAsync(GrainId stream, StorageWriter writer, CancellationToken cancellationToken = default)
    {
        EventAppend.ValidateStream(stream);
        StorageErrors.ThrowIfFenced(writer);
        return RunAsync(async (connection, ct) =>
        {
            var command = Command(connection, EraseStream, stream.Type, stream.Key, _time.GetUtcNow());
            await using (command.ConfigureAwait(false))
            {
                return await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
            }
        }, cancellationToken);
    }

    private static async Task<(long Sequence, byte[] Hash)> ReadHeadAsync(NpgsqlConnection connection, string sql, CancellationToken ct)
    {
        var command = Command(connection, sql);
        await using (command.ConfigureAwait(false))
        {
            var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
            await using (reader.ConfigureAwait(false))
            {
                return await ReadHeadRowAsync(reader, ct).ConfigureAwait(false);
            }
        }
    }

    private static async Task<(long Sequence, byte[] Hash)> ReadHeadRowAsync(NpgsqlDataReader reader, CancellationToken ct) =>
        await reader.ReadAsync(ct).ConfigureAwait(false)
            ? (reader.GetInt64(0), reader.GetFieldValue<byte[]>(1))
            : throw new InvalidOperationException("The event log's head row (aios_event_head) is missing: the schema was altered by hand.");

    private static async Task<List<StoredEvent>> ReadEventsAsync(NpgsqlCommand command, CancellationToken ct)
    {
        await using (command.ConfigureAwait(false))
        {
            var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
            await using (reader.ConfigureAwait(false))
            {
                return await ReadEventRowsAsync(reader, ct).ConfigureAwait(false);
            }
        }
    }

    private static async Task<List<StoredEvent>> ReadEventRowsAsync(NpgsqlDataReader reader, CancellationToken ct)
    {
        var events = new List<StoredEvent>();
        while (await reader.ReadAsync(ct).ConfigureAwait(false))
        {
            events.Add(new StoredEvent(
                reader.GetInt64(0),
                reader.GetFieldValue<DateTimeOffset>(1),
                reader.GetString(2),
                reader.IsDBNull(3) ? null : reader.GetString(3),
                reader.GetInt64(4),
                reader.GetString(5),
                reader.IsDBNull(6) ? null : reader.GetString(6),
                new EventProvenance(reader.GetString(7), reader.GetString(8), reader.IsDBNull(9) ? null : reader.GetString(9)),
                reader.IsDBNull(10) ? null : reader.GetFieldValue<byte[]>(10),
                reader.GetFieldValue<byte[]>(11),
                reader.GetFieldValue<byte[]>(12),
                reader.GetString(13),
                reader.IsDBNull(14) ? null : reader.GetFieldValue<DateTimeOffset>(14)));
        }

        return events;
    }

    private static NpgsqlBatchCommand BatchCommand(string sql, params object?[] values)
    {
        var command = new NpgsqlBatchCommand(sql);
        foreach (var value in values)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = value ?? DBNull.Value });
        }

        return command;
    }

    private static NpgsqlCommand Command(NpgsqlConnection connection, string sql, params object?[] values)
    {
        var command = Command(connection, sql);
        foreach (var value in values)
        {
            Add(command, value);
        }

        return command;
    }
}
