using System.Threading.Tasks.Sources;

namespace AiOs.Invocation;

/// <summary>One call of a grain method: its arguments, how to invoke it on the grain, and the caller's promise of its
/// result. The code generator writes one sealed subclass per interface method. The runtime keeps its own headers
/// (target, deadline, call chain) beside the request, so a request is only what the method needs.</summary>
public abstract class GrainRequest
{
    /// <summary>The method this request calls.</summary>
    public abstract GrainMethodDescriptor Method { get; }

    /// <summary>Argument <paramref name="index"/>, boxed (for filters and serialization).</summary>
    public abstract object? GetArgument(int index);

    /// <summary>Sets argument <paramref name="index"/> (for deserialization).</summary>
    public abstract void SetArgument(int index, object? value);

    /// <summary>Calls the method on <paramref name="target"/> and records its result in this request. The runtime awaits
    /// this on the grain's scheduler, so the method's continuations run as part of the grain's turn.</summary>
    public abstract ValueTask InvokeAsync(object target);

    /// <summary>The recorded result, boxed; null for a void method or before the call has run.</summary>
    public abstract object? Result { get; set; }

    /// <summary>True once the caller's promise has been settled.</summary>
    public abstract bool IsCompleted { get; }

    /// <summary>Settles the caller's promise with the recorded result. False when it was already settled.</summary>
    public abstract bool TryComplete();

    /// <summary>Settles the caller's promise with an error. False when it was already settled.</summary>
    public abstract bool TryFail(Exception exception);

    /// <summary>For generated void methods: completes at once when the task did.</summary>
    protected static ValueTask Capture(Task task) => task.IsCompletedSuccessfully ? default : new ValueTask(task);

    /// <summary>For generated void methods returning <see cref="ValueTask"/>.</summary>
    protected static ValueTask Capture(ValueTask task) => task;

    public override string ToString() => Method.InterfaceType.Name + "." + Method.MethodName;
}

/// <summary>A request whose method produces <typeparamref name="TResult"/> (<see cref="VoidResult"/> for void methods).
/// It is its own promise (an <see cref="IValueTaskSource{TResult}"/>), so a call allocates no separate completion source.</summary>
public abstract class GrainRequest<TResult> : GrainRequest, IValueTaskSource<TResult>, IValueTaskSource
{
    // Continuations always run asynchronously: the runtime settles requests from inside a grain's turn, and a caller's
    // continuation must never run on (and hold up) the callee's scheduler.
    private ManualResetValueTaskSourceCore<TResult> _core = new() { RunContinuationsAsynchronously = true };
    private int _settled;
    private TResult? _result;

    /// <inheritdoc />
    public override object? Result
    {
        get => typeof(TResult) == typeof(VoidResult) ? null : _result;
        set
        {
            if (typeof(TResult) == typeof(VoidResult))
            {
                return;
            }

            _result = value is null ? default : value is TResult typed ? typed : throw new InvalidCastException(
                $"{this} returns {typeof(TResult).Name}; a filter cannot set its result to a {value.GetType().Name}.");
        }
    }

    /// <inheritdoc />
    public override bool IsCompleted => Volatile.Read(ref _settled) != 0;

    /// <summary>The caller's view of the result as a task.</summary>
    public Task<TResult> AsTask() => new ValueTask<TResult>(this, _core.Version).AsTask();

    /// <summary>The caller's view of a void method's completion as a task.</summary>
    public Task AsVoidTask() => new ValueTask(this, _core.Version).AsTask();

    /// <summary>The caller's view of the result as a value task.</summary>
    public ValueTask<TResult> AsValueTask() => new(this, _core.Version);

    /// <summary>The caller's view of a void method's completion as a value task.</summary>
    public ValueTask AsVoidValueTask() => new(this, _core.Version);

    /// <inheritdoc />
    public override bool TryComplete()
    {
        if (Interlocked.Exchange(ref _settled, 1) != 0)
        {
            return false;
        }

        _core.SetResult(_result!);
        return true;
    }

    /// <inheritdoc />
    public override bool TryFail(Exception exception)
    {
        if (Interlocked.Exchange(ref _settled, 1) != 0)
        {
            return false;
        }

        _core.SetException(exception);
        return true;
    }

    /// <summary>For generated methods returning <see cref="Task{TResult}"/>: records the result, at once when it is ready.</summary>
    protected ValueTask Capture(Task<TResult> task)
    {
        if (task.IsCompletedSuccessfully)
        {
            _result = task.Result;
            return default;
        }

        return AwaitResult(task);
    }

    /// <summary>For generated methods returning <see cref="ValueTask{TResult}"/>.</summary>
    protected ValueTask Capture(ValueTask<TResult> task)
    {
        if (task.IsCompletedSuccessfully)
        {
            _result = task.Result;
            return default;
        }

        return AwaitResult(task.AsTask());
    }

    // Resumes on the grain's scheduler (the runtime invokes requests there), as the grain's own awaits do.
    private async ValueTask AwaitResult(Task<TResult> task) => _result = await task;

    TResult IValueTaskSource<TResult>.GetResult(short token) => _core.GetResult(token);

    void IValueTaskSource.GetResult(short token) => _core.GetResult(token);

    ValueTaskSourceStatus IValueTaskSource<TResult>.GetStatus(short token) => _core.GetStatus(token);

    ValueTaskSourceStatus IValueTaskSource.GetStatus(short token) => _core.GetStatus(token);

    void IValueTaskSource<TResult>.OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
        _core.OnCompleted(continuation, state, token, flags);

    void IValueTaskSource.OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
        _core.OnCompleted(continuation, state, token, flags);
}
