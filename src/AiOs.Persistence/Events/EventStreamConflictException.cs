namespace AiOs.Persistence.Events;

/// <summary>An append was refused because its revision is not the stream's next one, or is already taken by a different
/// event: another writer changed the stream. Nothing was written; the writer must re-read the stream.</summary>
public sealed class EventStreamConflictException : Exception
{
    public EventStreamConflictException(string message)
        : base(message)
    {
    }

    public EventStreamConflictException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public EventStreamConflictException()
    {
    }

    /// <summary>The stream's last revision when the append was refused.</summary>
    public long StoredRevision { get; init; }
}
