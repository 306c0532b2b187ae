namespace AiOs.Persistence;

/// <summary>A write was refused because the writer's lease on the row's partition is no longer current: another silo owns
/// the partition now, or the lease expired. The writer must stop serving the partition.</summary>
public sealed class LeaseLostException : Exception
{
    public LeaseLostException(string message)
        : base(message)
    {
    }

    public LeaseLostException()
    {
    }

    public LeaseLostException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>The fence the write carried.</summary>
    public LeaseFence? Fence { get; init; }
}
