namespace AiOs.Cluster.Transport;

/// <summary>The kinds of frames on a silo-to-silo stream. A frame is a 4-byte big-endian payload length, one kind
/// byte, then the payload (UTF-8 JSON).</summary>
internal enum FrameKind : byte
{
    /// <summary>A grain call for the receiving silo.</summary>
    Call = 1,

    /// <summary>The outcome of a call the receiving silo sent.</summary>
    Result = 2,
}

/// <summary>How a forwarded call ended.</summary>
internal enum CallStatus
{
    /// <summary>The call returned; the payload has its result.</summary>
    Ok = 0,

    /// <summary>The call threw; the payload has the exception's type and message.</summary>
    Failed = 1,

    /// <summary>The receiving silo does not own the grain's partition (any more), or is stopping: the sender routes the
    /// call again, within its deadline. The call did not run.</summary>
    Reroute = 2,
}
