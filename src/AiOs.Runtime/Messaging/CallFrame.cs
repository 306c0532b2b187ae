namespace AiOs.Runtime.Messaging;

/// <summary>One call of a call chain, as it travels between silos: which grain, which method, and the call's id (unique
/// enough across silos: each process numbers its calls from a random 64-bit start).</summary>
public sealed record CallFrame(GrainId Grain, string Method, long MessageId)
{
    public override string ToString() => $"{Grain}.{Method}";
}
