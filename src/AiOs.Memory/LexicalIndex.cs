using System.Buffers;
using AiOs.Persistence.Memory;

namespace AiOs.Memory;

/// <summary>An inverted index over one working set's texts, ranking by BM25, so that a scope held whole in this silo is
/// searched by its words without a query to the store.</summary>
/// <remarks>Why not the store: its full-text ranking scores every item that matches any query word before it keeps the
/// best fifty, and in a large scope a common word matches most items (measured: a 100,000-item scope took hundreds of
/// milliseconds a search). Here a word's postings are summed straight into a score per item: a few microseconds per
/// thousand matches. Words are cut as <see cref="MemoryText.Terms"/> cuts them.</remarks>
internal sealed class LexicalIndex
{
    // The usual BM25 constants: how fast repeated words stop counting, and how much a long text is discounted.
    private const float K1 = 1.2f;
    private const float B = 0.75f;

    private readonly Dictionary<string, Posting[]> _postings;
    private readonly float[] _lengthNorm;

    public LexicalIndex(IReadOnlyList<MemoryItem> items)
    {
        var postings = new Dictionary<string, List<Posting>>(StringComparer.Ordinal);
        var lengths = new int[items.Count];
        long total = 0;
        for (var i = 0; i < items.Count; i++)
        {
            var (counts, length) = MemoryText.TermCounts(items[i].Text);
            lengths[i] = length;
            total += length;
            foreach (var (term, count) in counts)
            {
                if (!postings.TryGetValue(term, out var list))
                {
                    postings[term] = list = [];
                }

                list.Add(new Posting(i, count));
            }
        }

        _postings = postings.ToDictionary(p => p.Key, p => p.Value.ToArray(), StringComparer.Ordinal);
        var average = items.Count == 0 ? 1f : Math.Max(1f, (float)total / items.Count);
        _lengthNorm = [.. lengths.Select(length => K1 * (1 - B + (B * length / average)))];
    }

    /// <summary>The indexes of the <paramref name="count"/> best-ranked items matching any of <paramref name="terms"/>
    /// and passing <paramref name="admits"/>, best first (ties: the lower index, i.e. the older item, last).</summary>
    public List<(int Index, double Score)> Search(IReadOnlyList<string> terms, Func<int, bool> admits, int count)
    {
        var size = _lengthNorm.Length;
        var scores = ArrayPool<float>.Shared.Rent(Math.Max(1, size));
        try
        {
            Array.Clear(scores, 0, size);
            var touched = new List<int>();
            foreach (var term in terms.Distinct(StringComparer.Ordinal))
            {
                if (!_postings.TryGetValue(term, out var postings))
                {
                    continue;
                }

                // Rare words weigh more; a word in nearly every text weighs almost nothing.
                var idf = (float)Math.Log(1 + ((size - postings.Length + 0.5) / (postings.Length + 0.5)));
                foreach (var (index, frequency) in postings)
                {
                    if (scores[index] == 0)
                    {
                        touched.Add(index);
                    }

                    scores[index] += idf * (frequency * (K1 + 1)) / (frequency + _lengthNorm[index]);
                }
            }

            var best = new BestScores(count);
            foreach (var index in touched)
            {
                if (best.WouldKeep(scores[index], index) && admits(index))
                {
                    best.Add(index, scores[index]);
                }
            }

            return [.. best.BestFirst().Select(hit => (hit.Index, (double)hit.Score))];
        }
        finally
        {
            ArrayPool<float>.Shared.Return(scores);
        }
    }

    private readonly record struct Posting(int Index, int Frequency);
}
