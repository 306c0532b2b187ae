using System.Security.Cryptography;
using System.Text;
using AiOs.Persistence.Memory;

namespace AiOs.Persistence.Shared;

/// <summary>Argument checks and encodings both providers apply to memory alike.</summary>
internal static class MemoryRules
{
    public static void ValidateScope(MemoryScope scope)
    {
        if (scope.Id is null || scope.Problem() is { } problem)
        {
            throw new ArgumentException($"memory scope {scope}: {scope.Problem() ?? "no id"}", nameof(scope));
        }
    }

    public static void ValidateItems(MemoryScope scope, IReadOnlyList<MemoryItem> items)
    {
        ValidateScope(scope);
        ArgumentNullException.ThrowIfNull(items);
        foreach (var item in items)
        {
            if (string.IsNullOrEmpty(item.ItemId))
            {
                throw new ArgumentException("a memory item needs an id", nameof(items));
            }

            if (item.Scope != scope)
            {
                throw new ArgumentException($"memory item {item.ItemId} is of scope {item.Scope}, not {scope}", nameof(items));
            }
        }
    }

    public static string KindName(MemoryKind kind) => kind.ToString().ToLowerInvariant();

    public static MemoryKind ParseKind(string name) => Enum.Parse<MemoryKind>(name, ignoreCase: true);

    public static MemoryScope Scope(string kind, string id) =>
        new(MemoryScope.ParseKind(kind) ?? throw new InvalidOperationException($"stored memory scope kind '{kind}' is unknown"), id);

    /// <summary>The kinds of <paramref name="filter"/> as names, or null for all.</summary>
    public static string[]? KindNames(MemoryFilter filter) =>
        filter.Kinds is { Count: > 0 } kinds ? [.. kinds.Select(KindName)] : null;

    /// <summary>The scope as one word of hex digits, for restricting a full-text match to a scope inside the index.</summary>
    public static string ScopeToken(MemoryScope scope) =>
        "s" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(scope.KindName + "\0" + scope.Id)).AsSpan(0, 16));
}
