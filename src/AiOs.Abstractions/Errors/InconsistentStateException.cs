namespace AiOs;

/// <summary>A state write carried an ETag that is no longer the stored one: another writer won. The activation that
/// failed is deactivated so that the next call reads the current state.</summary>
public sealed class InconsistentStateException : Exception
{
    public InconsistentStateException(string message)
        : base(message)
    {
    }

    public InconsistentStateException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public InconsistentStateException()
    {
    }

    /// <summary>The ETag the writer expected, or null when it expected no row.</summary>
    public string? ExpectedETag { get; init; }

    /// <summary>The ETag found in storage, or null when there was no row (when the provider knows it).</summary>
    public string? StoredETag { get; init; }
}
