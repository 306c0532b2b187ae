namespace AiOs.Runtime;

/// <summary>A deadline for the grain calls that code outside grains makes, such as an API request with a
/// <c>grpc-timeout</c>: within <see cref="Begin"/>'s scope, every call started from this async flow gets the earlier of
/// its usual deadline and this one, and fails with <see cref="GrainCallTimeoutException"/> when it passes. Calls the
/// grains make in turn inherit it, as every nested call inherits its caller's deadline.</summary>
public static class GrainCallDeadline
{
    private static readonly AsyncLocal<DateTimeOffset?> Current = new();

    // How many scopes are open in the process. The invoker reads the async-local only when some are, so that calls made
    // without any scope (every in-silo call) pay one plain read instead of an execution-context lookup.
    private static int s_openScopes;

    /// <summary>Gives calls made from this async flow, until the scope is disposed, a deadline no later than
    /// <paramref name="deadline"/> (a time of the silo's <see cref="TimeProvider"/>).</summary>
    public static Scope Begin(DateTimeOffset deadline)
    {
        var previous = Current.Value;
        Current.Value = previous is { } outer && outer < deadline ? outer : deadline;
        Interlocked.Increment(ref s_openScopes);
        return new Scope(previous);
    }

    /// <summary>The deadline of the current flow, if a scope is open.</summary>
    internal static DateTimeOffset? Ambient => Volatile.Read(ref s_openScopes) == 0 ? null : Current.Value;

    /// <summary>Ends the deadline's scope, restoring the one around it.</summary>
    public readonly struct Scope : IDisposable
    {
        private readonly DateTimeOffset? _previous;

        internal Scope(DateTimeOffset? previous) => _previous = previous;

        /// <summary>Ends the scope.</summary>
        public void Dispose()
        {
            Current.Value = _previous;
            Interlocked.Decrement(ref s_openScopes);
        }
    }
}
