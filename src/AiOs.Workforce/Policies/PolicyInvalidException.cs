namespace AiOs.Workforce.Policies;

/// <summary>A policy document was refused as a whole; its message names the line and the reason.</summary>
public sealed class PolicyInvalidException : Exception
{
    public PolicyInvalidException(int line, string reason)
        : base($"policy line {line}: {reason}")
    {
        Line = line;
        Reason = reason;
    }

    public PolicyInvalidException()
    {
        Reason = "";
    }

    public PolicyInvalidException(string message)
        : base(message)
    {
        Reason = message;
    }

    public PolicyInvalidException(string message, Exception innerException)
        : base(message, innerException)
    {
        Reason = message;
    }

    /// <summary>The 1-based line the problem is on.</summary>
    public int Line { get; }

    /// <summary>What is wrong there.</summary>
    public string Reason { get; }
}

/// <summary>The policy changed since the version the caller read.</summary>
public sealed class PolicyVersionConflictException : Exception
{
    public PolicyVersionConflictException()
    {
    }

    public PolicyVersionConflictException(string message)
        : base(message)
    {
    }

    public PolicyVersionConflictException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
