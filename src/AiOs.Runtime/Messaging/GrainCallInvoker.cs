using AiOs.Invocation;

namespace AiOs.Runtime.Messaging;

/// <summary>Turns a proxy call into a message: stamps its deadline (the earlier of the call's own timeout and its
/// caller's deadline, so that a chain never outlives the outermost caller), links it to the calling request for
/// call-chain reentrancy and deadlock reports, runs the outgoing filters, and routes it.</summary>
internal sealed class GrainCallInvoker(SiloRuntime runtime) : IGrainCallInvoker
{
    public IGrainFactory GrainFactory => runtime.GrainFactory;

    public void Send(GrainReference target, GrainRequest request)
    {
        var caller = RequestContext.Current;
        var now = runtime.Time.GetTimestamp();
        var deadline = now + runtime.ResponseTimeoutTicks;
        if (caller is not null)
        {
            if (caller.Deadline < deadline)
            {
                deadline = caller.Deadline;
            }
        }
        else if (GrainCallDeadline.Ambient is { } external)
        {
            // A call from outside grains inside a GrainCallDeadline scope (e.g. an API request's grpc-timeout).
            var remaining = external - runtime.Time.GetUtcNow();
            var ticks = remaining <= TimeSpan.Zero ? 0 : (long)(remaining.TotalSeconds * runtime.Time.TimestampFrequency);
            deadline = Math.Min(deadline, now + ticks);
        }

        if (runtime.OutgoingFilters.Length == 0)
        {
            var message = new Message(request, target.GrainId, deadline, caller);
            caller?.AddPendingCall(message);
            runtime.Catalog.Dispatch(message, mayRunInline: true);
            return;
        }

        var filtered = new Message(request, target.GrainId, deadline, caller)
        {
            CompletionSink = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously),
        };
        caller?.AddPendingCall(filtered);
        _ = new OutgoingCallContext(runtime.OutgoingFilters, filtered, runtime.Catalog).RunAsync();
    }

    /// <summary>Sends a request the runtime makes itself (a reminder tick), outside any caller's chain.</summary>
    public void SendSystem(GrainId target, GrainRequest request, GrainCallKind kind)
    {
        var deadline = runtime.Time.GetTimestamp() + runtime.ResponseTimeoutTicks;
        runtime.Catalog.Dispatch(new Message(request, target, deadline, caller: null, kind));
    }
}
