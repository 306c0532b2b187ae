using AiOs.Invocation;
using AiOs.Runtime.Messaging;

namespace AiOs.Runtime;

/// <summary>Runs the incoming filters in registration order around one call, then the call itself.</summary>
internal sealed class IncomingCallContext(IIncomingGrainCallFilter[] filters, Message message, object grain) : IIncomingGrainCallContext
{
    private int _next;

    public GrainId TargetId => message.Target;

    public string InterfaceName => message.Kind == GrainCallKind.Timer ? "timer" : message.Request.Method.InterfaceName;

    public string MethodName => message.Request.Method.MethodName;

    public GrainRequest Request => message.Request;

    public object? Result
    {
        get => message.Request.Result;
        set => message.Request.Result = value;
    }

    public object Grain => grain;

    public GrainCallKind Kind => message.Kind;

    public Task Invoke()
    {
        if (_next < filters.Length)
        {
            return filters[_next++].Invoke(this);
        }

        var invocation = message.Request.InvokeAsync(grain);
        return invocation.IsCompletedSuccessfully ? Task.CompletedTask : invocation.AsTask();
    }
}
