namespace AiOs;

/// <summary>A stored state row could not be read back into its type. The row is left untouched.</summary>
public sealed class StateDeserializationException : Exception
{
    public StateDeserializationException(string message, Exception? innerException = null)
        : base(message, innerException)
    {
    }

    public StateDeserializationException()
    {
    }

    public StateDeserializationException(string message)
        : base(message)
    {
    }
}
