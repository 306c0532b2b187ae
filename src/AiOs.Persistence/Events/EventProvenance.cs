namespace AiOs.Persistence.Events;

/// <summary>Who or what caused a change: recorded with every event and covered by its hash.</summary>
/// <param name="Source">Where the change came from, e.g. <c>operator-api</c>, <c>goal</c>, <c>import</c>.</param>
/// <param name="Actor">Who acted: <c>operator</c>, or <c>agent:&lt;role&gt;</c> for an agent role.</param>
/// <param name="Reference">What the change belongs to, e.g. <c>goal/g-17/task/t2</c>; null when nothing.</param>
/// <remarks>Provenance is never erased (unlike payloads), so it must not carry personal data: name the actor and the work,
/// not the customer.</remarks>
public sealed record EventProvenance(string Source, string Actor, string? Reference = null);
