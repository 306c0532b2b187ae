namespace AiOs.Workforce.Approvals;

/// <summary>There is no approval with that id.</summary>
public sealed class ApprovalNotFoundException : Exception
{
    public ApprovalNotFoundException()
    {
    }

    public ApprovalNotFoundException(string message)
        : base(message)
    {
    }

    public ApprovalNotFoundException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>The approval was decided already, differently.</summary>
public sealed class ApprovalAlreadyDecidedException : Exception
{
    public ApprovalAlreadyDecidedException()
    {
    }

    public ApprovalAlreadyDecidedException(string message)
        : base(message)
    {
    }

    public ApprovalAlreadyDecidedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
