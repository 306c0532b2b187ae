namespace AiOs.Persistence.Events;

/// <summary>The append-only, hash-chained log of every change of business state. Implementations own their SQL.
///
/// <list type="bullet">
/// <item>Sequences are assigned at append, 1, 2, 3, ... with no gaps, and each event's <see cref="StoredEvent.Hash"/>
/// chains it to its predecessor (<see cref="EventHashing"/>), so an edited, inserted or deleted event is found by
/// <see cref="EventChainVerifier"/>. The database refuses updates and deletes of events, except erasure.</item>
/// <item>Streams: each stream's revisions run 1, 2, 3, ... An append carries the revision it creates, so two writers of
/// one stream cannot both succeed (<see cref="EventStreamConflictException"/>). Appending an event again with the same
/// revision, kind and payload returns the stored one: a retry after an unknown outcome is safe.</item>
/// <item>Erasure: <see cref="EraseStreamAsync"/> removes a stream's keys and payloads (personal data) but keeps their
/// salted digests, so the chain still verifies; see <see cref="EventHashing"/>.</item>
/// <item>Every method may throw <see cref="StorageUnavailableException"/>; for an append the outcome is then unknown.</item>
/// </list></summary>
public interface IEventLog
{
    /// <summary>Appends <paramref name="newEvent"/> and returns it as stored.</summary>
    /// <exception cref="ArgumentException">The event is malformed (empty kind, payload that is not JSON, ...); the message says what.</exception>
    /// <exception cref="EventStreamConflictException">The revision is not the stream's next one, or already holds a different event.</exception>
    Task<StoredEvent> AppendAsync(NewEvent newEvent, StorageWriter writer, CancellationToken cancellationToken = default);

    /// <summary>Up to <paramref name="limit"/> events with sequence greater than <paramref name="afterSequence"/>, in order.</summary>
    Task<IReadOnlyList<StoredEvent>> ReadAsync(long afterSequence, int limit, CancellationToken cancellationToken = default);

    /// <summary>Up to <paramref name="limit"/> events of <paramref name="stream"/> with revision greater than
    /// <paramref name="afterRevision"/>, in revision order (erased events no longer belong to a stream).</summary>
    Task<IReadOnlyList<StoredEvent>> ReadStreamAsync(GrainId stream, long afterRevision, int limit, CancellationToken cancellationToken = default);

    /// <summary>The keys of the streams of grain type <paramref name="streamType"/> that have events, in ordinal order,
    /// after <paramref name="afterKey"/> (null: from the start), at most <paramref name="limit"/>.</summary>
    Task<IReadOnlyList<string>> ListStreamKeysAsync(string streamType, string? afterKey, int limit, CancellationToken cancellationToken = default);

    /// <summary>The last sequence and hash the log recorded.</summary>
    Task<EventLogHead> ReadHeadAsync(CancellationToken cancellationToken = default);

    /// <summary>Erases the stream key, payload and salt of every event of <paramref name="stream"/> and returns how many
    /// events were erased. The events stay in the chain.</summary>
    Task<int> EraseStreamAsync(GrainId stream, StorageWriter writer, CancellationToken cancellationToken = default);
}
