using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using AiOs.Persistence.Memory;

namespace AiOs.Memory;

/// <summary>Makes one summary of several interactions. The default is extractive (offline); a model-backed one can
/// replace it.</summary>
public interface IMemorySummarizer
{
    Task<string> SummarizeAsync(MemoryScope scope, IReadOnlyList<MemoryItem> interactions, CancellationToken cancellationToken);
}

/// <summary>The offline summary: the first sentence of each interaction, oldest first, without repeats, cut to a few
/// thousand characters.</summary>
public sealed partial class ExtractiveSummarizer : IMemorySummarizer
{
    public const int MaxChars = 4_000;

    public Task<string> SummarizeAsync(MemoryScope scope, IReadOnlyList<MemoryItem> interactions, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(interactions);
        var lines = interactions
            .Select(i => FirstSentence().Match(i.Text.Trim()).Value.Trim())
            .Where(s => s.Length > 0)
            .Distinct(StringComparer.Ordinal);
        var text = new StringBuilder($"Summary of {interactions.Count} interactions ({interactions[0].CreatedAt:yyyy-MM-dd} to {interactions[^1].CreatedAt:yyyy-MM-dd}): ");
        foreach (var line in lines)
        {
            if (text.Length + line.Length + 1 > MaxChars)
            {
                break;
            }

            text.Append(line).Append(' ');
        }

        return Task.FromResult(text.ToString().TrimEnd());
    }

    [GeneratedRegex(@"^.*?(?:[.!?](?=\s)|$)", RegexOptions.Singleline | RegexOptions.CultureInvariant)]
    private static partial Regex FirstSentence();
}

// Compaction and retention, run for one scope by its maintenance reminder (or directly).
public sealed partial class MemoryService
{
    /// <summary>Folds the scope's interactions older than <see cref="MemoryOptions.CompactAfter"/> into summary items, a
    /// batch at a time, each summary linked to the interactions it replaces. A summary's id follows from its sources, so a
    /// run interrupted between storing a summary and removing its sources completes on the next run.</summary>
    /// <returns>The summaries made.</returns>
    public async Task<IReadOnlyList<MemoryItem>> CompactAsync(MemoryScope scope, IMemorySummarizer? summarizer = null, CancellationToken cancellationToken = default)
    {
        CheckScope(scope);
        summarizer ??= new ExtractiveSummarizer();
        var cutoff = _time.GetUtcNow() - _options.CompactAfter;
        var filter = new MemoryFilter(Kinds: [MemoryKind.Interaction], Until: cutoff);
        var summaries = new List<MemoryItem>();
        while (true)
        {
            var batch = await _store.ListAsync(scope, filter, null, Math.Max(2, _options.CompactionBatch), cancellationToken).ConfigureAwait(false);
            if (batch.Count < 2)
            {
                break;
            }

            var ids = batch.Select(i => i.ItemId).ToList();
            var text = await summarizer.SummarizeAsync(scope, batch, cancellationToken).ConfigureAwait(false);
            var draft = new MemoryDraft(
                scope,
                MemoryKind.Summary,
                text,
                new MemoryProvenance("compaction", "memory", batch[^1].CreatedAt),
                batch.Average(i => i.Confidence),
                "compaction/" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(string.Join("\n", ids)))),
                CustomerId: batch.Select(i => i.CustomerId).Distinct().Count() == 1 ? batch[0].CustomerId : null,
                SourceItemIds: ids);
            var (summary, _) = await AddAsync(draft, cancellationToken).ConfigureAwait(false);
            await _store.RemoveAsync(scope, ids, cancellationToken).ConfigureAwait(false);
            _workingSets.Invalidate(scope);
            summaries.Add(summary);
        }

        return summaries;
    }

    /// <summary>Removes the scope's items that their kind's retention policy no longer keeps.</summary>
    /// <returns>How many were removed.</returns>
    public async Task<int> ApplyRetentionAsync(MemoryScope scope, CancellationToken cancellationToken = default)
    {
        CheckScope(scope);
        var removed = 0;
        foreach (var (kind, text) in _options.Retention)
        {
            var policy = RetentionPolicy.Parse(text) ?? throw new InvalidOperationException($"AiOs:Memory:Retention:{kind} is not a retention policy: '{text}'");
            var expired = new List<string>();
            if (policy.MaxAge is { } maxAge)
            {
                var filter = new MemoryFilter(Kinds: [kind], Until: _time.GetUtcNow() - maxAge);
                expired.AddRange((await ListAllAsync(scope, filter, cancellationToken).ConfigureAwait(false)).Select(i => i.ItemId));
            }
            else if (policy.KeepLast is { } keep)
            {
                var all = await ListAllAsync(scope, new MemoryFilter(Kinds: [kind]), cancellationToken).ConfigureAwait(false);
                expired.AddRange(all.Take(Math.Max(0, all.Count - keep)).Select(i => i.ItemId));
            }

            if (expired.Count > 0)
            {
                removed += (await _store.RemoveAsync(scope, expired, cancellationToken).ConfigureAwait(false)).Removed;
                _workingSets.Invalidate(scope);
            }
        }

        return removed;
    }

    /// <summary>Every item of the scope passing <paramref name="filter"/>, oldest first.</summary>
    public async Task<IReadOnlyList<MemoryItem>> ListAllAsync(MemoryScope scope, MemoryFilter filter, CancellationToken cancellationToken = default)
    {
        CheckScope(scope);
        var items = new List<MemoryItem>();
        (DateTimeOffset, string)? after = null;
        while (true)
        {
            var page = await _store.ListAsync(scope, filter, after, 1_000, cancellationToken).ConfigureAwait(false);
            items.AddRange(page);
            if (page.Count < 1_000)
            {
                return items;
            }

            after = (page[^1].CreatedAt, page[^1].ItemId);
        }
    }
}
