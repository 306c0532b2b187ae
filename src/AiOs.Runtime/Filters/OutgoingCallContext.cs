using AiOs.Invocation;
using AiOs.Runtime.Activation;
using AiOs.Runtime.Messaging;

namespace AiOs.Runtime;

/// <summary>Runs the outgoing filters in registration order around one call; the innermost step sends the call and
/// waits for its outcome, so that filters see its result or exception.</summary>
internal sealed class OutgoingCallContext(IOutgoingGrainCallFilter[] filters, Message message, Catalog catalog) : IOutgoingGrainCallContext
{
    private int _next;

    public GrainId TargetId => message.Target;

    public string InterfaceName => message.Request.Method.InterfaceName;

    public string MethodName => message.Request.Method.MethodName;

    public GrainRequest Request => message.Request;

    public object? Result
    {
        get => message.Request.Result;
        set => message.Request.Result = value;
    }

    public GrainId? SourceId => message.Caller?.Target;

    public Task Invoke()
    {
        if (_next < filters.Length)
        {
            return filters[_next++].Invoke(this);
        }

        catalog.Dispatch(message);
        return message.CompletionSink!.Task;
    }

    /// <summary>Runs the pipeline, then settles the caller's promise with the final result or error.</summary>
    public async Task RunAsync()
    {
        try
        {
            await Invoke().ConfigureAwait(false);
            message.Request.TryComplete();
        }
        catch (Exception exception)
        {
            message.Request.TryFail(exception);
        }
    }
}
