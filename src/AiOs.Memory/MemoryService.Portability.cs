using System.Text.Json;
using System.Text.Json.Serialization;
using AiOs.Persistence.Memory;

namespace AiOs.Memory;

/// <summary>The JSON shape of every record of a portable snapshot, whichever part of the business wrote it: snake_case
/// names, enums by name, nulls left out, and text as written (an apostrophe or an accent stays readable: a snapshot is a
/// file the operator may read, never a page a browser runs).</summary>
public static class PortableJson
{
    public static JsonSerializerOptions Options { get; } = new(JsonSerializerDefaults.Web)
    {
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public static PortableRecord Record<T>(string kind, T data) => new(kind, JsonSerializer.Serialize(data, Options));

    /// <summary>The record's data as <typeparamref name="T"/>.</summary>
    /// <exception cref="JsonException">It is not.</exception>
    public static T Read<T>(PortableRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        return JsonSerializer.Deserialize<T>(record.Json, Options) ?? throw new JsonException($"the data is not a {record.Kind}");
    }
}

/// <summary>One line of a portable snapshot: what it is (<c>memory_item</c>, <c>customer</c>, <c>schedule</c>, ...) and
/// its data as one JSON object.</summary>
public sealed record PortableRecord(string Kind, string Json);

/// <summary>Another part of the business that belongs in a portable snapshot (entities, schedules, policies, playbooks).
/// Each handles the record kinds it names.</summary>
public interface IPortableSource
{
    /// <summary>The record kinds this source writes and reads, in the order an import must store them (a project after
    /// its customer).</summary>
    IReadOnlyList<string> Kinds { get; }

    IAsyncEnumerable<PortableRecord> ExportAsync(CancellationToken cancellationToken);

    /// <summary>Checks all of a snapshot's records of this source's kinds, in snapshot order, before any record is stored,
    /// so that a bad snapshot stores nothing; one record may name another (a playbook a role of the same snapshot).</summary>
    /// <returns>The index in <paramref name="records"/> of the first record that cannot be imported and why, or null.</returns>
    (int Index, string Problem)? Check(IReadOnlyList<PortableRecord> records);

    /// <summary>Stores a record <see cref="Check"/> accepted. Idempotent: true when it changed something, false when
    /// the instance held the same already. A record that conflicts with what the instance holds (another value under the
    /// same id) leaves it as it is and throws <see cref="PortableConflictException"/>.</summary>
    Task<bool> ImportAsync(PortableRecord record, CancellationToken cancellationToken);
}

/// <summary>The instance holds something else under a record's id; the import leaves it and reports the record.</summary>
public sealed class PortableConflictException(string message) : Exception(message);

/// <summary>What an import did.</summary>
/// <param name="Records">Lines read.</param>
/// <param name="MemoryItems">Memory items stored (items already present are left as they are).</param>
/// <param name="Other">Records of other kinds that changed something (per kind).</param>
/// <param name="Unchanged">Records the instance held already, the same.</param>
/// <param name="Skipped">Record kinds no source knows, with how many of each.</param>
/// <param name="Conflicts">Records left out because the instance holds something else under their id: why, one line
/// each (at most <see cref="MemoryService.MaxReportedConflicts"/>).</param>
public sealed record ImportReport(
    long Records,
    long MemoryItems,
    IReadOnlyDictionary<string, long> Other,
    long Unchanged,
    IReadOnlyDictionary<string, long> Skipped,
    IReadOnlyList<string> Conflicts);

// Export and import: JSON Lines, one record per line: {"kind":"memory_item","data":{...}}.
public sealed partial class MemoryService
{
    public const string MemoryRecordKind = "memory_item";

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
                yield return PortableJson.Record(MemoryRecordKind, PortableItem.From(item));
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

    /// <summary>Reads a JSON Lines snapshot (see <see cref="ImportRecordsAsync"/>).</summary>
    /// <exception cref="MemoryInputException">A line is not a record, or a record in it cannot be imported.</exception>
    public Task<ImportReport> ImportAsync(TextReader reader, IEnumerable<IPortableSource>? sources = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(reader);
        return ImportRecordsAsync(ReadLinesAsync(reader, cancellationToken), sources, cancellationToken);
    }

    /// <summary>Imports a snapshot's records. Every record is checked before anything is stored: a bad one stops the import
    /// with its number and nothing stored. Memory items go first, then each source's records, sources in the order given
    /// and within a source in the order of its <see cref="IPortableSource.Kinds"/>. Importing the same snapshot again
    /// changes nothing.</summary>
    /// <exception cref="MemoryInputException">A record cannot be imported.</exception>
    public async Task<ImportReport> ImportRecordsAsync(
        IAsyncEnumerable<PortableRecord?> records, IEnumerable<IPortableSource>? sources = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(records);
        var ordered = (sources ?? []).ToList();
        var bySource = ordered.SelectMany(s => s.Kinds.Select(k => (k, s))).ToDictionary(p => p.k, p => p.s, StringComparer.Ordinal);
        var items = new List<MemoryItem>();
        var others = new List<(IPortableSource Source, PortableRecord Record, long Number)>();
        var skipped = new Dictionary<string, long>(StringComparer.Ordinal);
        long count = 0;
        await foreach (var record in records.WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            count++;
            if (record is null)
            {
                continue;
            }

            if (record.Kind == MemoryRecordKind)
            {
                items.Add(ParseItem(record.Json, count));
            }
            else if (bySource.TryGetValue(record.Kind, out var source))
            {
                others.Add((source, record, count));
            }
            else
            {
                skipped[record.Kind] = skipped.GetValueOrDefault(record.Kind) + 1;
            }
        }

        foreach (var group in others.GroupBy(o => o.Source))
        {
            var list = group.ToList();
            if (group.Key.Check([.. list.Select(o => o.Record)]) is var (index, problem))
            {
                throw new MemoryInputException($"line {list[index].Number} ({list[index].Record.Kind}): {problem}; nothing was imported");
            }
        }

        long stored = 0;
        foreach (var scope in items.GroupBy(i => i.Scope))
        {
            stored += (await _store.AddAsync(scope.Key, [.. scope], cancellationToken).ConfigureAwait(false)).Added;
            _workingSets.Invalidate(scope.Key);
        }

        var changed = new Dictionary<string, long>(StringComparer.Ordinal);
        var unchanged = items.Count - stored;
        var conflicts = new List<string>();
        var order = others
            .OrderBy(o => ordered.IndexOf(o.Source))
            .ThenBy(o => IndexOf(o.Source.Kinds, o.Record.Kind));
        foreach (var (source, record, _) in order)
        {
            try
            {
                if (await source.ImportAsync(record, cancellationToken).ConfigureAwait(false))
                {
                    changed[record.Kind] = changed.GetValueOrDefault(record.Kind) + 1;
                }
                else
                {
                    unchanged++;
                }
            }
            catch (PortableConflictException conflict)
            {
                if (conflicts.Count < MaxReportedConflicts)
                {
                    conflicts.Add($"{record.Kind}: {conflict.Message}");
                }
            }
        }

        return new ImportReport(count, stored, changed, unchanged, skipped, conflicts);
    }

    /// <summary>How many conflicts an <see cref="ImportReport"/> lists one by one.</summary>
    public const int MaxReportedConflicts = 100;

    private static int IndexOf(IReadOnlyList<string> kinds, string kind)
    {
        for (var i = 0; i < kinds.Count; i++)
        {
            if (kinds[i] == kind)
            {
                return i;
            }
        }

        return kinds.Count;
    }

    // A blank line is null: counted, so that record numbers are line numbers, and otherwise ignored.
    private static async IAsyncEnumerable<PortableRecord?> ReadLinesAsync(TextReader reader, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        long number = 0;
        while (await reader.ReadLineAsync(cancellationToken).ConfigureAwait(false) is { } line)
        {
            number++;
            yield return line.Length == 0 ? null : ParseLine(line, number);
        }
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
            item = JsonSerializer.Deserialize<PortableItem>(json, PortableJson.Options);
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
