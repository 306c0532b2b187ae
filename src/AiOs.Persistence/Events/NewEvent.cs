namespace AiOs.Persistence.Events;

/// <summary>An event to append to the log.</summary>
/// <param name="Stream">The grain whose state changed (the event's stream).</param>
/// <param name="Revision">The stream's revision after this change: 1 for its first event, then 2, 3, ... Appending a
/// revision that is not the stream's next one is refused, so a stale writer cannot fork a stream.</param>
/// <param name="Kind">What happened, e.g. <c>customer.created</c> (lowercase letters, digits, '.', '-' and '_').</param>
/// <param name="Payload">The change as JSON. It may hold personal data: it can be erased later while the chain stays
/// verifiable.</param>
/// <param name="Provenance">Who or what caused the change.</param>
/// <param name="OccurredAt">When the change happened; stored to the microsecond.</param>
public sealed record NewEvent(GrainId Stream, long Revision, string Kind, string Payload, EventProvenance Provenance, DateTimeOffset OccurredAt);
