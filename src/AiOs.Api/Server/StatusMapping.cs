using AiOs.Grpc;
using AiOs.Persistence;
using Google.Protobuf;

namespace AiOs.Api.Server;

/// <summary>Turns what a call threw into the status the client gets. Only <see cref="RpcException"/> details and fixed
/// texts reach the wire: an unexpected exception becomes INTERNAL with an error id to find it in the log, never its
/// message or stack trace (which may hold internals or data).</summary>
internal static class StatusMapping
{
    public static (StatusCode Status, string Detail, bool IsBug) Map(Exception exception, bool deadlinePassed)
    {
        switch (exception)
        {
            case RpcException rpc:
                return (rpc.StatusCode, rpc.Detail, false);
            case OperationCanceledException when deadlinePassed:
            case GrainCallTimeoutException when deadlinePassed:
                return (StatusCode.DeadlineExceeded, "the deadline passed before the call completed", false);
            case GrainCallTimeoutException:
                return (StatusCode.DeadlineExceeded, "a grain call inside the request timed out", false);
            case OperationCanceledException:
                return (StatusCode.Cancelled, "the call was cancelled", false);
            case InvalidProtocolBufferException:
                return (StatusCode.InvalidArgument, "the request is not a valid protobuf message", false);
            case StorageUnavailableException:
            case LeaseLostException:
            case ITransientException:
                return (StatusCode.Unavailable, "the service is temporarily unavailable; retry later", false);
            default:
                return (StatusCode.Internal, "internal error", true);
        }
    }
}
