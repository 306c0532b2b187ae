using System.Collections.Concurrent;
using System.Numerics;
using System.Runtime.InteropServices;
using AiOs.Persistence.Memory;

namespace AiOs.Memory;

/// <summary>Each scope's newest items with their embeddings, held in this silo for vector search. An entry is valid for
/// one version of its scope: every search reads the scope's version (one indexed row) and reloads when it changed, so a
/// change made on any silo is seen by the next search on every silo, without messages between silos.</summary>
internal sealed class WorkingSetCache(IMemoryStore store, int limit)
{
    private const int PageSize = 2_000;
    private readonly ConcurrentDictionary<MemoryScope, Task<WorkingSet>> _sets = new();

    public async Task<WorkingSet> GetAsync(MemoryScope scope, CancellationToken cancellationToken)
    {
        var version = await store.VersionAsync(scope, cancellationToken).ConfigureAwait(false);
        while (true)
        {
            var current = _sets.GetOrAdd(scope, s => LoadAsync(s, version));
            WorkingSet set;
            try
            {
                set = await current.ConfigureAwait(false);
            }
            catch
            {
                _sets.TryRemove(new KeyValuePair<MemoryScope, Task<WorkingSet>>(scope, current));
                throw;
            }

            if (set.Version == version)
            {
                return set;
            }

            // Stale (or from before a forget, whose scope starts again at 0): replace it, unless another search did.
            _sets.TryUpdate(scope, LoadAsync(scope, version), current);
        }
    }

    /// <summary>Drops a scope's entry (after a change this silo made, so that the memory is let go at once).</summary>
    public void Invalidate(MemoryScope scope) => _sets.TryRemove(scope, out _);

    private async Task<WorkingSet> LoadAsync(MemoryScope scope, long version)
    {
        // Labelled with the version read before the items: if a change landed while reading, the next search sees a
        // newer version and reloads.
        var items = new List<MemoryItem>();
        (DateTimeOffset, string)? after = null;
        while (true)
        {
            var page = await store.ListAsync(scope, MemoryFilter.All, after, PageSize).ConfigureAwait(false);
            items.AddRange(page);
            if (page.Count < PageSize)
            {
                break;
            }

            after = (page[^1].CreatedAt, page[^1].ItemId);
        }

        var complete = items.Count <= limit;
        if (!complete)
        {
            items.RemoveRange(0, items.Count - limit);
        }

        return new WorkingSet(version, items, complete);
    }
}

/// <summary>One scope's items at one version, with their embeddings laid out in one array for fast dot products, and
/// (built on the first search by words) an index of their words.</summary>
internal sealed class WorkingSet
{
    private readonly float[] _vectors;
    private readonly int _dimensions;
    private readonly Lazy<LexicalIndex> _lexical;

    public WorkingSet(long version, List<MemoryItem> items, bool complete)
    {
        Version = version;
        Items = items;
        IsComplete = complete;
        _lexical = new Lazy<LexicalIndex>(() => new LexicalIndex(items), LazyThreadSafetyMode.ExecutionAndPublication);
        ById = items.ToDictionary(i => i.ItemId, StringComparer.Ordinal);
        _dimensions = items.Count == 0 ? 0 : items[0].Embedding.Length;
        _vectors = new float[items.Count * _dimensions];
        for (var i = 0; i < items.Count; i++)
        {
            if (items[i].Embedding.Length == _dimensions)
            {
                items[i].Embedding.CopyTo(_vectors, i * _dimensions);
            }
        }
    }

    public long Version { get; }

    /// <summary>True when the set holds every item of its scope (it has no more than the working set limit), so that a
    /// search by words over it is a search of the whole scope.</summary>
    public bool IsComplete { get; }

    public List<MemoryItem> Items { get; }

    public Dictionary<string, MemoryItem> ById { get; }

    /// <summary>The <paramref name="count"/> items most similar to <paramref name="query"/> that pass
    /// <paramref name="filter"/> and reach <paramref name="minSimilarity"/>, best first.</summary>
    public List<(MemoryItem Item, double Similarity)> Nearest(float[] query, MemoryFilter filter, int count, double minSimilarity)
    {
        if (query.Length != _dimensions || _dimensions == 0)
        {
            return [];
        }

        var best = new BestScores(count);
        var vectors = _vectors.AsSpan();
        for (var i = 0; i < Items.Count; i++)
        {
            var similarity = Dot(query, vectors.Slice(i * _dimensions, _dimensions));
            if (similarity >= minSimilarity && best.WouldKeep(similarity, i) && filter.Admits(Items[i]))
            {
                best.Add(i, similarity);
            }
        }

        return [.. best.BestFirst().Select(hit => (Items[hit.Index], (double)hit.Score))];
    }

    /// <summary>The <paramref name="count"/> items best matching the words of <paramref name="text"/> that pass
    /// <paramref name="filter"/>, best first.</summary>
    public List<MemoryTextHit> SearchText(string text, MemoryFilter filter, int count)
    {
        var terms = MemoryText.Terms(text);
        if (terms.Count == 0 || Items.Count == 0)
        {
            return [];
        }

        return [.. _lexical.Value.Search(terms, i => filter.Admits(Items[i]), count).Select(hit => new MemoryTextHit(Items[hit.Index].ItemId, hit.Score))];
    }

    private static float Dot(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        var sum = Vector<float>.Zero;
        var va = MemoryMarshal.Cast<float, Vector<float>>(a);
        var vb = MemoryMarshal.Cast<float, Vector<float>>(b);
        for (var i = 0; i < va.Length; i++)
        {
            sum += va[i] * vb[i];
        }

        var total = Vector.Sum(sum);
        for (var i = va.Length * Vector<float>.Count; i < a.Length; i++)
        {
            total += a[i] * b[i];
        }

        return total;
    }
}
