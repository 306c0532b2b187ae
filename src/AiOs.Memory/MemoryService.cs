using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using AiOs.Persistence;
using AiOs.Persistence.Events;
using AiOs.Persistence.Memory;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Options;

namespace AiOs.Memory;

/// <summary>Memory as everything above storage uses it: adds (validated, redacted, embedded), hybrid search within one
/// scope, the context builder, and forget. Stateless apart from the per-silo working-set cache, so any silo serves any
/// scope.</summary>
public sealed partial class MemoryService
{
    /// <summary>The largest item text, in bytes of UTF-8.</summary>
    public const int MaxTextBytes = 32 * 1024;

    /// <summary>The most hits a search returns.</summary>
    public const int MaxLimit = 100;

    /// <summary>Preferences of a scope that the context builder includes even when the query does not match them.</summary>
    private const int StandingPreferences = 5;

    /// <summary>Reciprocal-rank fusion constant: how much the first few ranks of each list dominate.</summary>
    private const double FusionK = 60;

    private readonly IMemoryStore _store;
    private readonly IEventLog _events;
    private readonly IEmbeddingGenerator<string, Embedding<float>> _embeddings;
    private readonly MemoryRedactor _redactor;
    private readonly MemoryOptions _options;
    private readonly IReadOnlyList<IMemoryForgetParticipant> _participants;
    private readonly TimeProvider _time;
    private readonly StorageWriter _writer;
    private readonly WorkingSetCache _workingSets;
    private readonly IGrainFactory? _grains;
    private readonly ConcurrentDictionary<MemoryScope, bool> _maintained = new();

    public MemoryService(
        IMemoryStore store,
        IEventLog events,
        IEmbeddingGenerator<string, Embedding<float>> embeddings,
        MemoryRedactor redactor,
        IOptions<MemoryOptions> options,
        IEnumerable<IMemoryForgetParticipant> participants,
        TimeProvider time,
        StorageWriter writer,
        IGrainFactory? grains = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _store = store;
        _events = events;
        _embeddings = embeddings;
        _redactor = redactor;
        _options = options.Value;
        _participants = [.. participants];
        _time = time;
        _writer = writer;
        _workingSets = new WorkingSetCache(store, _options.WorkingSetLimit);
        _grains = grains;
    }

    /// <summary>The scope's memory version: it changes with every change of the scope's items (0: never had any).</summary>
    public Task<long> VersionAsync(MemoryScope scope, CancellationToken cancellationToken = default)
    {
        CheckScope(scope);
        return _store.VersionAsync(scope, cancellationToken);
    }

    /// <summary>Validates, redacts, embeds and stores <paramref name="draft"/>. Adding the same scope and request id again
    /// returns the item stored the first time.</summary>
    /// <exception cref="MemoryInputException">Empty or oversized text, an unknown scope or kind, a confidence outside 0..1.</exception>
    public async Task<(MemoryItem Item, long Version)> AddAsync(MemoryDraft draft, CancellationToken cancellationToken = default)
    {
        var items = await PrepareAsync([draft], cancellationToken).ConfigureAwait(false);
        var (version, added) = await _store.AddAsync(draft.Scope, items, cancellationToken).ConfigureAwait(false);
        if (added == 0)
        {
            // A repeated request: answer with what was stored then.
            var stored = await _store.GetAsync(draft.Scope, [items[0].ItemId], cancellationToken).ConfigureAwait(false);
            return (stored.Count == 1 ? stored[0] : items[0], version);
        }

        await ChangedAsync(draft.Scope).ConfigureAwait(false);
        return (items[0], version);
    }

    /// <summary>Stores many drafts of one scope in one transaction: all or none (the benchmark's and import's path).</summary>
    public async Task<long> AddManyAsync(MemoryScope scope, IReadOnlyList<MemoryDraft> drafts, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(drafts);
        if (drafts.Any(d => d.Scope != scope))
        {
            throw new MemoryInputException($"every item of a batch must be of scope {scope}");
        }

        var items = await PrepareAsync(drafts, cancellationToken).ConfigureAwait(false);
        var (version, _) = await _store.AddAsync(scope, items, cancellationToken).ConfigureAwait(false);
        await ChangedAsync(scope).ConfigureAwait(false);
        return version;
    }

    /// <summary>Removes one item of <paramref name="scope"/>; false when the scope has no such item.</summary>
    public async Task<bool> RemoveAsync(MemoryScope scope, string itemId, CancellationToken cancellationToken = default)
    {
        CheckScope(scope);
        var (_, removed) = await _store.RemoveAsync(scope, [itemId], cancellationToken).ConfigureAwait(false);
        _workingSets.Invalidate(scope);
        return removed > 0;
    }

    /// <summary>Hybrid search within <see cref="MemoryQuery.Scope"/> only: the provider's full-text ranking and vector
    /// similarity over the scope's working set, fused by reciprocal rank, optionally weighted by recency.</summary>
    public async Task<IReadOnlyList<MemoryHit>> SearchAsync(MemoryQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        CheckScope(query.Scope);
        if (query.Limit is < 1 or > MaxLimit)
        {
            throw new MemoryInputException($"a search returns 1 to {MaxLimit} hits; {query.Limit} asked");
        }

        var text = query.Text ?? "";
        var filter = query.Filter ?? MemoryFilter.All;
        var candidates = Math.Max(_options.Candidates, query.Limit);
        var set = await _workingSets.GetAsync(query.Scope, cancellationToken).ConfigureAwait(false);

        // A scope this silo holds whole is searched by its words here; a larger one by the store, which has the rest.
        var lexical = set.IsComplete
            ? set.SearchText(text, filter, candidates)
            : await _store.SearchTextAsync(query.Scope, [text], filter, candidates, cancellationToken).ConfigureAwait(false);
        var vector = text.Length == 0 ? [] : set.Nearest(await EmbedAsync(text, cancellationToken).ConfigureAwait(false), filter, candidates, _options.MinSimilarity);

        var scores = new Dictionary<string, double>(StringComparer.Ordinal);
        for (var rank = 0; rank < lexical.Count; rank++)
        {
            scores[lexical[rank].ItemId] = 1 / (FusionK + rank + 1);
        }

        for (var rank = 0; rank < vector.Count; rank++)
        {
            scores[vector[rank].Item.ItemId] = scores.GetValueOrDefault(vector[rank].Item.ItemId) + (1 / (FusionK + rank + 1));
        }

        // Items the lexical ranking found beyond the working set (older than its limit) are read from the store.
        var missing = scores.Keys.Where(id => !set.ById.ContainsKey(id)).ToList();
        var items = new Dictionary<string, MemoryItem>(StringComparer.Ordinal);
        foreach (var id in scores.Keys.Where(set.ById.ContainsKey))
        {
            items[id] = set.ById[id];
        }

        if (missing.Count > 0)
        {
            foreach (var item in await _store.GetAsync(query.Scope, missing, cancellationToken).ConfigureAwait(false))
            {
                items[item.ItemId] = item;
            }
        }

        var now = _time.GetUtcNow();
        return
        [
            .. scores
                .Where(s => items.ContainsKey(s.Key))
                .Select(s => new MemoryHit(items[s.Key], s.Value * Recency(items[s.Key], now, query.RecencyHalfLife)))
                .OrderByDescending(h => h.Score)
                .ThenByDescending(h => h.Item.CreatedAt)
                .ThenBy(h => h.Item.ItemId, StringComparer.Ordinal)
                .Take(query.Limit),
        ];
    }

    /// <summary>The best items for an agent across <paramref name="scopes"/> (e.g. the customer, the role, the business),
    /// best first, as many as fit in <paramref name="tokenBudget"/> (estimated at four characters a token). Each scope's
    /// newest preferences are included even when the query does not match them, after the matching items.</summary>
    public async Task<MemoryContext> BuildContextAsync(
        IReadOnlyList<MemoryScope> scopes, string query, int tokenBudget, MemoryFilter? filter = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(scopes);
        ArgumentOutOfRangeException.ThrowIfNegative(tokenBudget);
        var versions = new Dictionary<MemoryScope, long>();
        var hits = new List<MemoryHit>();
        foreach (var scope in scopes.Distinct())
        {
            versions[scope] = await VersionAsync(scope, cancellationToken).ConfigureAwait(false);
            if (versions[scope] > 0)
            {
                var found = await SearchAsync(new MemoryQuery(scope, query, filter, 20), cancellationToken).ConfigureAwait(false);
                hits.AddRange(found);

                // Standing preferences apply to every piece of work in their scope, whether or not the query's words
                // meet theirs: the newest few join after the search hits (score 0), as the budget allows.
                var preferences = (filter ?? MemoryFilter.All) with { Kinds = [MemoryKind.Preference] };
                var standing = await _store.ListAsync(scope, preferences, null, 1_000, cancellationToken).ConfigureAwait(false);
                hits.AddRange(standing.TakeLast(StandingPreferences).Reverse()
                    .Where(p => found.All(h => h.Item.ItemId != p.ItemId))
                    .Select(p => new MemoryHit(p, 0)));
            }
        }

        var chosen = new List<MemoryHit>();
        var tokens = 0;
        foreach (var hit in hits.OrderByDescending(h => h.Score).ThenByDescending(h => h.Item.CreatedAt))
        {
            var cost = EstimateTokens(hit.Item.Text);
            if (tokens + cost > tokenBudget)
            {
                continue;
            }

            chosen.Add(hit);
            tokens += cost;
        }

        return new MemoryContext(chosen, tokens, versions);
    }

    /// <summary>Tokens a text is estimated to take: a quarter of its characters, rounded up.</summary>
    public static int EstimateTokens(string text) => ((text?.Length ?? 0) + 3) / 4;

    /// <summary>Forgets a customer: their memory items and embeddings (and items about them elsewhere), what the
    /// participants hold (cached model answers, entity event payloads, the goals run for them), and the personal part of
    /// their entity stream's events, which stay in the chain so that it still verifies. Records the forget as an event
    /// with counts only. Every participant may refuse first (<see cref="ForgetRefusedException"/>), before anything is
    /// removed.</summary>
    public async Task<ForgetReport> ForgetCustomerAsync(string customerId, EventProvenance by, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(by);
        CheckScope(MemoryScope.Customer(customerId));
        foreach (var participant in _participants)
        {
            await participant.CheckCanForgetAsync(customerId, cancellationToken).ConfigureAwait(false);
        }

        var counts = await _store.ForgetCustomerAsync(customerId, cancellationToken).ConfigureAwait(false);
        foreach (var scope in counts.ScopesChanged)
        {
            _workingSets.Invalidate(scope);
        }

        // Participants first: they may still read the customer's stream (e.g. its links) before it is erased.
        var total = new ForgetContribution();
        foreach (var participant in _participants)
        {
            var contribution = await participant.ForgetCustomerAsync(customerId, cancellationToken).ConfigureAwait(false);
            total = new ForgetContribution(
                total.CacheEntriesRemoved + contribution.CacheEntriesRemoved,
                total.EventPayloadsRedacted + contribution.EventPayloadsRedacted,
                total.GoalsErased + contribution.GoalsErased,
                total.SchedulesRemoved + contribution.SchedulesRemoved,
                total.RecordsErased + contribution.RecordsErased);
        }

        var cache = total.CacheEntriesRemoved;
        var events = total.EventPayloadsRedacted;

        events += await _events.EraseStreamAsync(new GrainId(CustomerStreamType, customerId), _writer, cancellationToken).ConfigureAwait(false);

        // The record names no customer: a random stream key, and counts.
        var record = new NewEvent(
            new GrainId("memory-forget", Guid.NewGuid().ToString("N")),
            1,
            "memory.forgotten",
            $$"""{"items":{{counts.ItemsRemoved}},"embeddings":{{counts.EmbeddingsRemoved}},"cacheEntries":{{cache}},"eventPayloads":{{events}},"goals":{{total.GoalsErased}},"schedules":{{total.SchedulesRemoved}},"records":{{total.RecordsErased}}}""",
            by,
            _time.GetUtcNow());
        var stored = await _events.AppendAsync(record, _writer, cancellationToken).ConfigureAwait(false);
        return new ForgetReport(counts.ItemsRemoved, counts.EmbeddingsRemoved, cache, events, stored.Sequence, total.GoalsErased, total.SchedulesRemoved, total.RecordsErased);
    }

    /// <summary>The grain type of the customer entity's event stream (the workforce's customer grain).</summary>
    public const string CustomerStreamType = "customer";

    /// <summary>After items were added to <paramref name="scope"/>: its cached working set goes, and (in a silo) its grain
    /// makes sure the maintenance reminder exists, once per scope and silo.</summary>
    private async Task ChangedAsync(MemoryScope scope)
    {
        _workingSets.Invalidate(scope);
        if (_grains is not null && !_maintained.ContainsKey(scope))
        {
            await _grains.GetGrain<IMemoryScopeGrain>(MemoryScopeGrain.KeyOf(scope)).EnsureMaintenance().ConfigureAwait(false);
            _maintained[scope] = true;
        }
    }

    private async Task<List<MemoryItem>> PrepareAsync(IReadOnlyList<MemoryDraft> drafts, CancellationToken cancellationToken)
    {
        var texts = new List<string>(drafts.Count);
        foreach (var draft in drafts)
        {
            ArgumentNullException.ThrowIfNull(draft);
            Validate(draft);
            texts.Add(_redactor.Redact(draft.Text));
        }

        var embeddings = await _embeddings.GenerateAsync(texts, cancellationToken: cancellationToken).ConfigureAwait(false);
        var items = new List<MemoryItem>(drafts.Count);
        for (var i = 0; i < drafts.Count; i++)
        {
            var draft = drafts[i];
            items.Add(new MemoryItem(
                ItemId(draft),
                draft.Scope,
                draft.Kind,
                texts[i],
                draft.Provenance with { At = Microseconds(draft.Provenance.At) },
                draft.Confidence,
                embeddings[i].Vector.ToArray(),
                draft.SourceItemIds ?? [],
                draft.Role,
                draft.CustomerId ?? (draft.Scope.Kind == MemoryScopeKind.Customer ? draft.Scope.Id : null)));
        }

        return items;
    }

    private static void Validate(MemoryDraft draft)
    {
        CheckScope(draft.Scope);
        if (!Enum.IsDefined(draft.Kind))
        {
            throw new MemoryInputException($"there is no memory kind {(int)draft.Kind} (known: {string.Join(", ", Enum.GetNames<MemoryKind>().Select(n => n.ToLowerInvariant()))})");
        }

        if (string.IsNullOrWhiteSpace(draft.Text))
        {
            throw new MemoryInputException("a memory item needs text; it is empty");
        }

        var bytes = Encoding.UTF8.GetByteCount(draft.Text);
        if (bytes > MaxTextBytes)
        {
            throw new MemoryInputException($"a memory item has at most {MaxTextBytes} bytes of text; this one has {bytes}");
        }

        if (draft.Confidence is < 0 or > 1 || double.IsNaN(draft.Confidence))
        {
            throw new MemoryInputException($"confidence is between 0 and 1; {draft.Confidence} given");
        }

        if (draft.Provenance is null || string.IsNullOrWhiteSpace(draft.Provenance.Source) || string.IsNullOrWhiteSpace(draft.Provenance.Actor))
        {
            throw new MemoryInputException("a memory item needs provenance: a source and an actor");
        }
    }

    private static void CheckScope(MemoryScope scope)
    {
        if (scope.Id is null || scope.Problem() is { } problem)
        {
            throw new MemoryInputException($"unknown or invalid memory scope: {scope.Problem() ?? "no id"}");
        }
    }

    private static string ItemId(MemoryDraft draft)
    {
        if (draft.RequestId is null)
        {
            return "mem-" + Guid.NewGuid().ToString("N");
        }

        var digest = SHA256.HashData(Encoding.UTF8.GetBytes($"{draft.Scope.KindName}\0{draft.Scope.Id}\0{draft.RequestId}"));
        return "mem-" + Convert.ToHexStringLower(digest.AsSpan(0, 16));
    }

    private async Task<float[]> EmbedAsync(string text, CancellationToken cancellationToken) =>
        (await _embeddings.GenerateAsync([text], cancellationToken: cancellationToken).ConfigureAwait(false))[0].Vector.ToArray();

    private static double Recency(MemoryItem item, DateTimeOffset now, TimeSpan? halfLife)
    {
        if (halfLife is not { } h || h <= TimeSpan.Zero)
        {
            return 1;
        }

        var age = Math.Max(0, (now - item.CreatedAt).TotalSeconds);
        return 0.5 + (0.5 * Math.Pow(0.5, age / h.TotalSeconds));
    }

    // Storage keeps microseconds (PostgreSQL's precision); rounding here makes the returned item equal the stored one.
    private static DateTimeOffset Microseconds(DateTimeOffset time) => new(time.UtcTicks - (time.UtcTicks % 10), TimeSpan.Zero);
}
