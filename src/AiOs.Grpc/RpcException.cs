namespace AiOs.Grpc;

/// <summary>A call that ended with a status other than <see cref="StatusCode.OK"/>. Servers throw it to answer with that
/// status; clients receive it. The message is the status detail (<c>grpc-message</c>), which is meant for people and
/// never contains secrets or stack traces.</summary>
public sealed class RpcException : Exception
{
    /// <summary>Creates the exception for <paramref name="statusCode"/> with a readable <paramref name="detail"/>.</summary>
    public RpcException(StatusCode statusCode, string detail)
        : base(detail)
    {
        StatusCode = statusCode;
        Detail = detail;
    }

    /// <summary>Creates the exception for <paramref name="statusCode"/>, caused by <paramref name="innerException"/>
    /// (kept for the local log; only <paramref name="detail"/> goes on the wire).</summary>
    public RpcException(StatusCode statusCode, string detail, Exception innerException)
        : base(detail, innerException)
    {
        StatusCode = statusCode;
        Detail = detail;
    }

    /// <summary>Not for use: an exception without a status is not an <see cref="RpcException"/>.</summary>
    public RpcException()
        : this(StatusCode.Unknown, "unknown error")
    {
    }

    /// <summary>Not for use: an exception without a status is not an <see cref="RpcException"/>.</summary>
    public RpcException(string message)
        : this(StatusCode.Unknown, message)
    {
    }

    /// <summary>Not for use: an exception without a status is not an <see cref="RpcException"/>.</summary>
    public RpcException(string message, Exception innerException)
        : this(StatusCode.Unknown, message, innerException)
    {
    }

    /// <summary>The status code.</summary>
    public StatusCode StatusCode { get; }

    /// <summary>The status detail: what went wrong, for a person.</summary>
    public string Detail { get; }
}
