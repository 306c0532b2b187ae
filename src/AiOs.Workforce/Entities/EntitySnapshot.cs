using AiOs.Persistence.Events;

namespace AiOs.Workforce.Entities;

/// <summary>An entity as its grain knows it: the value, the revision of its event stream, who changed it last and when,
/// and the entities linked to it (a customer's projects and leads, as <c>type/key</c>).</summary>
public sealed record EntitySnapshot<T>(string Id, T Value, long Revision, EventProvenance ChangedBy, DateTimeOffset ChangedAt, IReadOnlyList<string> Links);
