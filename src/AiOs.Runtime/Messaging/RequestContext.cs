namespace AiOs.Runtime.Messaging;

/// <summary>The request that the current code runs on behalf of. An <see cref="AsyncLocal{T}"/> because it must follow
/// the grain's code through its awaits (and even through Task.Run), which a thread-static could not.</summary>
internal static class RequestContext
{
    private static readonly AsyncLocal<Message?> CurrentMessage = new();

    public static Message? Current
    {
        get => CurrentMessage.Value;
        set => CurrentMessage.Value = value;
    }
}
