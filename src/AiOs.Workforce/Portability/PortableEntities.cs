using System.Text.Json;
using AiOs.Memory;
using AiOs.Persistence.Events;
using AiOs.Workforce.Entities;

namespace AiOs.Workforce.Portability;

/// <summary>Customers, projects, leads, content items and invoices in a portable snapshot: each entity's current value
/// under its id. Their event history stays with the instance that made it; the importing instance records one event per
/// entity, by <see cref="ImportedBy"/>.</summary>
public sealed class PortableEntities(IGrainFactory grains, IEventLog events) : IPortableSource
{
    /// <summary>Who an imported entity's first event names.</summary>
    public static readonly EventProvenance ImportedBy = new("import", "snapshot");

    private const int PageSize = 200;

    private readonly IReadOnlyList<IEntityKind> _kinds =
    [
        new EntityKind<Customer>("customer", EntityTypes.Customer, EntityRules.Problem,
            id => grains.GetGrain<ICustomerGrain>(id).Get(), (id, v) => grains.GetGrain<ICustomerGrain>(id).Create(v, ImportedBy)),
        new EntityKind<Project>("project", EntityTypes.Project, EntityRules.Problem,
            id => grains.GetGrain<IProjectGrain>(id).Get(), (id, v) => grains.GetGrain<IProjectGrain>(id).Create(v, ImportedBy)),
        new EntityKind<Lead>("lead", EntityTypes.Lead, EntityRules.Problem,
            id => grains.GetGrain<ILeadGrain>(id).Get(), (id, v) => grains.GetGrain<ILeadGrain>(id).Create(v, ImportedBy)),
        new EntityKind<ContentItem>("content_item", EntityTypes.ContentItem, EntityRules.Problem,
            id => grains.GetGrain<IContentItemGrain>(id).Get(), (id, v) => grains.GetGrain<IContentItemGrain>(id).Save(v, ImportedBy)),
        new EntityKind<Invoice>("invoice", EntityTypes.Invoice, EntityRules.Problem,
            id => grains.GetGrain<IInvoiceGrain>(id).Get(), (id, v) => grains.GetGrain<IInvoiceGrain>(id).Save(v, ImportedBy)),
    ];

    /// <summary>Customers first: a project, lead or invoice links itself to its customer when stored.</summary>
    public IReadOnlyList<string> Kinds => [.. _kinds.Select(k => k.Kind)];

    public async IAsyncEnumerable<PortableRecord> ExportAsync([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        foreach (var kind in _kinds)
        {
            string? after = null;
            while (true)
            {
                var ids = await EntityTypes.ListAsync(events, kind.GrainType, after, PageSize, cancellationToken).ConfigureAwait(false);
                foreach (var id in ids)
                {
                    // A stream with events but no value is an entity that was only ever linked to, or was forgotten.
                    if (await kind.ExportAsync(id).ConfigureAwait(false) is { } record)
                    {
                        yield return record;
                    }
                }

                if (ids.Count < PageSize)
                {
                    break;
                }

                after = ids[^1];
            }
        }
    }

    public (int Index, string Problem)? Check(IReadOnlyList<PortableRecord> records)
    {
        ArgumentNullException.ThrowIfNull(records);
        var seen = new HashSet<(string, string)>();
        for (var i = 0; i < records.Count; i++)
        {
            var kind = Find(records[i].Kind);
            var (id, problem) = kind.Check(records[i]);
            if (problem is null && !seen.Add((kind.Kind, id!)))
            {
                problem = $"{kind.Kind} '{id}' appears twice";
            }

            if (problem is not null)
            {
                return (i, problem);
            }
        }

        return null;
    }

    public Task<bool> ImportAsync(PortableRecord record, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(record);
        return Find(record.Kind).ImportAsync(record);
    }

    private IEntityKind Find(string kind) =>
        _kinds.FirstOrDefault(k => k.Kind == kind) ?? throw new ArgumentException($"'{kind}' is not an entity record kind", nameof(kind));

    private interface IEntityKind
    {
        string Kind { get; }

        string GrainType { get; }

        Task<PortableRecord?> ExportAsync(string id);

        (string? Id, string? Problem) Check(PortableRecord record);

        Task<bool> ImportAsync(PortableRecord record);
    }

    /// <summary>One entity in a snapshot.</summary>
    private sealed record Entry<T>(string Id, T Value);

    private sealed class EntityKind<T>(
        string kind, string grainType, Func<T, string?> problem, Func<string, Task<EntitySnapshot<T>?>> get, Func<string, T, Task> store) : IEntityKind
        where T : class
    {
        public string Kind => kind;

        public string GrainType => grainType;

        public async Task<PortableRecord?> ExportAsync(string id) =>
            await get(id).ConfigureAwait(false) is { } snapshot ? PortableJson.Record(kind, new Entry<T>(snapshot.Id, snapshot.Value)) : null;

        public (string? Id, string? Problem) Check(PortableRecord record)
        {
            Entry<T>? entry;
            try
            {
                entry = PortableJson.Read<Entry<T>>(record);
            }
            catch (JsonException exception)
            {
                return (null, $"not a {kind} ({exception.Message})");
            }

            if (PortableIds.Problem(entry.Id, kind) is { } idProblem)
            {
                return (null, idProblem);
            }

            return entry.Value is null ? (null, $"{kind} '{entry.Id}' has no value")
                : problem(entry.Value) is { } valueProblem ? (null, $"{kind} '{entry.Id}': {valueProblem}")
                : (entry.Id, null);
        }

        public async Task<bool> ImportAsync(PortableRecord record)
        {
            var entry = PortableJson.Read<Entry<T>>(record);
            if (await get(entry.Id).ConfigureAwait(false) is { } existing)
            {
                return Same(existing.Value, entry.Value)
                    ? false
                    : throw new PortableConflictException($"'{entry.Id}' exists here with another value; it was left as it is");
            }

            try
            {
                await store(entry.Id, entry.Value).ConfigureAwait(false);
            }
            catch (EntityExistsException)
            {
                // Made meanwhile by someone else: theirs stands, as for any existing entity.
                return Same((await get(entry.Id).ConfigureAwait(false))?.Value, entry.Value)
                    ? false
                    : throw new PortableConflictException($"'{entry.Id}' was created here while importing; it was left as it is");
            }

            return true;
        }

        private static bool Same(T? a, T b) => a is not null && WorkforceJson.Serialize(a) == WorkforceJson.Serialize(b);
    }
}
