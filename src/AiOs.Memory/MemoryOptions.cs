using AiOs.Persistence.Memory;

namespace AiOs.Memory;

/// <summary>Memory's settings (configuration section <c>AiOs:Memory</c>).</summary>
public sealed class MemoryOptions
{
    public const string SectionName = "AiOs:Memory";

    /// <summary>Items of a scope kept in its cached working set for vector search (the newest ones). Older items are
    /// still found by lexical search.</summary>
    public int WorkingSetLimit { get; set; } = 100_000;

    /// <summary>Candidates taken from each of the lexical and the vector ranking before they are fused.</summary>
    public int Candidates { get; set; } = 50;

    /// <summary>Least cosine similarity for an item to be a vector candidate, so that a query with no related item does
    /// not return the merely least unrelated ones.</summary>
    public double MinSimilarity { get; set; } = 0.2;

    /// <summary>Replace e-mail addresses, phone numbers, card and bank account numbers in item text before it is stored.</summary>
    public bool Redact { get; set; }

    /// <summary>Redaction patterns (.NET regular expressions) by what they find; empty: the built-in ones
    /// (<see cref="MemoryRedactor.DefaultPatterns"/>).</summary>
    public Dictionary<string, string> RedactionPatterns { get; set; } = [];

    /// <summary>Retention per kind: <c>forever</c>, <c>days:N</c> (keep N days) or <c>last:N</c> (keep the newest N of
    /// the scope). Kinds not named are kept forever.</summary>
    public Dictionary<MemoryKind, string> Retention { get; set; } = [];

    /// <summary>How often a scope's maintenance (compaction, then retention) runs once the scope has items.</summary>
    public TimeSpan MaintenancePeriod { get; set; } = TimeSpan.FromHours(6);

    /// <summary>Interactions older than this are compacted into summaries.</summary>
    public TimeSpan CompactAfter { get; set; } = TimeSpan.FromDays(7);

    /// <summary>Interactions folded into one summary at most.</summary>
    public int CompactionBatch { get; set; } = 20;
}
