namespace AiOs.Memory;

/// <summary>Keeps the <c>count</c> best-scored item indexes seen so far, ties going to the higher index (the newer item
/// of a working set): the selection both rankings of a working set make without sorting everything.</summary>
internal sealed class BestScores(int count)
{
    private readonly PriorityQueue<int, (float Score, int Index)> _best = new();

    /// <summary>Whether an item with this score would be kept; checked before anything costlier (a filter) is asked.</summary>
    public bool WouldKeep(float score, int index) =>
        _best.Count < count || !_best.TryPeek(out _, out var worst) || (score, index).CompareTo(worst) > 0;

    public void Add(int index, float score)
    {
        _best.Enqueue(index, (score, index));
        if (_best.Count > count)
        {
            _best.Dequeue();
        }
    }

    /// <summary>The kept indexes with their scores, best first; empties the selection.</summary>
    public List<(int Index, float Score)> BestFirst()
    {
        var result = new List<(int, float)>(_best.Count);
        while (_best.TryDequeue(out var index, out var ranked))
        {
            result.Add((index, ranked.Score));
        }

        result.Reverse();
        return result;
    }
}
