using AiOs.Persistence.Memory;

namespace AiOs.Memory.Tests;

/// <summary>The in-memory word ranking of a working set (BM25).</summary>
public sealed class LexicalIndexTests
{
    private static readonly DateTimeOffset At = new(2026, 6, 1, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void ARareWord_OutweighsAWordEveryTextHas()
    {
        var items = Items(
            "weekly report for the board",
            "weekly report on sales",
            "weekly report about the zephyr account",
            "weekly report on hiring");
        var index = new LexicalIndex(items);

        var hits = index.Search(["weekly", "zephyr"], _ => true, 10);

        Assert.Equal(4, hits.Count);
        Assert.Equal(2, hits[0].Index);
        Assert.True(hits[0].Score > 2 * hits[1].Score, $"{hits[0].Score} against {hits[1].Score}");
    }

    [Fact]
    public void MoreOfTheQuerysWords_RankHigher_AndATextWithNoneIsNotAHit()
    {
        var items = Items("invoice overdue for acme", "invoice sent", "lunch on friday", "acme invoice overdue since march");
        var index = new LexicalIndex(items);

        var hits = index.Search(MemoryText.Terms("Acme invoice OVERDUE?"), _ => true, 10);

        Assert.Equal([0, 3, 1], hits.Select(h => h.Index));
        Assert.DoesNotContain(hits, h => h.Index == 2);
    }

    [Fact]
    public void TheFilter_AndTheCount_AreHonoured()
    {
        var items = Items("alpha one", "alpha two", "alpha three", "alpha four", "alpha five");
        var index = new LexicalIndex(items);

        var hits = index.Search(["alpha"], i => i % 2 == 0, 2);

        Assert.Equal(2, hits.Count);
        Assert.All(hits, h => Assert.Equal(0, h.Index % 2));
    }

    [Fact]
    public void AnEmptySet_OrUnknownWords_FindNothing()
    {
        Assert.Empty(new LexicalIndex([]).Search(["alpha"], _ => true, 5));
        Assert.Empty(new LexicalIndex(Items("alpha")).Search(["beta"], _ => true, 5));
    }

    private static List<MemoryItem> Items(params string[] texts) =>
        [.. texts.Select((text, i) => new MemoryItem(
            $"item-{i}", MemoryScope.Business, MemoryKind.Fact, text, new MemoryProvenance("test", "operator", At.AddMinutes(i)), 1, [], []))];
}
