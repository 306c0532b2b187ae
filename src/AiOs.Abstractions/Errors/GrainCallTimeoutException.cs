namespace AiOs;

/// <summary>A grain call did not complete before its deadline. <see cref="CallChain"/> names the calls that were
/// waiting on each other (for a deadlock, a cycle such as <c>a/1.Ping -> b/1.Pong -> a/1.Ping</c>).</summary>
public sealed class GrainCallTimeoutException : TimeoutException
{
    public GrainCallTimeoutException(string message, IReadOnlyList<string> callChain)
        : base(message)
    {
        CallChain = callChain;
    }

    public GrainCallTimeoutException()
    {
        CallChain = [];
    }

    public GrainCallTimeoutException(string message)
        : base(message)
    {
        CallChain = [];
    }

    public GrainCallTimeoutException(string message, Exception innerException)
        : base(message, innerException)
    {
        CallChain = [];
    }

    /// <summary>The wait chain from the outermost call to the one that could not run, each as <c>grain.Method</c>.</summary>
    public IReadOnlyList<string> CallChain { get; }
}
