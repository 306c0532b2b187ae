using AiOs.Persistence.Events;

namespace AiOs.Persistence.Shared;

/// <summary>The provider-independent steps of an append: sealing an event into the chain, recognizing a retried append,
/// and wording a conflict.</summary>
internal static class EventAppend
{
    /// <summary>The event as it will be stored after <paramref name="previousHash"/>, at <paramref name="sequence"/>.</summary>
    public static StoredEvent Seal(NewEvent newEvent, long sequence, byte[] previousHash, string writtenBy)
    {
        var occurredAt = EventHashing.Truncate(newEvent.OccurredAt);
        var salt = EventHashing.NewSalt();
        var digest = EventHashing.ContentDigest(salt, newEvent.Stream.Key, newEvent.Payload);
        var hash = EventHashing.Link(previousHash, sequence, occurredAt, newEvent.Stream.Type, newEvent.Revision, newEvent.Kind, newEvent.Provenance, digest);
        return new StoredEvent(sequence, occurredAt, newEvent.Stream.Type, newEvent.Stream.Key, newEvent.Revision, newEvent.Kind,
            newEvent.Payload, newEvent.Provenance, salt, digest, hash, writtenBy, ErasedAt: null);
    }

    /// <summary>True when <paramref name="stored"/> is what appending <paramref name="newEvent"/> would have stored: the
    /// same kind and payload at the same revision. Time and provenance may have been stamped anew by a retrying writer.</summary>
    public static bool SameAsStored(NewEvent newEvent, StoredEvent stored) =>
        string.Equals(newEvent.Kind, stored.Kind, StringComparison.Ordinal) &&
        string.Equals(newEvent.Payload, stored.Payload, StringComparison.Ordinal);

    public static EventStreamConflictException Conflict(string provider, NewEvent newEvent, long storedRevision) =>
        new(newEvent.Revision <= storedRevision
            ? $"{provider}: cannot append {newEvent.Kind} as revision {newEvent.Revision} of {newEvent.Stream}: that revision already " +
              "holds a different event; another writer changed the stream. Re-read it and try again."
            : $"{provider}: cannot append {newEvent.Kind} as revision {newEvent.Revision} of {newEvent.Stream}: the stream is at " +
              $"revision {storedRevision}, so the next revision is {storedRevision + 1}.")
        {
            StoredRevision = storedRevision,
        };

    public static void ValidateStream(GrainId stream)
    {
        if (stream.IsDefault)
        {
            throw new ArgumentException("The stream has no grain id.", nameof(stream));
        }
    }
}
