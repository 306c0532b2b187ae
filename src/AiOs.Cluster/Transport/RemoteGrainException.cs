namespace AiOs.Cluster;

/// <summary>An exception thrown by a grain on another silo whose type this silo cannot recreate. Keeps the original
/// type's name and message.</summary>
public sealed class RemoteGrainException : Exception
{
    public RemoteGrainException(string originalType, string message)
        : base(message)
    {
        OriginalType = originalType;
    }

    public RemoteGrainException()
    {
        OriginalType = string.Empty;
    }

    public RemoteGrainException(string message)
        : base(message)
    {
        OriginalType = string.Empty;
    }

    public RemoteGrainException(string message, Exception innerException)
        : base(message, innerException)
    {
        OriginalType = string.Empty;
    }

    /// <summary>The full name of the exception type thrown on the other silo.</summary>
    public string OriginalType { get; }
}
