namespace AiOs.Grpc;

/// <summary>gRPC status codes (<c>grpc-status</c>), with the numbers the protocol fixes.</summary>
public enum StatusCode
{
    /// <summary>Success.</summary>
    OK = 0,

    /// <summary>The call was cancelled, usually by the caller.</summary>
    Cancelled = 1,

    /// <summary>An error the server could not classify.</summary>
    Unknown = 2,

    /// <summary>The request is wrong whatever the state of the system (a malformed id, an out-of-range enum).</summary>
    InvalidArgument = 3,

    /// <summary>The deadline passed before the call completed.</summary>
    DeadlineExceeded = 4,

    /// <summary>The thing asked for does not exist.</summary>
    NotFound = 5,

    /// <summary>The thing to create exists already.</summary>
    AlreadyExists = 6,

    /// <summary>The caller is known but its key's scope does not allow the method.</summary>
    PermissionDenied = 7,

    /// <summary>A limit was hit (e.g. the maximum message size).</summary>
    ResourceExhausted = 8,

    /// <summary>The system is not in a state that allows the call (e.g. deciding an approval twice differently).</summary>
    FailedPrecondition = 9,

    /// <summary>A concurrency conflict; retry from a fresh read.</summary>
    Aborted = 10,

    /// <summary>A value outside its valid range, where the range depends on the system's state.</summary>
    OutOfRange = 11,

    /// <summary>The method is unknown or not implemented by this server.</summary>
    Unimplemented = 12,

    /// <summary>A bug or a broken invariant; never carries details of the server's internals.</summary>
    Internal = 13,

    /// <summary>Temporarily unavailable; an idempotent call may be retried with backoff.</summary>
    Unavailable = 14,

    /// <summary>Unrecoverable data loss.</summary>
    DataLoss = 15,

    /// <summary>No valid API key was presented.</summary>
    Unauthenticated = 16,
}
