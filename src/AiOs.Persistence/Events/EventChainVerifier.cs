namespace AiOs.Persistence.Events;

/// <summary>The outcome of walking the event chain.</summary>
/// <param name="EventsChecked">How many events were checked before the walk ended.</param>
/// <param name="BrokenAt">The sequence of the first broken link; null when the chain is intact.</param>
/// <param name="Problem">What is wrong there, in words; null when the chain is intact.</param>
public sealed record ChainVerification(long EventsChecked, long? BrokenAt, string? Problem)
{
    /// <summary>True when every event checked out and the log ends where its head says.</summary>
    public bool IsIntact => Problem is null;

    public override string ToString() => IsIntact
        ? $"event log intact: {EventsChecked} events verified"
        : $"event log broken at sequence {BrokenAt}: {Problem}";
}

/// <summary>Walks the whole event log in sequence order and reports the first broken link: a missing sequence (a deleted
/// event), a payload or stream key that no longer matches its digest (an edited personal part), a hash that does not
/// follow from its predecessor (an edited field, or an edited, inserted or removed predecessor), or a log that ends
/// before the head it recorded (deleted events at the end).</summary>
/// <remarks>The chain has no secret: someone who can write the database and recompute every later hash and the head can
/// rewrite history undetected. Publishing the head (sequence and hash) elsewhere closes that gap.</remarks>
public static class EventChainVerifier
{
    /// <summary>Events read per page.</summary>
    public const int PageSize = 1_000;

    /// <summary>Verifies <paramref name="log"/> from its first event to its head.</summary>
    public static async Task<ChainVerification> VerifyAsync(IEventLog log, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(log);

        // The head is read first: events appended while the walk runs lie beyond it and are not judged.
        var head = await log.ReadHeadAsync(cancellationToken).ConfigureAwait(false);
        var previous = EventHashing.Genesis;
        long expected = 1;
        long checkedCount = 0;
        while (expected <= head.LastSequence)
        {
            var page = await log.ReadAsync(expected - 1, PageSize, cancellationToken).ConfigureAwait(false);
            if (page.Count == 0)
            {
                break;
            }

            foreach (var stored in page)
            {
                if (stored.Sequence > head.LastSequence)
                {
                    break;
                }

                var problem = Check(stored, expected, previous);
                if (problem is not null)
                {
                    return new ChainVerification(checkedCount, expected, problem);
                }

                previous = stored.Hash;
                checkedCount++;
                expected++;
            }
        }

        if (expected - 1 != head.LastSequence)
        {
            return new ChainVerification(checkedCount, expected,
                $"the log ends at sequence {expected - 1} but its head records {head.LastSequence} events: events at the end were deleted");
        }

        if (!previous.AsSpan().SequenceEqual(head.LastHash))
        {
            return new ChainVerification(checkedCount, head.LastSequence, "the last event's hash differs from the hash the head recorded");
        }

        return new ChainVerification(checkedCount, null, null);
    }

    private static string? Check(StoredEvent stored, long expected, byte[] previous)
    {
        if (stored.Sequence != expected)
        {
            return $"event {expected} is missing (deleted): the log goes from {expected - 1} to {stored.Sequence}";
        }

        if (!stored.IsErased)
        {
            if (stored.Salt is null || stored.StreamKey is null || stored.Payload is null)
            {
                return "its stream key, payload or salt is missing but the event is not marked as erased";
            }

            if (!EventHashing.ContentDigest(stored.Salt, stored.StreamKey, stored.Payload).AsSpan().SequenceEqual(stored.ContentDigest))
            {
                return "its payload or stream key was changed: they no longer match the event's content digest";
            }
        }

        if (!EventHashing.Link(previous, stored).AsSpan().SequenceEqual(stored.Hash))
        {
            return "its hash does not follow from its fields and its predecessor's hash: the event (time, stream, revision, kind, " +
                "provenance or digest) or its predecessor's hash was changed";
        }

        return null;
    }
}
