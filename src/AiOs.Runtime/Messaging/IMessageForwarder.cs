namespace AiOs.Runtime.Messaging;

/// <summary>Sends a call whose grain's partition this silo does not own to the partition's owner, waiting (within the
/// call's deadline) while the partition has no owner or is moving. Implemented by the cluster; a single silo owns
/// every partition and has none.</summary>
internal interface IMessageForwarder
{
    /// <summary>Takes over <paramref name="message"/>: it will be settled with the remote outcome, or with an error.</summary>
    void Forward(Message message, int partition);
}
