using System.Security.Cryptography;
using System.Text;

namespace AiOs.Persistence.Ledger;

/// <summary>The idempotency key of an external action: a pure function of goal, task, step and action, so that a resumed
/// task asks the ledger about the very action it may already have taken, and a connector that accepts idempotency keys
/// gets the same key on every attempt.</summary>
public static class ActionKey
{
    /// <summary>The key of action <paramref name="action"/> at <paramref name="step"/> of <paramref name="taskId"/> in
    /// <paramref name="goalId"/>: <c>act-</c> and 32 hex digits of SHA-256 over the length-prefixed fields (so that no two
    /// different field lists share a key, whatever characters the ids contain).</summary>
    public static string For(string goalId, string taskId, int step, string action)
    {
        ArgumentException.ThrowIfNullOrEmpty(goalId);
        ArgumentException.ThrowIfNullOrEmpty(taskId);
        ArgumentException.ThrowIfNullOrEmpty(action);
        ArgumentOutOfRangeException.ThrowIfNegative(step);
        var text = new StringBuilder()
            .Append(goalId.Length).Append(':').Append(goalId)
            .Append(taskId.Length).Append(':').Append(taskId)
            .Append(step).Append(':')
            .Append(action.Length).Append(':').Append(action)
            .ToString();
        var digest = SHA256.HashData(Encoding.UTF8.GetBytes(text));
        return "act-" + Convert.ToHexStringLower(digest.AsSpan(0, 16));
    }
}
