using AiOs.Grpc;

namespace AiOs.Cli;

/// <summary>What <c>aios</c> exits with, so that scripts can tell failures apart.</summary>
public static class ExitCodes
{
    /// <summary>Done.</summary>
    public const int Ok = 0;

    /// <summary>Any other failure.</summary>
    public const int Failed = 1;

    /// <summary>The command line or a value in it is wrong (also INVALID_ARGUMENT from the server).</summary>
    public const int Usage = 2;

    /// <summary>No key, a wrong key, or a key whose scope does not allow the command.</summary>
    public const int NotAllowed = 3;

    /// <summary>The thing named does not exist.</summary>
    public const int NotFound = 4;

    /// <summary>The service cannot be reached, or did not answer in time.</summary>
    public const int Unavailable = 5;

    /// <summary>The service does not offer this yet.</summary>
    public const int Unimplemented = 6;

    /// <summary>The thing is not in a state that allows the command (or exists already).</summary>
    public const int Conflict = 7;

    /// <summary>The exit code for a call that ended with <paramref name="status"/>.</summary>
    public static int For(StatusCode status) => status switch
    {
        StatusCode.OK => Ok,
        StatusCode.InvalidArgument or StatusCode.OutOfRange => Usage,
        StatusCode.Unauthenticated or StatusCode.PermissionDenied => NotAllowed,
        StatusCode.NotFound => NotFound,
        StatusCode.Unavailable or StatusCode.DeadlineExceeded => Unavailable,
        StatusCode.Unimplemented => Unimplemented,
        StatusCode.FailedPrecondition or StatusCode.AlreadyExists or StatusCode.Aborted => Conflict,
        _ => Failed,
    };
}
