namespace AiOs.Persistence.Shared;

/// <summary>The errors both providers raise, worded the same way.</summary>
internal static class StorageErrors
{
    /// <summary>For providers without a lease table (SQLite, which is single-silo). Ignoring a fence would silently give up
    /// single activation, so a fenced write is refused outright.</summary>
    public static void ThrowIfFenced(StorageWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        if (writer.Fence is not null)
        {
            throw new NotSupportedException(
                "This storage provider is single-silo and has no partition leases, so it cannot check a lease fence; run a cluster on PostgreSQL.");
        }
    }

    public static InconsistentStateException Conflict(string provider, GrainStateKey key, string? expectedETag, long? storedVersion)
    {
        var stored = storedVersion is { } version ? ETag.Format(version) : null;
        var expected = expectedETag is null ? "no row" : $"ETag {expectedETag}";
        var found = stored is null ? "no row" : $"ETag {stored}";
        return new InconsistentStateException(
            $"{provider}: write of {key} refused: the writer expected {expected} but storage has {found}; another writer changed it.")
        {
            ExpectedETag = expectedETag,
            StoredETag = stored,
        };
    }

    public static ArgumentException InvalidPayload(string provider, GrainStateKey key, string reason, Exception? inner = null) =>
        new($"{provider}: cannot store {key}: {reason}", "json", inner);

    public static void ValidateReminder(string name, TimeSpan period)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentOutOfRangeException.ThrowIfLessThan(period, TimeSpan.Zero);
    }
}
