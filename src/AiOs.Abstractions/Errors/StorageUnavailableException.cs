namespace AiOs;

/// <summary>Storage could not be reached or timed out. Transient: the caller may retry. Nothing was acknowledged, and the
/// activation keeps its last good state. The message names the provider and its host, never credentials.</summary>
public sealed class StorageUnavailableException : Exception, ITransientException
{
    public StorageUnavailableException(string message, Exception? innerException = null)
        : base(message, innerException)
    {
    }

    public StorageUnavailableException()
    {
    }

    public StorageUnavailableException(string message)
        : base(message)
    {
    }
}

/// <summary>Marks errors that a caller may retry because the same call can succeed later.</summary>
public interface ITransientException;
