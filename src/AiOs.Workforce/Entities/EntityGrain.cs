using AiOs.Persistence;
using AiOs.Persistence.Events;
using AiOs.Runtime;

namespace AiOs.Workforce.Entities;

/// <summary>Base of the business entity grains. The entity's event stream is its state: activation folds the stream, and
/// every change is one appended event (whole value, provenance, chained hash), so there is no second copy that could
/// disagree with the log after a crash, and the log replays to the same entity.</summary>
/// <typeparam name="T">The entity's schema (a record: unchanged values are recognized and append nothing).</typeparam>
public abstract class EntityGrain<T> : Grain
    where T : class
{
    private const int PageSize = 500;
    private readonly IEventLog _events;
    private readonly StorageWriter _writer;
    private readonly TimeProvider _time;
    private readonly List<string> _links = [];
    private T? _value;
    private long _revision;
    private EventProvenance? _changedBy;
    private DateTimeOffset _changedAt;

    protected EntityGrain(IEventLog events, SiloRuntime runtime, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(runtime);
        _events = events;
        _time = time;
        _writer = new StorageWriter(runtime.SiloId);
    }

    /// <summary>Why <paramref name="value"/> is not a valid entity, or null when it is.</summary>
    protected abstract string? Validate(T value);

    /// <summary>The entities that must list this one among their links (e.g. a project's customer).</summary>
    protected virtual IEnumerable<GrainId> Owners(T value) => [];

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var page = await _events.ReadStreamAsync(GrainId, _revision, PageSize, cancellationToken);
            foreach (var stored in page)
            {
                Apply(stored);
            }

            if (page.Count < PageSize)
            {
                return;
            }
        }
    }

    protected EntitySnapshot<T>? Snapshot() =>
        _value is null ? null : new EntitySnapshot<T>(GrainId.Key, _value, _revision, _changedBy!, _changedAt, [.. _links]);

    protected async Task<EntitySnapshot<T>> SaveAsync(T value, EventProvenance by)
    {
        ArgumentNullException.ThrowIfNull(value);
        ArgumentNullException.ThrowIfNull(by);
        if (Validate(value) is { } problem)
        {
            throw new ArgumentException($"{GrainId}: {problem}");
        }

        if (!value.Equals(_value))
        {
            await AppendAsync(_value is null ? "created" : "updated", WorkforceJson.Serialize(value), by);
        }

        // Repeated on every save (linking is idempotent) so that a crash between the two writes heals on the next save.
        foreach (var owner in Owners(value))
        {
            await GrainFactory.GetGrain<IEntityLinks>(owner).Link(GrainId.ToString(), by);
        }

        return Snapshot()!;
    }

    /// <summary>Creates the entity; <see cref="EntityExistsException"/> when it exists already. Checked and appended in
    /// one turn of the grain, and the stream's revision makes the database refuse a second creation from another
    /// activation.</summary>
    protected Task<EntitySnapshot<T>> CreateAsync(T value, EventProvenance by) =>
        _value is not null ? throw new EntityExistsException($"{GrainId} exists already") : SaveAsync(value, by);

    protected async Task LinkAsync(string entity, EventProvenance by)
    {
        ArgumentException.ThrowIfNullOrEmpty(entity);
        if (!_links.Contains(entity, StringComparer.Ordinal))
        {
            await AppendAsync("linked", WorkforceJson.Serialize(new LinkPayload(entity)), by);
        }
    }

    private async Task AppendAsync(string change, string payload, EventProvenance by)
    {
        var newEvent = new NewEvent(GrainId, _revision + 1, $"{GrainId.Type}.{change}", payload, by, _time.GetUtcNow());
        try
        {
            Apply(await _events.AppendAsync(newEvent, _writer));
        }
        catch (EventStreamConflictException)
        {
            // Another activation wrote this stream (a partition moved): this one's view is stale, so it goes away and the
            // caller's retry activates a fresh one that folds the whole stream.
            DeactivateOnIdle();
            throw;
        }
    }

    private void Apply(StoredEvent stored)
    {
        var change = stored.Kind[(stored.Kind.LastIndexOf('.') + 1)..];
        if (stored.Payload is null)
        {
            // Erased (forgotten on request): the entity no longer exists in any readable form.
            _value = null;
        }
        else if (change == "linked")
        {
            var link = WorkforceJson.Deserialize<LinkPayload>(stored.Payload).Entity;
            if (!_links.Contains(link, StringComparer.Ordinal))
            {
                _links.Add(link);
            }
        }
        else
        {
            _value = WorkforceJson.Deserialize<T>(stored.Payload);
        }

        _revision = stored.Revision;
        _changedBy = stored.Provenance;
        _changedAt = stored.OccurredAt;
    }

    private sealed record LinkPayload(string Entity);
}
