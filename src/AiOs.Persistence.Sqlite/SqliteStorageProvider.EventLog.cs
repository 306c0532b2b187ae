using AiOs.Persistence.Events;
using AiOs.Persistence.Shared;
using Microsoft.Data.Sqlite;

namespace AiOs.Persistence.Sqlite;

// IEventLog: appends run on the writer connection inside BEGIN IMMEDIATE, so they are ordered by the database's write
// lock and sequences have no gaps; the stream checks, the insert and the head update commit together.
public sealed partial class SqliteStorageProvider
{
    private const string EventColumns = """
        sequence, occurred_at, stream_type, stream_key, revision, kind, payload, source, actor, reference, salt,
        content_digest, hash, written_by, erased_at
        """;

    private const string SelectHead = "SELECT last_sequence, last_hash FROM aios_event_head WHERE id = 1";

    private const string SelectStreamRevision = $"""
        SELECT {EventColumns} FROM aios_events WHERE stream_type = $type AND stream_key = $key AND revision = $revision
        """;

    private const string SelectStreamLastRevision = """
        SELECT coalesce(max(revision), 0) FROM aios_events WHERE stream_type = $type AND stream_key = $key
        """;

    private const string InsertEvent = """
        INSERT INTO aios_events (sequence, occurred_at, stream_type, stream_key, revision, kind, payload, source, actor,
                                 reference, salt, content_digest, hash, written_by)
        VALUES ($sequence, $occurredAt, $type, $key, $revision, $kind, $payload, $source, $actor, $reference, $salt,
                $digest, $hash, $writtenBy)
        """;

    private const string UpdateHead = "UPDATE aios_event_head SET last_sequence = $sequence, last_hash = $hash WHERE id = 1";

    private const string SelectEvents = $"SELECT {EventColumns} FROM aios_events WHERE sequence > $after ORDER BY sequence LIMIT $limit";

    private const string SelectStream = $"""
        SELECT {EventColumns} FROM aios_events WHERE stream_type = $type AND stream_key = $key AND revision > $after
        ORDER BY revision LIMIT $limit
        """;

    private const string SelectStreamKeys = """
        SELECT DISTINCT stream_key FROM aios_events
        WHERE stream_type = $type AND stream_key IS NOT NULL AND ($after IS NULL OR stream_key > $after)
        ORDER BY stream_key LIMIT $limit
        """;

    private const string EraseStream = """
        UPDATE aios_events SET stream_key = NULL, payload = NULL, salt = NULL, erased_at = $erasedAt
        WHERE stream_type = $type AND stream_key = $key
        """;

    /// <inheritdoc />
    public Task<StoredEvent> AppendAsync(NewEvent newEvent, StorageWriter writer, CancellationToken cancellationToken = default)
    {
        EventRules.Validate(newEvent);
        StorageErrors.ThrowIfFenced(writer);
        return WriteAsync(connection => InTransaction(connection, () => Append(connection, newEvent, writer)), cancellationToken);
    }

    private StoredEvent Append(SqliteConnection connection, NewEvent newEvent, StorageWriter writer)
    {
        var (lastSequence, lastHash) = ReadHead(connection);
        var stream = newEvent.Stream;
        using (var existing = StreamCommand(connection, SelectStreamRevision, stream))
        {
            AddParameter(existing, "$revision", newEvent.Revision);
            var found = ReadEvents(existing);
            if (found.Count == 1)
            {
                // A retry of an append whose outcome the writer could not know, or another writer's event.
                return EventAppend.SameAsStored(newEvent, found[0]) ? found[0] : throw EventAppend.Conflict(Name, newEvent, newEvent.Revision);
            }
        }

        long streamRevision;
        using (var last = StreamCommand(connection, SelectStreamLastRevision, stream))
        {
            streamRevision = (long)last.ExecuteScalar()!;
        }

        if (newEvent.Revision != streamRevision + 1)
        {
            throw EventAppend.Conflict(Name, newEvent, streamRevision);
        }

        var stored = EventAppend.Seal(newEvent, lastSequence + 1, lastHash, writer.SiloId);
        using (var insert = StreamCommand(connection, InsertEvent, stream))
        {
            AddParameter(insert, "$sequence", stored.Sequence);
            AddParameter(insert, "$occurredAt", SqliteTime.ToMicroseconds(stored.OccurredAt));
            AddParameter(insert, "$revision", stored.Revision);
            AddParameter(insert, "$kind", stored.Kind);
            AddParameter(insert, "$payload", stored.Payload);
            AddParameter(insert, "$source", stored.Provenance.Source);
            AddParameter(insert, "$actor", stored.Provenance.Actor);
            AddParameter(insert, "$reference", stored.Provenance.Reference);
            AddParameter(insert, "$salt", stored.Salt);
            AddParameter(insert, "$digest", stored.ContentDigest);
            AddParameter(insert, "$hash", stored.Hash);
            AddParameter(insert, "$writtenBy", stored.WrittenBy);
            insert.ExecuteNonQuery();
        }

        using (var head = connection.CreateCommand())
        {
            head.CommandText = UpdateHead;
            AddParameter(head, "$sequence", stored.Sequence);
            AddParameter(head, "$hash", stored.Hash);
            head.ExecuteNonQuery();
        }

        return stored;
    }

    /// <summary>Runs <paramref name="work"/> in a <c>BEGIN IMMEDIATE</c> transaction on the writer connection: committed
    /// when it returns, rolled back when it throws.</summary>
    private static T InTransaction<T>(SqliteConnection connection, Func<T> work)
    {
        Execute(connection, "BEGIN IMMEDIATE");
        try
        {
            var result = work();
            Execute(connection, "COMMIT");
            return result;
        }
        catch
        {
            try
            {
                Execute(connection, "ROLLBACK");
            }
            catch (SqliteException)
            {
                // SQLite already rolled back (some errors end the transaction themselves); the original error is what matters.
            }

            throw;
        }
    }

    private static void Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<StoredEvent>> ReadAsync(long afterSequence, int limit, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        return ReadAsync<IReadOnlyList<StoredEvent>>(connection =>
        {
            using var command = connection.CreateCommand();
            command.CommandText = SelectEvents;
            AddParameter(command, "$after", afterSequence);
            AddParameter(command, "$limit", limit);
            return ReadEvents(command);
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<StoredEvent>> ReadStreamAsync(GrainId stream, long afterRevision, int limit, CancellationToken cancellationToken = default)
    {
        EventAppend.ValidateStream(stream);
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        return ReadAsync<IReadOnlyList<StoredEvent>>(connection =>
        {
            using var command = StreamCommand(connection, SelectStream, stream);
            AddParameter(command, "$after", afterRevision);
            AddParameter(command, "$limit", limit);
            return ReadEvents(command);
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<string>> ListStreamKeysAsync(string streamType, string? afterKey, int limit, CancellationToken cancellationToken = default)
    {
        GrainId.ValidateTypeName(streamType);
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        return ReadAsync<IReadOnlyList<string>>(connection =>
        {
            using var command = connection.CreateCommand();
            command.CommandText = SelectStreamKeys;
            AddParameter(command, "$type", streamType);
            AddParameter(command, "$after", afterKey);
            AddParameter(command, "$limit", limit);
            using var reader = command.ExecuteReader();
            var keys = new List<string>();
            while (reader.Read())
            {
                keys.Add(reader.GetString(0));
            }

            return keys;
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task<EventLogHead> ReadHeadAsync(CancellationToken cancellationToken = default) =>
        ReadAsync(connection =>
        {
            var (sequence, hash) = ReadHead(connection);
            return new EventLogHead(sequence, hash);
        }, cancellationToken);

    /// <inheritdoc />
    public Task<int> EraseStreamAsync(GrainId stream, StorageWriter writer, CancellationToken cancellationToken = default)
    {
        EventAppend.ValidateStream(stream);
        StorageErrors.ThrowIfFenced(writer);
        return WriteAsync(connection =>
        {
            using var command = StreamCommand(connection, EraseStream, stream);
            AddParameter(command, "$erasedAt", SqliteTime.ToMicroseconds(_time.GetUtcNow()));
            return command.ExecuteNonQuery();
        }, cancellationToken);
    }

    private static (long Sequence, byte[] Hash) ReadHead(SqliteConnection connection)
    {
        using var command = connection.CreateCommand();
        command.CommandText = SelectHead;
        using var reader = command.ExecuteReader();
        if (!reader.Read())
        {
            throw new InvalidOperationException("The event log's head row (aios_event_head) is missing: the schema was altered by hand.");
        }

        return (reader.GetInt64(0), (byte[])reader.GetValue(1));
    }

    private static SqliteCommand StreamCommand(SqliteConnection connection, string sql, GrainId stream)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        AddParameter(command, "$type", stream.Type);
        AddParameter(command, "$key", stream.Key);
        return command;
    }

    private static List<StoredEvent> ReadEvents(SqliteCommand command)
    {
        using var reader = command.ExecuteReader();
        var events = new List<StoredEvent>();
        while (reader.Read())
        {
            events.Add(new StoredEvent(
                reader.GetInt64(0),
                SqliteTime.FromMicroseconds(reader.GetInt64(1)),
                reader.GetString(2),
                reader.IsDBNull(3) ? null : reader.GetString(3),
                reader.GetInt64(4),
                reader.GetString(5),
                reader.IsDBNull(6) ? null : reader.GetString(6),
                new EventProvenance(reader.GetString(7), reader.GetString(8), reader.IsDBNull(9) ? null : reader.GetString(9)),
                reader.IsDBNull(10) ? null : (byte[])reader.GetValue(10),
                (byte[])reader.GetValue(11),
                (byte[])reader.GetValue(12),
                reader.GetString(13),
                reader.IsDBNull(14) ? null : SqliteTime.FromMicroseconds(reader.GetInt64(14))));
        }

        return events;
    }
}
