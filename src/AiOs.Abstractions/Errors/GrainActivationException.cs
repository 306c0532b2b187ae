namespace AiOs;

/// <summary>A grain could not be activated (its constructor, a state read or <see cref="Grain.OnActivateAsync"/> failed).
/// The calls that were waiting for it fail with this error; the next call tries again.</summary>
public sealed class GrainActivationException : Exception
{
    public GrainActivationException(GrainId grainId, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        GrainId = grainId;
    }

    public GrainActivationException()
    {
    }

    public GrainActivationException(string message)
        : base(message)
    {
    }

    public GrainActivationException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>The grain that failed to activate.</summary>
    public GrainId GrainId { get; }
}
