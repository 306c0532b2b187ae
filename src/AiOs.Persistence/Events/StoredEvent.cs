namespace AiOs.Persistence.Events;

/// <summary>An event as stored in the log.</summary>
/// <param name="Sequence">Its place in the whole log: 1, 2, 3, ... without gaps.</param>
/// <param name="OccurredAt">When the change happened (microsecond precision).</param>
/// <param name="StreamType">The grain type of its stream.</param>
/// <param name="StreamKey">The grain key of its stream; null once erased (a key may identify a person).</param>
/// <param name="Revision">The stream's revision after this event.</param>
/// <param name="Kind">What happened.</param>
/// <param name="Payload">The change as JSON; null once erased.</param>
/// <param name="Provenance">Who or what caused it.</param>
/// <param name="Salt">Random bytes mixed into <paramref name="ContentDigest"/>; null once erased, which leaves the digest
/// unlinkable to the erased content.</param>
/// <param name="ContentDigest">SHA-256 over the salt, stream key and payload (see <see cref="EventHashing"/>).</param>
/// <param name="Hash">The chain hash: SHA-256 over the previous event's hash and this event's fields and content digest.</param>
/// <param name="WrittenBy">The silo that appended it.</param>
/// <param name="ErasedAt">When its stream key and payload were erased; null while they are kept.</param>
public sealed record StoredEvent(
    long Sequence,
    DateTimeOffset OccurredAt,
    string StreamType,
    string? StreamKey,
    long Revision,
    string Kind,
    string? Payload,
    EventProvenance Provenance,
    byte[]? Salt,
    byte[] ContentDigest,
    byte[] Hash,
    string WrittenBy,
    DateTimeOffset? ErasedAt)
{
    /// <summary>True once the personal part (stream key and payload) has been erased.</summary>
    public bool IsErased => ErasedAt is not null;

    /// <summary>The stream's grain id; null once erased.</summary>
    public GrainId? Stream => StreamKey is null ? null : new GrainId(StreamType, StreamKey);
}

/// <summary>The end of the chain as the log records it: the last sequence and its hash. A log whose last event is not
/// this one has lost events at its end.</summary>
public sealed record EventLogHead(long LastSequence, byte[] LastHash);
