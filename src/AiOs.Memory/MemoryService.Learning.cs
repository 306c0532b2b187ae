using System.Text.RegularExpressions;
using AiOs.Persistence.Memory;

namespace AiOs.Memory;

// Learning from the operator: an edit of a draft before approval becomes a preference of that customer for that role.
public sealed partial class MemoryService
{
    /// <summary>Records what the operator changed in a <paramref name="role"/>'s draft for <paramref name="customerId"/>
    /// (the sentences removed and added) as a preference item in the customer's scope that applies to that role, so that
    /// the role's later drafts for the customer retrieve it. Returns null when the edit changed nothing but whitespace.
    /// Idempotent by <paramref name="requestId"/> (e.g. the approval's id).</summary>
    public async Task<MemoryItem?> RecordOperatorEditAsync(
        string role, string customerId, string before, string after, string requestId, string? reference = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(role);
        ArgumentNullException.ThrowIfNull(before);
        ArgumentNullException.ThrowIfNull(after);
        ArgumentException.ThrowIfNullOrWhiteSpace(requestId);
        var removed = Sentences(before).Except(Sentences(after), StringComparer.Ordinal).ToList();
        var added = Sentences(after).Except(Sentences(before), StringComparer.Ordinal).ToList();
        if (removed.Count == 0 && added.Count == 0)
        {
            return null;
        }

        var parts = new List<string>();
        if (removed.Count > 0)
        {
            parts.Add("the operator removed: " + string.Join(" ", removed.Select(s => $"\"{s}\"")));
        }

        if (added.Count > 0)
        {
            parts.Add("the operator wrote instead: " + string.Join(" ", added.Select(s => $"\"{s}\"")));
        }

        var text = Truncate($"Preference for {role} drafts for this customer: {string.Join("; ", parts)}.", MaxTextBytes / 4);
        var draft = new MemoryDraft(
            MemoryScope.Customer(customerId),
            MemoryKind.Preference,
            text,
            new MemoryProvenance("operator-edit", "operator", _time.GetUtcNow(), Reference: reference),
            0.9,
            "operator-edit/" + requestId,
            role,
            customerId);
        var (item, _) = await AddAsync(draft, cancellationToken).ConfigureAwait(false);
        return item;
    }

    private static IEnumerable<string> Sentences(string text) =>
        SentenceEnd().Split(text).Select(s => Whitespace().Replace(s, " ").Trim()).Where(s => s.Length > 0);

    private static string Truncate(string text, int maxChars) => text.Length <= maxChars ? text : text[..(maxChars - 1)] + "…";

    [GeneratedRegex(@"(?<=[.!?])\s+|\n+", RegexOptions.CultureInvariant)]
    private static partial Regex SentenceEnd();

    [GeneratedRegex(@"\s+", RegexOptions.CultureInvariant)]
    private static partial Regex Whitespace();
}
