using System.Text.Json;
using System.Text.Json.Serialization;
using AiOs.Persistence.Memory;

namespace AiOs.Memory;

/// <summary>One line of a portable snapshot: what it is (<c>memory_item</c>, <c>customer</c>, <c>schedule</c>, ...) and
/// its data as one JSON object.</summary>
public sealed record PortableRecord(string Kind, string Json);

/// <summary>Another part of the business that belongs in a portable snapshot (entities, schedules, policies, playbooks).
/// Each handles the record kinds it names.</summary>
public interface IPortableSource
{
    /// <summary>The record kinds this source writes and reads.</summary>
    IReadOnlyCollection<string> Kinds { get; }

    IAsyncEnumerable<PortableRecord> ExportAsync(CancellationToken cancellationToken);

    Task ImportAsync(PortableRecord record, CancellationToken cancellationToken);
}

/// <summary>What an import did.</summary>
/// <param name="Records">Lines read.</param>
/// <param name="MemoryItems">Memory items stored (items already present are left as they are).</param>
/// <param name="Other">Records handed to other sources.</param>
/// <param name="Skipped">Record kinds no source knows, with how many of each.</param>
public sealed record ImportReport(long Records, long MemoryItems, long Other, IReadOnlyDictionary<string, long> Skipped);

// Export and import: JSON Lines, one record per line: {"kind":"memory_item","data":{...}}.
public sealed partial class MemoryService
{
    public const string MemoryRecordKind = "memory_item";

    private static readonly JsonSerializerOptions PortableJson = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    /// <summary>The records of a snapshot: memory items of <paramref name="scopes"/> (every scope when null), with their
    /// embeddings so that an import retrieves alike whatever embedding it is configured with, then every
    /// <paramref name="sources"/>' records.</summary>
    public async IAsyncEnumerable<PortableRecord> ExportRecordsAsync(
        IReadOnlyCollection<MemoryScope>? scopes = null,
        IEnumerable<IPortableSource>? sources = null,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        foreach (var scope in scopes ?? await AllScopesAsync(cancellationToken).ConfigureAwait(false))
        {
            CheckScope(scope);
            foreach (var item in await ListAllAsync(scope, MemoryFilter.All, cancellationToken).ConfigureAwait(false))
            {
                yield return new PortableRecord(MemoryRecordKind, JsonSerializer.Serialize(PortableItem.From(item), PortableJson));
            }
        }

        foreach (var source in sources ?? [])
        {
            await foreach (var record in source.ExportAsync(cancellationToken).ConfigureAwait(false))
            {
                yield return record;
            }
        }
    }

    /// <summary>Writes <see cref="ExportRecordsAsync"/> as JSON Lines.</summary>
    public async Task<long> ExportAsync(TextWriter writer, IReadOnlyCollection<MemoryScope>? scopes = null, IEnumerable<IPortableSource>? sources = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(writer);
        long lines = 0;
        await foreach (var record in ExportRecordsAsync(scopes, sources, cancellationToken).ConfigureAwait(false))
        {
            await writer.WriteLineAsync(ToLine(record)).ConfigureAwait(false);
            lines++;
        }

        return lines;
    }

    /// <summary>One JSON Lines line for <paramref name="record"/>.</summary>
    public static string ToLine(PortableRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        return $$"""{"kind":{{JsonSerializer.Serialize(record.Kind)}},"data":{{record.Json}}}""";
    }

    /// <summary>Reads a JSON Lines snapshot. Every line is checked before anything is stored: a malformed line stops the
    /// import with its line number and nothing stored.</summary>
    /// <exception cref="MemoryInputException">A line is not a record, or a memory item in it is not valid.</exception>
    public async Task<ImportReport> ImportAsync(TextReader reader, IEnumerable<IPortableSource>? sources = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(reader);
        var bySource = (sources ?? []).SelectMany(s => s.Kinds.Select(k => (k, s))).ToDictionary(p => p.k, p => p.s, StringComparer.Ordinal);
        var items = new List<MemoryItem>();
        var others = new List<(IPortableSource Source, PortableRecord Record)>();
        var skipped = new Dictionary<string, long>(StringComparer.Ordinal);
        long records = 0;
        string? line;
        while ((line = await reader.ReadLineAsync(cancellationToken).ConfigureAwait(false)) is not null)
        {
            records++;
            if (line.Length == 0)
            {
                continue;
            }

            var record = ParseLine(line, records);
            if (record.Kind == MemoryRecordKind)
            {
                items.Add(ParseItem(record.Json, records));
            }
            else if (bySource.TryGetValue(record.Kind, out var source))
            {
                others.Add((source, record));
            }
            else
            {
                skipped[record.Kind] = skipped.GetValueOrDefault(record.Kind) + 1;
            }
        }

        long stored = 0;
        foreach (var scope in items.GroupBy(i => i.Scope))
        {
            stored += (await _store.AddAsync(scope.Key, [.. scope], cancellationToken).ConfigureAwait(false)).Added;
            _workingSets.Invalidate(scope.Key);
        }

        foreach (var (source, record) in others)
        {
            await source.ImportAsync(record, cancellationToken).ConfigureAwait(false);
        }

        return new ImportReport(records, stored, others.Count, skipped);
    }

    private async Task<IReadOnlyList<MemoryScope>> AllScopesAsync(CancellationToken cancellationToken)
    {
        var scopes = new List<MemoryScope>();
        MemoryScope? after = null;
        while (true)
        {
            var page = await _store.ListScopesAsync(after, 500, cancellationToken).ConfigureAwait(false);
            scopes.AddRange(page);
            if (page.Count < 500)
            {
                return scopes;
            }

            after = page[^1];
        }
    }

    private static PortableRecord ParseLine(string line, long number)
    {
        try
        {
            using var document = JsonDocument.Parse(line);
            if (document.RootElement.ValueKind == JsonValueKind.Object
                && document.RootElement.TryGetProperty("kind", out var kind) && kind.ValueKind == JsonValueKind.String
                && document.RootElement.TryGetProperty("data", out var data) && data.ValueKind == JsonValueKind.Object)
            {
                return new PortableRecord(kind.GetString()!, data.GetRawText());
            }
        }
        catch (JsonException)
        {
        }

        throw new MemoryInputException($"line {number} of the snapshot is not a record {{\"kind\": ..., \"data\": {{...}}}}; nothing was imported");
    }

    private static MemoryItem ParseItem(string json, long number)
    {
        PortableItem? item;
        try
        {
            item = JsonSerializer.Deserialize<PortableItem>(json, PortableJson);
        }
        catch (JsonException ex)
        {
            throw new MemoryInputException($"line {number}: the memory item is malformed ({ex.Message}); nothing was imported");
        }

        var problem = item?.Problem();
        if (item is null || problem is not null)
        {
            throw new MemoryInputException($"line {number}: {problem ?? "no memory item"}; nothing was imported");
        }

        return item.ToItem();
    }

    private sealed record PortableItem(
        string Id,
        string ScopeKind,
        string ScopeId,
        MemoryKind Kind,
        string Text,
        string Source,
        string Actor,
        DateTimeOffset At,
        long? EventSequence,
        string? Reference,
        double Confidence,
        string Embedding,
        IReadOnlyList<string>? SourceItemIds,
        string? Role,
        string? CustomerId)
    {
        public static PortableItem From(MemoryItem item) => new(
            item.ItemId, item.Scope.KindName, item.Scope.Id, item.Kind, item.Text, item.Provenance.Source, item.Provenance.Actor,
            item.CreatedAt, item.Provenance.EventSequence, item.Provenance.Reference, item.Confidence,
            Convert.ToBase64String(MemoryText.EncodeEmbedding(item.Embedding)), item.SourceItemIds, item.Role, item.CustomerId);

        public string? Problem()
        {
            if (string.IsNullOrEmpty(Id) || !Id.StartsWith("mem-", StringComparison.Ordinal))
            {
                return "a memory item needs an id starting with 'mem-'";
            }

            if (MemoryScope.ParseKind(ScopeKind) is not { } kind)
            {
                return $"unknown scope kind '{ScopeKind}'";
            }

            if (new MemoryScope(kind, ScopeId ?? "").Problem() is { } scopeProblem)
            {
                return scopeProblem;
            }

            try
            {
                Validate(new MemoryDraft(new MemoryScope(kind, ScopeId ?? ""), Kind, Text, new MemoryProvenance(Source, Actor, At), Confidence));
                _ = Convert.FromBase64String(Embedding ?? "");
            }
            catch (MemoryInputException ex)
            {
                return ex.Message;
            }
            catch (FormatException)
            {
                return "the embedding is not base64";
            }

            return null;
        }

        public MemoryItem ToItem() => new(
            Id, new MemoryScope(MemoryScope.ParseKind(ScopeKind)!.Value, ScopeId ?? ""), Kind, Text,
            new MemoryProvenance(Source, Actor, At, EventSequence, Reference), Confidence,
            MemoryText.DecodeEmbedding(Convert.FromBase64String(Embedding)), SourceItemIds ?? [], Role, CustomerId);
    }
}
