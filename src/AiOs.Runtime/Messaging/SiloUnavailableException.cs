namespace AiOs.Runtime;

/// <summary>The silo cannot take the call now (not started, or shutting down). Transient: retry, possibly elsewhere.</summary>
public sealed class SiloUnavailableException : Exception, ITransientException
{
    public SiloUnavailableException(string message)
        : base(message)
    {
    }

    public SiloUnavailableException()
    {
    }

    public SiloUnavailableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
