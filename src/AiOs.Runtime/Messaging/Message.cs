using AiOs.Invocation;
using AiOs.Runtime.Activation;

namespace AiOs.Runtime.Messaging;

/// <summary>The runtime's envelope around one request: where it goes, by when, on whose behalf, and where it stands.
/// Kept apart from <see cref="GrainRequest"/> so that generated code knows nothing of routing.</summary>
internal sealed class Message
{
    /// <summary>No deadline (timer ticks).</summary>
    public const long NoDeadline = long.MaxValue;

    private static long s_nextId = Random.Shared.NextInt64(1L << 40) << 16;

    private List<Message>? _pendingCalls;
    private int _completed;

    public Message(GrainRequest request, GrainId target, long deadline, Message? caller, GrainCallKind kind = GrainCallKind.Request)
    {
        Request = request;
        Target = target;
        Deadline = deadline;
        Caller = caller;
        Kind = kind;
        Id = Interlocked.Increment(ref s_nextId);
    }

    /// <summary>Unique within the process.</summary>
    public long Id { get; }

    public GrainRequest Request { get; }

    public GrainId Target { get; }

    /// <summary>A <see cref="TimeProvider"/> timestamp after which the caller stops waiting.</summary>
    public long Deadline { get; }

    /// <summary>The request, running in a grain of this silo, that made this call; null for calls from outside grains.</summary>
    public Message? Caller { get; }

    public GrainCallKind Kind { get; }

    /// <summary>For timer ticks: the tick may interleave with calls.</summary>
    public bool Interleave { get; init; }

    /// <summary>Receives the outcome instead of the request's own promise: the outgoing filters (which then settle the
    /// caller themselves), or the transport that answers a call from another silo.</summary>
    public TaskCompletionSource? CompletionSink { get; init; }

    /// <summary>For a call that came from another silo: the frames of its call chain there, outermost first (the local
    /// <see cref="Caller"/> chain is empty then).</summary>
    public IReadOnlyList<CallFrame>? RemoteChain { get; init; }

    /// <summary>The activation the message was queued in or is running in.</summary>
    public ActivationData? Activation { get; set; }

    /// <summary>True once the message began to run in its activation.</summary>
    public bool Started { get; set; }

    public bool IsCompleted => Volatile.Read(ref _completed) != 0;

    public GrainMethodOptions Options => Request.Method.Options;

    public bool IsReadOnly => (Options & GrainMethodOptions.ReadOnly) != 0;

    public bool IsAlwaysInterleave => Interleave || (Options & GrainMethodOptions.AlwaysInterleave) != 0;

    /// <summary>Settles the call exactly once, with its recorded result or <paramref name="error"/>.</summary>
    public bool Complete(Exception? error = null)
    {
        if (Interlocked.Exchange(ref _completed, 1) != 0)
        {
            return false;
        }

        Caller?.RemovePendingCall(this);
        if (CompletionSink is { } outgoing)
        {
            if (error is null)
            {
                outgoing.TrySetResult();
            }
            else
            {
                outgoing.TrySetException(error);
            }
        }
        else if (error is null)
        {
            Request.TryComplete();
        }
        else
        {
            Request.TryFail(error);
        }

        return true;
    }

    /// <summary>True when <paramref name="running"/> is this message's caller, its caller's caller, and so on: the call came
    /// back along the chain that is running.</summary>
    public bool IsCalledBy(Message running)
    {
        var root = this;
        for (var caller = Caller; caller is not null; caller = caller.Caller)
        {
            if (ReferenceEquals(caller, running))
            {
                return true;
            }

            root = caller;
        }

        // The chain may have left this silo and come back (A here -> B elsewhere -> A here): match by id.
        if (root.RemoteChain is { } remote)
        {
            foreach (var frame in remote)
            {
                if (frame.MessageId == running.Id && frame.Grain == running.Target)
                {
                    return true;
                }
            }
        }

        return false;
    }

    /// <summary>This call's chain as frames, outermost first, ending with this call: what travels with a call that
    /// leaves the silo.</summary>
    public IReadOnlyList<CallFrame> ChainFrames()
    {
        var frames = new List<CallFrame>();
        var root = this;
        for (var message = this; message is not null; message = message.Caller)
        {
            frames.Add(new CallFrame(message.Target, message.Request.Method.MethodName, message.Id));
            root = message;
        }

        frames.Reverse();
        return root.RemoteChain is { Count: > 0 } remote ? [.. remote, .. frames] : frames;
    }

    public void AddPendingCall(Message call)
    {
        lock (this)
        {
            (_pendingCalls ??= []).Add(call);
        }
    }

    public Message? FirstPendingCall()
    {
        lock (this)
        {
            return _pendingCalls is { Count: > 0 } calls ? calls[0] : null;
        }
    }

    /// <summary>How deep in a call chain the message is (0 for a call from outside grains).</summary>
    public int Depth
    {
        get
        {
            var depth = 0;
            for (var caller = Caller; caller is not null; caller = caller.Caller)
            {
                depth++;
            }

            return depth;
        }
    }

    /// <summary>For calls that came from another silo: the silo that sent it.</summary>
    public string? FromSilo { get; init; }

    public override string ToString() => $"{Target}.{(Kind == GrainCallKind.Timer ? "timer:" : string.Empty)}{Request.Method.MethodName}";

    private void RemovePendingCall(Message call)
    {
        lock (this)
        {
            _pendingCalls?.Remove(call);
        }
    }
}
